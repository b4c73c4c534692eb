"""Combo boxes over vocabularies, with an optional "Any"/"Not known" entry."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Generic, TypeVar

from PySide6.QtWidgets import QComboBox, QWidget

from app.core.vocab import Vocabulary

V = TypeVar("V", bound=Vocabulary)


class VocabCombo(QComboBox, Generic[V]):
    """Choose one member of a vocabulary (or the blank entry, if there is one)."""

    def __init__(
        self,
        members: Iterable[V],
        *,
        blank: str | None = None,
        accessible_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if blank is not None:
            self.addItem(blank, None)
        for member in members:
            self.addItem(member.label, member)
        if accessible_name:
            self.setAccessibleName(accessible_name)

    def value(self) -> V | None:
        """The chosen member, or None for the blank entry."""
        data = self.currentData()
        return data if isinstance(data, StrEnum) else None  # type: ignore[return-value]

    def set_value(self, value: V | None) -> None:
        """Select `value` (None selects the blank entry)."""
        index = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(index, 0))
