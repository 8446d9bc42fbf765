"""``tocsin demo``'s narration (``demo.*``) and the timeline it prints (``event.<kind>``)."""

from __future__ import annotations

# key: (français, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "demo.intro": (
        "Démonstration tocsin : serveur Temporal jetable ({db}), acteurs SIMULÉS, délais "
        "accélérés (rappel {remind}, escalade {escalate}, cadence {cadence}).",
        "tocsin demo: throw-away Temporal server ({db}), SIMULATED actors, accelerated delays "
        "(reminder {remind}, escalation {escalate}, cadence {cadence}).",
    ),
    "demo.sim": ("[simulé] {who} : {what}", "[simulated] {who}: {what}"),
    "demo.triggers": ("déclenche « {title} » pour {commune}", "triggers '{title}' for {commune}"),
    "demo.drafted": (
        "révision {revision} prête pour {phase}, approbation attendue de {who}",
        "revision {revision} ready for {phase}, awaiting approval from {who}",
    ),
    "demo.self_try": (
        "assure la {role} par intérim et tente d’approuver sa propre révision {revision}",
        "stands in as {role} and tries to approve their own revision {revision}",
    ),
    "demo.no_edit": (
        "La révision de la démonstration ne change pas le SMS : rien à montrer.",
        "The demo's revision does not change the SMS: nothing to show.",
    ),
    "demo.refused": ("→ refusé par le workflow : {reason}", "→ refused by the workflow: {reason}"),
    "demo.away": (
        "ne répond pas (en réunion) : le workflow relance puis escalade",
        "does not answer (in a meeting): the workflow reminds, then escalates",
    ),
    "demo.escalated": (
        "escalade, au rôle suivant : {role} ({who})",
        "escalated to the next role: {role} ({who})",
    ),
    "demo.approves": (
        "approuve la révision {revision} ({phase})",
        "approves revision {revision} ({phase})",
    ),
    "demo.requests": (
        "demande des modifications sur la révision {revision} : {comment}",
        "requests changes on revision {revision}: {comment}",
    ),
    "demo.revises": (
        "soumet une révision corrigée (le SMS dit où trouver de l’eau en bouteille)",
        "submits a corrected revision (the SMS says where to find bottled water)",
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
    "event.retracted": ("rétractation", "retracted"),
    "event.continued_as_new": ("nouvelle exécution", "continued as new"),
    "event.closed": ("clôture", "closed"),
    "event.reviewed": ("retour d’expérience", "review"),
    "demo.temporary": (
        "Dossier temporaire, effacé à la fin de la démo : « tocsin demo --keep DOSSIER » le garde.",
        "A temporary folder, deleted when the demo ends: 'tocsin demo --keep FOLDER' keeps it.",
    ),
}
