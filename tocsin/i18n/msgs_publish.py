"""Messages of the publishing accounts and publishers (tocsin/publish, tocsin accounts).
French typography: \u00a0 before a colon, \u202f before ; ! ? and inside « »."""

__all__ = ["MESSAGES"]  # read by tocsin.i18n.convert

MESSAGES = {
    # The accounts file, said at its line.
    "accounts.err.https": (
        "adresse sans https\u00a0: «\u202f{url}\u202f» ; un jeton ne passe en clair que vers cette "
        "machine (localhost)",
        "address without https: '{url}'; a token goes in clear only to this machine (localhost)",
        "Adresse ohne https: „{url}“; ein Token geht nur an diese Maschine (localhost) "
        "unverschlüsselt",
    ),
    "accounts.err.rate_window": (
        "la fenêtre d’un débit va d’une seconde à un jour",
        "a rate's window is between one second and one day",
        "das Fenster einer Rate liegt zwischen einer Sekunde und einem Tag",
    ),
    "accounts.err.two_sources": (
        "{env} ou {file}, pas les deux\u202f: le secret vient d’un seul endroit",
        "{env} or {file}, not both: the secret comes from one place",
        "{env} oder {file}, nicht beides: das Geheimnis kommt von einer Stelle",
    ),
    "accounts.err.no_source": (
        "secret manquant\u00a0: donnez {env} (une variable d’environnement) ou {file} (un fichier)",
        "missing secret: give {env} (an environment variable) or {file} (a file)",
        "Geheimnis fehlt: {env} (eine Umgebungsvariable) oder {file} (eine Datei) angeben",
    ),
    "accounts.err.password_without_user": (
        "un mot de passe sans username",
        "a password without a username",
        "ein Passwort ohne username",
    ),
    "accounts.err.smtp_clear": (
        "security\u00a0: none n’est permis que vers cette machine, pas vers {host}",
        "security: none is allowed only to this machine, not to {host}",
        "security: none ist nur zu dieser Maschine erlaubt, nicht zu {host}",
    ),
    "accounts.err.from": (
        "expéditeur invalide «\u202f{value}\u202f» (exemple\u00a0: Mairie <crise@example.fr>)",
        "invalid sender '{value}' (e.g. Mairie <crise@example.fr>)",
        "ungültiger Absender „{value}“ (z. B. Mairie <crise@example.fr>)",
    ),
    "accounts.err.duplicate": (
        "clé en double «\u202f{key}\u202f»",
        "duplicate key '{key}'",
        "doppelter Schlüssel „{key}“",
    ),
    "accounts.err.mapping": (
        "un fichier de comptes est un dictionnaire YAML avec accounts\u00a0: et channels\u00a0:",
        "an accounts file is a YAML mapping with accounts: and channels:",
        "eine Kontendatei ist ein YAML-Mapping mit accounts: und channels:",
    ),
    "accounts.err.literal_secret": (
        "«\u202f{key}\u202f»\u00a0: un secret ne s’écrit jamais dans ce fichier\u202f; mettez "
        "{key}_env\u00a0: VARIABLE ou {key}_file\u00a0: chemin (compte {account})",
        "'{key}': a secret is never written in this file; use {key}_env: VARIABLE or "
        "{key}_file: path (account {account})",
        "„{key}“: ein Geheimnis steht nie in dieser Datei; {key}_env: VARIABLE oder "
        "{key}_file: Pfad verwenden (Konto {account})",
    ),
    "accounts.err.unknown": (
        "compte inconnu «\u202f{name}\u202f» (comptes\u00a0: {known})",
        "unknown account '{name}' (accounts: {known})",
        "unbekanntes Konto „{name}“ (Konten: {known})",
    ),
    "accounts.err.twice": (
        "compte «\u202f{name}\u202f» nommé deux fois pour ce canal",
        "account '{name}' named twice for this channel",
        "Konto „{name}“ zweimal für diesen Kanal genannt",
    ),
    "accounts.err.unreadable": (
        "illisible\u00a0: {problem}",
        "unreadable: {problem}",
        "nicht lesbar: {problem}",
    ),
    "accounts.invalid": (
        "Fichier de comptes invalide\u00a0:",
        "Invalid accounts file:",
        "Ungültige Kontendatei:",
    ),
    # Why a publication did not happen (kept in history: French and English together).
    "publish.err.credentials": (
        "«\u202f{account}\u202f»\u00a0: identifiants refusés ({status})\u202f; vérifiez {source}",
        "'{account}': credentials refused ({status}); check {source}",
        "„{account}“: Zugangsdaten abgelehnt ({status}); {source} prüfen",
    ),
    "publish.err.secret_env": (
        "«\u202f{account}\u202f»\u00a0: la variable {source} est vide ou absente{problem}",
        "'{account}': the variable {source} is empty or unset{problem}",
        "„{account}“: die Variable {source} ist leer oder nicht gesetzt{problem}",
    ),
    "publish.err.secret_file": (
        "«\u202f{account}\u202f»\u00a0: le fichier de secret {source} est illisible ({problem})",
        "'{account}': the secret file {source} is unreadable ({problem})",
        "„{account}“: die Geheimnisdatei {source} ist nicht lesbar ({problem})",
    ),
    "publish.err.drill": (
        "Exercice\u00a0: «\u202f{account}\u202f» est un compte réel\u202f; un exercice ne "
        "publie que sur un compte «\u202fexercise: true\u202f» ou dans la boîte d’envoi",
        "Exercise: '{account}' is a real account; a drill publishes only to an "
        "'exercise: true' account or the outbox",
        "Übung: „{account}“ ist ein echtes Konto; eine Übung veröffentlicht nur auf einem "
        "Konto mit „exercise: true“ oder in den Postausgang",
    ),
    "publish.err.drill_account": (
        "«\u202f{account}\u202f» est un compte d’exercice\u202f; une crise réelle n’y publie pas",
        "'{account}' is a drill account; a real crisis does not publish there",
        "„{account}“ ist ein Übungskonto; eine echte Krise veröffentlicht dort nicht",
    ),
    "publish.err.unknown_account": (
        "compte inconnu «\u202f{account}\u202f» dans le fichier de comptes",
        "unknown account '{account}' in the accounts file",
        "unbekanntes Konto „{account}“ in der Kontendatei",
    ),
    "publish.err.rejected": (
        "«\u202f{account}\u202f»\u00a0: publication refusée ({status})\u00a0: {problem}",
        "'{account}': publication refused ({status}): {problem}",
        "„{account}“: Veröffentlichung abgelehnt ({status}): {problem}",
    ),
    "publish.err.rate_limited": (
        "«\u202f{account}\u202f»\u00a0: limite de débit atteinte ({status}), nouvel essai "
        "dans {wait} s",
        "'{account}': rate limit reached ({status}), retrying in {wait} s",
        "„{account}“: Ratenlimit erreicht ({status}), neuer Versuch in {wait} s",
    ),
    "publish.err.unavailable": (
        "«\u202f{account}\u202f»\u00a0: plateforme indisponible ({status}, {problem}), "
        "nouvel essai",
        "'{account}': platform unavailable ({status}, {problem}), retrying",
        "„{account}“: Plattform nicht erreichbar ({status}, {problem}), neuer Versuch",
    ),
    "publish.err.webhook_secret": (
        "«\u202f{account}\u202f»\u00a0: le secret de {source} doit être whsec_ suivi d’au "
        "moins 16 octets en base64",
        "'{account}': the secret in {source} must be whsec_ followed by at least 16 bytes in "
        "base64",
        "„{account}“: das Geheimnis in {source} muss whsec_ gefolgt von mindestens 16 Bytes "
        "in Base64 sein",
    ),
    "publish.err.no_previous": (
        "«\u202f{account}\u202f»\u00a0: une correction ou un retrait nomme la publication visée",
        "'{account}': a correction or a retraction names the publication it concerns",
        "„{account}“: eine Korrektur oder ein Rückzug nennt die betroffene Veröffentlichung",
    ),
    "publish.err.not_built": (
        "«\u202f{account}\u202f»\u00a0: la publication vers ce type de compte n’est pas encore "
        "branchée",
        "'{account}': publishing to this kind of account is not built yet",
        "„{account}“: Veröffentlichen auf diese Kontoart ist noch nicht eingebaut",
    ),
    # tocsin accounts check: one sentence an account.
    "accounts.check.mastodon_ok": (
        "«\u202f{account}\u202f» (Mastodon)\u00a0: jeton accepté, compte @{who}.",
        "'{account}' (Mastodon): token accepted, account @{who}.",
        "„{account}“ (Mastodon): Token akzeptiert, Konto @{who}.",
    ),
    "accounts.check.smtp_ok": (
        "«\u202f{account}\u202f» (e-mail)\u00a0: {host} a accepté EHLO, {tls} et {auth}.",
        "'{account}' (e-mail): {host} accepted EHLO, {tls} and {auth}.",
        "„{account}“ (E-Mail): {host} hat EHLO, {tls} und {auth} angenommen.",
    ),
    "accounts.check.smtp_no_auth": (
        "sans AUTH",
        "no AUTH",
        "ohne AUTH",
    ),
    "accounts.check.smtp_clear": (
        "sans chiffrement",
        "no encryption",
        "ohne Verschlüsselung",
    ),
    "accounts.check.smtp_failed": (
        "«\u202f{account}\u202f» (e-mail)\u00a0: {host} a refusé {step} ({problem}).",
        "'{account}' (e-mail): {host} refused {step} ({problem}).",
        "„{account}“ (E-Mail): {host} hat {step} abgelehnt ({problem}).",
    ),
    "accounts.check.unreachable": (
        "«\u202f{account}\u202f»\u00a0: impossible de joindre {host} ({problem}).",
        "'{account}': cannot reach {host} ({problem}).",
        "„{account}“: {host} nicht erreichbar ({problem}).",
    ),
    "accounts.check.webhook_ok": (
        "«\u202f{account}\u202f» (webhook)\u00a0: événement de test signé accepté (HTTP {status}).",
        "'{account}' (webhook): signed test event accepted (HTTP {status}).",
        "„{account}“ (Webhook): signiertes Testereignis angenommen (HTTP {status}).",
    ),
    "accounts.check.site_ok": (
        "«\u202f{account}\u202f» (site de crise)\u00a0: dossier {path} accessible en écriture.",
        "'{account}' (status site): folder {path} is writable.",
        "„{account}“ (Statusseite): Ordner {path} ist beschreibbar.",
    ),
    "accounts.check.site_bad": (
        "«\u202f{account}\u202f» (site de crise)\u00a0: impossible d’écrire dans {path} "
        "({problem}).",
        "'{account}' (status site): cannot write to {path} ({problem}).",
        "„{account}“ (Statusseite): kann nicht in {path} schreiben ({problem}).",
    ),
    "accounts.check.bluesky": (
        "«\u202f{account}\u202f» (Bluesky)\u00a0: secret présent\u202f; connexion non essayée, "
        "la publication sur Bluesky n’est pas encore branchée.",
        "'{account}' (Bluesky): secret present; login not tried, publishing to Bluesky is "
        "not built yet.",
        "„{account}“ (Bluesky): Geheimnis vorhanden; Anmeldung nicht versucht, "
        "Veröffentlichen auf Bluesky ist noch nicht eingebaut.",
    ),
    "accounts.check.none": (
        "Aucun fichier de comptes (TOCSIN_ACCOUNTS)\u00a0: chaque canal garde la boîte d’envoi.",
        "No accounts file (TOCSIN_ACCOUNTS): every channel keeps the outbox.",
        "Keine Kontendatei (TOCSIN_ACCOUNTS): jeder Kanal behält den Postausgang.",
    ),
    "accounts.check.all_ok": (
        "{count} compte(s) prêt(s).",
        "{count} account(s) ready.",
        "{count} Konto/Konten bereit.",
    ),
    "accounts.check.failed": (
        "{failed} compte(s) sur {count} en échec.",
        "{failed} of {count} account(s) failed.",
        "{failed} von {count} Konto/Konten fehlgeschlagen.",
    ),
    "help.accounts": (
        "Comptes de publication (TOCSIN_ACCOUNTS).",
        "Publishing accounts (TOCSIN_ACCOUNTS).",
        "Veröffentlichungskonten (TOCSIN_ACCOUNTS).",
    ),
    "help.accounts_check": (
        "Essaie chaque compte et dit en une phrase ce qui ne va pas.",
        "Try each account and say in one sentence what is wrong.",
        "Prüft jedes Konto und sagt in einem Satz, was nicht stimmt.",
    ),
    # The subject of an e-mail, before the statement's first line.
    "publish.mail.exercise": ("[EXERCICE]", "[EXERCISE]", "[ÜBUNG]"),
    "publish.mail.correction": ("Correction\u00a0:", "Correction:", "Korrektur:"),
    "publish.mail.retraction": ("Retrait\u00a0:", "Withdrawn:", "Zurückgezogen:"),
    "publish.err.not_in_channel": (
        "«\u202f{account}\u202f» n’est pas un compte du canal {channel} dans le fichier de comptes",
        "'{account}' is not an account of the channel {channel} in the accounts file",
        "„{account}“ ist kein Konto des Kanals {channel} in der Kontendatei",
    ),
    "accounts.err.userinfo": (
        "pas d’identifiant ni de mot de passe dans l’adresse\u202f; le secret vient de *_env "
        "ou *_file",
        "no user name or password in the address; the secret comes from *_env or *_file",
        "kein Benutzername oder Passwort in der Adresse; das Geheimnis kommt aus *_env oder *_file",
    ),
    "publish.err.bad_answer": (
        "«\u202f{account}\u202f»\u00a0: réponse de la plateforme inutilisable ({problem})",
        "'{account}': the platform's answer is unusable ({problem})",
        "„{account}“: die Antwort der Plattform ist unbrauchbar ({problem})",
    ),
}
