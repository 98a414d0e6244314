"""Schemathesis hooks for courant's read API: the one rule its OpenAPI document states in words only.

A range's bound spans two parameters (`to` not before `from`, at most API_MAX_RANGE_DAYS days
after it), which OpenAPI cannot express. Before each call, a generated `from`/`to` pair of valid
days is brought within the bound as a client reading the document would send it: swapped when
backwards, then shortened. Every other value goes out as generated, and every check still runs.
"""

import re
from datetime import date, timedelta

import schemathesis

# API_MAX_RANGE_DAYS in src/serve/params.ts.
MAX_RANGE_DAYS = 1000
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
    end = start + timedelta(days=(end - start).days % MAX_RANGE_DAYS)
    query["from"], query["to"] = start.isoformat(), end.isoformat()
