"""Sign in with your organisation: OpenID Connect providers (docs/decisions/0027-organisation-sign-in.md)."""
