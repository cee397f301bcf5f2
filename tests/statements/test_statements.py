"""The accessibility statement, privacy notice and cookies page: public to read, the programme manager's to change
(with a preview, optimistic locking and history), linked from every page's footer, and rendered safely."""

import pytest
from django.conf import settings
from django.urls import reverse

from statements.defaults import default_body
from statements.formatting import statement_html
from statements.models import BODY_MAX_LENGTH, Statement
from statements.services import statement_edit

KINDS = ["accessibility", "privacy", "cookies"]
FOOTER_LINKS = [
    'href="/accessibility/">Accessibility statement<',
    'href="/privacy/">Privacy<',
    'href="/cookies/">Cookies<',
]


@pytest.mark.parametrize("kind", KINDS)
def test_anyone_reads_the_shipped_text_naming_the_local_area(client, db, kind):
    response = client.get(reverse(f"statement-{kind}"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'Last updated: <time datetime="2026-12-06">6 December 2026</time>' in text
    if kind != "cookies":
        assert settings.SENDPLAN_LOCAL_AREA in text
    assert "Change this page" not in text
    # A reader of the public pages is given no cookie.
    assert not response.cookies


def test_the_accessibility_statement_has_the_model_statements_sections(client, db):
    text = client.get(reverse("statement-accessibility")).content.decode()
    for heading in [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website&#x27;s accessibility",
        "Compliance status",
        "Preparation of this accessibility statement",
    ]:
        assert f">{heading}</h" in text, heading
    assert "PDF/UA-1" in text and "Equality Commission for Northern Ireland" in text and "WCAG 2.2" in text
    assert "working days" in text


def test_the_cookies_page_lists_the_cookies_the_app_sets_and_no_analytics(client, db):
    text = client.get(reverse("statement-cookies")).content.decode()
    for name in [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"]:
        assert f"<li>{name}: " in text
    assert "does not use analytics" in text


def test_every_starting_text_fits_the_form():
    for kind in KINDS:
        assert len(default_body(kind)) < BODY_MAX_LENGTH


def test_the_footer_links_the_pages_on_public_and_signed_in_pages(client, world):
    public = client.get(reverse("public-index")).content.decode()
    client.force_login(world.alice)
    signed_in = client.get(reverse("my-actions")).content.decode()
    for link in FOOTER_LINKS:
        assert link in public and link in signed_in


def test_a_programme_manager_previews_then_saves_and_the_page_shows_it(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("statement-privacy")).content.decode()
    assert "Change this page" in page
    form = client.get(reverse("statement-edit", args=["privacy"]))
    assert form.status_code == 200 and form.context["form"]["version"].value() == 1

    body = "## Who we are\n\nRiverside Council.\n\n- accounts\n- security logs"
    preview = client.post(reverse("statement-edit", args=["privacy"]), {"body": body, "version": "1", "preview": "yes"})
    assert preview.status_code == 200
    assert '<h2 class="govuk-heading-m">Who we are</h2>' in preview.content.decode()
    assert not Statement.objects.exists()  # a preview saves nothing

    saved = client.post(reverse("statement-edit", args=["privacy"]), {"body": body, "version": "1", "save": "yes"})
    assert saved.status_code == 302 and saved.url == reverse("statement-privacy")
    statement = Statement.objects.get(kind="privacy")
    assert (statement.body, statement.version) == (body, 2)
    shown = client.get(reverse("statement-privacy")).content.decode()
    assert "<li>security logs</li>" in shown
    history = client.get(reverse("statement-edit", args=["privacy"])).context["history"]
    assert [change.field for change in history] == ["Text", "Text"]  # the edit, then the shipped text it replaced
    assert history[0].new == body and history[0].who == "Morgan"


@pytest.mark.parametrize("role", ["alice", "chair", "member", "comms", "pcf", "adviser", "nobody"])
def test_other_roles_may_not_change_a_page(client, world, role):
    client.force_login(world.user(role))
    assert client.get(reverse("statement-edit", args=["cookies"])).status_code == 403
    response = client.post(reverse("statement-edit", args=["cookies"]), {"body": "Hacked", "version": "1"})
    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_an_edit_loaded_before_someone_elses_save_is_refused_showing_their_change(client, world):
    statement_edit(kind="cookies", body="Their words", by=world.manager, expected_version=1)
    client.force_login(world.manager)
    response = client.post(reverse("statement-edit", args=["cookies"]), {"body": "My words", "version": "1"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else has changed this" in text and "Their words" in text and "My words" in text
    assert Statement.objects.get().body == "Their words"
    # The form now carries the version saved: submitting again saves the editor's words.
    assert response.context["form"].data["version"] == "2"
    again = client.post(reverse("statement-edit", args=["cookies"]), {"body": "My words", "version": "2"})
    assert again.status_code == 302 and Statement.objects.get().body == "My words"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"body": "Words"},
        {"body": "Words", "version": "two"},
        {"body": "Words", "version": "0"},
        {"body": "Words", "version": str(2**63)},
        {"body": "", "version": "1"},
        {"body": "x" * (BODY_MAX_LENGTH + 1), "version": "1"},
        {"body": "x" * (BODY_MAX_LENGTH + 1), "version": "1", "preview": "yes"},
    ],
)
def test_bad_input_is_refused_with_what_was_typed_kept(client, world, data):
    client.force_login(world.manager)
    response = client.post(reverse("statement-edit", args=["accessibility"]), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert response.context["form"]["body"].value() == data.get("body")
    assert not Statement.objects.exists()


def test_a_version_ahead_of_the_saved_one_is_refused_as_stale_not_an_error(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("statement-edit", args=["accessibility"]), {"body": "Words", "version": "99"})
    assert response.status_code == 409
    assert not Statement.objects.exists()  # the row its first edit would have made is rolled back with it


def test_an_unknown_page_is_missing(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("statement-edit", args=["terms"])).status_code == 404


def test_the_formatting_escapes_everything_typed():
    html = statement_html(
        '## <script>alert(1)</script>\n\n- <img src=x onerror=alert(1)>\n\n<a href="javascript:x">link</a> & '
        "mail help@riverside.example or see https://example.org/?a=1&b=<2>"
    )
    assert "<script>" not in html and "<img" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;a href=&quot;javascript:x&quot;&gt;link&lt;/a&gt; &amp;" in html
    assert '<a class="govuk-link" href="mailto:help@riverside.example">help@riverside.example</a>' in html
    assert '<a class="govuk-link" href="https://example.org/?a=1&amp;b=">' in html


def test_the_formatting_makes_headings_lists_and_paragraphs():
    html = statement_html("## Heading\nFirst line\nsame paragraph\n\n### Smaller\n- one\n- two\n\nLast")
    assert html == (
        '<h2 class="govuk-heading-m">Heading</h2>\n'
        '<p class="govuk-body">First line same paragraph</p>\n'
        '<h3 class="govuk-heading-s">Smaller</h3>\n'
        '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>\n'
        '<p class="govuk-body">Last</p>'
    )
