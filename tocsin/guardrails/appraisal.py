"""Appraisal: a judgement said of a public body, of a political camp or of an office holder,
however it is phrased (R-NEUTRAL, R-ELECTION).

A listed phrase (lexicon.yml) catches what was foreseen; this reaches past the lists. A judgement
is a word that judges (data/appraisal.yml: its lists, the polarity lexicons and, in French, the
word vectors that bring their synonyms) said of a target (a public body, the institution itself,
a political camp, an office holder: data/appraisal.yml, and the organisations spaCy finds):

- a word that always judges ("incompétence", "lenteur", "brillant") anywhere in the sentence of
  a target;
- a word that judges only what it is said of ("lent", "efficace", the lexicons' words) when it is
  attached to the target: in French by spaCy's dependency parse (« une gestion lamentable »,
  « la préfecture a tardé », « l'inertie de l'État »), in English and German, which have no
  parser that installs here, when it stands just before the target or in the words after it,
  before the clause ends;
- a negation turns a judgement round (« n'a pas été à la hauteur »); a body that "never" or
  "still not" did something is blamed.

The words of the crisis itself (« toxique », « grave », « inondé ») never judge, whatever a
lexicon says of them. ``record`` finds, for R-ELECTION, a sentence that promotes what the
collectivité did over years, or ranks it above others.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tocsin.guardrails import language
from tocsin.guardrails.base import sentences
from tocsin.guardrails.lexicon import WORD_END, WORD_START, entry_body

APPRAISAL_FILE = Path(__file__).parent / "data" / "appraisal.yml"
KINDS = ("body", "political", "office")
PARSED_POS = frozenset({"ADJ", "ADV", "NOUN", "VERB"})
LEXICON_POS = frozenset({"ADJ", "ADV"})  # a lexicon's nouns and verbs are too often the crisis's
MIN_POLARITY = 0.35  # VADER's 1.4 of 4: "careless" -1.5 is a judgement, "leak" -1.4 is not
VECTOR_SIMILARITY = 0.5  # to a listed judgement of the same sign, for a lexicon's word
NEGATIONS = frozenset({"pas", "jamais", "guère", "plus", "not", "never", "nicht", "nie", "kein"})
AFTER = 5  # English and German: words after a target that its clause may judge it in
BEFORE = 3  # and words before it
_CLAUSE_END = re.compile(
    r"[.;:!?,()]|\b(?:and|but|which|who|whose|that|because|while|und|aber|weil|dass|während)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’\-]+")


@dataclass(frozen=True)
class Appraisal:
    start: int  # the judging words, in the text given
    end: int
    polarity: int  # -1 or 1
    kinds: frozenset[str]  # the target's: body, political, office
    target: str  # the target's words


@dataclass(frozen=True)
class Words:
    targets: Mapping[str, tuple[str, ...]]  # kind -> entries
    judgements: Mapping[int, tuple[str, ...]]
    evaluative: Mapping[int, tuple[str, ...]]
    descriptive: frozenset[str]


@functools.cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(APPRAISAL_FILE.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def words(lang: str) -> Words:
    loaded = data()

    def listed(section: Mapping[str, Any], key: str) -> tuple[str, ...]:
        return tuple(str(w).lower() for w in (section.get(key) or {}).get(lang, []))

    return Words(
        {kind: listed(loaded["targets"], kind) for kind in KINDS},
        {-1: listed(loaded["judgements"], "negative"), 1: listed(loaded["judgements"], "positive")},
        {-1: listed(loaded["evaluative"], "negative"), 1: listed(loaded["evaluative"], "positive")},
        frozenset(str(w).lower() for w in loaded["descriptive"].get(lang, [])),
    )


APPRAISAL_CACHE = 2048  # texts: R-NEUTRAL and R-ELECTION read each, a redraft reads it again


@functools.lru_cache(maxsize=APPRAISAL_CACHE)
def appraisals(plain: str, lang: str) -> tuple[Appraisal, ...]:
    """Every judgement of a target in ``plain`` (the visible text of a statement)."""
    return tuple(_appraisals(plain, lang))


def _appraisals(plain: str, lang: str) -> list[Appraisal]:
    if lang not in ("fr", "en", "de"):
        return []
    spans = [
        (start, end)
        for start, end in sentences(plain)
        if target_pattern(lang).search(plain, start, end)
    ]
    if not spans:
        return []
    if lang == "fr":
        found = _french(plain, spans)
    else:
        found = [a for start, end in spans for a in _by_words(plain, start, end, lang)]
    return sorted(set(found), key=lambda a: (a.start, a.end))


# --------------------------------------------------------------------------- French: the parse


def _french(plain: str, spans: list[tuple[int, int]]) -> list[Appraisal]:
    docs = language.parse(plain[start:end] for start, end in spans)
    found: list[Appraisal] = []
    for (start, end), doc in zip(spans, docs, strict=True):
        if doc is None:
            found.extend(_by_words(plain, start, end, "fr"))
            continue
        found.extend(
            Appraisal(start + a.start, start + a.end, a.polarity, a.kinds, a.target)
            for a in _parsed(doc)
        )
    return found


@functools.cache
def _target_sets(lang: str) -> dict[str, frozenset[str]]:
    return {kind: frozenset(entries) for kind, entries in words(lang).targets.items()}


def _kinds(token: Any, lang: str = "fr") -> frozenset[str]:
    listed = _target_sets(lang)
    lemma, lower = token.lemma_.lower(), token.lower_
    kinds = {kind for kind in KINDS if lemma in listed[kind] or lower in listed[kind]}
    if token.lemma_.lower() == "majorité" and any(
        c.dep_ == "nmod" and c.pos_ in ("NOUN", "PRON") for c in token.children
    ):
        return frozenset()  # « la majorité des habitants »
    if token.ent_type_ == "ORG" or lower in _metonyms(lang):
        kinds.add("body")
    return frozenset(kinds)


@functools.cache
def _metonyms(lang: str) -> frozenset[str]:
    """Capitals and seats that stand for a government (« Bruxelles »), one word each."""
    entries = (data().get("rhetoric", {}).get("metonyms") or {}).get(lang, [])
    words = (str(e).removeprefix("cs:").lower() for e in entries)
    return frozenset(w for w in words if " " not in w and "'" not in w)


def _np_head(token: Any) -> Any:
    """The noun a target stands beside: « Mme Durand, maire de... » (not the noun it
    complements: « en contact constant avec la préfecture » says nothing of the préfecture)."""
    while token.dep_ in ("appos", "flat:name") and token.head.i != token.i:
        token = token.head
    return token


def _negated(token: Any) -> bool:
    for node in (token, token.head):
        if any(c.lower_ in NEGATIONS and c.dep_.startswith("advmod") for c in node.children):
            return True
    return False


def _attached(word: Any, target: Any) -> bool:
    """Whether ``word`` is said of ``target`` in the parse."""
    for node in (target, _np_head(target)):
        if word.head.i == node.i and word.dep_ in ("amod", "acl", "acl:relcl", "appos", "nmod"):
            return True
        if node.head.i == word.i and node.dep_.split(":")[0] in ("nsubj", "nmod", "obl", "obj"):
            return True
        if (
            node.dep_.startswith("nsubj")
            and word.head.i == node.head.i
            and word.dep_.split(":")[0] in ("advmod", "xcomp", "obj", "obl", "advcl", "conj")
        ):
            return True
    return False


def _said_of(word: Any, noun: Any) -> bool:
    """Whether ``word`` describes ``noun`` (« des consignes contradictoires », « le plan s'est
    révélé inadapté »), not what someone does with it (« attendez l'avis des services »)."""
    if word.head.i == noun.i and word.dep_ in ("amod", "acl", "acl:relcl"):
        return True
    if noun.dep_.startswith("nsubj") and noun.head.i == word.i:
        return True
    return (
        noun.dep_.startswith("nsubj")
        and word.head.i == noun.head.i
        and word.dep_.split(":")[0] in ("xcomp", "advmod", "conj")
    )


def _conduct(target: Any) -> Any | None:
    """The noun a target is the complement of, which says what the body did or is
    (« les consignes contradictoires de la préfecture », « le désengagement de l'État »,
    « la communauté de communes »): a judgement attached to it is said of the body."""
    head = target.head
    if (
        target.dep_ == "nmod"
        and head.i != target.i
        and head.pos_ == "NOUN"
        and any(
            c.dep_ == "case" and c.lower_ in ("de", "du", "des", "d'", "d’")
            for c in target.children
        )
    ):
        return head
    return None


def _evaluation(token: Any, lang: str = "fr") -> tuple[int, bool] | None:
    """The sign of what ``token`` says, and whether it judges wherever it stands in the sentence
    (a judgement) or only what it is attached to."""
    lemma, lower = token.lemma_.lower(), token.lower_
    table = words(lang)
    masculine = lower.removesuffix("s").removesuffix("e")  # « inondées »: « inondé »
    if table.descriptive & {lemma, lower, masculine}:
        return None
    for sign in (-1, 1):
        if lemma in table.judgements[sign] or lower in table.judgements[sign]:
            return sign, True
    for sign in (-1, 1):
        if lemma in table.evaluative[sign] or lower in table.evaluative[sign]:
            return sign, False
    if not _adjectival(token) or lower in _stop_words(lang) or lemma in _stop_words(lang):
        return None
    value = language.polarity(lang).get(lemma) or language.polarity(lang).get(lower)
    if value is None or abs(value) < MIN_POLARITY:
        return None
    sign = 1 if value > 0 else -1
    return (sign, False) if _near_listed(token, sign) else None


def _adjectival(token: Any) -> bool:
    """An adjective or adverb, or a participle used as one (« déconnectée », « s'est révélé
    inadapté »), whose lexicon entry is its own form, not its verb's."""
    if token.pos_ in LEXICON_POS:
        return True
    return (
        token.pos_ == "VERB"
        and "Part" in token.morph.get("VerbForm")
        and (token.dep_ == "xcomp" or any(c.dep_ in ("aux:pass", "cop") for c in token.children))
    )


def _near_listed(token: Any, sign: int) -> bool:
    """Whether the word vectors put ``token`` next to a listed judgement of the same sign."""
    if not token.has_vector:
        return False
    matrix = _listed_vectors(sign)
    if matrix is None:
        return False
    import numpy

    vector = token.vector / (numpy.linalg.norm(token.vector) or 1.0)
    return bool((matrix @ vector).max() >= VECTOR_SIMILARITY)


@functools.cache
def _listed_vectors(sign: int) -> Any:
    nlp = language.french()
    if nlp is None:
        return None
    import numpy

    table = words("fr")
    rows = [
        nlp.vocab[word].vector
        for word in (*table.judgements[sign], *table.evaluative[sign])
        if " " not in word and nlp.vocab[word].has_vector
    ]
    if not rows:
        return None
    matrix = numpy.array(rows)
    return matrix / numpy.maximum(numpy.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def _parsed(doc: Any) -> Iterator[Appraisal]:
    found = {t.i: k for t in doc if (k := _kinds(t))}
    if not found:
        return
    # « l'action du ministre »: the action is the minister's, an office holder's.
    targets = [
        (
            doc[i],
            k.union(*(found.get(c.i, frozenset()) for c in doc[i].children if c.dep_ == "nmod")),
        )
        for i, k in found.items()
    ]
    proxies = [  # (the noun, the target's kinds, the target's words)
        (head, kinds, t.text)
        for t, kinds in targets
        if (head := _conduct(t)) is not None and not _kinds(head)
    ] + [  # what a body did or made: the object of its verb
        (c, kinds, t.text)
        for t, kinds in targets
        if t.dep_ == "nsubj"
        for c in t.head.children
        if c.dep_ == "obj" and c.pos_ == "NOUN" and not _kinds(c)
    ]
    for token in doc:
        if token.pos_ not in PARSED_POS or _kinds(token):
            continue
        evaluation = _evaluation(token)
        if evaluation is None:
            continue
        sign, anywhere = evaluation
        if _negated(token):
            sign = -sign
        nearest = sorted(targets, key=lambda tk: abs(tk[0].i - token.i))
        attached = next(((t, k) for t, k in nearest if _attached(token, t)), None)
        by_proxy = next(
            ((k, said) for t, k, said in proxies if t.i != token.i and _said_of(token, t)),
            None,
        )
        if attached is not None:
            yield Appraisal(token.idx, token.idx + len(token), sign, attached[1], attached[0].text)
        elif by_proxy is not None:
            yield Appraisal(token.idx, token.idx + len(token), sign, *by_proxy)
        elif anywhere:  # said of everyone the sentence names
            every = frozenset().union(*(k for _, k in targets))
            yield Appraisal(token.idx, token.idx + len(token), sign, every, nearest[0][0].text)
    # A body that "never" or "still not" did what it had to: « n'a jamais fait entretenir ».
    for target, kinds in targets:
        head = target.head
        if target.dep_.startswith("nsubj") and _blamed(head):
            yield Appraisal(target.idx, head.idx + len(head), -1, kinds, target.text)


def _blamed(verb: Any) -> bool:
    """A past action never done: « n'a jamais fait », « n'a toujours pas levé » (a promise,
    « ne vous demandera jamais », is not blame); or one it should have done: « si le
    gouvernement avait écouté »."""
    helpers = [c for c in verb.children if c.pos_ == "AUX" or c.dep_ == "aux:tense"]
    said = {
        c.lower_ for node in (verb, *helpers) for c in node.children if c.dep_.startswith("advmod")
    }
    past = any(c.dep_ == "aux:tense" for c in verb.children)
    if past and ("jamais" in said or {"toujours", "pas"} <= said):
        return True
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    pluperfect = {c.lower_ for c in helpers} & {"avait", "avaient", "était", "étaient"}
    return "si" in marks and bool(pluperfect)


# --------------------------------------------------------------------------- English, German


@functools.cache
def target_pattern(lang: str) -> re.Pattern[str]:
    """Where a target may stand: a word beginning with an entry (French: its stem)."""
    bodies = []
    for kind in KINDS:
        for entry in words(lang).targets[kind]:
            if entry.startswith("*") or lang == "de":  # German compounds: Landesregierung
                bodies.append(rf"\w*{re.escape(entry.lstrip('*'))}\w*")
            elif lang == "fr":
                if len(entry) <= 5:  # « parti », not « partir »: the word and its plural
                    bodies.append(re.escape(entry) + r"(?:e|s|es|x)?")
                else:
                    bodies.append(re.escape(entry[:-2]) + r"\w*")
            else:
                bodies.append(re.escape(entry) + r"[\w'’]*")
    bodies.sort(key=len, reverse=True)
    return re.compile(rf"{WORD_START}(?:{'|'.join(bodies)}){WORD_END}", re.IGNORECASE)


@functools.cache
def _listed_pattern(lang: str, section: str, sign: int) -> re.Pattern[str] | None:
    table = words(lang)
    entries = (table.judgements if section == "judgements" else table.evaluative)[sign]
    if not entries:
        return None
    bodies = sorted((entry_body(e + "*")[0] for e in entries), key=len, reverse=True)
    return re.compile(rf"{WORD_START}(?:{'|'.join(bodies)}){WORD_END}", re.IGNORECASE)


def _german_base(word: str) -> str:
    for ending in ("es", "en", "er", "em", "e"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _lexicon_sign(word: str, lang: str) -> int | None:
    lower = word.lower().replace("’", "'")
    table = words(lang)
    if lower in table.descriptive or _german_base(lower) in table.descriptive:
        return None
    lexicon = language.polarity(lang)
    value = lexicon.get(lower)
    if value is None and lang == "de":
        value = lexicon.get(_german_base(lower))
    if value is None or abs(value) < MIN_POLARITY:
        return None
    return 1 if value > 0 else -1


def _by_words(plain: str, start: int, end: int, lang: str) -> Iterator[Appraisal]:
    """A sentence read as words: a judgement anywhere with a target; a listed or lexicon word
    just before a target, or after it within its clause."""
    targets = [(m.start(), m.end()) for m in target_pattern(lang).finditer(plain, start, end)]
    if not targets:
        return
    kinds = frozenset({"body"})

    def target_kinds(span: tuple[int, int]) -> frozenset[str]:
        text = plain[span[0] : span[1]].lower()
        listed = words(lang).targets
        found = {k for k in KINDS for e in listed[k] if _names(text, e, lang)}
        return frozenset(found) or kinds

    claimed: set[tuple[int, int]] = set()
    every = frozenset().union(*(target_kinds(t) for t in targets))
    for sign in (-1, 1):
        pattern = _listed_pattern(lang, "judgements", sign)
        for match in pattern.finditer(plain, start, end) if pattern else ():
            if any(s <= match.start() < e for s, e in targets):
                continue
            claimed.add((match.start(), match.end()))
            polarity = -sign if negated_before(plain, start, match.start()) else sign
            named = plain[targets[0][0] : targets[0][1]]
            yield Appraisal(match.start(), match.end(), polarity, every, named)
    tokens = list(_WORD.finditer(plain, start, end))
    stop = _stop_words(lang)
    for index, token in enumerate(tokens):
        span = (token.start(), token.end())
        if span in claimed or any(s <= span[0] < e for s, e in targets):
            continue
        if token.group().lower() in stop:
            continue
        said = _listed_sign(token.group(), lang)
        listed = said is not None
        if said is None and not (lang == "de" and token.group()[:1].isupper()):
            said = _lexicon_sign(token.group(), lang)  # German nouns have capitals
        if said is None:
            continue
        for where in targets:
            if _near(plain, tokens, index, where, listed=listed):
                polarity = -said if negated_before(plain, start, token.start()) else said
                yield Appraisal(*span, polarity, target_kinds(where), plain[where[0] : where[1]])
                break


def _names(text: str, entry: str, lang: str) -> bool:
    """Whether a target's words name an entry: its beginning, or in German anywhere in the
    compound (« Innenministers »)."""
    entry = entry.lstrip("*")
    return entry in text if lang == "de" else text.startswith(entry)


def _listed_sign(word: str, lang: str) -> int | None:
    for sign in (-1, 1):
        pattern = _listed_pattern(lang, "evaluative", sign)
        if pattern is not None and pattern.fullmatch(word):
            return sign
    return None


def _near(
    plain: str, tokens: list[re.Match[str]], index: int, target: tuple[int, int], *, listed: bool
) -> bool:
    """Whether a word is said of a target: just before it ("careless opposition"), or after
    it in its clause; a lexicon's word (of any part of speech) after a target only as what a
    copula says of it ("the council was slow")."""
    token = tokens[index]
    if token.end() <= target[0]:
        between = [t for t in tokens if token.end() <= t.start() and t.end() <= target[0]]
        return len(between) < BEFORE and not _CLAUSE_END.search(plain, token.end(), target[0])
    between = [t for t in tokens if target[1] <= t.start() and t.end() <= token.start()]
    if len(between) >= AFTER or _CLAUSE_END.search(plain, target[1], token.start()):
        return False
    if plain[target[0] : target[1]].lower().endswith(("'s", "’s")) and len(between) <= 1:
        return True  # "the ministry's contradictory instructions"
    return listed or any(t.group().lower() in COPULAS for t in between)


COPULAS = frozenset(
    {"is", "was", "were", "are", "been", "be", "remains", "seems", "ist", "war", "sind",
     "waren", "bleibt", "scheint", "wirkt"}
)  # fmt: skip


@functools.cache
def _stop_words(lang: str) -> frozenset[str]:
    """Function words, which a lexicon built by propagation may have given a polarity ("die")."""
    try:
        if lang == "de":
            from spacy.lang.de.stop_words import STOP_WORDS
        elif lang == "fr":
            from spacy.lang.fr.stop_words import STOP_WORDS
        else:
            from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:
        return frozenset()
    return frozenset(STOP_WORDS)


def negated_before(plain: str, start: int, at: int) -> bool:
    before = plain[max(start, at - 20) : at].lower().split()
    return any(word in NEGATIONS or word.endswith("n't") for word in before[-2:])


# --------------------------------------------------------------------------- R-ELECTION: record


@functools.cache
def _record_patterns(lang: str) -> dict[str, re.Pattern[str] | None]:
    record = data().get("record", {})
    found: dict[str, re.Pattern[str] | None] = {}
    for part in ("period", "credit", "ranking", "mandate", "tally", "payoff"):
        entries = [str(e) for e in (record.get(part) or {}).get(lang, [])]
        bodies = sorted((entry_body(e)[0] for e in entries), key=len, reverse=True)
        found[part] = (
            re.compile(rf"{WORD_START}(?:{'|'.join(bodies)}){WORD_END}", re.IGNORECASE)
            if bodies
            else None
        )
    return found


def record(plain: str, lang: str) -> Iterator[tuple[int, int]]:
    """Sentences that promote the collectivité's record: what it did over years (a period and
    a credit to the institution), or how it ranks above others, with the institution named;
    the term of office itself (« au cours de ce mandat », "this term"); a tally of what was
    built or renewed (two counted achievements, or one over years)."""
    patterns = _record_patterns(lang)
    period, credit, ranking = patterns["period"], patterns["credit"], patterns["ranking"]
    mandate, tally, payoff = patterns["mandate"], patterns["tally"], patterns["payoff"]
    for start, end in sentences(plain):
        credited = credit is not None and credit.search(plain, start, end)
        body = target_pattern(lang).search(plain, start, end) if lang in LANGS else None
        over_years = period is not None and period.search(plain, start, end)
        ranked = ranking is not None and ranking.search(plain, start, end)
        counted = len(list(tally.finditer(plain, start, end))) if tally is not None else 0
        if (
            ((over_years or ranked) and (credited or body))
            or (mandate is not None and mandate.search(plain, start, end))
            or (payoff is not None and payoff.search(plain, start, end))
            or counted >= 2
            or (counted and over_years)
        ):
            yield start, end


LANGS = ("fr", "en", "de")
