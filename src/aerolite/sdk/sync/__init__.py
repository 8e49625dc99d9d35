"""The aerolite SDK without asyncio: the same names and verbs, blocking (``aerolite.sync``).

Only the cluster, session and task classes differ from the asyncio face; builders, data sets,
behaviors, progress snapshots and exceptions are the very same objects.
"""

from aerolite.sdk import shared
from aerolite.sdk.shared import *  # noqa: F403 - the names both faces share
from aerolite.sdk.sync.client import BackgroundTask, Cluster, ClusterDefinition, RecordStream, Session

__all__ = [*shared.__all__, "BackgroundTask", "Cluster", "ClusterDefinition", "RecordStream", "Session"]
