"""``python -m papershelf``: the same as the ``papershelf`` command."""

import sys

from papershelf.cli import main

if __name__ == "__main__":
    sys.exit(main())
