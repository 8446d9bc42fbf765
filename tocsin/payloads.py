"""How tocsin's payloads are written to Temporal: JSON through pydantic, the large ones zlib'd.

A crisis's payloads are mostly French and English texts that repeat from channel to channel: a
statement's draft is about 11 KB of JSON, the approval request that carries it 12 KB, and each
channel's publication 1 to 2 KB. Temporal's server stores every one in the history, and the
worker's core keeps every activity input it sent for as long as the run is cached, so their size
is both disk and the worker's memory. zlib brings a draft to about a quarter of its size.

- Payloads of at least ``THRESHOLD`` bytes are written as ``binary/zlib``: the whole payload
  (metadata and data) serialised, then compressed. Smaller ones stay ``json/plain``, readable as
  is in the Temporal UI and CLI.
- Reading accepts both, always: a process that writes plain JSON still reads what a compressing
  worker wrote, and histories written before compression replay unchanged.
- ``TOCSIN_COMPRESS_PAYLOADS=0`` turns the writing off (see ``tocsin.config``).
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/zlib"
THRESHOLD = 1024
LEVEL = 6  # zlib's default
# A payload read back may not open to more than this: Temporal refuses payloads over 2 MB as
# stored, and a compressed one that opens to gigabytes is an attack, not a crisis.
OPENED_AT_MOST = 32 * 1024 * 1024


class PayloadUnreadable(Exception):
    """A payload says it is compressed but its bytes are not a compressed payload."""


def pack(payload: Payload) -> Payload:
    """``payload`` compressed when it is large enough and compressing makes it smaller."""
    size = payload.ByteSize()
    if size < THRESHOLD:
        return payload
    data = zlib.compress(payload.SerializeToString(), LEVEL)
    if len(data) >= size:
        return payload
    return Payload(metadata={"encoding": ENCODING}, data=data)


def unpack(payload: Payload) -> Payload:
    """The payload that ``pack`` was given; any other payload as it is."""
    if payload.metadata.get("encoding") != ENCODING:
        return payload
    opener = zlib.decompressobj()
    try:
        opened = opener.decompress(payload.data, OPENED_AT_MOST)
        if opener.unconsumed_tail:
            raise PayloadUnreadable(
                f"{ENCODING.decode()} payload opens to more than {OPENED_AT_MOST >> 20} MB"
            )
        if not opener.eof:
            raise PayloadUnreadable(f"{ENCODING.decode()} payload: truncated")
        return Payload.FromString(opened)
    except (zlib.error, ValueError) as exc:  # protobuf's DecodeError is a ValueError
        raise PayloadUnreadable(f"{ENCODING.decode()} payload: {exc}") from exc


class Compressing(PayloadCodec):
    """Writes large payloads compressed (``write=True``) and reads both forms."""

    def __init__(self, *, write: bool = True) -> None:
        self.write = write

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if not self.write:
            return list(payloads)
        return [pack(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [unpack(p) for p in payloads]


def data_converter(*, compress: bool = True) -> DataConverter:
    """tocsin's converter: pydantic's JSON, with large payloads compressed when ``compress``."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=Compressing(write=compress))
