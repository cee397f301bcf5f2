import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every evidence test stores its files in a folder of its own, through the same storage settings production
    uses (STORAGES["default"], MEDIA_ROOT), never in the repository's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
