"""Where the remote services are: each base URL from the environment (so tests and
mirrors can point elsewhere), else the service's own. Imports nothing heavy: following a
feed is checked without loading the HTTP client."""

from __future__ import annotations

import os

ARXIV_API_ENV = "PAPERSHELF_ARXIV_API"
ARXIV_API_DEFAULT = "https://export.arxiv.org/api/query"


def arxiv_api() -> str:
    """The arXiv API's query address."""
    return os.environ.get(ARXIV_API_ENV, "").strip() or ARXIV_API_DEFAULT
