"""The workspace's words: French first, English for a person whose locale is `en`.

Templates write their French text through `_("…")`; `ENGLISH` maps each of those texts to
English (a missing one is an error, caught by the tests that render every page in English).
Statuses, kinds, answers and roles never reach a reader as codes: `Words` names them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.i18n import format_day, format_time, format_when, supported
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
SOURCE = {
    Source.PLAN: ("par le planificateur", "by the planner"),
    Source.HAND: ("à la main", "by hand"),
    Source.MAIL: ("par l'envoi des invitations", "by sending the invitations"),
    Source.ATTENDANCE: ("par la saisie des présences", "by recording attendance"),
}


def _french_spacing(text: str) -> str:
    """A no-break space before « : ; ! ? » (French typography)."""
    for mark in ":;!?":
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text


def _keep_time_together(text: str) -> str:
    """« 10 h 00 » never broken across lines (no-break spaces around « h »)."""
    return text.replace(" h ", "\u00a0h\u00a0")


@lru_cache(maxsize=16_384)
def _when(moment: datetime, locale: str, zone: str) -> str:
    """format_when, memoised: a page shows the same meetings request after request."""
    return _keep_time_together(format_when(moment, locale, zone))


@lru_cache(maxsize=16_384)
def _time(moment: datetime, locale: str, zone: str) -> str:
    return _keep_time_together(format_time(moment, locale, zone))


@lru_cache(maxsize=4_096)
def _day(value: date, locale: str) -> str:
    return format_day(value, locale)


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
    "feed_revoke": ("lien du flux révoqué", "feed link revoked"),
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


class Words:
    """Labels and dates for one reader: `locale` "fr" or "en", times in the guichet's zone."""

    def __init__(self, settings: Settings, locale: str) -> None:
        self.settings = settings
        self.locale = supported(locale)
        self.zone = settings.organisation.timezone
        self._index = 0 if self.locale == "fr" else 1

    def __call__(self, french: str) -> str:
        """The template text `french`, in the reader's language."""
        if self._index == 0:
            return _french_spacing(french)
        return ENGLISH[french]

    @property
    def colon(self) -> str:
        """« : » with its no-break space in French, ": " in English."""
        return "\u00a0: " if self._index == 0 else ": "

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[self._index]

    def status(self, status: OccurrenceStatus | str) -> str:
        """« prévue », « annoncée »…"""
        return self._pick(STATUS[OccurrenceStatus(status)])

    def kind(self, kind: RitualKind | str) -> str:
        """A ritual kind by its configured title."""
        ritual = self.settings.rituals[RitualKind(kind)]
        return ritual.title if self._index == 0 else ritual.title_en

    def answer(self, partstat: PartStat | str) -> str:
        """« participera », « sans réponse »…"""
        return self._pick(ANSWER[PartStat(partstat)])

    def message_kind(self, kind: MessageKind | str) -> str:
        """« invitation », « rappel »…"""
        return self._pick(MESSAGE_KIND[MessageKind(kind)])

    def message_state(self, state: MessageState | str) -> str:
        """« envoyé », « en échec »…"""
        return self._pick(MESSAGE_STATE[MessageState(state)])

    def role(self, role: OrganisationRole | str) -> str:
        """« acheteur », « fournisseur », « partenaire »."""
        return self._pick(ROLE[OrganisationRole(role)])

    def roles(self, role: OrganisationRole | str) -> str:
        """« Acheteurs »…"""
        return self._pick(ROLES[OrganisationRole(role)])

    def organisation_kind(self, kind: str) -> str:
        """« Commune », « SIAE »…"""
        pair = ORGANISATION_KIND.get(kind)
        return self._pick(pair) if pair else kind

    def convention_status(self, status: str) -> str:
        """« en vigueur »…"""
        pair = CONVENTION_STATUS.get(status)
        return self._pick(pair) if pair else status

    def source(self, source: Source | str) -> str:
        """Who made a change: « par le planificateur »…"""
        return self._pick(SOURCE[Source(source)])

    def rule(self, rule: str) -> str:
        """A broken calendar rule: « un jour férié »…"""
        pair = RULE.get(str(rule))
        return self._pick(pair) if pair else str(rule)

    def action(self, action: str) -> str:
        """A journal entry's change: « déplacée »…"""
        pair = ACTION.get(action)
        return self._pick(pair) if pair else action

    def field(self, name: str) -> str:
        """A changed field's name: « thème »…"""
        pair = FIELD.get(name)
        return self._pick(pair) if pair else name

    def actor(self, actor: str) -> str:
        """Who made a change: a facilitator's or an admin's name, or the terminal."""
        if actor == "cli":
            return "la ligne de commande" if self._index == 0 else "the command line"
        for facilitator in self.settings.facilitators:
            if facilitator.email.lower() == actor.lower():
                return facilitator.name
        for admin in self.settings.admins:
            if admin.email.lower() == actor.lower():
                return admin.name
        return actor

    def value(self, name: str, text: str) -> str:
        """A changed field's value as a reader reads it."""
        if not text:
            return "—"
        if name == "start":
            try:
                return self.when(datetime.fromisoformat(text))
            except ValueError:
                return text
        if name == "status" and text in OccurrenceStatus.__members__.values():
            return self.status(text)
        if name == "answer" and text in PartStat.__members__.values():
            return self.answer(text)
        return text

    def table(self, name: str) -> str:
        """A directory table named in an import's report."""
        pair = TABLE.get(name)
        return self._pick(pair) if pair else name

    def import_kind(self, kind: str) -> str:
        """A kind of directory file."""
        pair = IMPORT_KIND.get(kind)
        return self._pick(pair) if pair else kind

    def unsubscribed_from(self, codes: str) -> list[str]:
        """The message kinds (or ritual kinds) a contact no longer receives, named."""
        names = []
        for code in filter(None, (part.strip() for part in codes.split(","))):
            if code in MessageKind.__members__.values():
                names.append(self.message_kind(code))
            elif code in RitualKind.__members__.values():
                names.append(self.kind(code))
            else:
                names.append(code)
        return names

    def facilitator(self, facilitator_id: str | None) -> str:
        """A facilitator's name (their id when no longer configured)."""
        if facilitator_id is None:
            return "—"
        found = self.settings.facilitator(facilitator_id)
        return found.name if found else facilitator_id

    def when(self, moment: datetime | None) -> str:
        """« mardi 14 septembre 2027 à 10 h 00 »."""
        return _when(moment, self.locale, self.zone) if moment else "—"

    def day(self, value: date | datetime | None) -> str:
        """« mardi 14 septembre 2027 »."""
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(self.zone)).date()
        return _day(value, self.locale)

    def time(self, moment: datetime) -> str:
        """« 10 h 00 »."""
        return _time(moment, self.locale, self.zone)

    def month(self, value: date) -> str:
        """« mars 2027 »."""
        return str(format_date(value, "LLLL y", locale=self.locale))

    def month_name(self, month: int) -> str:
        """« octobre »."""
        return str(format_date(date(2000, month, 1), "LLLL", locale=self.locale))

    def weekday_short(self, value: date) -> str:
        """« lun. »."""
        return str(format_date(value, "EEE", locale=self.locale))

    def number(self, value: int) -> str:
        """« 1 500 » (a narrow no-break space between thousands in French)."""
        text = f"{value:,}"
        return text.replace(",", "\u202f") if self._index == 0 else text


ENGLISH: dict[str, str] = {
    "Espace du guichet": "Guichet workspace",
    "Aller au contenu": "Skip to content",
    "Navigation principale": "Main navigation",
    "Accueil": "Home",
    "Agenda": "Agenda",
    "Acheteurs": "Buyers",
    "Organisations": "Organisations",
    "Contacts": "Contacts",
    "Courriels": "Mail",
    "Bilan": "Annual report",
    "Bilan de l'année": "Report of the year",
    "Année": "Year",
    "Version interne, qui nomme chaque acheteur": "Internal version, naming every buyer",
    "Afficher": "Show",
    "Version interne, réservée au guichet : chaque acheteur y est nommé.": "Internal version, for the guichet only: every buyer is named.",
    "Version à diffuser : seuls les acheteurs qui ont rendu leur engagement public sont nommés ; les autres sont additionnés sur une ligne.": "Version to hand out: only the buyers that made their commitment public are named; the others are summed on one line.",
    "Télécharger le bilan": "Download the report",
    "Page HTML": "HTML page",
    "PDF (A4, à imprimer)": "PDF (A4, to print)",
    "Classeur XLSX": "XLSX workbook",
    "Se déconnecter": "Sign out",
    "Connecté en tant que": "Signed in as",
    "Connexion": "Sign in",
    "Se connecter à l'espace du guichet": "Sign in to the guichet's workspace",
    "Adresse électronique": "E-mail address",
    "Recevoir un lien de connexion": "Send me a sign-in link",
    "Saisissez l'adresse électronique sous laquelle vous êtes inscrit : vous recevrez un lien de connexion valable 15 minutes.": "Enter the e-mail address you are registered under: you will receive a sign-in link valid for 15 minutes.",
    "Vérifiez votre messagerie": "Check your mailbox",
    "Si cette adresse est celle d'une personne du guichet, un lien de connexion vient d'y être envoyé. Il est valable 15 minutes et ne sert qu'une fois.": "If this address belongs to someone at the guichet, a sign-in link has just been sent to it. It is valid for 15 minutes and works once.",
    "Demander un autre lien": "Ask for another link",
    "Trop de demandes": "Too many requests",
    "Trop de demandes de connexion sont venues de ce poste. Réessayez dans quelques minutes.": "Too many sign-in requests came from this computer. Try again in a few minutes.",
    "Ouvrir l'espace du guichet": "Open the guichet's workspace",
    "Ce lien ouvre votre session. Il ne sert qu'une fois.": "This link opens your session. It works only once.",
    "Lien expiré": "Link expired",
    "Ce lien de connexion a expiré (il était valable 15 minutes). Demandez-en un autre.": "This sign-in link has expired (it was valid for 15 minutes). Ask for another one.",
    "Lien déjà utilisé": "Link already used",
    "Ce lien de connexion a déjà servi. Demandez-en un autre.": "This sign-in link has already been used. Ask for another one.",
    "Lien introuvable": "Link not found",
    "Ce lien de connexion n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un autre.": "This sign-in link is not valid. Check that it was copied whole, or ask for another one.",
    "Vous êtes déconnecté.": "You are signed out.",
    "Votre session a pris fin : connectez-vous de nouveau.": "Your session has ended: please sign in again.",
    "Requête refusée": "Request refused",
    "Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page et réessayez.": "This form has expired or does not come from this page. Reload the page and try again.",
    "Page introuvable": "Page not found",
    "Cette page n'existe pas, ou plus.": "This page does not exist, or no longer does.",
    "Bonjour": "Hello",
    "Mes rencontres": "My meetings",
    "Tout le guichet": "The whole guichet",
    "Vous voyez tout le guichet.": "You are seeing the whole guichet.",
    "Vous voyez vos rencontres et vos acheteurs.": "You are seeing your meetings and your buyers.",
    "Voir tout le guichet": "See the whole guichet",
    "Voir seulement les miens": "See only mine",
    "Cette semaine": "This week",
    "La semaine prochaine": "Next week",
    "Aucune rencontre.": "No meeting.",
    "À faire": "To do",
    "Invitations sans réponse (rencontres des 14 prochains jours)": "Invitations without an answer (meetings in the next 14 days)",
    "sans réponse": "without an answer",
    "Réponses reçues depuis votre dernière visite": "Answers received since your last visit",
    "depuis le": "since",
    "Courriels en échec": "Failed mail",
    "Acheteurs sans rendez-vous annuel tenu depuis 12 mois": "Buyers without a programming review held in 12 months",
    "Acheteurs sans rendez-vous annuel planifié": "Buyers without a planned programming review",
    "Conventions se terminant dans les six mois, sans rencontre de renouvellement": "Conventions ending within six months, without a renewal meeting",
    "se termine le": "ends on",
    "Rencontres passées à marquer comme tenues": "Past meetings to mark as held",
    "Rien à signaler.": "Nothing to report.",
    "et": "and",
    "autres": "more",
    "voir tout": "see all",
    "Date": "Date",
    "Heure": "Time",
    "Rencontre": "Meeting",
    "Acheteur": "Buyer",
    "Animée par": "Run by",
    "Animateur ou animatrice": "Facilitator",
    "Statut": "Status",
    "Type de rencontre": "Kind of meeting",
    "Tous": "All",
    "Toutes": "All",
    "Filtrer": "Filter",
    "Identifiant de l'acheteur": "Buyer's identifier",
    "Mois précédent": "Previous month",
    "Mois suivant": "Next month",
    "Ce mois-ci": "This month",
    "Liste du mois": "The month's list",
    "Calendrier du mois": "The month's calendar",
    "rencontres": "meetings",
    "Aucun acheteur n'a cet identifiant.": "No buyer has this identifier.",
    "Page": "Page",
    "sur": "of",
    "Page précédente": "Previous page",
    "Page suivante": "Next page",
    "Pagination": "Pagination",
    "Quand": "When",
    "Lieu": "Place",
    "Visioconférence": "Video call",
    "Thème": "Theme",
    "Rituel": "Ritual",
    "Territoire": "Territory",
    "Séquence": "Sequence",
    "Motif d'annulation": "Reason for cancelling",
    "Historique": "History",
    "Invités": "Invitees",
    "Réponse": "Answer",
    "Reçue le": "Received on",
    "Par": "Through",
    "le lien de réponse": "the answer link",
    "Présence": "Attendance",
    "présent": "present",
    "absent": "absent",
    "présents": "present",
    "absents": "absent",
    "Personne n'est encore invité : les invitations partent à l'approche de la rencontre.": "Nobody is invited yet: invitations go out as the meeting draws near.",
    "Courriels envoyés pour cette rencontre": "Mail sent for this meeting",
    "Aucun courriel.": "No mail.",
    "Flux de calendrier": "Calendar feeds",
    "Flux public du territoire": "Public territory feed",
    "Flux privé de l'acheteur": "The buyer's private feed",
    "Flux privé de l'animateur ou de l'animatrice": "The facilitator's private feed",
    "Flux privés des invités qui n'ont pas décliné": "The private feeds of the invitees who have not declined",
    "Destinataire": "Recipient",
    "Type": "Kind",
    "État": "State",
    "Prévu le": "Due on",
    "Envoyé le": "Sent on",
    "Tentatives": "Attempts",
    "Raison": "Reason",
    "Rechercher": "Search",
    "Nom": "Name",
    "Convention": "Convention",
    "Dernier rendez-vous annuel tenu": "Last programming review held",
    "Prochain rendez-vous annuel": "Next programming review",
    "Prochaine rencontre": "Next meeting",
    "aucune": "none",
    "aucun": "none",
    "du": "from",
    "au": "to",
    "Aucun acheteur.": "No buyer.",
    "Contacts de l'organisation": "The organisation's contacts",
    "Fonction": "Job",
    "Langue": "Language",
    "Ne reçoit plus": "No longer receives",
    "rien": "nothing",
    "aucun message": "no message",
    "Conventions": "Conventions",
    "Début": "Start",
    "Fin": "End",
    "Signée le": "Signed on",
    "Renouvellement": "Renewal",
    "Participation financière": "Financial participation",
    "Confidentielle": "Confidential",
    "oui": "yes",
    "non": "no",
    "Rencontres à venir": "Meetings ahead",
    "Rencontres passées": "Past meetings",
    "Lien du flux de calendrier": "Calendar feed link",
    "délivré le": "issued on",
    "révoqué le": "revoked on",
    "jamais délivré": "never issued",
    "Un lien n'est montré qu'une fois, quand il est créé (rituel feeds links ou rotate).": "A link is shown only once, when it is made (rituel feeds links or rotate).",
    "Voir ses rencontres dans l'agenda": "See its meetings in the agenda",
    "Référent": "Facilitator",
    "Mois de programmation": "Programming month",
    "Type d'organisation": "Kind of organisation",
    "Rôle": "Role",
    "Aucune organisation.": "No organisation.",
    "Aucun contact.": "No contact.",
    "Seulement les désinscriptions": "Unsubscriptions only",
    "Organisation": "Organisation",
    "Adresse": "Address",
    "Équipe du guichet": "The guichet's team",
    "Invitations": "Invitations",
    "Courriels reçus": "Mail received",
    "Flux de calendrier du contact": "The contact's calendar feed",
    "Tous les états": "Every state",
    "Pour la rencontre": "For the meeting",
    "Pour": "For",
    "Tous les courriels": "All mail",
    "français": "French",
    "anglais": "English",
    "pas de meilleure saison": "no better season",
    "Rencontres": "Meetings",
    "en vigueur du": "in force from",
    "le": "on",
    "Voir ces courriels dans la boîte d'envoi": "See these mails in the outbox",
    "rencontre fixée au": "meeting set for",
    "Modifier la rencontre": "Change the meeting",
    "Cette rencontre a été modifiée entre-temps par quelqu'un d'autre : rien n'a été "
    "enregistré. Voici son état actuel ; refaites votre modification si elle est toujours "
    "utile.": "Someone else changed this meeting in the meantime: nothing was saved. Here is "
    "how it stands now; make your change again if it is still needed.",
    "Déplacer": "Move",
    "À cette date, la rencontre tomberait sur :": "On that date, the meeting would fall on:",
    "Confirmez pour la déplacer quand même.": "Confirm to move it anyway.",
    "Confirmez pour la rétablir quand même.": "Confirm to restore it anyway.",
    "Nouvelle date": "New date",
    "Heure de début": "Start time",
    "Déplacer quand même": "Move anyway",
    "Thème, description, lieu et visioconférence": "Theme, description, place and video call",
    "Description": "Description",
    "Lien de visioconférence": "Video link",
    "Enregistrer": "Save",
    "Annuler": "Cancel",
    "Motif, dit aux personnes invitées": "Reason, told to the invitees",
    "Annuler la rencontre": "Cancel the meeting",
    "Rétablir à une nouvelle date": "Restore on a new date",
    "Rétablir quand même": "Restore anyway",
    "Rétablir": "Restore",
    "La rencontre est déplacée : la mise à jour part aux personnes invitées.": (
        "The meeting is moved: the update goes out to the invitees."
    ),
    "La rencontre est annulée : l'annulation part aux personnes invitées.": (
        "The meeting is cancelled: the cancellation goes out to the invitees."
    ),
    "La rencontre est rétablie : la mise à jour part aux personnes invitées.": (
        "The meeting is restored: the update goes out to the invitees."
    ),
    "La rencontre est modifiée : la mise à jour part aux personnes invitées.": (
        "The meeting is changed: the update goes out to the invitees."
    ),
    "Déplacer, modifier ou annuler": "Move, edit or cancel",
    "Journal des modifications": "Change log",
    "Qui": "Who",
    "Modification": "Change",
    "Avant": "Before",
    "Après": "After",
    # form errors (actions.py)
    "La nouvelle date est passée.": "The new date is in the past.",
    "Indiquez une date (jour, mois, année).": "Give a date (day, month, year).",
    "Indiquez une heure, par exemple 14:00.": "Give a time, for example 14:00.",
    "Cette rencontre ne peut pas être déplacée : elle a déjà commencé, est annulée, ou "
    "commence déjà à cette heure.": "This meeting cannot be moved: it has started, is "
    "cancelled, or already starts at that time.",
    "Seule une rencontre annulée peut être rétablie.": "Only a cancelled meeting can be restored.",
    "Indiquez le motif : il est dit aux personnes invitées.": (
        "Give the reason: it is told to the invitees."
    ),
    "Le motif tient en 400 caractères au plus.": "The reason is at most 400 characters long.",
    "Cette rencontre a déjà commencé ou est déjà annulée.": (
        "This meeting has started or is cancelled already."
    ),
    "Ce texte est trop long.": "This text is too long.",
    "Une adresse qui commence par https://": "An address starting with https://",
    "Rien n'a changé.": "Nothing changed.",
    "Cette rencontre a déjà commencé ou est annulée : elle ne peut plus être modifiée.": (
        "This meeting has started or is cancelled: it can no longer be changed."
    ),
    "Présences": "Attendance",
    "Cette rencontre est annulée : il n'y a pas de présences à noter.": (
        "This meeting is cancelled: there is no attendance to record."
    ),
    "Les présences se notent une fois la rencontre commencée.": (
        "Attendance is recorded once the meeting has begun."
    ),
    "Personnes invitées présentes": "Invitees present",
    "Personne n'était invité.": "Nobody was invited.",
    "Venues sans invitation": "Came without an invitation",
    "Adresse électronique (facultative)": "E-mail address (optional)",
    "Pour ajouter plus de personnes, enregistrez : de nouvelles lignes vides apparaissent.": (
        "To add more people, save: new empty rows appear."
    ),
    "Effectif total, si les personnes ont été comptées (facultatif)": (
        "Total headcount, if people were counted (optional)"
    ),
    "Enregistrer les présences": "Save attendance",
    "Les présences sont enregistrées : la rencontre est tenue.": (
        "Attendance is saved: the meeting is held."
    ),
    "Noter les présences": "Record attendance",
    "Effectif total": "Total headcount",
    "Indiquez le nom de la personne.": "Give the person's name.",
    "Cette adresse électronique n'est pas valide.": "This e-mail address is not valid.",
    "Indiquez un nombre de personnes.": "Give a number of people.",
    "L'effectif compte au moins les personnes cochées et ajoutées.": (
        "The headcount includes at least the people ticked and added."
    ),
    "Les présences se notent une fois la rencontre commencée, et pas pour une rencontre "
    "annulée.": "Attendance is recorded once the meeting has begun, and not for a cancelled one.",
    "Nouvelle rencontre": "New meeting",
    "Une rencontre ponctuelle : le planificateur n'y touche pas ; les personnes invitées "
    "reçoivent l'invitation, les rappels et les mises à jour comme pour toute rencontre.": (
        "A one-off meeting: the planner leaves it alone; the invitees get the invitation, "
        "reminders and updates as for any meeting."
    ),
    "Titre ou thème": "Title or theme",
    "Durée en minutes": "Length in minutes",
    "Acheteur (identifiant, vide pour le territoire)": "Buyer (its id; empty for the territory)",
    "Personnes invitées : leurs adresses électroniques, une par ligne": (
        "Invitees: their e-mail addresses, one per line"
    ),
    "Ajouter la rencontre": "Add the meeting",
    "La rencontre est ajoutée : les invitations partent avec le prochain envoi.": (
        "The meeting is added: the invitations go out with the next dispatch."
    ),
    "Choisissez le type de rencontre.": "Choose the kind of meeting.",
    "La date est passée.": "The date is in the past.",
    "Indiquez une durée en minutes, de 5 à 1 440.": "Give a length in minutes, from 5 to 1,440.",
    "Choisissez l'animateur ou l'animatrice.": "Choose the facilitator.",
    "500 personnes au plus.": "500 people at most.",
    "Ces adresses ne sont pas dans l'annuaire :": "These addresses are not in the directory:",
    "La rencontre n'a pas pu être ajoutée.": "The meeting could not be added.",
    "Courriels remis dans la file d'envoi": "Mails put back in the queue",
    "Réessayer tous les courriels en échec": "Retry every failed mail",
    "Voir le courriel": "See the mail",
    "Réessayer": "Retry",
    "Le courriel": "The mail",
    "Retour à la boîte d'envoi": "Back to the outbox",
    "Tel qu'il part, composé à l'instant avec les données actuelles.": (
        "As it goes out, composed just now from the present data."
    ),
    "Parties": "Parts",
    "Ce courriel ne partirait plus aujourd'hui (rencontre passée ou annulée, destinataire "
    "désinscrit) : il n'y a rien à montrer.": "This mail would no longer go out today (a past "
    "or cancelled meeting, an unsubscribed recipient): there is nothing to show.",
    "Le lien du flux est révoqué : il ne s'ouvre plus.": (
        "The feed link is revoked: it no longer opens."
    ),
    "Renouveler le lien du flux (l'ancien ne s'ouvrira plus)": (
        "Renew the feed link (the old one will no longer open)"
    ),
    "Créer le lien du flux": "Create the feed link",
    "Révoquer le lien du flux": "Revoke the feed link",
    "Copiez ce lien maintenant : il n'est montré qu'une fois. Un lien précédent ne s'ouvre "
    "plus.": "Copy this link now: it is shown only once. A previous link no longer opens.",
    "Adresse à ajouter dans un agenda": "Address to add to a calendar",
    "Pour s'abonner d'un clic": "To subscribe in one click",
    "Les flux n'ont pas pu être écrits : le lien s'ouvrira après le prochain export.": (
        "The feeds could not be written: the link will open after the next export."
    ),
    "Retour à la page de l'acheteur": "Back to the buyer's page",
    "l'équipe du guichet, de sa part": "the guichet's team, on their behalf",
    "son agenda": "their calendar",
    "Réponse de sa part": "Answer on their behalf",
    "Noter": "Record",
    "Inviter une personne de l'annuaire (son adresse électronique)": (
        "Invite someone from the directory (their e-mail address)"
    ),
    "Inviter": "Invite",
    "La personne est invitée : son invitation part avec le prochain envoi.": (
        "The person is invited: their invitation goes out with the next dispatch."
    ),
    "La réponse est notée, de sa part.": "The answer is recorded, on their behalf.",
    "Cette adresse n'est pas dans l'annuaire.": "This address is not in the directory.",
    "Cette personne est déjà invitée.": "This person is already invited.",
    "Cette rencontre est passée ou annulée : personne ne peut y être invité.": (
        "This meeting is past or cancelled: nobody can be invited."
    ),
    "Importer un fichier de l'annuaire": "Import a directory file",
    "Les mêmes fichiers CSV que la commande rituel import : le fichier est d'abord vérifié, "
    "rien n'est écrit avant que vous confirmiez, et un fichier qui a un problème n'est pas "
    "importé du tout.": "The same CSV files as the rituel import command: the file is checked "
    "first, nothing is written before you confirm, and a file with a problem is not imported "
    "at all.",
    "Le fichier est importé.": "The file is imported.",
    "Le fichier n'est pas importé ; rien n'a été écrit. Corrigez ces lignes puis envoyez-le de "
    "nouveau :": "The file is not imported; nothing was written. Fix these lines, then send it "
    "again:",
    "ligne": "line",
    "Ce qui a été importé": "What was imported",
    "Aperçu : ce que l'import changerait": "Preview: what the import would change",
    "lignes": "rows",
    "Table": "Table",
    "créés": "created",
    "mis à jour": "updated",
    "inchangés": "unchanged",
    "Importer ce fichier": "Import this file",
    "Type de fichier": "Kind of file",
    "Fichier CSV": "CSV file",
    "Vérifier le fichier": "Check the file",
    "Choisissez le type de fichier.": "Choose the kind of file.",
    "Choisissez un fichier CSV.": "Choose a CSV file.",
    "Importer des fichiers": "Import files",
}
