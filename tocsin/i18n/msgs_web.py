# ruff: noqa: E501  (messages are one line each, as the catalogues hold them)
"""The web console's messages (tocsin/web), waiting for tocsin.i18n.convert."""

MESSAGES = {
    "web.app": (
        "tocsin – console de crise",
        "tocsin – crisis console",
        "tocsin – Krisenkonsole",
    ),
    "web.skip": (
        "Aller au contenu",
        "Skip to content",
        "Zum Inhalt",
    ),
    "web.nav": (
        "Navigation principale",
        "Main navigation",
        "Hauptnavigation",
    ),
    "web.crises": (
        "Crises",
        "Crises",
        "Krisen",
    ),
    "web.trigger": (
        "Lancer une crise",
        "Start a crisis",
        "Krise auslösen",
    ),
    "web.sign_in": (
        "Se connecter",
        "Sign in",
        "Anmelden",
    ),
    "web.sign_out": (
        "Se déconnecter",
        "Sign out",
        "Abmelden",
    ),
    "web.sign_in_oidc": (
        "Connectez-vous avec le compte de votre organisation.",
        "Sign in with your organisation’s account.",
        "Melden Sie sich mit dem Konto Ihrer Organisation an.",
    ),
    "web.sign_in_button": (
        "Se connecter avec le compte de l’organisation",
        "Sign in with the organisation’s account",
        "Mit dem Konto der Organisation anmelden",
    ),
    "web.sign_in_link": (
        "Aucun fournisseur d’identité n’est configuré\xa0: ouvrez, sur cette machine, le lien de connexion à usage unique que «\u202ftocsin up\u202f» a affiché pour vous.",
        "No identity provider is configured: open, on this machine, the one-time sign-in link that “tocsin up” printed for you.",
        "Kein Identitätsanbieter konfiguriert: Öffnen Sie auf diesem Rechner den einmaligen Anmeldelink, den „tocsin up“ für Sie angezeigt hat.",
    ),
    "web.sign_in_failed": (
        "La connexion a échoué",
        "Sign-in failed",
        "Anmeldung fehlgeschlagen",
    ),
    "web.sign_in_again": (
        "La réponse du fournisseur d’identité n’a pas pu être vérifiée. Recommencez la connexion.",
        "The identity provider’s answer could not be verified. Sign in again.",
        "Die Antwort des Identitätsanbieters konnte nicht geprüft werden. Melden Sie sich erneut an.",
    ),
    "web.provider_down": (
        "Le fournisseur d’identité ne répond pas. Réessayez dans un instant.",
        "The identity provider does not answer. Try again in a moment.",
        "Der Identitätsanbieter antwortet nicht. Versuchen Sie es gleich noch einmal.",
    ),
    "web.refused_title": (
        "Accès refusé",
        "Access refused",
        "Zugriff verweigert",
    ),
    "web.not_a_person": (
        "Votre compte ne correspond à aucune personne des playbooks de l’organisation (adresse e-mail vérifiée ou identifiant). Demandez à l’administrateur de vous y ajouter.",
        "Your account matches no person of the organisation’s playbooks (verified e-mail address or subject). Ask the administrator to add you.",
        "Ihr Konto entspricht keiner Person der Playbooks der Organisation (bestätigte E-Mail-Adresse oder Kennung). Bitten Sie den Administrator, Sie hinzuzufügen.",
    ),
    "web.link_loopback": (
        "Les liens de connexion à usage unique ne fonctionnent que sur cette machine, sans fournisseur d’identité.",
        "One-time sign-in links work only on this machine, without an identity provider.",
        "Einmalige Anmeldelinks funktionieren nur auf diesem Rechner, ohne Identitätsanbieter.",
    ),
    "web.link_used": (
        "Ce lien de connexion est inconnu, déjà utilisé ou expiré. Redémarrez «\u202ftocsin up\u202f» pour en obtenir un nouveau.",
        "This sign-in link is unknown, already used or expired. Restart “tocsin up” to get a new one.",
        "Dieser Anmeldelink ist unbekannt, schon benutzt oder abgelaufen. Starten Sie „tocsin up“ neu, um einen neuen zu erhalten.",
    ),
    "web.session_over_title": (
        "Session terminée",
        "Session over",
        "Sitzung beendet",
    ),
    "web.session_over": (
        "Votre session a expiré ou a été fermée\xa0: rien n’a été envoyé. Reconnectez-vous.",
        "Your session expired or was closed: nothing was sent. Sign in again.",
        "Ihre Sitzung ist abgelaufen oder wurde beendet: Nichts wurde gesendet. Melden Sie sich erneut an.",
    ),
    "web.bad_form": (
        "Ce formulaire n’est pas valide (jeton de sécurité absent ou périmé)\xa0: rien n’a été envoyé. Rechargez la page et recommencez.",
        "This form is not valid (security token missing or stale): nothing was sent. Reload the page and try again.",
        "Dieses Formular ist ungültig (Sicherheitstoken fehlt oder ist veraltet): Nichts wurde gesendet. Laden Sie die Seite neu und versuchen Sie es erneut.",
    ),
    "web.reload": (
        "Recharger",
        "Reload",
        "Neu laden",
    ),
    "web.no_crises": (
        "Aucune crise en cours ou récente ne vous concerne.",
        "No current or recent crisis concerns you.",
        "Keine laufende oder kürzliche Krise betrifft Sie.",
    ),
    "web.no_crisis_title": (
        "Crise introuvable",
        "Crisis not found",
        "Krise nicht gefunden",
    ),
    "web.no_crisis": (
        "Cette crise n’existe pas, ou vous n’en faites pas partie.",
        "This crisis does not exist, or you are not part of it.",
        "Diese Krise existiert nicht, oder Sie gehören nicht dazu.",
    ),
    "web.exercise": (
        "exercice",
        "exercise",
        "Übung",
    ),
    "web.waits_for_you": (
        "en attente",
        "waiting",
        "wartet",
    ),
    "web.you_are": (
        "Vous êtes {person}",
        "You are {person}",
        "Sie sind {person}",
    ),
    "web.stale": (
        "Une nouvelle version est arrivée pendant que vous écriviez.",
        "A new version arrived while you were writing.",
        "Eine neue Fassung ist eingetroffen, während Sie schrieben.",
    ),
    "web.status": (
        "Où en est la crise",
        "Where the crisis stands",
        "Stand der Krise",
    ),
    "web.state": (
        "État",
        "State",
        "Zustand",
    ),
    "web.phase": (
        "Phase",
        "Phase",
        "Phase",
    ),
    "web.revision": (
        "révision {revision}",
        "revision {revision}",
        "Revision {revision}",
    ),
    "web.author": (
        "Rédaction",
        "Written by",
        "Verfasst von",
    ),
    "web.pending": (
        "Attend la décision de",
        "Waiting for the decision of",
        "Wartet auf die Entscheidung von",
    ),
    "web.deadline": (
        "Échéance",
        "Deadline",
        "Frist",
    ),
    "web.late": (
        "dépassée",
        "missed",
        "überschritten",
    ),
    "web.next_update": (
        "Prochain point",
        "Next update",
        "Nächste Meldung",
    ),
    "web.change_comment": (
        "Modifications demandées\xa0:",
        "Changes asked:",
        "Gewünschte Änderungen:",
    ),
    "web.draft": (
        "Textes à décider (révision {revision})",
        "Texts to decide on (revision {revision})",
        "Zu entscheidende Texte (Revision {revision})",
    ),
    "web.findings_count": (
        "Garde-fous\xa0: {blocking} bloquant(s), {warnings} à revoir.",
        "Guardrails: {blocking} blocking, {warnings} to review.",
        "Leitplanken: {blocking} blockierend, {warnings} zu prüfen.",
    ),
    "web.short_variant": (
        "version courte",
        "short version",
        "Kurzfassung",
    ),
    "web.over_limit": (
        "Trop long\xa0:",
        "Too long:",
        "Zu lang:",
    ),
    "web.count": (
        "{count} caractères",
        "{count} characters",
        "{count} Zeichen",
    ),
    "web.text_label": (
        "Texte {channel} ({language}), modifiable",
        "Text {channel} ({language}), editable",
        "Text {channel} ({language}), bearbeitbar",
    ),
    "web.comment": (
        "Commentaire",
        "Comment",
        "Kommentar",
    ),
    "web.comment_hint": (
        "Obligatoire pour demander des modifications ou refuser\u202f; les textes que vous réécrivez accompagnent une demande de modifications.",
        "Required to ask for changes or to reject; the texts you rewrite go with a change request.",
        "Pflicht, um Änderungen zu verlangen oder abzulehnen; von Ihnen umgeschriebene Texte begleiten eine Änderungsanfrage.",
    ),
    "web.override": (
        "Justification de la dérogation",
        "Justification of the override",
        "Begründung der Ausnahme",
    ),
    "web.override_hint": (
        "Des garde-fous bloquent ce texte. Pour approuver malgré eux, si votre rôle le permet, écrivez pourquoi.",
        "Guardrails block this text. To approve despite them, if your role allows it, write why.",
        "Leitplanken blockieren diesen Text. Um trotzdem zu genehmigen, falls Ihre Rolle es erlaubt, schreiben Sie warum.",
    ),
    "web.approve": (
        "Approuver tel quel",
        "Approve as is",
        "Unverändert genehmigen",
    ),
    "web.approve_with_edits": (
        "Approuver avec mes modifications",
        "Approve with my edits",
        "Mit meinen Änderungen genehmigen",
    ),
    "web.request_changes": (
        "Demander des modifications",
        "Ask for changes",
        "Änderungen verlangen",
    ),
    "web.reject": (
        "Refuser",
        "Reject",
        "Ablehnen",
    ),
    "web.note": (
        "Note pour la personne qui décide",
        "Note for the person who decides",
        "Notiz für die entscheidende Person",
    ),
    "web.send_revision": (
        "Envoyer la révision",
        "Send the revision",
        "Revision senden",
    ),
    "web.pick_action": (
        "Choisissez une décision\xa0: approuver, demander des modifications ou refuser.",
        "Pick a decision: approve, ask for changes or reject.",
        "Wählen Sie eine Entscheidung: genehmigen, Änderungen verlangen oder ablehnen.",
    ),
    "web.edited_but_plain": (
        "Vous avez modifié des textes\xa0: choisissez «\u202fApprouver avec mes modifications\u202f», ou rétablissez-les. Rien n’a été envoyé.",
        "You changed texts: choose “Approve with my edits”, or put them back. Nothing was sent.",
        "Sie haben Texte geändert: Wählen Sie „Mit meinen Änderungen genehmigen“ oder stellen Sie sie wieder her. Nichts wurde gesendet.",
    ),
    "web.timeline": (
        "Chronologie",
        "Timeline",
        "Chronologie",
    ),
    "web.decisions": (
        "Décisions",
        "Decisions",
        "Entscheidungen",
    ),
    "web.decision_line": (
        "{at} · {phase}, révision {revision} · {person}\xa0: {action} (via {via})",
        "{at} · {phase}, revision {revision} · {person}: {action} (via {via})",
        "{at} · {phase}, Revision {revision} · {person}: {action} (über {via})",
    ),
    "web.posts": (
        "Publications",
        "Posts",
        "Veröffentlichungen",
    ),
    "web.events": (
        "Événements, du plus récent au plus ancien",
        "Events, newest first",
        "Ereignisse, neueste zuerst",
    ),
    "web.post.pending": (
        "en cours",
        "under way",
        "läuft",
    ),
    "web.post.delayed": (
        "en retard, tâche manuelle proposée",
        "late, manual task offered",
        "verspätet, manuelle Aufgabe angeboten",
    ),
    "web.post.published": (
        "publié",
        "published",
        "veröffentlicht",
    ),
    "web.post.failed": (
        "en échec, à publier à la main",
        "failed, to publish by hand",
        "fehlgeschlagen, von Hand zu veröffentlichen",
    ),
    "web.post.by_hand": (
        "publié à la main",
        "published by hand",
        "von Hand veröffentlicht",
    ),
    "web.add_fact": (
        "Ajouter un fait",
        "Add a fact",
        "Fakt hinzufügen",
    ),
    "web.fact": (
        "Fait nouveau (il alimente les prochains messages)",
        "New fact (it feeds the next statements)",
        "Neuer Fakt (fließt in die nächsten Meldungen ein)",
    ),
    "web.add_fact_button": (
        "Ajouter le fait",
        "Add the fact",
        "Fakt hinzufügen",
    ),
    "web.resolve": (
        "Déclarer la crise résolue",
        "Declare the crisis resolved",
        "Krise für beendet erklären",
    ),
    "web.resolve_summary": (
        "Résumé de la résolution (facultatif)",
        "Summary of the resolution (optional)",
        "Zusammenfassung der Lösung (freiwillig)",
    ),
    "web.resolve_button": (
        "Déclarer résolue",
        "Declare resolved",
        "Für beendet erklären",
    ),
    "web.done.approve": (
        "Approbation enregistrée.",
        "Approval recorded.",
        "Genehmigung erfasst.",
    ),
    "web.done.approve_with_edits": (
        "Approbation avec modifications enregistrée.",
        "Approval with edits recorded.",
        "Genehmigung mit Änderungen erfasst.",
    ),
    "web.done.request_changes": (
        "Demande de modifications envoyée.",
        "Change request sent.",
        "Änderungsanfrage gesendet.",
    ),
    "web.done.reject": (
        "Refus enregistré.",
        "Rejection recorded.",
        "Ablehnung erfasst.",
    ),
    "web.done.revised": (
        "Révision envoyée.",
        "Revision sent.",
        "Revision gesendet.",
    ),
    "web.done.fact": (
        "Fait ajouté.",
        "Fact added.",
        "Fakt hinzugefügt.",
    ),
    "web.done.resolved": (
        "Crise déclarée résolue\xa0: le message de clôture suit.",
        "Crisis declared resolved: the closing statement follows.",
        "Krise für beendet erklärt: die Abschlussmeldung folgt.",
    ),
    "web.done.triggered": (
        "Crise lancée.",
        "Crisis started.",
        "Krise ausgelöst.",
    ),
    "web.done.already_running": (
        "Cette crise était déjà en cours, avec les mêmes paramètres.",
        "This crisis was already running, with the same parameters.",
        "Diese Krise lief bereits, mit denselben Parametern.",
    ),
    "web.no_playbooks": (
        "Vous ne faites partie d’aucun playbook.",
        "You are part of no playbook.",
        "Sie gehören zu keinem Playbook.",
    ),
    "web.no_playbook_title": (
        "Playbook introuvable",
        "Playbook not found",
        "Playbook nicht gefunden",
    ),
    "web.no_playbook": (
        "Ce playbook n’existe pas, ne se charge pas, ou vous n’en faites pas partie.",
        "This playbook does not exist, does not load, or you are not part of it.",
        "Dieses Playbook existiert nicht, lädt nicht, oder Sie gehören nicht dazu.",
    ),
    "web.trigger_title": (
        "Lancer\xa0: {title}",
        "Start: {title}",
        "Auslösen: {title}",
    ),
    "web.examples_prefilled": (
        "Les exemples du playbook sont préremplis\xa0: remplacez-les par les faits de la crise.",
        "The playbook’s examples are filled in: replace them with the crisis’s facts.",
        "Die Beispiele des Playbooks sind vorausgefüllt: Ersetzen Sie sie durch die Fakten der Krise.",
    ),
    "web.required": (
        "(obligatoire)",
        "(required)",
        "(Pflicht)",
    ),
    "web.param_required": (
        "Ce champ est obligatoire.",
        "This field is required.",
        "Dieses Feld ist Pflicht.",
    ),
    "web.param_problems": (
        "Certains paramètres sont à corriger\xa0: rien n’a été lancé.",
        "Some parameters need fixing: nothing was started.",
        "Einige Parameter sind zu korrigieren: Nichts wurde ausgelöst.",
    ),
    "web.key": (
        "Clé de la crise",
        "Crisis key",
        "Krisenschlüssel",
    ),
    "web.key_hint": (
        "Par défaut, la date du jour\xa0: une seule crise de ce type par jour. Donnez une autre clé pour une deuxième crise le même jour.",
        "By default today’s date: one crisis of this kind a day. Give another key for a second crisis the same day.",
        "Standardmäßig das heutige Datum: eine Krise dieser Art pro Tag. Geben Sie für eine zweite Krise am selben Tag einen anderen Schlüssel an.",
    ),
    "web.exercise_box": (
        "Exercice (rien n’est publié sur un vrai compte)",
        "Exercise (nothing reaches a real account)",
        "Übung (nichts erreicht ein echtes Konto)",
    ),
    "web.trigger_button": (
        "Lancer la crise",
        "Start the crisis",
        "Krise auslösen",
    ),
    "web.different_parameters": (
        "Une crise de ce playbook tourne déjà sous cette clé avec d’autres valeurs ({names})\xa0: donnez-lui une autre clé.",
        "A crisis of this playbook already runs under this key with other values ({names}): give it another key.",
        "Eine Krise dieses Playbooks läuft bereits unter diesem Schlüssel mit anderen Werten ({names}): Geben Sie ihr einen anderen Schlüssel.",
    ),
    "web.err.no_oidc_beyond_loopback": (
        "La console refuse d’écouter sur {host} sans fournisseur d’identité\xa0: réglez TOCSIN_OIDC_ISSUER, TOCSIN_OIDC_CLIENT_ID et le secret, ou gardez TOCSIN_WEB_HOST sur 127.0.0.1.",
        "The console refuses to listen on {host} without an identity provider: set TOCSIN_OIDC_ISSUER, TOCSIN_OIDC_CLIENT_ID and the secret, or keep TOCSIN_WEB_HOST on 127.0.0.1.",
        "Die Konsole lauscht ohne Identitätsanbieter nicht auf {host}: Setzen Sie TOCSIN_OIDC_ISSUER, TOCSIN_OIDC_CLIENT_ID und das Geheimnis, oder lassen Sie TOCSIN_WEB_HOST auf 127.0.0.1.",
    ),
    "web.err.bad_url": (
        "TOCSIN_WEB_URL n’est pas une adresse http(s)\xa0: «\u202f{value}\u202f».",
        "TOCSIN_WEB_URL is not an http(s) address: “{value}”.",
        "TOCSIN_WEB_URL ist keine http(s)-Adresse: „{value}“.",
    ),
    "web.err.url_not_https": (
        "TOCSIN_WEB_URL doit être en https hors de cette machine\xa0: «\u202f{value}\u202f».",
        "TOCSIN_WEB_URL must be https beyond this machine: “{value}”.",
        "TOCSIN_WEB_URL muss außerhalb dieses Rechners https sein: „{value}“.",
    ),
    "web.err.issuer": (
        "TOCSIN_OIDC_ISSUER doit être une adresse https (ou http sur 127.0.0.1)\xa0: «\u202f{value}\u202f».",
        "TOCSIN_OIDC_ISSUER must be an https address (or http on 127.0.0.1): “{value}”.",
        "TOCSIN_OIDC_ISSUER muss eine https-Adresse sein (oder http auf 127.0.0.1): „{value}“.",
    ),
    "web.err.oidc_missing": (
        "Avec TOCSIN_OIDC_ISSUER, il faut aussi\xa0: {names}.",
        "With TOCSIN_OIDC_ISSUER, these are needed too: {names}.",
        "Mit TOCSIN_OIDC_ISSUER werden auch benötigt: {names}.",
    ),
    "web.err.secret_file": (
        "{name}\xa0: fichier illisible ({problem}).",
        "{name}: file unreadable ({problem}).",
        "{name}: Datei nicht lesbar ({problem}).",
    ),
    "web.err.short_key": (
        "TOCSIN_WEB_SESSION_KEY\xa0: au moins {chars} caractères.",
        "TOCSIN_WEB_SESSION_KEY: at least {chars} characters.",
        "TOCSIN_WEB_SESSION_KEY: mindestens {chars} Zeichen.",
    ),
    "web.ready": (
        "Console web prête\xa0: {url}",
        "Web console ready: {url}",
        "Webkonsole bereit: {url}",
    ),
    "web.ready_oidc": (
        "Connexion par {issuer}.",
        "Sign-in through {issuer}.",
        "Anmeldung über {issuer}.",
    ),
    "web.links": (
        "Liens de connexion à usage unique (sur cette machine, valables {hours} h)\xa0:",
        "One-time sign-in links (on this machine, good for {hours} h):",
        "Einmalige Anmeldelinks (auf diesem Rechner, {hours} Std. gültig):",
    ),
    "help.web": (
        "Servir la console web seule (connexion OpenID Connect, ou liens à usage unique sur 127.0.0.1).",
        "Serve the web console alone (OpenID Connect sign-in, or one-time links on 127.0.0.1).",
        "Nur die Webkonsole bereitstellen (Anmeldung über OpenID Connect oder Einmallinks auf 127.0.0.1).",
    ),
    "web.no_list": (
        "La liste des crises n’est pas disponible sur ce serveur Temporal\u00a0: ouvrez une crise par son lien.",
        "The list of crises is not available on this Temporal server: open a crisis by its link.",
        "Die Liste der Krisen ist auf diesem Temporal-Server nicht verfügbar: Öffnen Sie eine Krise über ihren Link.",
    ),
    "web.to_decision": (
        "Aller à la décision",
        "Go to the decision",
        "Zur Entscheidung",
    ),
    "web.decision": (
        "Votre décision",
        "Your decision",
        "Ihre Entscheidung",
    ),
}
