"""Settings for sendplan, read from environment variables (listed in README.md).

SQLite is the embedded default (for `make demo`); production and the test suite use PostgreSQL via DATABASE_URL.
"""

from pathlib import Path

import dj_database_url

from sendplan.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Outside DEBUG there is no default: a production server must be given its own key.
SECRET_KEY = env_str("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default="127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "actions",
    "kpis",
    "risks",
    "boards",
    "governance",
    "reports",
    "workbooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user on every history row written during a request (admin edits included).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login is required everywhere except the login page and static files.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# Without collectstatic (make demo, tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
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
]
# Tabs later apps add to an action's page: each a callable(request, action) -> {"id", "title", "template", ...}.
SENDPLAN_ACTION_TABS = ["governance.views.action_tab"]
# Demo data for later apps: each a callable(context) run after a demo plan is loaded (see actions/demo.py).
SENDPLAN_DEMO_EXTENSIONS = [
    "kpis.demo.load_plan_kpis",
    "risks.demo.load_plan_risks",
]
# ... and those that need the demo users (who challenge, comment, attend): each a callable(new plans).
SENDPLAN_DEMO_AFTER_USERS = [
    "boards.demo.load_demo_boards",
    "governance.demo.load_demo_governance",
    # After governance: the reports include the co-production comments.
    "reports.demo.load_demo_reports",
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# For the SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); see docs/reminders.md.
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", default="25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="sendplan <noreply@localhost>")
# Emails (reminders) carry absolute links: the address people reach this instance at, without a trailing slash.
SENDPLAN_SITE_URL = env_str("SENDPLAN_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SIMPLE_HISTORY_REVERT_DISABLED = True
