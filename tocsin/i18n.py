"""Messages for people: French first, English available.

The language is ``TOCSIN_LANG`` (``fr`` or ``en``), else the ``LANG`` locale, else French.
"""

from __future__ import annotations

import os

_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (français, English)
    "app.help": (
        "tocsin : orchestration des communications de crise des services publics.",
        "tocsin: crisis-communication runbooks for public bodies.",
    ),
    "err.prefix": ("Erreur", "Error"),
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
    "err.closed": ("La crise {crisis} est terminée.", "Crisis {crisis} has ended."),
    "err.timeout": (
        "Le serveur n’a pas répondu à temps ({what}). Le worker tourne-t-il ? (« tocsin up »)",
        "The server did not answer in time ({what}). Is a worker running? ('tocsin up')",
    ),
    "playbook.invalid": ("Playbook invalide", "Invalid playbook"),
    "lint.ok": (
        "{count} playbook(s) valides dans {folder}.",
        "{count} valid playbook(s) in {folder}.",
    ),
    "lint.failed": (
        "{errors} problème(s) dans {files} fichier(s).",
        "{errors} problem(s) in {files} file(s).",
    ),
    "lint.empty": (
        "Aucun playbook (*.yml, *.yaml) dans {folder}.",
        "No playbook (*.yml, *.yaml) in {folder}.",
    ),
    "trigger.started": ("Crise déclenchée : {crisis}", "Crisis triggered: {crisis}"),
    "trigger.existing": (
        "Cette crise est déjà en cours : {crisis} (pas de second déclenchement).",
        "This crisis is already running: {crisis} (not triggered twice).",
    ),
    "trigger.closed_exists": (
        "Une crise close porte déjà cette clé : {crisis}. Choisissez une autre --key.",
        "A closed crisis already has this key: {crisis}. Choose another --key.",
    ),
    "decision.recorded": (
        "Décision enregistrée : {action} par {person} (révision {revision}).",
        "Decision recorded: {action} by {person} (revision {revision}).",
    ),
    "revise.recorded": ("Révision {revision} soumise.", "Revision {revision} submitted."),
    "fact.recorded": ("Fait ajouté.", "Fact added."),
    "resolve.recorded": (
        "Crise marquée résolue : le message de clôture va être rédigé.",
        "Crisis marked resolved: the closing statement will be drafted.",
    ),
    "cancel.recorded": ("Crise annulée.", "Crisis cancelled."),
    "list.none": ("Aucune crise.", "No crisis."),
    "up.ready": (
        "tocsin est prêt. Serveur Temporal : {address} — interface web : {ui}\n"
        "Base : {db}\nCtrl-C pour tout arrêter.",
        "tocsin is ready. Temporal server: {address} — web UI: {ui}\n"
        "Database: {db}\nCtrl-C stops everything.",
    ),
    "up.stopping": ("Arrêt en cours…", "Stopping..."),
    "up.stopped": ("Tout est arrêté.", "Everything has stopped."),
    "up.already": (
        "Un serveur tocsin tourne déjà ({address}, pid {pid}).",
        "A tocsin server is already running ({address}, pid {pid}).",
    ),
    "worker.ready": (
        "Worker prêt sur {address}, file « {queue} ». Ctrl-C pour arrêter.",
        "Worker ready on {address}, queue '{queue}'. Ctrl-C to stop.",
    ),
    "confirm.approve": ("Approuver la révision {revision} ?", "Approve revision {revision}?"),
    # Workflow refusals, by ApplicationError type.
    "refuse.NoGate": ("aucune déclaration n’attend de décision", "no statement awaits a decision"),
    "refuse.StaleRevision": (
        "la révision {given} n’est plus la bonne : la révision en cours est la {current}",
        "revision {given} is stale: the current revision is {current}",
    ),
    "refuse.UnknownPerson": (
        "« {person} » ne figure pas dans le playbook",
        "'{person}' is not in the playbook",
    ),
    "refuse.NotAnApprover": (
        "{person} n’a pas le rôle attendu ({roles})",
        "{person} does not hold the awaited role ({roles})",
    ),
    "refuse.SelfApproval": (
        "{person} est l’auteur de la révision {revision} : une autre personne doit décider "
        "(principe des quatre yeux)",
        "{person} wrote revision {revision}: someone else must decide (four-eyes principle)",
    ),
    "refuse.NotAwaitingRevision": (
        "aucune modification n’a été demandée",
        "no change has been requested",
    ),
    "refuse.NotAnAuthor": (
        "{person} ne peut pas rédiger (rôles autorisés : {roles})",
        "{person} may not write statements (allowed roles: {roles})",
    ),
    "refuse.NoRole": (
        "{person} n’a aucun rôle dans cette crise",
        "{person} holds no role in this crisis",
    ),
    "refuse.Ended": ("la crise est terminée", "the crisis has ended"),
    "refuse.BadEdit": (
        "le canal {channel} en {language} ne fait pas partie de cette déclaration",
        "channel {channel} in {language} is not part of this statement",
    ),
    "refuse.AlreadyResolved": ("la crise est déjà résolue", "the crisis is already resolved"),
    "refuse.WrongPhase": (
        "la révision {given} concerne une autre phase",
        "revision {given} belongs to another phase",
    ),
}


def language() -> str:
    chosen = os.environ.get("TOCSIN_LANG", "").lower()
    if chosen in ("fr", "en"):
        return chosen
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "en" if locale.lower().startswith("en") else "fr"


def t(key: str, **values: object) -> str:
    """The message ``key`` in the user's language, with ``values`` filled in."""
    pair = _MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if language() == "en" else pair[0]
    try:
        return text.format(**values)
    except (KeyError, IndexError):
        return text


def has(key: str) -> bool:
    return key in _MESSAGES


def both(key: str, **values: object) -> str:
    """French and English together, for texts stored in history (no environment read)."""
    pair = _MESSAGES.get(key)
    if pair is None:
        return key
    try:
        return f"{pair[0].format(**values)} / {pair[1].format(**values)}"
    except (KeyError, IndexError):
        return f"{pair[0]} / {pair[1]}"
