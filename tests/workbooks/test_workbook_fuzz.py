"""Feed the importer many malformed workbooks: it must refuse each with named problems (or import it whole) and
never leave the database half-changed or raise."""

import io
import random

import pytest

from actions.models import Action, Officer, Organisation, Plan, ProgressUpdate, ReportingPeriod
from kpis.models import Kpi, Measurement
from risks.models import Risk
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.importer import import_workbook

JUNK = [
    None,
    "",
    " ",
    "???",
    "=1+1",
    "Spring",
    "31/02/2020",
    "13/13/2013",
    "A/G",
    "0",
    "-5",
    "99",
    "N/A",
    "😀",
    "x" * 600,
    3.5,
    10**12,
    "(unclosed",
    "Head of SEND (",
    "1900-01-01",
    "Q3",
    "&&&",
    "/",
    ";",
    "\n\n",
    "TBC",
    '=HYPERLINK("http://evil.example","x")',
]


def state():
    models = [Plan, Action, Officer, Organisation, ProgressUpdate, ReportingPeriod, Kpi, Measurement, Risk]
    return [m.objects.count() for m in models] + [Plan.history.count(), Action.history.count()]


def mutate(rng: random.Random) -> dict:
    sheets = oxfordshire_tracker()
    for _ in range(rng.randint(1, 4)):
        title = rng.choice(list(sheets))
        rows = sheets[title]
        kind = rng.random()
        if kind < 0.6 and len(rows) > 1:
            row = rng.choice(rows[1:])
            row[rng.randrange(len(row))] = rng.choice(JUNK)
        elif kind < 0.75:
            rows[0][rng.randrange(len(rows[0]))] = rng.choice(["", "Mystery", "Ref", "action"])
        elif kind < 0.85:
            del sheets[title]
            if not sheets:
                sheets["Empty"] = [[None]]
        else:
            rows.append([rng.choice(JUNK) for _ in rows[0]])
    return sheets


@pytest.mark.parametrize("seed", range(40))
def test_malformed_workbooks_never_half_import(db, seed):
    from actions.permissions import Role
    from tests.factories import make_user

    user = make_user("fuzz", Role.PROGRAMME_MANAGER)
    before = state()
    result = import_workbook(workbook(mutate(random.Random(seed))), by=user, dry_run=False)
    if result.ok:
        assert result.applied and state() != before  # a workbook that is still valid imports whole
    else:
        assert state() == before
        assert all(p.reason for p in result.problems)


def test_a_file_that_is_not_a_workbook_is_refused(db):
    result = import_workbook(io.BytesIO(b"not a zip"), by=None, dry_run=False)
    assert [p.sheet for p in result.problems] == ["(file)"]
