"""Every control can be named by a screen reader, and Tab follows the form."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.incidents.editor import IncidentEditor
from app.ui.main_window import MainWindow


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isEnabledTo(root):
            continue
        if widget.window() is not root.window():
            continue  # a combo box's pop-up list: its own window, named by the combo
        if not isinstance(widget, QAbstractButton | QComboBox | QLineEdit | QAbstractScrollArea):
            continue
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), QComboBox | QAbstractSpinBox
        ):
            continue  # a combo or date box's own editor: the outer control carries the name
        if type(widget).__name__ in {"QScrollArea", "QCalendarWidget"}:
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            missing.append(
                f"{type(widget).__name__} {widget.objectName()!r} "
                f"in {type(widget.parent()).__name__}"
            )
    return missing


def test_every_control_in_the_window_and_editor_has_a_name(
    qtbot: QtBot, window: MainWindow
) -> None:
    for index in window.allowed_pages:  # each section is built when first shown
        window.go(index)
    assert _unnamed(window) == [], "\n".join(_unnamed(window))
    editor = IncidentEditor(window.context, None, window)
    qtbot.addWidget(editor)
    assert _unnamed(editor) == []


def test_tab_follows_the_details_form(qtbot: QtBot, window: MainWindow) -> None:
    editor = IncidentEditor(window.context, None, window)
    qtbot.addWidget(editor)
    form = editor.form
    expected = [
        form.platform,
        form.platform_other,
        form.audience,
        form.url,
        form.account_handle,
        form.still_live,
        form.severity,
    ]
    for before, after in itertools.pairwise(expected):
        assert before.nextInFocusChain() is after or _next_focusable(before) is after
    assert _next_focusable(form.outcome_rationale) is form.summary


def _next_focusable(widget: QWidget) -> QWidget:
    candidate = widget.nextInFocusChain()
    while candidate is not None and candidate.focusPolicy() == Qt.FocusPolicy.NoFocus:
        candidate = candidate.nextInFocusChain()
    assert candidate is not None
    return candidate
