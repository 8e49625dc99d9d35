"""Cluster-wide metadata between the nodes of a local cluster: what one node is told, every node does.

UDF modules, index definitions, truncates, namespace settings (and, with access control, users and
roles) must be the same on every node, whichever node a client told (a node's system metadata). A node
that applied such an info command sends it on to every peer wrapped as ``smd:<proof>:<command>`` (a peer
applies it and sends nothing on) and answers the client only once the peers have answered, so a client
that then asks any node sees the change. A peer that is down misses it; when it comes back it sends
``smd-join`` to its peers, which answer with every module, index and setting they hold and raise their
peers generation so that clients rediscover the node. The proof, made with the cluster key, is what
lets only the cluster's own nodes send these (``security.peers``). Data requests never travel between
nodes.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl

from aerolite.server.security.peers import PeerKey
from aerolite.wire.framing import HEADER_SIZE, ProtoType, frame
from aerolite.wire.info import parse_params

log = logging.getLogger("aerolite.server")

CLUSTER_WIDE = frozenset({"udf-put", "udf-remove", "sindex-create", "sindex-delete", "truncate",
                          "truncate-namespace", "set-config"})
PEER_TIMEOUT_S = 10.0


def is_cluster_wide(command: str) -> bool:
    return parse_params(command)[0] in CLUSTER_WIDE


def encode_dump(commands: list[str]) -> str:
    """Info commands as one info value (no tabs or newlines)."""
    return base64.b64encode("\n".join(commands).encode()).decode()


def decode_dump(value: str) -> list[str]:
    text = base64.b64decode(value).decode()
    return [line for line in text.split("\n") if line]


async def info_call(host: str, port: int, commands: list[str], timeout: float = PEER_TIMEOUT_S,
                    tls: ssl.SSLContext | None = None) -> list[str]:
    """Send info ``commands`` to a node (over TLS with ``tls``) and return its values in order."""
    async def call() -> list[str]:
        reader, writer = await asyncio.open_connection(host, port, ssl=tls)
        try:
            writer.write(frame(ProtoType.INFO, "".join(f"{c}\n" for c in commands).encode()))
            header = await reader.readexactly(HEADER_SIZE)
            body = await reader.readexactly(int.from_bytes(header[2:], "big"))
        finally:
            writer.close()
        lines = body.decode("utf-8", "replace").split("\n")[: len(commands)]
        return [line.partition("\t")[2] for line in lines]
    return await asyncio.wait_for(call(), timeout)


class MetadataRelay:
    """Sends cluster-wide info commands to this node's peers."""

    def __init__(self, host: str, peer_ports: list[int], key: PeerKey, tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.peer_ports = peer_ports
        self.key = key
        self.tls = tls

    async def broadcast(self, commands: list[str]) -> None:
        """Apply ``commands`` on every reachable peer; a peer that is down catches up when it joins."""
        results = await asyncio.gather(*(info_call(self.host, p, [self.key.wrap(c) for c in commands], tls=self.tls)
                                         for p in self.peer_ports), return_exceptions=True)
        for port, result in zip(self.peer_ports, results, strict=True):
            if isinstance(result, BaseException):
                log.warning("peer %s:%d missed %s: %s", self.host, port, [c.split(":", 1)[0] for c in commands], result)
            elif any(value != "ok" for value in result):
                log.warning("peer %s:%d refused metadata: %s", self.host, port, result)

    async def join(self) -> list[str]:
        """Announce this node to its peers; the metadata of the first that answers (empty if none does)."""
        results = await asyncio.gather(*(info_call(self.host, p, [self.key.join()], timeout=2.0, tls=self.tls)
                                         for p in self.peer_ports), return_exceptions=True)
        for port, result in zip(self.peer_ports, results, strict=True):
            if isinstance(result, BaseException) or not result:
                continue
            dump = self.key.open(result[0])
            if dump is None:
                log.warning("peer %s:%d answered the join without the cluster key: %.60s", self.host, port, result[0])
                continue
            return decode_dump(dump)
        return []
