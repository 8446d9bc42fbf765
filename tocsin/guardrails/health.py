"""Health and victim information about a person (R-PRIVACY, privacy.py): in the sentence that
names them, and in the sentences after it that speak of them again (« Mme Laura X a été
évacuée. Victime d'un malaise, elle est hospitalisée à Angers. »).

``SENSITIVE``: words that are health or victim information whoever they are said of
(« hospitalisé », « atteint d'un cancer »). ``PERSONAL``: words that are such information only
said of one person (« victime », « un malaise », « transporté à l'hôpital »): after a definite
or plural article they name someone else (« il a secouru la victime », "she helped the
injured"), so they are not counted there.

A later sentence speaks of the person again when its subject refers back to them: a pronoun
(« elle », "he", « er »), « la victime », « l'intéressé », or a possessive with their state
(« son état de santé », "her condition", « sein Zustand »). The information is theirs when it
follows that subject within a few words (« elle est hospitalisée », "he was taken to
hospital"), or opens the sentence before it (« Victime d'un malaise, elle… »). The search stops
at the next sentence that names anyone: the pronoun is then that person's. Counts of people
(« deux personnes ont été hospitalisées ») refer back to no one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

SENSITIVE = {
    "fr": re.compile(
        r"(?<![\w\-])(?:hospitalisée?s?|atteinte?s?\s+d[eu']|malades?|diagnostiquée?s?|"
        r"positi(?:f|ve)s?\s+au|séropositi\w*|cancer|VIH|sida|dépression|enceinte|dialys\w*|"
        r"intoxiquée?s?|blessée?s?|handicapée?s?|en\s+réanimation|décédée?s?|brûlée?s?|ivres?|"
        r"diabétiques?|épileptiques?|alzheimer|dépressi(?:f|ve)s?|viol(?:ée?s?)?|agressée?s?|"
        r"victimes?\s+d[e']\s*(?:l['’]\s?)?(?:une?\s+)?(?:viol|agression|attouchements?)|"
        # Political opinions and union membership are special categories too (GDPR art. 9).
        r"militante?s?\s+(?:\w+\s+){0,3}?(?:du|d['’]un|de\s+la|de\s+l['’])\s*(?:parti|syndicat|mouvement)|"
        r"syndiquée?s?|(?:adhérente?|membre)\s+(?:du|d['’]un|au)\s+(?:parti|syndicat)|"
        r"souffr\w*\s+d['’e]|a\s+(?:perdu\s+la\s+vie|trouvé\s+la\s+mort)|légionellose|covid(?:-19)?|"
        r"tuberculose|méningite|hépatite|gastro-entérite|pneumonie|infectée?s?|infection|"
        r"patiente?\s+(?:de\s+l['’]\s?|du\s+|de\s+la\s+)(?:EHPAD|hôpital|clinique|CHU|service))(?![\w\-])",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w\-])(?:hospitali[sz]ed|diagnosed|tested\s+positive|HIV|cancer|pregnant|"
        r"injured|in\s+intensive\s+care|died|assaulted|raped|abused|poisoning|treated\s+for|"
        r"victim\s+of\s+(?:rape|(?:sexual\s+)?assault)|lost\s+(?:his|her)\s+life|legionnaires|"
        r"covid(?:-19)?|tuberculosis|meningitis|hepatitis|pneumonia|infected|infection|"
        r"(?:member|activist|supporter)\s+of\s+the\s+(?:[\w\-]+\s+){0,2}?(?:party|union))(?![\w\-])",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"(?<![\w\-])(?:ins\s+Krankenhaus\s+eingeliefert|erkrankt|diagnostiziert|positiv\s+getestet|"
        r"HIV|Krebs|schwanger|verletzt|verstorben|auf\s+der\s+Intensivstation|gehbehindert|"
        r"behindert|pflegebedürftig|vergewaltigt|[\w\-]*infektion\w*|Todesopfer|ums\s+Leben\s+gekommen|Legionellose|"
        r"Tuberkulose|Meningitis|Hepatitis|Lungenentzündung|infiziert|"
        r"(?:Mitglied|Aktivist(?:in)?|Anhänger(?:in)?)\s+(?:der|einer)\s+(?:[\w\-]+\s+){0,2}?"
        r"(?:Partei|Gewerkschaft))(?![\w\-])",
        re.IGNORECASE,
    ),
}
_HOSPITAL = {
    "fr": r"(?:à\s+l['’]\s?hôpital|au\s+(?:CHU|CHL|CHR|CHEM)|aux\s+urgences|"
    r"au\s+centre\s+hospitalier|à\s+la\s+clinique)",
    "en": r"(?:(?:the\s+)?hospital|A\s*&\s*E|intensive\s+care|ICU|CHU|CHL|"
    r"(?:the\s+)?Centre\s+Hospitalier)",
    "de": r"(?:Krankenhaus|Klinik|Klinikum|Spital|CHL|CHU|CHEM)",
}
PERSONAL = {
    "fr": re.compile(
        rf"(?<![\w\-])(?:victime|malaise|inconsciente?|en\s+état\s+de\s+choc|hypothermie|"
        rf"(?:état\s+de\s+santé|pronostic\s+vital)|fractures?|brûlures?|intoxication|"
        rf"asthmatiques?|cardiaques?|soignée?\s+pour|pris(?:e|es)?\s+en\s+charge\s+médicalement|"
        rf"(?:transportée?|évacuée?|conduite?|admise?|emmenée?|héliportée?|hospitalisée?|"
        rf"soignée?)\s+(?:[\w'’]+\s+){{0,3}}?{_HOSPITAL['fr']}|"
        rf"(?:est|était|reste|se\s+trouve|demeure)\s+(?:toujours\s+|encore\s+)?{_HOSPITAL['fr']})"
        rf"(?![\w\-])",
        re.IGNORECASE,
    ),
    "en": re.compile(
        rf"(?<![\w\-])(?:victim|collapsed|fainted|heart\s+attack|stroke|unconscious|hypothermia|"
        rf"burn(?:ed|t|s)|ICU|concussion|treated\s+(?:[\w'’]+\s+){{0,6}}?for|"
        rf"(?:critical|serious|stable)\s+condition|broken\s+(?:leg|arm|hip|ribs?)|burns|"
        rf"smoke\s+inhalation|suffer(?:s|ed|ing)?\s+from|in\s+{_HOSPITAL['en']}|"
        rf"(?:taken|rushed|airlifted|admitted|brought|flown)\s+to\s+{_HOSPITAL['en']})"
        rf"(?![\w\-])",
        re.IGNORECASE,
    ),
    "de": re.compile(
        rf"(?<![\w\-])(?:Opfer|Schwächeanfall|Herzinfarkt|Schlaganfall|bewusstlos|Unterkühlung|"
        rf"Verbrennungen|Gehirnerschütterung|"
        rf"zusammengebrochen|kollabiert|Rauchvergiftung|Verletzungen|Knochenbruch|leidet\s+an|"
        rf"(?:ins|im|in\s+die|in\s+der)\s+{_HOSPITAL['de']})(?![\w\-])",
        re.IGNORECASE,
    ),
}
# Before a word of PERSONAL, what makes it someone else's: a definite or plural article.
_OTHERS = {
    "fr": re.compile(r"(?<![\w\-])(?:la|le|l['’]|les|des|aux|ces|cette|leur|leurs)\s*$", re.I),
    "en": re.compile(r"(?<![\w\-])(?:the|these|those|their|other)\s+$", re.IGNORECASE),
    "de": re.compile(r"(?<![\w\-])(?:die|der|den|dem|das|des|diese[mnrs]?|ihre[mnrs]?)\s+$", re.I),
}
# Before any health word, what makes it others' even in the person's own sentence: a plural
# article (« M. X a secouru les blessés », "helped the injured", « half den Verletzten »).
_PLURAL = {
    "fr": re.compile(r"(?<![\w\-])(?:les|des|aux|ces)\s+$", re.IGNORECASE),
    "en": re.compile(r"(?<![\w\-])(?:the|these|those)\s+$", re.IGNORECASE),
    "de": re.compile(r"(?<![\w\-])(?:den|diesen)\s+$", re.IGNORECASE),
}
# In a later sentence, a count before the word says it of others too (« trois blessés »).
_COUNTS = {
    "fr": re.compile(
        r"(?<![\w\-])(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|plusieurs|quelques|"
        r"aucune?|d['’]\s?autres|autres|nombreux|nombreuses)\s+(?:[\w'’]+\s+)?$",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w\-])(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|some|no|many|"
        r"other)\s+(?:\w+\s+)?$",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"(?<![\w\-])(?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|mehrere|einige|"
        r"keine|viele|andere[n]?)\s+(?:\w+\s+)?$",
        re.IGNORECASE,
    ),
}
# A subject that refers back to a person named before; and a possessive with their state.
_BACK = {
    "fr": re.compile(
        r"(?<![\w\-])(?:elle|il(?!\s+(?:y\s+a|faut|s['’]\s?agit|pleut|semble|paraît|est\s+"
        r"(?:recommandé|conseillé|demandé|interdit|possible|nécessaire|probable|important|"
        r"rappelé|prévu)))|celle-ci|celui-ci|ce\s+dernier|cette\s+dernière|"
        r"l['’]\s?intéressée?|la\s+victime|la\s+blessée|le\s+blessé|la\s+patiente|le\s+patient|"
        r"cette\s+(?:femme|habitante|riveraine|dame|jeune\s+femme)|cet\s+(?:homme|habitant)|"
        r"ce\s+(?:riverain|jeune\s+homme|monsieur)|(?:le|leur)\s+(?:père|fils|grand-père)|"
        r"(?:la|leur)\s+(?:mère|fille|grand-mère)|l['’]\s?enfant|leur\s+enfant)(?![\w\-])",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w\-])(?:she|he|the\s+victim|the\s+(?:wo)?man|the\s+patient|the\s+resident|"
        r"(?:the|their)\s+(?:father|mother|son|daughter|child|grandfather|grandmother))"
        r"(?![\w\-])",
        re.IGNORECASE,
    ),
    # « sie » is also "they", « Sie » the polite "you": only a capital opening a sentence or a
    # clause after a comma counts.
    "de": re.compile(
        r"(?:(?<![^\s])(?:Sie|Er)|(?<=,\s)(?:sie|er)|(?<=\s)(?:er|sie)(?=\s)|"
        r"(?<![\w\-])(?i:das|die|der)\s+(?:Opfer|Frau|Mann|Patientin|Patient|Vater|Mutter|"
        r"Sohn|Tochter|Kind))(?![\w\-])"
    ),
}
_POSSESSIVE = {
    "fr": re.compile(
        r"(?<![\w\-])(?:son\s+état(?:\s+de\s+santé)?|ses\s+jours|sa\s+vie\s+n['’]\s?est|"
        r"(?:ses|sa|son)\s+(?:blessures?|brûlures?|fractures?|malaise|maladie|traitement|"
        r"hospitalisation|pronostic\s+vital|handicap|grossesse))(?![\w\-])",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w\-])(?:(?:his|her)\s+(?:condition|injuries|injury|burns|life\s+is|illness|"
        r"treatment|pregnancy|disability))"
        r"(?![\w\-])",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"(?<![\w\-])(?:(?:sein|ihr)\s+(?:Zustand|Gesundheitszustand|Leben\s+ist)|"
        r"(?:seine|ihre|seiner|ihrer|seinen|ihren)\s+(?:Verletzung(?:en)?|Verbrennungen|Krankheit|"
        r"Behandlung|Schwangerschaft|Behinderung))(?![\w\-])",
        re.IGNORECASE,
    ),
}
WORDS_AFTER_SUBJECT = 6  # « elle a ensuite été transportée » : the subject, then its verb


@dataclass(frozen=True)
class Said:
    start: int
    end: int


def personal(plain: str, start: int, end: int, lang: str, *, later: bool = False) -> Iterator[Said]:
    """Health or victim words in ``plain[start:end]`` that are said of a person there: every
    word of SENSITIVE not after a plural article, and the words of PERSONAL not after an
    article naming someone else.
    ``later``: a sentence after the one naming the person, where no word after an article or a
    count is theirs (« elle a secouru les blessés », « il y a trois blessés »)."""
    others, counts, plural = _OTHERS.get(lang), _COUNTS.get(lang), _PLURAL.get(lang)
    for pattern, checked in ((SENSITIVE.get(lang), later), (PERSONAL.get(lang), True)):
        if pattern is None:
            continue
        for match in pattern.finditer(plain, start, end):
            if checked and others is not None and others.search(plain, start, match.start()):
                continue
            if plural is not None and plural.search(plain, start, match.start()):
                continue
            if later and counts is not None and counts.search(plain, start, match.start()):
                continue
            yield Said(match.start(), match.end())


def said_again(plain: str, start: int, end: int, lang: str) -> Said | None:
    """Health or victim information in a later sentence ``plain[start:end]`` about a person
    named before: after a subject that refers back to them, or before it in the sentence's
    opening clause, or their state with a possessive."""
    possessive = _POSSESSIVE.get(lang)
    found = possessive.search(plain, start, end) if possessive is not None else None
    if found is not None:
        return Said(found.start(), found.end())
    back = _BACK.get(lang)
    if back is None:
        return None
    subjects = list(back.finditer(plain, start, end))
    if not subjects:
        return None
    for said in personal(plain, start, end, lang, later=True):
        for subject in subjects:
            if subject.end() <= said.start:  # « elle est hospitalisée »
                between = plain[subject.end() : said.start]
                if len(_words(between)) <= WORDS_AFTER_SUBJECT:
                    return Said(subject.start(), said.end)
            else:  # « Victime d'un malaise, elle… »
                between = plain[said.end : subject.start()]
                if "," in between and len(_words(between)) <= WORDS_AFTER_SUBJECT:
                    return Said(said.start, subject.end())
    return None


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    return re.compile(r"[\w'’\-]+")


def _words(chunk: str) -> list[str]:
    return _word_pattern().findall(chunk)
