"""Papershelf: a desktop reading list for research papers."""

# One literal, read by hatchling for the package's metadata (pyproject.toml's dynamic
# version): importlib.metadata would cost every start about 30 ms of imports.
__version__ = "0.1.0"
