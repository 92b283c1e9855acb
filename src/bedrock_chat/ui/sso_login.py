"""`aws sso login --profile NAME` run as a child process (it opens the browser), never blocking the GUI."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QObject, QProcess, Signal


def aws_cli() -> str | None:
    """The AWS CLI, if installed: the sign-in button is offered only where it can work."""
    return shutil.which("aws")


class SsoLogin(QObject):
    finished = Signal(bool)
    """The sign-in ended (True: the CLI reported success)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None

    def start(self, profile: str) -> bool:
        """False when there is no AWS CLI or a sign-in is already running."""
        program = aws_cli()
        if program is None or (self._process is not None
                               and self._process.state() != QProcess.ProcessState.NotRunning):
            return False
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(["sso", "login", "--profile", profile])
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        process.start()
        return True

    def stop(self) -> None:
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        self.finished.emit(status == QProcess.ExitStatus.NormalExit and exit_code == 0)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.finished.emit(False)
