"""What went wrong, said to the person who asked (``err.*``): the command line, Slack and the
crisis operations raise them."""

from __future__ import annotations

# key: (français, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "err.prefix": ("Erreur :", "Error:"),
    "err.no_server": (
        "Aucun serveur Temporal joignable à {address}. Lancez « tocsin up » dans un autre "
        "terminal, ou définissez TEMPORAL_ADDRESS.",
        "No Temporal server reachable at {address}. Run 'tocsin up' in another terminal, "
        "or set TEMPORAL_ADDRESS.",
    ),
    "err.unknown_playbook": (
        "Playbook inconnu « {name} ». Disponibles : {available}.",
        "Unknown playbook '{name}'. Available: {available}.",
    ),
    "err.unknown_crisis": (
        "Crise inconnue « {crisis} ». « tocsin list » montre les crises en cours.",
        "Unknown crisis '{crisis}'. 'tocsin list' shows the crises in progress.",
    ),
    "err.bad_param": (
        "Paramètre mal écrit « {raw} » : attendu nom=valeur.",
        "Malformed parameter '{raw}': expected name=value.",
    ),
    "err.missing_params": (
        "Paramètres manquants pour {playbook} : {names}. Ajoutez --param nom=valeur.",
        "Missing parameters for {playbook}: {names}. Add --param name=value.",
    ),
    "err.param_invalid": (
        "Paramètre « {name} » ({type}) invalide : {problem}",
        "Parameter '{name}' ({type}) is invalid: {problem}",
    ),
    "err.param_unknown": (
        "Paramètre inconnu « {name} » pour {playbook}. Attendus : {expected}.",
        "Unknown parameter '{name}' for {playbook}. Expected: {expected}.",
    ),
    "err.no_person": (
        "Dites qui vous êtes : --as PERSONNE (ou la variable TOCSIN_USER).",
        "Say who you are: --as PERSON (or the TOCSIN_USER variable).",
    ),
    "err.unknown_person": (
        "Personne inconnue « {person} » dans le playbook {playbook}. Connues : {known}.",
        "Unknown person '{person}' in playbook {playbook}. Known: {known}.",
    ),
    "err.refused": ("Refusé : {reason}", "Refused: {reason}"),
    "err.bad_edit": (
        "Modification mal écrite « {raw} » : attendu canal:langue=texte (ex. sms:fr=…).",
        "Malformed edit '{raw}': expected channel:language=text (e.g. sms:fr=...).",
    ),
    "err.need_revision": (
        "Précisez --revision N (la révision que vous avez lue), ou --yes pour la révision en "
        "cours.",
        "Give --revision N (the revision you read), or --yes for the current one.",
    ),
    "err.no_gate": (
        "Rien à approuver pour cette crise en ce moment.",
        "Nothing awaits approval for this crisis right now.",
    ),
    "err.timeout": (
        "Le serveur n’a pas répondu à temps ({what}). Le worker tourne-t-il ? (« tocsin up »)",
        "The server did not answer in time ({what}). Is a worker running? ('tocsin up')",
    ),
    "err.check_read": (
        "Lecture impossible de {source} : {problem}",
        "Cannot read {source}: {problem}",
    ),
    "err.check_size": (
        "{source} dépasse {limit} octets : ce n’est pas une déclaration.",
        "{source} is over {limit} bytes: not a statement.",
    ),
    "err.check_encoding": (
        "{source} n’est pas du texte UTF-8 (octet {position}).",
        "{source} is not UTF-8 text (byte {position}).",
    ),
    "err.check_empty": ("{source} est vide.", "{source} is empty."),
    "err.check_date": (
        "date « {value} » invalide : attendu AAAA-MM-JJ",
        "invalid date '{value}': expected YYYY-MM-DD",
    ),
    "err.jsonl_line": ("{source}, ligne {line} : {problem}", "{source}, line {line}: {problem}"),
    "err.jsonl_json": (
        "ce n’est pas du JSON ({problem}, colonne {column})",
        "not JSON ({problem}, column {column})",
    ),
    "err.jsonl_object": (
        'attendu un objet JSON {{"text": …, "channel": …}}',
        'expected a JSON object {{"text": …, "channel": …}}',
    ),
    "err.jsonl_empty": ("le texte est vide", "the text is empty"),
    "err.jsonl_channel": (
        "pas de canal : donnez « channel » sur la ligne ou --channel",
        "no channel: give 'channel' on the line or --channel",
    ),
    "err.jsonl_too_many": (
        "plus de {limit} déclarations : découpez le fichier",
        "over {limit} statements: split the file",
    ),
    "err.cli_usage": ("Usage incorrect : {problem}", "Usage error: {problem}"),
    "err.binary": (
        "Serveur Temporal introuvable ({path}). Réinstallez : « make demo » ou "
        "« pip install -e . ».",
        "Temporal server binary not found ({path}). Reinstall: 'make demo' or 'pip install -e .'.",
    ),
    "err.port_busy": (
        "Le port {port} est déjà utilisé. Un autre « tocsin up » tourne-t-il ? "
        "Sinon choisissez TOCSIN_EMBEDDED_PORT / TOCSIN_UI_PORT.",
        "Port {port} is already in use. Is another 'tocsin up' running? "
        "Otherwise set TOCSIN_EMBEDDED_PORT / TOCSIN_UI_PORT.",
    ),
    "err.setting": (
        "{name} vaut « {raw} » : attendu un nombre entier de {lowest} à {highest}.",
        "{name} is '{raw}': expected a whole number from {lowest} to {highest}.",
    ),
    "err.server": ("Erreur du serveur Temporal : {problem}", "Temporal server error: {problem}"),
    "err.edit_file": (
        "Impossible de lire {path} : {problem}",
        "Cannot read {path}: {problem}",
    ),
    "err.interrupted": ("Interrompu.", "Interrupted."),
    "err.invalid_input": ("Entrée refusée : {problems}", "Input refused: {problems}"),
    "err.history": ("Historique illisible : {problem}", "Unreadable history: {problem}"),
    "err.write": ("Impossible d’écrire {path} : {problem}", "Cannot write {path}: {problem}"),
}
