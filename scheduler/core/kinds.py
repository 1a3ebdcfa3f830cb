"""The ritual kinds of the facilitators' handbook and the vocabulary around them."""

from __future__ import annotations

from enum import StrEnum


class RitualKind(StrEnum):
    """One kind of recurring meeting that keeps a partnership alive."""

    PROGRAMMING_REVIEW = "programming_review"
    STEERING_COMMITTEE = "steering_committee"
    BUYER_CLUB = "buyer_club"
    AFTER_WORK = "after_work"
    INTERNAL_AWARENESS = "internal_awareness"
    B2B_MEETUP = "b2b_meetup"
    ANNUAL_RESTITUTION = "annual_restitution"
    CONVENTION_RENEWAL = "convention_renewal"
    OTHER = "other"
    """A meeting of no ritual, added by hand (« Autre rencontre »): never planned; its title is
    the one typed."""

    @property
    def scope(self) -> Scope:
        """Whether one series exists per buyer or once for the whole territory."""
        return Scope.BUYER if self in PER_BUYER_KINDS else Scope.TERRITORY

    def title(self, locale: str = "fr") -> str:
        """The handbook's name of this kind, in French or English."""
        return DEFAULT_TITLES[self][0 if locale == "fr" else 1]


class Scope(StrEnum):
    """Who a series concerns: one buyer, or the territory's whole ecosystem."""

    BUYER = "buyer"
    TERRITORY = "territory"


class Cadence(StrEnum):
    """How often a territory series meets; per-buyer kinds follow their buyer's dates."""

    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"
    PER_CONVENTION = "per_convention"


class OnConflict(StrEnum):
    """What to do when the preferred day cannot be used."""

    SHIFT = "shift"
    SKIP = "skip"


class OccurrenceStatus(StrEnum):
    """Life of one dated meeting: planned → announced → held, or moved / cancelled."""

    PLANNED = "planned"
    ANNOUNCED = "announced"
    MOVED = "moved"
    HELD = "held"
    CANCELLED = "cancelled"

    def label(self, locale: str = "fr") -> str:
        """How a reader says this status (« prévue », « annoncée »…): never the code."""
        return STATUS_LABELS[self][0 if locale == "fr" else 1]

    @property
    def is_fixed(self) -> bool:
        """A re-plan never moves an occurrence people were told about or that was moved by hand."""
        return self in (OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED, OccurrenceStatus.HELD)


class ReviewGap(StrEnum):
    """Why an active buyer has no programming review between today and the horizon."""

    NO_ROOM = "no_room"
    """Its window had no open preferred day with room for its facilitator."""
    CONVENTION_ENDS = "convention_ends"
    """Its convention ends before its next window opens."""
    BEYOND_HORIZON = "beyond_horizon"
    """Its next review (or window) falls after the horizon."""


class PartStat(StrEnum):
    """An invitee's answer, as iCalendar's PARTSTAT spells it."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"


class AnswerSource(StrEnum):
    """Where an invitee's answer came from."""

    WEB = "web"
    """The RSVP link in the invitation."""
    CALENDAR = "calendar"
    """Their calendar client's iTIP REPLY, read from the organizer's mailbox."""
    FACILITATOR = "facilitator"
    """The facilitator, on their behalf."""
    SLOT = "slot"
    """The page where a buyer picks a slot."""


class OrganisationRole(StrEnum):
    """What an organisation is to the guichet."""

    BUYER = "buyer"
    SUPPLIER = "supplier"
    PARTNER = "partner"


class ConventionStatus(StrEnum):
    """Where a buyer's partnership convention stands; only an active one brings meetings."""

    ACTIVE = "active"
    ENDED = "ended"
    DRAFT = "draft"
    CANCELLED = "cancelled"


class ConventionRenewal(StrEnum):
    """How a convention is meant to go on after its end, as the buyer and the guichet agreed."""

    MEETING = "meeting"
    """Renewed after a renewal meeting (a new convention, or an amendment)."""
    TACIT = "tacit"
    """Renewed tacitly unless either side says otherwise."""
    NONE = "none"
    """Not to be renewed."""


PER_BUYER_KINDS = frozenset(
    {
        RitualKind.PROGRAMMING_REVIEW,
        RitualKind.INTERNAL_AWARENESS,
        RitualKind.CONVENTION_RENEWAL,
    }
)

DEFAULT_TITLES: dict[RitualKind, tuple[str, str]] = {
    RitualKind.PROGRAMMING_REVIEW: (
        "Rendez-vous annuel sur la programmation des achats",
        "Annual procurement-programming review",
    ),
    RitualKind.STEERING_COMMITTEE: (
        "Comité de pilotage du dispositif clause sociale",
        "Social clause steering committee",
    ),
    RitualKind.BUYER_CLUB: (
        "Club des acheteurs socialement responsables",
        "Socially responsible buyers' club",
    ),
    RitualKind.AFTER_WORK: (
        "After-work achat socialement responsable",
        "Socially responsible procurement after-work",
    ),
    RitualKind.INTERNAL_AWARENESS: (
        "Sensibilisation des services internes de l'acheteur",
        "Awareness session for the buyer's services",
    ),
    RitualKind.B2B_MEETUP: (
        "Rencontre acheteurs / fournisseurs solidaires",
        "Buyers / inclusive suppliers meetup",
    ),
    RitualKind.ANNUAL_RESTITUTION: (
        "Restitution annuelle des résultats",
        "Annual results restitution",
    ),
    RitualKind.CONVENTION_RENEWAL: (
        "Renouvellement de la convention de partenariat",
        "Partnership convention renewal",
    ),
    RitualKind.OTHER: ("Autre rencontre", "Other meeting"),
}

RITUALS: tuple[RitualKind, ...] = tuple(kind for kind in RitualKind if kind is not RitualKind.OTHER)
"""The rituals of the handbook, in its order: the kinds the planner plans, that the settings
describe and that contacts follow (every kind but OTHER, which is only ever added by hand)."""

STATUS_LABELS: dict[OccurrenceStatus, tuple[str, str]] = {
    OccurrenceStatus.PLANNED: ("prévue", "planned"),
    OccurrenceStatus.ANNOUNCED: ("annoncée", "announced"),
    OccurrenceStatus.MOVED: ("déplacée", "moved"),
    OccurrenceStatus.HELD: ("tenue", "held"),
    OccurrenceStatus.CANCELLED: ("annulée", "cancelled"),
}
