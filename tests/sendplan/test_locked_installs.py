"""The lock files production and the tests install from (requirements/, `make lock`, docs/decisions/0026): every
package pinned with its hashes, every dependency pyproject.toml names pinned at a version its range allows, the same
version in both, and no test tool in the runtime lock a server installs (`make serve`)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

PIN = re.compile(r"(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;]+)(?:\s*;\s*(?P<marker>.+?))?\s*$")


def locked(path: Path) -> dict[str, dict]:
    """{package: {"version", "marker", "hashes"}} from a lock file, its continued lines joined."""
    entries = {}
    for line in path.read_text().replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split(" --hash=")
        found = PIN.fullmatch(requirement.strip())
        assert found, f"{path.name}: not pinned with ==: {line[:80]}"
        entries[canonicalize_name(found["name"])] = {
            "version": found["version"],
            "marker": found["marker"],
            "hashes": [option.strip() for option in options],
        }
    return entries


@pytest.fixture(scope="module")
def runtime():
    return locked(RUNTIME_LOCK)


@pytest.fixture(scope="module")
def test_and_bench():
    return locked(TEST_LOCK)


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


@pytest.mark.parametrize("path", [RUNTIME_LOCK, TEST_LOCK], ids=lambda path: path.name)
def test_every_package_is_pinned_with_hashes(path):
    entries = locked(path)
    assert len(entries) > 20
    for name, entry in entries.items():
        assert entry["hashes"], f"{path.name}: {name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for digest in entry["hashes"]), name


def test_the_runtime_lock_holds_no_test_or_benchmark_tool(runtime):
    for tool in [
        "pytest",
        "pytest-django",
        "pytest-xdist",
        "playwright",
        "hypothesis",
        "ruff",
        "locust",
        "model-bakery",
    ]:
        assert tool not in runtime, f"{tool} would be installed on production servers"


def test_postgresql_is_reached_through_psycopg_3(runtime, test_and_bench):
    for entries in (runtime, test_and_bench):
        assert entries["psycopg"]["version"].startswith("3.")
        assert entries["psycopg-binary"]["version"] == entries["psycopg"]["version"]
        assert "psycopg2" not in entries and "psycopg2-binary" not in entries


def test_the_test_lock_adds_the_test_and_bench_extras(test_and_bench):
    extras = PYPROJECT["optional-dependencies"]
    for name in names(extras["test"]) | names(extras["bench"]) | {"pytest", "playwright", "hypothesis", "locust"}:
        assert name in test_and_bench, name


def test_both_locks_pin_a_shared_package_alike(runtime, test_and_bench):
    # The tests run on exactly the versions production installs.
    assert set(runtime) <= set(test_and_bench)
    assert {name: runtime[name]["version"] for name in runtime} == {
        name: test_and_bench[name]["version"] for name in runtime
    }


@pytest.mark.parametrize(
    ("path", "groups"),
    [(RUNTIME_LOCK, ["dependencies"]), (TEST_LOCK, ["dependencies", "test", "bench"])],
    ids=["runtime", "test"],
)
def test_the_lock_satisfies_pyproject(path, groups):
    """A dependency added to or changed in pyproject.toml without `make lock` fails here, naming it."""
    entries = locked(path)
    extras = PYPROJECT["optional-dependencies"]
    here = default_environment()
    for text in [text for group in groups for text in (PYPROJECT[group] if group == "dependencies" else extras[group])]:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate(here):
            continue
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{name} is in pyproject.toml but not in {path.name}: run make lock"
        version = entries[name]["version"]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{path.name} pins {name}=={version}, outside pyproject.toml's {requirement.specifier}: run make lock"
        )
