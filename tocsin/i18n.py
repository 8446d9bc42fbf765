"""Messages for people: French first, English available.

The language is ``TOCSIN_LANG`` (``fr`` or ``en``), else the ``LANG`` locale, else French.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (français, English)
    "app.help": (
        "tocsin : orchestration des communications de crise des services publics.",
        "tocsin: crisis-communication runbooks for public bodies.",
    ),
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
    "status.notices_pending": (
        "{count} notification(s) pas encore remise(s) (Slack indisponible ?) : elles partiront "
        "dans l’ordre dès que possible ; les décisions restent possibles ici.",
        "{count} notice(s) not delivered yet (Slack down?): they will go out in order as soon "
        "as possible; decisions can still be made here.",
    ),
    "metrics.ready": (
        "Métriques Prometheus : http://{address}/metrics",
        "Prometheus metrics: http://{address}/metrics",
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
    # ---------------------------------------------------------------- CLI help
    "help.up": (
        "Démarre le serveur Temporal intégré (SQLite) et un worker, au premier plan.",
        "Start the embedded Temporal server (SQLite) and a worker, in the foreground.",
    ),
    "help.slack": (
        "Lance l’app Slack seule (mode Socket par défaut, ou HTTP) sur le serveur configuré.",
        "Run the Slack app alone (Socket Mode by default, or HTTP) on the configured server.",
    ),
    "slack.ready": ("App Slack prête ({where}).", "Slack app ready ({where})."),
    "slack.not_configured": (
        "Slack n’est pas configuré : définissez SLACK_BOT_TOKEN, TOCSIN_SLACK_CHANNEL et "
        "SLACK_APP_TOKEN (ou SLACK_SIGNING_SECRET en mode HTTP). Voir le README, « Slack ».",
        "Slack is not configured: set SLACK_BOT_TOKEN, TOCSIN_SLACK_CHANNEL and SLACK_APP_TOKEN "
        "(or SLACK_SIGNING_SECRET in HTTP mode). See the README, 'Slack'.",
    ),
    "slack.incomplete": (
        "Configuration Slack incomplète : {problems}.",
        "Incomplete Slack settings: {problems}.",
    ),
    "help.codec": (
        "Sert le point « codec » de l’interface web de Temporal, qui y déchiffre les données "
        "compressées (TOCSIN_CODEC_PORT, TOCSIN_CODEC_ORIGINS).",
        "Serve the codec endpoint that lets Temporal's web UI show compressed payloads "
        "(TOCSIN_CODEC_PORT, TOCSIN_CODEC_ORIGINS).",
    ),
    "help.codec_host": (
        "adresse d’écoute (0.0.0.0 dans un conteneur)",
        "address to listen on (0.0.0.0 in a container)",
    ),
    "codec.ready": (
        "Point codec prêt : {url} (origines admises : {origins}). Ctrl-C pour l’arrêter.",
        "Codec endpoint ready: {url} (origins allowed: {origins}). Ctrl-C stops it.",
    ),
    "codec.cannot_listen": (
        "Impossible d’écouter sur {where} ({why}). Un autre « tocsin codec » tourne-t-il ? "
        "Sinon choisissez TOCSIN_CODEC_PORT.",
        "Cannot listen on {where} ({why}). Is another 'tocsin codec' running? "
        "Otherwise set TOCSIN_CODEC_PORT.",
    ),
    "codec.no_origins": (
        "TOCSIN_CODEC_ORIGINS est vide : donnez l’adresse de l’interface web de Temporal "
        "(ex. http://localhost:8080), séparées par des virgules s’il y en a plusieurs.",
        "TOCSIN_CODEC_ORIGINS is empty: give the address of Temporal's web UI "
        "(e.g. http://localhost:8080), comma-separated if there are several.",
    ),
    "help.worker": (
        "Lance un worker sur le serveur Temporal configuré (TEMPORAL_ADDRESS ou « tocsin up »).",
        "Run a worker on the configured Temporal server (TEMPORAL_ADDRESS or 'tocsin up').",
    ),
    "help.preview": (
        "Aperçu sans Temporal : chaque canal et chaque langue d’une phase, avec sa longueur "
        "face à la limite. Sans --param, les exemples du playbook.",
        "Preview without Temporal: every channel and language of a phase, with its length "
        "against the limit. Without --param, the playbook's examples.",
    ),
    "help.preview_phase": (
        "Phase à rendre (répétable ; par défaut toutes celles qui publient).",
        "Phase to render (repeatable; default: every publishing phase).",
    ),
    "help.preview_fact": ("Fait à inclure (répétable).", "Fact to include (repeatable)."),
    "help.html": ("Écrire aussi une page HTML d’aperçu.", "Also write an HTML preview page."),
    "preview.short": ("variante courte", "short variant"),
    "preview.easy_read": (
        "  Version FALC proposée ({lang}) — à relire avec des mots simples :",
        "  Easy-to-read version offered ({lang}) — to reword with simple words:",
    ),
    "help.override": (
        "Approuver malgré des constats bloquants, avec cette justification écrite (rôles "
        "autorisés par le playbook).",
        "Approve despite blocking findings, with this written justification (roles the "
        "playbook allows).",
    ),
    "help.check": (
        "Vérifier un texte (fichier ou entrée standard) : longueur pour le canal et garde-fous. "
        "Code de sortie 0 sans constat, 1 avertissements, 2 bloquant.",
        "Check a text (file or standard input): length for the channel and guardrails. Exit "
        "code 0 clean, 1 warnings, 2 blocking.",
    ),
    "help.check_channel": ("Canal du texte.", "The text's channel."),
    "help.check_lang": ("Langue du texte (fr, en, de).", "The text's language (fr, en, de)."),
    "help.check_date": (
        "Date de publication prévue (période électorale) ; aujourd’hui par défaut.",
        "Planned publication date (electoral period); today by default.",
    ),
    "help.check_playbook": (
        "Playbook dont les numéros, sites, ton et limites s’appliquent.",
        "Playbook whose numbers, sites, tone and limits apply.",
    ),
    "help.check_phase": (
        "Phase du texte (la cadence est vérifiée pour acknowledge et follow_up).",
        "The text's phase (cadence is checked for acknowledge and follow_up).",
    ),
    "help.check_rules": ("Lister les règles.", "List the rules."),
    "check.clean": ("Aucun constat.", "No finding."),
    "check.summary": (
        "{blocking} bloquant(s), {warnings} avertissement(s).",
        "{blocking} blocking, {warnings} warning(s).",
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
    "preview.written": ("Aperçu écrit : {path}", "Preview written: {path}"),
    "preview.over": (
        "{count} texte(s) dépassent la limite de leur canal.",
        "{count} text(s) exceed their channel's limit.",
    ),
    "help.trigger": (
        "Déclenche un playbook : une crise par playbook et par clé (--key, date du jour).",
        "Trigger a playbook: one crisis per playbook and key (--key, today's date).",
    ),
    "help.list": ("Liste les crises.", "List crises."),
    "help.status": (
        "État d’une crise : phase, révision, approbateurs attendus, échéances, décisions.",
        "A crisis's status: phase, revision, awaited approvers, deadlines, decisions.",
    ),
    "help.approve": (
        "Approuve la révision en cours (éventuellement avec des textes modifiés : --edit).",
        "Approve the current revision (optionally with edited texts: --edit).",
    ),
    "help.reject": (
        "Rejette la révision en cours, avec un motif : rien n’est publié pour cette phase.",
        "Reject the current revision, with a reason: nothing is published for this phase.",
    ),
    "help.request_changes": (
        "Demande des modifications à l’auteur, avec un commentaire.",
        "Ask the author for changes, with a comment.",
    ),
    "help.revise": (
        "Soumet une nouvelle révision après une demande de modification.",
        "Submit a new revision after a change request.",
    ),
    "help.fact": (
        "Ajoute un fait confirmé : il figurera dans les prochaines déclarations.",
        "Add a confirmed fact: it appears in the next statements.",
    ),
    "help.resolve": (
        "Marque la crise résolue : le message de clôture est rédigé.",
        "Mark the crisis resolved: the closing statement is drafted.",
    ),
    "help.cancel": (
        "Annule la crise (déclenchement par erreur) : plus rien n’est rédigé ni publié.",
        "Cancel the crisis (triggered by mistake): nothing more is drafted or published.",
    ),
    "help.playbooks": ("Playbooks : lister, vérifier, afficher.", "Playbooks: list, check, show."),
    "help.playbooks_list": ("Liste les playbooks disponibles.", "List the available playbooks."),
    "help.playbooks_lint": (
        "Vérifie tous les playbooks d’un dossier ; code de sortie non nul en cas d’erreur.",
        "Check every playbook in a folder; non-zero exit code on any error.",
    ),
    "help.playbooks_show": ("Affiche un playbook.", "Show a playbook."),
    "help.demo": (
        "Démonstration complète sur un serveur jetable : acteurs simulés, moins d’une minute.",
        "Full demonstration on a throw-away server: simulated actors, under a minute.",
    ),
    "help.as": (
        "Qui agit (identifiant dans le playbook) ; par défaut TOCSIN_USER.",
        "Who acts (id in the playbook); defaults to TOCSIN_USER.",
    ),
    "help.json": ("Sortie JSON.", "JSON output."),
    "help.param": ("Paramètre nom=valeur (répétable).", "Parameter name=value (repeatable)."),
    "help.key": (
        "Clé de la crise (par défaut la date du jour) : même clé, même crise.",
        "Crisis key (default: today's date): same key, same crisis.",
    ),
    "help.exercise": (
        "Exercice : chaque texte porte « EXERCICE », publié à part.",
        "Drill: every text carries 'EXERCISE', published apart.",
    ),
    "help.revision": (
        "La révision que vous avez lue (refusée si elle n’est plus la bonne).",
        "The revision you read (refused if it is no longer current).",
    ),
    "help.yes": (
        "Décider sur la révision en cours sans confirmation.",
        "Decide on the current revision without confirmation.",
    ),
    "help.edit": (
        "Texte modifié canal:langue=texte, ou canal:langue=@fichier (répétable).",
        "Edited text channel:language=text, or channel:language=@file (repeatable).",
    ),
    "help.comment": ("Commentaire.", "Comment."),
    "help.reason": ("Motif.", "Reason."),
    "help.note": ("Note pour les approbateurs.", "Note for the approvers."),
    "help.summary": ("Résumé de la résolution.", "Summary of the resolution."),
    "help.texts": ("Afficher les textes en attente.", "Show the pending texts."),
    "help.db": ("Fichier SQLite du serveur intégré.", "The embedded server's SQLite file."),
    # ---------------------------------------------------------------- status output
    "state.drafting": ("rédaction", "drafting"),
    "state.awaiting_approval": ("en attente d’approbation", "awaiting approval"),
    "state.awaiting_revision": ("modifications demandées", "changes requested"),
    "state.publishing": ("publication", "publishing"),
    "state.waiting_follow_up": ("en attente du prochain point", "waiting for the next update"),
    "state.waiting_resolution": ("en attente de résolution", "waiting for resolution"),
    "state.closed": ("close", "closed"),
    "state.cancelled": ("annulée", "cancelled"),
    "state.running": ("en cours", "running"),
    "state.failed": ("en échec", "failed"),
    "state.terminated": ("arrêtée", "terminated"),
    "state.timed_out": ("expirée", "timed out"),
    "action.approve": ("approuvé", "approved"),
    "action.approve_with_edits": ("approuvé avec modifications", "approved with edits"),
    "action.request_changes": ("modifications demandées", "changes requested"),
    "action.reject": ("rejeté", "rejected"),
    "status.title": ("Crise {crisis} — {title}", "Crisis {crisis} — {title}"),
    "status.exercise": ("EXERCICE", "EXERCISE"),
    "status.state": ("État : {state}", "State: {state}"),
    "status.phase": (
        "Phase : {phase}, révision {revision} (rédigée par {author})",
        "Phase: {phase}, revision {revision} (written by {author})",
    ),
    "status.phase_only": ("Phase : {phase}", "Phase: {phase}"),
    "status.pending": ("Approbation attendue de : {who}", "Awaiting approval from: {who}"),
    "status.change_comment": (
        "Modifications demandées : {comment}",
        "Changes requested: {comment}",
    ),
    "status.deadline": ("Échéance : {at}{late}", "Deadline: {at}{late}"),
    "status.late": (" — DÉPASSÉE", " — MISSED"),
    "status.reminder": ("Prochain rappel : {at}", "Next reminder: {at}"),
    "status.escalation": ("Escalade : {at}", "Escalation: {at}"),
    "status.next_update": ("Prochain point annoncé : {at}", "Next update announced: {at}"),
    "status.detected": ("Détectée : {at}", "Detected: {at}"),
    "status.resolved": ("Résolue.", "Resolved."),
    "status.texts": ("Textes de la révision {revision} :", "Texts of revision {revision}:"),
    "status.decisions": ("Décisions :", "Decisions:"),
    "status.facts": ("Faits :", "Facts:"),
    "status.publications": (
        "Publications : {count} fichier(s)",
        "Publications: {count} file(s)",
    ),
    "status.timeline": ("Chronologie :", "Timeline:"),
    "status.findings": (
        "Garde-fous : {blocking} constat(s) bloquant(s), {warnings} avertissement(s).",
        "Guardrails: {blocking} blocking finding(s), {warnings} warning(s).",
    ),
    "status.override": (
        "    dérogation ({rules}) : {reason}",
        "    override ({rules}): {reason}",
    ),
    "status.runs": ("Exécutions (continue-as-new) : {runs}", "Runs (continue-as-new): {runs}"),
    "list.header": ("CRISE\tÉTAT\tDÉBUT\tTITRE", "CRISIS\tSTATE\tSTARTED\tTITLE"),
    "playbooks.none": ("Aucun playbook.", "No playbook."),
    "playbooks.broken": (
        "invalide : « tocsin playbooks lint »",
        "invalid: 'tocsin playbooks lint'",
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
    "err.no_texts": (
        "Aucun texte fourni pour la révision : utilisez --edit ou laissez vide pour re-rédiger.",
        "No text given for the revision: use --edit, or none to redraft.",
    ),
    "err.interrupted": ("Interrompu.", "Interrupted."),
    "confirm.decide": (
        "{action} la révision {revision} de {phase} ?",
        "{action} revision {revision} of {phase}?",
    ),
    "confirm.aborted": ("Rien n’a été envoyé.", "Nothing was sent."),
    "worker.external": (
        "TEMPORAL_ADDRESS est défini ({address}) : pas de serveur intégré, worker seul.",
        "TEMPORAL_ADDRESS is set ({address}): no embedded server, worker only.",
    ),
    # ---------------------------------------------------------------- demo
    "demo.intro": (
        "Démonstration tocsin : serveur Temporal jetable ({db}), acteurs SIMULÉS, délais "
        "accélérés (rappel {remind}, escalade {escalate}, cadence {cadence}).",
        "tocsin demo: throw-away Temporal server ({db}), SIMULATED actors, accelerated delays "
        "(reminder {remind}, escalation {escalate}, cadence {cadence}).",
    ),
    "demo.ui": ("Interface web Temporal : {ui}", "Temporal web UI: {ui}"),
    "demo.sim": ("[simulé] {who} : {what}", "[simulated] {who}: {what}"),
    "demo.triggers": ("déclenche « {title} » pour {commune}", "triggers '{title}' for {commune}"),
    "demo.drafted": (
        "révision {revision} prête pour {phase}, approbation attendue de {who}",
        "revision {revision} ready for {phase}, awaiting approval from {who}",
    ),
    "demo.self_try": (
        "tente d’approuver sa propre révision {revision}",
        "tries to approve their own revision {revision}",
    ),
    "demo.refused": ("→ refusé par le workflow : {reason}", "→ refused by the workflow: {reason}"),
    "demo.away": (
        "ne répond pas (en réunion) : le workflow relance puis escalade",
        "does not answer (in a meeting): the workflow reminds, then escalates",
    ),
    "demo.escalated": ("escalade vers {role} ({who})", "escalated to {role} ({who})"),
    "demo.approves": (
        "approuve la révision {revision} ({phase})",
        "approves revision {revision} ({phase})",
    ),
    "demo.requests": (
        "demande des modifications sur la révision {revision} : {comment}",
        "requests changes on revision {revision}: {comment}",
    ),
    "demo.revises": (
        "soumet une révision corrigée (SMS modifié)",
        "submits a corrected revision (SMS edited)",
    ),
    "demo.fact": ("ajoute un fait : {fact}", "adds a fact: {fact}"),
    "demo.resolves": ("déclare la crise résolue", "declares the crisis resolved"),
    "demo.published": ("publié : {phase} ({count} fichiers)", "published: {phase} ({count} files)"),
    "demo.waiting": (
        "attente du prochain point annoncé ({at})",
        "waiting for the announced next update ({at})",
    ),
    "demo.done": (
        "Crise close en {seconds:.1f} s : {publications} fichiers publiés, {decisions} décisions.",
        "Crisis closed in {seconds:.1f} s: {publications} files published, {decisions} decisions.",
    ),
    "demo.timeline": ("Chronologie (depuis la détection) :", "Timeline (since detection):"),
    "demo.outbox": ("Outbox : {path}", "Outbox: {path}"),
    "demo.sample": ("Exemple publié ({path}) :", "Published example ({path}):"),
    "demo.kept": ("Base et outbox conservées dans {path}", "Database and outbox kept in {path}"),
    "demo.stuck": (
        "La démonstration n’a pas atteint l’étape attendue ({what}) en {seconds} s.",
        "The demo did not reach the expected step ({what}) within {seconds} s.",
    ),
    "event.detected": ("détection", "detected"),
    "event.phase_started": ("début de phase", "phase started"),
    "event.drafted": ("rédaction", "drafted"),
    "event.notified": ("notification", "notified"),
    "event.reminder": ("rappel", "reminder"),
    "event.escalated": ("escalade", "escalated"),
    "event.deadline_missed": ("échéance dépassée", "deadline missed"),
    "event.decided": ("décision", "decision"),
    "event.overridden": ("dérogation", "override"),
    "event.revised": ("révision", "revised"),
    "event.published": ("publication", "published"),
    "event.fact_added": ("fait ajouté", "fact added"),
    "event.resolved": ("résolution", "resolved"),
    "event.cancelled": ("annulation", "cancelled"),
    "event.continued_as_new": ("nouvelle exécution", "continued as new"),
    "event.closed": ("clôture", "closed"),
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
    "refuse.BlockingFindings": (
        "{count} constat(s) bloquant(s) ({rules}) : corrigez le texte, ou dérogez avec une "
        "justification écrite (--override « raison »)",
        "{count} blocking finding(s) ({rules}): fix the text, or override with a written "
        "justification (--override 'reason')",
    ),
    "refuse.OverrideNotAllowed": (
        "{person} ne peut pas déroger à un constat bloquant (rôles autorisés : {roles})",
        "{person} may not override a blocking finding (allowed roles: {roles})",
    ),
    "refuse.OverrideReason": (
        "la justification de la dérogation doit faire au moins {minimum} caractères",
        "the override's justification needs at least {minimum} characters",
    ),
    "refuse.WrongPhase": (
        "la révision {given} concerne une autre phase",
        "revision {given} belongs to another phase",
    ),
    # ---------------------------------------------------------------- the review
    "unit.day": ("j", "d"),
    "review.title": ("Retour d’expérience — {title} ({crisis})", "Review — {title} ({crisis})"),
    "review.closed_at": ("close le {at}", "closed on {at}"),
    "review.cancelled": ("annulée ({reason})", "cancelled ({reason})"),
    "review.failed": ("arrêtée en erreur", "stopped on an error"),
    "review.running": ("en cours (état au {at})", "still running (as of {at})"),
    "review.state": (
        "État : {state}. Détectée le {detected} par {who} ; durée {duration}.",
        "Status: {state}. Detected on {detected} by {who}; lasted {duration}.",
    ),
    "review.first": (
        "Premier message approuvé {approval} après la détection ; première publication après "
        "{publication}.",
        "First statement approved {approval} after detection; first publication after "
        "{publication}.",
    ),
    "review.published": (
        "{statements} message(s) publié(s), {texts} texte(s) : {per}.",
        "{statements} statement(s) published, {texts} text(s): {per}.",
    ),
    "review.counts": (
        "Révisions {revisions} · demandes de modification {changes} · refus {rejections} · "
        "escalades {escalations} · rappels {reminders} · dérogations {overrides}.",
        "Revisions {revisions} · change requests {changes} · rejections {rejections} · "
        "escalations {escalations} · reminders {reminders} · overrides {overrides}.",
    ),
    "review.deadlines": (
        "Échéances : {met} tenue(s), {missed} manquée(s), {open} en cours.",
        "Deadlines: {met} met, {missed} missed, {open} open.",
    ),
    "review.no_cadence": ("Pas de cadence de points annoncée.", "No update cadence announced."),
    "review.cadence": (
        "Cadence promise : toutes les {every} ; heures annoncées tenues {kept}, en retard {late}, "
        "manquées {missed} (tolérance {tolerance}).",
        "Cadence promised: every {every}; announced times kept {kept}, late {late}, missed "
        "{missed} (tolerance {tolerance}).",
    ),
    "review.waits": (
        "Attente d’approbation : {total} au total, la plus longue {longest} ({phase}). "
        "Plus long silence : {silence}.",
        "Waiting for approval: {total} in all, longest {longest} ({phase}). "
        "Longest silence: {silence}.",
    ),
    "review.phases": ("Par phase :", "By phase:"),
    "review.approved_by": ("approuvée par {who} après {wait}", "approved by {who} after {wait}"),
    "review.waiting": ("en attente depuis {wait}", "waiting for {wait}"),
    "review.n_changes": ("{n} demande(s) de modification", "{n} change request(s)"),
    "review.n_rejections": ("{n} refus", "{n} rejection(s)"),
    "review.n_escalations": ("{n} escalade(s)", "{n} escalation(s)"),
    "review.n_overrides": ("{n} dérogation(s)", "{n} override(s)"),
    "review.n_edits": ("{n} texte(s) modifié(s)", "{n} text(s) edited"),
    "review.n_findings": (
        "{n} constat(s) dont {blocking} bloquant(s)",
        "{n} finding(s), {blocking} blocking",
    ),
    "review.override_line": (
        "Dérogation {label} : {rules} par {who} — « {reason} »",
        "Override {label}: {rules} by {who} — '{reason}'",
    ),
    "review.outcome.published": ("publiée", "published"),
    "review.outcome.rejected": ("rejetée", "rejected"),
    "review.outcome.open": ("en cours", "open"),
    "review.outcome.cancelled": ("abandonnée", "abandoned"),
    "review.outcome.internal": ("interne", "internal"),
    "review.deadline.met": ("échéance tenue", "deadline met"),
    "review.deadline.missed": ("échéance manquée", "deadline missed"),
    "review.deadline.open": ("échéance à venir", "deadline ahead"),
    "review.deadline.void": ("sans objet", "void"),
    "review.deadline.none": ("-", "-"),
    "review.cadence.kept": ("tenue", "kept"),
    "review.cadence.late": ("en retard", "late"),
    "review.cadence.missed": ("manquée", "missed"),
    "review.cadence.pending": ("à venir", "pending"),
    "review.fig.to_first_approval": (
        "Délai jusqu’au premier message approuvé",
        "Time to the first approved statement",
    ),
    "review.fig.to_first_publication": (
        "Délai jusqu’à la première publication",
        "Time to the first publication",
    ),
    "review.fig.duration": ("Durée de la crise", "Duration of the crisis"),
    "review.fig.statements": ("Messages publiés (phases)", "Statements published (phases)"),
    "review.fig.texts": ("Textes publiés (canal × langue)", "Texts published (channel × language)"),
    "review.fig.revisions": ("Révisions", "Revisions"),
    "review.fig.change_requests": ("Demandes de modification", "Change requests"),
    "review.fig.rejections": ("Refus", "Rejections"),
    "review.fig.escalations": ("Escalades", "Escalations"),
    "review.fig.reminders": ("Rappels", "Reminders"),
    "review.fig.overrides": ("Dérogations aux garde-fous", "Guardrail overrides"),
    "review.fig.refusals": (
        "Décisions refusées par le workflow",
        "Decisions refused by the workflow",
    ),
    "review.fig.facts": ("Faits ajoutés", "Facts added"),
    "review.fig.deadlines": (
        "Échéances tenues / manquées / en cours",
        "Deadlines met / missed / open",
    ),
    "review.fig.approval_wait": ("Attente d’approbation (total)", "Waiting for approval (total)"),
    "review.fig.longest_wait": ("Plus longue attente d’approbation", "Longest wait for approval"),
    "review.fig.cadence": ("Cadence promise", "Cadence promised"),
    "review.fig.cadence_kept": (
        "Heures annoncées tenues / en retard / manquées",
        "Announced times kept / late / missed",
    ),
    "review.fig.silence": (
        "Plus long silence entre deux messages",
        "Longest silence between statements",
    ),
    "review.h.summary": ("Synthèse", "Summary"),
    "review.h.figures": ("Chiffres", "Figures"),
    "review.h.phases": ("Phases", "Phases"),
    "review.h.decisions": ("Décisions", "Decisions"),
    "review.h.cadence": ("Cadence des points", "Update cadence"),
    "review.h.timeline": ("Chronologie", "Timeline"),
    "review.h.chart": ("Frise", "Timeline chart"),
    "review.h.texts": ("Textes publiés (archive)", "Published texts (archive)"),
    "review.h.people": ("Personnes", "People"),
    "review.col.phase": ("Phase", "Phase"),
    "review.col.outcome": ("Issue", "Outcome"),
    "review.col.started": ("Début", "Started"),
    "review.col.approved": ("Approuvée", "Approved"),
    "review.col.approver": ("Par", "By"),
    "review.col.wait": ("Attente d’approbation", "Waiting for approval"),
    "review.col.revisions": ("Révisions", "Revisions"),
    "review.col.changes": ("Modifications demandées", "Change requests"),
    "review.col.escalations": ("Escalades vers", "Escalated to"),
    "review.col.deadline": ("Échéance", "Deadline"),
    "review.col.channels": ("Canaux", "Channels"),
    "review.col.at": ("Quand", "When"),
    "review.col.statement": ("Message", "Statement"),
    "review.col.who": ("Qui", "Who"),
    "review.col.action": ("Décision", "Decision"),
    "review.col.via": ("Via", "Via"),
    "review.col.waited": ("Attente", "Waited"),
    "review.col.comment": ("Commentaire", "Comment"),
    "review.col.made_in": ("Annoncée dans", "Announced in"),
    "review.col.announced": ("Heure annoncée", "Announced time"),
    "review.col.next": ("Message suivant", "Next statement"),
    "review.col.published": ("Publié", "Published"),
    "review.col.delay": ("Écart", "Delay"),
    "review.col.status": ("Tenue ?", "Kept?"),
    "review.col.figure": ("Indicateur", "Figure"),
    "review.col.value": ("Valeur", "Value"),
    "review.col.roles": ("Rôles", "Roles"),
    "review.edit_by": (
        "Modification de {who} sur {channel}.{lang} :",
        "Edit by {who} on {channel}.{lang}:",
    ),
    "review.text_meta": (
        "Publié le {at}, approuvé par {who} — sha256 {sha}…",
        "Published on {at}, approved by {who} — sha256 {sha}…",
    ),
    "review.source": (
        "Construit depuis l’historique Temporal ({runs} exécution(s)), lu jusqu’au {as_of}.",
        "Built from the Temporal history ({runs} run(s)), read up to {as_of}.",
    ),
    "review.kind.detected": ("détection", "detected"),
    "review.kind.phase_started": ("début de phase", "phase started"),
    "review.kind.drafted": ("rédaction", "drafted"),
    "review.kind.approval_requested": ("approbation demandée", "approval requested"),
    "review.kind.reminder": ("rappel", "reminder"),
    "review.kind.escalated": ("escalade", "escalated"),
    "review.kind.deadline_missed": ("échéance dépassée", "deadline missed"),
    "review.kind.approved": ("approuvé", "approved"),
    "review.kind.changes_requested": ("modifications demandées", "changes requested"),
    "review.kind.rejected": ("rejeté", "rejected"),
    "review.kind.overridden": ("dérogation", "override"),
    "review.kind.refused": ("refusé par le workflow", "refused by the workflow"),
    "review.kind.revised": ("nouvelle révision", "revised"),
    "review.kind.published": ("publié", "published"),
    "review.kind.fact_added": ("fait ajouté", "fact added"),
    "review.kind.resolved": ("résolution", "resolved"),
    "review.kind.cancelled": ("annulation", "cancelled"),
    "review.kind.informed": ("information", "informed"),
    "review.kind.failed": ("échec", "failure"),
    "review.kind.continued_as_new": ("nouvelle exécution", "continued as new"),
    "review.kind.closed": ("clôture", "closed"),
    "review.kind.reviewed": ("retour d’expérience", "review"),
    "review.chart.waiting": ("attente d’approbation", "awaiting approval"),
    "review.chart.revision": ("attente de révision", "awaiting a revision"),
    "review.chart.legend": ("Légende", "Legend"),
    "review.chart.crisis": ("crise", "crisis"),
    "demo.temporary": (
        "Dossier temporaire, effacé à la fin de la démo : « tocsin demo --keep DOSSIER » le garde.",
        "A temporary folder, deleted when the demo ends: 'tocsin demo --keep FOLDER' keeps it.",
    ),
    "review.stored": ("Retour d’expérience enregistré : {path}", "Review stored: {path}"),
    "review.written": ("Rapport écrit : {path}", "Report written: {path}"),
    "review.at": ("Retour d’expérience prévu le {at}.", "Review due on {at}."),
    "help.review": (
        "Retour d’expérience d’une crise, depuis son historique (même en cours).",
        "A crisis's review, from its history (even while it runs).",
    ),
    "help.review_html": ("Écrire le rapport HTML dans FICHIER.", "Write the HTML report to FILE."),
    "help.review_md": (
        "Écrire le rapport Markdown dans FICHIER (- : la sortie).",
        "Write the Markdown report to FILE (-: stdout).",
    ),
    "help.review_history": (
        "Lire l’historique depuis ces fichiers JSON (une exécution chacun) au lieu du serveur.",
        "Read the history from these JSON files (one run each) instead of the server.",
    ),
    "err.invalid_input": ("Entrée refusée : {problems}", "Input refused: {problems}"),
    "err.history": ("Historique illisible : {problem}", "Unreadable history: {problem}"),
    "err.write": ("Impossible d’écrire {path} : {problem}", "Cannot write {path}: {problem}"),
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


def invalid_input(exc: ValidationError) -> str:
    """A pydantic refusal in one line: where, then what (the first five problems)."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '-'} : {error['msg']}"
        for error in exc.errors()[:5]
    )
    return t("err.invalid_input", problems=problems)
