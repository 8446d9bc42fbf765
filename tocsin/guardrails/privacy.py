"""R-PRIVACY and R-IMAGE: personal data and image rights."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import phonenumbers
from stdnum import iban
from stdnum.fr import nir

from tocsin.guardrails.base import CheckContext, Say, Text, finding, rule, sentences, whole
from tocsin.guardrails.health import SENSITIVE, Said, personal, said_again
from tocsin.guardrails.lexicon import lexicon_findings
from tocsin.guardrails.names import Person, first_names, persons
from tocsin.guardrails.neutrality import TITLES, e164, phone_matches
from tocsin.models import Finding, MediaPeople, Severity

# Always official, whatever the organisation (French State, Luxembourg State).
OFFICIAL_DOMAINS = ("gouv.fr", "gouv.lu", "public.lu", "etat.lu")

# A pattern, whether a match counts, the message, the fix, the severity (None: the rule's).
Counted = tuple[re.Pattern[str], Callable[[re.Match[str]], bool], Say, Say, Severity | None]
EMAIL = re.compile(r"(?<![\w.+-])(?P<local>[\w.+-]+)@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
NIR_CANDIDATE = re.compile(
    r"(?<!\d)[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}(?!\d)"
)
IBAN_CANDIDATE = re.compile(
    r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?"
)
PHONE = Say(
    "Numéro de téléphone qui n’est pas un numéro officiel du playbook : « {match} »{kind}.",
    "Phone number that is not one of the playbook's official numbers: '{match}'{kind_en}.",
)
MOBILE = Say(" (portable : sans doute personnel)", " (mobile: probably personal)")
PHONE_FIX = Say(
    "Donnez le numéro d’information officiel ; déclarez les autres numéros de l’organisation "
    "dans sa configuration (official_phones).",
    "Give the official hotline; declare the organisation's other numbers in its settings "
    "(official_phones).",
)
EMAIL_MSG = Say(
    "Adresse électronique d’une personne (prénom et nom) : « {match} ».",
    "A person's e-mail address (first and family name): '{match}'.",
)
EMAIL_FIX = Say(
    "Donnez une adresse fonctionnelle du service (contact@…, crise@…, presse@…), pas celle "
    "d’un agent.",
    "Give a functional address of the service (contact@, crisis@, press@), not an agent's.",
)
DETAILS = Say(
    "Personne nommée avec son adresse, son portable ou une procédure pénale : « {match} ».",
    "Person named with their address, mobile number or a criminal case: '{match}'.",
)
SINGLED_OUT = Say(
    "Information de santé sur une personne reconnaissable à sa rue, son école ou sa classe : "
    "« {match} » (RGPD art. 9).",
    "Health information about a person recognisable by their street, school or class: "
    "'{match}' (GDPR art. 9).",
)
SINGLED_OUT_FIX = Say(
    "Retirez ce qui désigne la personne (rue, école, classe, âge) ou l’information de santé.",
    "Remove what points at the person (street, school, class, age) or the health information.",
)
NIR_MSG = Say(
    "Numéro de sécurité sociale (NIR) valide dans le texte : « {match} ».",
    "Valid French social security number (NIR) in the text: '{match}'.",
)
NIR_FIX = Say(
    "Retirez-le : il ne doit jamais être publié.", "Remove it: it must never be published."
)
IBAN_MSG = Say(
    "IBAN valide dans le texte : « {match} ».",
    "Valid IBAN in the text: '{match}'.",
)
IBAN_FIX = Say(
    "Ne publiez qu’un compte de l’organisation (une collecte officielle), jamais celui d’une "
    "personne.",
    "Publish only an account of the organisation (an official appeal), never a person's.",
)
HEALTH = Say(
    "Donnée de santé ou de victime à côté d’une personne nommée : « {match} » "
    "(RGPD art. 9 ; loi de 1881 art. 39 bis et quinquies).",
    "Health or victim information next to a named person: '{match}' (GDPR art. 9).",
)
HEALTH_FIX = Say(
    "Ne nommez pas la personne (« une habitante », « un enfant ») ou retirez l’information de "
    "santé.",
    "Do not name the person ('a resident', 'a child') or remove the health information.",
)
NAME_MSG = Say(
    "Nom d’une personne privée : « {match} ».",
    "Name of a private person: '{match}'.",
)
NAME_FIX = Say(
    "Minimisez les données personnelles : désignez la fonction ou le service ; déclarez les "
    "porte-parole dans la configuration (public_names).",
    "Minimise personal data: name the office or the service; declare spokespeople in the "
    "settings (public_names).",
)


@rule(
    "R-PRIVACY",
    Severity.BLOCKING,
    "Données personnelles",
    "Personal data",
    "RGPD art. 5 et 9 ; loi du 29 juillet 1881 art. 39 bis et 39 quinquies ; CPP art. 11",
)
def personal_data(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Phone numbers other than the playbook's hotlines and the organisation's numbers
    (mobile: blocking, others: warning; free numbers are R-ELECTION's), e-mail addresses outside
    official domains (blocking), a valid NIR (blocking), a valid IBAN (warning: an official
    appeal is fine), health or victim information in the sentence of a named person (blocking),
    and names of private persons (warning; spaCy's French model, titles in every language)."""
    plain = text.plain
    yield from _phones(text, ctx)
    # E-mail addresses outside the official domains; and numbers that count only when their
    # checksum holds (random digits are not personal data). A NIR takes the rule's severity; an
    # IBAN (an organisation's, often) only warns.
    # A person's mailbox: blocking, a warning on the organisation's own domains (an agent's
    # professional address, where a functional one would do).
    checked: tuple[Counted, ...] = (
        (
            EMAIL,
            lambda m: (
                _personal_mailbox(m.group("local"), m.group("domain"))
                and _official(m.group("domain"), ctx)
            ),
            EMAIL_MSG,
            EMAIL_FIX,
            Severity.WARNING,
        ),
        (
            EMAIL,
            lambda m: (
                _personal_mailbox(m.group("local"), m.group("domain"))
                and not _official(m.group("domain"), ctx)
            ),
            EMAIL_MSG,
            EMAIL_FIX,
            None,
        ),
        (NIR_CANDIDATE, lambda m: bool(nir.is_valid(m.group())), NIR_MSG, NIR_FIX, None),
        (
            IBAN_CANDIDATE,
            lambda m: bool(iban.is_valid(m.group())),
            IBAN_MSG,
            IBAN_FIX,
            Severity.WARNING,
        ),
    )
    for pattern, counts, message, fix, severity in checked:
        for match in pattern.finditer(plain):
            if counts(match):
                yield finding(
                    text,
                    ctx,
                    "R-PRIVACY",
                    match.start(),
                    match.end(),
                    message.format(match=match.group()),
                    fix,
                    severity,
                )
    yield from _people(text, ctx)
    yield from lexicon_findings("R-PRIVACY", text, ctx)
    yield from _singled_out(text, ctx)


def _official(domain: str, ctx: CheckContext) -> bool:
    domain = domain.lower().rstrip(".")
    allowed = {*OFFICIAL_DOMAINS, *ctx.official_domains}
    return any(domain == d or domain.endswith("." + d) for d in allowed)


# Mailbox providers for private persons: a mailbox there is someone's unless it says a service.
WEBMAIL = re.compile(
    r"(?:^|\.)(?:g(?:oogle)?mail|yahoo|hotmail|outlook|live|icloud|aol|gmx|proton(?:mail)?)\.\w+$|"
    r"(?:^|\.)(?:orange\.fr|wanadoo\.fr|free\.fr|sfr\.fr|laposte\.net|web\.de|t-online\.de|"
    r"pt\.lu|btinternet\.com)$",
    re.IGNORECASE,
)
_FUNCTIONAL = re.compile(
    r"mairie|commune|ville|contact|accueil|info|secr[eé]tariat|service|crise|presse|cellule|"
    r"urgence|gemeinde|rathaus|council|office",
    re.IGNORECASE,
)
# A mobile number as people write it in the countries next door, which the national plans may
# not hold as valid (the UK's 07700 900xxx): +44 7 / 07xxx, +49 15-17 / 015-017.
_FOREIGN_MOBILE = re.compile(
    r"(?<![\d+])(?:(?:\+44\s?|0)7\d{3}\s?\d{3}\s?\d{3}|(?:\+49\s?|0)1[5-7]\d\s?[\d ]{7,9}\d)(?!\d)"
)


def _personal_mailbox(local: str, domain: str = "") -> bool:
    """A mailbox named after a person: a first name (or an initial) and a family name
    (« jean.dupont », « j.dupont », « anne-marie_durand », « nathalie.girard82 »), or any
    mailbox at a provider for private persons that names no service. A functional mailbox
    (« crise », « contact », « mairie », « eau ») is nobody's personal data, on any domain."""
    if WEBMAIL.search(domain) and not _FUNCTIONAL.search(local):
        return True
    parts = [p.rstrip("0123456789") for p in re.split(r"[._]", local) if p]
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(p.replace("-", "").isalpha() for p in parts):
        return False
    first, family = parts[0], parts[-1]
    given = {n.lower() for n in first_names()}
    return len(family) >= 2 and (
        (len(first) == 1 and family.lower() not in given)
        or all(piece.lower() in given for piece in first.split("-"))
    )


def _phones(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Mobile numbers (a person's, most often) are blocking; other numbers are a public
    body's switchboard or service unless a person is named in their sentence (a warning)."""
    named: list[tuple[int, int]] | None = None  # sentences naming a person, when needed
    for match in phone_matches(text.plain, ctx):
        kind = phonenumbers.number_type(match.number)
        if kind == phonenumbers.PhoneNumberType.TOLL_FREE or e164(match.number) in ctx.hotlines:
            continue
        mobile = kind == phonenumbers.PhoneNumberType.MOBILE
        if not mobile:
            if named is None:
                people = persons(text.plain, ctx.language)
                named = [
                    (s, e)
                    for s, e in sentences(text.plain)
                    if any(s <= p.start < e for p in people)
                ]
            if not any(s <= match.start < e for s, e in named):
                continue
        yield finding(
            text,
            ctx,
            "R-PRIVACY",
            match.start,
            match.end,
            PHONE.format(
                match=match.raw_string,
                kind=" (portable : sans doute personnel)" if mobile else "",
                kind_en=" (mobile: probably personal)" if mobile else "",
            ),
            PHONE_FIX,
            Severity.BLOCKING if mobile else Severity.WARNING,
        )
    for start, end in _foreign_mobiles(text.plain, ctx):
        message = PHONE.format(match=text.plain[start:end], kind=MOBILE.fr, kind_en=MOBILE.en)
        yield finding(text, ctx, "R-PRIVACY", start, end, message, PHONE_FIX, Severity.BLOCKING)


def _foreign_mobiles(plain: str, ctx: CheckContext) -> list[tuple[int, int]]:
    """Mobile numbers of the countries next door that the phone plans did not read."""
    known = [(m.start, m.end) for m in phone_matches(plain, ctx)]
    return [
        (m.start(), m.end())
        for m in _FOREIGN_MOBILE.finditer(plain)
        if not any(s < m.end() and m.start() < e for s, e in known)
    ]


# Public offices whose holders are named as such (« le préfet du Var, M. Philippe Mahé »).
OFFICES = (
    r"préfet|préfète|sous-préfet|sous-préfète|procureure?|directeur|directrice|commandant|"
    r"colonel|capitaine|"
    r"lieutenant|général|médecin-chef|porte-parole|prefect|prosecutor|director|chief|"
    r"spokes(?:person|man|woman)|Präfekt(?:in)?|Staatsanwalt|Direktor(?:in)?|Sprecher(?:in)?|"
    r"chargée?\s+de\s+(?:communication|presse|mission)|attachée?\s+de\s+presse|responsable|"
    r"cheffe?|secrétaire\s+générale?|contact\s+presse|press\s+(?:officer|contact)|head|"
    r"communications\s+officer|Pressesprecher(?:in)?|Pressekontakt|Leiter(?:in)?"
)
_ADDRESS = re.compile(
    r"(?<!\w)\d{1,4}(?:\s?(?:bis|ter|[a-c]))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|"
    r"place|impasse|allée|route|quai|cours|lotissement|résidence|street|road|lane|avenue|"
    r"\w*(?:straße|strasse|weg|gasse|platz))\b"
    r"|(?<!\w)\d{1,4},?\s+(?:[A-Z][\w\-]+\s+){1,3}(?:Road|Street|Lane|Close|Drive|Way|Crescent|Gardens|"
    r"Terrace)\b|\b(?:du|de\s+la)\s+(?:lotissement|résidence|cité)\s+[A-Z]",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"\b(?:rue|avenue|boulevard|chemin|place|impasse|allée|quai|street|road|"
    r"\w*(?:straße|strasse|gasse))\s+(?:de\s+la\s+|des\s+|du\s+|de\s+|d['’]\s?)?[A-ZÀ-Þ]",
    re.IGNORECASE,
)
_SCHOOL = re.compile(
    r"\b(?:école|collège|lycée|crèche|classe|CP|CE1|CE2|CM1|CM2|school|class|Schule|Klasse)\b"
)
_ONE_PERSON = {
    "fr": re.compile(
        r"\b(?:une?|le|la)\s+(?:habitante?|résidente?|élève|enfant|patiente?|riveraine?|"
        r"personne|voisine?|agente?|retraitée?|collégienne?|lycéenne?|adolescente?|"
        r"homme|femme|fillette|garçon)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(?:an?|the)\s+(?:resident|pupil|child|patient|neighbour|neighbor|man|woman|girl|"
        r"boy|teenager|student|person)\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"\b(?i:eine?|der|die)\s+(?:Bewohner(?:in)?|Anwohner(?:in)?|Schüler(?:in)?|Kind|"
        r"Patient(?:in)?|Nachbar(?:in)?|Mann|Frau|Mädchen|Junge)\b",
    ),
}


def _people(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    plain = text.plain
    titles = TITLES.get(ctx.language, "maire")
    title = re.compile(
        rf"(?:{titles}|{OFFICES})(?:\s+(?:de|du|des|de\s+la|d['’]|of|of\s+the|des|der|von)"
        rf"\s*[\w\-’']+(?:\s+[\w\-’']+)?)?\s*[,:]?\s*(?:M\.|Mme|Mr\.?|Mrs\.?|Ms\.?|Herr|Frau|"
        rf"Dr\.?|Docteur|Prof\.?)?"
        rf"\s*$",
        re.IGNORECASE,
    )
    after = re.compile(rf"\s*,\s*(?:{titles}|{OFFICES})(?![\w\-])", re.IGNORECASE)
    everyone = persons(plain, ctx.language)
    named = [
        p
        for p in everyone
        if p.name.lower() not in ctx.allowed_names
        and not any(p.name in v or v in p.name for v in ctx.known_values if v)
        # An elected official is R-ELECTION's, an officer is named as such: public figures in
        # office, not private persons.
        and not title.search(plain, max(0, p.start - 60), p.start)
        and not after.match(plain, p.end)
        and p.name.lower() not in {n.lower() for n in ctx.settings.elected_officials}
    ]
    if not named:
        return
    mobiles = [
        (m.start, m.end)
        for m in phone_matches(plain, ctx)
        if phonenumbers.number_type(m.number) == phonenumbers.PhoneNumberType.MOBILE
    ] + _foreign_mobiles(plain, ctx)
    procedure = [(f.start, f.end) for f in lexicon_findings("R-PRIVACY", text, ctx)]
    flagged: set[tuple[int, int]] = set()
    spans = list(sentences(plain))
    for index, (start, end) in enumerate(spans):
        inside = [p for p in named if start <= p.start < end]
        if not inside:
            continue
        person = inside[0]
        health = next(personal(plain, start, end, ctx.language), None) or _said_later(
            plain, spans[index + 1 :], everyone, ctx.language
        )
        if health is not None:
            span = (min(person.start, health.start), max(person.end, health.end))
            message, fix = HEALTH.format(match=_excerpt(plain, *span)), HEALTH_FIX
        elif _ADDRESS.search(plain, start, end) or any(
            start <= s < end for s, _ in [*mobiles, *procedure]
        ):
            span = (person.start, person.end)
            message, fix = DETAILS.format(match=person.name), NAME_FIX
        else:
            continue
        flagged.update((p.start, p.end) for p in inside)
        yield finding(text, ctx, "R-PRIVACY", *span, message, fix, Severity.BLOCKING)
    for person in named:
        if (person.start, person.end) in flagged:
            continue
        yield finding(
            text,
            ctx,
            "R-PRIVACY",
            person.start,
            person.end,
            NAME_MSG.format(match=person.name),
            NAME_FIX,
            Severity.WARNING,
        )


LATER_SENTENCES = 2  # how far a person named once is spoken of again


def _said_later(
    plain: str, later: list[tuple[int, int]], everyone: list[Person], lang: str
) -> Said | None:
    """Health or victim information about the person named in a sentence, said in one of the
    next sentences (« Mme X a été évacuée. Victime d'un malaise, elle est hospitalisée. »),
    up to the next sentence that names anyone (whose the pronoun then is)."""
    for start, end in later[:LATER_SENTENCES]:
        if any(start <= p.start < end for p in everyone):
            return None
        said = said_again(plain, start, end, lang)
        if said is not None:
            return said
    return None


def _excerpt(plain: str, start: int, end: int) -> str:
    """The words found, at most a line: across sentences, the person's name … what is said."""
    chunk = " ".join(plain[start:end].split())
    return chunk if len(chunk) <= 120 else f"{chunk[:55]} … {chunk[-55:]}"


_DEATH = re.compile(r"décédée?s?|died|verstorben", re.IGNORECASE)  # said of no one named


def _singled_out(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Health information about one person whom their street, school or class points at,
    unnamed (« une élève de CM2 de l'école du Centre, diabétique »): a warning."""
    plain = text.plain
    sensitive = SENSITIVE.get(ctx.language)
    one = _ONE_PERSON.get(ctx.language)
    if sensitive is None or one is None:
        return
    for start, end in sentences(plain):
        person = one.search(plain, start, end)
        health = next(
            (m for m in sensitive.finditer(plain, start, end) if not _DEATH.fullmatch(m.group())),
            None,
        )
        if person is None or health is None:
            continue
        if _STREET.search(plain, start, end) or _SCHOOL.search(plain, start, end):
            span = (min(person.start(), health.start()), max(person.end(), health.end()))
            yield finding(
                text,
                ctx,
                "R-PRIVACY",
                *span,
                SINGLED_OUT.format(match=plain[span[0] : span[1]]),
                SINGLED_OUT_FIX,
                Severity.WARNING,
            )


CONSENT = Say(
    "Image « {file} » : des personnes identifiables y figurent sans consentement écrit "
    "enregistré (Code civil art. 9).",
    "Image '{file}': identifiable people appear in it with no written consent on record "
    "(French civil code art. 9).",
)
CONSENT_FIX = Say(
    "Indiquez la référence du consentement écrit (consent) ou choisissez une autre image.",
    "Give the written consent's reference (consent) or choose another image.",
)
MINOR = Say(
    "Image « {file} » : un mineur y figure ; il faut le consentement écrit des deux parents "
    "({count} enregistré).",
    "Image '{file}': a minor appears in it; both parents' written consent is needed "
    "({count} on record).",
)
MINOR_FIX = Say(
    "Ajoutez les deux références de consentement (consent), ou floutez, ou changez d’image.",
    "Add both consent references (consent), blur, or choose another image.",
)


@rule(
    "R-IMAGE",
    Severity.BLOCKING,
    "Droit à l’image",
    "Image rights",
    "Code civil art. 9 ; jurisprudence sur les foules et les mineurs",
)
def image_rights(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Every image attached to a statement declares whether identifiable people appear. Any
    that does needs a written consent reference, and both parents' for a minor; otherwise the
    statement is blocked. A crowd at a public event, nobody isolated, needs none."""
    start, _ = whole(text)
    for media in ctx.media:
        if ctx.channel is not None and media.channels and ctx.channel not in media.channels:
            continue
        if media.people is not MediaPeople.IDENTIFIABLE:
            continue
        consents = [c for c in media.consent if c.strip()]
        if media.minors and len(consents) < 2:
            yield finding(
                text,
                ctx,
                "R-IMAGE",
                start,
                start,
                MINOR.format(file=media.file, count=len(consents)),
                MINOR_FIX,
            ).model_copy(update={"excerpt": media.file})
        elif not consents:
            yield finding(
                text, ctx, "R-IMAGE", start, start, CONSENT.format(file=media.file), CONSENT_FIX
            ).model_copy(update={"excerpt": media.file})
