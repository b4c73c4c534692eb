"""The first step of an import: which file, and what it is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.mis_import.controller import CSV_KINDS, source_of

FILE_FILTER = "Common Transfer File (*.xml *.ctf);;CSV export (*.csv *.txt);;All files (*)"

INTRO = (
    "Choose the file your MIS exported: a Common Transfer File (CTF) of the whole school, "
    "or a CSV export of pupils and their contacts, or of staff. Nothing in the log changes "
    "until you have seen what the import would do and applied it."
)


def choose_file(parent: QWidget) -> Path | None:
    """The system's file dialog; None if the user cancels."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import from the MIS", "", FILE_FILTER)
    return Path(path) if path else None


class FileStep(QWidget):
    """The file's path, CTF or CSV, and for a CSV what it holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setAccessibleName("File")
        self.path.setPlaceholderText("No file chosen yet")
        self.browse = QPushButton("&Choose file…")
        self.ctf = QRadioButton("A Common Transfer File (CTF, .xml)")
        self.csv = QRadioButton("A CSV export (.csv)")
        self.ctf.setChecked(True)
        self.sources = QButtonGroup(self)
        self.sources.addButton(self.ctf)
        self.sources.addButton(self.csv)
        self.kind = QComboBox()
        self.kind.setAccessibleName("The CSV holds")
        for key, label in CSV_KINDS.items():
            self.kind.addItem(label, key)

        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("&File", row)
        form.addRow("It is", self.ctf)
        form.addRow("", self.csv)
        form.addRow("The CSV &holds", self.kind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        self.csv.toggled.connect(self.kind.setEnabled)
        self.kind.setEnabled(False)

    def set_path(self, path: Path) -> None:
        """Show the chosen file, and guess what it is from its name."""
        self.path.setText(str(path))
        (self.csv if source_of(path) == "csv" else self.ctf).setChecked(True)

    def chosen_path(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text) if text else None

    @property
    def source(self) -> str:
        return "csv" if self.csv.isChecked() else "ctf"

    @property
    def csv_kind(self) -> str:
        return str(self.kind.currentData())
