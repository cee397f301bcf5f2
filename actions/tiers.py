"""A plan's areas in tiers and blocks, the one order the plan page, the board's dashboard and the termly report share.

Tiers: areas for priority action first, then areas for improvement, cross-cutting areas, workstreams and areas of
weakness (AREA_KIND_ORDER); within a tier, the plan's own order. Blocks: an area reported with another
(`AreaOfWeakness.reported_with`) follows that area and is shown inside its block. A plan whose areas are all of one
kind keeps its order and shows no tier headings, so it looks as it did before tiers (docs/decisions/0021-area-tiers.md).

Works on anything that carries an area (the snapshot's AreaAt, the report's sections, the dashboard's summaries), read
as it stood: the kind and the link come from the same history row as the rest of the area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from actions.models import AREA_KIND_ORDER, AREA_KIND_PLURALS, AreaOfWeakness

T = TypeVar("T")

_RANK = {kind.value: rank for rank, kind in enumerate(AREA_KIND_ORDER)}


def _own(item) -> AreaOfWeakness:
    return item


@dataclass
class AreaBlock(Generic[T]):
    """An area and the areas reported together with it, as one block."""

    lead: T
    alongside: list[T] = field(default_factory=list)

    @property
    def members(self) -> list[T]:
        return [self.lead, *self.alongside]


@dataclass
class Tier(Generic[T]):
    kind: str
    heading: str  # "Areas for priority action"
    blocks: list[AreaBlock[T]] = field(default_factory=list)

    @property
    def members(self) -> list[T]:
        return [member for block in self.blocks for member in block.members]


def tiers_of(items: Iterable[T], area: Callable[[T], AreaOfWeakness] = _own) -> list[Tier[T]]:
    """`items` in tiers, each tier's blocks in the plan's order (`items` come in that order: order, ref). An area
    reported with one that is not among `items` (a filtered dashboard) stands as its own block."""
    items = list(items)
    present = {area(item).pk for item in items}
    blocks: dict[int, AreaBlock[T]] = {}
    for item in items:
        own = area(item)
        if own.reported_with_id in present and own.reported_with_id != own.pk:
            continue
        blocks[own.pk] = AreaBlock(lead=item)
    for item in items:
        own = area(item)
        if own.pk not in blocks:
            blocks[own.reported_with_id].alongside.append(item)
    tiers: dict[str, Tier[T]] = {}
    for block in sorted(blocks.values(), key=lambda b: _RANK.get(area(b.lead).kind, len(_RANK))):
        kind = area(block.lead).kind
        tier = tiers.setdefault(kind, Tier(kind=kind, heading=AREA_KIND_PLURALS.get(kind, kind)))
        tier.blocks.append(block)
    return list(tiers.values())


def in_tier_order(items: Iterable[T], area: Callable[[T], AreaOfWeakness] = _own) -> list[T]:
    """`items` flattened in the order tiers_of shows them: tier, block, then the areas reported with each."""
    return [member for tier in tiers_of(items, area) for member in tier.members]


def is_tiered(tiers: list[Tier]) -> bool:
    """Tier headings are shown only when the plan has more than one kind of area."""
    return len(tiers) > 1
