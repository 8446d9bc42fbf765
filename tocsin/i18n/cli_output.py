"""What the command line says when a command succeeds: crisis states and decisions, status,
lists, the servers and workers starting, previews and checks."""

from __future__ import annotations

# key: (français, English)
MESSAGES: dict[str, tuple[str, str]] = {
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
    "trigger.other_params": (
        "Une crise tourne déjà sous cette clé ({crisis}), avec d’autres valeurs pour : {names}. "
        "Pour une autre crise le même jour, donnez-lui sa propre clé : --key secteur-nord, "
        "par exemple.",
        "A crisis already runs under this key ({crisis}), with other values for: {names}. For "
        "another crisis the same day, give it a key of its own: --key north-sector, for "
        "example.",
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
    "retract.recorded": (
        "Rétractation enregistrée : la déclaration qui l’annonce va être rédigée, puis soumise "
        "à approbation.",
        "Retraction recorded: the statement announcing it will be drafted, then sent for approval.",
    ),
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
    "worker.ready": (
        "Worker prêt sur {address}, file « {queue} ». Ctrl-C pour arrêter.",
        "Worker ready on {address}, queue '{queue}'. Ctrl-C to stop.",
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
    "preview.short": ("variante courte", "short variant"),
    "preview.page_title": ("Aperçu", "Preview"),
    "preview.page_lead": (
        "Chaque texte tel que le public le verra, avec sa longueur comptée comme la plateforme "
        "la compte et les constats des garde-fous. Rien n’est publié.",
        "Every text as the public will see it, with its length counted as its platform counts "
        "it and the guardrails' findings. Nothing is published.",
    ),
    "preview.page_short": ("variante courte", "short variant"),
    "preview.page_easy_read": ("Version plus simple proposée", "Simpler version offered"),
    "preview.watching": (
        "Aperçu à jour. J’observe {path} et les gabarits : chaque enregistrement refait "
        "l’aperçu. Ctrl-C pour arrêter.",
        "Preview up to date. Watching {path} and the templates: each save redoes the preview. "
        "Ctrl-C to stop.",
    ),
    "preview.redone": ("Aperçu refait en {seconds} s.", "Preview redone in {seconds} s."),
    "severity.blocking": ("bloquant", "blocking"),
    "severity.warning": ("à revoir", "warning"),
    "phase.detect": ("Détection", "Detection"),
    "phase.acknowledge": ("Premier message", "First statement"),
    "phase.explain": ("Explication", "Explanation"),
    "phase.solutions": ("Solutions", "Solutions"),
    "phase.follow_up": ("Point de situation n° {number}", "Update no. {number}"),
    "phase.close": ("Fin de l’épisode", "Close"),
    "preview.easy_read": (
        "  Version FALC proposée ({lang}) — à relire avec des mots simples :",
        "  Easy-to-read version offered ({lang}) — to reword with simple words:",
    ),
    "check.clean": ("Aucun constat.", "No finding."),
    "check.summary": (
        "{blocking} bloquant(s), {warnings} avertissement(s).",
        "{blocking} blocking, {warnings} warning(s).",
    ),
    "preview.written": ("Aperçu écrit : {path}", "Preview written: {path}"),
    "preview.over": (
        "{count} texte(s) dépassent la limite de leur canal.",
        "{count} text(s) exceed their channel's limit.",
    ),
    "state.drafting": ("rédaction", "drafting"),
    "state.awaiting_approval": ("en attente d’approbation", "awaiting approval"),
    "state.awaiting_revision": ("modifications demandées", "changes requested"),
    "state.publishing": ("publication", "publishing"),
    "state.waiting_follow_up": ("en attente du prochain point", "waiting for the next update"),
    "state.waiting_resolution": ("en attente de résolution", "waiting for resolution"),
    "state.closed": ("terminée", "closed"),
    "state.retracted": ("rétractée", "retracted"),
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
    "confirm.decide": (
        "{action} la révision {revision} de {phase} ?",
        "{action} revision {revision} of {phase}?",
    ),
    "confirm.aborted": ("Rien n’a été envoyé.", "Nothing was sent."),
    "worker.external": (
        "TEMPORAL_ADDRESS est défini ({address}) : pas de serveur intégré, worker seul.",
        "TEMPORAL_ADDRESS is set ({address}): no embedded server, worker only.",
    ),
}
