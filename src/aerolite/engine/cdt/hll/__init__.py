"""HyperLogLog bins: ``sketch`` is the particle and its estimators, ``ops`` the wire ops on it."""

from aerolite.engine.cdt.hll.ops import modify, read

__all__ = ["modify", "read"]
