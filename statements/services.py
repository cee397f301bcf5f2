from django.db import transaction

from actions.locking import save_versioned
from statements.defaults import default_body
from statements.models import Statement


@transaction.atomic
def statement_edit(*, kind: str, body: str, by, expected_version: int) -> Statement:
    """Save the new text of a public page, refused (StaleEditError) when someone saved it after the editor loaded it.

    A page nobody has edited has no row (statements.selectors.statement_for): its first edit creates it holding the
    shipped text at version 1, the version the editor loaded, so two first edits at once are told of each other
    like any two edits (get_or_create survives the second insert of the pair)."""
    statement, _ = Statement.objects.get_or_create(kind=kind, defaults={"body": default_body(kind)})
    statement.body = body
    save_versioned(statement, expected_version=expected_version, by=by)
    return statement
