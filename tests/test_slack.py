"""Slack end to end: the real slack_sdk and slack_bolt against a fake Web API on loopback, requests
signed as Slack signs them, the crisis workflow on the time-skipping test server."""

from __future__ import annotations

import asyncio
import signal
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from slack_sdk.errors import SlackApiError

from tests.fakeslack import (
    CHANNEL,
    Call,
    Failure,
    FakeSlack,
    block_actions,
    button_value,
    form,
    has_buttons,
    sign,
    slack_library,
    view_submission,
    with_slack_people,
)
from tests.helpers import (
    LIBRARY,
    approve,
    crisis_input,
    samples,
    until,
    wait_status,
)
from tests.rig import Rig, running
from tocsin import crises
from tocsin.models import CrisisStatus, DecisionAction, NotifyKind, NotifyRequest, PhaseName
from tocsin.preview import preview_drafts
from tocsin.slack.ids import SLASH_COMMAND, ActionId, BlockId, ViewId
from tocsin.slack.notifier import SlackNotifier, kept_alive, web_client
from tocsin.slack.words import text_name


async def trigger(rig: Rig, key: str) -> str:
    return await rig.trigger(with_slack_people(crisis_input(key)))


async def status(rig: Rig, crisis_id: str) -> CrisisStatus:
    return await crises.status(rig.client, crisis_id)


async def test_card_then_one_tap_approval(rig: Rig) -> None:
    cid = await trigger(rig, "tap")
    card = await rig.card()
    assert has_buttons(card)
    shown = str(card["blocks"])
    assert "Premier message" in shown
    assert "SMS · français" in shown  # each channel's text, with its count
    assert "/ 3 segments" in shown
    assert "Échéance" in shown
    # The approver whose turn it is gets the card as a direct message too.
    direct = await until(lambda: rig.fake.messages.get("DUDOMINIQUE"), 10, "the DM")
    assert has_buttons(direct[0])

    # The author cannot approve her own draft: told privately, nothing changes.
    assert await rig.click("UCAMILLE", ActionId.APPROVE, card) == 200
    refused = await until(lambda: rig.fake.ephemeral, 10, "an ephemeral refusal")
    assert refused[0]["user"] == "UCAMILLE"
    assert "Refusé" in refused[0]["text"]
    # A Slack user who is nobody in the playbook: told so.
    assert await rig.click("UNOBODY", ActionId.APPROVE, card) == 200
    await until(lambda: len(rig.fake.ephemeral) == 2, 10, "second refusal")
    assert "aucune personne" in rig.fake.ephemeral[1]["text"]
    assert (await status(rig, cid)).decisions == []
    assert has_buttons(rig.fake.message(CHANNEL, card["ts"]) or {})

    # The director taps Approve: the decision is the workflow's, the card loses its buttons.
    assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card) == 200
    await until(
        lambda: not has_buttons(rig.fake.message(CHANNEL, card["ts"]) or {}), 15, "card updated"
    )
    after = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="decision")
    decision = after.decisions[0]
    assert decision.person == "dominique"
    assert decision.action is DecisionAction.APPROVE
    updated = rig.fake.message(CHANNEL, card["ts"]) or {}
    assert "Approuvé" in str(updated["blocks"])
    # Publication is posted in the card's thread, each text in full.
    await until(
        lambda: rig.fake.said_in_thread(CHANNEL, card["ts"], "Publié"),
        15,
        "publication in thread",
    )
    # The decision lands before publication ends: wait for the workflow to record every file.
    after = await wait_status(
        rig.client, cid, lambda s: s.state != "publishing" and bool(s.publications), what="files"
    )
    published = {text_name(p.channel, p.language) for p in after.publications}

    def texts() -> list[str]:
        # One message a published text; the thread holds others too (the decision, the texts to
        # publish by hand), whose count says nothing of how many texts are there yet.
        return [
            m["text"] for m in rig.fake.thread(CHANNEL, card["ts"]) if "publié" in str(m["blocks"])
        ]

    await until(lambda: len(texts()) >= len(published), 15, "every published text in the thread")
    assert set(texts()) == published


async def test_forged_stale_and_replayed_requests_get_401(rig: Rig) -> None:
    cid = await trigger(rig, "forged")
    card = await rig.card()
    value = button_value(card, ActionId.APPROVE)
    payload = block_actions("UDOMINIQUE", ActionId.APPROVE, value, CHANNEL, card["ts"], [])
    body = form(payload)
    forged = sign(body, secret="not-the-secret")
    assert (await rig.post_raw(body, forged))[0] == 401
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    assert (await rig.post_raw(body, stale))[0] == 401
    tampered = sign(body)
    assert (await rig.post_raw(body.replace("UDOMINIQUE", "USACHA"), tampered))[0] == 401
    assert (await status(rig, cid)).decisions == []

    good = sign(body)
    assert (await rig.post_raw(body, good))[0] == 200
    assert (await rig.post_raw(body, good))[0] == 401  # the same signed request, again
    done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="decision")
    await asyncio.sleep(0.5)
    assert len((await status(rig, cid)).decisions) == len(done.decisions) == 1


async def test_request_changes_then_revise_then_approve(rig: Rig) -> None:
    cid = await trigger(rig, "changes")
    card = await rig.card()
    assert await rig.click("UDOMINIQUE", ActionId.REQUEST_CHANGES, card) == 200
    modal = await until(lambda: rig.fake.views, 10, "the modal")
    assert modal[0]["callback_id"] == ViewId.REQUEST_CHANGES
    # An empty comment is refused in the modal itself.
    status_code, text = await rig.post_raw(
        form(view_submission("UDOMINIQUE", modal[0], {BlockId.COMMENT: ""})),
        sign(form(view_submission("UDOMINIQUE", modal[0], {BlockId.COMMENT: ""}))),
    )
    assert status_code == 200
    assert "errors" in text
    assert any(b["block_id"] == "tocsin_text__sms__fr" for b in modal[0]["blocks"])
    proposal = "Eau NON POTABLE : ne la buvez pas. Bouteilles en mairie. Info 0 800 123 456."
    submit = view_submission(
        "UDOMINIQUE",
        modal[0],
        {BlockId.COMMENT: "Ajouter les horaires.", "tocsin_text__sms__fr": proposal},
    )
    assert await rig.post(submit) == 200
    asked = await wait_status(
        rig.client, cid, lambda s: s.state == "awaiting_revision", what="revision"
    )
    # The director's rewrite reaches the author as a proposal, with the comment.
    assert asked.decisions[0].comment.startswith("Ajouter les horaires.")
    assert f"SMS · français\u00a0: «\u202f{proposal}\u202f»" in asked.decisions[0].comment
    ask = await until(
        lambda: [
            m for m in rig.fake.thread(CHANNEL, card["ts"]) if ActionId.REVISE in str(m["blocks"])
        ],
        10,
        "the revise button in the thread",
    )
    assert "<@UCAMILLE>" in str(ask[0]["blocks"])
    revise_value = ask[0]["blocks"][1]["elements"][0]["value"]
    click = block_actions(
        "UCAMILLE", ActionId.REVISE, revise_value, CHANNEL, ask[0]["ts"], ask[0]["blocks"]
    )
    assert await rig.post(click) == 200
    revise_modal = await until(lambda: rig.fake.views[1:], 10, "the revise modal")
    assert revise_modal[0]["callback_id"] == ViewId.REVISE
    sms_block = "tocsin_text__sms__fr"
    assert any(b.get("block_id") == sms_block for b in revise_modal[0]["blocks"])
    new_sms = (
        "Eau du robinet non potable. Bouteilles salle des fêtes, 8 h-20 h. Info 0 800 123 456."
    )
    submit_revision = view_submission(
        "UCAMILLE", revise_modal[0], {sms_block: new_sms, BlockId.COMMENT: "horaires ajoutés"}
    )
    assert await rig.post(submit_revision) == 200
    revised = await wait_status(
        rig.client, cid, lambda s: s.state == "awaiting_approval" and s.revision == 2, what="rev 2"
    )
    assert revised.draft is not None
    assert (
        revised.draft.text_for(
            next(t.channel for t in revised.draft.texts if t.channel.value == "sms"), "fr"
        )
        == new_sms
    )
    # The same card now shows revision 2 with its buttons, and approval publishes it.
    card2 = await until(
        lambda: (
            (m := rig.fake.message(CHANNEL, card["ts"]))
            and has_buttons(m)
            and "tocsin_approve" in str(m["blocks"])
            and '"revision":2' in str(m["blocks"])
            and m
        ),
        10,
        "card at revision 2",
    )
    assert len(rig.fake.cards(CHANNEL)) == 1  # updated in place, never a second card
    assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card2) == 200
    done = await wait_status(
        rig.client, cid, lambda s: any(p.revision == 2 for p in s.publications), what="published"
    )
    assert [d.action for d in done.decisions] == [
        DecisionAction.REQUEST_CHANGES,
        DecisionAction.APPROVE,
    ]


async def test_reject_with_a_reason(rig: Rig) -> None:
    cid = await trigger(rig, "reject")
    card = await rig.card()
    assert await rig.click("UDOMINIQUE", ActionId.REJECT, card) == 200
    modal = await until(lambda: rig.fake.views, 10, "the modal")
    assert modal[0]["callback_id"] == ViewId.REJECT
    submit = view_submission(
        "UDOMINIQUE", modal[0], {BlockId.REASON: "La préfecture communique seule."}
    )
    assert await rig.post(submit) == 200
    done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="reject")
    assert done.decisions[0].action is DecisionAction.REJECT
    assert done.decisions[0].comment == "La préfecture communique seule."
    await until(
        lambda: "Rejeté" in str((rig.fake.message(CHANNEL, card["ts"]) or {}).get("blocks")),
        10,
        "card says rejected",
    )
    assert not has_buttons(rig.fake.message(CHANNEL, card["ts"]) or {})


# --------------------------------------------------------------------------- notifier alone


async def test_a_retried_notice_never_posts_a_second_card(fake: FakeSlack) -> None:
    """The worker died after Slack accepted the card and before Temporal recorded it: the retry
    finds the card by its key and updates it."""
    crisis = with_slack_people(crisis_input("retry"))
    draft = preview_drafts(
        LIBRARY.load("eau-non-potable"), LIBRARY.template_folders, {}, [PhaseName.ACKNOWLEDGE]
    )[0]
    slack = fake.settings(CHANNEL)
    notifier = SlackNotifier(web_client(slack), CHANNEL)
    request = NotifyRequest(
        crisis_id=crisis.crisis_id,
        title="Eau non potable",
        kind=NotifyKind.APPROVAL_REQUESTED,
        phase=PhaseName.ACKNOWLEDGE,
        revision=draft.revision,
        recipients=["dominique"],
        recipient_names=["Dominique Lefèvre"],
        recipient_slack_ids=["UDOMINIQUE"],
        message="Approbation demandée",
        idempotency_key="run0-00002-approval_requested",
        draft=draft,
    )
    # Slack is rate limiting at first: slack-sdk waits Retry-After and tries again.
    fake.fail(
        "chat.postMessage",
        Failure(429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}),
    )
    first = await notifier.notify(request, retry=False)
    # A first attempt has posted nothing yet: it looks for nothing (the card and its DM).
    lookups = ("conversations.history", "conversations.replies")
    assert not [c for c in fake.calls if c.method in lookups]
    second = await notifier.notify(request)  # the activity's retry
    looked = [c.args["channel"] for c in fake.calls if c.method in lookups]
    assert looked == [CHANNEL, "DUDOMINIQUE"]  # the channel, then the direct message
    assert first.card == second.card
    assert len(fake.cards(CHANNEL)) == 1
    posts = [
        c for c in fake.calls if c.method == "chat.postMessage" and c.args["channel"] == CHANNEL
    ]
    assert len(posts) == 2  # the 429, then the card; the retry updated instead of posting
    assert len(fake.messages["DUDOMINIQUE"]) == 1  # and one direct message
    # A server error that lasts is the activity's to retry: it raises.
    fake.fail("conversations.history", *[Failure(500)] * 5)
    with pytest.raises(SlackApiError, match="fatal_error"):
        await notifier.notify(request.model_copy(update={"idempotency_key": "k2"}))


# --------------------------------------------------------------------------- worker killed


async def test_worker_killed_after_posting_a_card_leaves_one_card(
    tmp_path: Path, fake: FakeSlack
) -> None:
    """Slack accepted the card, the worker died before Temporal heard of it: the activity runs
    again on another worker, finds the card by its key and updates it. One card, not two."""
    async with running(
        tmp_path, server="dev", queue="slack-kill", fake=fake, channel=CHANNEL
    ) as rig:
        (first,) = rig.workers()
        fake.hold_card = 20.0  # the card is stored, the answer comes too late
        cid = await rig.trigger(crisis_input("slack-kill"))
        card_ts = (await rig.card(within=30))["ts"]  # stored by Slack
        assert await first.stop(signal.SIGKILL) == -signal.SIGKILL

        await rig.worker()
        killed_at = time.monotonic()
        await until(
            lambda: any(
                c.method == "chat.update" and c.args.get("ts") == card_ts for c in fake.calls
            ),
            60,
            "the retried notice updating the card",
        )
        retried_after = time.monotonic() - killed_at
        await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
        await wait_status(
            rig.client,
            cid,
            lambda s: any(p.phase is PhaseName.ACKNOWLEDGE for p in s.publications),
            what="published",
        )
        await until(
            lambda: not has_buttons(fake.message(CHANNEL, card_ts) or {}), 20, "card decided"
        )
    cards = [
        c for c in fake.calls if c.method == "chat.postMessage" and not c.args.get("thread_ts")
    ]
    card_posts = [
        c for c in cards if (c.args.get("metadata") or {}).get("event_type") == "tocsin_card"
    ]
    acknowledge_cards = [c for c in card_posts if "Premier message" in str(c.args.get("blocks"))]
    assert len(acknowledge_cards) == 1, acknowledge_cards
    assert len([m for m in fake.cards(CHANNEL) if "Premier message" in str(m["blocks"])]) == 1
    print(f"card found again and updated {retried_after:.1f}s after the new worker started")


async def test_reminders_escalation_and_deadline_in_the_thread(rig: Rig) -> None:
    clock = rig.clock
    assert clock is not None
    cid = await trigger(rig, "timers")
    card = await rig.card()
    # eau-non-potable: remind every 10 min, escalate after 20 min, deadline 1 h after detection.
    await clock.sleep(timedelta(minutes=10, seconds=30))
    await until(
        lambda: rig.fake.said_in_thread(CHANNEL, card["ts"], "Rappel"),
        10,
        "a reminder in the thread",
    )
    await clock.sleep(timedelta(minutes=10))
    escalation = await until(
        lambda: rig.fake.said_in_thread(CHANNEL, card["ts"], "Escalade"),
        10,
        "the escalation in the thread",
    )
    assert "<@USACHA>" in escalation[0]["text"]
    # The deputy gets the card as a direct message, and can approve from it.
    direct = await until(lambda: rig.fake.messages.get("DUSACHA"), 10, "the deputy's DM")
    assert has_buttons(direct[0])
    await clock.sleep(timedelta(minutes=40))
    missed = await until(
        lambda: rig.fake.said_in_thread(CHANNEL, card["ts"], "Échéance"),
        10,
        "the missed deadline in the thread",
    )
    assert "révision 1" in missed[0]["text"]
    assert len(rig.fake.cards(CHANNEL)) == 1
    assert await rig.click("USACHA", ActionId.APPROVE, direct[0], channel="DUSACHA") == 200
    done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="decision")
    assert done.decisions[0].person == "sacha"
    assert done.decisions[0].level == 1


# --------------------------------------------------------------------------- Socket Mode


async def test_socket_mode_envelopes(tmp_path: Path, fake: FakeSlack) -> None:
    """No inbound port: the app opens a websocket to Slack and receives envelopes on it."""
    async with running(tmp_path, server="test", fake=fake, channel=CHANNEL, app="socket") as rig:
        assert rig.slack_url == ""
        await until(lambda: fake.sockets, 10, "the websocket")
        cid = await rig.trigger(with_slack_people(crisis_input("socket")))
        card = await rig.card()
        value = button_value(card, ActionId.APPROVE)
        payload = block_actions(
            "UDOMINIQUE", ActionId.APPROVE, value, CHANNEL, card["ts"], card["blocks"]
        )
        await fake.envelope("env-1", "interactive", payload)
        await until(lambda: any(a.get("envelope_id") == "env-1" for a in fake.acks), 10, "ack")
        done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="decision")
        assert done.decisions[0].person == "dominique"
        # Slack redelivers an envelope it thinks was lost: the workflow refuses the second
        # decision (nothing awaits it any more) and only the clicker hears of it.
        await fake.envelope("env-1", "interactive", payload)
        await until(lambda: fake.ephemeral, 10, "the refusal")
        assert fake.ephemeral[0]["user"] == "UDOMINIQUE"
        assert len((await crises.status(rig.client, cid)).decisions) == 1
        # Both deliveries acknowledged (closing the socket with an ack still on its way leaves
        # the Socket Mode client busy after the test).
        await until(
            lambda: sum(a.get("envelope_id") == "env-1" for a in fake.acks) == 2,
            10,
            "the second ack",
        )


async def test_slash_command_status_fact_and_mistakes(rig: Rig) -> None:
    cid = await trigger(rig, "slash")
    await rig.card()

    async def command(user: str, text: str) -> int:
        body = urllib.parse.urlencode(
            {
                "command": "/tocsin",
                "text": text,
                "user_id": user,
                "channel_id": CHANNEL,
                "team_id": "T1",
                "response_url": rig.fake.response_url(),
                "trigger_id": "trigger-slash",
            }
        )
        return (await rig.post_raw(body, sign(body)))[0]

    await wait_status(rig.client, cid, lambda s: s.state == "awaiting_approval", what="gate")
    assert await command("UCAMILLE", f"statut {cid}") == 200
    said = await until(lambda: rig.fake.responses, 10, "the status")
    assert "en attente d’approbation" in said[0]["text"]
    assert "Dominique Lefèvre" in said[0]["text"]
    assert await command("UCAMILLE", f"fait {cid} Les analyses de 14 h sont conformes.") == 200
    await wait_status(rig.client, cid, lambda s: len(s.facts) == 1, what="fact")
    assert (await status(rig, cid)).facts[0].person == "camille"
    assert await command("UNOBODY", f"fait {cid} Rumeur.") == 200
    await until(lambda: len(rig.fake.responses) == 3, 10, "the refusal")
    assert "Aucune crise" in rig.fake.responses[2]["text"]
    assert await command("UCAMILLE", "statut crisis-inexistante") == 200
    await until(lambda: len(rig.fake.responses) == 4, 10, "unknown crisis")
    assert "Aucune crise" in rig.fake.responses[3]["text"]
    assert await command("UCAMILLE", "") == 200
    await until(lambda: len(rig.fake.responses) == 5, 10, "usage")
    assert "Utilisation" in rig.fake.responses[4]["text"]
    assert len((await status(rig, cid)).facts) == 1
    # Resolving from Slack: the crisis heads for its closing statement once the phase in
    # progress is done (here the first message is still awaiting approval).
    assert await command("UCAMILLE", f"resoudre {cid} Eau de nouveau potable.") == 200
    await until(lambda: len(rig.fake.responses) == 6, 10, "resolved")
    assert "résolue" in rig.fake.responses[5]["text"]
    assert (await status(rig, cid)).resolved


async def test_start_a_crisis_from_a_modal(rig: Rig) -> None:
    body = urllib.parse.urlencode(
        {
            "command": "/tocsin",
            "text": "lancer eau-non-potable",
            "user_id": "UCAMILLE",
            "channel_id": CHANNEL,
            "team_id": "T1",
            "response_url": rig.fake.response_url(),
            "trigger_id": "trigger-start",
        }
    )
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    modal = (await until(lambda: rig.fake.views, 10, "the start modal"))[0]
    assert modal["callback_id"] == ViewId.START
    blocks = {b["block_id"]: b for b in modal["blocks"]}
    assert "tocsin_param__commune" in blocks
    assert "Saint-Aubin" in str(blocks["tocsin_param__commune"])  # the example as a hint
    values = {f"tocsin_param__{k}": v for k, v in samples().items()}
    # A bad value is refused in the modal, at its field, and nothing starts.
    wrong = view_submission("UCAMILLE", modal, {**values, "tocsin_param__site": "pas une url"})
    code, text = await rig.post_raw(form(wrong), sign(form(wrong)))
    assert code == 200
    assert "tocsin_param__site" in text
    assert "adresse web attendue" in text
    assert await rig.post(view_submission("UCAMILLE", modal, values)) == 200
    told = await until(lambda: rig.fake.ephemeral, 20, "the confirmation")
    assert "déclenchée" in told[0]["text"]
    crisis_id = told[0]["text"].split()[1]
    rig.ids.append(crisis_id)
    started = await status(rig, crisis_id)
    assert started.people["camille"].slack_user_id == "UCAMILLE"
    assert (await rig.card())["blocks"]
    # An unknown playbook is one clear line.
    body = body.replace("lancer+eau-non-potable", "lancer+inondation-martienne")
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    said = await until(lambda: rig.fake.responses, 10, "the refusal")
    assert "Aucun playbook" in said[0]["text"]


# --------------------------------------------------------------------------- the manifest

MANIFEST = Path(__file__).resolve().parent.parent / "slack" / "manifest.yml"


def needed_scope(call: Call) -> str | None:
    """The bot scope a Web API call needs (None: no scope, or the app-level token)."""
    channel = str(call.args.get("channel", ""))
    history = "im:history" if channel.startswith("D") else "channels:history"
    return {
        "chat.postMessage": "chat:write",
        "chat.update": "chat:write",
        "chat.postEphemeral": "chat:write",
        "conversations.history": history,
        "conversations.replies": history,
        "conversations.open": "im:write",
    }.get(call.method)


async def test_the_manifest_asks_for_what_the_app_uses_and_nothing_more(rig: Rig) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["features"]["slash_commands"][0]["command"] == SLASH_COMMAND
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # A crisis through its first approval, with a refusal and a publication.
    await test_card_then_one_tap_approval(rig)
    used = {scope for call in rig.fake.calls if (scope := needed_scope(call))}
    unknown = {c.method for c in rig.fake.calls} - {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "conversations.history",
        "conversations.replies",
        "conversations.open",
        "auth.test",
    }
    assert not unknown, unknown  # a new Web API method needs its scope reviewed here
    assert used <= scopes
    # Every scope is used. The history scopes serve a retried notice's look-up of what it
    # posted (channel, private channel, direct message: a first attempt looks for nothing, see
    # test_a_retried_notice_never_posts_a_second_card), and commands serves /tocsin.
    assert scopes - used == {"channels:history", "groups:history", "im:history", "commands"}


async def test_tocsin_up_runs_the_slack_app_over_http(tmp_path: Path, fake: FakeSlack) -> None:
    """The real `tocsin up` process with Slack configured: a card for a crisis triggered from
    the command line, approved by a signed click on the app's port."""
    slack_library(tmp_path)
    async with running(
        tmp_path,
        server="up",
        fake=fake,
        channel=CHANNEL,
        app="http",
        TOCSIN_PLAYBOOKS=str(tmp_path / "playbooks"),
    ) as rig:
        await rig.trigger_cli()
        card = await rig.card(within=30)
        assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card, blocks=[]) == 200
        await until(
            lambda: "Approuvé" in str((fake.message(CHANNEL, card["ts"]) or {}).get("blocks")),
            30,
            "the card decided",
        )
        await until(
            lambda: [m for m in fake.thread(CHANNEL, card["ts"]) if "Publié" in m["text"]],
            30,
            "the publication in the thread",
        )
        # The worker and the app share one Web API client whose connections are kept alive:
        # the card, its direct messages, the click's update and the publications do not each
        # open a connection (a TLS handshake, with the real Slack).
        connections = {call.connection for call in fake.calls}
        print(f"{len(fake.calls)} Web API calls over {len(connections)} connections")
        assert len(connections) * 3 <= len(fake.calls), (len(connections), len(fake.calls))


async def test_a_kept_alive_client_reuses_its_connections(fake: FakeSlack) -> None:
    slack = fake.settings(CHANNEL)
    async with kept_alive(slack) as api:
        for n in range(5):
            await api.chat_postMessage(channel=CHANNEL, text=f"message {n}")
        assert len({call.connection for call in fake.calls}) == 1
        session = api.session
    assert session is not None
    assert session.closed  # closed with its block
    plain = web_client(slack)  # a connection per call, as before
    for n in range(3):
        await plain.chat_postMessage(channel=CHANNEL, text=f"plain {n}")
    assert len({call.connection for call in fake.calls[5:]}) == 3


async def test_hostile_slash_commands_are_refused_in_one_line(rig: Rig) -> None:
    """Texts too long, crisis ids that are no crisis id, Slack markup in them: each gets one
    clear line back, nothing reaches the crisis, and the app answers the next command."""
    cid = await trigger(rig, "hostile")
    await wait_status(rig.client, cid, lambda s: s.state == "awaiting_approval", what="gate")

    async def said(text: str) -> str:
        seen = len(rig.fake.responses)
        body = urllib.parse.urlencode(
            {
                "command": "/tocsin",
                "text": text,
                "user_id": "UCAMILLE",
                "channel_id": CHANNEL,
                "team_id": "T1",
                "response_url": rig.fake.response_url(),
                "trigger_id": "trigger-hostile",
            }
        )
        assert (await rig.post_raw(body, sign(body)))[0] == 200
        await until(lambda: len(rig.fake.responses) > seen, 10, f"an answer to {text[:30]!r}")
        return str(rig.fake.responses[seen]["text"])

    answer = await said(f"fait {cid} " + "Rumeur. " * 1_000)
    assert answer.startswith("⛔ Entrée refusée : text : ")
    assert "1000" in answer  # MAX_FACT_CHARS
    answer = await said(f"resoudre {cid} " + "x" * 6_000)
    assert answer.startswith("⛔ Entrée refusée : summary : ")
    answer = await said("statut " + "c" * 5_000)
    assert answer.startswith("⛔ Aucune crise ")
    assert len(answer) < 100
    answer = await said("statut <!channel>*crise*")
    assert "<!channel>" not in answer
    assert "&lt;!channel&gt;" in answer
    answer = await said("fait ../../etc/passwd texte")
    assert answer.startswith("⛔ Aucune crise ")

    current = await status(rig, cid)
    assert current.facts == []
    assert not current.resolved
    assert "en attente d’approbation" in await said(f"statut {cid}")
