"""The notice at the top of the main window when something is due or overdue at start."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class DueNotice(QFrame):
    """A non-modal notice at the top of the window when something is overdue at start."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.show_me = QPushButton("Show me")
        self.dismiss = QPushButton("Dismiss")
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.show_me)
        row.addWidget(self.dismiss)
        self.dismiss.clicked.connect(self.hide)
        self.hide()

    def announce(self, count: int) -> None:
        """Say how many things are due or overdue (nothing to say: stay hidden)."""
        if not count:
            self.hide()
            return
        things = "thing is" if count == 1 else "things are"
        self.text.setText(
            f"{count} {things} due or overdue: deletion requests past their "
            "deadline, follow-ups, reviews or subject access requests to answer. They are "
            "listed on the dashboard."
        )
        self.setAccessibleName(self.text.text())
        self.show()
