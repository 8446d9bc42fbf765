"""Messages of the Matrix front end (tocsin/matrix/), carried into the catalogues by
``python -m tocsin.i18n.convert``."""

MESSAGES = {
    "matrix.cut": (
        "texte coupé ici dans la carte, publié en entier",
        "text cut here in the card, published in full",
        "Text hier in der Karte gekürzt, vollständig veröffentlicht",
    ),
    "matrix.revision": (
        "Révision {revision}",
        "Revision {revision}",
        "Revision {revision}",
    ),
    "matrix.approvers": (
        "Approbation\xa0: {who}",
        "Approval: {who}",
        "Freigabe: {who}",
    ),
    "matrix.deadline": (
        "Échéance\xa0: {at}",
        "Deadline: {at}",
        "Frist: {at}",
    ),
    "matrix.next_update": (
        "Prochain point annoncé\xa0: {at}",
        "Next update announced: {at}",
        "Nächste Meldung angekündigt: {at}",
    ),
    "matrix.correction_reason": (
        "Motif de la correction\xa0: {reason}",
        "Reason for the correction: {reason}",
        "Grund der Korrektur: {reason}",
    ),
    "matrix.note": (
        "Note\xa0: {note}",
        "Note: {note}",
        "Notiz: {note}",
    ),
    "matrix.more_findings": (
        "… et {count} autre(s) (tocsin status).",
        "… and {count} more (tocsin status).",
        "… und {count} weitere (tocsin status).",
    ),
    "matrix.more_texts": (
        "{count} autre(s) texte(s), à voir avec tocsin status\xa0: {rest}",
        "{count} more text(s), see tocsin status: {rest}",
        "{count} weitere(r) Text(e), siehe tocsin status: {rest}",
    ),
    "matrix.how": (
        (
            "Pour décider\xa0: réagissez ✅ pour approuver\xa0; réagissez ❌ puis répondez dans le "
            "fil avec le motif pour rejeter\xa0; répondez «\u202fmodifications\xa0: …\u202f» "
            "pour demander des changements\xa0; ou répondez avec des lignes "
            "«\u202fcanal:langue=texte\u202f» pour approuver avec vos corrections."
        ),
        (
            "To decide: react ✅ to approve; react ❌ then reply in the thread with the reason to "
            "reject; reply “modifications: …” to ask for changes; or reply with "
            "“channel:language=text” lines to approve with your edits."
        ),
        (
            "Zur Entscheidung: mit ✅ reagieren, um freizugeben; mit ❌ reagieren und im Thread "
            "mit dem Grund antworten, um abzulehnen; mit „modifications: …“ antworten, um "
            "Änderungen zu verlangen; oder mit Zeilen „Kanal:Sprache=Text“ antworten, um mit "
            "Ihren Korrekturen freizugeben."
        ),
    ),
    "matrix.published_text": (
        "{text} publié",
        "{text} published",
        "{text} veröffentlicht",
    ),
    "matrix.task_cli": (
        "Une fois publié, dites-le\xa0: {command}",
        "Once published, say so: {command}",
        "Nach der Veröffentlichung melden: {command}",
    ),
    "matrix.posted": (
        "📣 Publications — {phase}, révision {revision}\xa0:",
        "📣 Posts — {phase}, revision {revision}:",
        "📣 Veröffentlichungen — {phase}, Revision {revision}:",
    ),
    "matrix.status": (
        "{title}\xa0: {state} · {phase} · révision {revision} · en attente de {waiting}",
        "{title}: {state} · {phase} · revision {revision} · waiting for {waiting}",
        "{title}: {state} · {phase} · Revision {revision} · wartet auf {waiting}",
    ),
    "matrix.token_file": (
        "Le jeton Matrix ne se lit pas dans {path}\xa0: {error}",
        "The Matrix token cannot be read from {path}: {error}",
        "Das Matrix-Token lässt sich nicht aus {path} lesen: {error}",
    ),
    "matrix.bad_homeserver": (
        (
            "MATRIX_HOMESERVER doit être l’adresse du serveur, en http(s):// (reçu "
            "«\u202f{url}\u202f»)"
        ),
        "MATRIX_HOMESERVER must be the homeserver’s address, http(s):// (got “{url}”)",
        ("MATRIX_HOMESERVER muss die Adresse des Servers sein, mit http(s):// (erhalten: „{url}“)"),
    ),
    "matrix.bad_user": (
        ("MATRIX_USER_ID doit être l’identifiant du bot, @nom:serveur (reçu «\u202f{user}\u202f»)"),
        "MATRIX_USER_ID must be the bot’s id, @name:server (got “{user}”)",
        "MATRIX_USER_ID muss die Kennung des Bots sein, @name:server (erhalten: „{user}“)",
    ),
    "matrix.missing_token": (
        "le jeton d’accès du bot manque (MATRIX_ACCESS_TOKEN ou MATRIX_ACCESS_TOKEN_FILE)",
        "the bot’s access token is missing (MATRIX_ACCESS_TOKEN or MATRIX_ACCESS_TOKEN_FILE)",
        "das Zugriffstoken des Bots fehlt (MATRIX_ACCESS_TOKEN oder MATRIX_ACCESS_TOKEN_FILE)",
    ),
    "matrix.bad_token": (
        "le jeton d’accès du bot n’a pas la forme d’un jeton (espaces, ou trop long)",
        "the bot’s access token does not look like one (spaces, or too long)",
        "das Zugriffstoken des Bots sieht nicht wie eines aus (Leerzeichen oder zu lang)",
    ),
    "matrix.bad_room": (
        (
            "TOCSIN_MATRIX_ROOM doit être l’identifiant du salon de crise, !identifiant:serveur "
            "(reçu «\u202f{room}\u202f»)"
        ),
        "TOCSIN_MATRIX_ROOM must be the crisis room’s id, !id:server (got “{room}”)",
        (
            "TOCSIN_MATRIX_ROOM muss die Kennung des Krisenraums sein, !kennung:server "
            "(erhalten: „{room}“)"
        ),
    ),
    "matrix.incomplete": (
        "Matrix est mal configuré\xa0: {problems}",
        "Matrix is not configured right: {problems}",
        "Matrix ist falsch eingerichtet: {problems}",
    ),
    "matrix.encrypted": (
        (
            "Le salon {room} est chiffré de bout en bout\xa0: tocsin ne sait pas encore lire ni "
            "écrire dans un salon chiffré. Donnez-lui un salon de crise non chiffré (sur "
            "Tchap\xa0: un salon créé sans chiffrement par son administrateur), ou retirez "
            "MATRIX_HOMESERVER."
        ),
        (
            "The room {room} is end-to-end encrypted: tocsin cannot read or write in an "
            "encrypted room yet. Give it an unencrypted crisis room, or unset MATRIX_HOMESERVER."
        ),
        (
            "Der Raum {room} ist Ende-zu-Ende-verschlüsselt: tocsin kann in verschlüsselten "
            "Räumen noch nicht lesen und schreiben. Geben Sie ihm einen unverschlüsselten "
            "Krisenraum, oder entfernen Sie MATRIX_HOMESERVER."
        ),
    ),
    "matrix.unreachable": (
        "Le serveur Matrix {url} ne répond pas comme prévu\xa0: {error}",
        "The Matrix homeserver {url} does not answer as expected: {error}",
        "Der Matrix-Server {url} antwortet nicht wie erwartet: {error}",
    ),
    "matrix.ready": (
        "Bot Matrix prêt\xa0: {user} dans {room}",
        "Matrix bot ready: {user} in {room}",
        "Matrix-Bot bereit: {user} in {room}",
    ),
    "matrix.no_crisis": (
        "⛔ Aucune crise «\u202f{crisis}\u202f» parmi les vôtres.",
        "⛔ No crisis “{crisis}” among yours.",
        "⛔ Keine Krise „{crisis}“ unter Ihren.",
    ),
    "matrix.nothing_awaits": (
        "⛔ Aucune révision n’attend de décision dans cette crise.",
        "⛔ No revision of this crisis awaits a decision.",
        "⛔ Keine Revision dieser Krise wartet auf eine Entscheidung.",
    ),
    "matrix.unmapped": (
        (
            "⛔ Votre compte Matrix {user} n’est celui d’aucune personne de cette crise\xa0: rien "
            "n’a été fait."
        ),
        "⛔ Your Matrix account {user} is no person’s in this crisis: nothing was done.",
        "⛔ Ihr Matrix-Konto {user} gehört keiner Person dieser Krise: nichts wurde getan.",
    ),
    "matrix.reason_asked": (
        (
            "❌ Pour rejeter, répondez dans ce fil avec le motif\xa0: votre prochain message ici "
            "le donnera."
        ),
        "❌ To reject, reply in this thread with the reason: your next message here gives it.",
        (
            "❌ Zum Ablehnen antworten Sie in diesem Thread mit dem Grund: Ihre nächste Nachricht "
            "hier nennt ihn."
        ),
    ),
    "matrix.bad_edit": (
        (
            "⛔ Ligne {line}\xa0: «\u202f{channel}\u202f» n’est pas un canal. Écrivez "
            "«\u202fcanal:langue=texte\u202f», par exemple sms:fr=…"
        ),
        (
            "⛔ Line {line}: “{channel}” is not a channel. Write “channel:language=text”, e.g. "
            "sms:fr=…"
        ),
        (
            "⛔ Zeile {line}: „{channel}“ ist kein Kanal. Schreiben Sie „Kanal:Sprache=Text“, z. "
            "B. sms:fr=…"
        ),
    ),
    "matrix.usage": (
        (
            "Commandes\xa0: !tocsin approuver | rejeter <motif> | modifier <demande> (dans le "
            "fil d’une carte, ou suivies de l’identifiant de la crise)\xa0; !tocsin statut "
            "<crise>\xa0; !tocsin fait <crise> <fait>\xa0; !tocsin resoudre <crise> "
            "[résumé]\xa0; !tocsin lancer <playbook> [nom=valeur …] [--exercice]"
        ),
        (
            "Commands: !tocsin approve | reject <reason> | change <request> (in a card’s thread, "
            "or followed by the crisis id); !tocsin status <crisis>; !tocsin fact <crisis> "
            "<fact>; !tocsin resolve <crisis> [summary]; !tocsin start <playbook> [name=value …] "
            "[--exercise]"
        ),
        (
            "Befehle: !tocsin genehmigen | ablehnen <Grund> | ändern <Wunsch> (im Thread einer "
            "Karte, oder gefolgt von der Kennung der Krise); !tocsin status <Krise>; !tocsin "
            "fakt <Krise> <Fakt>; !tocsin beenden <Krise> [Zusammenfassung]; !tocsin starten "
            "<Playbook> [Name=Wert …] [--übung]"
        ),
    ),
    "matrix.unknown_playbook": (
        "⛔ Aucun playbook «\u202f{name}\u202f» dont vous soyez une personne.",
        "⛔ No playbook “{name}” of which you are a person.",
        "⛔ Kein Playbook „{name}“, in dem Sie eine Person sind.",
    ),
    "matrix.parameters": (
        "⛔ Paramètres manquants ou invalides\xa0: {names}. Donnez-les comme nom=valeur.",
        "⛔ Missing or invalid parameters: {names}. Give them as name=value.",
        "⛔ Fehlende oder ungültige Parameter: {names}. Geben Sie sie als Name=Wert an.",
    ),
    "review.via.matrix": (
        "Matrix",
        "Matrix",
        "Matrix",
    ),
    "accounts.check.matrix_ok": (
        "salon Matrix {room} joignable, {members} membre(s).",
        "Matrix room {room} reachable, {members} member(s).",
        "Matrix-Raum {room} erreichbar, {members} Mitglied(er).",
    ),
    "accounts.check.matrix_bad": (
        (
            "le salon Matrix {room} n’est pas joignable par le bot\xa0: {error} (jeton refusé, "
            "ou le bot n’est pas membre du salon)."
        ),
        (
            "the Matrix room {room} cannot be reached by the bot: {error} (token refused, or the "
            "bot is not in the room)."
        ),
        (
            "der Matrix-Raum {room} ist für den Bot nicht erreichbar: {error} (Token abgelehnt, "
            "oder der Bot ist nicht Mitglied des Raums)."
        ),
    ),
}
