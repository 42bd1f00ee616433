"""The Linux release as a user installs it: install.sh into a temporary HOME gives a menu
entry that desktop-file-validate accepts, a launcher and the icons; uninstall.sh takes away
exactly what install.sh added.

The bundle here is a stand-in script (CI does not build bundles: installer/README.md);
set PDC_RELEASE to a release directory built by installer/linux/build.sh to install the
real one instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import APP_ID

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="the Linux installer: Linux only (macOS and Windows installers cannot run here)",
)

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release directory laid out by stage.sh (or the one PDC_RELEASE names)."""
    if os.environ.get("PDC_RELEASE"):
        return Path(os.environ["PDC_RELEASE"])
    bundle = tmp_path_factory.mktemp("bundle") / APP_ID
    bundle.mkdir()
    fake = bundle / APP_ID
    fake.write_text('#!/bin/sh\necho "bundle ran with: $*"\n')
    fake.chmod(0o755)
    stage = tmp_path_factory.mktemp("release") / "release"
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run([str(LINUX / "stage.sh"), str(bundle), str(stage)], check=True, env=env)
    return stage


@pytest.fixture
def home(tmp_path) -> tuple[Path, dict]:
    home = tmp_path / "my home"  # a space, as some users have
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), PATH=f"/usr/bin:/bin:{home}/.local/bin")
    return home, env


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_install_gives_a_valid_menu_entry_a_launcher_and_icons(release, home):
    home, env = home
    (home / ".local" / "share").mkdir(parents=True)  # a home that has ~/.local/share
    _run([str(release / "install.sh")], env)
    share = home / ".local" / "share"
    launcher = home / ".local" / "bin" / APP_ID
    desktop = share / "applications" / f"{APP_ID}.desktop"
    text = desktop.read_text()
    assert f'Exec="{launcher}"\n' in text  # quoted: the home has a space
    assert f"TryExec={launcher}\n" in text
    assert f"Icon={APP_ID}\n" in text
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert done.returncode == 0, done.stdout + done.stderr
    icons = share / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes().startswith(b"<svg")
    assert (icons / "48x48" / "apps" / f"{APP_ID}.png").read_bytes()[:4] == b"\x89PNG"
    ran = _run([str(launcher), "--version"], env)
    if not os.environ.get("PDC_RELEASE"):
        assert ran.stdout.strip() == "bundle ran with: --version"
    assert (share / APP_ID / "bundle" / APP_ID).exists()


def test_uninstall_removes_exactly_what_install_added(release, home):
    home, env = home
    (home / ".local" / "share" / "applications").mkdir(parents=True)
    (home / ".local" / "share" / "applications" / "other.desktop").write_text("[Desktop Entry]\n")
    before = _tree(home)
    _run([str(release / "install.sh")], env)
    _run([str(release / "install.sh")], env)  # an upgrade replaces the install in place
    installed = _tree(home) - before
    assert f".local/bin/{APP_ID}" in installed and ".local/share/icons" in installed
    # "Start at login", as the app writes it for a bundle installed here.
    autostart = home / ".config" / "autostart" / f"{APP_ID}.desktop"
    autostart.parent.mkdir(parents=True)
    bundled = home / ".local" / "share" / APP_ID / "bundle" / APP_ID
    autostart.write_text(f'[Desktop Entry]\nExec="{bundled}" --minimized\n')
    done = _run([str(home / ".local" / "share" / APP_ID / "uninstall.sh")], env)
    assert "Uninstalled" in done.stdout
    assert _tree(home) == before | {".config", ".config/autostart"}
    assert (home / ".local" / "share" / "applications" / "other.desktop").exists()


def test_install_refuses_to_replace_a_launcher_it_did_not_install(release, home):
    home, env = home
    launcher = home / ".local" / "bin" / APP_ID
    launcher.parent.mkdir(parents=True)
    launcher.write_text("#!/bin/sh\n")
    done = subprocess.run([str(release / "install.sh")], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "was not installed by this script" in done.stderr
    assert launcher.read_text() == "#!/bin/sh\n"
    assert not (home / ".local" / "share").exists()
