"""An officer belongs to the organisation named with the post (decision 0023): "Head of Inclusion (CFC)" and
"Designated Clinical Officer, Northgate ICB" are posts in CFC and in Northgate ICB, not in the council."""

import pytest

from actions.models import Officer, Organisation
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.importer import import_workbook


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def tracker_with_leads(*leads: str) -> dict:
    sheets = oxfordshire_tracker()
    for row, lead in zip(sheets["Actions"][1:], leads, strict=False):
        row[3] = lead
    return sheets


def test_posts_go_into_the_organisation_named_with_them(manager):
    cfc = Organisation.objects.create(name="Oxfordshire Children First Company", short_name="CFC", kind="other")
    sheets = tracker_with_leads(
        "Head of Inclusion (CFC) & Head of SEND (Jayne Howarth)",
        "Designated Clinical Officer, Northgate ICB",
        "Service Manager, Northgate NHS Trust",
    )
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    inclusion = Officer.objects.get(post_title="Head of Inclusion")
    assert inclusion.organisation == cfc and inclusion.person_name == ""
    dco = Officer.objects.get(post_title="Designated Clinical Officer")
    assert (dco.organisation.name, dco.organisation.kind) == ("Northgate ICB", "icb")
    manager_post = Officer.objects.get(post_title="Service Manager")
    assert (manager_post.organisation.name, manager_post.organisation.kind) == ("Northgate NHS Trust", "nhs_trust")
    assert Officer.objects.get(post_title="Head of SEND").organisation.name == "Oxfordshire"  # said nothing: home
    # The organisations the plan did not know are named in the preview's warnings; the known one is not.
    assert any(
        "Northgate ICB" in warning and "not an organisation this plan knows" in warning for warning in result.warnings
    )
    assert not any("Children First" in warning for warning in result.warnings)

    again = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert again.ok and Officer.objects.filter(post_title="Head of Inclusion").count() == 1  # matched, not doubled


@pytest.mark.parametrize("written", ["Council", "the Council", "LA", "Local Authority"])
def test_a_post_of_the_council_unnamed_is_the_local_areas_own(manager, written):
    sheets = tracker_with_leads(f"Head of Inclusion ({written}) & Designated Clinical Officer (ICB)")
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    head = Officer.objects.get(post_title="Head of Inclusion")
    assert (head.person_name, head.organisation.name) == ("", "Oxfordshire")  # not a person called Council
    assert not Organisation.objects.filter(name__iexact=written).exists()
    assert not any(written in warning for warning in result.warnings)
