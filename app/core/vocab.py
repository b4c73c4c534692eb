"""Controlled vocabularies, stored by value and shown by label (British English)."""

from __future__ import annotations

from enum import StrEnum

_LABELS: dict[type[StrEnum], dict[str, str]] = {}


class Vocabulary(StrEnum):
    """A StrEnum whose members carry a human label (default: the value, capitalised)."""

    @property
    def label(self) -> str:
        value = str(self)
        return _LABELS.get(type(self), {}).get(value, value.replace("_", " ").capitalize())


def _label(cls: type[Vocabulary], labels: dict[str, str]) -> None:
    unknown = set(labels) - {str(m) for m in cls}
    if unknown:
        raise AssertionError(f"labels for unknown {cls.__name__} values: {unknown}")
    _LABELS[cls] = labels


class PersonKind(Vocabulary):
    PUPIL = "pupil"
    PARENT = "parent"
    STAFF = "staff"
    GOVERNOR = "governor"
    VOLUNTEER = "volunteer"
    CONTRACTOR = "contractor"
    THIRD_PARTY = "third_party"


_label(PersonKind, {"parent": "Parent/carer", "third_party": "Third party"})

#: People who belong to the school community (the policy asks them to delete posts).
SCHOOL_COMMUNITY = frozenset(set(PersonKind) - {PersonKind.THIRD_PARTY})


class InvolvementRole(Vocabulary):
    POSTER = "poster"
    TARGET = "target"
    SUBJECT_OF_IMAGE = "subject_of_image"
    REPORTER = "reporter"
    WITNESS = "witness"


_label(InvolvementRole, {"subject_of_image": "Subject of image"})


class Category(Vocabulary):
    BULLYING = "bullying"
    AGGRESSIVE = "aggressive"
    RUDE_OR_INSULTING = "rude_or_insulting"
    POTENTIALLY_ILLEGAL = "potentially_illegal"
    OTHERWISE_INAPPROPRIATE = "otherwise_inappropriate"
    DISREPUTE = "disrepute"
    COMPLAINT_SHARED = "complaint_shared"
    EXTREMISM = "extremism"
    IMAGE_WITHOUT_CONSENT = "image_without_consent"
    UNDERAGE_USE = "underage_use"
    PUPIL_STAFF_CONTACT = "pupil_staff_contact"
    IMPERSONATION = "impersonation"
    NUDE_IMAGE = "nude_image"
    SEXTORTION = "sextortion"
    GROOMING = "grooming"
    SELF_HARM = "self_harm"
    PREJUDICE_BASED = "prejudice_based"
    PRAISE = "praise"


_label(
    Category,
    {
        "aggressive": "Aggressive or threatening",
        "disrepute": "Brings the school or profession into disrepute",
        "complaint_shared": "Complaint shared on social media",
        "extremism": "Extremism or hate speech",
        "image_without_consent": "Image or video shared without consent",
        "underage_use": "Underage use of a platform",
        "pupil_staff_contact": "Pupil–staff contact or friend request",
        "impersonation": "Impersonation or fake account",
        "praise": "Praise or positive mention",
        "nude_image": "Nude or semi-nude image (described, never stored)",
        "sextortion": "Sextortion (sexual blackmail)",
        "grooming": "Grooming or adult sexual contact",
        "self_harm": "Self-harm or suicide content",
        "prejudice_based": "Prejudice-based",
    },
)


class PrejudiceType(Vocabulary):
    """What a prejudice-based incident was directed at (Ofsted looks for this analysis)."""

    RACIST = "racist"
    RELIGIOUS = "religious"
    HOMOPHOBIC = "homophobic"
    TRANSPHOBIC = "transphobic"
    DISABILITY = "disability"
    SEXIST = "sexist"


_label(
    PrejudiceType,
    {"religious": "Religious or faith-based", "disability": "Disability (disablist)"},
)


class Platform(Vocabulary):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"
    TIKTOK = "tiktok"
    SNAPCHAT = "snapchat"
    X = "x"
    YOUTUBE = "youtube"
    MUMSNET = "mumsnet"
    DISCORD = "discord"
    ROBLOX = "roblox"
    OTHER = "other"


_label(
    Platform,
    {"tiktok": "TikTok", "whatsapp": "WhatsApp", "youtube": "YouTube", "x": "X (Twitter)"},
)


class Audience(Vocabulary):
    PUBLIC_PAGE = "public_page"
    PRIVATE_GROUP = "private_group"
    PARENT_CHAT = "parent_chat"
    DIRECT_MESSAGE = "direct_message"


class Severity(Vocabulary):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


#: Sort order for severity (SQL sorts on this rank, not on the text).
SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class IncidentStatus(Vocabulary):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    AWAITING_REMOVAL = "awaiting_removal"
    ESCALATED = "escalated"
    MONITORING = "monitoring"
    CLOSED = "closed"


#: Workflow order, for sorting by status (SQL sorts on this rank, not on the text).
STATUS_RANK = {status: rank for rank, status in enumerate(IncidentStatus, start=1)}


class IncidentOutcome(Vocabulary):
    POST_REMOVED = "post_removed"
    POST_PARTLY_REMOVED = "post_partly_removed"
    RESOLVED_WITHOUT_REMOVAL = "resolved_without_removal"
    POST_REMAINS = "post_remains"
    HANDED_TO_OTHER_AGENCY = "handed_to_other_agency"
    NO_ACTION_NEEDED = "no_action_needed"


_label(
    IncidentOutcome,
    {
        "post_remains": "Post remains; no further action possible",
        "handed_to_other_agency": "Handed to another agency",
    },
)


class ChronologyKind(Vocabulary):
    CREATED = "created"
    UPDATED = "updated"
    STATUS_CHANGED = "status_changed"
    NOTE = "note"
    AMENDMENT = "amendment"
    PERSON_ADDED = "person_added"
    PERSON_REMOVED = "person_removed"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_WITHDRAWN = "evidence_withdrawn"
    DELETION_REQUEST = "deletion_request"
    ESCALATION = "escalation"
    LETTER = "letter"
    WITHDRAWN = "withdrawn"
    NO_ESCALATION_DECISION = "no_escalation_decision"
    CLOSED_WITH_OPEN_ITEMS = "closed_with_open_items"
    REFERENCE_ADDED = "reference_added"
    # A case file or child protection file sent out of the school: to whom, how, which.
    INFORMATION_SHARED = "information_shared"
    # Retention: a decision to keep it longer, or a legal hold placed or lifted.
    RETENTION = "retention"


_label(
    ChronologyKind,
    {
        "person_added": "Person added",
        "person_removed": "Person removed",
        "no_escalation_decision": "Decision not to escalate",
        "closed_with_open_items": "Closed with items open",
        "reference_added": "Reference added",
    },
)


class DeletionMethod(Vocabulary):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"
    PLATFORM_MESSAGE = "platform_message"


_label(DeletionMethod, {"platform_message": "Message on the platform"})


class DeletionOutcome(Vocabulary):
    PENDING = "pending"
    REMOVED = "removed"
    PARTLY_REMOVED = "partly_removed"
    REFUSED = "refused"
    NO_REPLY = "no_reply"
    WITHDRAWN = "withdrawn"
    #: Closed without an outcome of its own: the post came down after another request.
    SUPERSEDED = "superseded"


_label(
    DeletionOutcome,
    {"superseded": "Superseded — the post was removed after another request"},
)


class EscalationKind(Vocabulary):
    PLATFORM_REPORT = "platform_report"
    REPORT_HARMFUL_CONTENT = "report_harmful_content"
    POSH = "posh"
    POLICE_EMERGENCY = "police_emergency"
    POLICE_NON_EMERGENCY = "police_non_emergency"
    PREVENT = "prevent"
    LADO = "lado"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    BEHAVIOUR_POLICY = "behaviour_policy"
    STAFF_CODE_OF_CONDUCT = "staff_code_of_conduct"
    COMPLAINTS_PROCEDURE = "complaints_procedure"
    HEADTEACHER = "headteacher"
    CHAIR_OF_GOVERNORS = "chair_of_governors"
    CEOP = "ceop"
    IWF_REPORT_REMOVE = "iwf_report_remove"
    ACT = "act"
    TRUE_VISION = "true_vision"
    EARLY_HELP_MASH = "early_help_mash"
    LOW_LEVEL_CONCERN = "low_level_concern"
    DPO_DATA_BREACH = "dpo_data_breach"


_label(
    EscalationKind,
    {
        "platform_report": "Report to the platform",
        "report_harmful_content": "Report Harmful Content",
        "posh": "Professionals Online Safety Helpline",
        "police_emergency": "Police (emergency, 999)",
        "police_non_emergency": "Police (non-emergency, 101)",
        "prevent": "Prevent referral",
        "lado": "LADO consultation (harm test met)",
        "childrens_social_care": "Children's social care",
        "ceop": "CEOP (National Crime Agency)",
        "iwf_report_remove": "IWF / Report Remove",
        "act": "ACT: terrorist content (Action Counters Terrorism)",
        "true_vision": "True Vision (hate crime reporting)",
        "early_help_mash": "Early Help / MASH (children's social care front door)",
        "low_level_concern": "Low-level concern (below the harm test)",
        "dpo_data_breach": "Data protection officer (data breach)",
    },
)


class EscalationStatus(Vocabulary):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ACTIONED = "actioned"
    CLOSED_NFA = "closed_nfa"
    NOT_ACTIONED = "not_actioned"
    ADVISED = "advised"
    POLICE_NFA = "police_nfa"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_NOT_ACCEPTED = "referral_not_accepted"


_label(
    EscalationStatus,
    {
        "closed_nfa": "Closed — no further action",
        "actioned": "Actioned",
        "not_actioned": "Not actioned (declined)",
        "advised": "Advised",
        "police_nfa": "Police took no further action",
        "referral_accepted": "Referral accepted",
        "referral_not_accepted": "Referral not accepted",
    },
)


class EvidenceKind(Vocabulary):
    FILE = "file"
    DESCRIPTION_ONLY = "description_only"


class UserRole(Vocabulary):
    DSL = "dsl"
    DEPUTY_DSL = "deputy_dsl"
    HEADTEACHER = "headteacher"
    OFFICE = "office"
    GOVERNOR = "governor"
    # The case manager of a restricted incident that concerns the headteacher (KCSIE
    # Part 4): sees only the incidents they are named on.
    CHAIR_OF_GOVERNORS = "chair_of_governors"


_label(UserRole, {"dsl": "DSL", "deputy_dsl": "Deputy DSL", "office": "Office staff"})


class TermName(Vocabulary):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


#: Year groups from nursery and reception up; secondary years for all-through schools.
YEAR_GROUPS = ("N", "R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13")


class LetterDelivery(Vocabulary):
    """How a letter reaches its addressee (a posted letter's deadline counts from
    delivery; a letter handed over or emailed has no address window to fill)."""

    POST = "post"
    HAND = "hand"
    EMAIL = "email"


_label(LetterDelivery, {"post": "By post", "hand": "Hand delivered", "email": "By email"})


class LetterSigner(Vocabulary):
    """Who signs a letter: the headteacher, unless the letter concerns them."""

    HEADTEACHER = "headteacher"
    DEPUTY = "deputy"
    CHAIR_OF_GOVERNORS = "chair_of_governors"


_label(LetterSigner, {"deputy": "Deputy headteacher", "chair_of_governors": "Chair of governors"})


class CaseFileVariant(Vocabulary):
    """Which copy of a case file: the whole record, or one for an outside agency (staff
    by their role, pupils other than those it concerns as "Pupil B")."""

    FULL = "full"
    AGENCY = "agency"


_label(CaseFileVariant, {"full": "Full record", "agency": "For an outside agency"})


class TransferMethod(Vocabulary):
    """How a child protection file went to the next school (securely, KCSIE)."""

    SECURE_EMAIL = "secure_email"
    SECURE_TRANSFER_SYSTEM = "secure_transfer_system"
    HAND_DELIVERED = "hand_delivered"
    RECORDED_POST = "recorded_post"
    OTHER = "other"


_label(
    TransferMethod,
    {
        "secure_email": "Secure (encrypted) email",
        "secure_transfer_system": "Secure transfer system (e.g. CPOMS, S2S)",
        "hand_delivered": "Hand delivered, signed for",
        "recorded_post": "Recorded (signed-for) post",
    },
)


class SubjectAccessStatus(Vocabulary):
    """Where a subject access request stands."""

    OPEN = "open"
    RESPONDED = "responded"


_label(SubjectAccessStatus, {"open": "Open (not answered yet)", "responded": "Answered"})


class RedactionAction(Vocabulary):
    """What a line of a pack's redaction log records."""

    #: A third party's name (or an identifying detail) replaced by their role.
    REDACTED = "redacted"
    #: A name the DSL chose to leave in, with the reason.
    KEPT = "kept"
    #: A whole item left out of the pack by the DSL, with the reason (e.g. serious harm).
    WITHHELD = "withheld"
    #: An evidence image put in the pack after the DSL viewed it.
    IMAGE_INCLUDED = "image_included"


_label(RedactionAction, {"image_included": "Image included"})
