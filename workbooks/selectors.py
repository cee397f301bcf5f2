"""Reads for imports: the kept tracker mapping that fits a file."""

from __future__ import annotations

from workbooks.models import TrackerMapping
from workbooks.tracker.columns import normalise
from workbooks.tracker.mapping import Mapping, headings_shared, mapping_for_tables, mapping_from_json


def tracker_mapping_for(tables) -> tuple[TrackerMapping, Mapping] | None:
    """The kept mapping of the plan whose tracker this file looks like (next term's file of the same shape): the
    one knowing most of its headings, if it knows at least half of them; laid over the file's tables."""
    headings = sum(1 for table in tables for header in table.headers if normalise(header))
    best, best_shared = None, 0
    for kept in TrackerMapping.objects.select_related("plan").order_by("-updated_at"):
        mapping = mapping_from_json(kept.mapping)
        shared = headings_shared(mapping, tables)
        if shared > best_shared:
            best, best_shared = (kept, mapping), shared
    if best is None or best_shared * 2 < headings:
        return None
    kept, mapping = best
    return kept, mapping_for_tables(mapping, tables)
