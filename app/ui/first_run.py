"""First run on an empty log: set the school up, or load the demonstration school."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from app.ui.background import run_with_progress
from app.ui.context import AppContext
from app.ui.settings_page import SchoolForm


class FirstRunDialog(QDialog):
    """A short set-up; `demo_loaded` tells the caller which way it went."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.demo_loaded = False
        self.setWindowTitle("Welcome to Footprint")
        intro = QLabel(
            "<b>Welcome.</b> Footprint keeps the school's log of social media incidents, the "
            "requests to delete posts and what was escalated. Tell it about the school to "
            "begin — you can change these details later in Settings."
        )
        intro.setWordWrap(True)
        # A new log was just made: say where, so the school knows what to protect and
        # back up (and can tell a new log from the one it expected to open).
        self.location = QLabel(f"This school's log is kept in {context.database.location}.")
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = SchoolForm(context)
        self.form.save_button.setText("Start with this school")
        self.demo = QPushButton("Load the demonstration school instead…")
        self.demo.setToolTip(
            "An invented school with realistic incidents, for training and trying out"
        )
        row = QHBoxLayout()
        row.addWidget(self.demo)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.location)
        layout.addWidget(self.form, 1)
        layout.addLayout(row)
        self.form.saved.connect(self.accept)
        self.demo.clicked.connect(self.load_demo)
        self.resize(640, 560)

    def load_demo(self) -> None:
        answer = QMessageBox.question(
            self,
            "Load the demonstration school?",
            "This fills the log with an invented school, its people and incidents, for "
            "training. Don't use a demonstration log for real incidents.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from app.core.demo import build_demo_school

        _, error = run_with_progress(
            self,
            "Building the demonstration school…",
            lambda: self.context.write(lambda s, a: build_demo_school(s, a.id)),
        )
        if error is not None:
            QMessageBox.warning(self, "The demonstration school could not be loaded", error)
            return
        self.demo_loaded = True
        self.accept()
