"""The aerolite SDK: fluent, server-side background jobs over Aerospike data sets (asyncio face).

``aerolite.sync`` offers the same surface without asyncio. Both speak to any node — a real Aerospike
cluster or the embedded aerolite engine — only through the official ``aerospike_native`` client.
"""

from aerolite.sdk import shared
from aerolite.sdk.aio import BackgroundTask, Cluster, ClusterDefinition, RecordStream, Session
from aerolite.sdk.shared import *  # noqa: F403 - the names both faces share

__all__ = [*shared.__all__, "BackgroundTask", "Cluster", "ClusterDefinition", "RecordStream", "Session"]
