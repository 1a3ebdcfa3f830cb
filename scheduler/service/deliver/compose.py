"""Rendering at send time: an outbox row, with what the store says now, becomes a message.

A row is rendered from the current state of its meeting or convention, so a pending invitation
carries the latest date. Loading is the store's (`scheduler.store.mail_facts`: a batch of rows
reads its meetings, readers and invitations at once); whether the message still goes is the
core's policy (`meeting_verdict`, `proposal_verdict`, `renewal_verdict`: a row that should no
longer go gets a verdict instead); writing it out is the mail's (`scheduler.mail.letters`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.calendar import (
    Attendee,
    EventView,
    render_cancel,
    render_request,
    render_uninvite,
)
from scheduler.config import Settings
from scheduler.core.meeting import Meeting
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import Verdict, meeting_verdict, renewal_verdict
from scheduler.core.proposals import ProposalFacts, proposal_verdict
from scheduler.mail.letters import Letter, Letterhead, write
from scheduler.mail.mime import CalendarPart, Mailbox
from scheduler.mail.templates import MailTemplates
from scheduler.mail.views import ConventionView, MailMeeting, ProposalView
from scheduler.service.access.signing import Signer, signer
from scheduler.service.answer.rsvp import PURPOSE as RSVP_PURPOSE
from scheduler.service.deliver.digest import digest_view
from scheduler.service.deliver.outbox import Composed
from scheduler.service.deliver.views import mail_meeting, reply_to
from scheduler.service.plan import proposals
from scheduler.service.plan.proposals import proposal_of, proposal_url, slots_of
from scheduler.service.publish.event_views import Visibility, event_view
from scheduler.store.mail_facts import Invited, Letters, renewal_of
from scheduler.store.models import Message


@dataclass(frozen=True, slots=True)
class _About:
    """What the messages about one meeting in one language share."""

    view: MailMeeting
    """The meeting as templates show it (to nobody in particular)."""
    event: EventView
    """The meeting as the iTIP object shows it (without attendees)."""
    reply_to: Mailbox


@dataclass
class _Batch:
    """What the rows composed in one session read, loaded at once, and what is made of it."""

    session: Session | None = None
    letters: Letters = field(default_factory=Letters)
    about: dict[tuple[int, str], _About] = field(default_factory=dict)


class StoreComposer:
    """Renders outbox rows from the store with the configured templates and sender."""

    def __init__(self, settings: Settings, templates: MailTemplates | None = None) -> None:
        self.settings = settings
        self.templates = templates or MailTemplates(timezone=settings.organisation.timezone)
        self.sender = Mailbox(settings.mail.sender_name, settings.mail.sender)
        self.letterhead = Letterhead(
            self.sender,
            settings.organisation.french_name,
            settings.organisation.french_short_name,
        )
        self._batch = _Batch()
        self._rsvp_signer: Signer | None = None

    def prepare(self, session: Session, messages: Sequence[Message]) -> None:
        """Load the meetings (with their buyers), the readers and the invitations of a batch at
        once, and keep them (and what is made of a meeting: its views, its iTIP frame) for the
        rows composed in this session."""
        self._batch = _Batch(session, Letters.load(session, messages))

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
        batch = self._batch_for(session)
        meeting = batch.letters.meeting(session, message.occurrence_id)
        if meeting is None:
            return Verdict(MessageState.CANCELLED, "the meeting no longer exists")
        reader = batch.letters.reader(session, message.contact_id)
        invited = (
            batch.letters.invitation(session, meeting.occurrence_id, reader.contact_id)
            if reader is not None and reader.contact_id is not None
            else None
        )
        partstat = invited.partstat if invited is not None else None
        removed = invited is not None and invited.removed
        verdict = meeting_verdict(
            kind, message.sequence, meeting, reader, partstat, now, removed=removed
        )
        if verdict is not None:
            return verdict
        about = self._about(batch, meeting, message.locale)
        recipient = _recipient(message)
        yours = reader is not None and reader.works_for(meeting.organisation_id)
        rsvp_url = self._rsvp_url(meeting, invited) if kind is not MessageKind.CANCEL else None
        view = about.view.told_to(yours=yours, rsvp_url=rsvp_url)
        context = {
            "meeting": view,
            "days_left": self._days_until(meeting.start, now),
            "removed": removed,
        }
        calendar = None
        method = kind.itip_method
        if method is not None:
            event = replace(about.event, attendees=(Attendee(recipient.name, recipient.address),))
            if removed:
                ics = render_uninvite(event)
            else:
                ics = render_cancel(event) if method == "CANCEL" else render_request(event)
            calendar = CalendarPart(method, ics)
        letter = self._letter(message, recipient, about.reply_to, meeting, calendar)
        return self._write(message, letter, context, now)

    def _batch_for(self, session: Session) -> _Batch:
        """The batch prepared for `session`, or a new one for this row alone."""
        return self._batch if self._batch.session is session else _Batch()

    def _about(self, batch: _Batch, meeting: Meeting, locale: str) -> _About:
        """What every message about `meeting` in `locale` shares, made once per batch."""
        key = (meeting.occurrence_id, locale)
        about = batch.about.get(key)
        if about is None:
            about = _About(
                mail_meeting(self.settings, meeting, locale),
                event_view(self.settings, meeting, locale=locale, visibility=Visibility.SCHEDULING),
                reply_to(self.settings, meeting),
            )
            if batch.session is not None:
                batch.about[key] = about
        return about

    def _rsvp_url(self, meeting: Meeting, invited: Invited | None) -> str | None:
        """The reader's own RSVP link, when they are invited."""
        if invited is None or not invited.invitation_id:
            return None
        if self._rsvp_signer is None:  # the secret is read once per composer, not per message
            self._rsvp_signer = signer(self.settings, RSVP_PURPOSE)
        token = self._rsvp_signer.seal(invited.invitation_id, meeting.end)
        return f"{self.settings.feeds.base_url.rstrip('/')}/rsvp/{token}"  # as rsvp_page_url

    def _proposal(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        """The dates a buyer may choose from, with the reader's own link; a reminder says so."""
        batch = self._batch_for(session)
        proposal = proposal_of(session, message.occurrence_id or 0)
        facts = None
        if proposal is not None and proposal.id is not None:
            facts = ProposalFacts(
                proposal_id=proposal.id,
                occurrence_id=proposal.occurrence_id,
                opened_at=proposal.created_at,
                deadline=proposal.deadline,
                is_open=proposal.state == proposals.OPEN,
                answered=proposal.none_suits_at is not None,
            )
        reader = batch.letters.reader(session, message.contact_id)
        reminder = message.offset_days is not None
        verdict = proposal_verdict(facts, reminder, reader, now)
        if verdict is not None:
            return verdict
        assert facts is not None
        assert reader is not None
        assert reader.contact_id is not None
        meeting = batch.letters.meeting(session, message.occurrence_id)
        assert meeting is not None
        about = self._about(batch, meeting, message.locale)
        told = about.view.told_to(yours=reader.works_for(meeting.organisation_id))
        view = ProposalView(
            meeting=told,
            slots=tuple(sorted(slot.start for slot in slots_of(session, facts.proposal_id))),
            deadline=facts.deadline,
            url=proposal_url(
                self.settings,
                facts.proposal_id,
                reader.contact_id,
                facts.deadline,
                proposal.offer if proposal is not None else 0,
            ),
            reminder=reminder,
            new_dates=proposal is not None and proposal.offer > 0,
        )
        letter = self._letter(message, _recipient(message), about.reply_to, meeting)
        return self._write(message, letter, {"proposal": view, "meeting": told}, now)

    # --- conventions and digests ---------------------------------------------------------------

    def _renewal_notice(
        self, session: Session, message: Message, now: datetime
    ) -> Composed | Verdict:
        renewal = renewal_of(session, message.convention_id, message.contact_id, now)
        to_buyer = message.contact_id is not None and not self.settings.is_staff(message.recipient)
        today = self._today(now)
        verdict = renewal_verdict(
            renewal.convention if renewal is not None else None, to_buyer, today
        )
        if verdict is not None:
            return verdict
        assert renewal is not None
        end = renewal.convention.end
        view = ConventionView(
            buyer=renewal.buyer if renewal.buyer is not None else "?",
            start=renewal.start,
            end=end,
            days_left=(end - today).days,
            renewal_meeting=renewal.meeting_start,
            renewal_invited=renewal.invited,
        )
        facilitator = (
            self.settings.facilitator(renewal.facilitator_id or "")
            if renewal.buyer is not None
            else None
        )
        reply = Mailbox(facilitator.name, facilitator.email) if facilitator else None
        letter = self._letter(message, _recipient(message), reply)
        return self._write(message, letter, {"convention": view}, now)

    def _digest(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        facilitator = self.settings.facilitator(message.facilitator_id or "")
        if facilitator is None:
            return Verdict(MessageState.CANCELLED, "no such facilitator any more")
        view = digest_view(self.settings, session, facilitator, now, message.locale)
        letter = self._letter(message, Mailbox(facilitator.name, facilitator.email), None)
        return self._write(message, letter, {"digest": view}, now)

    # --- common --------------------------------------------------------------------------------

    def _letter(
        self,
        message: Message,
        recipient: Mailbox,
        reply_to: Mailbox | None,
        meeting: Meeting | None = None,
        calendar: CalendarPart | None = None,
    ) -> Letter:
        return Letter(
            kind=message.kind,
            locale=message.locale,
            message_id=message.message_id,
            recipient=recipient,
            unsubscribe_url=self.unsubscribe_url(message),
            reply_to=reply_to,
            ritual=meeting.kind if meeting is not None else None,
            calendar=calendar,
        )

    def _write(
        self, message: Message, letter: Letter, context: dict[str, object], now: datetime
    ) -> Composed:
        email = write(self.templates, self.letterhead, letter, context, now)
        return Composed(email, self.sender.address, (message.recipient,))

    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.settings.organisation.timezone)).date()

    def _days_until(self, moment: datetime, now: datetime) -> int:
        """Days from today to `moment`'s day, both in the guichet's time zone: what « demain »
        and « dans 3 jours » mean when the mail is read on the day it is sent."""
        zone = ZoneInfo(self.settings.organisation.timezone)
        return (moment.astimezone(zone).date() - self._today(now)).days


def _recipient(message: Message) -> Mailbox:
    """Who the row is addressed to, under their name when the row has it."""
    return Mailbox(message.recipient_name or message.recipient, message.recipient)
