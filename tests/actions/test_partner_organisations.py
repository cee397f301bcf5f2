"""A plan names the organisations working on it: lead pickers offer only their posts, never another local area's."""

from pathlib import Path

from actions.demo import load_plan
from actions.models import Plan
from actions.selectors import plan_organisation_ids, plan_post_choices
from actions.services import role_groups_sync
from tests import factories

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def test_a_named_partner_with_no_action_yet_offers_its_posts(world):
    trust = factories.make_organisation("Riverside Community Trust", "trust")
    therapist = factories.make_officer("Head of therapies", "Dana Ode", trust)
    world.plan.partner_organisations.add(trust)
    assert trust.pk in plan_organisation_ids(world.plan)
    assert therapist in plan_post_choices(world.plan)


def test_another_local_areas_posts_are_not_offered(world):
    elsewhere = factories.make_organisation("Elsewhere Council", "council")
    stranger = factories.make_officer("Head of SEND", "Sam Far", elsewhere)
    other_plan = factories.make_plan("elsewhere-wsoa")
    other_plan.partner_organisations.add(elsewhere)
    offered = list(plan_post_choices(world.plan))
    assert stranger not in offered
    # The world's own leads are offered: their organisations lead its actions.
    assert world.alice.officer in offered and world.bob.officer in offered


def test_the_demo_plans_name_their_partners(db):
    role_groups_sync()
    for path in sorted(DEMO.glob("*.json")):
        load_plan(path)
    assert Plan.objects.count() == 3
    for plan in Plan.objects.all():
        named = set(plan.partner_organisations.values_list("id", flat=True))
        assert named and plan_organisation_ids(plan) == named, plan.slug
