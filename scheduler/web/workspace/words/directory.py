"""The English of the directory's texts: buyers, organisations, contacts, a buyer's feed link
and the import of a directory file."""

from __future__ import annotations

ENGLISH = {
    "Rechercher": "Search",
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
    "Confidentielle": "Confidential",
    "oui": "yes",
    "non": "no",
    "Rencontres à venir": "Meetings ahead",
    "Rencontres passées": "Past meetings",
    "Lien du flux de calendrier": "Calendar feed link",
    "Un lien n'est montré qu'une fois, quand il est créé.": (
        "A link is shown only once, when it is made."
    ),
    "Voir ses rencontres dans l'agenda": "See its meetings in the agenda",
    "Référent": "Facilitator",
    "Mois de programmation": "Programming month",
    "Type d'organisation": "Kind of organisation",
    "Rôle": "Role",
    "Aucune organisation.": "No organisation.",
    "Aucun contact.": "No contact.",
    "Seulement les désinscriptions": "Unsubscriptions only",
    "Adresse": "Address",
    "Invitations": "Invitations",
    "Courriels reçus": "Mail received",
    "Flux de calendrier du contact": "The contact's calendar feed",
    "français": "French",
    "anglais": "English",
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
    "Nouveau contact": "New contact",
    "Modifier le contact": "Edit the contact",
    "Le contact est ajouté.": "The contact is added.",
    "Le contact est modifié.": "The contact is changed.",
    "Ce contact a été modifié entre-temps par quelqu'un d'autre : rien n'a été enregistré. "
    "Voici son état actuel ; refaites votre modification si elle est toujours utile.": (
        "Someone else changed this contact meanwhile: nothing was saved. Here is how it stands"
        " now; make your change again if it is still needed."
    ),
    "Le contact n'est pas enregistré : corrigez les champs signalés.": (
        "The contact is not saved: correct the fields marked."
    ),
    "Organisation (identifiant, vide pour l'équipe du guichet)": (
        "Organisation (identifier, empty for the guichet's team)"
    ),
    "Invité aux rencontres (aucune case : toutes celles de son organisation)": (
        "Invited to the meetings (no box: all those of their organisation)"
    ),
    "Enregistrer le contact": "Save the contact",
    "Son adresse électronique": "Their e-mail address",
    "Indiquez le nom de la personne (200 caractères au plus).": (
        "Give the person's name (200 characters at most)."
    ),
    "Indiquez une adresse électronique valide.": "Give a valid e-mail address.",
    "Aucune organisation n'a cet identifiant.": "No organisation has this identifier.",
    "La fonction tient en 120 caractères au plus.": "The job takes 120 characters at most.",
    "Choisissez le français ou l'anglais.": "Choose French or English.",
    "Choisissez les types de rencontre dans la liste.": "Choose the kinds of meeting from the list.",
    "Choisissez les courriels dans la liste.": "Choose the mails from the list.",
    "Cette adresse est déjà celle d'une autre personne de l'annuaire.": (
        "This address is already another person's in the directory."
    ),
    "Article devant le nom": "Article before the name",
    "Cette convention a été modifiée entre-temps par quelqu'un d'autre : rien n'a été "
    "enregistré. Voici son état actuel ; refaites votre modification si elle est toujours "
    "utile.": (
        "Someone else changed this convention meanwhile: nothing was saved. Here is how it"
        " stands now; make your change again if it is still needed."
    ),
    "Cette organisation a été modifiée entre-temps par quelqu'un d'autre : rien n'a été "
    "enregistré. Voici son état actuel ; refaites votre modification si elle est toujours "
    "utile.": (
        "Someone else changed this organisation meanwhile: nothing was saved. Here is how it"
        " stands now; make your change again if it is still needed."
    ),
    "Convention confidentielle": "Confidential convention",
    "Confidentialité": "Confidentiality",
    "Premier jour": "First day",
    "Dernier jour": "Last day",
    "Document signé": "Signed document",
    "Engagements": "Commitments",
    "Enregistrer l'organisation": "Save the organisation",
    "Enregistrer la convention": "Save the convention",
    "Identifiant": "Identifier",
    "Identifiant (vide : fait à partir du nom)": "Identifier (empty: made from the name)",
    "L'organisation est ajoutée.": "The organisation is added.",
    "L'organisation est modifiée.": "The organisation is changed.",
    "L'organisation n'est pas enregistrée : corrigez les champs signalés.": (
        "The organisation is not saved: correct the fields marked."
    ),
    "La convention est ajoutée.": "The convention is added.",
    "La convention est modifiée.": "The convention is changed.",
    "La convention n'est pas enregistrée : corrigez les champs signalés.": (
        "The convention is not saved: correct the fields marked."
    ),
    "Modifier": "Edit",
    "Modifier l'organisation": "Edit the organisation",
    "Modifier la convention": "Edit the convention",
    "Mois de programmation (vide : celui de la configuration)": (
        "Programming month (empty: the configuration's)"
    ),
    "Montant en euros": "Amount in euros",
    "Nouveau fournisseur": "New supplier",
    "Nouveau partenaire": "New partner",
    "Nouvel acheteur": "New buyer",
    "Nouvelle convention": "New convention",
    "Participation financière": "Financial participation",
    "Participation financière de l'acheteur": "The buyer's financial participation",
    "Rendez-vous de renouvellement": "Renewal meeting",
    "Référence du document signé": "Signed document's reference",
    "non précisé": "not said",
    "oui, l'acheteur participe au financement": "yes, the buyer contributes to the funding",
    "selon le nom": "from the name",
    "Indiquez le nom de l'organisation (200 caractères au plus).": (
        "Give the organisation's name (200 characters at most)."
    ),
    "L'identifiant s'écrit en minuscules, chiffres et tirets («\u00a0ville-de-lisiere\u00a0»).": (
        "The identifier is written in lower-case letters, digits and hyphens (“ville-de-lisiere”)."
    ),
    "Choisissez l'article dans la liste.": "Choose the article from the list.",
    "Choisissez le type d'organisation dans la liste.": (
        "Choose the kind of organisation from the list."
    ),
    "Le territoire tient en 120 caractères au plus.": "The territory takes 120 characters at most.",
    "Choisissez le référent du guichet dans la liste.": (
        "Choose the guichet's facilitator from the list."
    ),
    "Choisissez le mois dans la liste.": "Choose the month from the list.",
    "Cet identifiant est déjà celui d'une autre organisation : choisissez-en un autre.": (
        "This identifier is already another organisation's: choose another one."
    ),
    "Indiquez le premier jour de la convention (jour, mois, année).": (
        "Give the convention's first day (day, month, year)."
    ),
    "Indiquez le dernier jour de la convention, après le premier.": (
        "Give the convention's last day, after the first."
    ),
    "Indiquez la date de signature (jour, mois, année), ou rien.": (
        "Give the signing date (day, month, year), or nothing."
    ),
    "Choisissez le statut dans la liste.": "Choose the status from the list.",
    "Avec une participation financière, indiquez son montant en euros (par exemple 1\u202f500 ou "
    "1\u202f500,50) ; sans participation, laissez le montant vide.": (
        "With a financial participation, give its amount in euros (such as 1500 or 1500.50);"
        " without one, leave the amount empty."
    ),
    "Les engagements tiennent en 4 000 caractères au plus.": (
        "The commitments take 4,000 characters at most."
    ),
    "La référence tient en 200 caractères au plus.": "The reference takes 200 characters at most.",
    "Choisissez le renouvellement dans la liste.": "Choose the renewal from the list.",
    "Cet acheteur a déjà une convention qui commence ce jour-là.": (
        "This buyer already has a convention starting that day."
    ),
    "Actions": "Actions",
    "Le flux d'un animateur montre toutes les rencontres qu'il anime, avec les personnes "
    "invitées et leurs réponses. Un lien n'est montré qu'une fois, quand il est créé.": (
        "A facilitator's feed shows every meeting they run, with the invitees and their"
        " answers. A link is shown only once, when it is made."
    ),
    "Retour aux flux des animateurs": "Back to the facilitators' feeds",
    "Retour à la page du contact": "Back to the contact's page",
}
