"""What a server process tree costs, read from Linux's /proc: resident memory and CPU time."""

from __future__ import annotations

import os
from pathlib import Path


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive (a supervisor and its nodes), whichever of its
    threads started them."""
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return [pid]
    children: list[str] = []
    for thread in threads:
        try:
            children += (thread / "children").read_text().split()
        except FileNotFoundError:
            continue
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
    return sum(cpu_seconds(member) for member in tree_pids(pid))


def descendants_cpu_seconds(pid: int) -> float:
    """The CPU seconds of ``pid``'s descendants alone: the servers a bench process started."""
    return tree_cpu_seconds(pid) - cpu_seconds(pid)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds spent so far by ``pid`` (all its threads); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
