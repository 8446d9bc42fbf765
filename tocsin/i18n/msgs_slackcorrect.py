"""Messages of the Slack correction dialog and card, and the manual tasks' refusals made like
every other ``refuse.*`` text: no « Refusé : » of their own (the CLI's ``err.refused`` and
Slack's ``slack.refused`` add it), no final full stop. Carried into the catalogues by
``python -m tocsin.i18n.convert``."""

MESSAGES = {
    # The manual tasks' refusals, as the other refuse.* keys are written.
    "refuse.TaskDone": (
        "la tâche {task} est déjà marquée publiée par {person}",
        "task {task} is already marked published by {person}",
        "Aufgabe {task} wurde bereits von {person} als veröffentlicht markiert",
    ),
    "refuse.TaskPublished": (
        "la tâche {task} est close\u00a0: le compte {account} a publié le texte entre-temps",
        "task {task} is closed: account {account} published the text meanwhile",
        "Aufgabe {task} ist erledigt: das Konto {account} hat den Text inzwischen veröffentlicht",
    ),
    "refuse.TaskWhere": (
        "dites où la tâche {task} est publiée (--url ADRESSE) ou comment"
        " (--note «\u00a0lu à l’antenne à 10\u00a0h\u00a005\u00a0»)",
        "say where task {task} was published (--url ADDRESS) or how"
        " (--note “read on air at 10:05”)",
        "geben Sie an, wo Aufgabe {task} veröffentlicht wurde (--url ADRESSE) oder wie"
        " (--note „um 10:05 Uhr im Radio verlesen“)",
    ),
    "refuse.UnknownTask": (
        "aucune tâche «\u00a0{task}\u00a0» dans cette crise (tocsin status CRISE les liste)",
        "no task “{task}” in this crisis (tocsin status CRISIS lists them)",
        "keine Aufgabe „{task}“ in dieser Krise (tocsin status KRISE listet sie)",
    ),
    # « Corriger » on the card of a published statement, its dialog, and a correction's card.
    "slack.correct.button": ("Corriger", "Correct", "Korrigieren"),
    "slack.correct.name": (
        "Correction {number} — {phase}",
        "Correction {number} — {phase}",
        "Korrektur {number} — {phase}",
    ),
    "slack.correct.header": (
        "Correction {number} — {phase} · {title}",
        "Correction {number} — {phase} · {title}",
        "Korrektur {number} — {phase} · {title}",
    ),
    "slack.correct.reason": (
        "*Motif de la correction*\u00a0: {reason}",
        "*Reason for the correction*: {reason}",
        "*Grund der Korrektur*: {reason}",
    ),
    "slack.correct.only_corrected": (
        "Correction d’une déclaration publiée\u00a0: seuls les textes corrigés sont ci-dessous, les"
        " autres ne changent pas. Le texte publié avant est dans le fil de la carte de la"
        " déclaration.",
        "Correction of a published statement: only the corrected texts are below, the others do"
        " not change. The text published before is in the thread of the statement’s card.",
        "Korrektur einer veröffentlichten Erklärung: Unten stehen nur die korrigierten Texte, die"
        " anderen bleiben unverändert. Der zuvor veröffentlichte Text steht im Thread der Karte"
        " der Erklärung.",
    ),
    "slack.correct.submit": ("Envoyer à l’approbation", "Send for approval", "Zur Freigabe senden"),
    "slack.correct.intro": (
        "*{phase}*\u00a0: corrigez le ou les textes publiés ci-dessous\u202f; les autres ne"
        " changent pas. Une autre personne approuve la correction, comme toute déclaration, puis"
        " chaque canal la reçoit.",
        "*{phase}*: correct one or more of the published texts below; the others do not change."
        " Someone else approves the correction, like any statement, then each channel gets it.",
        "*{phase}*: Korrigieren Sie einen oder mehrere der veröffentlichten Texte unten; die"
        " anderen bleiben unverändert. Eine andere Person gibt die Korrektur frei, wie jede"
        " Erklärung, dann erhält sie jeder Kanal.",
    ),
    "slack.correct.reason_label": (
        "Motif de la correction",
        "Reason for the correction",
        "Grund der Korrektur",
    ),
    "slack.correct.reason_example": (
        "ex.\u00a0: mauvais numéro d’information",
        "e.g. wrong information number",
        "z.\u00a0B. falsche Infonummer",
    ),
    "slack.correct.too_long": (
        "Trop longs pour un champ Slack ({limit} caractères au plus)\u00a0: {texts}. Corrigez-les"
        " en ligne de commande\u00a0: {command}",
        "Too long for a Slack field ({limit} characters at most): {texts}. Correct them from the"
        " command line: {command}",
        "Zu lang für ein Slack-Feld (höchstens {limit} Zeichen): {texts}. Korrigieren Sie sie auf"
        " der Kommandozeile: {command}",
    ),
    "slack.correct.elsewhere": (
        "Corrigés depuis cette carte\u00a0: {texts}. Corrigez-les depuis la carte de leur"
        " dernière correction.",
        "Corrected since this card: {texts}. Correct them from the card of their latest"
        " correction.",
        "Seit dieser Karte korrigiert: {texts}. Korrigieren Sie sie über die Karte ihrer letzten"
        " Korrektur.",
    ),
    "slack.correct.none": (
        "⛔ Aucun texte de cette carte ne peut être corrigé depuis Slack.",
        "⛔ No text of this card can be corrected from Slack.",
        "⛔ Kein Text dieser Karte kann in Slack korrigiert werden.",
    ),
    "slack.correct.unchanged": (
        "Aucun texte n’a changé\u00a0: corrigez au moins un texte.",
        "No text has changed: correct at least one.",
        "Kein Text wurde geändert: Korrigieren Sie mindestens einen.",
    ),
    "slack.correct.too_long_field": (
        "Trop long\u00a0: {limit} caractères au plus.",
        "Too long: {limit} characters at most.",
        "Zu lang: höchstens {limit} Zeichen.",
    ),
    "slack.correct.sent": (
        "✅ Correction de «\u00a0{phase}\u00a0» envoyée à l’approbation ({count} texte(s), révision"
        " {revision})\u00a0: sa carte suit dans le canal.",
        "✅ Correction of “{phase}” sent for approval ({count} text(s), revision {revision}): its"
        " card follows in the channel.",
        "✅ Korrektur von „{phase}“ zur Freigabe gesendet ({count} Text(e), Revision {revision}):"
        " Ihre Karte folgt im Kanal.",
    ),
    "slack.correct.cli": (
        "Corrigez-la en ligne de commande\u00a0: {command}",
        "Correct it from the command line: {command}",
        "Korrigieren Sie sie auf der Kommandozeile: {command}",
    ),
}
