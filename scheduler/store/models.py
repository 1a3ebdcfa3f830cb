"""The tables of DESIGN.md: organisations, contacts, conventions, rituals, occurrences,
invitations. Datetimes are aware and stored in UTC (see `UTCDateTime`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from scheduler.core.kinds import ConventionStatus, OccurrenceStatus, OrganisationRole, PartStat
from scheduler.core.messages import MessageKind, MessageState
from scheduler.store.types import EnumText, UTCDateTime


def utc_column(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    """A column holding an aware UTC datetime."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Organisation(SQLModel, table=True):
    """A buyer, an inclusive supplier or a partner of the guichet."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=80)
    name: str = Field(max_length=200)
    article: str | None = Field(default=None, max_length=4)
    """The article French puts before the name (`le`, `la`, `l'`, `les`, "" for none); None:
    derived from the name (scheduler.core.french)."""
    role: OrganisationRole = Field(index=True, sa_type=String(20))
    kind: str = Field(default="autre", max_length=40)
    territory: str = Field(default="", max_length=120)
    facilitator_id: str | None = Field(default=None, max_length=40)
    programming_month: int | None = Field(default=None)


class Contact(SQLModel, table=True):
    """A person of an organisation, or of the guichet itself when organisation_id is null."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(unique=True, index=True, max_length=254)
    job: str = Field(default="", max_length=120)
    locale: str = Field(default="fr", max_length=8)
    kinds: str = Field(default="", max_length=400)
    """Comma-separated ritual kinds this person is invited to; empty means every kind of their
    role."""
    unsubscribed_kinds: str = Field(default="", max_length=400)
    """Comma-separated message kinds this person stopped (invitations, reminders…)."""
    unsubscribed_rituals: str = Field(default="", max_length=400)
    """Comma-separated ritual kinds this person stopped every message about (a territory
    ritual: the after-works, the buyers' club…)."""
    unsubscribed: bool = Field(default=False)


class Convention(SQLModel, table=True):
    """A buyer's partnership convention."""

    __tablename__ = "convention"
    __table_args__ = (UniqueConstraint("organisation_id", "start_date"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    signed_on: date | None = Field(default=None)
    start_date: date
    end_date: date
    financial_participation_cents: int | None = Field(default=None)
    confidential: bool = Field(default=True)
    renewal_notice_days: int = Field(default=120)
    status: ConventionStatus = Field(
        default=ConventionStatus.ACTIVE, sa_type=EnumText(ConventionStatus)
    )
    public: bool = Field(default=False)
    """The buyer makes its commitment public (/engagements); off unless it chose so."""
    public_text: str | None = Field(default=None, max_length=400)
    """A short text the buyer wants shown beside its name on /engagements."""
    commitments: str | None = Field(default=None, max_length=4000)
    """What each side committed to, as the convention words it."""
    document_reference: str | None = Field(default=None, max_length=200)
    """Where the signed document is kept (a file name, a reference in the records)."""
    renewal: str | None = Field(default=None, max_length=20)
    """How it goes on after its end (core.kinds.ConventionRenewal); None: not said."""


class Ritual(SQLModel, table=True):
    """One recurring series: a kind for one buyer, or for the territory."""

    __tablename__ = "ritual"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=160)
    kind: str = Field(index=True, max_length=40)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    enabled: bool = Field(default=True)


class Occurrence(SQLModel, table=True):
    """One dated meeting of a series."""

    __tablename__ = "occurrence"
    __table_args__ = (Index("ix_occurrence_start", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    ritual_id: int = Field(foreign_key="ritual.id", index=True)
    key: str = Field(unique=True, max_length=200)
    uid: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=40)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    facilitator_id: str = Field(max_length=40)
    theme: str | None = Field(default=None, max_length=200)
    start: datetime = Field(sa_column=utc_column())
    end: datetime = Field(sa_column=utc_column())
    status: OccurrenceStatus = Field(default=OccurrenceStatus.PLANNED, sa_type=String(20))
    sequence: int = Field(default=0)
    cancel_reason: str | None = Field(default=None, max_length=400)
    changed_at: datetime = Field(sa_column=utc_column())
    """The last change anyone would see: DTSTAMP and LAST-MODIFIED of the event."""
    description: str | None = Field(default=None, max_length=2000)
    """A note for this meeting only, added to the event's description."""
    location: str | None = Field(default=None, max_length=400)
    """This meeting's place; None: the ritual's."""
    video_url: str | None = Field(default=None, max_length=400)
    """This meeting's video link; None: the ritual's."""
    headcount: int | None = Field(default=None)
    """How many people came in all, when counted rather than named (a B2B meetup)."""


class Invitation(SQLModel, table=True):
    """An occurrence × a contact: who is asked, and what they answered."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("occurrence_id", "contact_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    partstat: PartStat = Field(default=PartStat.NEEDS_ACTION, sa_type=String(20))
    responded_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    attended: bool | None = Field(default=None)
    answer_source: str | None = Field(default=None, max_length=20)
    """Where the current answer came from (an `AnswerSource`); None while nobody answered."""
    removed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    """When the facilitator took this person off the meeting: they got a CANCEL (if they had
    been invited), nothing more goes to them, and feeds no longer list them."""


class FeedToken(SQLModel, table=True):
    """The secret in a private feed's URL: only its SHA-256 is stored; at most one live token
    per subscriber (a buyer, a facilitator or a contact), rotatable and revocable."""

    __tablename__ = "feed_token"
    __table_args__ = (
        Index(
            "ux_feed_token_live",
            "subscriber_kind",
            "subscriber_ref",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_kind: str = Field(max_length=20)
    """"buyer", "facilitator" or "contact"."""
    subscriber_ref: str = Field(max_length=80)
    """The organisation id, the facilitator id or the contact id, as text."""
    token_hash: str = Field(unique=True, max_length=64)
    """Hex SHA-256 of the token; the token itself is shown once and never stored."""
    created_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Message(SQLModel, table=True):
    """The outbox: one mail to one recipient, from enqueue (in the transaction of the change
    that causes it) to delivery. Rendered only when sent; its Message-ID is fixed at enqueue
    and reused on every attempt."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_claim", "state", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: MessageKind = Field(sa_type=String(20), index=True)
    idempotency_key: str = Field(unique=True, max_length=320)
    """Occurrence or convention, kind, SEQUENCE or offset, recipient: enqueuing twice adds
    nothing."""
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    convention_id: int | None = Field(default=None, foreign_key="convention.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    facilitator_id: str | None = Field(default=None, max_length=40)
    recipient: str = Field(max_length=254, index=True)
    recipient_name: str = Field(default="", max_length=200)
    locale: str = Field(default="fr", max_length=8)
    sequence: int = Field(default=0)
    offset_days: int | None = Field(default=None)
    """Days before the meeting (reminders) or the convention's end (renewal notices)."""
    due_at: datetime = Field(sa_column=utc_column())
    state: MessageState = Field(default=MessageState.PENDING, sa_type=String(20))
    attempts: int = Field(default=0)
    next_try_at: datetime = Field(sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=1000)
    message_id: str = Field(max_length=250)
    unsubscribe_token: str = Field(unique=True, max_length=64)
    """The secret of this message's "stop receiving this kind" link."""
    lease_owner: str | None = Field(default=None, max_length=80)
    lease_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Answer(SQLModel, table=True):
    """One answer an invitee gave, whatever its source: the history behind an invitation's
    PARTSTAT. The invitation shows the answer with the latest `answered_at`; an answer for a
    cancelled or past meeting is kept with `applied` false."""

    __tablename__ = "answer"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    partstat: PartStat = Field(sa_type=String(20))
    source: str = Field(max_length=20)
    """An `AnswerSource`."""
    answered_at: datetime = Field(sa_column=utc_column())
    """When the invitee answered: the reply's DTSTAMP, or the instant of the web form's POST."""
    recorded_at: datetime = Field(sa_column=utc_column())
    applied: bool = Field(default=True)
    sequence: int | None = Field(default=None)
    """The SEQUENCE the reply names, when it came from a calendar."""
    comment: str | None = Field(default=None, max_length=2000)
    message_id: str | None = Field(default=None, max_length=250)
    """The Message-ID of the mail that carried it."""


class CounterProposal(SQLModel, table=True):
    """An invitee's proposal of another time (iTIP COUNTER): kept for the facilitator to decide,
    never applied by itself."""

    __tablename__ = "counter_proposal"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    start: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    end: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    comment: str | None = Field(default=None, max_length=2000)
    proposed_at: datetime = Field(sa_column=utc_column())
    """The COUNTER's DTSTAMP."""
    received_at: datetime = Field(sa_column=utc_column(index=True))
    message_id: str | None = Field(default=None, max_length=250)


class MailboxStatus(SQLModel, table=True):
    """How reading the replies mailbox last went, written by the poller for `rituel check` and
    the digest."""

    __tablename__ = "mailbox_status"

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(unique=True, max_length=400)
    """`user@host:port/folder`."""
    checked_at: datetime = Field(sa_column=utc_column())
    ok_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    failing_since: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    error: str | None = Field(default=None, max_length=1000)


class YearResult(SQLModel, table=True):
    """The scheme's figures for one buyer and one calendar year, imported from the guichet's
    monitoring tool (`rituel import results`)."""

    __tablename__ = "year_result"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    contracts: int
    """Contracts with a social clause."""
    insertion_hours: float
    """Insertion hours carried out."""
    participants: int
    """People who worked those hours."""
    companies: int
    """Companies that carried out the clauses."""
    imported_at: datetime = Field(sa_column=utc_column())


class OccurrenceHistory(SQLModel, table=True):
    """One step in a meeting's life (planned, announced, moved, held, cancelled…): what it
    became, at which SEQUENCE and start, and when."""

    __tablename__ = "occurrence_history"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    sequence: int
    status: OccurrenceStatus = Field(sa_type=String(20))
    start: datetime = Field(sa_column=utc_column())
    at: datetime = Field(sa_column=utc_column())
    source: str = Field(default="plan", max_length=20)
    """Who made the change: "plan", "hand" (the CLI or the workspace), "mail", "attendance"."""


class SignInLink(SQLModel, table=True):
    """A one-time workspace sign-in link: only its SHA-256 is stored; it opens once, before
    `expires_at`."""

    __tablename__ = "sign_in_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    email: str = Field(max_length=254, index=True)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class WorkspaceSession(SQLModel, table=True):
    """A signed-in browser: only the SHA-256 of its cookie is stored; it ends when idle too
    long, at `expires_at`, or at sign-out (`ended_at`)."""

    __tablename__ = "workspace_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    email: str = Field(max_length=254, index=True)
    created_at: datetime = Field(sa_column=utc_column())
    last_seen_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    previous_visit_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    """When the person's previous visit ended: the home page shows the answers since then."""


class Proposal(SQLModel, table=True):
    """For a meeting the buyer chooses (`booking = "choose"`): the dates offered, until the
    buyer books one, the deadline confirms the default, or the meeting goes. While open, its
    slots hold the facilitator's capacity (scheduler.core.slots)."""

    __tablename__ = "proposal"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", unique=True)
    state: str = Field(default="open", max_length=20, index=True)
    """"open", "booked" (the buyer chose), "confirmed" (the deadline kept the default slot) or
    "withdrawn" (the meeting was cancelled)."""
    deadline: datetime = Field(sa_column=utc_column())
    """When the default slot is confirmed if nobody chose; the link works until then."""
    created_at: datetime = Field(sa_column=utc_column())
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    chosen_by: int | None = Field(default=None, foreign_key="contact.id")
    none_suits_message: str | None = Field(default=None, max_length=2000)
    """What the buyer wrote when none of the dates suited them (shown to the facilitator)."""
    none_suits_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    none_suits_by: int | None = Field(default=None, foreign_key="contact.id")
    offer: int = Field(default=0)
    """How many times the facilitator sent new dates after a "none suits us": a link names the
    offer it was sent with, and an earlier offer's link only says the dates were replaced."""


class ProposalSlot(SQLModel, table=True):
    """One date offered by a proposal; the default one is the planner's own."""

    __tablename__ = "proposal_slot"
    __table_args__ = (UniqueConstraint("proposal_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    start: datetime = Field(sa_column=utc_column(index=True))
    end: datetime = Field(sa_column=utc_column())
    is_default: bool = Field(default=False)


class RefusedSlot(SQLModel, table=True):
    """A date the buyer answered did not suit them, once new dates replaced it: its day is not
    offered again."""

    __tablename__ = "refused_slot"
    __table_args__ = (UniqueConstraint("proposal_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    offer: int
    """The offer that held this date (0: the first)."""
    start: datetime = Field(sa_column=utc_column())
    end: datetime = Field(sa_column=utc_column())


class JournalEntry(SQLModel, table=True):
    """One change made by hand (in the workspace or the CLI): who, when, what, before and
    after; about a meeting, an organisation, or both."""

    __tablename__ = "journal_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column())
    actor: str = Field(max_length=254)
    """The facilitator's e-mail address, or « cli » for the operator's terminal."""
    action: str = Field(max_length=40)
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    before: str = Field(default="", max_length=2000)
    after: str = Field(default="", max_length=2000)


class WalkIn(SQLModel, table=True):
    """Someone who came to a held meeting without being invited."""

    __tablename__ = "walk_in"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    organisation: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(sa_column=utc_column())


class StoredSetting(SQLModel, table=True):
    """A value of the settings changed in the workspace (scheduler.config.overlay): a ritual's
    changed keys (`rituals.KIND`) or the facilitators (`facilitators`), as JSON; it overlays
    config.toml's."""

    __tablename__ = "stored_setting"

    name: str = Field(primary_key=True, max_length=80)
    value: str = Field(max_length=20_000)
    changed_at: datetime = Field(sa_column=utc_column())
    changed_by: str = Field(max_length=254)


class InputRevision(SQLModel, table=True):
    """What the planner reads, as a revision (scheduler.store.revision): the row `changes` counts
    the transactions that changed it; the row `plan` holds the fingerprint of the last plan
    written and its outcome (JSON), so a plan on the same inputs is not redone."""

    __tablename__ = "input_revision"

    name: str = Field(primary_key=True, max_length=40)
    counter: int = Field(default=0)
    value: str | None = Field(default=None, sa_type=Text)
