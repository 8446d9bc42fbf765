"""Guardrails past their word lists, second round (issue 23, point 6): a public body run down
without a judging word (contrast, us and them, again and late, irony), an office holder thanked
as one's own, the term of office and tallies of achievements in an electoral window, the
familiar register's verb forms and spoken openers, in French, English and German. The
statements here are the developers' own, written for these tests, not the writers'."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.guardrails import CheckContext, check_text
from tocsin.models import Channel, Severity

OUTSIDE = "2026-06-15"  # outside every electoral window
INSIDE = "2025-11-25"  # municipales 2026


def rules(text: str, lang: str = "fr", day: str = OUTSIDE) -> dict[str, str]:
    ctx = CheckContext(language=lang, on=date.fromisoformat(day), channel=Channel.FACEBOOK)
    found: dict[str, str] = {}
    for item in check_text(text, ctx):
        if item.rule not in found or item.severity is Severity.BLOCKING:
            found[item.rule] = item.severity.value
    return found


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "À la différence de l’État, la commune a ouvert un numéro dès lundi."),
        ("fr", "Encore une fois, l’ARS nous laisse sans réponse."),
        ("fr", "La Région promet beaucoup. Le département, lui, a déjà rouvert les routes."),
        ("fr", "Bruxelles fixe les règles, mais c’est notre commune qui répare les digues."),
        (
            "fr",
            "Il aura fallu que la préfecture mette cinq jours à réagir pour que l’alerte parte.",
        ),
        ("fr", "On se demande à quoi sert la cellule de crise de la préfecture."),
        ("en", "Yet again, the county council has kept residents in the dark."),
        ("en", "Unlike the prefecture, our teams were on site within the hour."),
        ("en", "The ministry only acted after four days of flooding."),
        ("de", "Wieder einmal hat das Ministerium die Gemeinden allein gelassen."),
        ("de", "Anders als das Landratsamt haben wir sofort informiert."),
        ("de", "Die Regierung reagierte erst nach drei Tagen."),
    ],
)
def test_a_body_run_down_without_a_judging_word(lang: str, text: str) -> None:
    assert rules(text, lang).get("R-NEUTRAL") == "blocking", text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fr",
            "La préfecture rappelle une nouvelle fois qu’il est interdit d’aller sur les berges.",
        ),
        ("fr", "Contrairement à une rumeur, l’eau reste potable."),
        ("fr", "Restez là où vous êtes et fermez les fenêtres."),
        ("fr", "Se mettre à l’abri protège bien mieux que de partir en voiture."),
        ("fr", "La préfecture et la mairie ont ouvert une cellule d’information commune."),
        ("fr", "Une fois de plus, nos équipes sont mobilisées sur le terrain."),
        ("fr", "La mairie a encore été touchée par une cyberattaque."),
        ("fr", "Il y a plus que jamais besoin des services de secours."),
        ("en", "Once again our teams are on the ground tonight."),
        ("en", "The council reminds residents once again that the bridge is closed."),
        ("en", "Stay indoors: it is safer than driving through the smoke."),
        ("de", "Die Gemeinde erinnert wieder einmal daran, die Keller nicht zu betreten."),
    ],
)
def test_reminders_and_comparisons_of_no_body_are_left_alone(lang: str, text: str) -> None:
    assert "R-NEUTRAL" not in rules(text, lang), text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Merci à notre maire, qui a passé la nuit au poste de commandement."),
        ("en", "Thanks to our mayor, who stayed at the crisis centre all night."),
        ("de", "Danke an unseren Bürgermeister, der die ganze Nacht vor Ort war."),
    ],
)
def test_an_office_holder_thanked_as_one_s_own(lang: str, text: str) -> None:
    assert rules(text, lang) == {"R-NEUTRAL": "blocking"}
    assert rules(text, lang, INSIDE).get("R-ELECTION") == "blocking"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Au cours de ce mandat, la commune a rénové 12 km de réseau."),
        ("fr", "Trente classes rénovées, deux crèches créées : la ville avance."),
        ("fr", "Notre ville, la mieux équipée de l’agglomération, prête ses pompes."),
        ("en", "This term, the council has built three new flood walls."),
        ("de", "In dieser Amtszeit hat die Stadt vier Schulen saniert."),
    ],
)
def test_a_record_is_promoted_inside_the_window_only(lang: str, text: str) -> None:
    assert "R-ELECTION" not in rules(text, lang)
    assert rules(text, lang, INSIDE).get("R-ELECTION") == "blocking", text


@pytest.mark.parametrize(
    "text",
    [
        "Deux gymnases ouverts, 400 repas distribués cette nuit.",
        "Le mandat de dépôt a été prononcé par le juge.",
        "Les 200 foyers privés d’eau seront alimentés par citerne.",
    ],
)
def test_crisis_counts_are_no_record(text: str) -> None:
    assert "R-ELECTION" not in rules(text, day=INSIDE)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "On bosse dessus depuis ce matin."),
        ("fr", "Les techniciens galèrent avec le réseau."),
        ("fr", "Sérieusement, arrêtez d’appeler le 18 pour des caves inondées."),
        ("fr", "Plus d’eau rue Haute jusqu’a 18 h, dsl."),
        ("en", "Honestly, folks, the hotline is the place to call."),
        ("de", "Naja, der Strom kommt bald wieder."),
    ],
)
def test_the_familiar_register_past_the_listed_forms(lang: str, text: str) -> None:
    assert rules(text, lang).get("R-VOICE") == "warning", text


@pytest.mark.parametrize(
    "text",
    [
        "Bon à savoir : la déchetterie reste ouverte.",
        "Les bosses de la chaussée sont signalées.",
        "Le bon de commande est disponible en mairie.",
    ],
)
def test_institutional_words_like_familiar_ones_are_left_alone(text: str) -> None:
    assert "R-VOICE" not in rules(text)
