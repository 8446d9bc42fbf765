"""Slack: manual publication tasks (the text, the « Publié » button and its dialog, the message
once done) and the list of an approval's posts."""

MESSAGES = {
    "slack.notice.posted": (
        "publications faites (révision {revision})",
        "posts done (revision {revision})",
        "Veröffentlichungen erledigt (Fassung {revision})",
    ),
    "slack.task.asked": (
        "📝 {who}\u00a0: à publier à la main — {phase}, révision {revision}.",
        "📝 {who}: to publish by hand — {phase}, revision {revision}.",
        "📝 {who}: von Hand zu veröffentlichen — {phase}, Fassung {revision}.",
    ),
    "slack.task.reminder": (
        "🔔 {who}\u00a0: rappel, publication à la main en attente — {phase}, révision {revision}.",
        "🔔 {who}: reminder, still to publish by hand — {phase}, revision {revision}.",
        "🔔 {who}: Erinnerung, noch von Hand zu veröffentlichen — {phase}, Fassung {revision}.",
    ),
    "slack.task.escalation": (
        "⏫ {who}\u00a0: escalade, publication à la main en attente — "
        "{phase}, révision {revision}.",
        "⏫ {who}: escalation, still to publish by hand — {phase}, revision {revision}.",
        "⏫ {who}: Eskalation, noch von Hand zu veröffentlichen — {phase}, Fassung {revision}.",
    ),
    "slack.task.failed": (
        "⚠️ {who}\u00a0: une publication automatique n’a pas abouti, à publier à la main — "
        "{phase}, révision {revision}.",
        "⚠️ {who}: an automatic post did not go through, to publish by hand — "
        "{phase}, revision {revision}.",
        "⚠️ {who}: Eine automatische Veröffentlichung ist nicht durchgegangen, von Hand zu "
        "veröffentlichen — {phase}, Fassung {revision}.",
    ),
    "slack.task.reason_failed": (
        "{account} a refusé\u00a0: {problem}",
        "{account} refused it: {problem}",
        "{account} hat abgelehnt: {problem}",
    ),
    "slack.task.reason_delayed": (
        "{account} ne répond pas, ses nouveaux essais continuent",
        "{account} does not answer; it is still being retried",
        "{account} antwortet nicht; es wird weiter versucht",
    ),
    "slack.task.print": (
        "À imprimer\u00a0: {file}",
        "To print: {file}",
        "Zu drucken: {file}",
    ),
    "slack.task.button": ("Publié", "Published", "Veröffentlicht"),
    "slack.task.more": (
        "… et {count} autres textes\u00a0: `tocsin status {crisis}` les donne.",
        "… and {count} more texts: `tocsin status {crisis}` gives them.",
        "… und {count} weitere Texte: `tocsin status {crisis}` zeigt sie.",
    ),
    "slack.task.cli": (
        "Ou en ligne de commande\u00a0: {command}",
        "Or on the command line: {command}",
        "Oder auf der Kommandozeile: {command}",
    ),
    "slack.task.done": (
        "✅ Publié par {who} le {when}\u00a0: {where}",
        "✅ Published by {who} on {when}: {where}",
        "✅ Veröffentlicht von {who} am {when}: {where}",
    ),
    "slack.task.note": ("«\u202f{note}\u202f»", "“{note}”", "„{note}“"),
    "slack.task.superseded": (
        "✅ Publié entre-temps par le compte {account}.",
        "✅ Published by the account {account} in the meantime.",
        "✅ Inzwischen über das Konto {account} veröffentlicht.",
    ),
    "slack.task.replaced": (
        "↪️ Remplacée par la tâche {task}, plus récente.",
        "↪️ Replaced by task {task}, more recent.",
        "↪️ Ersetzt durch die neuere Aufgabe {task}.",
    ),
    "slack.task.closed": (
        "Cette tâche est déjà close\u00a0: le message dit par qui.",
        "This task is already closed: the message says by whom.",
        "Diese Aufgabe ist bereits erledigt: Die Nachricht sagt, von wem.",
    ),
    "slack.task.modal_title": (
        "Publication à la main",
        "Published by hand",
        "Von Hand veröffentlicht",
    ),
    "slack.task.save": ("Enregistrer", "Save", "Speichern"),
    "slack.task.url": (
        "Adresse de la publication",
        "Address of the post",
        "Adresse der Veröffentlichung",
    ),
    "slack.task.note_label": (
        "Ou une note, sans adresse",
        "Or a note, with no address",
        "Oder eine Notiz, ohne Adresse",
    ),
    "slack.task.note_example": (
        "lu à l’antenne à 10 h 05",
        "read on air at 10:05",
        "um 10:05 Uhr im Radio verlesen",
    ),
    "slack.task.where_required": (
        "Donnez l’adresse de la publication, ou une note.",
        "Give the address of the post, or a note.",
        "Geben Sie die Adresse der Veröffentlichung oder eine Notiz an.",
    ),
    "slack.task.bad_url": (
        "Une adresse web qui commence par http:// ou https://, sans espace, "
        "de {limit} caractères au plus.",
        "A web address that starts with http:// or https://, with no space, "
        "of {limit} characters at most.",
        "Eine Webadresse, die mit http:// oder https:// beginnt, ohne Leerzeichen, "
        "mit höchstens {limit} Zeichen.",
    ),
    "slack.task.bad_note": (
        "Une ligne de {limit} caractères au plus.",
        "One line of {limit} characters at most.",
        "Eine Zeile mit höchstens {limit} Zeichen.",
    ),
    "slack.posted.title": (
        "📣 Publications — {phase}, révision {revision}\u00a0:",
        "📣 Posts — {phase}, revision {revision}:",
        "📣 Veröffentlichungen — {phase}, Fassung {revision}:",
    ),
    "slack.posted.failed": (
        "⛔ {name} ({account})\u00a0: échec, à publier à la main (tâche {task})",
        "⛔ {name} ({account}): failed, to publish by hand (task {task})",
        "⛔ {name} ({account}): fehlgeschlagen, von Hand zu veröffentlichen (Aufgabe {task})",
    ),
    "slack.posted.remote": ("identifiant {id}", "id {id}", "Kennung {id}"),
}
