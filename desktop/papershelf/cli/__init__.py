"""The ``papershelf`` command line: ``main`` assembles the commands of each module here
(papers, exchange, maintenance), and with no command it opens the window."""

from papershelf.cli.main import main

__all__ = ["main"]
