"""The English of the « Bilan » page's texts: the year report and its downloads."""

from __future__ import annotations

ENGLISH = {
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
}
