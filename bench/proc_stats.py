"""What a server process tree costs, read from Linux's /proc: resident memory and CPU time."""

from __future__ import annotations

import os
from pathlib import Path


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive (a supervisor and its nodes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return [pid]
    return [pid, *(p for child in children for p in tree_pids(int(child)))]


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    total = 0
    for member in tree_pids(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except FileNotFoundError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in lines if line.startswith("VmRSS:"))
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds spent so far by ``pid`` and all its descendants."""
    ticks = 0
    for member in tree_pids(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, after the state field
    return ticks / os.sysconf("SC_CLK_TCK")
