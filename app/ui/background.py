"""Long work off the GUI thread, with a progress dialog, so the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.errors import FootprintError
from app.logging_setup import log, sanitised_traceback

T = TypeVar("T")


class _Worker(QObject, Generic[T]):
    finished = Signal()

    def __init__(self, work: Callable[[], T], failure: str) -> None:
        super().__init__()
        self.work = work
        self.failure = failure
        self.result: T | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except FootprintError as exc:
            self.error = exc.message
        except Exception as exc:  # reported to the user below, logged without values
            log.error(
                "background work failed: %s", sanitised_traceback(type(exc), exc.__traceback__)
            )
            self.error = self.failure
        self.finished.emit()


def run_with_progress(
    parent: QWidget | None,
    label: str,
    work: Callable[[], T],
    *,
    failure: str = "The work could not be finished; nothing was saved.",
) -> tuple[T | None, str | None]:
    """Run `work` on a worker thread while a busy dialog shows `label`; returns
    (result, None) or (None, the message for the user)."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Footprint")
    dialog.setCancelButton(None)  # the work is one transaction: it finishes or rolls back
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    thread = QThread()
    worker: _Worker[T] = _Worker(work, failure)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.finished.connect(dialog.accept)
    thread.start()
    dialog.exec()
    thread.wait()
    return worker.result, worker.error
