"""Payloads: the large ones written zlib'd, both forms always read (tocsin.payloads)."""

from __future__ import annotations

import random
import zlib

import pytest
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.conftest import Start
from tests.helpers import awaiting, crisis_input, wait_status
from tocsin.config import Settings, SettingsError
from tocsin.models import PhaseName
from tocsin.payloads import (
    ENCODING,
    OPENED_AT_MOST,
    THRESHOLD,
    Compressing,
    PayloadUnreadable,
    data_converter,
    pack,
    unpack,
)
from tocsin.review.history import HistoryError, decode
from workflows.crisis import CrisisWorkflow

# A statement's text as the drafts carry it: French, with narrow no-break spaces, repeated from
# channel to channel.
TEXT = (
    "Eau non potable à Saint-Amand\u202f: ne buvez pas l’eau du robinet. Des bouteilles sont "
    "distribuées à la salle des fêtes de 9\u202fh à 18\u202fh. Point suivant à 14\u202fh. "
)


class Notice(BaseModel):
    text: str


def json_payload(model: object) -> Payload:
    [payload] = pydantic_data_converter.payload_converter.to_payloads([model])
    return payload


def test_a_large_payload_is_written_compressed_and_read_back_as_it_was() -> None:
    original = json_payload(Notice(text=TEXT * 40))
    assert original.ByteSize() > 4 * THRESHOLD
    packed = pack(original)
    assert packed.metadata["encoding"] == ENCODING
    assert packed.ByteSize() < original.ByteSize() / 4
    assert unpack(packed) == original  # metadata and data, byte for byte
    assert decode(packed, Notice).text == TEXT * 40  # the review reads it too


def test_small_and_incompressible_payloads_stay_as_they_are() -> None:
    small = json_payload(Notice(text=TEXT))
    assert small.ByteSize() < THRESHOLD
    assert pack(small) is small
    noise = Payload(
        metadata={"encoding": b"binary/plain"}, data=random.Random(7).randbytes(4 * THRESHOLD)
    )
    assert pack(noise) is noise
    assert unpack(small) is small  # reading a plain payload leaves it alone


def test_a_damaged_compressed_payload_is_refused_by_name() -> None:
    damaged = Payload(metadata={"encoding": ENCODING}, data=b"not zlib at all")
    with pytest.raises(PayloadUnreadable, match="binary/zlib"):
        unpack(damaged)
    with pytest.raises(HistoryError, match="binary/zlib"):
        decode(damaged, Notice)
    whole = pack(json_payload(Notice(text=TEXT * 40)))
    cut = Payload(metadata=whole.metadata, data=whole.data[:-20])
    with pytest.raises(PayloadUnreadable, match="truncated"):
        unpack(cut)
    bomb = Payload(metadata={"encoding": ENCODING}, data=zlib.compress(bytes(OPENED_AT_MOST + 1)))
    with pytest.raises(PayloadUnreadable, match="more than 32 MB"):
        unpack(bomb)


async def test_a_plain_writer_reads_what_a_compressing_one_wrote() -> None:
    request = Notice(text=TEXT * 40)
    written = await data_converter().encode([request])
    assert written[0].metadata["encoding"] == ENCODING
    plain = data_converter(compress=False)
    assert await plain.decode(written, [Notice]) == [request]
    # ...and writes plain JSON itself.
    [kept] = await plain.encode([request])
    assert kept.metadata["encoding"] == b"json/plain"
    assert await Compressing(write=False).encode([kept]) == [kept]


def test_the_setting_turns_the_writing_off() -> None:
    assert Settings.from_env({}).compress_payloads
    assert not Settings.from_env({"TOCSIN_COMPRESS_PAYLOADS": "0"}).compress_payloads
    with pytest.raises(SettingsError, match="TOCSIN_COMPRESS_PAYLOADS"):
        Settings.from_env({"TOCSIN_COMPRESS_PAYLOADS": "non"})


async def test_a_crisis_history_holds_its_large_payloads_compressed(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("zlib"))).crisis_id
    await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    history = await client.get_workflow_handle(cid).fetch_history()
    stored: list[Payload] = []
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            stored += event.activity_task_scheduled_event_attributes.input.payloads
        if event.HasField("activity_task_completed_event_attributes"):
            stored += event.activity_task_completed_event_attributes.result.payloads
        if event.HasField("workflow_execution_started_event_attributes"):
            stored += event.workflow_execution_started_event_attributes.input.payloads
    packed = [p for p in stored if p.metadata["encoding"] == ENCODING]
    plain = [p for p in stored if p.metadata["encoding"] == b"json/plain"]
    # The run's input, the draft and the approval request that carries it, at least.
    assert len(packed) >= 3
    assert len(packed) + len(plain) == len(stored)
    assert all(p.ByteSize() < THRESHOLD for p in plain)
    opened = [unpack(p) for p in packed]
    assert all(p.metadata["encoding"] == b"json/plain" for p in opened)
    assert sum(p.ByteSize() for p in packed) < sum(p.ByteSize() for p in opened) / 2
    # The history replays with tocsin's converter; a converter that cannot read zlib cannot.
    replayed = await Replayer(
        workflows=[CrisisWorkflow], data_converter=data_converter()
    ).replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None
    blind = await Replayer(
        workflows=[CrisisWorkflow], data_converter=pydantic_data_converter
    ).replay_workflow(history, raise_on_replay_failure=False)
    assert blind.replay_failure is not None
