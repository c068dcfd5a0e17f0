"""The Qt window. Imports PySide6; ``papershelf.core`` never imports this package."""

from papershelf.ui.app import open_main_window

__all__ = ["open_main_window"]
