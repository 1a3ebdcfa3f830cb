"""The English of the home page's texts: this week and next, and what needs the facilitator."""

from __future__ import annotations

ENGLISH = {
    "Bonjour": "Hello",
    "Vous voyez tout le guichet.": "You are seeing the whole guichet.",
    "Vous voyez vos rencontres et vos acheteurs.": "You are seeing your meetings and your buyers.",
    "Voir tout le guichet": "See the whole guichet",
    "Voir seulement les miens": "See only mine",
    "Cette semaine": "This week",
    "La semaine prochaine": "Next week",
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
}
