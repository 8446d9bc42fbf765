"""Messages of the Bluesky publisher (tocsin/publish/bluesky.py).
French typography: \u00a0 before a colon, \u202f before ; ! ? and inside « »."""

__all__ = ["MESSAGES"]  # read by tocsin.i18n.convert

MESSAGES = {
    "bluesky.correction": (
        "Correction\u00a0: {text}",
        "Correction: {text}",
        "Korrektur: {text}",
    ),
    "bluesky.err.credentials": (
        "Bluesky a refusé l’identifiant ou le mot de passe d’application de {handle} "
        "({status})\u00a0: vérifiez {source}.",
        "Bluesky refused the handle or app password of {handle} ({status}): check {source}.",
        "Bluesky hat die Kennung oder das App-Passwort von {handle} abgelehnt ({status}): "
        "prüfen Sie {source}.",
    ),
    "bluesky.err.rate_limited": (
        "Bluesky limite le débit\u00a0: nouvel essai dans {wait}\u00a0s.",
        "Bluesky is rate limiting: retrying in {wait} s.",
        "Bluesky begrenzt die Rate: neuer Versuch in {wait} s.",
    ),
    "bluesky.err.unavailable": (
        "Bluesky ne répond pas ({status})\u00a0: {problem}. Nouvel essai plus tard.",
        "Bluesky is not answering ({status}): {problem}. Retrying later.",
        "Bluesky antwortet nicht ({status}): {problem}. Neuer Versuch später.",
    ),
    "bluesky.err.rejected": (
        "Bluesky a refusé la publication ({status})\u00a0: {problem}.",
        "Bluesky refused the post ({status}): {problem}.",
        "Bluesky hat den Beitrag abgelehnt ({status}): {problem}.",
    ),
    "bluesky.err.too_long": (
        "Le texte compte {count} caractères\u202f; Bluesky en accepte au plus {limit}, et pas un "
        "texte vide.",
        "The text has {count} characters; Bluesky takes at most {limit}, and no empty text.",
        "Der Text hat {count} Zeichen; Bluesky nimmt höchstens {limit} und keinen leeren Text.",
    ),
    "bluesky.err.conflict": (
        "Un autre texte occupe déjà la clé {rkey} du compte {handle}\u00a0: rien n’a été publié.",
        "Another text already holds the key {rkey} on {handle}: nothing was published.",
        "Ein anderer Text belegt bereits den Schlüssel {rkey} bei {handle}: nichts wurde "
        "veröffentlicht.",
    ),
}
