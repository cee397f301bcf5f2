"""The action page is cached until plan data changes (sendplan.page_cache): adding or removing an evidence file is
such a change, so the evidence tables carry the data-version trigger."""

from django.db import connection

from actions.data_version import TRIGGER, data_tables


def test_the_evidence_tables_change_the_data_version(db):
    assert {"evidence_evidencefile", "evidence_historicalevidencefile"} <= set(data_tables())
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        triggered = {name.strip('"') for (name,) in cursor.fetchall()}
    assert {"evidence_evidencefile", "evidence_historicalevidencefile"} <= triggered
