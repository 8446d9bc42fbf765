"""Corrections of a published statement from Slack: the real slack_sdk and slack_bolt against the
fake Web API on loopback, requests signed as Slack signs them, the crisis workflow on the
time-skipping test server.

Once a statement is published its card has « Corriger »: the dialog holds each published text,
prefilled, and the reason; it sends the workflow's ``correct`` update as the person the Slack
user is. The correction's card says it is one (« Correction 1 — … », its reason) and is approved
with its buttons like any statement. Refusals (a stranger, someone who is not an author, a
correction already waiting) are told to the clicker alone; a dialog with nothing changed, a text
emptied or too long, or no reason answers beside its field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fakeslack import (
    CHANNEL,
    Failure,
    block_actions,
    button_value,
    form,
    sign,
    texts_of,
    view_submission,
    with_slack_people,
)
from tests.helpers import approve, crisis_input, until, wait_status
from tests.rig import Rig
from tocsin import crises
from tocsin.i18n import LANGUAGES, text_in
from tocsin.i18n.convert import load
from tocsin.models import (
    Channel,
    CrisisStatus,
    Draft,
    EventKind,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    StatementText,
    TimelineEvent,
)
from tocsin.slack.cards import approval_card
from tocsin.slack.correctcards import INPUT_LIMIT, digest, text_block
from tocsin.slack.corrections import edits_of
from tocsin.slack.ids import PUBLISHED_EVENT, ActionId, BlockId, ViewId
from tocsin.slack.words import escape, text_name

NBSP = "\u00a0"
SMS = text_block(Channel.SMS, "fr")
WEBSITE = text_block(Channel.WEBSITE, "fr")


# --------------------------------------------------------------------------- helpers


def correct_block(message: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (b for b in message.get("blocks") or [] if b.get("block_id") == BlockId.CORRECT), None
    )


def click_correct(user: str, card: dict[str, Any], value: str | None = None) -> dict[str, Any]:
    """``user`` clicks « Corriger » on ``card``, as Slack sends it."""
    block = correct_block(card)
    assert block is not None, "no « Corriger » on the card"
    (button,) = block["elements"]
    assert button["action_id"] == ActionId.CORRECT
    payload = block_actions(
        user, ActionId.CORRECT, value or button["value"], CHANNEL, card["ts"], card["blocks"]
    )
    payload["actions"][0]["block_id"] = BlockId.CORRECT
    return payload


def current(rig: Rig, message: dict[str, Any]) -> dict[str, Any]:
    return rig.fake.message(CHANNEL, message["ts"]) or {}


async def correctable(rig: Rig, card: dict[str, Any]) -> dict[str, Any]:
    """The card once its statement is published: with « Corriger »."""
    found: dict[str, Any] = await until(
        lambda: m if correct_block(m := current(rig, card)) else None,
        30,
        "« Corriger » on the card",
    )
    return found


async def open_dialog(rig: Rig, user: str, card: dict[str, Any]) -> dict[str, Any]:
    before = len(rig.fake.views)
    assert await rig.post(click_correct(user, card)) == 200
    views = await until(lambda: rig.fake.views[before:], 15, "the dialog")
    assert views[0]["callback_id"] == ViewId.CORRECT
    return dict(views[0])


def prefilled(dialog: dict[str, Any]) -> dict[str, str]:
    """Each text field of the dialog and the text it holds."""
    return {
        b["block_id"]: b["element"].get("initial_value", "")
        for b in dialog["blocks"]
        if b["type"] == "input" and b["block_id"] != BlockId.REASON
    }


async def submit(rig: Rig, user: str, dialog: dict[str, Any], values: dict[str, str]) -> str:
    """The dialog sent with the fields as given (the others as prefilled); the app's answer."""
    typed = {**prefilled(dialog), **values}
    body = form(view_submission(user, dialog, typed))
    code, text = await rig.post_raw(body, sign(body))
    assert code == 200
    return text


def errors_of(answer: str) -> dict[str, str]:
    if not answer:
        return {}
    found = json.loads(answer)
    assert found["response_action"] == "errors"
    return dict(found["errors"])


async def ephemeral(rig: Rig, count: int, within: float = 30) -> dict[str, Any]:
    said = await until(lambda: rig.fake.ephemeral[count:], within, "an ephemeral message")
    return dict(said[0])


def corrections(found: CrisisStatus) -> list[TimelineEvent]:
    """The corrections asked so far (each one's event)."""
    return [e for e in found.events if e.kind is EventKind.CORRECTION]


def words(message: dict[str, Any]) -> str:
    return "\n".join(texts_of(message.get("blocks") or []))


def outbox_text(found: CrisisStatus, channel: Channel, revision: int | None = None) -> str:
    """A published text as the outbox has it (the workflow’s own record of it), without the
    file’s final line break."""
    (publication,) = [
        p
        for p in found.publications
        if p.channel is channel
        and p.language == "fr"
        and (revision is None or p.revision == revision)
        and p.phase is PhaseName.ACKNOWLEDGE
    ][-1:]
    return Path(publication.path).read_text(encoding="utf-8").removesuffix("\n")


# --------------------------------------------------------------------------- end to end


async def test_corriger_sends_a_correction_through_its_own_gate_from_the_card(rig: Rig) -> None:
    cid = await rig.trigger(with_slack_people(crisis_input("corriger")))
    card = await rig.card()
    assert correct_block(card) is None  # nothing published yet: nothing to correct
    await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    card = await correctable(rig, card)
    published = await crises.status(rig.client, cid)
    sms = outbox_text(published, Channel.SMS)

    # Each published text is in the card's thread with the text itself in its metadata.
    def kept() -> set[str]:
        return {
            m["metadata"]["event_payload"]["channel"]
            for m in rig.fake.thread(CHANNEL, card["ts"])
            if (m.get("metadata") or {}).get("event_type") == PUBLISHED_EVENT
        }

    channels = {p.channel.value for p in published.publications}
    await until(lambda: kept() == channels, 20, "the published texts")
    assert {"sms", "website"} <= kept()

    # Someone who is nobody in the crisis: told privately, no dialog.
    told = len(rig.fake.ephemeral)
    assert await rig.post(click_correct("UNOBODY", card)) == 200
    assert "aucune personne" in (await ephemeral(rig, told))["text"]
    assert rig.fake.views == []

    # The dialog: each published text prefilled as published, and the reason.
    dialog = await open_dialog(rig, "UCAMILLE", card)
    fields = prefilled(dialog)
    assert fields[SMS] == sms
    assert text_name(Channel.SMS, "fr") in words(dialog)
    reason_block = next(b for b in dialog["blocks"] if b.get("block_id") == BlockId.REASON)
    assert reason_block["optional"] is False

    # Beside the fields: nothing changed, a text emptied or too long, no reason.
    said = errors_of(await submit(rig, "UCAMILLE", dialog, {BlockId.REASON: "erreur"}))
    first = next(iter(fields))  # beside the first text
    assert said == {first: f"Aucun texte n’a changé{NBSP}: corrigez au moins un texte."}
    said = errors_of(await submit(rig, "UCAMILLE", dialog, {SMS: " ", BlockId.REASON: "x"}))
    assert said == {SMS: "Ce champ est obligatoire."}
    too_long = "x" * (INPUT_LIMIT + 1)
    said = errors_of(await submit(rig, "UCAMILLE", dialog, {SMS: too_long, BlockId.REASON: "x"}))
    assert said == {SMS: f"Trop long{NBSP}: 3\u202f000 caractères au plus."}
    corrected = sms.replace("0", "9") + " Numéro corrigé."
    said = errors_of(await submit(rig, "UCAMILLE", dialog, {SMS: corrected}))
    assert said == {BlockId.REASON: "Ce champ est obligatoire."}
    said = errors_of(
        await submit(rig, "UCAMILLE", dialog, {SMS: corrected, BlockId.REASON: "x" * 2001})
    )
    assert said == {BlockId.REASON: f"Trop long{NBSP}: 2\u202f000 caractères au plus."}
    assert not corrections(await crises.status(rig.client, cid))

    # Someone of the crisis who is not an author: the workflow's refusal, privately.
    told = len(rig.fake.ephemeral)
    answer = await submit(
        rig, "UDOMINIQUE", dialog, {SMS: corrected, BlockId.REASON: "mauvais numéro"}
    )
    assert errors_of(answer) == {}
    refusal = await ephemeral(rig, told)
    assert refusal["user"] == "UDOMINIQUE"
    assert refusal["text"].startswith(f"⛔ Refusé{NBSP}: Dominique Lefèvre ne peut pas rédiger")
    assert "Refusé" not in refusal["text"][len("⛔ Refusé") :]

    # The author: the correction opens its own gate with the corrected text only.
    told = len(rig.fake.ephemeral)
    answer = await submit(rig, "UCAMILLE", dialog, {SMS: corrected, BlockId.REASON: "mauvais n°"})
    assert errors_of(answer) == {}
    sent = await ephemeral(rig, told)
    assert sent["user"] == "UCAMILLE"
    assert sent["text"].startswith("✅ Correction de «")
    waiting = await wait_status(
        rig.client,
        cid,
        lambda s: s.draft is not None and s.draft.note.endswith("mauvais n°"),
        what="the correction's gate",
    )
    assert waiting.draft is not None
    assert [(x.channel, x.text) for x in waiting.draft.texts] == [(Channel.SMS, corrected)]
    assert waiting.draft.author == "camille"

    # Its card says it is a correction, why, and shows the corrected text.
    def correction_cards() -> list[dict[str, Any]]:
        return [
            m
            for m in rig.fake.cards(CHANNEL, cid)
            if m["blocks"][0]["text"]["text"].startswith("Correction 1 — ")
        ]

    (fix,) = await until(correction_cards, 20, "the correction's card")
    assert f"*Motif de la correction*{NBSP}: mauvais n°" in words(fix)
    assert "Note" not in words(fix)
    assert corrected in words(fix)
    # Beside it, the SMS as the public was given it, to read the correction against.
    before = f"*Publié jusqu’ici — {text_name(Channel.SMS, 'fr')}{NBSP}:* "
    assert before + escape(sms[:600]) in words(fix), words(fix)
    assert waiting.draft.replaces == [StatementText(channel=Channel.SMS, language="fr", text=sms)]
    assert button_value(fix, ActionId.APPROVE)

    # A second correction while this one waits: refused, privately.
    told = len(rig.fake.ephemeral)
    again = await submit(rig, "UCAMILLE", dialog, {SMS: corrected + "!", BlockId.REASON: "encore"})
    assert errors_of(again) == {}
    assert "une correction attend déjà" in (await ephemeral(rig, told))["text"]

    # Approved on its card by the director, like any statement; then published.
    assert await rig.click("UDOMINIQUE", ActionId.APPROVE, fix) == 200
    after = await wait_status(
        rig.client,
        cid,
        lambda s: any(p.revision == waiting.revision for p in s.publications),
        what="the correction published",
    )
    assert outbox_text(after, Channel.SMS, waiting.revision) == corrected
    fix = await correctable(rig, fix)
    assert fix["blocks"][0]["text"]["text"].startswith("Correction 1 — ")

    # From the statement's card, the SMS is now corrected elsewhere: not offered again.
    dialog = await open_dialog(rig, "UCAMILLE", card)
    assert SMS not in prefilled(dialog)
    assert WEBSITE in prefilled(dialog)
    assert f"Corrigés depuis cette carte{NBSP}: {text_name(Channel.SMS, 'fr')}" in words(dialog)
    # From the correction's card: its corrected text, to correct again.
    dialog = await open_dialog(rig, "UCAMILLE", fix)
    assert prefilled(dialog) == {SMS: corrected}
    await rig.client.get_workflow_handle(cid).terminate("test over")


async def test_forged_corriger_clicks_and_dialogs_are_refused_politely(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """A « Corriger » value or a dialog's metadata that is not what the app wrote: acknowledged,
    refused to the clicker alone or beside the dialog's field, nothing corrected."""
    cid = await rig.trigger(with_slack_people(crisis_input("forge-corr")))
    card = await rig.card()
    await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    card = await correctable(rig, card)
    forged = [
        "pas du json",
        json.dumps({"crisis": cid, "phase": "acknowledge<!channel>", "sequence": 0}),
        json.dumps({"crisis": cid, "phase": "acknowledge", "sequence": True}),
        json.dumps({"crisis": cid, "phase": "acknowledge", "sequence": -1}),
        json.dumps({"crisis": "../../etc", "phase": "acknowledge", "sequence": 0}),
        "x" * 10_000,
    ]
    for told, value in enumerate(forged):
        assert await rig.post(click_correct("UCAMILLE", card, value)) == 200
        assert "n’a pas pu être lue" in (await ephemeral(rig, told))["text"], value
    # A statement never published: the workflow's word for it.
    unpublished = json.dumps({"crisis": cid, "phase": "close", "sequence": 0})
    assert await rig.post(click_correct("UCAMILLE", card, unpublished)) == 200
    said = (await ephemeral(rig, len(forged)))["text"]
    assert said.startswith(f"⛔ Refusé{NBSP}: «")
    assert "n’a pas été publié" in said
    # A click Slack sent without its message's place: nothing to read the texts from.
    told = len(rig.fake.ephemeral)
    placeless = click_correct("UCAMILLE", card)
    del placeless["container"]["message_ts"], placeless["message"]["ts"]
    assert await rig.post(placeless) == 200
    assert "n’a pas pu être lue" in (await ephemeral(rig, told))["text"]
    # The card's thread cannot be read (the app removed from the channel): said, with the
    # command line's way.
    rig.fake.fail(
        "conversations.replies", Failure(200, body={"ok": False, "error": "not_in_channel"})
    )
    told = len(rig.fake.ephemeral)
    assert await rig.post(click_correct("UCAMILLE", card)) == 200
    said = (await ephemeral(rig, told))["text"]
    assert said.startswith("⛔ Aucun texte de cette carte")
    assert f"`tocsin correct {cid} --phase acknowledge -e …`" in said
    assert rig.fake.views == []

    # Dialogs whose metadata was not written by the app.
    dialog = await open_dialog(rig, "UCAMILLE", card)
    meta = json.loads(dialog["private_metadata"])
    values = {SMS: "Texte corrigé.", BlockId.REASON: "erreur"}
    for wrong in (
        "pas du json",
        json.dumps({**meta, "texts": {}}),
        json.dumps({**meta, "texts": {"tocsin_text__pigeon__fr": "0" * 16}}),
        json.dumps({**meta, "texts": {SMS: "pas un condensé"}}),
        json.dumps({**meta, "phase": "nope"}),
        json.dumps({**meta, "crisis": "crisis\n"}),
        "x" * 4000,
    ):
        view = {**dialog, "private_metadata": wrong}
        body = form(view_submission("UCAMILLE", view, values))
        code, text = await rig.post_raw(body, sign(body))
        assert code == 200
        assert "n’a pas pu être lue" in str(errors_of(text)), wrong
    assert not corrections(await crises.status(rig.client, cid))
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    await rig.client.get_workflow_handle(cid).terminate("test over")


# --------------------------------------------------------------------------- the card


def _correction_notice(kind: NotifyKind) -> NotifyRequest:
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    draft = Draft(
        phase=PhaseName.ACKNOWLEDGE,
        sequence=0,
        revision=7,
        author="camille",
        drafted_at=now,
        texts=[StatementText(channel=Channel.SMS, language="fr", text="Numéro : 0 800 <!here>")],
        note="Correction : mauvais numéro <!channel>",
    )
    return NotifyRequest(
        crisis_id="crisis-eau-non-potable-x",
        title="Eau non potable",
        kind=kind,
        phase=PhaseName.ACKNOWLEDGE,
        revision=7,
        message="Approbation demandée",
        idempotency_key="k",
        draft=draft,
        correction=2,
        correction_reason="mauvais numéro <!channel>",
    )


def test_a_corrections_card_says_so_and_why_and_a_published_one_can_be_corrected() -> None:
    notice = _correction_notice(NotifyKind.APPROVAL_REQUESTED)
    blocks = [b.to_dict() for b in approval_card(notice, "Europe/Paris", "<@UDOMINIQUE>")]
    assert blocks[0]["text"]["text"].startswith("Correction 2 — ")
    assert blocks[0]["text"]["text"].endswith(" · Eau non potable")
    shown = "\n".join(texts_of(blocks))
    assert f"*Motif de la correction*{NBSP}: mauvais numéro &lt;!channel&gt;" in shown
    assert "Correction d’une déclaration publiée" in shown
    assert "&lt;!here&gt;" in shown  # the corrected text, inert
    assert "<!" not in shown
    assert {b.get("block_id") for b in blocks} >= {BlockId.ACTIONS}
    assert BlockId.CORRECT not in {b.get("block_id") for b in blocks}
    # Once published: the status, and « Corriger » to correct it again.
    published = _correction_notice(NotifyKind.PUBLISHED)
    blocks = [
        b.to_dict()
        for b in approval_card(published, "Europe/Paris", "", status="ok", correctable=True)
    ]
    assert blocks[-1]["block_id"] == BlockId.CORRECT
    value = json.loads(blocks[-1]["elements"][0]["value"])
    assert value == {"crisis": "crisis-eau-non-potable-x", "phase": "acknowledge", "sequence": 0}
    assert BlockId.ACTIONS not in {b.get("block_id") for b in blocks}


# --------------------------------------------------------------------------- refusals' words

REFUSED = {"fr": "Refusé", "en": "Refused", "de": "Abgelehnt"}


def test_no_refusal_says_refused_twice() -> None:
    """The CLI (« Erreur : Refusé : … ») and Slack (« ⛔ Refusé : … ») add the word: no
    refuse.* text of the catalogue may start with it, in any language."""
    for lang in LANGUAGES:
        keys = [m.id for m in load(lang) if isinstance(m.id, str) and m.id.startswith("refuse.")]
        assert len(keys) > 30
        for key in keys:
            text = text_in(lang, key)
            assert not text.startswith(REFUSED[lang]), (lang, key, text)
            assert not text.endswith("."), (lang, key, text)
    refusal = crises.Refused(
        "TaskDone", {"task": "t3", "person": "sacha"}, "", names={"sacha": "Sacha Benali"}
    )
    for lang, word in REFUSED.items():
        for wrapper in ("err.refused", "slack.refused"):
            said = text_in(lang, wrapper, reason=text_in(lang, "refuse.TaskDone", task="t3"))
            assert said.count(word) == 1, said
    said = text_in("fr", "err.refused", reason=refusal.localized())
    assert said.startswith("Refusé")
    assert said.endswith(": la tâche t3 est déjà marquée publiée par Sacha Benali"), said


# --------------------------------------------------------------------------- the dialog's texts


def test_several_texts_corrected_at_once_and_the_unchanged_left_out() -> None:
    published = {SMS: "Eau non potable.", WEBSITE: "<p>Eau non potable.</p>"}
    x = text_block(Channel.X, "fr")
    offered = {SMS: digest(published[SMS]), WEBSITE: digest(published[WEBSITE]), x: digest("T.")}

    def typed(texts: dict[str, str]) -> dict[str, Any]:
        return {
            block: {"value": {"type": "plain_text_input", "value": v}} for block, v in texts.items()
        }

    edits, errors = edits_of(
        typed({SMS: "Eau potable.", WEBSITE: " <p>Eau non potable.</p>\n", x: "T2."}), offered
    )
    assert errors == {}
    assert [(e.channel, e.text) for e in edits] == [
        (Channel.SMS, "Eau potable."),
        (Channel.X, "T2."),
    ]
    # Nothing changed (spaces around do not count): said beside the first text.
    edits, errors = edits_of(
        typed({SMS: " Eau non potable. ", WEBSITE: published[WEBSITE], x: "T."}), offered
    )
    assert edits == []
    assert list(errors) == [SMS]
