"""Settings for sendplan, read from environment variables (listed in README.md).

SQLite is the embedded default (for `make demo`); production and the test suite use PostgreSQL via DATABASE_URL.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accounts.oidc.config import providers_from_env
from sendplan.env import env_bool, env_int, env_list, env_str
from sendplan.log_format import log_format_from_env
from sendplan.mail import CHANNELS, notify_settings_errors, template_setting
from sendplan.mail import Kind as MessageKind

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Outside DEBUG there is no default: a production server must be given its own key.
if not DEBUG and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DJANGO_DEBUG is off: set it to a long random string, e.g. the output of "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))', kept secret and the same on every app server"
    )
SECRET_KEY = env_str("SECRET_KEY", default="dev-only-insecure-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default="127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Full-text search (SearchVector, SearchQuery, SearchRank) for the search app on PostgreSQL; on SQLite the app
    # falls back to icontains and never touches it.
    "django.contrib.postgres",
    "csp",
    "django_filters",
    "simple_history",
    # Background jobs: the queue is a table in the app's database, served by `manage.py db_worker`.
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "actions",
    "kpis",
    "risks",
    "boards",
    "governance",
    "reports",
    "workbooks",
    # A plan's own fields (Directorate, Success criteria...): after actions, before nothing that needs it.
    "planfields",
    # Setting up a plan in the app (new plan, header, RAG key, areas, periods): no models, writes the actions app's.
    "planning",
    # Evidence files attached to progress updates (docs/evidence.md): after actions, which it builds on.
    "evidence",
    # The read-only API (/api/v1/) and its tokens (docs/api.md): reads every plan app, nothing imports it.
    "api",
    # Find things: the header's search box (docs/search.md). Reads actions, KPIs and risks; nothing imports it.
    "search",
    # The accessibility statement, privacy notice and cookies page (docs/statements.md): public, in every footer.
    "statements",
    # Sign-in throttling, two-factor and session rules (accounts app). axes before accounts: its receivers mark a
    # locked-out request before accounts logs the failed sign-in.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
]

MIDDLEWARE = [
    # First, so every response (redirects and errors included) and every log line of the request carry the id.
    "sendplan.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Gives request.user.is_verified(): whether this session has entered a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # One read of the data-version token per GET request, for all its cached parts (sendplan.page_cache).
    "sendplan.page_cache.PageTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user on every history row written during a request (admin edits included).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login is required everywhere except the login page and static files.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Idle timeout and absolute lifetime, then the two-factor code, then logging refused authorisations.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.SecurityEventMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

# axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "sendplan.urls"
WSGI_APPLICATION = "sendplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendplan.context_processors.brand",
                "sendplan.context_processors.navigation",
                "accounts.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's job worker writes beside runserver. WAL lets pages read while the worker writes; a writer waits
    # for the other (up to 20 s) rather than failing at once; IMMEDIATE takes the write lock when a transaction
    # begins, so two never deadlock trying to upgrade their read locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
# Django reads QuerySet.iterator() through a PostgreSQL server-side cursor (DECLARE ... WITH HOLD, FETCH, CLOSE:
# three round trips or more), and every <select> of records in a form (the filters on the action list, the
# scorecard, the risk register, the dashboard) iterates its choices that way. Those lists are tens or hundreds of
# rows, and nothing in the app streams a large result with iterator(): plain SELECTs are cheaper.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (docs/decisions/0014-background-jobs.md): enqueued into a table of the app's own database and run
# by `manage.py db_worker` processes, which `make demo` and `make serve` start beside the web server. Any number of
# workers on any number of machines share the queue: each claims a job with SELECT ... FOR UPDATE SKIP LOCKED.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Parts of pages that readers share (the board dashboard, an action's page for those with the same rights, the
    # action list per filter; {% shared_part %}), in each app process's own memory and keyed on a token the
    # database changes with every write to plan data (sendplan.page_cache): never stale, so the timeout only
    # returns memory. An action's page is about 40 KB and a 500-action dashboard 200 KB: 1,000 entries, one for
    # each action of a large plan and its lists, is some 50 MB at most per app process.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": env_int("SENDPLAN_PAGE_CACHE_SECONDS", default=3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("SENDPLAN_PAGE_CACHE_ENTRIES", default=1000)},
    },
    # Behind it, the same parts in a table of the app's own database, shared by every app process and worker on
    # every machine, so a part is built once for all of them, and the dashboard can be built by a worker right
    # after a write (SENDPLAN_PAGE_WARMERS). The table is made by migrate (actions/apps.py: createcachetable).
    "pages_shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sendplan_page_cache",
        "TIMEOUT": env_int("SENDPLAN_PAGE_CACHE_SECONDS", default=3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("SENDPLAN_PAGE_CACHE_SHARED_ENTRIES", default=5000)},
    },
    # Counts of recent requests that are limited per hour (forgotten-password links: accounts.password_reset), in a
    # table every app process shares, so a limit holds however many processes and servers there are. Also made by
    # migrate (createcachetable).
    # Room for many thousands of addresses: past MAX_ENTRIES Django deletes a third of the rows, counts included.
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sendplan_throttle",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

# GOV.UK Frontend's compiled CSS refers to /assets/fonts and /assets/images, so static files live at /assets/.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static" / "build",
    BASE_DIR / "static" / "js",
    BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str("STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
# Uploaded evidence files (docs/evidence.md), through Django's storage API: with the default FileSystemStorage, kept
# in this folder, which must never be served by the web server (there is no MEDIA_URL: every download goes through
# the app's permission check). Several app servers need a shared volume here, or object storage (docs/deployment.md).
MEDIA_ROOT = Path(env_str("SENDPLAN_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The largest evidence file a lead may attach, in megabytes.
SENDPLAN_EVIDENCE_MAX_BYTES = env_int("SENDPLAN_EVIDENCE_MAX_MB", default=10) * 1024 * 1024
if SENDPLAN_EVIDENCE_MAX_BYTES < 1:
    raise ImproperlyConfigured("SENDPLAN_EVIDENCE_MAX_MB must be 1 or more")
# In production (`make serve`) whitenoise serves collectstatic's output in STATIC_ROOT only: hashed names, cached
# for a year. Without collectstatic (make demo, tests: settings_test turns it on) it serves from the finders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# Branding of the local area running this instance.
SENDPLAN_BRAND_NAME = env_str("SENDPLAN_BRAND_NAME", default="SEND improvement plan")
SENDPLAN_LOCAL_AREA = env_str("SENDPLAN_LOCAL_AREA", default="Local area partnership")

# What later apps ask of a user on My actions: each a callable(request) -> {"template": ..., ...} or None.
SENDPLAN_MY_ACTIONS_PANELS = [
    "kpis.selectors.my_actions_panel",
    "risks.selectors.my_actions_panel",
    "boards.selectors.my_actions_panel",
    "governance.selectors.my_actions_panel",
    "reports.selectors.my_actions_panel",
]
# Sections later apps add to the daily digest (governance/reminders.py): each a callable(today) ->
# {officer id: DigestSection}.
SENDPLAN_DIGEST_SECTIONS = ["reports.selectors.digest_section"]
# Tabs later apps add to an action's page: each a callable(request, action) -> {"id", "title", "template", ...}.
SENDPLAN_ACTION_TABS = ["governance.views.action_tab"]
# Changes to what other apps hold about an action, listed in its History tab: callable(action) -> [FieldChange].
SENDPLAN_ACTION_HISTORY = ["planfields.selectors.action_history", "evidence.selectors.action_history"]
# Parts other apps add to the progress update form (actions.views.action_update): each a class taking
# (request, action=, update=) with .form, .template, .errors, is_valid() and save(update=, by=), saved with the
# update in one transaction (evidence: the files attached to it).
SENDPLAN_UPDATE_FORM_PARTS = ["evidence.views.UpdateEvidencePart"]
# Filters and CSV columns other apps add to the action list: callable(query data) -> {name: django-filter Filter},
# and callable(actions queryset) -> (headers, {action id: cells}).
SENDPLAN_ACTION_LIST_FILTERS = ["planfields.filters.own_field_filters"]
SENDPLAN_ACTION_CSV_COLUMNS = ["planfields.filters.action_csv_columns"]
# Columns other apps add to an area's sheet of actions (actions.sheet): each a class built with the plan, whose
# columns are read, checked and saved with the rows (planfields: the plan's own action fields).
SENDPLAN_SHEET_COLUMNS = ["planfields.sheet.OwnFieldColumns"]
# Tasks queued with the new data-version token after every write to plan data, to build cached pages before anyone
# asks for them (sendplan.page_cache): each plan's board dashboard and scorecard, the pages a board opens after a
# round of updates.
SENDPLAN_PAGE_WARMERS = ["governance.tasks.warm_dashboards", "kpis.tasks.warm_scorecards"]
# Demo data for later apps: each a callable(context) run after a demo plan is loaded (see actions/demo.py).
SENDPLAN_DEMO_EXTENSIONS = [
    "kpis.demo.load_plan_kpis",
    "risks.demo.load_plan_risks",
    "planfields.demo.load_plan_fields",
]
# ... and those that need the demo users (who challenge, comment, attend): each a callable(new plans).
SENDPLAN_DEMO_AFTER_USERS = [
    "boards.demo.load_demo_boards",
    "governance.demo.load_demo_governance",
    # After governance: the reports include the co-production comments.
    "reports.demo.load_demo_reports",
    "evidence.demo.load_demo_evidence",
]

# Which channel every email goes out on (sendplan/mail.py): console (printed, for development), smtp (Django's
# EMAIL_BACKEND, an SMTP server by default) or notify (GOV.UK Notify's API, with a template per kind of message).
SENDPLAN_EMAIL_CHANNEL = env_str("SENDPLAN_EMAIL_CHANNEL", default="console").strip().lower()
if SENDPLAN_EMAIL_CHANNEL not in CHANNELS:
    raise ImproperlyConfigured(f"SENDPLAN_EMAIL_CHANNEL is console, smtp or notify, not {SENDPLAN_EMAIL_CHANNEL!r}")
# An EMAIL_BACKEND set in the environment wins, as before the channel setting existed (docs/reminders.md).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if SENDPLAN_EMAIL_CHANNEL == "smtp"
    else "django.core.mail.backends.console.EmailBackend",
)
# For the SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); see docs/reminders.md.
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", default="25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="sendplan <noreply@localhost>")
# GOV.UK Notify (SENDPLAN_EMAIL_CHANNEL=notify; docs/deployment.md, "Email through GOV.UK Notify"): the API key, the
# API's address (a test's local fake points it elsewhere) and the template for each kind of message.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk").rstrip("/")
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", default=10)
NOTIFY_TEMPLATES = {kind.value: env_str(template_setting(kind), default="").strip() for kind in MessageKind}
if SENDPLAN_EMAIL_CHANNEL == "notify":
    # Refused at start-up, not hours later when the reminders run and every email fails.
    _notify_errors = notify_settings_errors(api_key=NOTIFY_API_KEY, templates=NOTIFY_TEMPLATES)
    if _notify_errors:
        raise ImproperlyConfigured("GOV.UK Notify is not set up: " + "; ".join(_notify_errors))
# Emails (reminders) carry absolute links: the address people reach this instance at, without a trailing slash.
SENDPLAN_SITE_URL = env_str("SENDPLAN_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A workbook with more data rows than this is checked and imported by background jobs, with a progress page, rather
# than in the request (docs/import.md): the importer takes about a second per hundred rows.
SENDPLAN_IMPORT_BACKGROUND_ROWS = env_int("SENDPLAN_IMPORT_BACKGROUND_ROWS", default=150)
# A tracker's mapping page posts three fields per column of every sheet: a tracker with a sheet for each of 20 areas
# and 15 columns on each is 900 and more. Django's default of 1,000 would refuse the page as a bad request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A running background job whose worker has been silent this long (it beats every second) was lost: killed, or its
# machine gone. Its page then says so and offers Try again (jobs/services.py).
SENDPLAN_JOB_LOST_SECONDS = env_int("SENDPLAN_JOB_LOST_SECONDS", default=60)
# The daily reminder emails go out at this local time (HH:MM), sent by a background job that schedules the next
# day's run itself (governance/schedule.py, docs/reminders.md). "off" leaves them to `manage.py send_reminders`.
SENDPLAN_REMINDERS_AT = env_str("SENDPLAN_REMINDERS_AT", default="07:00").strip().lower()
if SENDPLAN_REMINDERS_AT != "off" and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", SENDPLAN_REMINDERS_AT):
    raise ImproperlyConfigured(f"SENDPLAN_REMINDERS_AT is a time of day (HH:MM) or off, not {SENDPLAN_REMINDERS_AT!r}")

# Hardening (docs/security.md, "Settings and headers"). SENDPLAN_HTTPS says the site is reached over HTTPS: on by
# default outside DEBUG; off only to serve plain http on loopback (tests, benchmarks, `make serve` on a laptop).
SENDPLAN_HTTPS = env_bool("SENDPLAN_HTTPS", default=not DEBUG)
SENDPLAN_BEHIND_PROXY = env_bool("SENDPLAN_BEHIND_PROXY", default=False)
if SENDPLAN_BEHIND_PROXY:
    # TLS ends at the proxy or load balancer, which must set this header (and strip any the client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SENDPLAN_HTTPS
# Load balancers probe over plain http; the pattern is matched against the path without its leading slash.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SENDPLAN_HTTPS
CSRF_COOKIE_SECURE = SENDPLAN_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if SENDPLAN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
# Origins (scheme and host) allowed to post forms when they differ from the Host header, e.g. behind some proxies.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default="")
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Addresses of plans, actions and reports stay inside the site; links out send no referrer at all.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything comes from this site: no inline script, style or event handler (static/js/app.js sets GOV.UK
# Frontend's js-enabled class). SVG charts use presentation attributes, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logs go to standard output (the platform collects them), one key=value line per record in UTC with the request
# id (sendplan/log_format.py, sendplan/request_id.py), or with LOG_FORMAT=json one JSON object per line with the same
# fields. Handlers sit on the root logger so every logger, and pytest's caplog, sees every record.
LOG_FORMAT = log_format_from_env()
LOG_LEVEL = env_str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sendplan.request_id.RequestIdFilter"}},
    "formatters": {
        "keyvalue": {"()": "sendplan.log_format.KeyValueFormatter"},
        "json": {"()": "sendplan.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (console only under DEBUG, mail to ADMINS) give way to the root's.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # 4xx as warnings, 5xx as errors with their traceback; not every successful request.
        "django.request": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # Security events (sign-ins, lockouts, refusals, publications): kept at INFO whatever LOG_LEVEL says.
        "sendplan.security": {"handlers": [], "level": "INFO", "propagate": True},
        # django-axes notes every sign-in at INFO; accounts.security_log already records them by user id.
        "axes": {"handlers": [], "level": "WARNING", "propagate": True},
        # WeasyPrint notes every page it lays out at INFO: hundreds of lines per termly report.
        "weasyprint": {"handlers": [], "level": "WARNING", "propagate": True},
        # The job worker notes each job it starts and finishes, with its id and outcome.
        "django_tasks": {"handlers": [], "level": "INFO", "propagate": True},
        # Every call to the read-only API (user id, token name, path, status, rows): kept at INFO like security.
        "sendplan.api": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sign-in, sessions and two-factor (accounts app; docs/security.md) ------------------------------------------------
# django-axes counts failed sign-ins per username, not per IP address: a council's staff share one proxy address, so
# locking an address would lock them all out. Unknown usernames are counted too, so a lockout reveals nothing.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env_int("SENDPLAN_LOGIN_FAILURE_LIMIT", default=5)
SENDPLAN_LOGIN_COOLOFF_MINUTES = env_int("SENDPLAN_LOGIN_COOLOFF_MINUTES", default=15)
if AXES_FAILURE_LIMIT < 1 or SENDPLAN_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("SENDPLAN_LOGIN_FAILURE_LIMIT and SENDPLAN_LOGIN_COOLOFF_MINUTES must be 1 or more")
AXES_COOLOFF_TIME = timedelta(minutes=SENDPLAN_LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears the username's earlier failures
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The security log (accounts.security_log) records sign-ins by user id; axes' own table of every successful
# sign-in would keep usernames, IP addresses and browsers besides. Failed attempts stay in AccessAttempt (the
# admin's "Access attempts": delete a row to unlock a username).
AXES_DISABLE_ACCESS_LOG = True
# axes' own log lines never name the username or the address (its default masks both; kept explicit), nor the
# browser (AXES_VERBOSE would add it).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
AXES_VERBOSE = False
# axes warns that a lockout without the IP address can be dodged by changing browser or address. Not with its
# database handler, which adds up a username's failures from every address and browser
# (tests/accounts/test_sign_in_throttling.py checks it); adding the address would lock out a whole council behind its
# proxy.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Forgotten passwords (accounts.password_reset): a reset link runs out after SENDPLAN_PASSWORD_RESET_HOURS, and each
# email address, and each client address, may ask for so many links an hour. The per-address limit is higher: a
# council's staff may all reach the service from one proxy address.
SENDPLAN_PASSWORD_RESET_HOURS = env_int("SENDPLAN_PASSWORD_RESET_HOURS", default=2)
SENDPLAN_PASSWORD_RESETS_PER_EMAIL = env_int("SENDPLAN_PASSWORD_RESETS_PER_EMAIL", default=3)
SENDPLAN_PASSWORD_RESETS_PER_ADDRESS = env_int("SENDPLAN_PASSWORD_RESETS_PER_ADDRESS", default=30)
if min(SENDPLAN_PASSWORD_RESET_HOURS, SENDPLAN_PASSWORD_RESETS_PER_EMAIL, SENDPLAN_PASSWORD_RESETS_PER_ADDRESS) < 1:
    raise ImproperlyConfigured(
        "SENDPLAN_PASSWORD_RESET_HOURS, SENDPLAN_PASSWORD_RESETS_PER_EMAIL and SENDPLAN_PASSWORD_RESETS_PER_ADDRESS "
        "must be 1 or more"
    )

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after signing in however busy
# (accounts/middleware.py). The cookie lasts as long as the longest session.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", default=10)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be 1 or more")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Signed-in pages warn this long before the session runs out, in a dialog offering to stay signed in (WCAG 2.2.1;
# static/js/app.js). A form posted after the session ran out is kept this long for its user to sign in again and
# find it filled in (accounts/kept_forms.py; docs/security.md).
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", default=120)
SESSION_KEPT_FORM_MINUTES = env_int("SESSION_KEPT_FORM_MINUTES", default=60)
if SESSION_WARNING_SECONDS < 20 or SESSION_KEPT_FORM_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_WARNING_SECONDS must be 20 or more and SESSION_KEPT_FORM_MINUTES 1 or more")

# Two-factor authentication (TOTP, django-otp) for programme managers, comms officers and admins; others may opt
# in from "Your account". Off by default under DEBUG so `make demo` logins work with a password alone.
SENDPLAN_TWO_FACTOR = env_bool("SENDPLAN_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = SENDPLAN_BRAND_NAME  # the name authenticator apps show beside the code
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes: wait 1, 2, 4, 8 ... seconds before the next try (django-otp)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key or QR code

# Sign in with your organisation (OpenID Connect: a council's or ICB's Microsoft Entra ID, NHSmail), each provider
# named in SENDPLAN_OIDC_PROVIDERS and set by SENDPLAN_OIDC_<KEY>_* (README; docs/decisions/0027). None by default:
# the sign-in page then offers the password form alone.
SENDPLAN_OIDC_PROVIDERS = providers_from_env()
