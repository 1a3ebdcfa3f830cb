"""What the workspace calls each code, in French and in English: a meeting's status, an answer,
a message's kind and state, an organisation's role and kind, a convention's status, who changed
a meeting, a broken calendar rule, a journal entry's change and fields, an import's tables and
files. Each table maps a code to its (French, English) pair; `Words` picks one."""

from __future__ import annotations

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat
from scheduler.core.messages import MessageKind, MessageState
from scheduler.store.history import Source

STATUS = {
    OccurrenceStatus.PLANNED: ("prévue", "planned"),
    OccurrenceStatus.ANNOUNCED: ("annoncée", "announced"),
    OccurrenceStatus.MOVED: ("déplacée", "moved"),
    OccurrenceStatus.HELD: ("tenue", "held"),
    OccurrenceStatus.CANCELLED: ("annulée", "cancelled"),
}
ANSWER = {
    PartStat.NEEDS_ACTION: ("sans réponse", "no answer"),
    PartStat.ACCEPTED: ("participera", "will attend"),
    PartStat.TENTATIVE: ("participera peut-être", "might attend"),
    PartStat.DECLINED: ("ne participera pas", "will not attend"),
}
MESSAGE_KIND = {
    MessageKind.INVITE: ("invitation", "invitation"),
    MessageKind.UPDATE: ("mise à jour", "update"),
    MessageKind.CANCEL: ("annulation", "cancellation"),
    MessageKind.REMINDER: ("rappel", "reminder"),
    MessageKind.RENEWAL_NOTICE: ("avis de renouvellement", "renewal notice"),
    MessageKind.DIGEST: ("récapitulatif hebdomadaire", "weekly digest"),
    MessageKind.PROPOSAL: ("proposition de dates", "proposed dates"),
}
MESSAGE_STATE = {
    MessageState.PENDING: ("en attente", "pending"),
    MessageState.SENDING: ("en cours d'envoi", "sending"),
    MessageState.SENT: ("envoyé", "sent"),
    MessageState.FAILED: ("en échec", "failed"),
    MessageState.SKIPPED: ("non envoyé", "skipped"),
    MessageState.CANCELLED: ("annulé", "cancelled"),
}
ROLE = {
    OrganisationRole.BUYER: ("acheteur", "buyer"),
    OrganisationRole.SUPPLIER: ("fournisseur", "supplier"),
    OrganisationRole.PARTNER: ("partenaire", "partner"),
}
ROLES = {
    OrganisationRole.BUYER: ("Acheteurs", "Buyers"),
    OrganisationRole.SUPPLIER: ("Fournisseurs", "Suppliers"),
    OrganisationRole.PARTNER: ("Partenaires", "Partners"),
}
ORGANISATION_KIND = {
    "commune": ("Commune", "Municipality"),
    "epci": ("EPCI", "Intermunicipality"),
    "departement": ("Département", "Département"),
    "region": ("Région", "Region"),
    "etat": ("Services de l'État", "State services"),
    "etablissement_public": ("Établissement public", "Public body"),
    "bailleur_social": ("Bailleur social", "Social landlord"),
    "hopital": ("Hôpital", "Hospital"),
    "acheteur_national": ("Acheteur national", "National buyer"),
    "siae": ("SIAE", "SIAE"),
    "ea": ("Entreprise adaptée", "Adapted company (EA)"),
    "esat": ("ESAT", "ESAT"),
    "geiq": ("GEIQ", "GEIQ"),
    "entreprise": ("Entreprise", "Company"),
    "france_travail": ("France Travail", "France Travail"),
    "plie": ("PLIE", "PLIE"),
    "mission_locale": ("Mission locale", "Mission locale"),
    "cap_emploi": ("Cap emploi", "Cap emploi"),
    "ddets": ("DDETS", "DDETS"),
    "autre": ("Autre", "Other"),
}
CONVENTION_STATUS = {
    "active": ("en vigueur", "in force"),
    "ended": ("terminée", "ended"),
    "draft": ("en préparation", "in preparation"),
    "cancelled": ("résiliée", "cancelled"),
}
RENEWAL = {
    "meeting": (
        "à renouveler après un rendez-vous de renouvellement",
        "renewed after a renewal meeting",
    ),
    "tacit": ("reconduction tacite", "renewed tacitly"),
    "none": ("pas de renouvellement", "not to be renewed"),
}
SOURCE = {
    Source.PLAN: ("par le planificateur", "by the planner"),
    Source.HAND: ("à la main", "by hand"),
    Source.MAIL: ("par l'envoi des invitations", "by sending the invitations"),
    Source.ATTENDANCE: ("par la saisie des présences", "by recording attendance"),
}


RULE = {
    "weekend": ("un week-end", "a weekend"),
    "non_working_day": ("un jour non travaillé", "a non-working day"),
    "holiday": ("un jour férié", "a public holiday"),
    "blackout": ("une période de fermeture", "a closed period"),
    "day_capacity": (
        "plus de rencontres ce jour-là que l'animateur ou l'animatrice n'en mène",
        "more meetings that day than the facilitator runs",
    ),
    "week_capacity": (
        "plus de rencontres cette semaine que l'animateur ou l'animatrice n'en mène",
        "more meetings that week than the facilitator runs",
    ),
    "overlap": (
        "une autre rencontre de l'animateur ou de l'animatrice à la même heure",
        "another of the facilitator's meetings at the same time",
    ),
}
ACTION = {
    "move": ("déplacée", "moved"),
    "forced_move": ("déplacée malgré les règles du calendrier", "moved despite the calendar rules"),
    "cancel": ("annulée", "cancelled"),
    "restore": ("rétablie", "restored"),
    "edit": ("modifiée", "edited"),
    "attendance": ("présences notées", "attendance recorded"),
    "create": ("ajoutée", "added"),
    "feed_rotate": ("lien du flux créé", "feed link minted"),
    "invite": ("personne invitée", "person invited"),
    "answer": ("réponse notée de sa part", "answer recorded on their behalf"),
    "uninvite": ("personne retirée de la rencontre", "person removed from the meeting"),
    "contact_create": ("contact ajouté", "contact added"),
    "contact_edit": ("contact modifié", "contact changed"),
    "feed_revoke": ("lien du flux révoqué", "feed link revoked"),
    "organisation_create": ("organisation ajoutée", "organisation added"),
    "organisation_edit": ("organisation modifiée", "organisation changed"),
    "convention_create": ("convention ajoutée", "convention added"),
    "convention_edit": ("convention modifiée", "convention changed"),
    "new_slots": ("nouvelles dates proposées à l'acheteur", "new dates offered to the buyer"),
}
FIELD = {
    "start": ("début", "start"),
    "status": ("statut", "status"),
    "cancel_reason": ("motif", "reason"),
    "theme": ("thème", "theme"),
    "description": ("description", "description"),
    "location": ("lieu", "place"),
    "video_url": ("lien de visioconférence", "video link"),
    "present": ("invités présents", "invitees present"),
    "walk_ins": ("venus sans invitation", "walk-ins"),
    "headcount": ("effectif total", "headcount"),
    "invitees": ("personnes invitées", "invitees"),
    "invitee": ("personne invitée", "invitee"),
    "answer": ("réponse", "answer"),
    "message": ("message de l'acheteur", "the buyer's message"),
    "name": ("nom", "name"),
    "email": ("adresse électronique", "e-mail address"),
    "organisation": ("organisation", "organisation"),
    "job": ("fonction", "job"),
    "locale": ("langue", "language"),
    "kinds": ("invité aux rencontres", "invited to"),
    "unsubscribed_kinds": ("ne reçoit plus", "no longer receives"),
    "unsubscribed": ("aucun message", "no mail at all"),
    "article": ("article", "article"),
    "contact": ("contact", "contact"),
    "kind": ("type d'organisation", "kind of organisation"),
    "territory": ("territoire", "territory"),
    "facilitator": ("référent", "facilitator"),
    "programming_month": ("mois de programmation", "programming month"),
    "start_date": ("premier jour", "first day"),
    "end_date": ("dernier jour", "last day"),
    "signed_on": ("signée le", "signed on"),
    "convention_status": ("statut", "status"),
    "financial_participation": ("participation financière", "financial participation"),
    "amount": ("montant", "amount"),
    "confidential": ("confidentielle", "confidential"),
    "commitments": ("engagements", "commitments"),
    "document_reference": ("référence du document signé", "signed document's reference"),
    "renewal": ("renouvellement", "renewal"),
}

TABLE = {
    "organisations": ("organisations", "organisations"),
    "conventions": ("conventions", "conventions"),
    "contacts": ("contacts", "contacts"),
}
IMPORT_KIND = {
    "acheteurs": ("Acheteurs", "Buyers"),
    "fournisseurs": ("Fournisseurs", "Suppliers"),
    "partenaires": ("Partenaires", "Partners"),
    "contacts": ("Contacts", "Contacts"),
}
