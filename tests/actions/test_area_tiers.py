"""Two tiers and cross-cutting areas (decision 0021): an area's kind, "reported together" blocks and the tier order
the plan page, the board's dashboard and the termly report share (actions/tiers.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.locking import save_versioned
from actions.models import AreaOfWeakness, Finding
from actions.services import plan_roll_forward
from actions.tiers import in_tier_order, tiers_of
from tests import factories


def set_area(area: AreaOfWeakness, by, **fields) -> AreaOfWeakness:
    area.refresh_from_db()
    for name, value in fields.items():
        setattr(area, name, value)
    save_versioned(area, expected_version=area.version, by=by)
    return area


class Tiered:
    """The world's plan in the 2023 framework's shape: areas for priority action 1 and 2, areas for improvement 3
    and 4 (4 reported together with 3), a cross-cutting safeguarding area and a workstream answering two findings.
    The plan's order puts improvement first, so the tier order is visible."""

    def __init__(self, world):
        self.world = world
        by = world.manager
        self.p1 = set_area(world.area, by, kind="priority", order=5)
        self.p2 = factories.make_area(world.plan, "2", "Joint commissioning")
        self.p2 = set_area(self.p2, by, kind="priority", order=6)
        self.i3 = factories.make_area(world.plan, "3", "Preparing for adulthood")
        self.i3 = set_area(self.i3, by, kind="improvement", order=1)
        self.i4 = factories.make_area(world.plan, "4", "Transitions into adult health services")
        self.i4 = set_area(self.i4, by, kind="improvement", order=2, reported_with=self.i3)
        self.safeguarding = factories.make_area(world.plan, "S", "Safeguarding children with SEND")
        self.safeguarding = set_area(self.safeguarding, by, kind="cross_cutting", order=3)
        self.w1 = factories.make_area(world.plan, "W1", "Quality of EHC plans")
        self.w1 = set_area(self.w1, by, kind="workstream", order=4)
        for order, text in enumerate(["Plans are not reviewed in time.", "Health advice is missing."], start=1):
            save_versioned(Finding(area=self.w1, ref=f"F{order}", text=text, order=order), expected_version=1, by=by)
        self.actions = {
            area.ref: factories.make_action(area, f"{area.ref}.1", [world.dco])
            for area in (self.p2, self.i3, self.i4, self.safeguarding, self.w1)
        }


@pytest.fixture
def tiered(world):
    return Tiered(world)


def test_existing_and_new_areas_are_areas_of_weakness_labelled_as_before(world):
    assert world.area.kind == "weakness"
    assert (world.area.label, world.area.heading) == ("Area 1", "Area 1: Timeliness of EHC plans")


def test_each_kind_has_its_own_word_and_a_cross_cutting_area_no_number(tiered):
    assert tiered.p1.label == "Area for priority action 1"
    assert tiered.i3.heading == "Area for improvement 3: Preparing for adulthood"
    assert tiered.w1.label == "Workstream W1"
    assert tiered.safeguarding.label == "Safeguarding children with SEND"
    assert tiered.safeguarding.heading == "Cross-cutting area: Safeguarding children with SEND"
    assert str(tiered.safeguarding) == "Safeguarding children with SEND"  # no "S." before it


def test_tiers_put_priority_action_first_then_improvement_cross_cutting_and_the_rest(tiered):
    tiers = tiers_of(tiered.world.plan.areas.all())
    assert [tier.heading for tier in tiers] == [
        "Areas for priority action",
        "Areas for improvement",
        "Cross-cutting areas",
        "Workstreams",
    ]
    assert [[block.lead.ref for block in tier.blocks] for tier in tiers] == [["1", "2"], ["3"], ["S"], ["W1"]]
    assert tiers[1].blocks[0].alongside == [tiered.i4]
    assert [a.ref for a in in_tier_order(tiered.world.plan.areas.all())] == ["1", "2", "3", "4", "S", "W1"]


def test_an_area_reported_with_one_left_out_stands_alone(tiered):
    # The dashboard filtered to area 4 only: its block's lead is not shown, so 4 is a block of its own.
    (tier,) = tiers_of([tiered.i4])
    assert [block.lead for block in tier.blocks] == [tiered.i4]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "cannot be reported together with itself"),
        ("other plan", "same plan"),
        ("chain", "is itself reported with another area"),
        ("lead of a block", "Other areas are reported with this one"),
    ],
)
def test_reported_with_is_one_level_within_one_plan(tiered, case, message):
    world = tiered.world
    area, partner = {
        "itself": (tiered.p2, tiered.p2),
        "other plan": (tiered.p2, factories.make_area(factories.make_plan("elsewhere-wsoa"), "1")),
        "chain": (tiered.p2, tiered.i4),  # 4 is already reported with 3
        "lead of a block": (tiered.i3, tiered.p2),  # 4 is reported with 3
    }[case]
    version = AreaOfWeakness.objects.get(pk=area.pk).version
    with pytest.raises(ValidationError) as refused:
        set_area(area, world.manager, reported_with=partner)
    assert message in " ".join(refused.value.message_dict["reported_with"])
    stored = AreaOfWeakness.objects.get(pk=area.pk)
    assert (stored.reported_with_id, stored.version) == (None, version)


def test_the_database_refuses_an_area_reported_with_itself_and_an_unknown_kind(tiered):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfWeakness.objects.filter(pk=tiered.p2.pk).update(reported_with=tiered.p2.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfWeakness.objects.filter(pk=tiered.p2.pk).update(kind="theme")


def test_several_findings_map_onto_one_workstream_and_its_page_shows_them(client, tiered):
    assert list(tiered.w1.findings.values_list("ref", flat=True)) == ["F1", "F2"]
    client.force_login(tiered.world.member)
    html = client.get(reverse("area-detail", args=[tiered.w1.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Workstream W1: Quality of EHC plans</h1>' in html
    assert "Main finding F1" in html and "Main finding F2" in html
    html = client.get(reverse("area-detail", args=[tiered.i4.pk])).content.decode()
    assert "Reported together with" in html and "Area for improvement 3: Preparing for adulthood" in html
    # Both ways: the area leading the block links to the area reported with it.
    html = client.get(reverse("area-detail", args=[tiered.i3.pk])).content.decode()
    together = html.split("Reported together with</dt>", 1)[1].split("</dd>", 1)[0]
    assert (
        f'href="{tiered.i4.get_absolute_url()}">Area for improvement 4: Transitions into adult health services</a>'
        in together
    )
    html = client.get(reverse("area-detail", args=[tiered.w1.pk])).content.decode()
    assert "Reported together with" not in html


def test_the_plan_page_groups_areas_by_tier_and_shows_a_block_as_one_row(client, tiered):
    client.force_login(tiered.world.member)
    html = client.get(reverse("plan-detail", args=[tiered.world.plan.slug])).content.decode()
    table = html.split("Areas with the number of actions", 2)[2].split("</table>", 1)[0]
    headings = ["Areas for priority action", "Areas for improvement", "Cross-cutting areas", "Workstreams"]
    positions = [table.index(f'app-tier-heading">{heading}</th>') for heading in headings]
    assert positions == sorted(positions)
    assert table.index("Area for priority action 1: Timeliness") < table.index("Area for priority action 2: Joint")
    # Areas 3 and 4 are one row: 4 named inside 3's header cell, their actions counted together.
    row = table.split("Area for improvement 3: Preparing", 1)[1].split("</tr>", 1)[0]
    assert "Reported together with" in row and "Area for improvement 4: Transitions" in row
    assert [cell.split("<")[0] for cell in row.split('numeric">')[1:]][-1] == "2"  # Not rated: 3.1 and 4.1
    safeguarding = table.split("Cross-cutting areas", 1)[1].split("</tr>", 2)[1]
    assert ">Safeguarding children with SEND</a>" in safeguarding and "S." not in safeguarding


def test_a_plan_with_one_kind_shows_no_tier_headings(client, world):
    factories.make_area(world.plan, "2", "Joint commissioning")
    client.force_login(world.member)
    html = client.get(reverse("plan-detail", args=[world.plan.slug])).content.decode()
    assert "app-tier-heading" not in html
    assert ">1. Timeliness of EHC plans</a>" in html and ">2. Joint commissioning</a>" in html


def test_rolling_forward_keeps_each_area_s_kind_and_its_block(tiered):
    world = tiered.world
    areas = [tiered.p1, tiered.i3, tiered.i4, tiered.safeguarding]
    plan = plan_roll_forward(
        source=world.plan,
        slug="riverside-pap",
        title="Priority action plan",
        plan_type="pap",
        start_date=date(2026, 9, 1),
        areas=areas,
        actions=[],
        by=world.manager,
    )
    copies = {a.ref: a for a in plan.areas.all()}
    assert {ref: a.kind for ref, a in copies.items()} == {
        "1": "priority",
        "3": "improvement",
        "4": "improvement",
        "S": "cross_cutting",
    }
    assert copies["4"].reported_with == copies["3"]
    assert copies["4"].history.latest().reported_with_id == copies["3"].pk


def test_an_area_carried_without_its_lead_stands_alone(tiered):
    plan = plan_roll_forward(
        source=tiered.world.plan,
        slug="riverside-pap",
        title="Priority action plan",
        plan_type="pap",
        start_date=date(2026, 9, 1),
        areas=[tiered.i4],
        actions=[],
        by=tiered.world.manager,
    )
    assert plan.areas.get().reported_with is None


def test_the_admin_refuses_a_chain_and_changes_nothing(client, tiered):
    world = tiered.world
    client.force_login(world.manager)
    area = AreaOfWeakness.objects.get(pk=tiered.p2.pk)
    url = reverse("admin:actions_areaofweakness_change", args=[area.pk])
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="kind"' in html and 'name="reported_with"' in html
    data = {
        "plan": world.plan.pk,
        "ref": "2",
        "title": "Joint commissioning",
        "kind": "priority",
        "reported_with": tiered.i4.pk,
        "order": area.order,
        "version": area.version,
        "general_outcomes": "",
        "milestone": "",
        "closed_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is itself reported with another area" in response.content.decode()
    assert AreaOfWeakness.objects.get(pk=area.pk).reported_with_id is None
