"""Users and roles as cluster-wide metadata: what one node of a local cluster is told, every node holds.

A node that changed users or roles through the admin protocol sends the changed records (as its store
holds them: a salted digest of the client's password hash, never a password) with their stamps to every
peer as the peer-only command ``security-sync:<base64 JSON>`` before it answers the client; a peer takes
those whose stamp beats its own into its store (and ``security.json``) and ends the sessions of users
whose password changed or who are gone. A node that (re)joins receives everything a peer holds, the
stamps of dropped users and roles included, so it also learns of drops it missed. Records, not
commands, travel, and stamps decide (``store``): a change applied twice, late, or together with the
snapshot that already holds it leaves the same state on every node.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from aerolite.server.security.guard import Security

log = logging.getLogger("aerolite.security")

COMMAND = "security-sync"


def sync_command(document: dict[str, Any]) -> str:
    """The peer command carrying a store's ``document`` (or its ``take_changes``)."""
    body = json.dumps(document, separators=(",", ":"), sort_keys=True)
    return f"{COMMAND}:{base64.b64encode(body.encode()).decode()}"


def snapshot_command(security: Security) -> str:
    """Every user and role of this node (and the stamps of the gone ones), for a peer that joins."""
    return sync_command(security.store.document())


def apply(security: Security, command: str) -> str:
    """Take the records of a ``security-sync`` command; ``ok`` or an error naming the problem."""
    try:
        document = json.loads(base64.b64decode(command.partition(":")[2], validate=True))
        ended = security.store.merge(document)
    except ValueError as exc:
        log.warning("users and roles from a peer refused: %s", exc)
        return f"ERROR:4:unreadable users and roles: {exc}"
    except OSError as exc:
        log.error("users and roles from a peer could not be saved: %s", exc)
        return "ERROR:1:users and roles could not be saved"
    for user in ended:
        security.sessions.revoke(user)
    return "ok"
