"""Messages of the Bluesky publisher (tocsin/publish/bluesky.py)."""

MESSAGES = {
    "bluesky.correction": (
        "Correction\u00a0: {text}",  # espace insécable before the colon
        "Correction: {text}",
        "Korrektur: {text}",
    ),
    "bluesky.err.credentials": (
        "Bluesky a refusé l’identifiant ou le mot de passe d’application de {handle} "
        "(HTTP {status}) : vérifiez {source}.",
        "Bluesky refused the handle or app password of {handle} (HTTP {status}): check {source}.",
        "Bluesky hat die Kennung oder das App-Passwort von {handle} abgelehnt (HTTP {status}): "
        "prüfen Sie {source}.",
    ),
    "bluesky.err.rate_limited": (
        "Bluesky limite le débit : nouvel essai dans {wait} s.",
        "Bluesky is rate limiting: retrying in {wait} s.",
        "Bluesky begrenzt die Rate: neuer Versuch in {wait} s.",
    ),
    "bluesky.err.unavailable": (
        "Bluesky ne répond pas (HTTP {status}) : {problem}. Nouvel essai plus tard.",
        "Bluesky is not answering (HTTP {status}): {problem}. Retrying later.",
        "Bluesky antwortet nicht (HTTP {status}): {problem}. Neuer Versuch später.",
    ),
    "bluesky.err.rejected": (
        "Bluesky a refusé la publication (HTTP {status}) : {problem}.",
        "Bluesky refused the post (HTTP {status}): {problem}.",
        "Bluesky hat den Beitrag abgelehnt (HTTP {status}): {problem}.",
    ),
    "bluesky.err.too_long": (
        "Le texte compte {count} caractères ; Bluesky en accepte au plus {limit}, et pas un "
        "texte vide.",
        "The text has {count} characters; Bluesky takes at most {limit}, and no empty text.",
        "Der Text hat {count} Zeichen; Bluesky nimmt höchstens {limit} und keinen leeren Text.",
    ),
    "bluesky.err.conflict": (
        "Un autre texte occupe déjà la clé {rkey} du compte {handle} : rien n’a été publié.",
        "Another text already holds the key {rkey} on {handle}: nothing was published.",
        "Ein anderer Text belegt bereits den Schlüssel {rkey} bei {handle}: nichts wurde "
        "veröffentlicht.",
    ),
}
