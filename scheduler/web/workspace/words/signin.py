"""The English of the sign-in pages' texts: asking for a link, opening it, and why a link
does not open."""

from __future__ import annotations

ENGLISH = {
    "Connexion": "Sign in",
    "Se connecter à l'espace du guichet": "Sign in to the guichet's workspace",
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
}
