"""Typography per language, applied once to every statement after it is rendered.

French (Imprimerie nationale, DOMAIN.md): an espace fine insécable (U+202F) before ; ! ? and
inside « », an espace insécable (U+00A0) before : and after « n° », and ’ for the apostrophe.
English and German take none of these spaces: a space typed before ; : ! ? is removed.

What is not prose is left as it is: HTML tags, entities and the page head (style sheet), web
addresses, e-mail addresses and times such as 07:45. The SMS and cell broadcast channels turn
the two French spaces into plain spaces afterwards (neither is GSM-7), so they keep a space where
French wants one.

The wording itself is the template's and the playbook's: no capital is lowered after a colon
here, since only the writer knows whether the next word is a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable

# Never touched: the page head, tags, entities, web and e-mail addresses.
_PROTECTED = re.compile(
    r"<(?:head|style|script)\b.*?</(?:head|style|script)\s*>"
    r"|<!--.*?-->"
    r"|<[^>]*>"
    r"|&(?:amp;)?(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # « &lt; » typed: &amp;lt;
    r"|\b(?:https?://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.DOTALL | re.IGNORECASE,
)
_SPACES = f"[ {NBSP}{NNBSP}\u2009]"

# French.
_BEFORE_HIGH = re.compile(rf"(?<=[^\s(\[«;!?]){_SPACES}*([;!?]+)")
_BEFORE_COLON = re.compile(rf"(?<=[^\s(\[«:/]){_SPACES}*:(?=\s|$|[\"»)\ue000])")
_OPEN = re.compile(rf"«{_SPACES}*")
_CLOSE = re.compile(rf"{_SPACES}*»")
_NUMERO = re.compile(rf"\b([nN]°){_SPACES}*(?=\d)")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_ESCAPED_APOSTROPHE = re.compile(r"(?<=[^\W\d_])&#(?:39|x27);(?=[^\W\d_])")

# English and German.
_SPACE_BEFORE = re.compile(rf"(?<=\S){_SPACES}+(?=[;:!?](?:\s|$))")


def _french(prose: str) -> str:
    prose = _APOSTROPHE.sub("\u2019", prose)
    prose = _BEFORE_HIGH.sub(NNBSP + r"\1", prose)
    prose = _BEFORE_COLON.sub(NBSP + ":", prose)
    prose = _OPEN.sub("«" + NNBSP, prose)
    prose = _CLOSE.sub(NNBSP + "»", prose)
    return _NUMERO.sub(r"\1" + NBSP, prose)


def _plain(prose: str) -> str:
    return _SPACE_BEFORE.sub("", prose)


RULES: dict[str, Callable[[str], str]] = {"fr": _french, "en": _plain, "de": _plain}
_HOLE = "\ue000"  # stands for a protected piece while the rules run: a character, not a space


def typeset(text: str, language: str) -> str:
    """``text`` with the typography of ``language`` (French when unknown: tocsin's default)."""
    apply = RULES.get(language, _french)
    if apply is _french:  # an apostrophe escaped for HTML is one too: « l&#39;eau »
        text = _ESCAPED_APOSTROPHE.sub("\u2019", text)
    if _HOLE in text:  # never in a statement; the rules then run around each protected piece
        pieces = _PROTECTED.split(text)
        kept = _PROTECTED.findall(text)
        out = [apply(pieces[0])]
        for found, piece in zip(kept, pieces[1:], strict=True):
            out += [found, apply(piece)]
        return "".join(out)
    kept = _PROTECTED.findall(text)
    done = apply(_PROTECTED.sub(_HOLE, text)).split(_HOLE)
    return done[0] + "".join(k + rest for k, rest in zip(kept, done[1:], strict=True))
