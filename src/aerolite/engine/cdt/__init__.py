"""Collection, expression, bit and HLL operations: the engine side of op types 3/4, 7/8, 12/13 and 15/16.

One module per family (``lists``, ``maps``, ``exp_ops``, ``bits``, the ``hll`` package); ``common`` holds
what they share (argument checks, the write-flag policy, selection by return type on top of ``expr.cdt``),
``packed`` what bit and HLL ops add to it (op tables, create/update-only flags), and ``context`` walks
nested contexts. Every module is pure: it maps an old bin value to a new one plus an answer, so a
failed op leaves the record untouched and stored containers are never mutated in place.
"""
