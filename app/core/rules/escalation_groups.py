"""Where an escalation went, in the groups the governors' report keeps apart: referrals to
the police and safeguarding agencies, reports to platforms and online-safety services, and
the school's own procedures. Small counts are only ever combined within one group (a
police referral must never be hidden among complaints to the headteacher).

A kind of escalation not listed below counts as an external safeguarding referral: most
new routes are (CEOP, True Vision, Early Help / MASH, a LADO consultation), and treating an
unknown route as external never hides it among the school's own procedures. Place every
kind deliberately: a test fails while one falls to the default.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.vocab import EscalationKind


class EscalationGroup(StrEnum):
    EXTERNAL = "external"
    ONLINE = "online"
    SCHOOL = "school"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    EscalationGroup.EXTERNAL: "Referrals to the police and safeguarding agencies",
    EscalationGroup.ONLINE: "Reports to platforms and online-safety services",
    EscalationGroup.SCHOOL: "The school's own procedures",
}

#: Police, children's social care, LADO, Prevent and the like: outside the school, about
#: a child's or an adult's safety. Also the default for a kind not listed anywhere.
EXTERNAL_REFERRALS: frozenset[str] = frozenset(
    {
        EscalationKind.POLICE_EMERGENCY,
        EscalationKind.POLICE_NON_EMERGENCY,
        EscalationKind.PREVENT,
        EscalationKind.LADO,
        EscalationKind.CHILDRENS_SOCIAL_CARE,
        EscalationKind.CEOP,
        EscalationKind.TRUE_VISION,  # the police's hate-crime reporting
        EscalationKind.ACT,  # counter-terrorism policing's reporting of terrorist content
        EscalationKind.EARLY_HELP_MASH,
    }
)

#: Reports of content, and advice, outside the school but not a safeguarding referral.
ONLINE_REPORTS: frozenset[str] = frozenset(
    {
        EscalationKind.PLATFORM_REPORT,
        EscalationKind.REPORT_HARMFUL_CONTENT,
        EscalationKind.POSH,
        EscalationKind.IWF_REPORT_REMOVE,
    }
)

#: Routes inside the school: its policies, procedures and the people who run them.
SCHOOL_PROCEDURES: frozenset[str] = frozenset(
    {
        EscalationKind.BEHAVIOUR_POLICY,
        EscalationKind.STAFF_CODE_OF_CONDUCT,
        EscalationKind.COMPLAINTS_PROCEDURE,
        EscalationKind.HEADTEACHER,
        EscalationKind.CHAIR_OF_GOVERNORS,
        EscalationKind.LOW_LEVEL_CONCERN,  # kept in the school's own record
        EscalationKind.DPO_DATA_BREACH,  # the school's data protection officer
    }
)


def escalation_group(kind: str) -> EscalationGroup:
    """The group an escalation kind (or its stored value) is reported in."""
    if kind in SCHOOL_PROCEDURES:
        return EscalationGroup.SCHOOL
    if kind in ONLINE_REPORTS:
        return EscalationGroup.ONLINE
    return EscalationGroup.EXTERNAL


def placed(kind: str) -> bool:
    """Whether the kind was put in a group on purpose (not by the default)."""
    return kind in EXTERNAL_REFERRALS | ONLINE_REPORTS | SCHOOL_PROCEDURES
