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
        "say where task {task} was published (--url ADDRESS) or how (--note “read on air at 10:05”)",
        "geben Sie an, wo Aufgabe {task} veröffentlicht wurde (--url ADRESSE) oder wie"
        " (--note „um 10:05 Uhr im Radio verlesen“)",
    ),
    "refuse.UnknownTask": (
        "aucune tâche «\u00a0{task}\u00a0» dans cette crise (tocsin status CRISE les liste)",
        "no task “{task}” in this crisis (tocsin status CRISIS lists them)",
        "keine Aufgabe „{task}“ in dieser Krise (tocsin status KRISE listet sie)",
    ),
}
