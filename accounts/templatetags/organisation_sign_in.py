from django import template

from accounts.oidc.views import sign_in_buttons_context

register = template.Library()


@register.inclusion_tag("accounts/_organisation_sign_in.html")
def organisation_sign_in_buttons(next_url: str = ""):
    """The sign-in page's "Sign in with <organisation>" links, one per configured provider (none: nothing)."""
    return sign_in_buttons_context(next_url)


@register.inclusion_tag("accounts/_organisation_sign_ins_waiting.html")
def organisation_sign_ins_waiting():
    """For the programme manager's people page: how many organisation sign-ins wait for a link (with providers
    configured; otherwise nothing, and no query)."""
    from accounts.oidc.selectors import pending_identities, providers

    if not providers():
        return {"waiting": None}
    return {"waiting": pending_identities().count()}
