import pytest

from tests.accounts.oidc import start_provider


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider (tests/oidc_provider) on a loopback port for the whole run, with the app
    registered as its client for the test client's host. Tests using it are marked server (or browser)."""
    process, provider = start_provider(tmp_path_factory.mktemp("oidc-provider"))
    try:
        provider.register_app(["http://testserver"])
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def council(oidc_provider, settings):
    """The app configured with the test provider as "Riverside Council"; change it with settings too."""
    settings.SENDPLAN_OIDC_PROVIDERS = {"council": oidc_provider.config()}
    return oidc_provider
