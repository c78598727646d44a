"""The built package, installed without the checkout, migrates its database and serves Voces."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests import ROOT

# A clean clone plus what `make vendor` adds; no compiled catalogue, so the build must compile it.
NOT_IN_A_CLONE = (".git", ".venv", "node_modules", "build", "dist", "instance", "*.egg-info", "*.mo", "__pycache__")
# Where the installed modules come from, and the example survey the package ships.
WHERE_FROM = (
    "import json, survey, survey.config, survey.migrations, survey.templates; "
    "from importlib.resources import files; "
    "print(json.dumps({'modules': [m.__file__ for m in (survey, survey.config, survey.migrations, survey.templates)], "
    "'example': str(files('survey.config') / 'surveys' / 'community-safety.yaml')}))"
)
NO_BUILD_REQUIREMENTS = ("No matching distribution found", "Could not find a version that satisfies")


def run(python: Path | str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a Python module, failing with its output if it fails; return what it printed."""
    done = subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(source: Path, dist: Path) -> subprocess.CompletedProcess[str]:
    """Build a wheel of the sources as pip install . does; skip if pip cannot get the build requirements."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if build.returncode != 0 and any(reason in build.stderr for reason in NO_BUILD_REQUIREMENTS):
        assert not os.environ.get("CI"), (
            f"CI must build the wheel, but pip cannot get the build requirements:\n{build.stderr}"
        )
        pytest.skip(f"no wheel can be built here: pip cannot get the build requirements\n{build.stderr}")
    return build


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources, installed in a fresh virtualenv; its Python."""
    base = tmp_path_factory.mktemp("install")
    source, dist, venv = base / "source", base / "dist", base / "venv"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_IN_A_CLONE))
    build = build_wheel(source, dist)
    assert build.returncode == 0, build.stderr
    # The dependencies are the suite's own: the fresh virtualenv reads them from its site-packages.
    run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=base)
    python = venv / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).strip())
    suite = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (purelib / "suite-dependencies.pth").write_text("".join(f"{path}\n" for path in suite), encoding="utf-8")
    wheel = next(dist.glob("voces-*.whl"))
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed", str(wheel), cwd=base)
    return python


def test_the_wheel_installs_one_top_level_package(installed):
    wheel = next((installed.parents[2] / "dist").glob("voces-*.whl"))
    with zipfile.ZipFile(wheel) as contents:
        top_level = {name.split("/")[0] for name in contents.namelist() if ".dist-info/" not in name}
    assert top_level == {"survey"}  # no generic `config`, `templates` or `migrations` beside it


def test_the_installed_package_scores_spanish_from_its_own_data_files(installed, tmp_path):
    script = (
        "from survey.analysis.sentiment import score_sentence; import survey; "
        "print(survey.__file__, score_sentence('Ya no hay balaceras y me siento seguro.', 'es').polarity)"
    )
    where, polarity = run(installed, "-c", script, cwd=tmp_path).split()
    assert str(ROOT) not in where  # the wheel's copy, not the checkout's
    assert float(polarity) > 0


@pytest.fixture()
def production(tmp_path: Path) -> dict[str, str]:
    """The environment of a deployment: production, a real secret, no database address of the suite's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VOCES_", "FLASK_"))}
    for key in ("DATABASE_URL", "TEST_DATABASE_URL", "PYTHONPATH"):
        env.pop(key, None)
    return {**env, "VOCES_ENV": "production", "SECRET_KEY": "installed-package-test-secret"}


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    """GET a URL; the status and the body."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(url: str, server: subprocess.Popen[str], seconds: float = 60) -> tuple[int, str]:
    """The first answer the server gives, within a bounded wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped:\n{server.communicate()[1]}"
        try:
            return fetch(url)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered {url} within {seconds} s")


def test_the_installed_package_migrates_and_serves_healthz_and_a_form(installed, tmp_path, production):
    shipped = json.loads(run(installed, "-c", WHERE_FROM, cwd=tmp_path, env=production))
    venv = installed.parent.parent
    assert all(Path(path).is_relative_to(venv) for path in shipped["modules"]), shipped  # not the checkout's
    flask = ("-m", "flask", "--app", "survey")
    run(installed, *flask, "db", "upgrade", cwd=tmp_path, env=production)
    # Flask's instance folder for an installed package: in the virtualenv, never in the checkout.
    assert (venv / "var" / "survey-instance" / "voces.db").is_file()

    port = free_port()
    with subprocess.Popen(
        [str(installed), *flask, "run", "--port", str(port)],
        cwd=tmp_path,
        env=production,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            # The survey is imported while the server starts: both load the app, each on its own core.
            run(installed, *flask, "surveys", "import", shipped["example"], "--publish", cwd=tmp_path, env=production)
            base = f"http://127.0.0.1:{port}"
            status, health = wait_for(f"{base}/healthz", server)
            assert status == 200 and json.loads(health) == {"status": "ok", "database": "ok"}
            status, page = fetch(f"{base}/s/community-safety")
            assert status == 200 and "Review my answers" in page and 'name="csrf_token"' in page
            status, page = fetch(f"{base}/s/community-safety?lang=es")
            assert status == 200 and "Revisar mis respuestas" in page  # the catalogue the build compiled
            assert fetch(f"{base}/static/vendor/idb/idb.umd.js")[0] == 200
        finally:
            server.terminate()
            server.communicate(timeout=10)


def test_the_build_refuses_to_ship_a_field_app_without_its_vendored_idb(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_IN_A_CLONE, "vendor"))
    build = build_wheel(source, tmp_path / "dist")
    assert build.returncode != 0 and "make vendor" in build.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))
