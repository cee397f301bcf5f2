"""Writes for a plan's people: the organisations working on it and their posts (officers).

Kept apart from actions/services.py (past 800 lines) as its own concern: who works on a plan. Handing a post over
and correcting a name stay with post holders in actions/services.py (decision 0023); user accounts (invites, leavers)
are accounts' (accounts/services.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from actions.locking import claim_version, save_versioned
from actions.models import Officer, Organisation, Plan, PostHolder
from actions.selectors import plan_organisation_ids
from actions.services import current_holder


def organisation_errors(*, name: str, kind: str, organisation: Organisation | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the organisation's full name."
    elif organisation is not None:
        clash = Organisation.objects.filter(name__iexact=name.strip()).exclude(pk=organisation.pk).first()
        if clash is not None:
            errors["name"] = f"Another organisation is already called {clash.name}."
    if kind not in Organisation.Kind.values:
        errors["kind"] = "Select what kind of organisation it is."
    return errors


@transaction.atomic
def organisation_add(*, plan: Plan, name: str, short_name: str, kind: str, by) -> tuple[Organisation, bool]:
    """Add an organisation to `plan`'s partners, returning it and whether it is new. Names are unique across local
    areas, so a name already recorded (in any capitals) is that organisation: it joins the plan as it is, rather
    than refusing a manager who cannot see other areas' organisations."""
    errors = organisation_errors(name=name, kind=kind)
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
    created = organisation is None
    if created:
        organisation = Organisation(name=name.strip(), short_name=short_name.strip(), kind=kind)
        save_versioned(organisation, expected_version=1, by=by)
    plan._history_user = by  # the partners are in the plan's history (m2m_fields)
    plan.partner_organisations.add(organisation)
    return organisation, created


@transaction.atomic
def organisation_edit(
    *, organisation: Organisation, name: str, short_name: str, kind: str, by, expected_version: int
) -> Organisation:
    """Rename or re-classify an organisation; every plan it works on shows the change. Refuses a stale edit."""
    errors = organisation_errors(name=name, kind=kind, organisation=organisation)
    if errors:
        raise ValidationError(errors)
    organisation.name, organisation.short_name, organisation.kind = name.strip(), short_name.strip(), kind
    save_versioned(organisation, expected_version=expected_version, by=by)
    return organisation


def officer_errors(*, plan: Plan, post_title: str, organisation: Organisation | None, email: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not post_title.strip():
        errors["post_title"] = "Enter the post's title, for example Head of SEND."
    if organisation is None:
        errors["organisation"] = "Select the organisation the post belongs to."
    elif organisation.pk not in plan_organisation_ids(plan):
        # Pickers offer only the plan's organisations; a hand-made POST naming another area's is refused here.
        errors["organisation"] = "Select one of the organisations working on this plan."
    if email.strip():
        try:
            EmailValidator()(email.strip())
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org."
    return errors


@transaction.atomic
def officer_add(
    *,
    plan: Plan,
    post_title: str,
    person_name: str,
    organisation: Organisation | None,
    email: str,
    name_publishable: bool,
    is_agency_lead: bool,
    by,
) -> Officer:
    """Add a post to one of `plan`'s organisations, with the person in it from today (its first holder)."""
    errors = officer_errors(plan=plan, post_title=post_title, organisation=organisation, email=email)
    if errors:
        raise ValidationError(errors)
    officer = Officer(
        post_title=post_title.strip(),
        person_name=person_name.strip(),
        organisation=organisation,
        email=email.strip(),
        name_publishable=name_publishable,
        is_agency_lead=is_agency_lead,
    )
    save_versioned(officer, expected_version=1, by=by)
    holder = PostHolder(
        officer=officer, person_name=officer.person_name, email=officer.email, started_on=timezone.localdate()
    )
    holder.full_clean()
    holder._history_user = by
    holder.save()
    return officer


@transaction.atomic
def officer_edit(
    *,
    plan: Plan,
    officer: Officer,
    post_title: str,
    organisation: Organisation | None,
    email: str,
    name_publishable: bool,
    is_agency_lead: bool,
    by,
    expected_version: int,
) -> Officer:
    """Change a post's title, organisation (one of `plan`'s), email and publishing and agency-lead flags. The
    person's name is not changed here: a new person is a handover, a misspelling a correction (decision 0023), and
    both keep who gave each past update right. Refuses a stale edit (StaleEditError)."""
    errors = officer_errors(plan=plan, post_title=post_title, organisation=organisation, email=email)
    if errors:
        raise ValidationError(errors)
    email = email.strip()
    holder = current_holder(officer)
    claim_version(officer, expected_version=expected_version)
    if holder.email != email:
        # The email is the current holder's: past holders keep the address they had.
        holder.email = email
        holder.version += 1
        holder.updated_at = timezone.now()
        holder._history_user = by
        holder.full_clean()
        holder.save()
    officer.post_title, officer.organisation, officer.email = post_title.strip(), organisation, email
    officer.name_publishable, officer.is_agency_lead = name_publishable, is_agency_lead
    officer.updated_at = timezone.now()
    officer._history_user = by
    officer.full_clean()
    officer.save()
    return officer
