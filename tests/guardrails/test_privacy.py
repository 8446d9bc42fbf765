"""R-PRIVACY: health or victim information about a named private person, in the sentence that
names them and in the sentences after it that speak of them again (issue 24, point 5), in
French, English and German; never about an official in their role, nor an anonymous count."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.guardrails import CheckContext, check_text
from tocsin.models import Channel, Finding, Severity


def privacy(text: str, lang: str) -> list[Finding]:
    ctx = CheckContext(language=lang, on=date(2026, 6, 15), channel=Channel.FACEBOOK)
    return [f for f in check_text(text, ctx) if f.rule == "R-PRIVACY"]


@pytest.mark.parametrize(
    ("lang", "text", "person", "said"),
    [
        (
            "fr",
            "Mme Laura Petit a été évacuée. Victime d’un malaise, elle est hospitalisée à Angers.",
            "Laura Petit",
            "hospitalisée",
        ),
        ("fr", "M. Yves Morel, victime de l’incendie, à l’hôpital.", "Yves Morel", "victime"),
        (
            "fr",
            "Mme Laura Petit a donné l’alerte. Elle a ensuite été conduite aux urgences.",
            "Laura Petit",
            "aux urgences",
        ),
        (
            "fr",
            "Gérard Lemoine a donné l’alerte. Son état de santé n’inspire pas d’inquiétude.",
            "Gérard Lemoine",
            "Son état de santé",
        ),
        (
            "en",
            "Mr Paul Green raised the alarm. He was later taken to hospital.",
            "Paul Green",
            "taken to hospital",
        ),
        (
            "en",
            "Mr Paul Green, a victim of the blast, is in a stable condition.",
            "Paul Green",
            "victim",
        ),
        (
            "de",
            "Herr Jonas Weber hat Alarm geschlagen. Er wurde ins Krankenhaus gebracht.",
            "Jonas Weber",
            "ins Krankenhaus",
        ),
        (
            "de",
            "Frau Anna Fischer wurde evakuiert. Ihr Zustand ist stabil.",
            "Anna Fischer",
            "Ihr Zustand",
        ),
    ],
)
def test_health_said_of_a_named_person_blocks_across_sentences(
    lang: str, text: str, person: str, said: str
) -> None:
    found = [f for f in privacy(text, lang) if f.severity is Severity.BLOCKING]
    assert len(found) == 1, found
    assert found[0].excerpt.startswith(person)
    assert found[0].excerpt.endswith(said)
    assert "santé" in found[0].message


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # An official in their role: named as such, never a private person.
        ("fr", "Le préfet, M. Philippe Mahé, s’est rendu à l’hôpital. Il a vu les blessés."),
        ("fr", "La maire, Mme Anne Roux, était au chevet des victimes. Elle a salué les secours."),
        ("en", "The mayor, John Carter, visited the hospital. He met the injured."),
        ("de", "Der Bürgermeister, Herr Jonas Weber, war im Krankenhaus. Er sah die Opfer."),
        # Anonymous counts, and counts next to a named person: no one's health.
        ("fr", "Trois personnes ont été hospitalisées. Aucune n’est en danger."),
        ("en", "Two residents were taken to hospital. Both are in a stable condition."),
    ],
)
def test_officials_and_counts_are_not_health_information(lang: str, text: str) -> None:
    assert privacy(text, lang) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Mme Laura Petit a donné l’alerte. Deux personnes ont été hospitalisées."),
        ("fr", "Mme Laura Petit a donné l’alerte. Il y a trois blessés."),
        ("fr", "Mme Laura Petit a donné l’alerte. Elle a porté secours aux blessés."),
        ("fr", "Merci à Mme Laura Petit, qui a aidé la victime à sortir du véhicule."),
        ("en", "Mr Paul Green raised the alarm. He helped the injured."),
        ("de", "Herr Jonas Weber hat Alarm geschlagen. Zwei Personen kamen ins Krankenhaus."),
        ("de", "Herr Jonas Weber hat Alarm geschlagen. Er half den Verletzten."),
        # The pronoun is the next person's once someone else is named.
        (
            "fr",
            "Mme Laura Petit a donné l’alerte. Le préfet, M. Philippe Mahé, est venu. "
            "Il a été légèrement blessé.",
        ),
    ],
)
def test_a_named_helper_is_only_named(lang: str, text: str) -> None:
    """The person is named (a warning), but what is said of others is not their health."""
    found = privacy(text, lang)
    assert found, text
    assert {f.severity for f in found} == {Severity.WARNING}, found
