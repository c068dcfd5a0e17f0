"""Moved to ``papershelf.core.fields``; kept until the undo commands move to core/ops."""

from papershelf.core.fields import PaperFields

__all__ = ["PaperFields"]
