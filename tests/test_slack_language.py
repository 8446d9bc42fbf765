"""The Slack app speaks the organisation's language (TOCSIN_LANG), French first with French
typography: what the fake Slack received from a crisis run in English holds no French word, no
code and no key; every French message follows French typography."""

from __future__ import annotations

import re

import pytest

from tests.fakeslack import (
    CHANNEL,
    block_actions,
    form,
    has_buttons,
    sign,
    slash,
    view_submission,
    with_slack_people,
)
from tests.helpers import LIBRARY, crisis_input, until, until_quiet, wait_status
from tests.rig import Rig
from tocsin.i18n import convert, text_in
from tocsin.models import NotifyKind, NotifyRequest, PhaseName
from tocsin.slack.cards import card_text
from tocsin.slack.ids import ActionId, BlockId


async def trigger(rig: Rig, key: str) -> str:
    return await rig.trigger(with_slack_people(crisis_input(key)))


def test_the_card_speaks_the_organisation_s_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workflow's notices carry French; the card shows the words of the notice's kind,
    phase and revision in TOCSIN_LANG."""
    request = NotifyRequest(
        crisis_id="c1",
        title="Trinkwasser",
        kind=NotifyKind.APPROVAL_REQUESTED,
        phase=PhaseName.FOLLOW_UP,
        sequence=2,
        revision=3,
        message="Révision 3 à approuver.",
        idempotency_key="k",
    )
    monkeypatch.setenv("TOCSIN_LANG", "de")
    assert card_text(request) == "Trinkwasser – Lagebericht Nr. 2: Fassung 3 zur Freigabe"
    monkeypatch.setenv("TOCSIN_LANG", "fr")
    french = "Trinkwasser – Point de situation n° 2\u00a0: révision 3 à approuver"
    assert card_text(request) == french


# --------------------------------------------------------------------------- one language


def _french_words() -> set[str]:
    """Words of the French catalogue that its English never uses: the Slack app's words, the
    states, phases, roles and refusals it shows."""
    families = ("slack.", "state.", "phase.", "role.", "refuse.", "err.invalid_input")
    english = " ".join(
        text_in("en", key) for key in _catalogue_keys() if key.startswith(families)
    ).lower()
    found: set[str] = set()
    for key in _catalogue_keys():
        if key.startswith(families):
            found.update(re.findall(r"[a-zàâçéèêëîïôûùüÿœ’]{5,}", text_in("fr", key).lower()))
    return {w for w in found if not re.search(rf"\b{re.escape(w)}\b", english)}


def _catalogue_keys() -> list[str]:
    return [str(m.id) for m in convert.load("fr") if m.id and isinstance(m.id, str)]


CODES = re.compile(
    r"\b(?:approval_requested|request_changes|approve_with_edits|changes_requested|"
    r"awaiting_\w+|waiting_\w+|deputy_director|follow_up|press_release|cell_broadcast|"
    r"tocsin_\w+|slack\.\w+|state\.\w+|phase\.\w+|role\.\w+|refuse\.\w+)\b"
)


async def test_in_english_the_app_says_nothing_in_french(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An organisation in English (TOCSIN_LANG=en) reads the app in English: cards, dialogs,
    threads, refusals, answers to commands. What it was sent, less the statements themselves
    (code blocks) and the playbook's own words (its title, people), holds no French word of
    the catalogues, no French typography and no code or key."""
    monkeypatch.setenv("TOCSIN_LANG", "en")
    cid = await trigger(rig, "english")
    card = await rig.card()
    await wait_status(rig.client, cid, lambda s: s.state == "awaiting_approval", what="gate")
    # Refusals: the author approving her own draft, a stranger, a malformed click.
    assert await rig.click("UCAMILLE", ActionId.APPROVE, card) == 200
    assert await rig.click("UNOBODY", ActionId.APPROVE, card) == 200
    await until(lambda: len(rig.fake.ephemeral) == 2, 10, "two refusals")
    broken = block_actions("UDOMINIQUE", ActionId.APPROVE, "{", CHANNEL, card["ts"], [])
    assert await rig.post(broken) == 200
    await until(lambda: len(rig.fake.ephemeral) == 3, 10, "the malformed click refused")
    # Commands.
    for text in (f"status {cid}", "status nothing-here", "", "start nothing-here", "start ../x"):
        seen = len(rig.fake.responses)
        body = slash(text, "UCAMILLE", CHANNEL, rig.fake.response_url())
        assert (await rig.post_raw(body, sign(body)))[0] == 200
        await until(lambda: len(rig.fake.responses) > seen, 10, f"an answer to {text!r}")  # noqa: B023
    body = slash("start eau-non-potable", "UCAMILLE", CHANNEL, rig.fake.response_url())
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    start = (await until(lambda: rig.fake.views, 10, "the start dialog"))[0]
    wrong = view_submission("UCAMILLE", start, {"tocsin_param__site": "not a url"})
    code, answer = await rig.post_raw(form(wrong), sign(form(wrong)))
    assert code == 200
    assert "web address expected" in answer
    # Changes asked, a revision, then approval and publication.
    assert await rig.click("UDOMINIQUE", ActionId.REQUEST_CHANGES, card) == 200
    modal = (await until(lambda: rig.fake.views[1:], 10, "the change dialog"))[0]
    sms = "tocsin_text__sms__fr"
    submit = view_submission(
        "UDOMINIQUE", modal, {BlockId.COMMENT: "Add the hours.", sms: "Eau non potable."}
    )
    assert await rig.post(submit) == 200
    ask = await until(
        lambda: [
            m for m in rig.fake.thread(CHANNEL, card["ts"]) if ActionId.REVISE in str(m["blocks"])
        ],
        15,
        "the revise button",
    )
    value = ask[0]["blocks"][1]["elements"][0]["value"]
    click = block_actions("UCAMILLE", ActionId.REVISE, value, CHANNEL, ask[0]["ts"], [])
    assert await rig.post(click) == 200
    revise = (await until(lambda: rig.fake.views[2:], 10, "the revise dialog"))[0]
    new_sms = "Eau du robinet non potable. Bouteilles salle des fêtes, 8 h-20 h."
    revised = view_submission("UCAMILLE", revise, {sms: new_sms, BlockId.COMMENT: "hours added"})
    assert await rig.post(revised) == 200
    card2 = await until(
        lambda: (
            (m := rig.fake.message(CHANNEL, card["ts"]))
            and has_buttons(m)
            and '"revision":2' in str(m["blocks"])
            and m
        ),
        15,
        "the card at revision 2",
    )
    assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card2) == 200
    await until(
        lambda: rig.fake.said_in_thread(CHANNEL, card["ts"], "Published"), 20, "publication"
    )
    await until_quiet(rig.client, cid)

    playbook = LIBRARY.load("eau-non-potable").playbook
    people = [p.name for p in playbook.people.values()]
    hints = [p.description for p in playbook.parameters] + [
        str(p.example) for p in playbook.parameters
    ]
    own = [playbook.title, *people, *hints, "Add the hours.", "hours added"]
    french = _french_words()
    assert {"révision", "approuver", "échéance"} <= french  # the detector knows its words
    problems = []
    for text in rig.fake.shown():
        prose = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
        for words in own:
            prose = prose.replace(words, " ")
        lower = prose.lower()
        found = [w for w in re.findall(r"[a-zàâçéèêëîïôûùüÿœ’]{5,}", lower) if w in french]
        if found or "\u00a0:" in prose or " :" in prose or "«" in prose or CODES.search(prose):
            problems.append((found, prose[:200]))
    assert problems == [], "\n".join(map(str, problems))
    monkeypatch.setenv("TOCSIN_LANG", "fr")


def test_the_slack_app_s_french_follows_french_typography() -> None:
    """A non-breaking space before a colon, a narrow one before ; ! ? and inside « », the
    typographic apostrophe: in every French message of the Slack app."""
    keys = [key for key in _catalogue_keys() if key.startswith("slack.")]
    assert len(keys) > 100
    for key in keys:
        french = text_in("fr", key)
        assert not re.search(r"\S[ ]?[:](?=\s|$)", french.replace("\u00a0:", "")), key
        assert not re.search(r"(?<!\u202f)[;!?](?=\s|$)", french), key
        assert "« " not in french, key
        assert " »" not in french, key
        assert "'" not in french, key
