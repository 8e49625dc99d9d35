"""Who is in a local cluster and which node owns which partition: pure functions of the node list.

Every node of a local cluster is started with the same ordered list of ports, so every node computes
the same layout without talking to the others: node ``i`` of ``n`` owns the contiguous partition range
``[i*4096//n, (i+1)*4096//n)`` of every namespace (replication factor 1). The answers clients route by
are rendered here: the ``replicas`` bitmap (partition ``p`` is bit ``0x80 >> (p % 8)`` of byte
``p // 8``), the peer list ``generation,port,[[node,tls-name,[host:port]],...]`` and the cluster key.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cached_property

from aerolite.digest import N_PARTITIONS


def node_name_for(host: str, port: int) -> str:
    """A stable 15-hex-digit node name (clients drop a node whose name changes)."""
    digest = hashlib.sha1(f"{host}:{port}".encode()).hexdigest().upper()
    return "A" + digest[:14]


def partition_range(index: int, size: int) -> range:
    """The partitions node ``index`` of a ``size``-node cluster owns.

    >>> partition_range(1, 2)
    range(2048, 4096)
    """
    return range(index * N_PARTITIONS // size, (index + 1) * N_PARTITIONS // size)


@dataclass(frozen=True)
class ClusterLayout:
    """The nodes of a local cluster (one port each, in order) and this node's place among them."""

    host: str
    ports: tuple[int, ...]
    index: int = 0

    def __post_init__(self) -> None:
        if not self.ports or not 0 <= self.index < len(self.ports):
            raise ValueError(f"node index {self.index} is not among {len(self.ports)} cluster ports")
        if len(self.ports) > N_PARTITIONS or len(set(self.ports)) != len(self.ports):
            raise ValueError(f"cluster ports must be distinct and at most {N_PARTITIONS}: {self.ports}")

    @property
    def size(self) -> int:
        return len(self.ports)

    @cached_property
    def owned(self) -> bytes:
        """One byte per partition, 1 where this node owns it (indexable by partition id)."""
        mine = partition_range(self.index, self.size)
        return bytes(1 if pid in mine else 0 for pid in range(N_PARTITIONS))

    @cached_property
    def replicas_bitmap(self) -> str:
        """The base64 bitmap of owned partitions, as ``replicas`` answers it."""
        bitmap = bytearray(N_PARTITIONS // 8)
        for pid in partition_range(self.index, self.size):
            bitmap[pid >> 3] |= 0x80 >> (pid & 7)
        return base64.b64encode(bytes(bitmap)).decode()

    def peers(self, generation: int, tls_name: str = "") -> str:
        """The ``peers-clear-std`` answer (``peers-tls-std`` with the nodes' TLS name): every other node with its
        address."""
        port = self.ports[self.index]
        others = ",".join(f"[{node_name_for(self.host, p)},{tls_name},[{self.host}:{p}]]"
                          for i, p in enumerate(self.ports) if i != self.index)
        return f"{generation},{port},[{others}]"

    def peer_ports(self) -> list[int]:
        return [p for i, p in enumerate(self.ports) if i != self.index]

    @cached_property
    def cluster_key(self) -> str:
        """The same 12-hex-digit key on every node of the cluster."""
        members = ",".join(sorted(node_name_for(self.host, p) for p in self.ports))
        return hashlib.sha1(members.encode()).hexdigest()[:12].upper()
