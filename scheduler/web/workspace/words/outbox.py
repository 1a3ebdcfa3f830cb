"""The English of the outbox's texts: the list of mails, a retry, and one mail as it goes
out."""

from __future__ import annotations

ENGLISH = {
    "Tentatives": "Attempts",
    "Tous les états": "Every state",
    "Pour la rencontre": "For the meeting",
    "Tous les courriels": "All mail",
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
}
