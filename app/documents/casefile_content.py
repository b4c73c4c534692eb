"""What a case file prints, as plain data: every value is text already worded (and, in
the agency copy, already stripped of the names that must not go), so the document only
lays it out. Built by `app.core.services.casefile`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CasePerson:
    """Someone on the incident: how they are named here, what they are, their part."""

    name: str
    kind: str
    role: str
    detail: str = ""


@dataclass(frozen=True)
class CaseAmendment:
    """A correction of a timeline entry, printed beside the entry it corrects."""

    recorded: str
    author: str
    text: str


@dataclass(frozen=True)
class CaseEntry:
    """One timeline entry, oldest first; its corrections go with it."""

    occurred: str
    recorded: str
    author: str
    kind: str
    text: str
    amendments: tuple[CaseAmendment, ...] = ()


@dataclass(frozen=True)
class CaseRequest:
    """A deletion request and what came back."""

    addressee: str
    method: str
    sent: str
    deadline: str
    reply: str
    outcome: str
    notes: str = ""


@dataclass(frozen=True)
class CaseEscalation:
    """An escalation, its reference and its outcome."""

    route: str
    escalated: str
    reference: str
    contact: str
    status: str
    outcome: str
    notes: str = ""
    follow_up: str = ""


@dataclass(frozen=True)
class CaseDecision:
    """A decision recorded with its reason (not to escalate, to close, the outcome)."""

    when: str
    who: str
    decision: str
    reason: str


@dataclass(frozen=True)
class CaseLetter:
    """A letter made about the incident, with the fingerprint of the stored file."""

    date: str
    title: str
    addressee: str
    made_by: str
    pages: int
    sha256: str
    withdrawn: str = ""


@dataclass(frozen=True)
class CaseEvidence:
    """One piece of evidence, its fingerprint, and a small picture where the DSL chose."""

    number: int
    kind: str
    description: str
    file_name: str
    media_type: str
    size: str
    sha256: str
    captured: str
    added: str
    note: str = ""
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class CaseFileContent:
    """One incident's case file."""

    reference: str
    variant: str
    #: Lines under the title: who produced it, when, for whom, what was left out.
    preface: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    people: tuple[CasePerson, ...] = ()
    chronology: tuple[CaseEntry, ...] = ()
    requests: tuple[CaseRequest, ...] = ()
    escalations: tuple[CaseEscalation, ...] = ()
    decisions: tuple[CaseDecision, ...] = ()
    letters: tuple[CaseLetter, ...] = ()
    evidence: tuple[CaseEvidence, ...] = ()
    marking: str = "CONFIDENTIAL — safeguarding record"


@dataclass(frozen=True)
class ReceiptSlip:
    """The page the receiving DSL signs and sends back."""

    pupil_name: str
    date_of_birth: str
    upn: str
    sending_school: str
    receiving_school: str
    incidents: int
    pages_line: str
    sha256_line: str
    sent_on: str
    return_to: str


@dataclass(frozen=True)
class TransferBundleContent:
    """A child protection file for the pupil's next school: cover, case files, receipt."""

    title: str
    cover_lines: tuple[tuple[str, str], ...]
    notice: str
    case_files: tuple[CaseFileContent, ...] = ()
    receipt: ReceiptSlip | None = None
    index_titles: tuple[str, ...] = field(default=())
