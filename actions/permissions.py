"""Who may read and write what, enforced on the server for every record.

Roles are Django groups. Everyone with a role reads every plan; writes are per record:
a SEND lead writes only the actions they lead (an agency lead: every action led from their organisation),
a programme manager writes everything. A record outside the user's write scope answers 404, exactly like a
missing one; a read-only user asking to write gets 403.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.security_log import log_event
from actions.models import Action


class Role(StrEnum):
    SEND_LEAD = "SEND lead"
    PROGRAMME_MANAGER = "Programme manager"
    BOARD_MEMBER = "Board member"
    BOARD_CHAIR = "Board chair"
    COMMS_OFFICER = "Comms officer"
    PCF_REPRESENTATIVE = "PCF representative"
    ADVISER = "Adviser"


ALL_ROLES = list(Role)
WRITING_ROLES = {Role.SEND_LEAD, Role.PROGRAMME_MANAGER}


def user_roles(user) -> frozenset[Role]:
    """The user's roles, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_sendplan_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached = cached | {Role.PROGRAMME_MANAGER}
        user._sendplan_roles = cached
    return cached


def require_reader(user) -> None:
    """Every page needs a role; a logged-in account with none (e.g. a leaver's) sees nothing."""
    if not user_roles(user):
        raise PermissionDenied("Your account has no role in this plan yet. Ask the programme manager.")


def can_manage_plans(user) -> bool:
    """Programme managers start, roll forward and maintain plans."""
    return Role.PROGRAMME_MANAGER in user_roles(user)


def require_plan_manager(
    user, why: str = "Only the programme manager can start a new plan. Ask them to roll this plan forward."
) -> None:
    """Programme managers only: anyone else with a role is refused (403) with `why`, the page's own reason."""
    require_reader(user)
    if not can_manage_plans(user):
        raise PermissionDenied(why)


def user_officer(user):
    # A user with no officer record raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "officer", None)


def writable_actions(user) -> QuerySet[Action]:
    """The actions this user may update. Programme managers: all; SEND leads: theirs (or their agency's)."""
    roles = user_roles(user)
    if Role.PROGRAMME_MANAGER in roles:
        return Action.objects.all()
    officer = user_officer(user)
    if Role.SEND_LEAD not in roles or officer is None:
        return Action.objects.none()
    scope = Q(leads=officer)
    if officer.is_agency_lead:
        scope |= Q(leads__organisation_id=officer.organisation_id)
    return Action.objects.filter(pk__in=Action.objects.filter(scope).values("pk"))


def can_write_action(user, action: Action) -> bool:
    return writable_actions(user).filter(pk=action.pk).exists()


def can_write_owned(user, owner_id: int | None) -> bool:
    """Records with one owning officer (KPIs, risks): programme managers write all, a SEND lead writes their own."""
    roles = user_roles(user)
    if Role.PROGRAMME_MANAGER in roles:
        return True
    officer = user_officer(user)
    return Role.SEND_LEAD in roles and officer is not None and owner_id == officer.pk


def log_out_of_scope(user, model, pk) -> None:
    """Log a write refused because the record is outside the user's scope. The user is answered 404, exactly as
    for a missing record; the security log still tells the two apart."""
    log_event("authorisation_refused", user_id=user.pk, reason="out_of_scope", record=model._meta.label, record_id=pk)


def get_owned_for_user(user, queryset: QuerySet, pk: int, *, write: bool = False):
    """The access check for owned records, as for actions: 404 if missing or not the user's to change, 403 if the
    user's role only reads."""
    require_reader(user)
    try:
        record = queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404(f"No such {queryset.model._meta.verbose_name}") from None
    if write:
        if not (user_roles(user) & WRITING_ROLES):
            raise PermissionDenied("Your role can read this plan but not change it.")
        if not can_write_owned(user, record.owner_id):
            log_out_of_scope(user, queryset.model, pk)
            raise Http404(f"No such {queryset.model._meta.verbose_name}")
    return record


def get_action_for_user(user, pk: int, *, write: bool = False, queryset: QuerySet[Action] | None = None) -> Action:
    """The one access check for actions: 404 if missing or outside the write scope, 403 if read-only."""
    require_reader(user)
    unscoped = queryset if queryset is not None else Action.objects.all()
    base = unscoped
    if write:
        if not (user_roles(user) & WRITING_ROLES):
            raise PermissionDenied("Your role can read this plan but not change it.")
        base = unscoped.filter(pk__in=writable_actions(user).values("pk"))
    try:
        return base.get(pk=pk)
    except Action.DoesNotExist:
        # The user sees a missing page either way; the security log tells a refusal from a mistyped address.
        if write and unscoped.filter(pk=pk).exists():
            log_out_of_scope(user, Action, pk)
        raise Http404("No such action") from None


def action_write_refusal(user, action: Action) -> str:
    """Why `user` may not update `action`, or '' if they may.

    Every role reads every action, so a refused update of an action that exists says why (403) rather than
    answering as if the action were missing."""
    if not (user_roles(user) & WRITING_ROLES):
        return "Your role can read this plan but not change it."
    if not can_write_action(user, action):
        leads = ", ".join(str(officer) for officer in action.leads.all()) or "no one yet"
        return f"You do not lead action {action.ref}, so you cannot update it. Its leads are: {leads}."
    return ""


def require_people_manager(user) -> None:
    """A plan's people (organisations, posts, their holders' sign-in accounts) are the programme manager's."""
    require_plan_manager(user, "Only the programme manager can change a plan's organisations, posts and accounts.")
