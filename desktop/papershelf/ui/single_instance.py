"""One window per library: a second launch hands over to the first and exits.

The first window listens on a local socket named after the library file; a later
launch on the same file connects, asks it to come to the front, and quits. Two
windows writing one library would each keep an undo stack that lies about the other.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_RAISE = b"raise\n"


def server_name(library_path: Path) -> str:
    """A socket name unique to this user and library file."""
    key = f"{getpass.getuser()}:{library_path.expanduser().resolve()}"
    return "papershelf-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def ask_running_window(library_path: Path, timeout_ms: int = 300) -> bool:
    """True when a window already has this library open (it was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_RAISE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits ``raiseRequested`` when one arrives."""

    raiseRequested = Signal()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        name = server_name(library_path)
        self.server = QLocalServer(self)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a process that crashed
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_RAISE.strip()):
            self.raiseRequested.emit()

    def close(self) -> None:
        """Stop listening (the window is closing)."""
        self.server.close()
