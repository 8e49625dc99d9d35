"""Every corpus text checked three ways: its IR (via the official builders' bytes and the printer
round trip), its wire bytes against the builders, and its verdict on a concrete record."""

from __future__ import annotations

import base64
import hashlib

import pytest

from aerolite.ael import parse, to_text
from aerolite.engine.record import Record
from aerolite.expr import compile_filter, decode, encode
from tests.ael.corpus import CORPUS, Case, record_meta_values

IDS = [f"{i:03d}:{case.text[:50]}" for i, case in enumerate(CORPUS)]


def make_record(case: Case) -> Record:
    meta = record_meta_values()
    digest = hashlib.sha1(b"people:u1").digest()
    return Record(digest, meta["set_name"], meta["key"], dict(case.bins), 1, meta["void_time"], meta["last_update_ns"])


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 150
    assert len({(c.text, repr(c.params), id(c.bins)) for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_ir_and_wire(case: Case) -> None:
    ir = parse(case.text, *case.params)
    wire = encode(ir)
    assert decode(wire) == ir
    assert parse(to_text(ir)) == ir
    if case.build is not None:
        official = base64.b64decode(case.build().base64())
        assert decode(official) == ir
        assert wire.hex() == official.hex()


@pytest.mark.parametrize("case", CORPUS, ids=IDS)
def test_evaluation(case: Case) -> None:
    predicate = compile_filter(parse(case.text, *case.params))
    assert predicate(make_record(case)) is case.expected
