"""Where the library, the bundled seeds and the resources live.

The same code must find its data in a source checkout (editable install), an
installed wheel (data under ``papershelf/_data``) and the frozen app (``sys._MEIPASS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Papershelf"
LIBRARY_ENV = "PAPERSHELF_LIBRARY"
CACHE_ENV = "PAPERSHELF_CACHE"  # another folder for what is cached (tests set their own)


def _data_roots() -> list[Path]:
    roots: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    package = Path(__file__).resolve().parent.parent
    roots.append(package / "_data")  # wheel install
    roots.append(package.parent.parent)  # source checkout: desktop/papershelf -> repo root
    return roots


def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (``seeds`` or ``resources``) wherever it was installed."""
    for root in _data_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled '{name}' folder is missing from this installation")


def seed_documents() -> list[Path]:
    """The seed documents in import order (their names sort in the order they depend on)."""
    return sorted(data_dir("seeds").glob("*.txt"))


def default_library_path() -> Path:
    """``--library`` is handled by the caller; this is the environment or the user data dir."""
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library.sqlite"


def log_dir() -> Path:
    """Platform log folder, for the frozen app that has no terminal."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """What can be made again (the search terms): the environment or the user cache dir."""
    from_env = os.environ.get(CACHE_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
