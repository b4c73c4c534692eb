"""Settings → Backups: where the log's backups go, the last good one and its age, and
"Back up now", "Verify" and "Restore…" (restoring closes Footprint, which then starts on
the restored log). For the DSL; a PostgreSQL log is backed up on its server."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.backups import (
    Backup,
    backup_folder,
    choose_backup_folder,
    create_backup,
    days_without_backup,
    list_backups,
    restore_backup,
    verify_backup,
)
from app.core.clock import utc_now
from app.core.errors import FootprintError
from app.core.services.backups import record_backup, record_restore
from app.core.timefmt import format_datetime
from app.ui.background import run_with_progress
from app.ui.context import AppContext, as_footprint
from app.ui.widgets.field_errors import error_label


class BackupsPage(QWidget):
    """The backups of this PC's SQLite log; `restored` asks the app to close."""

    restored = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.log_path = context.database.file
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("Choose the &folder…")
        self.choose_button.setToolTip(
            "A second drive or a network share is a good place for backups (never for the live log)"
        )
        self.last = QLabel()
        self.last.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Backups")
        self.tree.setHeaderLabels(["Made", "Incidents", "Size", "Audit checkpoint", "File"])
        self.tree.setRootIsDecorated(False)
        for column, width in enumerate((140, 80, 80, 200)):
            self.tree.setColumnWidth(column, width)
        self.backup_button = QPushButton("&Back up now")
        self.verify_button = QPushButton("&Verify the backup")
        self.restore_button = QPushButton("&Restore the backup…")
        self.message = error_label()
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.verify_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addWidget(self.last)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.choose_button.clicked.connect(self.choose_folder)
        self.backup_button.clicked.connect(self.back_up_now)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.reload()

    # -- showing ------------------------------------------------------------------------
    def reload(self) -> None:
        self.tree.clear()
        if self.log_path is None:
            self.folder.setText(
                "This log is on a PostgreSQL server: it is backed up there (pg_dump), not by "
                "Footprint. See the README."
            )
            for widget in (self.choose_button, self.backup_button, self.tree):
                widget.setEnabled(False)
            self._enable()
            return
        folder = backup_folder(self.log_path)
        self.folder.setText(f"Backups go to {folder}")
        self.backups = list_backups(folder)
        for backup in self.backups:
            item = QTreeWidgetItem(
                [
                    format_datetime(backup.made_at),
                    f"{backup.records.get('incident', 0):,}",
                    f"{int(backup.manifest.get('bytes', 0)) / 1_000_000:.1f} MB",
                    backup.checkpoint,
                    backup.path.name,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, backup)
            self.tree.addTopLevelItem(item)
        days = days_without_backup(self.log_path, utc_now())
        if days is None:
            self.last.setText("There is no backup of this log yet.")
        else:
            age = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
            self.last.setText(
                f"Last good backup: {format_datetime(self.backups[0].made_at)} ({age}). "
                "Footprint backs up on the first start of each day and when it closes; it "
                "keeps 7 daily, 4 weekly and 12 monthly copies."
            )
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._enable()

    def _selected(self) -> Backup | None:
        item = self.tree.currentItem()
        backup = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return backup if isinstance(backup, Backup) else None

    def _enable(self) -> None:
        chosen = self._selected() is not None
        self.verify_button.setEnabled(chosen)
        self.restore_button.setEnabled(chosen)

    # -- acting ---------------------------------------------------------------------------
    def choose_folder(self) -> None:
        if self.log_path is None:
            return
        chosen = QFileDialog.getExistingDirectory(
            self, "Where backups go", str(backup_folder(self.log_path))
        )
        if not chosen:
            return
        try:
            choose_backup_folder(self.log_path, Path(chosen))
        except OSError as exc:
            self.message.setText(f"That folder can't be used ({exc.strerror or exc}).")
            self.message.show()
            return
        self.reload()

    def back_up_now(self) -> None:
        log_path = self.log_path
        if log_path is None:
            return
        keys = self.context.database.keys
        made, error = run_with_progress(
            self, "Backing up the log…", lambda: create_backup(log_path, keys=keys)
        )
        if error is not None or made is None:
            self.message.setText(error or "The backup could not be made.")
            self.message.show()
            return
        # The backup stands even if the trail can't take the note of it.
        with contextlib.suppress(FootprintError):
            self.context.look(lambda s: record_backup(s, made))
        self.reload()
        self.message.say_done(f"Backed up and checked: {made.path.name}.")

    def verify_selected(self) -> None:
        backup = self._selected()
        if backup is None:
            return
        keys = self.context.database.keys
        check, error = run_with_progress(
            self, "Checking the backup…", lambda: verify_backup(backup, keys)
        )
        if error is not None or check is None:
            self.message.setText(error or "The backup could not be checked.")
        elif check.ok:
            self.message.say_done(
                f"{backup.path.name} is sound: it opens, passes SQLite's integrity check and "
                "holds the records its manifest lists."
            )
            return
        else:
            self.message.setText(check.problems[0])
        self.message.show()

    def restore_selected(self) -> None:
        backup = self._selected()
        log_path = self.log_path
        if backup is None or log_path is None:
            return
        answer = QMessageBox.warning(
            self,
            "Restore this backup?",
            f"The log will go back to how it was on {format_datetime(backup.made_at)}: "
            "anything recorded since will not be in it. The log as it is now is backed up "
            "first, so this can be undone. Footprint then closes; start it again to carry "
            "on. Close Footprint on every other PC that uses this log first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        asked_by = self.context.username()
        database = self.context.database
        database.dispose()  # Footprint lets go of the file before it is replaced

        def work() -> object:
            restored = restore_backup(log_path, backup, database.audit_head, database.keys)
            database.follow_file()
            as_footprint(
                database,
                lambda s: record_restore(s, restored.backup, restored.previous, asked_by=asked_by),
            )
            return restored

        _, error = run_with_progress(self, "Restoring the backup…", work)
        if error is not None:  # the log is as it was
            self.message.setText(error)
            self.message.show()
            return
        QMessageBox.information(
            self, "Restored", "The backup is restored. Footprint closes now: start it again."
        )
        self.restored.emit()


def offer_to_remove_backups_holding(
    parent: QWidget, context: AppContext, evidence_id: int, sha256: str
) -> None:
    """After a stored image is destroyed: the backups made before still hold it. Say
    which, and offer to delete them (a new backup is made at once, without it)."""
    from app.core.backups import backups_holding, remove_backups
    from app.core.services.backups import record_backups_removed

    log_path, keys = context.database.file, context.database.keys
    if log_path is None:
        return  # a PostgreSQL log's backups are the server's
    holding, error = run_with_progress(
        parent,
        "Looking for the image in the backups…",
        lambda: backups_holding(log_path, sha256, keys),
    )
    if holding is None:
        QMessageBox.warning(parent, "Backups", f"The backups could not be searched. {error}")
        return
    unreadable = (
        f"\n\n{len(holding.unreadable)} backup(s) could not be opened to check."
        if holding.unreadable
        else ""
    )
    if not holding.files:
        if unreadable:
            QMessageBox.information(parent, "Backups", unreadable.strip())
        return
    names = "\n".join(path.name for path in holding.files[:12])
    more = f"\n… and {len(holding.files) - 12} more" if len(holding.files) > 12 else ""
    answer = QMessageBox.question(
        parent,
        "The image is still in earlier backups",
        f"{len(holding.files)} backup(s) made before it was destroyed still hold the image "
        f"(encrypted):\n\n{names}{more}\n\nDelete them now? A new backup is made straight "
        "after, without the image. If they are kept, the image stays in them until "
        f"rotation removes the last one (up to 12 months).{unreadable}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return

    def work() -> list[str]:
        # A new backup first (without the image): the log is never left without one.
        create_backup(log_path, keys=keys)
        gone: list[str] = []
        for path in holding.files:
            try:
                remove_backups([path])
            except OSError:
                continue  # named below as still holding it
            gone.append(path.name)
        return gone

    removed, error = run_with_progress(parent, "Backing up, then deleting those backups…", work)
    if removed:
        try:  # what was deleted, on the trail
            context.look(lambda s: record_backups_removed(s, evidence_id, removed))
        except FootprintError as exc:
            QMessageBox.warning(parent, "Backups", f"The deletion was not recorded: {exc.message}")
    left = [path.name for path in holding.files if path.name not in (removed or [])]
    if error is not None or left:
        QMessageBox.warning(
            parent,
            "Backups",
            (f"{error} " if error else "")
            + (
                "These backups still hold the image and could not be deleted: " + ", ".join(left)
                if left
                else ""
            ),
        )
