"""Messages of signed changes (issue 26): folded into the catalogues by tocsin.i18n.convert."""

MESSAGES = {
    "refuse.Unsigned": (
        "non authentifié\u00a0: la demande n’est signée par aucun frontal (Slack, console, Matrix, "
        "ligne de commande)",
        "not authenticated: the request is signed by no front end (Slack, console, Matrix, "
        "command line)",
        "nicht authentifiziert: die Anfrage ist von keinem Frontend signiert (Slack, Konsole, "
        "Matrix, Befehlszeile)",
    ),
    "refuse.UnknownKey": (
        "non authentifié\u00a0: la clé {key} n’est pas une clé de confiance de cette crise",
        "not authenticated: key {key} is not trusted by this crisis",
        "nicht authentifiziert: Schlüssel {key} ist für diese Krise nicht vertrauenswürdig",
    ),
    "refuse.BadSignature": (
        "non authentifié\u00a0: la signature (clé {key}) ne correspond pas à cette demande, "
        "à cette crise ou à cette révision",
        "not authenticated: the signature (key {key}) does not match this request, crisis or "
        "revision",
        "nicht authentifiziert: die Signatur (Schlüssel {key}) passt nicht zu dieser Anfrage, "
        "Krise oder Revision",
    ),
    "refuse.Replayed": (
        "non authentifié\u00a0: cette demande signée a déjà été reçue (rejeu)",
        "not authenticated: this signed request was already received (replay)",
        "nicht authentifiziert: diese signierte Anfrage ist bereits eingegangen (Wiederholung)",
    ),
    "refuse.NotTheirIdentity": (
        "non authentifié\u00a0: l’identité {identity} n’est pas celle de {person} dans le playbook",
        "not authenticated: identity {identity} is not {person}’s in the playbook",
        "nicht authentifiziert: die Identität {identity} ist nicht die von {person} im Playbook",
    ),
    "keys.invalid": (
        "Fichier de clés invalide\u00a0:",
        "Invalid key file:",
        "Ungültige Schlüsseldatei:",
    ),
    "keys.missing": (
        "Pas de clé privée pour signer ({front})\u00a0: donnez le chemin de sa clé dans "
        "{variable} (tocsin keys new)",
        "No private key to sign with ({front}): give the path of its key in {variable} "
        "(tocsin keys new)",
        "Kein privater Schlüssel zum Signieren ({front}): geben Sie den Pfad in {variable} an "
        "(tocsin keys new)",
    ),
    "keys.err.unreadable": (
        "fichier illisible\u00a0: {problem}",
        "cannot read the file: {problem}",
        "Datei nicht lesbar: {problem}",
    ),
    "keys.err.twice": (
        "la même clé publique figure deux fois (« {label} »)",
        "the same public key is listed twice (“{label}”)",
        "derselbe öffentliche Schlüssel steht zweimal da („{label}“)",
    ),
    "keys.err.not_ed25519": (
        "pas une clé privée Ed25519 au format PEM",
        "not an Ed25519 private key in PEM format",
        "kein privater Ed25519-Schlüssel im PEM-Format",
    ),
    "demo.reason": (
        "démonstration",
        "demonstration",
        "Vorführung",
    ),
}
MESSAGES.update(
    {
        "review.signed": ("{via}, {identity}", "{via}, {identity}", "{via}, {identity}"),
        "review.signed_operator": (
            "ligne de commande, opérateur {operator} (clé {key})",
            "command line, operator {operator} (key {key})",
            "Befehlszeile, Operator {operator} (Schlüssel {key})",
        ),
        "review.signed_reason": (
            ", motif\u00a0: {reason}",
            ", reason: {reason}",
            ", Grund: {reason}",
        ),
        "review.via.web": ("console web", "web console", "Webkonsole"),
        "review.via.matrix": ("Matrix", "Matrix", "Matrix"),
    }
)
