"""Matrix end to end, against a real Synapse on loopback (tests/matrix/): a crisis played in a
Matrix room on the time-skipping Temporal server, decided by reactions and replies from the
playbook's people, refused to the author and to strangers."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from temporalio.client import Client

from tests import rig as tests_rig
from tests.helpers import crisis_input, signed, wait_status
from tests.matrix.faults import CardKiller
from tests.matrix.rig import MatrixRig, accounts, running, until, with_matrix_people
from tests.matrix.server import Synapse
from tests.processes import Process, tocsin, tocsin_env
from tocsin import crises
from tocsin.matrix.bot import MatrixBot, State, matrix_bot, state_path
from tocsin.matrix.cards import CARD_TAG
from tocsin.matrix.client import MatrixClient
from tocsin.matrix.settings import MatrixSettings
from tocsin.models import Channel, CrisisStatus, DecisionAction, RevisionRequest, TextEdit
from tocsin.models.delivery import Delivery, DeliveryStatus
from tocsin.temporal import free_port

# The first test may wait for Synapse's install that ``make test`` started in the background
# (minutes when the cache is cold: tests/matrix/install.py).
pytestmark = pytest.mark.timeout(900)


async def status(rig: MatrixRig, crisis_id: str) -> CrisisStatus:
    return await crises.status(rig.client, crisis_id)


async def until_delivered(rig: MatrixRig, cid: str) -> Delivery:
    found = await wait_status(
        rig.client,
        cid,
        lambda s: any(d.status is DeliveryStatus.PUBLISHED for d in s.deliveries),
        within=60,
    )
    return next(d for d in found.deliveries if d.status is DeliveryStatus.PUBLISHED)


async def direct_room(rig: MatrixRig, who: str) -> str:
    """The room the bot invited ``who`` to (its direct messages), joined."""
    person = rig.people.get(who, rig.stranger)
    rooms = await until(person.invites, 30, f"the bot's invitation to {who}")
    person.join(rooms[0])
    return str(rooms[0])


async def test_a_crisis_decided_in_matrix(tmp_path: Path, synapse: Synapse) -> None:
    async with running(tmp_path, synapse) as rig:
        assert rig.clock is not None
        cid = await rig.trigger("matrix")
        cards = await until(rig.cards, 30, "the card in the crisis room")
        assert len(cards) == 1
        card = cards[0]
        content = card["content"]
        assert content[CARD_TAG]["crisis"] == cid
        assert content[CARD_TAG]["revision"] == 1
        assert content["format"] == "org.matrix.custom.html"
        assert "<h3>" in content["formatted_body"]
        assert "SMS · français" in content["body"]
        assert "<pre><code>" in content["formatted_body"]
        assert "Pour décider" in content["body"]
        assert rig.people["dominique"].user_id in content["m.mentions"]["user_ids"]
        # The approver whose turn it is gets the card in a direct message too.
        direct = await direct_room(rig, "dominique")
        copies = await until(lambda: rig.cards(direct), 20, "the card in the DM")
        assert copies[0]["content"]["body"] == content["body"]

        # eau-non-potable: remind every 10 min, escalate after 20 min.
        await rig.clock.sleep(timedelta(minutes=10, seconds=30))
        await until(lambda: rig.said_in_thread(card["event_id"], "Rappel"), 30, "the reminder")
        await rig.clock.sleep(timedelta(minutes=10))
        escalation = await until(
            lambda: rig.said_in_thread(card["event_id"], "Escalade"), 30, "the escalation"
        )
        assert "Sacha Benali" in escalation[0]

        # The author cannot approve her own draft: said in the thread, in French.
        rig.people["camille"].react(rig.room, card["event_id"], "✅")
        refused = await until(
            lambda: rig.said_in_thread(card["event_id"], "Refusé"), 30, "the author's refusal"
        )
        assert "Camille Martin" in refused[0] or "auteur" in refused[0].lower()
        # Someone who is nobody in the playbook: told privately, nothing else.
        rig.stranger.react(rig.room, card["event_id"], "✅")
        private = await direct_room(rig, "stranger")
        told = await until(
            lambda: [e for e in rig.stranger.messages(private) if e["type"] == "m.room.message"],
            30,
            "the stranger's private answer",
        )
        assert "n’est celui d’aucune personne" in told[0]["content"]["body"]
        assert rig.stranger.user_id in told[0]["content"]["body"]
        assert not rig.said_in_thread(card["event_id"], "aucune personne")
        assert (await status(rig, cid)).decisions == []

        # A card that only looks like one (anyone can write its fields): the bot knows its own.
        forged = rig.stranger.send(
            rig.room,
            "m.room.message",
            {"msgtype": "m.text", "body": "Carte", CARD_TAG: {**content[CARD_TAG]}},
        )
        rig.people["dominique"].react(rig.room, forged, "✅")
        await asyncio.sleep(3)
        assert (await status(rig, cid)).decisions == []

        # The director approves with a reaction: the workflow's decision, via Matrix.
        rig.people["dominique"].react(rig.room, card["event_id"], "✅")
        after = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, within=60)
        decision = after.decisions[0]
        assert decision.person == "dominique"
        assert decision.action is DecisionAction.APPROVE
        assert decision.via == "matrix"
        assert decision.revision == 1
        # The card is edited in place: who approved, and no more « how to decide ».
        edits = await until(
            lambda: [
                e
                for e in rig.edits(card["event_id"])
                if "Approuvé" in e["content"]["m.new_content"]["body"]
            ],
            30,
            "the card edited",
        )
        new = edits[-1]["content"]["m.new_content"]
        assert "Dominique Lefèvre" in new["body"]
        assert "Pour décider" not in new["body"]
        assert new[CARD_TAG]["decided"] is True
        # The statement is published: said in the card's thread, each text in full.
        await until(lambda: rig.said_in_thread(card["event_id"], "Publié"), 30, "the publication")
        published = await wait_status(
            rig.client, cid, lambda s: bool(s.publications) and s.state != "publishing"
        )
        texts = {(p.channel, p.language) for p in published.publications}
        await until(
            lambda: len(rig.said_in_thread(card["event_id"], " publié\n")) >= len(texts),
            30,
            "each published text in the thread",
        )
        # The Facebook text went to the public room, once; where it is, recorded.
        posts = [e for e in rig.sent_by_bot(rig.public) if e["content"].get("body")]
        facebook = next(p for p in published.publications if p.channel is Channel.FACEBOOK)
        assert len(posts) == 1
        text = await asyncio.to_thread(Path(facebook.path).read_text)
        assert posts[0]["content"]["body"].startswith(text[:40])
        delivery = await until_delivered(rig, cid)
        assert delivery.remote_id == posts[0]["event_id"]
        assert delivery.url is not None
        assert delivery.url.startswith("https://matrix.to/#/")
        # One card for the whole gate, however many notices followed (the next phase has its own).
        phases = [c["content"][CARD_TAG]["phase"] for c in rig.cards()]
        assert phases.count("acknowledge") == 1, phases


async def test_worker_killed_after_synapse_accepted_the_card_posts_it_once(
    tmp_path: Path, synapse: Synapse
) -> None:
    """A `tocsin worker` SIGKILLed once Synapse has accepted the card, before the worker heard
    back (so before Temporal recorded anything): the next worker's retry sends the same
    transaction, Synapse answers with the same event, and the room has one card."""
    bot, people, _, room = accounts(synapse)
    killed: list[Process] = []

    async def kill() -> None:
        (worker,) = rig.workers()
        assert await worker.stop(signal.SIGKILL) == -signal.SIGKILL
        killed.append(worker)

    proxy = CardKiller(synapse.url, kill)
    url = await proxy.start()
    try:
        async with tests_rig.running(
            tmp_path,
            server="dev",
            queue="matrix-kill",
            models=False,
            MATRIX_HOMESERVER=url,
            MATRIX_USER_ID=bot.user_id,
            MATRIX_ACCESS_TOKEN=bot.token,
            TOCSIN_MATRIX_ROOM=room,
        ) as rig:
            crisis = with_matrix_people(crisis_input("matrix-kill"), people)
            await rig.trigger(crisis)
            await until(lambda: killed, 60, "the worker killed after the card was accepted")
            # Nothing recorded the card: a new worker's retry finds it by its transaction.
            await rig.worker()
            await until(lambda: len(proxy.cards_accepted) >= 2, 90, "the retried card")
            director = people["dominique"]
            cards = [
                e
                for e in director.messages(room)
                if e["sender"] == bot.user_id and CARD_TAG in e["content"]
            ]
            assert len(cards) == 1, [c["event_id"] for c in cards]
            assert set(proxy.cards_accepted) == {cards[0]["event_id"]}
    finally:
        await proxy.stop()


HOURS = "Eau non potable. Bouteilles salle polyvalente, 8 h-20 h. Info 0 800 123 456."


def card_of(rig: MatrixRig, phase: str) -> list[dict[str, Any]]:
    return [c for c in rig.cards() if c["content"][CARD_TAG]["phase"] == phase]


async def test_changes_edits_rejection_and_commands_by_reply(
    tmp_path: Path, synapse: Synapse
) -> None:
    async with running(tmp_path, synapse) as rig:
        cid = await rig.trigger("replies")
        director, author = rig.people["dominique"], rig.people["camille"]
        (card,) = await until(lambda: card_of(rig, "acknowledge"), 30, "the card")
        root = card["event_id"]

        # « modifications : … » in the thread asks the author for changes.
        director.reply(rig.room, root, "Modifications : ajouter les horaires de distribution")
        asked = await wait_status(
            rig.client, cid, lambda s: s.state == "awaiting_revision", within=30
        )
        assert asked.decisions[-1].action is DecisionAction.REQUEST_CHANGES
        assert asked.decisions[-1].comment == "ajouter les horaires de distribution"
        assert asked.decisions[-1].via == "matrix"
        await until(lambda: rig.said_in_thread(root, "Modifications demandées"), 30, "told")

        # The author's revision 2: the same card, brought up to date, and said in the thread.
        await crises.revise(
            rig.client,
            cid,
            RevisionRequest(
                person="camille",
                base_revision=1,
                note="horaires",
                edits=[TextEdit(channel=Channel.SMS, language="fr", text=HOURS)],
            ),
            signed(),
        )
        await until(lambda: rig.said_in_thread(root, "Révision 2"), 30, "revision 2 announced")
        await until(
            lambda: [
                e
                for e in rig.edits(root)
                if e["content"]["m.new_content"][CARD_TAG]["revision"] == 2
            ],
            30,
            "the card showing revision 2",
        )

        # Lines « canal:langue=texte » approve with the director's own wording.
        sms = (
            "Eau du robinet NON potable. Bouteilles salle polyvalente 8 h-20 h. Info 0 800 123 456."
        )
        director.reply(rig.room, root, f"sms:fr={sms}")
        try:
            done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 2, within=60)
        except AssertionError:
            raise AssertionError([e["content"]["body"][:150] for e in rig.thread(root)]) from None
        approval = done.decisions[-1]
        assert approval.action is DecisionAction.APPROVE_WITH_EDITS
        assert approval.revision == 2
        assert [(e.channel.value, e.language, e.after) for e in approval.edits] == [
            ("sms", "fr", sms)
        ]

        # The next phase: the status by command, then ❌ and the reason in the thread.
        (explain,) = await until(lambda: card_of(rig, "explain"), 60, "the next card")
        second = explain["event_id"]
        author.reply(rig.room, second, "!tocsin statut")
        said = await until(lambda: rig.said_in_thread(second, "révision"), 30, "the status")
        assert "Dominique Lefèvre" in said[0]
        director.react(rig.room, second, "❌")
        await until(lambda: rig.said_in_thread(second, "motif"), 30, "the reason asked")
        # Someone else's message in the thread is no reason of the director's.
        author.reply(rig.room, second, "Je pense que c’est trop tôt.")
        director.reply(rig.room, second, "La préfecture communique seule sur ce point.")
        rejected = await wait_status(
            rig.client, cid, lambda s: s.decisions[-1].action is DecisionAction.REJECT, within=30
        )
        assert rejected.decisions[-1].comment == "La préfecture communique seule sur ce point."
        assert rejected.decisions[-1].person == "dominique"
        assert len(rejected.decisions) == 3

        # A command that names the crisis, outside any thread: the waiting revision.
        await until(lambda: card_of(rig, "solutions"), 60, "the third card")
        director.say(rig.room, f"!tocsin approuver {cid}")
        final = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 4, within=60)
        assert final.decisions[-1].action is DecisionAction.APPROVE
        assert final.decisions[-1].phase.value == "solutions"
        # Nothing the bot did answered twice.
        assert len(rig.keys()) == len(set(rig.keys()))


async def test_bot_resumes_from_its_token_and_acts_on_no_event_twice(
    tmp_path: Path, synapse: Synapse
) -> None:
    """The bot killed after acting on a reaction but before it stored its new sync token gets
    the same events again on restart, and acts on none of them twice; restarted later, it
    resumes where it stopped, and what was said before its first start is never acted on."""
    async with running(tmp_path, synapse, bot_running=False) as rig:
        director = rig.people["dominique"]
        cid = await rig.trigger("resume")
        (card,) = await until(lambda: card_of(rig, "acknowledge"), 30, "the card")
        # Said before the bot ever ran: history, not for it to act on.
        rig.people["sacha"].react(rig.room, card["event_id"], "❌")

        async def temporal() -> Client:
            return rig.client

        path = state_path(rig.settings.data_dir, rig.matrix)
        async with MatrixClient(synapse.url, rig.bot.token, rig.bot.user_id) as api:
            first = MatrixBot(rig.matrix, api, temporal, State(path))
            await first.prepare()
            assert await first.once(0) == 0
            started = State(path).since  # before the batch that brings the reaction
            director.react(rig.room, card["event_id"], "✅")
            handled = 0
            for _ in range(20):
                handled += await first.once(1000)
                if handled:
                    break
            assert handled == 1
            await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, within=60)
            # The crash: the event was acted on and remembered, the new token never stored.
            acted = State(path)
            assert acted.since != started
            acted.since = started
            acted.save()
            again = MatrixBot(rig.matrix, api, temporal, State(path))
            await again.prepare()
            assert await again.once(0) == 0
            assert not rig.said_in_thread(card["event_id"], "Refusé")
            assert len((await status(rig, cid)).decisions) == 1
            # Restarted from what it stored, it goes on from there.
            later = MatrixBot(rig.matrix, api, temporal, State(path))
            await later.prepare()
            (explain,) = await until(lambda: card_of(rig, "explain"), 60, "the next card")
            director.react(rig.room, explain["event_id"], "✅")
            handled = 0
            for _ in range(20):
                handled += await later.once(1000)
                if handled:
                    break
            assert handled == 1
            await wait_status(rig.client, cid, lambda s: len(s.decisions) == 2, within=60)


async def test_an_encrypted_crisis_room_stops_the_start_with_the_reason(
    tmp_path: Path, synapse: Synapse
) -> None:
    """tocsin cannot read or write end-to-end encrypted rooms: `tocsin up` refuses such a crisis
    room at start-up, in French, and nothing else starts; an unencrypted room is accepted."""
    bot = synapse.register("tocsin")
    encryption = {
        "type": "m.room.encryption",
        "state_key": "",
        "content": {"algorithm": "m.megolm.v1.aes-sha2"},
    }
    encrypted = bot.create_room(preset="private_chat", initial_state=[encryption])
    env = tocsin_env(
        tmp_path / "data",
        MATRIX_HOMESERVER=synapse.url,
        MATRIX_USER_ID=bot.user_id,
        MATRIX_ACCESS_TOKEN=bot.token,
        TOCSIN_MATRIX_ROOM=encrypted,
        TOCSIN_EMBEDDED_PORT=str(free_port()),
        TOCSIN_UI_PORT=str(free_port()),
        TOCSIN_SPACY_PARSER="",
    )
    refused = await asyncio.to_thread(tocsin, env, "up")
    assert refused.code == 1, refused.text
    assert f"Le salon {encrypted} est chiffré de bout en bout" in refused.text
    assert "tocsin est prêt" not in refused.text
    # A token the homeserver does not know: said, not a traceback.
    wrong = await asyncio.to_thread(tocsin, {**env, "MATRIX_ACCESS_TOKEN": "syt_pas_le_bon"}, "up")
    assert wrong.code == 1
    assert "M_UNKNOWN_TOKEN" in wrong.text
    assert "syt_pas_le_bon" not in wrong.text


async def test_the_bot_joins_an_unencrypted_room_it_is_invited_to(
    tmp_path: Path, synapse: Synapse
) -> None:
    bot, owner = synapse.register("tocsin"), synapse.register("owner")
    room = owner.create_room(preset="private_chat", invite=[bot.user_id])
    matrix = MatrixSettings(homeserver=synapse.url, user_id=bot.user_id, token=bot.token, room=room)
    assert matrix.problems() == []

    async def temporal() -> Client:
        raise AssertionError("no crisis here")

    async with matrix_bot(matrix, temporal, tmp_path):
        joined = owner.call("GET", f"/_matrix/client/v3/rooms/{quote(room)}/joined_members")
        assert bot.user_id in joined["joined"]
    assert state_path(tmp_path, matrix).is_file()  # its sync token, for the next start


async def test_a_gap_in_the_sync_is_read_back(
    tmp_path: Path, synapse: Synapse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More events than one sync gives (a bot that was away): each is read back and answered
    once, none skipped."""
    from tocsin.matrix import bot as bot_module

    monkeypatch.setattr(bot_module, "TIMELINE", 2)
    bot, owner = synapse.register("tocsin"), synapse.register("owner")
    room = owner.create_room(preset="public_chat")
    bot.join(room)
    matrix = MatrixSettings(homeserver=synapse.url, user_id=bot.user_id, token=bot.token, room=room)

    async def temporal() -> Client:
        raise AssertionError("no crisis here")

    async with MatrixClient(synapse.url, bot.token, bot.user_id) as api:
        listener = MatrixBot(matrix, api, temporal, State(tmp_path / "state.json"))
        await listener.prepare()
        asked = [owner.say(room, f"!tocsin aide {n}") for n in range(7)]
        assert await listener.once(0) == 7
        assert await listener.once(0) == 0
    answers = [
        e
        for e in owner.messages(room)
        if e["sender"] == bot.user_id and e["type"] == "m.room.message"
    ]
    replied = [e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] for e in answers]
    assert sorted(replied) == sorted(asked)
    assert all("Commandes" in e["content"]["body"] for e in answers)
