"""The main window (for now: the school's name and how many incidents the log holds)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.core.db import Database
from app.core.services.incident_queries import IncidentFilter, count_incidents
from app.core.services.school import find_settings


class MainWindow(QMainWindow):
    """Footprint's window, titled with the school's name."""

    def __init__(self, database: Database, user_id: int) -> None:
        super().__init__()
        self.database = database
        self.user_id = user_id
        self.school_label = QLabel()
        self.school_label.setObjectName("schoolName")
        self.school_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.school_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.school_label.setFont(font)
        self.count_label = QLabel()
        self.count_label.setObjectName("incidentCount")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addStretch(1)
        layout.addWidget(self.school_label)
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(1024, 700)
        self.refresh()

    def refresh(self) -> None:
        """Read the school's name and the incident count again."""
        with self.database.read() as session:
            settings = find_settings(session)
            school = settings.name if settings is not None else ""
            total = count_incidents(session, IncidentFilter())
        self.setWindowTitle(f"Footprint — {school}" if school else "Footprint")
        self.school_label.setText(school or "No school set up yet")
        noun = "incident" if total == 1 else "incidents"
        self.count_label.setText(f"{total:,} {noun} in the log")
