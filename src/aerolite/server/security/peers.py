"""How the nodes of one local cluster know each other: a key only they hold, and commands signed with it.

The supervisor makes a random key when it starts and hands it to each node it starts (on the node's
standard input: never in a file or on a command line). A node sends cluster-wide metadata to a peer as
``smd:<proof>:<command>`` and asks for everything at (re)join with ``smd-join:<proof>``; the proof is
``<seconds>.<nonce>.<HMAC-SHA256 of seconds, nonce and command>``. A node accepts a proof made with its
key within ``WINDOW_S`` of its own clock, and each nonce once, so a captured command cannot be replayed.
The answer to a join carries a proof too (``seal``), so a node takes users and metadata only from a peer.
Anyone without the key (a client, logged in or not) cannot make one. The node's guard checks proofs,
so they count with access control on; without it every command is open to every client anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

PEER_PREFIX = "smd:"
JOIN = "smd-join"
KEY_BYTES = 32
WINDOW_S = 60
_SWEEP_AT = 4096


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def is_peer_command(command: str) -> bool:
    """Whether ``command`` is one only the cluster's own nodes may send."""
    return command.partition(":")[0] in (PEER_PREFIX[:-1], JOIN)


def unwrap(command: str) -> str:
    """The command a peer's ``smd:<proof>:<command>`` carries (the proof is checked by ``PeerKey.verify``)."""
    return command[len(PEER_PREFIX):].partition(":")[2]


class PeerKey:
    """The cluster key: signs this node's peer commands and checks those it receives."""

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(key) < 16:
            raise ValueError("a cluster key has at least 16 bytes")
        self._key = key
        self._clock = clock
        self._seen: dict[str, float] = {}

    def __repr__(self) -> str:
        return "PeerKey(<hidden>)"

    def _mac(self, stamp: str, payload: str) -> str:
        return hmac.new(self._key, f"{stamp}:{payload}".encode(), hashlib.sha256).hexdigest()

    def _proof(self, payload: str) -> str:
        stamp = f"{int(self._clock())}.{secrets.token_hex(8)}"
        return f"{stamp}.{self._mac(stamp, payload)}"

    def _checks(self, proof: str, payload: str) -> bool:
        """Whether ``proof`` was made for ``payload`` with this key, lately, and is seen for the first time."""
        seconds, _, rest = proof.partition(".")
        nonce, _, mac = rest.partition(".")
        if not (seconds.isdigit() and nonce and mac):
            return False
        now = self._clock()
        if abs(now - int(seconds)) > WINDOW_S or nonce in self._seen:
            return False
        if not hmac.compare_digest(self._mac(f"{seconds}.{nonce}", payload), mac):
            return False
        if len(self._seen) >= _SWEEP_AT:
            self._seen = {n: t for n, t in self._seen.items() if t > now - WINDOW_S}
        self._seen[nonce] = int(seconds)
        return True

    def seal(self, payload: str) -> str:
        """``<proof>:<payload>``: how a node answers a peer's join, so the joining node knows who answered."""
        return f"{self._proof(payload)}:{payload}"

    def open(self, sealed: str) -> str | None:
        """The payload of ``seal``'s answer, or None when its proof does not hold."""
        proof, _, payload = sealed.partition(":")
        return payload if self._checks(proof, payload) else None

    def wrap(self, command: str) -> str:
        """``command`` as a peer sends it: ``smd:<proof>:<command>``."""
        return PEER_PREFIX + self.seal(command)

    def join(self) -> str:
        """The signed request for a peer's metadata."""
        return f"{JOIN}:{self._proof(JOIN)}"

    def verify(self, command: str) -> bool:
        """Whether a peer command carries a fresh proof made with this key (each proof counts once)."""
        if command.startswith(PEER_PREFIX):
            return self.open(command[len(PEER_PREFIX):]) is not None
        name, _, proof = command.partition(":")
        return self._checks(proof, name)
