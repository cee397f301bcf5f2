"""Who prepares, approves and reads termly reports.

Everyone with a role reads every report, drafts included (board members follow it through approval). The comms
officer (and the programme manager) prepares, submits and publishes; only the board chair approves or sends back,
so nobody approves their own work. The public reads published reports only, on the Local Offer pages.
"""

from django.core.exceptions import PermissionDenied

from actions.permissions import Role, require_reader, user_roles

PREPARING_ROLES = {Role.COMMS_OFFICER, Role.PROGRAMME_MANAGER}


def can_prepare(user) -> bool:
    return bool(user_roles(user) & PREPARING_ROLES)


def can_approve(user) -> bool:
    return Role.BOARD_CHAIR in user_roles(user)


def can_write_summary(user) -> bool:
    """The summary is the board's words: the chair may write it as well as the comms officer."""
    return can_prepare(user) or can_approve(user)


def require_preparer(user) -> None:
    require_reader(user)
    if not can_prepare(user):
        raise PermissionDenied("The comms officer prepares and publishes termly reports.")


def require_approver(user) -> None:
    require_reader(user)
    if not can_approve(user):
        raise PermissionDenied("Only the board chair approves termly reports.")


def require_summary_writer(user) -> None:
    require_reader(user)
    if not can_write_summary(user):
        raise PermissionDenied("The comms officer and the board chair write the report's summary.")
