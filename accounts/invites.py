"""Inviting the person in a post to sign in, and ending a leaver's access (docs/people.md).

An invitation creates (or links) the user account for a post (an Officer), gives it a role, and emails a link to
set a password. The link carries a token from InviteTokenGenerator: it runs out after PASSWORD_RESET_TIMEOUT and
works once, because setting the password changes what the token was made from.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.security_log import log_event
from actions.locking import save_versioned
from actions.models import Officer
from actions.permissions import Role
from actions.services import current_holder
from sendplan.mail import EmailNotSent, Kind, Message

User = get_user_model()


class InviteTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens with their own salt (a reset token is no invitation, and the reverse), made from the
    password, the last sign-in, the email and whether the account is active: setting the password, signing in,
    or deactivating the account each spends every link sent before."""

    key_salt = "accounts.invites.InviteTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


invite_tokens = InviteTokenGenerator()


def invite_path(user) -> str:
    return link_path(user, "set-password", invite_tokens)


def invited_user(uidb64: str, token: str):
    """The account a set-password link is for, or None when the link is garbled, used, run out or for an account
    that has since been deactivated."""
    return link_user(uidb64, token, invite_tokens)


def link_path(user, url_name: str, tokens: PasswordResetTokenGenerator) -> str:
    """The path of a one-time link for `user` to the page `url_name` (an invitation's, a password reset's)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(url_name, args=[uid, tokens.make_token(user)])


def link_user(uidb64: str, token: str, tokens: PasswordResetTokenGenerator):
    """The active account a one-time link made by `tokens` is for, or None when the link is garbled, used, run
    out, made by another generator or for an account since deactivated."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not tokens.check_token(user, token):
        return None
    return user


def invite_errors(*, officer: Officer, email: str, role: str, existing) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        EmailValidator()(email)
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.org."
    if role not in Role._value2member_map_:
        errors["role"] = "Select the role the person will have."
    if existing is not None and not errors:
        if existing.is_superuser:
            # A programme manager must not be able to take over (or later deactivate) an administrator's account.
            errors["email"] = "That address belongs to an administrator's account: ask an administrator to link it."
        elif Officer.objects.filter(user=existing).exclude(pk=officer.pk).exists():
            errors["email"] = "That address belongs to an account already linked to another post."
    return errors


def _account_for(officer: Officer, email: str):
    """The account the invitation is for: the post's own, else an account with that address, else None (new)."""
    if officer.user is not None:
        return officer.user
    return (
        User.objects.filter(email__iexact=email).order_by("pk").first()
        or User.objects.filter(username__iexact=email).order_by("pk").first()
    )


def _split_name(person_name: str) -> tuple[str, str]:
    first, _, last = person_name.strip().partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def officer_invite(*, officer: Officer, email: str, role: Role | str, by, expected_version: int):
    """Create or link the user account for `officer`'s post with `role`, and email its holder a one-time link to
    set a password. The post's email becomes `email`. An account deactivated as a leaver's is active again (the
    person is back). Refuses a stale edit of the post (StaleEditError). Returns the account."""
    email = email.strip()
    existing = _account_for(officer, email)
    errors = invite_errors(officer=officer, email=email, role=str(role), existing=existing)
    if errors:
        raise ValidationError(errors)
    user = existing
    if user is None:
        first, last = _split_name(officer.person_name)
        # The email is the username: people remember it, and it is unique as long as addresses are.
        user = User(username=email.lower()[:150], email=email, first_name=first, last_name=last)
        user.set_unusable_password()
    user.email, user.is_active = email, True
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    officer.user, officer.email = user, email
    officer._change_reason = "Invited to sign in"
    save_versioned(officer, expected_version=expected_version, by=by)
    # The current holder carries the account too (who acts for the post now).
    holder = current_holder(officer)
    if (holder.user_id, holder.email) != (user.pk, email):
        holder.user, holder.email = user, email
        holder.version += 1
        holder.updated_at = timezone.now()
        holder._history_user = by
        holder.save()
    try:
        invite_message(officer, user).send()
    except EmailNotSent as error:
        # Nothing is kept (the transaction rolls back): the manager tries again once email works.
        raise ValidationError(
            {"email": "The invitation could not be sent: the email service did not answer. Try again later."}
        ) from error
    log_event("user_invited", user_id=by.pk, invited_user_id=user.pk, role=str(role))
    return user


def invite_message(officer: Officer, user) -> Message:
    link = f"{settings.SENDPLAN_SITE_URL}{invite_path(user)}"
    context = {
        "officer": officer,
        "user": user,
        "link": link,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "local_area": settings.SENDPLAN_LOCAL_AREA,
    }
    personalisation = {
        "name": user.first_name or user.get_username(),
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "local_area": settings.SENDPLAN_LOCAL_AREA,
        "post": officer.post_title,
        "organisation": officer.organisation.name,
        "link": link,
        "hours": str(context["hours"]),
        "username": user.get_username(),
    }
    return Message(
        kind=Kind.INVITE,
        to=user.email,
        personalisation=personalisation,
        subject=f"{settings.SENDPLAN_BRAND_NAME}: set your password to sign in",
        body=email_text("accounts/email/invite.txt", context),
        html=render_to_string("accounts/email/invite.html", context),
    )


def email_text(template: str, context: dict) -> str:
    # The text templates keep their tags on their own lines for legibility; squeeze the blank lines that leaves.
    return re.sub(r"\n{3,}", "\n\n", render_to_string(template, context)).strip() + "\n"


@transaction.atomic
def password_set(*, user, password: str) -> None:
    """Set the invited person's password (already checked against the validators by the form). The link that
    brought them is spent: the token was made from the old password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    log_event("password_set", user_id=user.pk)


def deactivate_errors(*, user, by) -> str:
    if user is None:
        return "No sign-in account is linked to this post."
    if user.pk == by.pk:
        return "You cannot deactivate your own account. Ask another programme manager."
    if user.is_superuser:
        return "That account is an administrator's: only an administrator can deactivate it."
    if not user.is_active:
        return "That account is already deactivated."
    return ""


@transaction.atomic
def user_deactivate(*, officer: Officer, by) -> None:
    """A leaver's account stops working now: it cannot sign in, every session it has is ended, and links sent to
    it are spent. Their updates, comments and history stay, naming them; the post stays, for a handover."""
    user = officer.user
    refusal = deactivate_errors(user=user, by=by)
    if refusal:
        raise ValidationError(refusal)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    log_event("user_deactivated", user_id=by.pk, deactivated_user_id=user.pk, sessions_ended=ended)


def end_sessions(user) -> int:
    """Delete every unexpired session signed in as `user` (an inactive account is refused on its next request
    anyway; this also frees the rows). Sessions are keyed by their own id, so each is decoded to find its user."""
    key = str(user.pk)
    stale = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == key
    ]
    Session.objects.filter(session_key__in=stale).delete()
    return len(stale)
