"""Settings for the test suite: the real settings plus what only tests need."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# The test client and live servers speak plain http; production settings are checked by
# tests/sendplan/test_deploy_settings.py.
os.environ.setdefault("SENDPLAN_HTTPS", "0")
# Most tests sign in with a password only; tests/accounts/test_two_factor.py turns two-factor on where it is the
# subject.
os.environ.setdefault("SENDPLAN_TWO_FACTOR", "0")
# Playwright's sync API runs an event loop in the test thread; Django's async-safety check would refuse the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sendplan.settings import *  # noqa: E402,F403
from sendplan.settings import CACHES, INSTALLED_APPS, STORAGES  # noqa: E402

# The benchmarks (seed_bench, bench, bench_weasyprint: docs/benchmarks.md), which `make bench` runs under these
# settings: no models, and one page, the floor, which only the benchmarks' own URLconf serves (benchmarks/urls.py,
# switched to by `manage.py bench`), never sendplan.urls. Not in production: a server has no use for them, and their
# load test needs locust, which the runtime lock leaves out.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]

# The manifest storage needs collectstatic first; tests serve static files straight from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins; tests only
# A test's transaction is rolled back, never committed, so the data-version token (actions.data_version) does not
# change within a test and a cached dashboard would outlive the test's own edits. Tests of the cache turn it back
# on, with committed transactions: tests/governance/test_page_cache.py.
CACHES = {
    **CACHES,
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "pages_shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
# Nothing is cached, so nothing to build ahead; the tests of the warmers turn them on (tests/sendplan).
SENDPLAN_PAGE_WARMERS = []
# Evidence files a test stores (the demo's included) go to a folder of the run's own, never the checkout's media/.
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sendplan-test-media-"))  # noqa: F405
