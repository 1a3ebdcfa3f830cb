"""The English of the meeting pages' texts: the agenda, a meeting, its change form, a one-off
meeting, its attendance sheet, and the reasons their forms give for a refusal."""

from __future__ import annotations

ENGLISH = {
    "Date": "Date",
    "Heure": "Time",
    "Type de rencontre": "Kind of meeting",
    "Identifiant de l'acheteur": "Buyer's identifier",
    "Mois précédent": "Previous month",
    "Mois suivant": "Next month",
    "Ce mois-ci": "This month",
    "Liste du mois": "The month's list",
    "Calendrier du mois": "The month's calendar",
    "rencontres": "meetings",
    "rencontre": "meeting",
    "Aucun acheteur n'a cet identifiant.": "No buyer has this identifier.",
    "Lieu": "Place",
    "Visioconférence": "Video call",
    "Thème": "Theme",
    "Rituel": "Ritual",
    "Séquence": "Sequence",
    "Motif d'annulation": "Reason for cancelling",
    "Historique": "History",
    "Invités": "Invitees",
    "Par": "Through",
    "le lien de réponse": "the answer link",
    "présents": "present",
    "absents": "absent",
    "Personne n'est encore invité : les invitations partent à l'approche de la rencontre.": "Nobody is invited yet: invitations go out as the meeting draws near.",
    "Courriels envoyés pour cette rencontre": "Mail sent for this meeting",
    "Flux de calendrier": "Calendar feeds",
    "Flux public du territoire": "Public territory feed",
    "Flux privé de l'acheteur": "The buyer's private feed",
    "Flux privé de l'animateur ou de l'animatrice": "The facilitator's private feed",
    "Flux privés des invités qui n'ont pas décliné": "The private feeds of the invitees who have not declined",
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
    "Donnez un titre à cette rencontre.": "Give this meeting a title.",
    "Obligatoire pour une autre rencontre : c'est son titre.": (
        "Required for another kind of meeting: it is its title."
    ),
    "La date est passée.": "The date is in the past.",
    "Indiquez une durée en minutes, de 5 à 1 440.": "Give a length in minutes, from 5 to 1,440.",
    "Choisissez l'animateur ou l'animatrice.": "Choose the facilitator.",
    "500 personnes au plus.": "500 people at most.",
    "Ces adresses ne sont pas dans l'annuaire :": "These addresses are not in the directory:",
    "La rencontre n'a pas pu être ajoutée.": "The meeting could not be added.",
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
    "Cette personne a été retirée de cette rencontre : elle ne peut pas y être invitée de nouveau.": (
        "This person was removed from this meeting: they cannot be invited to it again."
    ),
    "Retirer de la rencontre": "Remove from the meeting",
    "La personne est retirée de la rencontre : l'annulation part à elle seule.": (
        "The person is removed from the meeting: the cancellation goes to them alone."
    ),
    "La personne est retirée de la rencontre avant d'avoir reçu son invitation : rien ne lui sera envoyé.": (
        "The person is removed from the meeting before their invitation went: nothing will be sent"
        " to them."
    ),
    "Cette rencontre est passée ou annulée : personne ne peut y être invité.": (
        "This meeting is past or cancelled: nobody can be invited."
    ),
    "De nouvelles dates sont proposées à l'acheteur : le courriel part avec le prochain "
    "envoi.": "New dates are offered to the buyer: the mail goes out with the next sending.",
    "Dates proposées à l'acheteur": "Dates offered to the buyer",
    "Date choisie par": "Date chosen by",
    "l'acheteur": "the buyer",
    "Aucune date n'a été choisie avant la date limite : la date par défaut est retenue.": (
        "No date was chosen before the deadline: the default date is kept."
    ),
    "La proposition est retirée : la rencontre est annulée.": (
        "The proposal is withdrawn: the meeting is cancelled."
    ),
    "L'acheteur choisit la date de la rencontre jusqu'au": (
        "The buyer chooses the meeting's date until"
    ),
    "Sans choix de sa part, la date par défaut est alors retenue.": (
        "If they do not choose, the default date is kept."
    ),
    "date choisie": "date chosen",
    "date par défaut": "default date",
    "Aucune de ces dates ne convient à l'acheteur.": "None of these dates suits the buyer.",
    "Proposer de nouvelles dates": "Offer new dates",
    "(d'autres dates libres, aucune le jour d'une date refusée ; un nouveau lien part à "
    "l'acheteur et l'ancien ne permet plus de choisir)": "(other free dates, none on the day of "
    "a refused one; a new link goes to the buyer and the old one no longer lets them choose)",
    "Dates refusées auparavant": "Dates refused before",
    "Cette rencontre n'a pas de dates proposées à l'acheteur.": (
        "This meeting has no dates offered to the buyer."
    ),
    "La date de cette rencontre est déjà fixée : aucune nouvelle date n'est proposée.": (
        "This meeting's date is already set: no new dates are offered."
    ),
    "L'acheteur n'a pas dit qu'aucune date ne lui convenait : rien n'a été envoyé.": (
        "The buyer has not said that no date suits them: nothing was sent."
    ),
    "Il ne reste aucune date libre dans la période de cette rencontre : déplacez-la à la "
    "main.": "No free date is left in this meeting's period: move it by hand.",
}
