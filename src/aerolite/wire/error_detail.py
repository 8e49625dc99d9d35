"""Extended error detail (build 8.2): what a request asks for, and the reply field that answers it.

A request asks with bits 5-6 of ``info4`` (a batch row with its own info4 byte): 0 nothing,
1 the sub-code, 2 also a message, 3 also an expression trace when an expression failed to build. A
failing reply then carries field 45, a plain msgpack map ``{1: sub-code, 2: message, 3: trace}``;
the trace is a map ``{1: phase, 2: byte offset, 6: snippet, 8: language, 9: AEL offset}`` (the
other keys clients know, the op name, depth, path and AEL span, are optional and not sent). Keys
with nothing to say are left out (a sub-code of 0 is never sent), and a reply with nothing to say at
the requested level carries no field at all.
"""

from __future__ import annotations

from typing import Any

import msgpack

from aerolite.result_codes import AerospikeResultError
from aerolite.wire.message import FieldType, encode_field

_VERBOSITY_SHIFT = 5
_VERBOSITY_MASK = 0x60
SUBCODE, MESSAGE, EXPRESSION_TRACE = 1, 2, 3
"""The verbosity levels; each includes the ones below it."""
_KEY_SUBCODE, _KEY_MESSAGE, _KEY_TRACE = 1, 2, 3
_TRACE_PHASE, _TRACE_BYTE_OFFSET, _TRACE_SNIPPET, _TRACE_LANG, _TRACE_AEL_OFFSET = 1, 2, 6, 8, 9
_PHASE_BUILD = 1
_LANG_MSGPACK, _LANG_AEL = 1, 2


def verbosity(info4: int) -> int:
    """The error-detail level a request's info4 byte asks for."""
    return (info4 & _VERBOSITY_MASK) >> _VERBOSITY_SHIFT


def detail_field(error: AerospikeResultError | None, level: int) -> bytes:
    """Field 45 describing ``error`` at ``level``, or b"" when there is nothing to send."""
    if error is None or level <= 0:
        return b""
    detail: dict[int, Any] = {}
    if error.sub_code:
        detail[_KEY_SUBCODE] = error.sub_code
    if level >= MESSAGE:
        detail[_KEY_MESSAGE] = str(error)
    trace = error.trace
    if level >= EXPRESSION_TRACE and trace is not None:
        shown: dict[int, Any] = {_TRACE_PHASE: _PHASE_BUILD}
        if trace.ael_offset is not None:
            shown[_TRACE_LANG] = _LANG_AEL
            shown[_TRACE_AEL_OFFSET] = trace.ael_offset
        else:
            shown[_TRACE_LANG] = _LANG_MSGPACK
            if trace.byte_offset is not None:
                shown[_TRACE_BYTE_OFFSET] = trace.byte_offset
        if trace.snippet:
            shown[_TRACE_SNIPPET] = trace.snippet
        detail[_KEY_TRACE] = shown
    if not detail:
        return b""
    return encode_field(FieldType.ERROR_DETAIL, msgpack.packb(detail, use_bin_type=True))
