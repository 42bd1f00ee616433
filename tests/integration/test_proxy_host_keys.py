"""Host keys and logins against the real sshd: unknown, changed, machine, encrypted keys."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import paramiko
import pytest

from app.engine import http_api
from app.engine.endpoint import Endpoint
from app.engine.errors import ApiError
from app.proxy import ProxyConfig, ProxyThread, UpstreamState
from app.proxy.host_keys import fingerprint


@pytest.fixture
def run_proxy(podman, sshd, tmp_path):
    started: list[ProxyThread] = []

    def start(**options) -> ProxyThread:
        config = ProxyConfig(
            listen=f"unix://{tmp_path}/run/p{len(started)}.sock",
            upstream=sshd.uri(podman.socket_path),
            known_hosts=str(tmp_path / "known_hosts"),
            **({"identity": str(sshd.client_key), "use_agent": False} | options),
        )
        proxy = ProxyThread(config)
        proxy.start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


def settled(proxy: ProxyThread, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while proxy.status().upstream_state is UpstreamState.CONNECTING:
        assert time.monotonic() < deadline
        tick.wait(0.02)
    return proxy.status()


def server_key(sshd) -> paramiko.PKey:
    kind, data = sshd.host_public_key.split()
    return paramiko.PKey.from_type_string(kind, __import__("base64").b64decode(data))


def ping(proxy: ProxyThread) -> str:
    return http_api.request(Endpoint.parse(proxy.endpoint), "GET", "/_ping")


def test_unknown_key_is_refused_without_accept_new_and_clients_get_502(run_proxy, tmp_path):
    proxy = run_proxy()
    status = settled(proxy)
    assert status.upstream_state is UpstreamState.FAILED
    assert "not known" in status.last_error and "--accept-new-host-key" in status.last_error
    with pytest.raises(ApiError) as refused:
        ping(proxy)
    assert refused.value.status == 502 and "not known" in refused.value.message
    assert not (tmp_path / "known_hosts").exists()


def test_accept_new_records_the_key_and_a_callback_can_accept_it(run_proxy, sshd, tmp_path):
    asked = []
    proxy = run_proxy(on_unknown_host_key=lambda info: asked.append(info) or True)
    assert ping(proxy) == "OK"
    assert asked[0].fingerprint == fingerprint(server_key(sshd))
    line = (tmp_path / "known_hosts").read_text()
    assert line == sshd.known_hosts_line()
    # Recorded: a second proxy needs neither the flag nor the callback.
    assert ping(run_proxy()) == "OK"


def test_changed_key_is_refused_with_both_fingerprints(run_proxy, sshd, tmp_path):
    impostor = paramiko.ECDSAKey.generate()
    old = paramiko.Ed25519Key.from_private_key_file(str(sshd.client_key))  # any other ed25519
    (tmp_path / "known_hosts").write_text(
        f"[127.0.0.1]:{sshd.port} {old.get_name()} {old.get_base64()}\n"
        f"[127.0.0.1]:{sshd.port} {impostor.get_name()} {impostor.get_base64()}\n"
    )
    proxy = run_proxy(accept_new_host_key=True)  # never overrides a changed key
    status = settled(proxy)
    assert status.upstream_state is UpstreamState.FAILED
    assert "CHANGED" in status.last_error
    assert fingerprint(old) in status.last_error
    assert fingerprint(server_key(sshd)) in status.last_error
    with pytest.raises(ApiError) as refused:
        ping(proxy)
    assert "CHANGED" in refused.value.message


def test_machine_connection_on_loopback_is_accepted_as_podman_does(run_proxy, tmp_path):
    proxy = run_proxy(is_machine=True)
    assert ping(proxy) == "OK"
    assert not (tmp_path / "known_hosts").exists()  # machines are not recorded


def test_encrypted_identity_asks_through_the_passphrase_hook(run_proxy, sshd, tmp_path):
    key = tmp_path / "id_enc"
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-N", "right", "-f", str(key)], check=True)
    with open(sshd.authorized_keys, "a") as keys:
        keys.write((tmp_path / "id_enc.pub").read_text())
    answers = iter(["wrong", "right"])
    asked = []

    def ask(path: str, retry: bool) -> str:
        asked.append((path, retry))
        return next(answers)

    proxy = run_proxy(identity=str(key), ask_passphrase=ask, is_machine=True)
    assert ping(proxy) == "OK"
    assert asked == [(str(key), False), (str(key), True)]


def test_login_through_ssh_agent(run_proxy, sshd, tmp_path, monkeypatch):
    agent_sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(agent_sock)], stdout=subprocess.DEVNULL)
    try:
        env = {"SSH_AUTH_SOCK": str(agent_sock), "PATH": "/usr/bin:/bin"}
        for _ in range(100):  # the agent has no readiness signal but its socket
            if agent_sock.exists():
                break
            threading.Event().wait(0.02)
        subprocess.run(["ssh-add", str(sshd.client_key)], env=env, check=True, capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(agent_sock))
        monkeypatch.setenv("HOME", str(tmp_path))  # no default ~/.ssh keys to fall back on
        proxy = run_proxy(identity=None, use_agent=True, is_machine=True)
        assert ping(proxy) == "OK"
    finally:
        agent.terminate()
        agent.wait(5)


def test_failed_login_waits_for_retry(run_proxy, sshd, tmp_path):
    key = tmp_path / "id_enc"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "pw", "-f", str(key)], check=True)
    with open(sshd.authorized_keys, "a") as keys:
        keys.write((tmp_path / "id_enc.pub").read_text())
    answers = iter([None, "pw"])  # the user cancels the dialog first
    proxy = run_proxy(identity=str(key), ask_passphrase=lambda *a: next(answers), is_machine=True)
    status = settled(proxy)
    assert status.upstream_state is UpstreamState.FAILED
    assert "No passphrase was given" in status.last_error
    proxy.retry()
    assert ping(proxy) == "OK"


def test_headless_cli_refuses_an_unknown_key_with_one_clear_line(podman, sshd, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.proxy.headless_cli",
            "--listen",
            f"unix://{tmp_path}/cli.sock",
            "--to",
            sshd.uri(podman.socket_path),
            "--identity",
            str(sshd.client_key),
            "--known-hosts",
            str(tmp_path / "known_hosts"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    assert "API forwarding listening on: unix://" in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert "not known" in last and "--accept-new-host-key" in last
    assert not (tmp_path / "cli.sock").exists()
