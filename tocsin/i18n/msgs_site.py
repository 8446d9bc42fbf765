"""The public status site's words (tocsin/site): carried into the catalogues by convert."""

MESSAGES = {
    "site.title": (
        "{org} : informations de crise",
        "{org}: crisis information",
        "{org}: Kriseninformationen",
    ),
    "site.skip": ("Aller au contenu", "Skip to content", "Zum Inhalt"),
    "site.languages": ("Langues", "Languages", "Sprachen"),
    "site.ongoing": ("Crises en cours", "Current crises", "Laufende Krisen"),
    "site.ended": ("Crises terminées", "Past crises", "Beendete Krisen"),
    "site.none": (
        "Aucune crise en cours.",
        "No crisis at present.",
        "Derzeit keine Krise.",
    ),
    "site.exercise": (
        "EXERCICE : ceci n’est pas une alerte réelle.",
        "EXERCISE: this is not a real alert.",
        "ÜBUNG: Dies ist keine echte Warnung.",
    ),
    "site.exercise_tag": ("Exercice", "Exercise", "Übung"),
    "site.area": ("Zone : {area}", "Area: {area}", "Gebiet: {area}"),
    "site.when": ("{day} à {time}", "{day} at {time}", "{day} um {time}"),
    "site.published": ("Publié le {when}", "Published on {when}", "Veröffentlicht am {when}"),
    "site.last": (
        "Dernier message le {when}",
        "Last message on {when}",
        "Letzte Meldung am {when}",
    ),
    "site.corrected": (
        "Mis à jour le {when} : correction",
        "Updated on {when}: correction",
        "Aktualisiert am {when}: Korrektur",
    ),
    "site.previous": ("Versions précédentes", "Previous versions", "Frühere Fassungen"),
    "site.replaced": (
        "Publié le {published}, remplacé le {replaced} :",
        "Published on {published}, replaced on {replaced}:",
        "Veröffentlicht am {published}, ersetzt am {replaced}:",
    ),
    "site.retracted": (
        "Ce message a été retiré le {when}.",
        "This message was withdrawn on {when}.",
        "Diese Meldung wurde am {when} zurückgezogen.",
    ),
    "site.next_update": (
        "Prochaine mise à jour : {when}",
        "Next update: {when}",
        "Nächste Aktualisierung: {when}",
    ),
    "site.closed": (
        "Crise terminée le {when}.",
        "Crisis ended on {when}.",
        "Krise beendet am {when}.",
    ),
    "site.messages": ("Messages", "Messages", "Meldungen"),
    "site.no_message": (
        "Aucun message dans cette langue pour le moment.",
        "No message in this language yet.",
        "Noch keine Meldung in dieser Sprache.",
    ),
    "site.contact": ("Contact : {contact}", "Contact: {contact}", "Kontakt: {contact}"),
    "site.more": ("En savoir plus", "More information", "Weitere Informationen"),
    "site.all": ("Toutes les crises", "All crises", "Alle Krisen"),
    "site.feed": ("Flux Atom", "Atom feed", "Atom-Feed"),
    "site.cap": ("Alertes CAP", "CAP alerts", "CAP-Warnungen"),
    "site.generated": (
        "Page produite le {when}.",
        "Page generated on {when}.",
        "Seite erstellt am {when}.",
    ),
    "site.cap.cancelled": (
        "Ce message d’alerte est retiré.",
        "This alert message is withdrawn.",
        "Diese Warnmeldung ist zurückgezogen.",
    ),
    "site.cap.ended": (
        "La crise est terminée : fin de l’alerte.",
        "The crisis is over: end of the alert.",
        "Die Krise ist beendet: Ende der Warnung.",
    ),
    "site.cap.cancel_headline": (
        "Annulé : {headline}",
        "Cancelled: {headline}",
        "Aufgehoben: {headline}",
    ),
    "site.err.taken": (
        "{path} existe et n’a pas été produit par tocsin : déplacez-le ou choisissez "
        "un autre dossier pour le site.",
        "{path} exists and was not made by tocsin: move it away or choose another folder "
        "for the site.",
        "{path} existiert und wurde nicht von tocsin erstellt: Verschieben Sie es oder "
        "wählen Sie einen anderen Ordner für die Seite.",
    ),
    "site.err.not_loopback": (
        "Le site ne se sert que sur la boucle locale (127.0.0.1, ::1), pas sur {host}.",
        "The site is served on loopback only (127.0.0.1, ::1), not on {host}.",
        "Die Seite wird nur auf Loopback (127.0.0.1, ::1) ausgeliefert, nicht auf {host}.",
    ),
}
