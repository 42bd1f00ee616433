"""What a Kubernetes YAML file creates, read without a YAML library; Podman's reports;
the pod create body and command line."""

from __future__ import annotations

from app.engine.kube import KubeReport, load, preview
from app.engine.pod_spec import PodSpec, PublishedPort, name_problem, parse_labels

GENERATED = """\
# Save the output of this file and use kubectl create -f to import
# it into Kubernetes.
#
# Created with podman-4.3.1
apiVersion: v1
kind: Pod
metadata:
  annotations:
    io.podman.annotations.autoremove/web: "FALSE"
  labels:
    app: shop
  name: shop
spec:
  containers:
  - command:
    - sleep
    - "600"
    image: localhost/busybox:test
    name: web
    ports:
    - containerPort: 80
      hostIP: 127.0.0.1
      hostPort: 18080
    securityContext:
      capabilities: {}
  restartPolicy: Never
status: {}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # the back end
spec:
  replicas: 2
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
      - name: migrate
        image: 'quay.io/acme/api:1'
      containers:
      - name: server
        image: "quay.io/acme/api:1"
        args: ["-c", "echo # not a comment"]
        env:
        - name: GREETING
          value: |
            hello: world
            - not a list
---
kind: PersistentVolumeClaim
metadata:
  name: data
---
kind: Service
metadata: {name: shop}
"""


def test_the_preview_lists_kinds_names_containers_and_images() -> None:
    kube = preview(GENERATED)
    assert [(o.kind, o.name) for o in kube.objects] == [
        ("Pod", "shop"),
        ("Deployment", "api"),
        ("PersistentVolumeClaim", "data"),
    ]
    pod, deployment, claim = kube.objects
    assert [(c.name, c.image) for c in pod.containers] == [("web", "localhost/busybox:test")]
    assert [c.name for c in deployment.containers] == ["migrate", "server"]
    assert deployment.replicas == 2 and claim.containers == ()
    assert kube.pod_names == ["shop", "api-pod-0", "api-pod-1"]
    assert kube.skipped == ("Service “shop”: Podman does not create it.",)


def test_the_reader_keeps_values_whole() -> None:
    document = GENERATED.split("---\n")[1]
    data = load(document)
    server = data["spec"]["template"]["spec"]["containers"][0]
    assert server["args"] == ["-c", "echo # not a comment"]
    assert server["env"][0]["value"] == "hello: world\n- not a list"
    assert data["spec"]["template"]["metadata"] == {"labels": {"app": "api"}}
    assert load(GENERATED.split("---\n")[0])["spec"]["containers"][0]["command"] == [
        "sleep",
        "600",
    ]


def test_an_unreadable_document_is_named_not_fatal() -> None:
    kube = preview("kind: Pod\nmetadata:\n  name: ok\n---\nkind: Pod\n   bad: indent\n")
    assert [o.name for o in kube.objects] == ["ok"]
    assert kube.skipped[0].startswith("Document 2 could not be read")


def test_podmans_reports_are_read() -> None:
    played = KubeReport.from_api(
        {
            "Pods": [{"ID": "p1", "Containers": ["c1"], "ContainerErrors": ["port taken"]}],
            "Volumes": [{"Name": "data"}],
        }
    )
    assert played.pods[0].containers == ("c1",) and played.pods[0].errors == ("port taken",)
    assert played.volumes == ("data",)
    down = KubeReport.from_api({"StopReport": [{"Errs": None, "Id": "p1"}], "RmReport": [
        {"Err": None, "Id": "p1"}]})  # fmt: skip
    assert down.removed == ("p1",) and down.errors == ()


def test_the_pod_spec_body_and_command() -> None:
    spec = PodSpec(
        "web",
        (PublishedPort(80, 8080, "127.0.0.1"), PublishedPort(53, 0, "", "udp")),
        ("net",),
        labels={"tier": "front"},
    )
    assert spec.body() == {
        "name": "web",
        "labels": {"tier": "front"},
        "portmappings": [
            {"container_port": 80, "protocol": "tcp", "host_port": 8080, "host_ip": "127.0.0.1"},
            {"container_port": 53, "protocol": "udp"},
        ],
        "shared_namespaces": ["net"],
    }
    assert spec.command() == (
        "podman pod create --name=web --publish=127.0.0.1:8080:80 --publish=53/udp "
        "--share=net --label=tier=front"
    )
    assert PodSpec("x", shared=()).body()["shared_namespaces"] == ["none"]
    assert PodSpec("x", shared=()).command() == "podman pod create --name=x --share=none"
    assert PublishedPort(80, 0, "::1").flag() == "[::1]::80"
    assert name_problem("web", {"web"}) and name_problem("-web") and not name_problem("w.e_b-1")
    assert parse_labels("a=1, b\nc = 3") == ({"a": "1", "b": "", "c": "3"}, "")
