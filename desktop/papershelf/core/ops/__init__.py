"""Operations on the library, after Anki's ``pylib/anki`` operations.

Each operation runs in one transaction and returns a ``Changes``: which papers and
which of their fields it changed (so the window refreshes only those rows) and how to
undo it. The window wraps any operation in one generic undo command; the command
line calls the same functions and ignores the undo.
"""
