"""Network lookups (arXiv, Crossref, feeds): Qt-free, base URLs from the environment."""
