"""Pods through the window, against the real isolated Podman: create one with a port
(the dialog), a container in it, its Kubernetes YAML (viewer, save), remove it, play
the YAML back (preview, replace), the same container runs again, tear it down; the
Containers page groups by pod and keeps search; pause, resume and restart reach the
pod."""

from __future__ import annotations

import json
import socket

import pytest

from app.models.pod_status import PodStatus
from app.ui.confirmation import Answer
from app.ui.kube_yaml_viewer import KubeYamlViewer
from app.ui.pod_grouping import NO_POD
from tests.bed.podman import TEST_IMAGE
from tests.ui.accessibility import mnemonic_clashes, problems
from tests.ui.test_main_window import open_and_wait

WAIT = 15_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _inspect(podman, *args: str) -> dict:
    data = json.loads(podman.cli(*args))
    return data[0] if isinstance(data, list) else data


def _pod_names(podman) -> set[str]:
    return set(podman.cli("pod", "ps", "--format", "{{.Name}}").split())


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_create_generate_remove_play_again_and_tear_down(qtbot, podman, application, tmp_path):
    app = application
    session = open_and_wait(qtbot, app.manager, podman.uri)
    port = _free_port()

    # Create, through the dialog: a port on 127.0.0.1, Podman's default sharing.
    dialog = app.create_pod()
    dialog.name.setText("shop")
    row = dialog.add_port("80", str(port))
    assert row.address() == "127.0.0.1"  # the safe default, shown in the row
    assert dialog.command() == f"podman pod create --name=shop --publish=127.0.0.1:{port}:80"
    dialog.infra.setChecked(False)  # ports need infra: the dialog says so, and waits
    assert not dialog.action_button.isEnabled()
    assert "needs the infra container" in dialog.ports_field.error_label.text()
    dialog.infra.setChecked(True)
    with qtbot.waitSignal(dialog.performed, timeout=WAIT):
        dialog.action_button.click()
    pod = _inspect(podman, "pod", "inspect", "shop")
    assert pod["CreateInfra"] is True
    assert pod["InfraConfig"]["PortBindings"]["80/tcp"] == [
        {"HostIp": "127.0.0.1", "HostPort": str(port)}
    ]
    assert sorted(pod["SharedNamespaces"]) == ["ipc", "net", "uts"]
    assert "shop" in {p.name for p in session.items("pods").values()}  # listed at once
    again = app.create_pod()
    again.name.setText("shop")
    assert again.fields[0].error_label.text() == "A pod named “shop” already exists."
    again.close()

    # A container in it, grouped under it on the Containers page, search still working.
    podman.cli("run", "-d", "--pod", "shop", "--name", "web", TEST_IMAGE, "sleep", "600")
    podman.cli("run", "-d", "--name", "loner", TEST_IMAGE, "sleep", "600")
    view = app.window.views["containers"]
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 2, timeout=WAIT)
    view.group_by_pod.setChecked(True)
    names = [view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())]
    assert names == ["web", "loner"]  # the pod's group first, then those outside pods
    bands = [view.grouping.delegate.band_text(r) for r in range(view.proxy.rowCount())]
    assert bands == ["Pod shop", "Not in a pod"]
    view.tree.sortByColumn(0, view.tree.header().sortIndicatorOrder().DescendingOrder)
    assert view.proxy.group_of(0) == "shop" and view.proxy.group_of(1) == NO_POD
    view.set_filter_text("web")
    assert view.proxy.rowCount() == 1 and view.grouping.delegate.band_text(0) == "Pod shop"
    view.set_filter_text("")
    assert app.settings.group_containers_by_pod is True

    # Its Kubernetes YAML: the container and its image, saved to a file.
    viewer = app.show_kube(["shop"])
    with qtbot.waitSignal(viewer.loaded, timeout=WAIT) as loaded:
        pass
    yaml = loaded.args[0]
    assert "name: web" in yaml and f"image: {TEST_IMAGE}" in yaml
    assert viewer.command.text() == "podman kube generate shop"
    saved_path = str(tmp_path / "shop.yaml")
    with qtbot.waitSignal(viewer.saved, timeout=WAIT):
        viewer.save_to(saved_path)
    assert (tmp_path / "shop.yaml").read_text() == yaml
    viewer.close()

    # A container's YAML, from the Containers page's context menu.
    view.select_keys([c.id for c in session.items("containers").values() if c.name == "loner"])
    assert view.kube in view.context_actions() and view.kube.isEnabled()
    view.kube.trigger()
    single = next(v for v in app.window.findChildren(KubeYamlViewer) if v.names == ["loner"])
    with qtbot.waitSignal(single.loaded, timeout=WAIT) as loaded:
        pass
    assert "name: loner" in loaded.args[0]
    single.close()

    # Remove the pod, then play the file back: the preview names what it creates.
    pod_id = pod["Id"]
    with qtbot.waitSignal(app.resource_actions.transition_ended, timeout=WAIT):
        app.resource_actions.remove_pods([pod_id], force=True)
    assert "shop" not in _pod_names(podman)
    play = app.play_kube()
    play.open_file(saved_path)
    qtbot.waitUntil(lambda: play.kube is not None, timeout=WAIT)
    top = play.contents.topLevelItem(0)
    assert (top.text(0), top.text(1)) == ("Pod", "shop")
    assert (top.child(0).text(1), top.child(0).text(2)) == ("web", TEST_IMAGE)
    assert not play.replace.isChecked() and play.existing_note.isHidden()
    assert play.command() == f"podman kube play {saved_path}"
    with qtbot.waitSignal(play.performed, timeout=WAIT) as played:
        play.action_button.click()
    report = played.args[0]
    assert len(report.pods) == 1 and len(report.pods[0].containers) == 1
    assert "1 container(s) created" in play.report.toPlainText()
    web = _inspect(podman, "container", "inspect", "shop-web")
    assert web["State"]["Running"] is True
    # Kubernetes' "command" becomes the entrypoint: the same process runs.
    assert web["ImageName"] == TEST_IMAGE and [web["Path"], *web["Args"]] == ["sleep", "600"]
    qtbot.waitUntil(
        lambda: "shop" in {p.name for p in session.items("pods").values()}, timeout=WAIT
    )
    play.close()

    # Played again: the pod exists, so Replace is offered ticked, and it works.
    replay = app.play_kube()
    replay.open_file(saved_path)
    qtbot.waitUntil(lambda: replay.kube is not None, timeout=WAIT)
    assert replay.replace.isChecked() and "“shop”" in replay.existing_note.text()
    assert replay.command() == f"podman kube play --replace {saved_path}"
    with qtbot.waitSignal(replay.performed, timeout=WAIT) as replayed:
        replay.action_button.click()
    assert replayed.args[0].pods[0].id != report.pods[0].id
    replay.close()

    # Tear down: the confirmation names the pod, and then it is gone.
    down = app.play_kube(tear_down=True)
    asked = []
    down.confirm = lambda c: _answer(asked, c)
    down.open_file(saved_path)
    qtbot.waitUntil(lambda: down.kube is not None, timeout=WAIT)
    with qtbot.waitSignal(down.performed, timeout=WAIT) as torn:
        down.action_button.click()
    assert asked[0].items == ["shop"]
    assert len(torn.args[0].removed) == 1
    assert "shop" not in _pod_names(podman)
    down.close()


async def _answer(asked: list, confirmation) -> Answer:
    asked.append(confirmation)
    return Answer(True)


def test_pause_resume_and_restart_reach_the_pod(qtbot, podman, application):
    app = application
    pod_id = podman.cli("pod", "create", "--name", "cafe")
    podman.cli("run", "-d", "--pod", "cafe", "--name", "cafe-web", TEST_IMAGE, "sleep", "600")
    session = open_and_wait(qtbot, app.manager, podman.uri)
    page = app.window.views["pods"]
    qtbot.waitUntil(lambda: page.model.row_of(pod_id) >= 0, timeout=WAIT)
    page.select_keys([pod_id])
    assert page.pause.isEnabled() and not page.unpause.isEnabled()

    def act(action, expected: str) -> None:
        with qtbot.waitSignal(app.resource_actions.transition_ended, timeout=WAIT):
            action.trigger()
        assert session.items("pods")[pod_id].status == expected
        assert _inspect(podman, "pod", "inspect", "cafe")["State"] == expected

    act(page.pause, "Paused")
    assert page.model.status(pod_id) is PodStatus.PAUSED and page.unpause.isEnabled()
    act(page.unpause, "Running")
    started = _inspect(podman, "container", "inspect", "cafe-web")["State"]["StartedAt"]
    act(page.restart, "Running")
    assert _inspect(podman, "container", "inspect", "cafe-web")["State"]["StartedAt"] != started
    # The context menu offers the YAML of the selection.
    assert page.kube in page.context_actions() and page.kube.isEnabled()


def test_create_dialog_checks_before_sending(qtbot, qloop, application):
    dialog = application.create_pod()  # not connected: no names known, nothing sent
    assert not dialog.action_button.isEnabled()
    dialog.name.setText("bad name")
    assert "Podman's rule for names" in dialog.fields[0].error_label.text()
    dialog.name.setText("ok")
    row = dialog.add_port()
    assert dialog.ports_field.error_label.isHidden()  # a new empty row: nothing to say yet
    row.host_port.setText("99999")
    assert dialog.ports_field.error_label.text().startswith("Port 1: The host port must be")
    row.host_port.setText("8080")
    row.container_port.setText("80")
    row.host_ip.setCurrentText("not-an-ip")
    assert "is not an IP address" in dialog.ports_field.error_label.text()
    row.host_ip.setCurrentIndex(1)  # 0.0.0.0: every network
    second = dialog.add_port("81", "8080")
    second.host_ip.setCurrentIndex(1)
    assert "host port 8080 is used twice" in dialog.ports_field.error_label.text()
    dialog._remove_port(second)
    dialog.namespaces["pid"].setChecked(True)
    dialog.labels.setPlainText("tier=web\nbroken label")
    assert "is not a label" in dialog.fields[-1].error_label.text()
    dialog.labels.setPlainText("tier=web")
    assert dialog.command() == (
        "podman pod create --name=ok --publish=0.0.0.0:8080:80 --share=ipc,net,pid,uts "
        "--label=tier=web"
    )
    dialog.infra.setChecked(False)
    assert not dialog.namespaces["net"].isEnabled() and not dialog.namespaces["net"].isChecked()
    dialog._remove_port(row)
    assert dialog.command() == "podman pod create --name=ok --infra=false --label=tier=web"
    assert dialog.spec().body() == {"name": "ok", "labels": {"tier": "web"}, "no_infra": True}
    dialog.infra.setChecked(True)  # the choice comes back
    assert [n for n, box in dialog.namespaces.items() if box.isChecked()] == [
        "ipc", "net", "pid", "uts"
    ]  # fmt: skip
    dialog.close()


def test_grouping_sorts_by_pod_then_column_and_keys_survive(qtbot, qloop, application):
    """1,000 rows: grouping is a re-sort of the flat proxy (no reset, selection kept)."""
    from app.engine.dto import ContainerSummary

    view = application.window.views["containers"]
    items = {}
    for n in range(1000):
        pod = f"pod{n % 7}" if n % 3 else ""
        key = f"{n:064x}"
        items[key] = ContainerSummary(key, f"c{n:04d}", TEST_IMAGE, state="running", pod_name=pod)
    view.model.set_items(items)
    view.select_keys([f"{5:064x}"])
    resets = []
    view.proxy.modelReset.connect(lambda: resets.append(1))
    view.group_by_pod.setChecked(True)
    groups = [view.proxy.group_of(r) for r in range(view.proxy.rowCount())]
    assert groups == sorted(groups)  # each pod's rows together, pods in order
    first = [view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())][:3]
    assert first == sorted(first)  # by name within the group
    assert not resets and view.selected_keys() == [f"{5:064x}"]
    view.group_by_pod.setChecked(False)
    assert view.proxy.group_of(0) is None and view.selected_keys() == [f"{5:064x}"]


def test_pod_dialogs_are_named_for_a_screen_reader(qtbot, qloop, application):
    create = application.create_pod()
    create.add_port("80", "8080")
    play = application.play_kube()
    down = application.play_kube(tear_down=True)
    viewer = application.show_kube(["shop"])  # not connected: it says so, named too
    qtbot.waitUntil(lambda: "Not connected" in viewer.status.text())
    found = []
    for dialog in (create, play, down, viewer):
        found += problems(dialog) + mnemonic_clashes(dialog)
    assert found == []
    for dialog in (create, play, down, viewer):
        dialog.close()
