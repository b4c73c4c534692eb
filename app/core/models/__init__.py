"""Every Footprint table; importing this package registers them all on `Base.metadata`."""

from app.core.models.audit import AuditEntry
from app.core.models.base import Base, UTCDateTime, VocabType
from app.core.models.chronology import AppendOnlyViolation, ChronologyEntry
from app.core.models.contact_exception import ContactException
from app.core.models.cp_transfer import CpFileTransfer
from app.core.models.deletion_request import DeletionRequest
from app.core.models.escalation import Escalation
from app.core.models.evidence import Evidence
from app.core.models.incident import Incident, IncidentCategory, Involvement, ReferenceCounter
from app.core.models.letter import Letter, LetterTemplateVersion
from app.core.models.mis_import import CsvMapping, MisImport
from app.core.models.person import ParentChildLink, Person
from app.core.models.report import ReportCommentary
from app.core.models.retention import (
    LegalHold,
    LegalHoldIncident,
    RetentionDecision,
    RetentionDisposal,
)
from app.core.models.school import PlatformMinimumAge, SchoolSettings, SchoolTerm
from app.core.models.subject_access import SubjectAccessRedaction, SubjectAccessRequest
from app.core.models.user import User

__all__ = [
    "AppendOnlyViolation",
    "AuditEntry",
    "Base",
    "ChronologyEntry",
    "ContactException",
    "CpFileTransfer",
    "CsvMapping",
    "DeletionRequest",
    "Escalation",
    "Evidence",
    "Incident",
    "IncidentCategory",
    "Involvement",
    "LegalHold",
    "LegalHoldIncident",
    "Letter",
    "LetterTemplateVersion",
    "MisImport",
    "ParentChildLink",
    "Person",
    "PlatformMinimumAge",
    "ReferenceCounter",
    "ReportCommentary",
    "RetentionDecision",
    "RetentionDisposal",
    "SchoolSettings",
    "SchoolTerm",
    "SubjectAccessRedaction",
    "SubjectAccessRequest",
    "UTCDateTime",
    "User",
    "VocabType",
]
