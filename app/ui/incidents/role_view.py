"""What an incident window shows to each role: it only ever hides (what a panel shows or
hides by itself is left to the panel), and the services refuse the rest anyway."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.core.permissions import Permission
from app.core.vocab import UserRole

if TYPE_CHECKING:
    from app.ui.incidents.editor import IncidentEditor


def hide_what_the_role_may_not_use(editor: IncidentEditor) -> None:
    """Hide what the signed-in account may not use (the services refuse it anyway).
    Only ever hides: what a panel shows or hides by itself is left to the panel."""
    may = editor.context.may
    editing = may(Permission.EDIT_INCIDENT) or (
        editor.incident_id is None and may(Permission.RECORD_INCIDENT)
    )
    hidden: list[QWidget] = []
    if not editing:
        editor.form.setEnabled(False)
        hidden.append(editor.save_button)
        if editor.incident_id is not None and may(Permission.RECORD_INCIDENT):
            editor.banner.setText(
                "Recorded. Office staff can't change an incident once it is saved: if "
                "something needs correcting or adding, tell the DSL."
            )
            editor.banner.show()
    if not may(Permission.CASE_FILES):
        hidden.append(editor.case_file_button)
    if not may(Permission.EDIT_INCIDENT):
        hidden += [
            editor.withdraw_button,
            editor.people.remove_button,
            editor.timeline.note,
            editor.timeline.add_note,
            editor.timeline.correct,
        ]
    if editor.context.role not in (UserRole.DSL, UserRole.DEPUTY_DSL):
        # Who can see it stays in view (editor.form.access): the case manager is named there.
        editor.form.hide_restriction()
    if not (editing and may(Permission.ADD_INVOLVEMENT)):
        hidden.append(editor.people.add_button)
    if not (editing and may(Permission.ADD_EVIDENCE)):
        hidden += [editor.evidence.add_file, editor.evidence.paste, editor.evidence.describe]
    if not may(Permission.MANAGE_EVIDENCE):
        hidden += [editor.evidence.withdraw, editor.evidence.destroy_button]
    if not may(Permission.DELETION_REQUESTS):
        hidden += [
            editor.casework.new_request,
            editor.casework.mark_sent,
            editor.casework.reply,
            editor.casework.removed,
            editor.casework.outcome,
            editor.casework.second,
            editor.casework.guidance_box,
        ]
    if not may(Permission.LETTERS):
        hidden.append(editor.casework.letter)
        editor.tabs.setTabVisible(editor.tabs.indexOf(editor.letters), False)
    if not may(Permission.ESCALATE):
        hidden += [
            editor.casework.escalate,
            editor.casework.update_escalation,
            editor.casework.add_reference,
        ]
    if not (may(Permission.DELETION_REQUESTS) or may(Permission.ESCALATE)):
        editor.tabs.setTabVisible(editor.tabs.indexOf(editor.casework), False)
    for widget in hidden:
        widget.hide()
