"""core must stay free of Qt: importing every module under it leaves PySide6 unloaded."""

import subprocess
import sys


def test_core_never_imports_pyside6() -> None:
    code = (
        "import pkgutil, importlib, sys, papershelf.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'papershelf.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import papershelf.cli\n"
        "loaded = sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6')))\n"
        "print(len(list(pkgutil.walk_packages(core.__path__))), loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    assert int(out[0]) >= 8  # the walk really visited the core modules
    assert out[1].strip() == "[]"
