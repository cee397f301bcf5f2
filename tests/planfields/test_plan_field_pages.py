"""The pages: a programme manager defines the plan's own fields; values are shown on area and action pages and
edited on a GOV.UK form, with stale edits refused naming who changed what."""

import csv
import io

from django.urls import reverse

from planfields.models import PlanField, PlanFieldValue
from planfields.selectors import record_values
from planfields.services import own_values_save, plan_field_add


def add(world, label, applies_to="action", kind="short", public=False):
    return plan_field_add(
        plan=world.plan, applies_to=applies_to, label=label, kind=kind, public=public, by=world.manager
    )


def test_the_plan_page_links_managers_to_the_fields_page(client, world):
    client.force_login(world.manager)
    assert reverse("plan-fields", args=[world.plan.slug]) in client.get(world.plan.get_absolute_url()).content.decode()
    client.force_login(world.chair)
    assert (
        reverse("plan-fields", args=[world.plan.slug]) not in client.get(world.plan.get_absolute_url()).content.decode()
    )


def test_a_manager_adds_a_field_and_sees_it_listed(client, world):
    client.force_login(world.manager)
    url = reverse("plan-field-add", args=[world.plan.slug])
    response = client.post(
        url,
        {
            "applies_to": "action",
            "label": "Directorate",
            "kind": "short",
            "help_text": "Which directorate leads",
            "public": "no",
        },
    )
    assert response.status_code == 302
    field = PlanField.objects.get()
    assert (field.label, field.applies_to, field.kind, field.public) == ("Directorate", "action", "short", False)
    page = client.get(reverse("plan-fields", args=[world.plan.slug])).content.decode()
    assert "Directorate" in page and "Which directorate leads" in page and "Fields of the plan's actions" in page


def test_bad_input_is_shown_again_as_typed(client, world):
    add(world, "Directorate")
    client.force_login(world.manager)
    response = client.post(
        reverse("plan-field-add", args=[world.plan.slug]),
        {"applies_to": "action", "label": "directorate", "kind": "short", "help_text": "typed", "public": "no"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "already has a field called directorate" in page
    assert 'value="directorate"' in page and "typed" in page
    response = client.post(reverse("plan-field-add", args=[world.plan.slug]), {"label": ""})
    assert response.status_code == 400
    assert "Choose whether this is a field of areas or actions" in response.content.decode()


def test_reorder_and_edit(client, world):
    directorate, section = add(world, "Directorate"), add(world, "Section")
    client.force_login(world.manager)
    response = client.post(reverse("plan-field-move", args=[section.pk]), {"direction": "up", "version": "1"})
    assert response.status_code == 302
    assert [f.label for f in PlanField.objects.order_by("order")] == ["Section", "Directorate"]
    directorate.refresh_from_db()  # moved one place later: a new version
    response = client.post(
        reverse("plan-field-edit", args=[directorate.pk]),
        {"label": "Directorate", "kind": "long", "public": "yes", "help_text": "", "version": directorate.version},
    )
    assert response.status_code == 302
    directorate.refresh_from_db()
    assert (directorate.kind, directorate.public) == ("long", True)


def test_a_stale_field_edit_is_refused_with_409(client, world):
    directorate = add(world, "Directorate")
    client.force_login(world.manager)
    data = {"label": "Directorate", "kind": "short", "help_text": "", "version": "1", "public": "no"}
    assert client.post(reverse("plan-field-edit", args=[directorate.pk]), {**data, "public": "yes"}).status_code == 302
    response = client.post(reverse("plan-field-edit", args=[directorate.pk]), {**data, "label": "Directorates"})
    assert response.status_code == 409
    assert "Someone else has changed this" in response.content.decode()
    directorate.refresh_from_db()
    assert directorate.label == "Directorate"


def test_removing_a_field_with_values_asks_first_and_says_how_many_go(client, world):
    directorate = add(world, "Directorate")
    for action in (world.alice_action, world.bob_action):
        own_values_save(record=action, texts={directorate.pk: "Education"}, versions={}, by=world.manager)
    client.force_login(world.manager)
    url = reverse("plan-field-remove", args=[directorate.pk])
    page = client.get(url).content.decode()
    assert "2 actions hold a value under Directorate" in page and "Remove the field and its 2 values" in page
    assert PlanFieldValue.objects.count() == 2
    assert client.post(url, {"version": "1"}).status_code == 302
    assert not PlanField.objects.exists() and not PlanFieldValue.objects.exists()


def test_values_on_the_action_page_in_the_plans_order(client, world):
    section = add(world, "Section")
    criteria = add(world, "Success criteria", kind="long")
    directorate = add(world, "Directorate")
    own_values_save(
        record=world.alice_action,
        texts={directorate.pk: "Children's Services", criteria.pk: "First line\nSecond line", section.pk: ""},
        versions={},
        by=world.manager,
    )
    client.force_login(world.member)
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert page.index("Section") < page.index("Success criteria") < page.index("Directorate")
    assert "First line\nSecond line" in page and "Children&#x27;s Services" in page
    assert reverse("action-own-fields", args=[world.alice_action.pk]) not in page  # a board member only reads
    client.force_login(world.alice)
    assert (
        reverse("action-own-fields", args=[world.alice_action.pk])
        in client.get(world.alice_action.get_absolute_url()).content.decode()
    )


def test_a_lead_edits_their_actions_values_and_a_stale_edit_names_who(client, world):
    directorate = add(world, "Directorate")
    url = reverse("action-own-fields", args=[world.alice_action.pk])
    client.force_login(world.alice)
    form = client.get(url).content.decode()
    assert "Directorate" in form and f'name="version_{directorate.pk}"' in form
    assert (
        client.post(url, {f"field_{directorate.pk}": "Education", f"version_{directorate.pk}": "0"}).status_code == 302
    )
    assert record_values(world.alice_action)[0].text == "Education"
    # The manager changes it meanwhile; Alice's next save, from the version she loaded, is refused.
    own_values_save(
        record=world.alice_action, texts={directorate.pk: "Health"}, versions={directorate.pk: 1}, by=world.manager
    )
    response = client.post(url, {f"field_{directorate.pk}": "Children's", f"version_{directorate.pk}": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed Directorate" in page and "Health" in page and 'value="Children&#x27;s"' in page
    assert f'name="version_{directorate.pk}" value="2"' in page  # submitting again saves
    assert record_values(world.alice_action)[0].text == "Health"


def test_a_short_value_with_two_lines_is_shown_again_with_the_reason(client, world):
    directorate = add(world, "Directorate")
    client.force_login(world.manager)
    response = client.post(
        reverse("action-own-fields", args=[world.alice_action.pk]),
        {f"field_{directorate.pk}": "One\nTwo", f"version_{directorate.pk}": "0"},
    )
    assert response.status_code == 400 and "keep it to one line" in response.content.decode()
    assert not PlanFieldValue.objects.exists()


def test_area_values_are_the_managers_to_edit(client, world):
    criteria = add(world, "Success criteria", applies_to="area", kind="long")
    url = reverse("area-own-fields", args=[world.area.pk])
    client.force_login(world.alice)
    assert client.get(url).status_code == 403
    client.force_login(world.manager)
    response = client.post(url, {f"field_{criteria.pk}": "Families heard", f"version_{criteria.pk}": "0"})
    assert response.status_code == 302
    assert "Families heard" in client.get(world.area.get_absolute_url()).content.decode()


def test_the_action_list_filters_on_short_fields_and_the_csv_has_them(client, world):
    directorate = add(world, "Directorate")
    criteria = add(world, "Success criteria", kind="long")
    for action, text in [
        (world.alice_action, "Education"),
        (world.bob_action, "Health"),
        (world.shared_action, "Health"),
    ]:
        own_values_save(
            record=action, texts={directorate.pk: text, criteria.pk: "Long\ntext"}, versions={}, by=world.manager
        )
    client.force_login(world.member)
    url = reverse("action-list")
    page = client.get(url, {"plan": world.plan.pk}).content.decode()
    assert f'name="field_{directorate.pk}"' in page and '<option value="Health">Health</option>' in page
    assert f'name="field_{criteria.pk}"' not in page  # long text is not a filter
    assert f'name="field_{directorate.pk}"' not in client.get(url).content.decode()  # no plan chosen: no own filters
    shown = client.get(url, {"plan": world.plan.pk, f"field_{directorate.pk}": "Health"}).context["page"].object_list
    assert sorted(a.ref for a in shown) == ["1.2", "1.3"]
    csv_text = client.get(url, {"plan": world.plan.pk, "format": "csv"}).content.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(csv_text))
    assert header[-1] == "Directorate" and "Success criteria" not in header
    cells = {row[2]: row[-1] for row in rows}
    assert cells == {"1.1": "Education", "1.2": "Health", "1.3": "Health", "1.4": ""}
    # A value not in use is refused as a choice, never a 500.
    assert client.get(url, {"plan": world.plan.pk, f"field_{directorate.pk}": "Nope"}).status_code == 200


def test_a_stale_removal_or_move_is_refused_and_changes_nothing(client, world):
    directorate, section = add(world, "Directorate"), add(world, "Section")
    client.force_login(world.manager)
    client.post(
        reverse("plan-field-edit", args=[directorate.pk]),
        {"label": "Directorate (lead)", "kind": "short", "public": "no", "help_text": "", "version": "1"},
    )
    response = client.post(reverse("plan-field-remove", args=[directorate.pk]), {"version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else has changed this" in page and "Directorate (lead)" in page
    assert PlanField.objects.filter(pk=directorate.pk).exists()
    response = client.post(reverse("plan-field-move", args=[directorate.pk]), {"direction": "down", "version": "1"})
    assert response.status_code == 302
    assert "changed Label" in client.get(response["Location"]).content.decode()
    assert [f.label for f in PlanField.objects.order_by("order")] == ["Directorate (lead)", "Section"]
    assert section.order == 1
