"""RSVP: an invitee answers from a link in their mail, without an account.

Each invitation's link carries a signed token (`scheduler.service.access.signing`, purpose "rsvp")
over the invitation id and the meeting's end. The mail templates show `rsvp_page_url`, a page with
the three answers (`?answer=declined` opens it with that answer ready); it only ever opens a
confirmation page, since mail scanners follow links: the answer changes on the page's POST.

An answer is recorded by `scheduler.service.answer.answers.record_answer` (source `web`), the
function the calendar replies read from the mailbox go through too: it sets the invitation's
PARTSTAT and `responded_at` and stamps the occurrence's `changed_at`, so the facilitator's feed
shows it at the next export. It never changes the SEQUENCE: an attendee's reply is not a new
version of the meeting (RFC 5546 §2.1.4). A decline is all the reminder policy needs: it skips
those who declined.

Who may answer, and what the web page answers:

- a forged, malformed or unknown token → `UNKNOWN` (404), the same steps as a right one;
- a cancelled meeting, a meeting that has ended (or was marked held), or a link past its own
  expiry (a meeting moved later: the update mail carries fresh links) → 410;
- otherwise `OPEN` (200), until the meeting's end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.french import speak_of_buyer
from scheduler.core.kinds import AnswerSource, OccurrenceStatus, PartStat
from scheduler.errors import InputError
from scheduler.i18n import format_time, format_when, supported
from scheduler.service.access.signing import Sealed, Signer, signer
from scheduler.service.answer.answers import AnswerOutcome, record_answer
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import meeting_title
from scheduler.store import directory, links
from scheduler.store.db import session_scope
from scheduler.store.meetings import meeting_of
from scheduler.store.models import Contact, Invitation, Occurrence

PURPOSE = "rsvp"
ANSWERS: dict[str, PartStat] = {
    "accepted": PartStat.ACCEPTED,
    "tentative": PartStat.TENTATIVE,
    "declined": PartStat.DECLINED,
}
"""The answers a link or a form may carry, by the word in the URL."""
_NO_INVITATION = 0
"""The id looked up for a token that is not genuine: no row has it."""


class RsvpState(StrEnum):
    """Whether a link may still answer, and the HTTP status that says so."""

    OPEN = "open"
    ENDED = "ended"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def http_status(self) -> int:
        """200 while open, 404 for an unknown link, 410 when it can no longer answer."""
        if self is RsvpState.OPEN:
            return 200
        return 404 if self is RsvpState.UNKNOWN else 410


@dataclass(frozen=True, slots=True)
class RsvpView:
    """What an RSVP page shows: texts in the invitee's language, nothing for an unknown link."""

    state: RsvpState
    locale: str
    contact_name: str = ""
    title: str = ""
    when: str = ""
    """"mardi 14 septembre 2027 à 10 h 00", in the guichet's time zone."""
    until: str = ""
    """The end's time of day: "12 h 00"."""
    place: str = ""
    video_url: str = ""
    partstat: PartStat = PartStat.NEEDS_ACTION
    changed: bool = False
    """True when this request recorded a new answer."""


# --- links, for the mail templates ---------------------------------------------------------------


def rsvp_token(settings: Settings, invitation_id: int, expires: datetime) -> str:
    """The signed token of an invitation; `expires` is the meeting's end."""
    return _signer(settings).seal(invitation_id, expires)


def rsvp_page_url(settings: Settings, invitation_id: int, expires: datetime) -> str:
    """The page where the invitee picks an answer (what `meeting.rsvp_url` shows)."""
    token = rsvp_token(settings, invitation_id, expires)
    return f"{settings.feeds.base_url.rstrip('/')}/rsvp/{token}"


# --- reading and answering ---------------------------------------------------------------------


def look_up(settings: Settings, engine: Engine, token: str, now: datetime) -> RsvpView:
    """What the link `token` opens at `now`; changes nothing (a GET)."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        found = _find(session, _signer(settings), token, lock=False)
        return _view(session, settings, found, now)


def answer(
    settings: Settings, engine: Engine, token: str, partstat: PartStat, now: datetime
) -> RsvpView:
    """Record `partstat` for the invitation of `token` if it may still answer; the view says
    what happened. Sending the same answer twice writes nothing the second time."""
    if partstat not in ANSWERS.values():
        raise InputError(f"{partstat.value} is not an answer (accepted, tentative or declined)")
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        found = _find(session, _signer(settings), token, lock=True)
        view = _view(session, settings, found, now)
        if view.state is not RsvpState.OPEN or found is None:
            return view
        invitation, occurrence, _ = found.rows
        outcome = record_answer(
            session,
            invitation,
            occurrence,
            partstat,
            source=AnswerSource.WEB,
            answered_at=now,
            now=now,
        )
        if outcome is not AnswerOutcome.APPLIED:
            return view
        return replace(view, partstat=partstat, changed=True)


def parse_answer(word: str | None) -> PartStat | None:
    """The answer named by `word` in a URL or a form ("accepted"…), else None."""
    return ANSWERS.get((word or "").strip().lower())


@dataclass(frozen=True, slots=True)
class _Found:
    sealed: Sealed
    rows: tuple[Invitation, Occurrence, Contact]


def _find(session: Session, signer_: Signer, token: str, *, lock: bool) -> _Found | None:
    """The invitation a token opens: the same query for a right and a wrong token."""
    sealed = signer_.open(token)
    wanted = sealed.id if sealed is not None else _NO_INVITATION
    rows = links.invitation(session, wanted, lock=lock)
    if sealed is None or rows is None:
        return None
    return _Found(sealed, rows)


def _view(session: Session, settings: Settings, found: _Found | None, now: datetime) -> RsvpView:
    if found is None:
        return RsvpView(RsvpState.UNKNOWN, supported(settings.organisation.locale))
    invitation, occurrence, contact = found.rows
    locale = supported(contact.locale)
    zone = settings.organisation.timezone
    buyer = directory.organisation_by_id(session, occurrence.organisation_id)
    meeting = meeting_of(occurrence, buyer.name if buyer else None)
    ritual = settings.rituals[meeting.kind]
    return RsvpView(
        # someone taken off the meeting got a CANCEL: for them, it is cancelled
        state=RsvpState.CANCELLED
        if invitation.removed_at is not None
        else _state(occurrence, found.sealed, now),
        locale=locale,
        contact_name=contact.name,
        title=meeting_title(settings, meeting, locale),
        when=format_when(occurrence.start, locale, zone),
        until=format_time(occurrence.end, locale, zone),
        place=speak_of_buyer(
            ritual.location,
            buyer.name if buyer else None,
            yours=buyer is not None and contact.organisation_id == buyer.id,
        ),
        video_url=ritual.video_url,
        partstat=PartStat(invitation.partstat),
    )


def _state(occurrence: Occurrence, sealed: Sealed, now: datetime) -> RsvpState:
    if occurrence.status == OccurrenceStatus.CANCELLED:
        return RsvpState.CANCELLED
    if now >= occurrence.end or occurrence.status == OccurrenceStatus.HELD:
        return RsvpState.ENDED
    if now >= sealed.expires:
        return RsvpState.EXPIRED
    return RsvpState.OPEN


def _signer(settings: Settings) -> Signer:
    return signer(settings, PURPOSE)
