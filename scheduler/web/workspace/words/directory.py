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
    "Un lien n'est montré qu'une fois, quand il est créé (rituel feeds links ou rotate).": "A link is shown only once, when it is made (rituel feeds links or rotate).",
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
}
