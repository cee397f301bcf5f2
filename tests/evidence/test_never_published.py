"""Evidence files are never part of a termly report's body (its web page on the Local Offer and the HTML its PDF is
made from), even one a programme manager has marked publishable: such a file is listed beside the published report,
outside its stored body (tests/reports/test_open_data.py)."""

from django.urls import reverse

from evidence.services import evidence_mark_publishable
from reports.services import report_create
from tests.evidence.helpers import attached, submitted_update


def test_the_report_leaves_out_evidence_files_even_publishable_ones(client, world):
    update = submitted_update(world)
    evidence = attached(update, by=world.alice, name="Panel attendance – named families.xlsx.pdf")
    evidence_mark_publishable(evidence=evidence, publishable=True, by=world.manager, expected_version=1)
    report = report_create(plan=world.plan, period=world.period, summary="The board's summary.", by=world.comms)
    client.force_login(world.comms)
    page = client.get(reverse("report-preview", args=[report.pk])).content.decode()
    assert "Panel dates agreed with schools." in page  # the update is in the report
    assert "Panel attendance" not in page
    assert reverse("evidence-download", args=[evidence.pk]) not in page
