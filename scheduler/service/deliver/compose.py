"""Rendering at send time: an outbox row, with what the store says now, becomes a message.

A row is rendered from the current state of its meeting or convention, so a pending invitation
carries the latest date; a row that should no longer go (the meeting started, was cancelled or
moved since, the reader unsubscribed or declined) gets a verdict instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from scheduler.calendar import Attendee, EventView, render_cancel, render_request
from scheduler.config import Settings
from scheduler.core.french import FrenchName, speak_of_buyer
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import stoppable
from scheduler.mail.mime import CalendarPart, Envelope, Mailbox, build_message
from scheduler.mail.templates import MailTemplates
from scheduler.mail.views import (
    Answers,
    ConventionView,
    DigestMeeting,
    DigestView,
    FailedDelivery,
    MeetingView,
    NoneSuits,
    Person,
    ProposalView,
    ReviewGapView,
    ReviewLag,
)
from scheduler.service.access.signing import Signer, signer
from scheduler.service.answer.rsvp import PURPOSE as RSVP_PURPOSE
from scheduler.service.deliver.digest import mailbox_trouble, past_week, reply_notes
from scheduler.service.deliver.enqueue import reader_of
from scheduler.service.deliver.outbox import Composed, Verdict
from scheduler.service.plan import proposals
from scheduler.service.plan.planning import horizon, missing_reviews
from scheduler.service.plan.proposals import proposal_of, proposal_url, slots_of
from scheduler.service.publish.event_views import (
    Audience,
    event_view,
    french_name,
    meeting_of,
    meeting_title,
    organizer_of,
    place_of,
    ritual_title,
    video_of,
)
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Message,
    Occurrence,
    Organisation,
    Proposal,
)

DIGEST_WEEKS = 2
ENDING_WITHIN_DAYS = 120


@dataclass(frozen=True, slots=True)
class _About:
    """What the messages about one meeting in one language share."""

    view: MeetingView
    """The meeting as templates show it (without the reader's RSVP link)."""
    event: EventView
    """The meeting as the iTIP object shows it (without attendees)."""
    reply_to: Mailbox


@dataclass
class _Batch:
    """The rows a batch reads, loaded at once in `session`, and what is derived from them."""

    session: Session | None = None
    occurrences: dict[int, Occurrence] = field(default_factory=dict)
    organisations: dict[int, Organisation] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    invitations: dict[tuple[int, int], Invitation] = field(default_factory=dict)
    about: dict[tuple[int | None, str], _About] = field(default_factory=dict)


class StoreComposer:
    """Renders outbox rows from the store with the configured templates and sender."""

    def __init__(self, settings: Settings, templates: MailTemplates | None = None) -> None:
        self.settings = settings
        self.templates = templates or MailTemplates(timezone=settings.organisation.timezone)
        self.sender = Mailbox(settings.mail.sender_name, settings.mail.sender)
        self._batch = _Batch()
        self._rsvp_signer: Signer | None = None

    def prepare(self, session: Session, messages: Sequence[Message]) -> None:
        """Load the meetings, their buyers, the contacts and the invitations of a batch in four
        queries, and keep them (and what is derived from a meeting: its views, its iTIP frame)
        for the rows composed in this session."""
        batch = _Batch(session)
        occurrence_ids = {m.occurrence_id for m in messages if m.occurrence_id is not None}
        contact_ids = {m.contact_id for m in messages if m.contact_id is not None}
        if occurrence_ids:
            meetings = session.exec(
                select(Occurrence).where(col(Occurrence.id).in_(occurrence_ids))
            )
            batch.occurrences = {o.id: o for o in meetings if o.id is not None}
        organisation_ids = {
            o.organisation_id for o in batch.occurrences.values() if o.organisation_id is not None
        }
        if organisation_ids:
            buyers = session.exec(
                select(Organisation).where(col(Organisation.id).in_(organisation_ids))
            )
            batch.organisations = {o.id: o for o in buyers if o.id is not None}
        if contact_ids:
            contacts = session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))
            batch.contacts = {c.id: c for c in contacts if c.id is not None}
        if occurrence_ids and contact_ids:
            rows = session.exec(
                select(Invitation)
                .where(col(Invitation.occurrence_id).in_(occurrence_ids))
                .where(col(Invitation.contact_id).in_(contact_ids))
            )
            batch.invitations = {(i.occurrence_id, i.contact_id): i for i in rows}
        self._batch = batch

    def compose(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        """The message to send for `message`, or why it must not go."""
        kind = MessageKind(message.kind)
        if kind is MessageKind.RENEWAL_NOTICE:
            return self._renewal_notice(session, message, now)
        if kind is MessageKind.DIGEST:
            return self._digest(session, message, now)
        if kind is MessageKind.PROPOSAL:
            return self._proposal(session, message, now)
        return self._about_meeting(session, message, kind, now)

    def unsubscribe_url(self, message: Message) -> str:
        """The link that stops this kind of message for this reader."""
        return f"{self.settings.feeds.base_url.rstrip('/')}/unsubscribe/{message.unsubscribe_token}"

    # --- meetings ------------------------------------------------------------------------------

    def _about_meeting(
        self, session: Session, message: Message, kind: MessageKind, now: datetime
    ) -> Composed | Verdict:
        batch = self._batch if self._batch.session is session else _Batch()
        occurrence = self._occurrence(session, batch, message.occurrence_id)
        if occurrence is None:
            return Verdict(MessageState.CANCELLED, "the meeting no longer exists")
        contact = self._contact(session, batch, message.contact_id)
        invitation = (
            self._invitation(session, occurrence.id, contact.id)
            if occurrence.id is not None and contact is not None and contact.id is not None
            else None
        )
        verdict = _meeting_verdict(invitation, message, kind, occurrence, contact, now)
        if verdict is not None:
            return verdict
        about = self._about(session, batch, occurrence, message.locale)
        recipient = Person(message.recipient_name or message.recipient, message.recipient)
        yours = contact is not None and _works_for(contact, occurrence.organisation_id)
        view = replace(
            about.view,
            rsvp_url=self._rsvp_url(session, kind, occurrence, contact),
            yours=yours,
            ritual=speak_of_buyer(about.view.ritual, about.view.buyer, yours=yours),
            location=speak_of_buyer(about.view.location, about.view.buyer, yours=yours),
        )
        context = {"meeting": view, "days_left": self._days_until(occurrence.start, now)}
        calendar = None
        method = kind.itip_method
        if method is not None:
            event = replace(about.event, attendees=(Attendee(recipient.name, recipient.email),))
            ics = render_cancel(event) if method == "CANCEL" else render_request(event)
            calendar = CalendarPart(method, ics)
        return self._build(
            message, recipient, about.reply_to, context, now, occurrence.kind, calendar
        )

    def _occurrence(
        self, session: Session, batch: _Batch, occurrence_id: int | None
    ) -> Occurrence | None:
        if occurrence_id is None:
            return None
        found = batch.occurrences.get(occurrence_id)
        return found if found is not None else session.get(Occurrence, occurrence_id)

    def _contact(self, session: Session, batch: _Batch, contact_id: int | None) -> Contact | None:
        if not contact_id:
            return None
        found = batch.contacts.get(contact_id)
        return found if found is not None else session.get(Contact, contact_id)

    def _about(
        self, session: Session, batch: _Batch, occurrence: Occurrence, locale: str
    ) -> _About:
        """What every message about `occurrence` in `locale` shares, made once per batch."""
        key = (occurrence.id, locale)
        about = batch.about.get(key)
        if about is not None:
            return about
        if occurrence.organisation_id is None:
            buyer = None
        elif occurrence.organisation_id in batch.organisations:
            buyer = french_name(batch.organisations[occurrence.organisation_id])
        else:
            buyer = _organisation_name(session, occurrence.organisation_id)
        meeting = meeting_of(occurrence, buyer)
        organizer = organizer_of(self.settings, meeting)
        view = MeetingView(
            uid=occurrence.uid,
            kind=occurrence.kind,
            title=meeting_title(self.settings, meeting, locale),
            start=occurrence.start,
            end=occurrence.end,
            facilitator=Person(organizer.name, organizer.email),
            theme=occurrence.theme,
            location=place_of(self.settings, meeting),
            video_url=video_of(self.settings, meeting),
            buyer=buyer,
            sequence=occurrence.sequence,
            cancel_reason=occurrence.cancel_reason,
            ritual=ritual_title(self.settings, meeting.kind, locale),
        )
        event = event_view(self.settings, meeting, locale=locale, audience=Audience.SCHEDULING)
        about = _About(view, event, Mailbox(organizer.name, organizer.email))
        if batch.session is not None:
            batch.about[key] = about
        return about

    def _rsvp_url(
        self, session: Session, kind: MessageKind, occurrence: Occurrence, contact: Contact | None
    ) -> str | None:
        if kind is MessageKind.CANCEL or contact is None or contact.id is None:
            return None
        assert occurrence.id is not None
        invitation = self._invitation(session, occurrence.id, contact.id)
        if invitation is None or invitation.id is None:
            return None
        if self._rsvp_signer is None:  # the secret is read once per composer, not per message
            self._rsvp_signer = signer(self.settings, RSVP_PURPOSE)
        token = self._rsvp_signer.seal(invitation.id, occurrence.end)
        return f"{self.settings.feeds.base_url.rstrip('/')}/rsvp/{token}"  # as rsvp_page_url

    def _invitation(
        self, session: Session, occurrence_id: int, contact_id: int
    ) -> Invitation | None:
        """The invitation of `contact_id` to `occurrence_id`: from the batch prepared in this
        session, else from the store."""
        key = (occurrence_id, contact_id)
        if session is self._batch.session and key in self._batch.invitations:
            return self._batch.invitations[key]
        return session.exec(
            select(Invitation)
            .where(col(Invitation.occurrence_id) == occurrence_id)
            .where(col(Invitation.contact_id) == contact_id)
        ).first()

    def _proposal(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        """The dates a buyer may choose from, with the reader's own link; a reminder says so."""
        proposal = proposal_of(session, message.occurrence_id or 0)
        if proposal is None or proposal.state != proposals.OPEN or proposal.id is None:
            return Verdict(MessageState.CANCELLED, "the date is decided (the proposal is closed)")
        if proposal.deadline <= now:
            return Verdict(MessageState.SKIPPED, "the choice deadline has passed")
        if message.offset_days is not None and proposal.none_suits_at is not None:
            return Verdict(MessageState.SKIPPED, "the buyer answered that no date suits them")
        contact = self._contact(session, self._batch, message.contact_id)
        if contact is None or contact.id is None or contact.unsubscribed:
            return Verdict(MessageState.CANCELLED, "the reader is gone or stopped every mail")
        occurrence = self._occurrence(session, self._batch, message.occurrence_id)
        assert occurrence is not None
        about = self._about(session, _Batch(), occurrence, message.locale)
        yours = _works_for(contact, occurrence.organisation_id)
        meeting = replace(
            about.view,
            yours=yours,
            ritual=speak_of_buyer(about.view.ritual, about.view.buyer, yours=yours),
            location=speak_of_buyer(about.view.location, about.view.buyer, yours=yours),
        )
        view = ProposalView(
            meeting=meeting,
            slots=tuple(sorted(slot.start for slot in slots_of(session, proposal.id))),
            deadline=proposal.deadline,
            url=proposal_url(self.settings, proposal.id, contact.id, proposal.deadline),
            reminder=message.offset_days is not None,
        )
        recipient = Person(message.recipient_name or message.recipient, message.recipient)
        context = {"proposal": view, "meeting": meeting}
        return self._build(message, recipient, about.reply_to, context, now, occurrence.kind)

    # --- conventions and digests ---------------------------------------------------------------

    def _renewal_notice(
        self, session: Session, message: Message, now: datetime
    ) -> Composed | Verdict:
        convention = session.get(Convention, message.convention_id)
        if convention is None or convention.status != "active":
            return Verdict(MessageState.CANCELLED, "the convention is no longer active")
        if message.contact_id is None or self.settings.is_staff(message.recipient):
            return Verdict(MessageState.CANCELLED, "renewal notices go to the buyer's contacts")
        today = self._today(now)
        if convention.end_date < today:
            return Verdict(MessageState.SKIPPED, "the convention has ended")
        buyer = session.get(Organisation, convention.organisation_id)
        renewal = _renewal_meeting(session, convention, now)
        invited = renewal is not None and (
            renewal.status != OccurrenceStatus.PLANNED
            and renewal.id is not None
            and self._invitation(session, renewal.id, message.contact_id) is not None
        )
        view = ConventionView(
            buyer=french_name(buyer) if buyer else "?",
            start=convention.start_date,
            end=convention.end_date,
            days_left=(convention.end_date - today).days,
            renewal_meeting=renewal.start if renewal is not None else None,
            renewal_invited=invited,
        )
        facilitator = self.settings.facilitator(buyer.facilitator_id or "") if buyer else None
        reply_to = Mailbox(facilitator.name, facilitator.email) if facilitator else None
        recipient = Person(message.recipient_name or message.recipient, message.recipient)
        return self._build(message, recipient, reply_to, {"convention": view}, now)

    def _digest(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        facilitator = self.settings.facilitator(message.facilitator_id or "")
        if facilitator is None:
            return Verdict(MessageState.CANCELLED, "no such facilitator any more")
        today = self._today(now)
        trouble = mailbox_trouble(self.settings, session)
        view = DigestView(
            period_start=today,
            period_end=today + timedelta(weeks=DIGEST_WEEKS, days=-1),
            upcoming=_upcoming(self, session, facilitator.id, now),
            failed=_failed(session, now),
            conventions_ending=_conventions_ending(session, facilitator.id, today),
            buyers_without_review=_buyers_without_review(
                session, facilitator.id, now, ZoneInfo(self.settings.organisation.timezone)
            ),
            past_week=past_week(self.settings, session, facilitator.id, now, message.locale),
            reviews_missing=_reviews_missing(self.settings, session, facilitator.id, now),
            horizon_end=horizon(self.settings, now)[1],
            replies=reply_notes(self.settings, session, facilitator.id, now, message.locale),
            mailbox_problem=trouble.error if trouble is not None else None,
            mailbox_failing_since=trouble.failing_since if trouble is not None else None,
            none_suits=_none_suits(self.settings, session, facilitator.id),
        )
        recipient = Person(facilitator.name, facilitator.email)
        return self._build(message, recipient, None, {"digest": view}, now)

    # --- common --------------------------------------------------------------------------------

    def _build(
        self,
        message: Message,
        recipient: Person,
        reply_to: Mailbox | None,
        context: dict[str, object],
        now: datetime,
        ritual_kind: str | None = None,
        calendar: CalendarPart | None = None,
    ) -> Composed:
        ritual = RitualKind(ritual_kind) if ritual_kind else None
        values = {
            "guichet": self.settings.organisation.french_name,
            "guichet_short": self.settings.organisation.french_short_name,
            "recipient": recipient,
            "unsubscribe_url": self.unsubscribe_url(message),
            "stoppable": stoppable(ritual),
            **context,
        }
        rendered = self.templates.render(message.kind, message.locale, values, ritual_kind)
        envelope = Envelope(
            sender=self.sender,
            recipient=Mailbox(recipient.name, recipient.email),
            message_id=message.message_id,
            date=now,
            reply_to=reply_to,
            # a meeting of the buyer's own convention has nothing a mail client could stop
            unsubscribe_url=self.unsubscribe_url(message) if values["stoppable"] else None,
            locale=message.locale,
        )
        email = build_message(envelope, rendered.subject, rendered.text, rendered.html, calendar)
        return Composed(email, self.sender.address, (message.recipient,))

    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.settings.organisation.timezone)).date()

    def _days_until(self, moment: datetime, now: datetime) -> int:
        """Days from today to `moment`'s day, both in the guichet's time zone: what « demain »
        and « dans 3 jours » mean when the mail is read on the day it is sent."""
        zone = ZoneInfo(self.settings.organisation.timezone)
        return (moment.astimezone(zone).date() - now.astimezone(zone).date()).days


def _meeting_verdict(
    invitation: Invitation | None,
    message: Message,
    kind: MessageKind,
    occurrence: Occurrence,
    contact: Contact | None,
    now: datetime,
) -> Verdict | None:
    """Why a message about `occurrence` must not go now, if it must not."""
    cancelled = occurrence.status == OccurrenceStatus.CANCELLED
    if kind is MessageKind.CANCEL and not cancelled:
        return Verdict(MessageState.CANCELLED, "the meeting is no longer cancelled")
    if kind is not MessageKind.CANCEL and cancelled:
        return Verdict(MessageState.CANCELLED, "the meeting was cancelled")
    if occurrence.start <= now:
        return Verdict(MessageState.SKIPPED, "the meeting has already started")
    if kind is MessageKind.REMINDER and message.sequence != occurrence.sequence:
        return Verdict(MessageState.CANCELLED, "the meeting moved since")
    if kind is MessageKind.UPDATE and message.sequence < occurrence.sequence:
        return Verdict(MessageState.CANCELLED, "a later update supersedes it")
    if contact is not None and unsubscribed(contact, kind, RitualKind(occurrence.kind)):
        return Verdict(MessageState.SKIPPED, f"unsubscribed from {kind.value}")
    declined = invitation is not None and invitation.partstat == PartStat.DECLINED
    if kind is MessageKind.REMINDER and declined:
        return Verdict(MessageState.SKIPPED, "declined")
    return None


def unsubscribed(contact: Contact, kind: MessageKind, ritual: RitualKind | None = None) -> bool:
    """True when `contact` asked to stop receiving `kind` (about a meeting of `ritual`), as the
    policy reads it: every mail, that kind or that ritual — never a meeting of their own
    convention unless every mail."""
    reader = reader_of(contact)
    if ritual is None:
        return not reader.wants(kind)
    return not reader.wants_about(kind, ritual)


def _organisation_name(session: Session, organisation_id: int | None) -> FrenchName | None:
    if organisation_id is None:
        return None
    organisation = session.get(Organisation, organisation_id)
    return french_name(organisation) if organisation else None


def _works_for(contact: Contact, organisation_id: int | None) -> bool:
    """True when `contact` is one of the people of the organisation `organisation_id`."""
    return organisation_id is not None and contact.organisation_id == organisation_id


def _renewal_meeting(session: Session, convention: Convention, now: datetime) -> Occurrence | None:
    """The next renewal meeting with the convention's buyer, if one is planned before its end."""
    return session.exec(
        select(Occurrence)
        .where(col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value)
        .where(col(Occurrence.organisation_id) == convention.organisation_id)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .where(col(Occurrence.start) > now)
        .order_by(col(Occurrence.start))
    ).first()


def _upcoming(
    composer: StoreComposer, session: Session, facilitator_id: str, now: datetime
) -> tuple[DigestMeeting, ...]:
    until = now + timedelta(weeks=DIGEST_WEEKS)
    rows = session.exec(
        select(Occurrence)
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.start) >= now)
        .where(col(Occurrence.start) < until)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .order_by(col(Occurrence.start))
    ).all()
    settings = composer.settings
    items = []
    for occurrence in rows:
        buyer = _organisation_name(session, occurrence.organisation_id)
        meeting = meeting_of(occurrence, buyer)
        organizer = organizer_of(settings, meeting)
        view = MeetingView(
            uid=occurrence.uid,
            kind=occurrence.kind,
            title=meeting_title(settings, meeting, "fr"),
            start=occurrence.start,
            end=occurrence.end,
            facilitator=Person(organizer.name, organizer.email),
            theme=occurrence.theme,
            buyer=buyer,
        )
        items.append(DigestMeeting(view, _answers(session, occurrence.id)))
    return tuple(items)


def _answers(session: Session, occurrence_id: int | None) -> Answers:
    counts = dict(
        session.exec(
            select(Invitation.partstat, func.count())
            .where(col(Invitation.occurrence_id) == occurrence_id)
            .group_by(col(Invitation.partstat))
        ).all()
    )
    return Answers(
        accepted=counts.get(PartStat.ACCEPTED, 0),
        declined=counts.get(PartStat.DECLINED, 0),
        tentative=counts.get(PartStat.TENTATIVE, 0),
        pending=counts.get(PartStat.NEEDS_ACTION, 0),
    )


def _failed(session: Session, now: datetime) -> tuple[FailedDelivery, ...]:
    rows = session.exec(
        select(Message)
        .where(col(Message.state) == MessageState.FAILED)
        .where(col(Message.updated_at) >= now - timedelta(days=7))
        .order_by(col(Message.updated_at).desc())
        .limit(50)
    ).all()
    return tuple(
        FailedDelivery(row.recipient, row.kind, row.last_error or "", row.updated_at)
        for row in rows
    )


def _conventions_ending(
    session: Session, facilitator_id: str, today: date
) -> tuple[ConventionView, ...]:
    rows = session.exec(
        select(Convention, Organisation)
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Organisation.facilitator_id) == facilitator_id)
        .where(col(Convention.status) == "active")
        .where(col(Convention.end_date) >= today)
        .where(col(Convention.end_date) <= today + timedelta(days=ENDING_WITHIN_DAYS))
        .order_by(col(Convention.end_date))
    ).all()
    return tuple(
        ConventionView(org.name, conv.start_date, conv.end_date, (conv.end_date - today).days)
        for conv, org in rows
    )


def _buyers_without_review(
    session: Session, facilitator_id: str, now: datetime, zone: ZoneInfo
) -> tuple[ReviewLag, ...]:
    """The facilitator's buyers whose last programming review that took place (held, or
    announced and over: a meeting still `planned` was never announced, so nobody came) started
    more than 12 months before `now`, with its day."""
    took_place = or_(
        col(Occurrence.status) == OccurrenceStatus.HELD,
        and_(
            col(Occurrence.status).in_([OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED]),
            col(Occurrence.end) <= now,
        ),
    )
    last_review = (
        select(Occurrence.organisation_id, func.max(Occurrence.start).label("last"))
        .where(col(Occurrence.kind) == RitualKind.PROGRAMMING_REVIEW.value)
        .where(col(Occurrence.start) <= now)
        .where(took_place)
        .group_by(col(Occurrence.organisation_id))
        .subquery()
    )
    rows = session.exec(
        select(Organisation.name, last_review.c.last)
        .outerjoin(last_review, last_review.c.organisation_id == col(Organisation.id))
        .where(col(Organisation.role) == OrganisationRole.BUYER)
        .where(col(Organisation.facilitator_id) == facilitator_id)
        .order_by(col(Organisation.name))
    ).all()
    since = now - relativedelta(months=12)
    return tuple(
        ReviewLag(name, _day_of(last, zone) if last is not None else None)
        for name, last in rows
        if last is None or last < since
    )


def _reviews_missing(
    settings: Settings, session: Session, facilitator_id: str, now: datetime
) -> tuple[ReviewGapView, ...]:
    """The facilitator's buyers that the plan leaves without a programming review, and why."""
    mine = [m for m in missing_reviews(settings, session, now) if m.facilitator == facilitator_id]
    if not mine:
        return ()
    names = dict(
        session.exec(
            select(Organisation.slug, Organisation.name).where(
                col(Organisation.slug).in_([m.buyer for m in mine])
            )
        ).all()
    )
    return tuple(
        ReviewGapView(
            buyer=names.get(m.buyer, m.buyer),
            cause=m.cause.value,
            first=m.window[0] if m.window else None,
            last=m.window[1] if m.window else None,
            until=m.until,
            day=m.day,
        )
        for m in mine
    )


def _day_of(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _none_suits(settings: Settings, session: Session, facilitator_id: str) -> tuple[NoneSuits, ...]:
    """The open proposals of the facilitator's buyers for which none of the dates suits."""
    rows = session.exec(
        select(Proposal, Occurrence, Contact)
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .join(Contact, col(Contact.id) == col(Proposal.none_suits_by))
        .where(col(Proposal.state) == proposals.OPEN)
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .order_by(col(Proposal.deadline))
    ).all()
    found = []
    for proposal, occurrence, contact in rows:
        buyer = _organisation_name(session, occurrence.organisation_id)
        found.append(
            NoneSuits(
                buyer=buyer if buyer is not None else "?",
                title=ritual_title(
                    settings, RitualKind(occurrence.kind), settings.organisation.locale
                ),
                contact=contact.name,
                message=proposal.none_suits_message or "",
                at=proposal.none_suits_at or proposal.created_at,
                deadline=proposal.deadline,
            )
        )
    return tuple(found)
