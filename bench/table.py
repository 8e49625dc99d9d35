"""What every benchmark ends with: an aligned table on stdout and its figures in bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def report(name: str, header: tuple[str, str, str], rows: list[tuple[str, str, str]], results: dict[str, Any]) -> None:
    """Print ``rows`` under ``header`` and write ``results`` to bench/results/``name``.json."""
    width = max(len(r[0]) for r in [header, *rows])
    mid = max(len(r[1]) for r in [header, *rows])
    for first, second, third in [header, *rows]:
        print(f"{first:<{width}}  {second:<{mid}}  {third}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2))
