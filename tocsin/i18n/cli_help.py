"""The command line's help: the program, each command and each option (``help.*``)."""

from __future__ import annotations

# key: (français, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.help": (
        "tocsin : orchestration des communications de crise des services publics.",
        "tocsin: crisis-communication runbooks for public bodies.",
    ),
    "help.up": (
        "Démarre le serveur Temporal intégré (SQLite) et un worker, au premier plan.",
        "Start the embedded Temporal server (SQLite) and a worker, in the foreground.",
    ),
    "help.slack": (
        "Lance l’app Slack seule (mode Socket par défaut, ou HTTP) sur le serveur configuré.",
        "Run the Slack app alone (Socket Mode by default, or HTTP) on the configured server.",
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
    "help.preview_json": (
        "Chaque texte en JSON : phase, canal, langue, longueur, limite, unité, constats.",
        "Every text as JSON: phase, channel, language, count, limit, unit, findings.",
    ),
    "help.watch": (
        "Refaire l’aperçu à chaque modification du playbook ou des gabarits (le modèle de "
        "langue n’est chargé qu’une fois).",
        "Redo the preview each time the playbook or a template changes (the language model "
        "loads once).",
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
    "help.check_jsonl": (
        "Lire des JSON Lines (text, channel, lang, date, playbook, phase, exercise, id ; les "
        "options valent pour les champs absents) et écrire un résultat JSON par ligne.",
        "Read JSON Lines (text, channel, lang, date, playbook, phase, exercise, id; the "
        "options stand for missing fields) and write one JSON result a line.",
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
        "Annule la crise déclenchée par erreur, tant que rien n’est publié : plus rien n’est "
        "rédigé ni publié. Après une publication : tocsin retract.",
        "Cancel a crisis triggered by mistake, while nothing is published: nothing more is "
        "drafted or published. After a publication: tocsin retract.",
    ),
    "help.retract": (
        "Rétracte ce qui a été publié (alerte à tort, fausse alerte) : la déclaration de "
        "rétractation est rédigée, approuvée puis publiée sur chaque canal.",
        "Retract what was published (an alert sent in error, a false alarm): the retraction "
        "is drafted, approved, then published on every channel.",
    ),
    "help.retract_reason": (
        "Pourquoi, en une phrase que le public lira.",
        "Why, in one sentence the public will read.",
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
}
