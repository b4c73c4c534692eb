"""Work done on a worker thread while the sign-in dialog waits for the user: load the
database layer and the main window's modules (about 1.5 s of imports), and open a plain
log (connect, check, bring the schema up to date). Qt widgets are only ever built on the
GUI thread; here there are imports and the database alone."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop

T = TypeVar("T")
log = logging.getLogger(__name__)

#: What the window needs after sign-in, heaviest last (the pages bring the services,
#: the documents and reportlab).
MODULES = (
    "app.core.startup",
    "app.core.services.accounts",
    "app.ui.context",
    "app.ui.accounts",
    "app.ui.recovery",
    "app.ui.background",
    "app.core.backups",
    "app.ui.main_window",
)


class WarmUp(Generic[T]):
    """Runs `work` (may be None) and then imports MODULES on a daemon thread; `result`
    waits for both and returns what `work` returned (or raises what it raised)."""

    def __init__(self, work: Callable[[], T] | None = None) -> None:
        self.work = work
        self.done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin (once); a daemon thread, so closing the dialog never waits for it."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="warm-up", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            if self.work is not None:
                self._value = self.work()
        except BaseException as exc:  # handed to the GUI thread, which says it in words
            self._error = exc
        finally:
            for name in MODULES:
                try:
                    importlib.import_module(name)
                except Exception:  # the GUI thread imports it again and meets the error
                    log.exception("warming %s failed", name)
            self.done.set()

    def wait(self) -> None:
        """Until the thread is done; the window keeps painting (input waits)."""
        self.start()
        while not self.done.wait(0.03):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def result(self) -> T | None:
        """What `work` returned, once done (it raised: raised again here)."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value
