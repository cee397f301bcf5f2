"""A real OpenID Connect provider for the organisation sign-in tests: django-oauth-toolkit's OIDC support in a
small Django project of its own, run by tests/accounts/conftest.py as a gunicorn process on a loopback port with
its own SQLite database and RSA key. Its /testing/ endpoints let a test register the app as a client and give each
person the claims (email, groups, amr) the test needs. It is never part of sendplan."""
