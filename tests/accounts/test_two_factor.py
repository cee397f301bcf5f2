"""Two-factor authentication (TOTP): who must use it, setting up an app, entering codes, wrong codes, and the
switch that turns it off."""

import re
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.qr import qr_svg
from tests.factories import PASSWORD


@pytest.fixture
def two_factor_on(settings):
    settings.SENDPLAN_TWO_FACTOR = True


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or that many 30-second steps later), from the device's key."""
    if steps_ahead == 0:
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():06d}"


def sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root-admin", password=PASSWORD)


PAGES = ["my-actions", "plan-list", "report-index", "action-list", "account", "admin:index"]


@pytest.mark.parametrize("who", ["manager", "comms", "superuser"])
@pytest.mark.parametrize("page", PAGES)
def test_roles_that_need_two_factor_are_sent_to_set_it_up_from_every_page(
    client, world, superuser, two_factor_on, who, page
):
    sign_in(client, superuser.username if who == "superuser" else world.user(who).username)
    url = reverse(page)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two-factor-setup')}?next={url}"


@pytest.mark.parametrize("who", ["manager", "comms"])
def test_with_an_app_set_up_they_are_asked_for_a_code(client, world, two_factor_on, who):
    enrolled(world.user(who))
    sign_in(client, world.user(who).username)
    for page in ["report-index", "admin:index"]:
        response = client.get(reverse(page))
        assert response["Location"] == f"{reverse('two-factor-verify')}?next={reverse(page)}"
    # A POST is refused too (and not replayed after the code).
    response = client.post(reverse("report-new", args=[world.plan.slug]), {"summary": "x"})
    assert response["Location"] == reverse("two-factor-verify")


@pytest.mark.parametrize("who", ["alice", "chair", "member", "pcf", "adviser"])
def test_other_roles_are_not_asked(client, world, two_factor_on, who):
    sign_in(client, world.user(who).username)
    assert client.get(reverse("plan-list")).status_code == 200


def test_pages_that_need_no_sign_in_and_signing_out_stay_open(client, world, two_factor_on):
    sign_in(client, world.manager.username)
    assert client.get(reverse("public-index")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("two-factor-setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_an_app_with_a_code_from_its_key(client, world, two_factor_on):
    sign_in(client, world.comms.username)
    next_url = reverse("report-index")
    page = client.get(f"{reverse('two-factor-setup')}?next={next_url}")
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert '<svg class="app-qr-code"' in html and 'role="img"' in html
    device = TOTPDevice.objects.get(user=world.comms, confirmed=False)
    # The key typed by hand is the device's key.
    manual = re.search(r'id="manual-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert b32decode(manual + "=" * (-len(manual) % 8)) == device.bin_key

    session_key = client.session.session_key
    response = client.post(reverse("two-factor-setup"), {"code": code_for(device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    device.refresh_from_db()
    assert device.confirmed
    assert client.session.session_key != session_key  # verified under a new key
    assert client.get(next_url).status_code == 200

    # It persists: signing in again asks for a code from the same app.
    other = Client()
    sign_in(other, world.comms.username)
    assert other.get(next_url)["Location"].startswith(reverse("two-factor-verify"))
    response = other.post(reverse("two-factor-verify"), {"code": code_for(device, steps_ahead=1), "next": next_url})
    assert response["Location"] == next_url
    assert other.get(next_url).status_code == 200


def test_reloading_the_set_up_page_keeps_the_same_key(client, world, two_factor_on):
    sign_in(client, world.comms.username)
    first = client.get(reverse("two-factor-setup")).content
    second = client.get(reverse("two-factor-setup")).content
    assert TOTPDevice.objects.filter(user=world.comms).count() == 1
    key = re.compile(rb'id="manual-key">([^<]+)<')
    assert key.search(first).group(1) == key.search(second).group(1)


def test_a_wrong_code_is_shown_with_an_error_summary_and_counts_towards_throttling(client, world, two_factor_on):
    device = enrolled(world.manager)
    sign_in(client, world.manager.username)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two-factor-verify"), {"code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_code">The code is not right, or it has run out.' in html
    assert 'class="govuk-input govuk-input--width-5 govuk-input--error"' in html
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get(reverse("plan-list")).status_code == 302  # still not verified


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Enter the 6-digit code from your authenticator app"), ("12ab56", "The code must be 6 digits")],
)
def test_a_missing_or_malformed_code(client, world, two_factor_on, code, message):
    enrolled(world.manager)
    sign_in(client, world.manager.username)
    response = client.post(reverse("two-factor-verify"), {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_after_many_wrong_codes_even_the_right_one_waits(client, world, two_factor_on):
    device = enrolled(world.manager)
    # Ten wrong codes in a row: django-otp makes the next try wait 2**9 = 512 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    sign_in(client, world.manager.username)
    response = client.post(reverse("two-factor-verify"), {"code": code_for(device)})
    assert response.status_code == 400
    assert re.search(r"You entered too many wrong codes\. Wait \d+ seconds", response.content.decode())
    assert client.get(reverse("plan-list")).status_code == 302


def test_a_code_cannot_be_used_twice(world, two_factor_on):
    device = enrolled(world.manager)
    code = code_for(device)
    first, second = Client(), Client()
    sign_in(first, world.manager.username)
    sign_in(second, world.manager.username)
    assert first.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
    assert second.post(reverse("two-factor-verify"), {"code": code}).status_code == 400


def test_other_roles_may_choose_two_factor_and_are_then_asked_for_it(client, world, two_factor_on):
    sign_in(client, world.alice.username)
    account = client.get(reverse("account")).content.decode()
    assert "Set up two-factor authentication" in account
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=world.alice)
    client.post(reverse("two-factor-setup"), {"code": code_for(device)})
    assert "On: a code from your authenticator app" in client.get(reverse("account")).content.decode()

    later = Client()
    sign_in(later, world.alice.username)
    assert later.get(reverse("my-actions"))["Location"].startswith(reverse("two-factor-verify"))


def test_replacing_the_app_needs_a_code_from_the_current_one(client, world, two_factor_on):
    old = enrolled(world.comms)
    sign_in(client, world.comms.username)
    # A stolen password alone cannot swap in another phone.
    response = client.get(reverse("two-factor-setup"))
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert not TOTPDevice.objects.filter(user=world.comms, confirmed=False).exists()

    client.post(reverse("two-factor-verify"), {"code": code_for(old)})
    assert "replaces the authenticator app you use now" in client.get(reverse("two-factor-setup")).content.decode()
    new = TOTPDevice.objects.get(user=world.comms, confirmed=False)
    assert client.post(reverse("two-factor-setup"), {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.comms).values_list("pk", flat=True)) == [new.pk]


def test_a_verify_page_for_someone_without_an_app_leads_to_set_up(client, world, two_factor_on):
    sign_in(client, world.comms.username)
    response = client.get(reverse("two-factor-verify"))
    assert response["Location"].startswith(reverse("two-factor-setup"))


def test_next_must_stay_on_this_site(client, world, two_factor_on):
    device = enrolled(world.manager)
    sign_in(client, world.manager.username)
    response = client.post(reverse("two-factor-verify"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_with_the_switch_off_no_one_is_asked_and_the_pages_do_not_exist(client, world, settings):
    settings.SENDPLAN_TWO_FACTOR = False
    enrolled(world.manager)
    sign_in(client, world.manager.username)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("report-index")).status_code == 200
    assert client.get(reverse("two-factor-verify")).status_code == 404
    assert client.get(reverse("two-factor-setup")).status_code == 404
    assert "Two-factor" not in client.get(reverse("account")).content.decode()


def test_the_qr_code_is_the_otpauth_address_drawn_as_one_path_without_styles():
    import qrcode

    data = "otpauth://totp/SEND%20improvement%20plan:colin?secret=JBSWY3DPEHPK3PXP&issuer=SEND%20improvement%20plan"
    svg = str(qr_svg(data, title="QR code"))
    assert "style" not in svg
    assert svg.count("<path") == 1
    assert '<title id="qr-code-title">QR code</title>' in svg
    # Redraw the modules from the path and compare with qrcode's own matrix.
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    expected = code.get_matrix()
    size = len(expected)
    assert f'viewBox="0 0 {size} {size}"' in svg
    drawn = [[False] * size for _ in range(size)]
    for x, y, width in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg):
        for dx in range(int(width)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == expected


def test_the_qr_code_names_the_service_and_the_key(client, world, two_factor_on):
    sign_in(client, world.comms.username)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=world.comms)
    url = urlparse(device.config_url)
    params = parse_qs(url.query)
    assert url.scheme == "otpauth" and url.netloc == "totp"
    assert params["issuer"] == ["SEND improvement plan"]
    assert b32decode(params["secret"][0]) == device.bin_key
