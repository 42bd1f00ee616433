"""The Run dialog against the real, isolated Podman: what it runs is what was asked
(inspect, field by field), its previewed command run in a shell makes the same
container, bad input is refused next to its field before Podman is asked, an unknown
image is explained in the registry's words, a missing image is pulled first, and
Duplicate… gives back the same container."""

from __future__ import annotations

import json
import shlex
import socket

import pytest

from app.controllers.connection_manager import ConnectionManager
from app.controllers.container_runner import ContainerRunner
from app.controllers.operations import Operations
from app.controllers.settings import Settings
from app.engine.connection import Connection
from app.ui.run_dialog import RunDialog
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.conftest import spawn
from tests.ui.test_main_window import open_and_wait
from tests.ui.test_menus import _open_and_connect

WAIT = 20_000


@pytest.fixture
def runner(qtbot, qloop, podman, tmp_path):
    """A runner on a session of the test bed's Podman, its lists loaded."""
    manager = ConnectionManager(Settings(tmp_path / "settings.ini"))
    session = open_and_wait(qtbot, manager, podman.uri)
    qtbot.waitUntil(lambda: bool(session.items("images")), timeout=WAIT)
    operations = Operations()
    yield ContainerRunner(lambda: manager.session, operations)
    operations.close()
    manager.shutdown()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dialog_for(qtbot, runner, **kwargs) -> RunDialog:
    dialog = RunDialog(runner, spawn, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def add_port(dialog, container: int, host: int | str = "", all_interfaces=False, proto="tcp"):
    row = dialog.ports.add_row()
    row["container_port"].setText(str(container))
    row["host_port"].setText(str(host))
    row["host_ip"].setCurrentIndex(1 if all_interfaces else 0)
    row["protocol"].setCurrentText(proto)
    return row


def add_mount(dialog, kind: str, source: str, target: str, read_only=False):
    row = dialog.mounts.add_row()
    row["kind"].setCurrentText(kind)
    row["source"].setCurrentText(source)
    row["target"].setText(target)
    row["read_only"].setChecked(read_only)
    return row


def add_pair(rows, key: str, value: str):
    row = rows.add_row()
    row["key"].setText(key)
    row["value"].setText(value)


def run_and_wait(qtbot, dialog) -> str:
    qtbot.waitUntil(dialog.action_button.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(dialog.performed, timeout=60_000) as done:
        dialog.action_button.click()
    return done.args[0][0]


def facts(podman, name: str) -> dict:
    """The inspect fields a run sets, in a form two containers can be compared by."""
    d = json.loads(podman.cli("container", "inspect", name))[0]
    config, host = d["Config"], d["HostConfig"]
    return {
        "image": config["Image"],
        "env": sorted(e for e in config["Env"] if not e.startswith("HOSTNAME=")),
        "cmd": config["Cmd"],
        "workdir": config["WorkingDir"],
        "user": config["User"],
        "labels": config["Labels"],
        "ports": host["PortBindings"],
        "restart": host["RestartPolicy"],
        "nano_cpus": host["NanoCpus"],
        "memory": host["Memory"],
        "mounts": sorted(
            (m["Type"], m.get("Name") or m["Source"], m["Destination"], m["RW"])
            for m in d["Mounts"]
        ),
        "tty": config["Tty"],
        "stdin": config["OpenStdin"],
        "auto_remove": host["AutoRemove"],
        "state": d["State"]["Status"],
    }


def test_a_full_run_matches_the_form_and_its_previewed_command(qtbot, runner, podman, tmp_path):
    web, api = free_port(), free_port()
    (tmp_path / "site").mkdir()
    dialog = dialog_for(qtbot, runner)
    dialog.image.setCurrentText(TEST_IMAGE)
    dialog.name.setText("full-run")
    dialog.command_edit.setText("sh -c 'sleep 600'")
    assert (
        dialog.command_note.text() == "Podman gets the command as 3 words: ‹sh›  ‹-c›  ‹sleep 600›"
    )
    add_port(dialog, 80, web)
    add_port(dialog, 53, api, all_interfaces=True, proto="udp")
    add_mount(dialog, "Volume", "run-data", "/data")
    assert dialog.mounts_note.text() == (
        "New volume run-data: Podman creates it when the container is made."
    )
    add_mount(dialog, "Host folder", str(tmp_path / "site"), "/site", read_only=True)
    add_pair(dialog.env, "GREETING", "hello world")
    add_pair(dialog.options.labels, "app", "demo")
    dialog.options.restart.setCurrentIndex(dialog.options.restart.findData("on-failure"))
    dialog.options.retries.setValue(3)
    dialog.options.cpus.setText("0.5")
    dialog.options.memory.setText("64m")
    dialog.options.workdir.setText("/tmp")

    preview = dialog.command_text
    assert preview == (
        f"podman run -d --name=full-run -p=127.0.0.1:{web}:80 -p={api}:53/udp "
        f"-v=run-data:/data -v={tmp_path}/site:/site:ro '-e=GREETING=hello world' "
        "--restart=on-failure:3 --cpus=0.5 --memory=64m --label=app=demo --workdir=/tmp "
        f"{TEST_IMAGE} sh -c 'sleep 600'"
    )
    container_id = run_and_wait(qtbot, dialog)
    assert not dialog.isVisible()

    got = facts(podman, "full-run")
    assert container_id.startswith(podman.cli("inspect", "--format", "{{.Id}}", "full-run"))
    assert got["state"] == "running"
    assert got["image"] == TEST_IMAGE
    assert "GREETING=hello world" in got["env"]
    assert got["cmd"] == ["sh", "-c", "sleep 600"]
    assert got["workdir"] == "/tmp"
    assert got["labels"] == {"app": "demo"}
    assert got["ports"] == {
        "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(web)}],
        "53/udp": [{"HostIp": "", "HostPort": str(api)}],
    }
    assert got["restart"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert got["nano_cpus"] == 500_000_000
    assert got["memory"] == 64 * 1024 * 1024
    assert got["mounts"] == [
        ("bind", str(tmp_path / "site"), "/site", False),
        ("volume", "run-data", "/data", True),
    ]

    # The same command, typed in a shell under another name, makes the same container.
    podman.cli("rm", "-f", "full-run")
    words = shlex.split(preview.replace("--name=full-run", "--name=from-shell"))
    podman.cli(*words[1:])
    assert facts(podman, "from-shell") == got


def test_bad_input_is_refused_next_to_its_field_before_podman_is_asked(
    qtbot, runner, podman, tmp_path
):
    podman.cli("run", "-d", "--name", "taken", TEST_IMAGE, "sleep", "600")
    qtbot.waitUntil(lambda: "taken" in runner.container_names(), timeout=WAIT)
    dialog = dialog_for(qtbot, runner, image=TEST_IMAGE)
    assert dialog.action_button.isEnabled()  # an image is all a run needs

    dialog.name.setText("taken")
    assert not dialog.action_button.isEnabled()
    assert dialog.name_field.error_label.text() == (
        "A container named “taken” exists already. Choose another name."
    )
    dialog.name.setText("-dash")
    assert "Podman's rule for names" in dialog.name_field.error_label.text()
    dialog.name.setText("fine")

    row = add_port(dialog, 70000, 8080)
    assert dialog.ports_field.error_label.text() == (
        "Port 1: The container port must be from 1 to 65535 (not 70000)."
    )
    assert not dialog.action_button.isEnabled()
    row["container_port"].setText("80")
    add_port(dialog, 81, 8080)
    assert dialog.ports_field.error_label.text() == "Host port 8080/tcp is published twice."
    dialog.ports.remove_row(dialog.ports.rows[1])

    # A host port something listens on is found before Podman is asked (local socket).
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        row["host_port"].setText(str(port))
        qtbot.waitUntil(lambda: "already in use" in dialog.ports_field.error_label.text())
        assert dialog.ports_field.error_label.text().startswith(
            f"Host port {port}/tcp is already in use on 127.0.0.1"
        )
        assert not dialog.action_button.isEnabled()
    row["host_port"].setText("")
    qtbot.waitUntil(dialog.action_button.isEnabled)

    # A problem in a hidden tab is named on the tab and on "More options".
    dialog.options.memory.setText("lots")
    assert not dialog.action_button.isEnabled()
    assert dialog.more_button.text() == "More options (1 with a problem)"
    assert dialog.tabs.tabText(2) == "⚠ Limits && Restart"
    assert dialog.action_button.toolTip().startswith("Write a size such as 512m")
    dialog.options.memory.setText("512m")
    dialog.options.remove.setChecked(True)
    dialog.options.restart.setCurrentIndex(dialog.options.restart.findData("always"))
    assert "cannot also be restarted" in dialog.problems()[0][1]
    assert podman.cli("ps", "-a", "--format", "{{.Names}}") == "taken"

    # Every control of every row kind is named, and the Alt letters do not clash.
    for rows in (dialog.mounts, dialog.env, dialog.options.networks, dialog.options.labels):
        rows.add_row()
    dialog.more_button.setChecked(True)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        assert problems(dialog) == [] and mnemonic_clashes(dialog) == []


def test_an_unknown_image_is_explained_in_the_registrys_words_and_nothing_is_lost(
    qtbot, runner, podman, registry
):
    missing = f"{registry.address}/no/such:image"
    dialog = dialog_for(qtbot, runner, image=missing)
    assert dialog.image_note.text() == "Not on this connection yet: Run pulls it first."
    dialog.name.setText("never")
    add_pair(dialog.env, "KEEP", "me")
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert "manifest unknown" in dialog.error.text()
    assert dialog.isVisible()
    assert dialog.name.text() == "never"
    assert dialog.env.rows[0]["value"].text() == "me"
    assert dialog.action_button.isEnabled()
    assert podman.cli("ps", "-a", "-q") == ""


def test_a_failed_start_leaves_no_container_behind(qtbot, runner, podman):
    dialog = dialog_for(qtbot, runner, image=TEST_IMAGE)
    dialog.name.setText("no-such-command")
    dialog.command_edit.setText("/bin/does-not-exist")
    dialog.action_button.click()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=WAIT)
    assert "does-not-exist" in dialog.error.text()
    assert podman.cli("ps", "-a", "-q") == ""  # so Run again under the same name works


def test_a_missing_image_is_pulled_first_with_progress(qtbot, runner, podman, registry):
    ref = f"{registry.address}/run-test/busybox:pulled"
    podman.cli("push", "--tls-verify=false", TEST_IMAGE, ref)
    podman.cli("rmi", "--ignore", ref)
    try:
        dialog = dialog_for(qtbot, runner, image=ref)
        dialog.name.setText("pulled")
        dialog.command_edit.setText("sleep 600")
        said: list[str] = []
        original = dialog.say
        dialog.say = lambda text, fraction=None: (said.append(text), original(text, fraction))
        run_and_wait(qtbot, dialog)
        assert said[0] == f"Pulling {ref}…"
        assert any(t.startswith(f"Pulling {ref}: ") for t in said), said
        assert podman.cli("inspect", "--format", "{{.State.Status}}", "pulled") == "running"
    finally:
        podman.cli("rm", "-f", "--ignore", "pulled")
        podman.cli("rmi", "--ignore", ref)


def test_duplicate_gives_the_same_container(qtbot, runner, podman, tmp_path):
    port = free_port()
    podman.cli("volume", "create", "dup-data")
    podman.cli(
        "run", "-d", "--name", "web", "-p", f"127.0.0.1:{port}:80", "-v", "dup-data:/data:ro",
        "-v", f"{tmp_path}:/host", "-e", "MODE=test", "--label", "team=a", "--restart",
        "on-failure:2", "--cpus", "0.25", "--memory", "32m", "-w", "/data", "-it",
        TEST_IMAGE, "sleep", "600",
    )  # fmt: skip
    qtbot.waitUntil(lambda: "web" in runner.container_names(), timeout=WAIT)
    future = spawn(runner.spec_of("web"))
    qtbot.waitUntil(future.done, timeout=WAIT)
    dialog = dialog_for(qtbot, runner, spec=future.result())
    assert dialog.name.text() == "web-copy"
    assert dialog.more_button.isChecked()  # it has settings under "More options"
    assert dialog.tabs.currentIndex() == 0  # the first with one: -w and -it
    # The copy cannot take the original's host port while it runs: the form says so.
    qtbot.waitUntil(lambda: "already in use" in dialog.ports_field.error_label.text())
    podman.cli("stop", "web")
    dialog.ports.changed.emit()
    qtbot.waitUntil(dialog.action_button.isEnabled, timeout=WAIT)
    run_and_wait(qtbot, dialog)
    original, copy = facts(podman, "web"), facts(podman, "web-copy")
    assert original.pop("state") == "exited" and copy.pop("state") == "running"
    assert copy == original


def test_networks_secrets_and_an_env_file_run_and_come_back_in_a_duplicate(
    qtbot, runner, podman, tmp_path
):
    podman.cli("network", "create", "--subnet", "10.77.3.0/24", "run-net")
    secret = tmp_path / "token"
    secret.write_text("s3cr3t")
    podman.cli("secret", "create", "run-token", str(secret))
    env_file = tmp_path / "app.env"
    env_file.write_text("# settings\nLEVEL=debug\n\nNAME=two words\n")

    # The dialog lists again on opening: Podman sends no event for a new secret.
    dialog = dialog_for(qtbot, runner, image=TEST_IMAGE)
    qtbot.waitUntil(dialog.options.secrets.add_button.isEnabled, timeout=WAIT)
    dialog.name.setText("wired")
    dialog.command_edit.setText("sleep 600")
    future = spawn(dialog.load_env_file(str(env_file)))
    qtbot.waitUntil(future.done, timeout=WAIT)
    assert dialog.env_note.text() == f"Added 2 variables from {env_file}."
    net = dialog.options.networks.add_row()
    net["name"].setCurrentText("run-net")
    net["ipv4"].setText("10.77.3.40")
    net["aliases"].setText("api, backend")
    as_env = dialog.options.secrets.add_row()
    as_env["name"].setCurrentText("run-token")
    as_env["how"].setCurrentText("as a variable")
    as_env["target"].setText("TOKEN")
    dialog.options.secrets.add_row()["name"].setCurrentText("run-token")
    assert "--network=run-net:ip=10.77.3.40,alias=api,alias=backend" in dialog.command()
    assert "--secret=run-token,type=env,target=TOKEN --secret=run-token " in dialog.command()
    run_and_wait(qtbot, dialog)

    out = podman.cli("exec", "wired", "sh", "-c", "echo $TOKEN $LEVEL; cat /run/secrets/run-token")
    assert out.split() == ["s3cr3t", "debug", "s3cr3t"]
    address = podman.cli(
        "inspect", "--format", '{{(index .NetworkSettings.Networks "run-net").IPAddress}}', "wired"
    )
    assert address == "10.77.3.40"

    future = spawn(runner.spec_of("wired"))
    qtbot.waitUntil(future.done, timeout=WAIT)
    copy = future.result()
    assert copy.name == "wired-copy"
    assert copy.env == {"LEVEL": "debug", "NAME": "two words"}  # not the secret's value
    assert [(n.name, n.ipv4, n.aliases) for n in copy.networks] == [
        ("run-net", "10.77.3.40", ["api", "backend"])
    ]
    assert [(s.name, s.as_env, s.target) for s in copy.secrets] == [
        ("run-token", False, ""),
        ("run-token", True, "TOKEN"),
    ]


# The tray's entry shows the window first (raise() is a no-op offscreen, with a warning).
@pytest.mark.qt_log_ignore("does not support raise")
def test_run_from_the_containers_page_then_its_logs(qtbot, application, podman):
    app = application
    app.window.show()
    _open_and_connect(qtbot, app.manager, Connection("test-bed", podman.uri))
    qtbot.waitUntil(lambda: bool(app.runner.image_names()), timeout=WAIT)
    page = app.window.containers
    assert page.run.isEnabled() and not page.duplicate.isEnabled()
    page.run.trigger()
    dialog = app.window.findChild(RunDialog)
    assert dialog is not None and dialog.isVisible()
    assert problems(dialog) == [] and mnemonic_clashes(dialog) == []
    dialog.image.setCurrentText(TEST_IMAGE)
    dialog.name.setText("greeter")
    dialog.command_edit.setText("sh -c 'echo hello-from-run; sleep 600'")
    dialog.show_logs.setChecked(True)
    with qtbot.waitSignal(app.inspectors.opened, timeout=60_000) as opened:
        dialog.action_button.click()
    inspector = opened.args[0]
    assert inspector.tabs.currentWidget() is inspector.logs
    qtbot.waitUntil(lambda: "hello-from-run" in inspector.logs.plain_text(), timeout=WAIT)
    # The new row is listed by the time the logs show.
    assert [c.name for c in page.model.items().values()] == ["greeter"]

    # Duplicate… on the selected row opens the dialog filled from it.
    page.tree.setCurrentIndex(page.proxy.index(0, 0))
    assert page.duplicate.isEnabled()
    page.duplicate.trigger()

    def duplicates():
        return [d for d in app.window.findChildren(RunDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(duplicates()) == 1, timeout=WAIT)
    copy = duplicates()[0]
    assert copy.windowTitle() == "Duplicate Container"
    assert copy.name.text() == "greeter-copy"
    assert copy.command_edit.text() == "sh -c 'echo hello-from-run; sleep 600'"
    copy.close()

    # The tray's "Run a Container…" opens it too.
    app.tray_menu.rebuild()
    run = next(a for a in app.tray_menu.actions() if a.objectName() == "runContainer")
    assert run.isEnabled()
    run.trigger()
    qtbot.waitUntil(
        lambda: any(d.isVisible() and not d.name.text() for d in app.window.findChildren(RunDialog))
    )


def test_a_run_in_a_pod_and_its_duplicate_name_the_pod(qtbot, runner, podman):
    pod_id = podman.cli("pod", "create", "--name", "team")
    dialog = dialog_for(qtbot, runner, image=TEST_IMAGE)
    qtbot.waitUntil(lambda: dialog.options.pod.findText("team") >= 0, timeout=WAIT)
    dialog.name.setText("member")
    dialog.command_edit.setText("sleep 600")
    dialog.options.pod.setCurrentText("team")
    add_port(dialog, 80, free_port())
    assert "publish ports and choose networks on the pod" in dialog.problems()[0][1]
    dialog.ports.remove_row(dialog.ports.rows[0])
    assert "--pod=team" in dialog.command()
    run_and_wait(qtbot, dialog)
    assert podman.cli("inspect", "--format", "{{.Pod}}", "member") == pod_id
    future = spawn(runner.spec_of("member"))
    qtbot.waitUntil(future.done, timeout=WAIT)
    assert future.result().pod == "team"
    assert future.result().networks == []
