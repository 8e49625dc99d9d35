"""Reader for the captured client frames in ``tests/data/captures/*.txt``.

A capture file opens with ``#`` comment lines (the Python call that produced it, notes), then, for every
frame, a line ``== frame N: REQ|RSP conn=<port> t=+<s> len=<bytes> ==`` followed by ``hex: <hex>``
(the whole frame: 8-byte proto header plus body). Very long reply frames are cut in the ``hex:`` line
(``... (truncated; N bytes total)``); such frames are marked ``truncated``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import DATA

CAPTURES_DIR = DATA / "captures"

_FRAME_LINE = re.compile(r"^== frame (\d+): (REQ|RSP) conn=(\d+) t=\+([\d.]+)s len=(\d+) ==$")
_HEX_LINE = re.compile(r"^hex: ([0-9a-fA-F]*)(.*)$")
# Key("test", "demo", "cap-1") (aerospike_native) or ("test","demo","leg-1") (legacy tuple keys).
_KEY_IN_CALL = re.compile(r"""\(\s*"(?P<ns>[A-Za-z0-9_]+)"\s*,\s*"(?P<set>[^"]*)"\s*,\s*(?P<key>"[^"]*"|-?\d+)\s*\)""")


@dataclass(frozen=True)
class CapturedFrame:
    """One frame of a capture file."""

    capture: str
    number: int
    direction: str
    conn: int
    length: int
    data: bytes
    truncated: bool

    @property
    def is_request(self) -> bool:
        return self.direction == "REQ"

    @property
    def proto_type(self) -> int:
        return self.data[1]

    @property
    def body(self) -> bytes:
        return self.data[8:]


@dataclass(frozen=True)
class Capture:
    """One capture file: its comment header and its frames."""

    name: str
    header: list[str]
    frames: list[CapturedFrame]

    @property
    def python_call(self) -> str:
        """The lines after ``# Python call:`` in the header (the code that produced the frames)."""
        lines: list[str] = []
        inside = False
        for line in self.header:
            text = line.lstrip("#")
            if text.strip() == "Python call:":
                inside = True
                continue
            if inside:
                if not text.startswith("   "):
                    break
                lines.append(text.strip())
        return "\n".join(lines)

    @property
    def requests(self) -> list[CapturedFrame]:
        return [f for f in self.frames if f.is_request]

    def keys_in_call(self) -> list[tuple[str, str, int | str]]:
        """Every literal ``(namespace, set, user key)`` in the Python call, in order."""
        found: list[tuple[str, str, int | str]] = []
        for m in _KEY_IN_CALL.finditer(self.python_call):
            user_key = ast.literal_eval(m.group("key"))
            assert isinstance(user_key, (int, str))
            found.append((m.group("ns"), m.group("set"), user_key))
        return found


def parse_capture(path: Path) -> Capture:
    """Parse one capture file; raises ValueError on a layout it does not understand."""
    lines = path.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    frames: list[CapturedFrame] = []
    for i, line in enumerate(lines):
        m = _FRAME_LINE.match(line)
        if m is None:
            continue
        if i + 1 >= len(lines):
            raise ValueError(f"{path.name}: frame line {i + 1} has no hex line")
        h = _HEX_LINE.match(lines[i + 1])
        if h is None:
            raise ValueError(f"{path.name}: line {i + 2} is not a hex line")
        data = bytes.fromhex(h.group(1))
        length = int(m.group(5))
        truncated = "truncated" in h.group(2)
        if not truncated and len(data) != length:
            raise ValueError(f"{path.name}: frame {m.group(1)} has {len(data)} bytes, header says {length}")
        frames.append(
            CapturedFrame(
                capture=path.stem,
                number=int(m.group(1)),
                direction=m.group(2),
                conn=int(m.group(3)),
                length=length,
                data=data,
                truncated=truncated,
            )
        )
    return Capture(path.stem, header, frames)


def load_captures(directory: Path = CAPTURES_DIR) -> list[Capture]:
    """Every capture in ``directory``, sorted by name."""
    return [parse_capture(p) for p in sorted(directory.glob("*.txt")) if p.name != "README.md"]
