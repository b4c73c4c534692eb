"""What fills a letter: the letterhead from the school's settings, the addressee's name and
address as printed, and every placeholder's value (used by letters and by the previews
in Settings → Letters and the governors' report's letterhead)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from app.core.errors import ValidationError
from app.core.models import (
    DeletionRequest,
    Incident,
    Involvement,
    Person,
    SchoolSettings,
)
from app.core.timefmt import to_london
from app.core.vocab import (
    Audience,
    DeletionOutcome,
    InvolvementRole,
    LetterSigner,
    Platform,
)
from app.documents.base import Letterhead


def addressee_name(person: Person) -> str:
    """ "Mrs Anna Byrne", or "Anna Byrne" without a title."""
    return " ".join(part for part in (person.title.strip(), person.full_name) if part)


def salutation(person: Person) -> str:
    """ "Dear Mrs Byrne," with a title and family name; otherwise the full name."""
    if person.title.strip() and person.family_name.strip():
        return f"Dear {person.title.strip()} {person.family_name.strip()},"
    return f"Dear {person.full_name},"


def address_lines(person: Person) -> list[str]:
    """The postal address as printed: each line of the address, then the postcode."""
    lines = [line.strip() for line in person.address.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if person.postcode.strip() and person.postcode.strip() not in lines:
        lines.append(person.postcode.strip())
    return lines


def signatory(settings: SchoolSettings, signer: LetterSigner) -> tuple[str, str, bytes | None]:
    """Who signs: name, title and (for the headteacher) the signature picture. The
    headteacher by default; the deputy or the chair of governors when the letter
    concerns the headteacher. A signer whose name is not set is refused, plainly."""
    if signer is LetterSigner.DEPUTY:
        name, title, image = settings.deputy_name, settings.deputy_title, None
        where = "The deputy headteacher's name"
    elif signer is LetterSigner.CHAIR_OF_GOVERNORS:
        name, title, image = settings.chair_of_governors_name, "Chair of Governors", None
        where = "The chair of governors' name"
    else:
        name, title = settings.headteacher_name, settings.signatory_title
        image, where = settings.signature_image, "The headteacher's name"
    if not name.strip() and signer is not LetterSigner.HEADTEACHER:
        # The headteacher's letters may be signed by hand under the title alone (as
        # before); a deputy or chair chosen for this letter must be named.
        raise ValidationError("signer", f"{where} is not set (Settings → School).")
    return name.strip(), (title.strip() or signer.label), image


def letterhead(settings: SchoolSettings) -> Letterhead:
    """The school's letterhead from its settings."""
    lines = [line.strip() for line in settings.address.replace("\r\n", "\n").split("\n")]
    contacts = [settings.phone, settings.email, settings.website]
    return Letterhead(
        school_name=settings.name,
        address_lines=[line for line in lines if line],
        contact_line=" · ".join(c.strip() for c in contacts if c.strip()),
        logo=settings.logo,
    )


def long_date(value: date | datetime | None) -> str:
    """ "24 November 2026" (a datetime in London time); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value:%B %Y}"


def platform_name(incident: Incident) -> str:
    """Where it was posted, as a parent would say it."""
    if incident.platform is Platform.OTHER and incident.platform_other.strip():
        return incident.platform_other.strip()
    return incident.platform.label


def class_of(child: Person, then: Involvement | None = None) -> str:
    """The pupil's class ("6 Yew"), else their year group ("Year 6", "Reception"), as
    they were when added to the incident (`then`, their involvement) where that was
    recorded: a letter in October about June's incident names June's class."""
    class_name, year_group = child.class_name, child.year_group
    if then is not None and (then.class_name_then or then.year_group_then):
        class_name, year_group = then.class_name_then, then.year_group_then
    if class_name and class_name.strip():
        return class_name.strip()
    year = (year_group or "").strip()
    return {"N": "Nursery", "R": "Reception"}.get(year, f"Year {year}" if year else "")


def school_values(settings: SchoolSettings) -> dict[str, str]:
    """The placeholders the school's settings fill (with wording where one is blank)."""
    return {
        "school_name": settings.name,
        "school_address": ", ".join(letterhead(settings).address_lines),
        "school_phone": settings.phone,
        "school_email": settings.email,
        "complaints_url": settings.complaints_url.strip()
        or "please ask the school office for a copy",
        "headteacher_name": settings.headteacher_name,
        "dsl_names": settings.dsl_names.strip() or "the Designated Safeguarding Lead",
    }


def where_posted(incident: Incident) -> str:
    """Where it was posted, as a phrase that follows "a post": "in a parents' chat on
    WhatsApp", "on a public page on Facebook", or just "on TikTok"."""
    platform = platform_name(incident)
    return {
        Audience.PUBLIC_PAGE: f"on a public page on {platform}",
        Audience.PRIVATE_GROUP: f"in a private group on {platform}",
        Audience.PARENT_CHAT: f"in a parents' chat on {platform}",
        Audience.DIRECT_MESSAGE: f"in a direct message on {platform}",
    }.get(incident.audience, f"on {platform}")  # type: ignore[arg-type]


def describe_post(incident: Incident, request: DeletionRequest | None) -> str:
    """How the letter identifies the post without quoting it: the request's own
    description where the DSL wrote one, else where and when it was posted."""
    if request is not None and request.post_description.strip():
        return request.post_description.strip()
    posted = long_date(incident.happened_at)
    return f"a post {where_posted(incident)}" + (f" on {posted}" if posted else "")


def poster_phrase(addressee: Person, child: Person | None, posters: Iterable[int]) -> str:
    """Who posted, as the letter says it: "you" to the poster, "your child Sam Example"
    to a parent of the pupil who posted; blank otherwise (no one else is named)."""
    posted = set(posters)
    if addressee.id in posted:
        return "you"
    if child is not None and child.id in posted:
        return f"your child {child.full_name}"
    return ""


#: The order a pupil's parts are told in, when they had more than one.
ROLE_ORDER = (
    InvolvementRole.TARGET,
    InvolvementRole.SUBJECT_OF_IMAGE,
    InvolvementRole.POSTER,
    InvolvementRole.WITNESS,
    InvolvementRole.REPORTER,
)

#: Support the school's policy names for families (the NSPCC's helpline for parents).
SUPPORT = (
    "The NSPCC's helpline for parents and carers can also give advice about keeping "
    "children safe online (www.nspcc.org.uk)."
)


def involvement_sentences(child: Person, roles: Iterable[InvolvementRole]) -> str:
    """What the pupil's part was, said plainly to their parent; for a child who was
    targeted, the support in school and the NSPCC's helpline."""
    first = child.given_name.strip() or child.full_name
    said = {
        InvolvementRole.TARGET: (
            f"It was aimed at {first}. We know this can be very upsetting. Staff in school "
            f"are ready to support {first}, so please let us know how they are. {SUPPORT}"
        ),
        InvolvementRole.SUBJECT_OF_IMAGE: f"{first} appears in a photograph or video in it.",
        InvolvementRole.POSTER: (
            f"{first} posted it. We will talk with {first} about it in school, and we ask "
            "you to talk about it at home too."
        ),
        InvolvementRole.WITNESS: (
            f"{first} saw it, or was in the group where it was shared; {first} is not in trouble."
        ),
        InvolvementRole.REPORTER: (
            f"{first} told us about it, which was the right thing to do; {first} is not in trouble."
        ),
    }
    given = set(roles)
    if InvolvementRole.POSTER in given:
        # Not "not in trouble" beside "posted it": the poster's part comes first.
        given -= {InvolvementRole.WITNESS, InvolvementRole.REPORTER}
        order = (
            InvolvementRole.POSTER,
            *[r for r in ROLE_ORDER if r is not InvolvementRole.POSTER],
        )
    else:
        order = ROLE_ORDER
    return " ".join(said[role] for role in order if role in given)


def reply_so_far(first: DeletionRequest | None) -> str:
    """What the school recorded about its first request, for the second-request letter:
    never "we have not received a reply" when one was recorded."""
    if first is None:
        return ""
    replied = long_date(first.reply_received_at)
    thanks = f"Thank you for your reply of {replied}. " if replied else ""
    if first.outcome is DeletionOutcome.PARTLY_REMOVED:
        return f"{thanks}Part of the post has been removed, but some of it can still be seen."
    if first.outcome is DeletionOutcome.REFUSED:
        return (
            f"{thanks}We understand that the post will not be removed, and we ask you to "
            "reconsider."
        )
    if first.outcome is DeletionOutcome.NO_REPLY and not replied:
        return "We have not received a reply, and the post has not been removed."
    return ""


def age_rule(platform: str, age: int | None) -> str:
    """The platform's minimum age as a sentence, or none stated where it has no single
    minimum age (or the school has not confirmed one)."""
    if age is None:
        return (
            f"{platform} sets its own rules about age and about what younger users may do; "
            "please check them."
        )
    return f"{platform}'s terms set a minimum age of {age} for users in the UK."


def letter_values(
    settings: SchoolSettings,
    incident: Incident,
    addressee: Person,
    child: Person | None,
    deadline: date | None,
    today: date,
    *,
    request: DeletionRequest | None = None,
    first_request: DeletionRequest | None = None,
    posters: Iterable[int] = (),
    child_roles: Iterable[InvolvementRole] = (),
    minimum_age: int | None = None,
    child_then: Involvement | None = None,
) -> dict[str, str]:
    """Every placeholder's value for one letter (blank where there is nothing to say)."""
    platform = platform_name(incident)
    return {
        **school_values(settings),
        "addressee_name": addressee_name(addressee),
        "child_name": child.full_name if child is not None else "",
        "child_class": class_of(child, child_then) if child is not None else "",
        "incident_reference": incident.reference,
        "platform": platform,
        "date_seen": long_date(incident.seen_at),
        "date_posted": long_date(incident.happened_at),
        "where": where_posted(incident),
        "post_description": describe_post(incident, request),
        "poster": poster_phrase(addressee, child, posters),
        "child_involvement": (
            involvement_sentences(child, child_roles) if child is not None else ""
        ),
        "reply_so_far": reply_so_far(first_request),
        "age_rule": age_rule(platform, minimum_age),
        "deadline": long_date(deadline),
        "letter_date": long_date(today),
    }
