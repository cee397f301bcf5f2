"""Every CSV download starts with a UTF-8 byte order mark, so Excel shows "£" and "é" rather than "Â£" (and the
formula guard still applies). One test per CSV address."""

import csv
import io

from django.urls import reverse

BOM = b"\xef\xbb\xbf"


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)
    assert not content[len(BOM) :].startswith(BOM)  # one mark, not one per write
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8"))))


def test_the_action_list_csv_starts_with_a_byte_order_mark(client, world):
    world.alice_action.text = "Fund £250,000 of extra places for Zoë's cohort"
    world.alice_action.save()
    client.force_login(world.chair)
    response = client.get(reverse("action-list"), {"format": "csv"})
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[0][0] == "Plan"
    assert "Fund £250,000 of extra places for Zoë's cohort" in [row[3] for row in rows]


def test_the_plan_actions_csv_starts_with_a_byte_order_mark(client, world):
    world.alice_action.text = '=HYPERLINK("http://evil.example","£")'
    world.alice_action.save()
    client.force_login(world.chair)
    response = client.get(reverse("plan-export", args=[world.plan.slug, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response.content)
    assert rows[0][:3] == ["area", "outcome", "ref"]
    # The formula guard stays: Excel reads the cell as text.
    assert '\'=HYPERLINK("http://evil.example","£")' in [row[3] for row in rows]


def test_the_command_line_csv_is_utf8_with_a_byte_order_mark(world, tmp_path):
    from django.core.management import call_command

    world.alice_action.text = "Fund £250,000"
    world.alice_action.save()
    out = tmp_path / "actions.csv"
    call_command("export_plan", world.plan.slug, "--out", str(out), stdout=io.StringIO())
    assert "Fund £250,000" in [row[3] for row in _rows(out.read_bytes())]
