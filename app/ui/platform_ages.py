"""Settings → Platforms: each platform's minimum age, which the underage-use letter
states (or, where none is set, says the platform has its own rules)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import FootprintError
from app.core.services.platforms import minimum_ages, save_minimum_ages
from app.core.vocab import Platform
from app.ui.context import AppContext
from app.ui.widgets.field_errors import error_label

#: The spin box's value for "no single minimum age" (shown as words).
NONE_STATED = -1


class PlatformAgesEditor(QWidget):
    """One row per platform: the minimum age (or none stated) and a note."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        intro = QLabel(
            "The underage-use letter states the minimum age set here for the platform "
            "named. Platforms change their rules (WhatsApp lowered its UK minimum from 16 "
            "to 13 in 2024), so check them; where there is no single minimum age (Roblox), "
            "choose “None stated” and the letter says the platform has its own rules."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Minimum ages")
        self.table.setHorizontalHeaderLabels(["Platform", "Minimum age", "Note"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.ages: dict[Platform, QSpinBox] = {}
        self.notes: dict[Platform, QLineEdit] = {}
        self.message = error_label()
        self.save_button = QPushButton("Save minimum ages")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.load()

    def load(self) -> None:
        rows = self.context.read(minimum_ages)
        self.table.setRowCount(len(rows))
        self.ages.clear()
        self.notes.clear()
        for index, row in enumerate(rows):
            name = QTableWidgetItem(row.platform.label)
            self.table.setItem(index, 0, name)
            age = QSpinBox()
            age.setRange(NONE_STATED, 21)
            age.setSpecialValueText("None stated")
            age.setAccessibleName(f"Minimum age on {row.platform.label}")
            age.setValue(NONE_STATED if row.minimum_age is None else row.minimum_age)
            note = QLineEdit(row.note)
            note.setAccessibleName(f"Note on {row.platform.label}")
            self.table.setCellWidget(index, 1, age)
            self.table.setCellWidget(index, 2, note)
            self.ages[row.platform] = age
            self.notes[row.platform] = note
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 140)

    def values(self) -> dict[Platform, tuple[int | None, str]]:
        return {
            platform: (
                None if spin.value() == NONE_STATED else spin.value(),
                self.notes[platform].text().strip(),
            )
            for platform, spin in self.ages.items()
        }

    def save(self) -> bool:
        values = self.values()
        try:
            self.context.write(lambda s, a: save_minimum_ages(s, a, values))
        except FootprintError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return False
        self.message.say_done("Saved.")
        self.message.show()
        return True
