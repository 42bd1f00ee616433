"""The built Linux bundle itself: --version and --self-test on the test Podman service.

CI does not build bundles (PyInstaller is not a test dependency), so this file is not
collected by the suite (its name does not start with ``test_``); after
installer/linux/build.sh, run it by name with PDC_BUNDLE naming the bundle directory:

    PDC_BUNDLE=build/installer/podman-desktop-companion-0.1.0-linux-x86_64/bundle \
        .venv/bin/python -m pytest tests/ui/bundle_check.py
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app import APP_ID, __version__

BUNDLE = os.environ.get("PDC_BUNDLE", "")


@pytest.fixture(autouse=True)
def _a_bundle_is_named() -> None:
    if not BUNDLE:
        pytest.fail("set PDC_BUNDLE to a bundle built by installer/linux/build.sh")


def _bundle(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    executable = Path(BUNDLE) / APP_ID
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_the_bundle_says_its_version():
    done = _bundle("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{APP_ID} {__version__}"


def test_the_bundle_passes_its_self_test_on_the_podman_service(podman, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYTHONPATH")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"))
    done = _bundle("--self-test", "--connection", podman.uri, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(frozen bundle)" in done.stdout.splitlines()[0]
    assert f"ok: opened the main window on {podman.uri} (Podman " in done.stdout
    assert done.stdout.splitlines()[-1] == "self-test passed"
    assert not (tmp_path / "config").exists()  # no settings written
