"""A wire fuzzer: recorded client frames, mutated, sent to a node over raw sockets; every outcome checked.

Seeds are the request frames of the client captures and of the golden exchanges (``tests/data``).
Each mutation changes one thing a hostile or broken peer could get wrong: the proto header (version,
type, declared length up to 2^48-1), the AS_MSG header (header size, flags, field and op counts), a
field's or an op's length, name length or particle type, a truncation, spliced or random bytes,
random info commands, admin and compressed messages.

A connection sends a few mutated frames in one write, then a sentinel info request, then ends its
side (``shutdown(SHUT_WR)``); the node must answer and close, or close (a reset counts), within the
timeout. What comes back must be whole, well-formed proto frames (AS_MSG answers carry a known result
code); result 1 (an internal error) or an ``ERROR::internal`` info answer is a defect. A few
connections instead stop in the middle of a frame and stay open: the node must close them after its
idle timeout. After every batch a fresh connection must write and read a record.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aerolite.digest import key_digest
from aerolite.result_codes import ResultCode
from tests.conftest import DATA
from tests.wire.captures import load_captures

VALID_CODES = frozenset(int(c) for c in ResultCode)
_INFO_WORDS = [
    "build", "node", "namespaces", "statistics", "namespace/test", "sets", "bins", "sindex", "udf-list",
    "query-show", "partitions", "replicas", "peers-clear-std", "cluster-name", "features", "edition",
    "version", "service", "get-config", "set-config:context=namespace;id=test;background-query-max-rps=5",
    "udf-get:filename=x.lua", "udf-put:filename=f.lua;content=", "udf-remove:filename=nope.lua",
    "sindex-create:ns=test;set=s;indexname=i;indexdata=b,numeric", "sindex-delete:ns=test;indexname=i",
    "truncate:namespace=bar;set=fuzz", "query-abort:id=1", "jobs:module=query", "latencies:",
]


def seed_frames() -> list[bytes]:
    """Every recorded request frame: client captures and golden exchanges."""
    frames = [f.data for c in load_captures() for f in c.requests]
    for path in sorted((DATA / "golden").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("dir") == "req" and entry.get("hex") and not entry.get("partial"):
                frames.append(bytes.fromhex(entry["hex"]))
    return frames


def _header(version: int, ptype: int, length: int) -> bytes:
    return ((version << 56) | (ptype << 48) | length).to_bytes(8, "big")


class Mutator:
    """Seeded mutations of seed frames; ``mutate()`` returns one hostile frame (or stream of bytes)."""

    def __init__(self, seeds: list[bytes], rng: random.Random) -> None:
        self.seeds = seeds
        self.rng = rng
        self.mutations: list[Callable[[bytes], bytes]] = [
            self.flip_bytes, self.declared_length, self.version_or_type, self.truncate, self.msg_header,
            self.field_or_op_length, self.op_details, self.random_body, self.splice, self.insert_or_delete,
            self.info_command, self.admin_or_compressed, self.unchanged,
        ]

    def mutate(self) -> bytes:
        rng = self.rng
        frame = rng.choice(self.seeds)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            frame = rng.choice(self.mutations)(frame)
        return frame

    def unchanged(self, frame: bytes) -> bytes:
        return frame

    def flip_bytes(self, frame: bytes) -> bytes:
        data = bytearray(frame)
        for _ in range(self.rng.randint(1, 8)):
            if data:
                data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        return bytes(data)

    def declared_length(self, frame: bytes) -> bytes:
        body = frame[8:]
        length = self.rng.choice((0, 1, 21, 22, len(body) - 1, len(body) + 1, len(body) * 2, 1 << 20,
                                  (128 << 20) + 1, 1 << 32, (1 << 48) - 1, self.rng.randrange(1 << 48)))
        return _header(frame[0] if frame else 2, frame[1] if len(frame) > 1 else 3, max(length, 0)) + body

    def version_or_type(self, frame: bytes) -> bytes:
        data = bytearray(frame.ljust(8, b"\x00"))
        data[self.rng.choice((0, 1))] = self.rng.choice((0, 1, 2, 3, 4, 5, 9, 255))
        return bytes(data)

    def truncate(self, frame: bytes) -> bytes:
        return frame[: self.rng.randrange(len(frame) + 1)]

    def _as_msg(self, frame: bytes) -> bytearray | None:
        return bytearray(frame) if len(frame) >= 36 and frame[1] == 3 else None

    def msg_header(self, frame: bytes) -> bytes:
        data = self._as_msg(frame)
        if data is None:
            return self.flip_bytes(frame)
        rng = self.rng
        spot = rng.choice(("hsz", "info", "counts", "ttl"))
        if spot == "hsz":
            data[8] = rng.choice((0, 1, 21, 23, 255))
        elif spot == "info":
            data[rng.randrange(9, 13)] = rng.randrange(256)
        elif spot == "counts":
            struct.pack_into(">H", data, 8 + rng.choice((18, 20)), rng.choice((0, 1, 2, 255, 0xFFFF)))
        else:
            struct.pack_into(">I", data, 8 + rng.choice((6, 10, 14)), rng.randrange(1 << 32))
        return bytes(data)

    def field_or_op_length(self, frame: bytes) -> bytes:
        data = self._as_msg(frame)
        if data is None:
            return self.flip_bytes(frame)
        pos = self.rng.randrange(30, len(data) - 4)  # somewhere in the fields and ops: a length word
        value = self.rng.choice((0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, len(data), self.rng.randrange(1 << 32)))
        struct.pack_into(">I", data, pos, value)
        return bytes(data)

    def op_details(self, frame: bytes) -> bytes:
        data = self._as_msg(frame)
        if data is None:
            return self.flip_bytes(frame)
        for _ in range(self.rng.randint(1, 3)):  # op type, particle type, name length bytes are small values
            pos = self.rng.randrange(30, len(data))
            data[pos] = self.rng.choice((0, 1, 2, 3, 4, 5, 17, 19, 20, 23, 127, 128, 255))
        return bytes(data)

    def random_body(self, frame: bytes) -> bytes:
        body = self.rng.randbytes(self.rng.choice((0, 1, 8, 22, 30, 100, 1000)))
        if self.rng.random() < 0.5 and len(body) >= 22:
            body = bytes((22,)) + body[1:]  # looks like an AS_MSG header
        return _header(2, self.rng.choice((1, 2, 3, 4)), len(body)) + body

    def splice(self, frame: bytes) -> bytes:
        other = self.rng.choice(self.seeds)
        return frame[: self.rng.randrange(len(frame) + 1)] + other[self.rng.randrange(len(other) + 1) :]

    def insert_or_delete(self, frame: bytes) -> bytes:
        pos = self.rng.randrange(8, max(9, len(frame)))
        if self.rng.random() < 0.5:
            middle = frame[:pos] + self.rng.randbytes(self.rng.randint(1, 16)) + frame[pos:]
        else:
            middle = frame[:pos] + frame[pos + self.rng.randint(1, 16) :]
        if self.rng.random() < 0.5 and len(middle) >= 8:  # keep the declared length honest
            return _header(2, middle[1], len(middle) - 8) + middle[8:]
        return middle

    def info_command(self, frame: bytes) -> bytes:
        rng = self.rng
        words = [rng.choice(_INFO_WORDS) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.4:
            words.append(rng.choice(("", ";;;", "=" * 50, "x" * rng.choice((100, 70_000)), "\x00\xff", "é" * 10)))
        text = "\n".join(words) + rng.choice(("\n", "", "\n\n"))
        body = text.encode("utf-8", "surrogateescape")
        if rng.random() < 0.2:
            body += rng.randbytes(rng.randint(1, 32))
        return _header(2, 1, len(body)) + body

    def admin_or_compressed(self, frame: bytes) -> bytes:
        rng = self.rng
        ptype = rng.choice((2, 4))
        if ptype == 4 and rng.random() < 0.5:
            body = (len(frame)).to_bytes(8, "big") + rng.randbytes(rng.randint(0, 64))  # claims an inflated size
        else:
            body = rng.randbytes(rng.choice((0, 16, 24, 64)))
        return _header(2, ptype, len(body)) + body


@dataclass
class FuzzReport:
    """What the fuzzed node did; the last three fields must stay empty or zero."""

    frames: int = 0
    connections: int = 0
    answers: dict[int, int] = field(default_factory=dict)
    """AS_MSG result codes received, by code."""
    info_answers: int = 0
    closed_by_node: int = 0
    sentinel_answered: int = 0
    stalled_timed_out: int = 0
    health_checks: int = 0
    defects: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    hung: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.defects or self.malformed or self.hung)

    def summary(self) -> dict[str, object]:
        return {
            "frames fuzzed": self.frames, "connections": self.connections, "closed by the node": self.closed_by_node,
            "as_msg answers": sum(self.answers.values()), "info answers": self.info_answers,
            "stalled peers timed out": self.stalled_timed_out, "health checks": self.health_checks,
            "defects": len(self.defects), "malformed answers": len(self.malformed), "hung connections": len(self.hung),
        }


SENTINEL = _header(2, 1, 5) + b"node\n"


def check_reply_stream(data: bytes, report: FuzzReport, what: str, *, reset: bool) -> bool:
    """Check every frame in ``data``; True when it ends with the sentinel's answer. After a reset the
    last frame may be cut (a node resetting a connection drops what it had not sent yet)."""
    pos = 0
    last_info = b""
    while pos + 8 <= len(data):
        word = int.from_bytes(data[pos : pos + 8], "big")
        version, ptype, length = word >> 56, (word >> 48) & 0xFF, word & 0xFFFFFFFFFFFF
        if version == 2 and ptype in (1, 2, 3, 4) and pos + 8 + length > len(data) and reset:
            return False
        if version != 2 or ptype not in (1, 2, 3, 4) or pos + 8 + length > len(data):
            report.malformed.append(f"{what}: bad answer frame at {pos}: {data[pos : pos + 8].hex()}")
            return False
        body = data[pos + 8 : pos + 8 + length]
        if ptype == 3:
            _check_messages(body, report, what)
        elif ptype == 1:
            report.info_answers += 1
            last_info = body
            if b"ERROR::internal" in body:
                report.defects.append(f"{what}: info answered an internal error: {body[:120]!r}")
        pos += 8 + length
    if pos != len(data) and not reset:
        report.malformed.append(f"{what}: {len(data) - pos} bytes of a cut answer frame")
    return last_info.startswith(b"node\t")


def _check_messages(body: bytes, report: FuzzReport, what: str) -> None:
    pos = 0
    while pos < len(body):
        if len(body) - pos < 22 or body[pos] != 22:
            report.malformed.append(f"{what}: bad AS_MSG header in an answer at {pos}")
            return
        code = body[pos + 5]
        report.answers[code] = report.answers.get(code, 0) + 1
        if code == ResultCode.SERVER_ERROR:
            report.defects.append(f"{what}: answered result 1 (internal error)")
        elif code not in VALID_CODES:
            report.malformed.append(f"{what}: unknown result code {code}")
        n_fields, n_ops = struct.unpack_from(">HH", body, pos + 18)
        pos += 22
        for _ in range(n_fields):
            if pos + 4 > len(body):
                report.malformed.append(f"{what}: an answer's field runs past its frame")
                return
            pos += 4 + int.from_bytes(body[pos : pos + 4], "big")
        for _ in range(n_ops):
            if pos + 4 > len(body):
                report.malformed.append(f"{what}: an answer's op runs past its frame")
                return
            pos += 4 + int.from_bytes(body[pos : pos + 4], "big")
        if pos > len(body):
            report.malformed.append(f"{what}: an answer's message runs past its frame")


def _read_until_closed(sock: socket.socket, deadline: float) -> tuple[bytes, str]:
    """Everything the node sends until it closes, and how it ended: "eof", "reset" or "open" (still open
    at ``deadline``)."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"".join(chunks), "open"
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(1 << 16)
        except ConnectionResetError:
            return b"".join(chunks), "reset"
        except TimeoutError:
            return b"".join(chunks), "open"
        if not chunk:
            return b"".join(chunks), "eof"
        chunks.append(chunk)


def _health_check(port: int, report: FuzzReport, n: int) -> None:
    """A fresh connection writes and reads a record (namespace test, set fuzz_health)."""
    digest = key_digest("fuzz_health", f"h{n}")
    fields = b"".join(struct.pack(">IB", len(d) + 1, t) + d
                      for t, d in ((0, b"test"), (1, b"fuzz_health"), (4, digest)))
    value = n.to_bytes(8, "big")
    put_op = struct.pack(">IBBBB", 4 + 1 + 8, 2, 1, 0, 1) + b"v" + value
    head = struct.pack(">BBBBBBIIIHH", 22, 0, 1, 0, 0, 0, 0, 0, 1000, 3, 1)
    get_head = struct.pack(">BBBBBBIIIHH", 22, 3, 0, 0, 0, 0, 0, 0, 1000, 3, 0)
    frames = [_header(2, 3, 22 + len(fields) + len(put_op)) + head + fields + put_op,
              _header(2, 3, 22 + len(fields)) + get_head + fields]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"".join(frames))
            sock.shutdown(socket.SHUT_WR)
            data, ending = _read_until_closed(sock, time.monotonic() + 10)
    except OSError as exc:
        report.hung.append(f"health check {n}: {exc}")
        return
    if ending != "eof" or len(data) < 60 or data[13] != 0 or not data.endswith(value):
        report.hung.append(f"health check {n}: the node did not write and read a record ({data[:80].hex()})")
        return
    report.health_checks += 1


def run(port: int, frames: int, *, seed: int = 1, idle_timeout: float = 2.0, batch: int = 2_000,
        stall_every: int = 200, deadline_s: float = 10.0, progress: Callable[[FuzzReport], None] | None = None,
        ) -> FuzzReport:
    """Fuzz the node on ``port`` with ``frames`` mutated frames; returns what happened."""
    rng = random.Random(seed)
    mutator = Mutator(seed_frames(), rng)
    report = FuzzReport()
    stalled: list[tuple[float, socket.socket]] = []
    next_check = batch
    while report.frames < frames:
        report.connections += 1
        what = f"connection {report.connections}"
        if report.connections % stall_every == 0:
            stalled.append(_stall(port, mutator))
            report.frames += 1
        else:
            count = min(rng.randint(1, 6), frames - report.frames)
            payload = b"".join(mutator.mutate() for _ in range(count))
            report.frames += count
            _one_connection(port, payload, report, what, deadline_s)
        if report.frames >= next_check or report.frames >= frames:
            next_check += batch
            _check_stalled(stalled, report, idle_timeout, final=False)
            _health_check(port, report, report.frames)
            if progress is not None:
                progress(report)
    _check_stalled(stalled, report, idle_timeout, final=True)
    return report


def _one_connection(port: int, payload: bytes, report: FuzzReport, what: str, deadline_s: float) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=deadline_s) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # no TIME_WAIT pile-up
            try:
                sock.sendall(payload + SENTINEL)
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                report.closed_by_node += 1  # the node closed while we were still sending
                return
            data, ending = _read_until_closed(sock, time.monotonic() + deadline_s)
    except OSError as exc:
        report.hung.append(f"{what}: could not connect: {exc}")
        return
    if ending == "open":
        report.hung.append(f"{what}: neither answered nor closed within {deadline_s} s (sent {payload[:64].hex()})")
        return
    if check_reply_stream(data, report, what, reset=ending == "reset"):
        report.sentinel_answered += 1
    else:
        report.closed_by_node += 1


def _stall(port: int, mutator: Mutator) -> tuple[float, socket.socket]:
    """A connection that sends part of a frame and then nothing, keeping its side open."""
    frame = mutator.rng.choice(mutator.seeds)
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(frame[: max(1, len(frame) // 2)])
    return time.monotonic(), sock


def _check_stalled(stalled: list[tuple[float, socket.socket]], report: FuzzReport, idle_timeout: float,
                   *, final: bool) -> None:
    """Stalled connections older than the idle timeout (plus the node's sweep period) must be closed."""
    grace = idle_timeout + 3.0
    keep = []
    for started, sock in stalled:
        wait = started + grace - time.monotonic()
        if wait > 0 and not final:
            keep.append((started, sock))
            continue
        _, ending = _read_until_closed(sock, time.monotonic() + max(wait, 0.0) + 0.5)
        sock.close()
        if ending != "open":
            report.stalled_timed_out += 1
        else:
            report.hung.append(f"a peer stalled mid-frame was still open {grace:.0f} s later")
    stalled[:] = keep


def write_log(report: FuzzReport, path: Path) -> None:
    """The first problems of each kind, for a failing run."""
    path.write_text(json.dumps({"summary": report.summary(), "defects": report.defects[:50],
                                "malformed": report.malformed[:50], "hung": report.hung[:50]}, indent=1))
