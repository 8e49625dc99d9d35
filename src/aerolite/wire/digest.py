"""Digests and partition ids as the wire uses them (shared with the engine and the SDK)."""

from aerolite.digest import N_PARTITIONS, key_digest, partition_id

__all__ = ["N_PARTITIONS", "key_digest", "partition_id"]
