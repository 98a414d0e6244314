"""Schemathesis hooks for courant's read API: the one rule its OpenAPI document states in words only.

A range's order spans two parameters (`to` not before `from`), which OpenAPI cannot express. Before
each call, a generated `from`/`to` pair of valid days is put in order as a client reading the
document would send it. Any span is answered (page by page), so nothing is shortened. Every other
value goes out as generated, and every check still runs.
"""

import re
from datetime import date

import schemathesis

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value):
    if not isinstance(value, str) or not DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@schemathesis.hook
def before_call(context, case, kwargs):
    query = case.query
    if not isinstance(query, dict):
        return
    start, end = _day(query.get("from")), _day(query.get("to"))
    if start is None or end is None:
        return
    start, end = min(start, end), max(start, end)
    query["from"], query["to"] = start.isoformat(), end.isoformat()
