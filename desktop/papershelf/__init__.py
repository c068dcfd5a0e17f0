"""Papershelf: a desktop reading list for research papers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("papershelf")
except PackageNotFoundError:  # frozen app without dist-info
    __version__ = "0.1.0"
