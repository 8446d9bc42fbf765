"""R-A11Y: accessibility of public communication (loi 2005-102 art. 47, RGAA, charte
d’accessibilité de la communication de l’État), and the plainer (« plus simple ») variant offered
for key messages."""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import regex

from tocsin.guardrails.base import CheckContext, Say, Text, finding, rule, sentences, whole
from tocsin.i18n.formats import MONTHS
from tocsin.models import Finding, Severity
from tocsin.typography import typeset

WORDS_FILE = Path(__file__).parent / "data" / "hashtag-words.txt"
HASHTAG = re.compile(r"(?<![\w&])#(\w{2,})")
WORD = re.compile(r"\w+(?:['\-]\w+)*")
EMOJI = regex.compile(r"\X")
_PICTO = regex.compile(r"\p{Extended_Pictographic}")
# Faces and people's expressions: the State's social-media charter asks for none.
_FACES = regex.compile(
    r"[\U0001F600-\U0001F64F\U0001F910-\U0001F92F\U0001F970-\U0001F97A\U0001F9D0]"
)
MIN_WORDS_FOR_READABILITY = 30
_textstat_lock = threading.Lock()
# English would need NLTK's cmudict, a download at run time: French and German only.
TEXTSTAT_LANG = {"fr": "fr", "de": "de"}


@functools.cache
def _hashtag_words() -> frozenset[str]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def split_words(tag: str, known: frozenset[str]) -> list[str] | None:
    """``tag`` as two or more known words (the fewest), or None."""
    best: list[list[str] | None] = [None] * (len(tag) + 1)
    best[0] = []
    for end in range(1, len(tag) + 1):
        for start in range(max(0, end - 20), end):
            head = best[start]
            piece = tag[start:end]
            if head is not None and piece in known:
                candidate = [*head, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    found = best[len(tag)]
    return found if found is not None and len(found) >= 2 else None


ALT = Say(
    "Image « {file} » sans texte alternatif en {lang}.",
    "Image '{file}' has no alt text in {lang}.",
)
ALT_FIX = Say(
    "Décrivez l’image en une phrase (ce qu’elle montre d’utile), dans chaque langue.",
    "Describe the image in one sentence (what it usefully shows), in every language.",
)
HASHTAG_MSG = Say(
    "Mot-dièse « #{tag} » illisible pour un lecteur d’écran.",
    "Hashtag '#{tag}' cannot be read by a screen reader.",
)
HASHTAG_FIX = Say("Écrivez-le en CamelCase : #{camel}.", "Write it in CamelCase: #{camel}.")
TOO_MANY_EMOJI = Say(
    "{count} émojis (au plus {limit}) : ils sont tous lus par les lecteurs d’écran.",
    "{count} emoji (at most {limit}): screen readers read every one.",
)
EMOJI_FIX = Say("Gardez-en un ou deux, en fin de phrase.", "Keep one or two, at a sentence's end.")
FACE = Say(
    "Émoji de visage « {match} » : la charte de l’État n’en veut aucun.",
    "Face emoji '{match}': the State's charter wants none.",
)
FACE_FIX = Say("Retirez-le.", "Remove it.")
FOR_WORD = Say(
    "Émoji à la place d’un mot : « {match} ».",
    "Emoji standing for a word: '{match}'.",
)
FOR_WORD_FIX = Say("Écrivez le mot.", "Write the word.")
LONG = Say(
    "Phrase de {count} mots (au plus {limit}) : une idée par phrase.",
    "Sentence of {count} words (at most {limit}): one idea per sentence.",
)
LONG_FIX = Say("Coupez-la en deux phrases courtes.", "Split it into two short sentences.")
HARD = Say(
    "Lisibilité faible : score {score:.0f} ({formula}), en dessous de {limit:.0f}.",
    "Hard to read: score {score:.0f} ({formula}), below {limit:.0f}.",
)
HARD_FIX = Say(
    "Phrases plus courtes, mots plus simples ; voyez la version plus simple proposée.",
    "Shorter sentences, simpler words; see the easy-to-read version offered.",
)
FORMULA = {"fr": "Kandel-Moles", "en": "Flesch", "de": "Amstad"}


@rule(
    "R-A11Y",
    Severity.WARNING,
    "Accessibilité",
    "Accessibility",
    "Loi 2005-102 art. 47 ; RGAA ; charte d’accessibilité de la communication de l’État (SIG 2021)",
)
def accessibility(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Alt text on every image, in every language (blocking); hashtags a screen reader can read
    (CamelCase); emoji sparingly, never a face, never in place of a word; sentences of at most
    ``max_sentence_words`` words; a readability score (Kandel-Moles in French, through textstat)
    of at least ``min_readability`` on texts of 30 words or more."""
    start, _ = whole(text)
    for media in ctx.media:
        if ctx.channel is not None and media.channels and ctx.channel not in media.channels:
            continue
        if not media.alt.get(ctx.language, "").strip():
            yield finding(
                text,
                ctx,
                "R-A11Y",
                start,
                start,
                ALT.format(file=media.file, lang=ctx.language),
                ALT_FIX,
                Severity.BLOCKING,
            ).model_copy(update={"excerpt": media.file})
    yield from _hashtags(text, ctx)
    yield from _emoji(text, ctx)
    yield from _sentences(text, ctx)


def _hashtags(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    known = _hashtag_words() | {
        w.lower() for words in ctx.settings.words.get("R-A11Y", {}).values() for w in words
    }
    for match in HASHTAG.finditer(text.plain):
        tag = match.group(1)
        if not tag.islower() or tag in known:
            continue
        parts = split_words(tag, known)
        if parts is None:
            continue
        camel = "".join(p[:1].upper() + p[1:] for p in parts)
        yield finding(
            text,
            ctx,
            "R-A11Y",
            match.start(),
            match.end(),
            HASHTAG_MSG.format(tag=tag),
            HASHTAG_FIX.format(camel=camel),
        )


def _pictographs(plain: str) -> list[tuple[int, int]]:
    """The grapheme clusters that hold a pictograph (an emoji with its modifiers).

    Each call into the ``regex`` module releases the GIL and takes it back, which waits for the
    other threads under load: so the text is searched once for pictographs, and only the lines
    that hold one are cut into clusters, in one call each. A cluster never spans a line break
    (UAX #29, GB4 and GB5)."""
    at = [hit.start() for hit in _PICTO.finditer(plain)]
    if not at:
        return []
    found: list[tuple[int, int]] = []
    offset = 0
    for line in plain.splitlines(keepends=True):
        end = offset + len(line)
        if any(offset <= position < end for position in at):
            start = offset
            for cluster in EMOJI.findall(line):
                stop = start + len(cluster)
                if any(start <= position < stop for position in at):
                    found.append((start, stop))
                start = stop
        offset = end
    return found


def _emoji(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    plain = text.plain
    found = _pictographs(plain)
    limit = ctx.settings.max_emoji
    if len(found) > limit:
        yield finding(
            text,
            ctx,
            "R-A11Y",
            found[limit][0],
            found[-1][1],
            TOO_MANY_EMOJI.format(count=len(found), limit=limit),
            EMOJI_FIX,
        )
    for start, end in found:
        glyph = plain[start:end]
        if _FACES.search(glyph):
            yield finding(text, ctx, "R-A11Y", start, end, FACE.format(match=glyph), FACE_FIX)
            continue
        before = plain[max(0, start - 30) : start]
        after = plain[end : end + 30]
        # Between two words of one sentence: « il fait 🔥 ici », « buvez de l’💧 ».
        if re.search(r"\w['\s]?\s*$", before) and re.match(r"\s*[a-zà-ÿ]", after):
            yield finding(
                text,
                ctx,
                "R-A11Y",
                start,
                end,
                FOR_WORD.format(match=plain[max(0, start - 12) : end + 12].strip()),
                FOR_WORD_FIX,
            )


def _sentences(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    plain = text.plain
    limit = ctx.settings.max_sentence_words
    for start, end in sentences(plain):
        count = len(WORD.findall(plain[start:end]))
        if count > limit:
            yield finding(
                text,
                ctx,
                "R-A11Y",
                start,
                end,
                LONG.format(count=count, limit=limit),
                LONG_FIX,
            )
    body = " ".join(plain.split())
    lang = TEXTSTAT_LANG.get(ctx.language)
    if lang is None or len(WORD.findall(body)) < MIN_WORDS_FOR_READABILITY:
        return
    score = readability(body, lang)
    if score < ctx.settings.min_readability:
        begin, finish = whole(text)
        yield finding(
            text,
            ctx,
            "R-A11Y",
            begin,
            finish,
            HARD.format(score=score, formula=FORMULA[lang], limit=ctx.settings.min_readability),
            HARD_FIX,
        )


def readability(text: str, lang: str) -> float:
    """Flesch reading ease with the language's constants (French: Kandel-Moles). textstat is
    imported here: it loads NLTK's pronouncing dictionary on import (0.5 s), which every command
    would pay."""
    import textstat

    with _textstat_lock:
        textstat.set_lang(lang)
        return float(textstat.flesch_reading_ease(text))


# --------------------------------------------------------------------------- plus simple

# Facts that a sentence split must never cut: web and e-mail addresses, numbers with a point,
# abbreviations ending in a point.
_WHOLE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b\w+(?:\.\w+)+\b"
    r"|\b(?:n°|No\.|Nr\.|M\.|Mme|St\.|z\.\s?B\.|e\.g\.|i\.e\.)"
    rf"|\b\d{{1,2}}\.(?=\s+(?:{'|'.join(MONTHS['de'])}))",  # « 24. November »
    re.IGNORECASE,
)
_HOLE = "\ue001"
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|ul|ol|article|div|tr)\s*>|<br\s*/?>", re.IGNORECASE)
_HEAD = re.compile(r"<(head|style|script)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*–]\s+)")
_EMPHASIS = re.compile(r"(?<!\w)[*_]{1,2}([^*_\n]+)[*_]{1,2}(?!\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])")
_CLAUSE = re.compile(r"\s*;\s+")
_COLON = re.compile(r"\s*:\s+")
LONG_SENTENCE = 20  # words: past it, a list after a colon goes on its own line
# Plainer words for connectors and set phrases only: a swap that never changes a fact nor the
# grammar around it.
PLAINER = {
    "fr": {
        "afin de": "pour",
        "afin que": "pour que",
        "en raison de": "à cause de",
        "néanmoins": "mais",
        "toutefois": "mais",
        "cependant": "mais",
        "par conséquent": "donc",
        "désormais": "maintenant",
        "dès que": "quand",
        "au fur et à mesure": "petit à petit",
        "ultérieurement": "plus tard",
        "immédiatement": "tout de suite",
        "préalablement": "avant",
    },
    "en": {
        "in order to": "to",
        "however": "but",
        "therefore": "so",
        "as soon as": "when",
        "immediately": "at once",
    },
    "de": {
        "jedoch": "aber",
        "unverzüglich": "sofort",
        "umgehend": "sofort",
    },
}


def _visible_lines(statement: str, markup: bool) -> list[str]:
    """The visible text, one block (paragraph, list item, heading) a line."""
    if markup:
        statement = _BLOCK_END.sub("\n", _HEAD.sub("", statement))
        statement = html.unescape(_TAG.sub(" ", statement))
    lines = []
    for line in statement.splitlines():
        line = _EMPHASIS.sub(r"\1", _MARKDOWN_LEAD.sub("", line))
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return lines


def _plainer(sentence: str, language: str) -> str:
    for formal, plain in PLAINER.get(language, {}).items():

        def swap(found: re.Match[str], plain: str = plain) -> str:
            word = found.group()
            return plain[:1].upper() + plain[1:] if word[:1].isupper() else plain

        sentence = re.sub(rf"(?<!\w){re.escape(formal)}(?!\w)", swap, sentence, flags=re.I)
    return sentence


def _sentences_of(line: str) -> list[str]:
    """``line`` cut into sentences, then at « ; », without ever cutting an address, a number
    or an abbreviation."""
    kept: list[str] = []

    def hide(found: re.Match[str]) -> str:
        kept.append(found.group())
        return _HOLE

    hidden = _WHOLE.sub(hide, line)
    pieces = []
    for sentence in _SENTENCE_END.split(hidden):
        clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
        # A clause cut at « ; » becomes a sentence: it ends with a full stop.
        pieces += [c.rstrip() + "." for c in clauses[:-1]] + clauses[-1:]
    out = []
    restore = iter(kept)
    for piece in pieces:
        piece = re.sub(_HOLE, lambda _: next(restore), piece)
        out.append(piece)
    return out


def easy_read(statement: str, *, markup: bool = False, language: str = "fr") -> str:
    """A plainer version of a statement, offered as « plus simple » next to the draft: one
    sentence a line, clauses after « ; » on their own line, a few formal connectors in plainer
    words (« afin de » → « pour »), headings and list items kept on their lines.

    It keeps every fact: each number, time, date, place, name, web address, e-mail address and
    phone number of the statement is in it, as written (a test checks it over every bundled
    statement). It is not a certified FALC version: no tool checks FALC, and only a person can
    choose simpler words for what the crisis says; this is where that person starts."""
    lines: list[str] = []
    for line in _visible_lines(statement, markup):
        for sentence in _sentences_of(line):
            sentence = _plainer(sentence.strip(), language)
            lines.extend(_announced(sentence[:1].upper() + sentence[1:]))
    return typeset("\n".join(dict.fromkeys(lines)), language)


def _announced(sentence: str) -> list[str]:
    """A long sentence whose colon announces a list (« : Petit-Couronne, Grand-Couronne et … »):
    the announcement on one line, the list on the next, as a list item."""
    parts = _COLON.split(sentence, maxsplit=1)
    if len(WORD.findall(sentence)) <= LONG_SENTENCE or len(parts) < 2:
        return [sentence]
    head, rest = parts
    if len(WORD.findall(head)) < 3 or "," not in rest or _HOLE in head:
        return [sentence]
    return [f"{head} :", f"– {rest}"]
