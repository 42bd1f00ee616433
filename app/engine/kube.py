"""Kubernetes YAML as Podman plays it: what a file would create, read before it is sent
(kinds, names, containers and images), and what Podman reports after playing or tearing
it down. Plain data, no I/O.

The app has no YAML library; the reader below understands the block style Kubernetes
files are written in (mappings, sequences, quoted and plain scalars, block scalars,
comments, several documents), which is all a preview needs. Podman parses the file
itself when it is played, so a construct this reader skips costs only a preview line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The kinds Podman 4.3's `kube play` acts on (others are skipped by Podman).
PLAYED_KINDS = ("Pod", "Deployment", "PersistentVolumeClaim", "ConfigMap")
_DOCUMENT_BREAK = re.compile(r"^(---|\.\.\.)\s*(#.*)?$")


# -- what a file creates ------------------------------------------------------------------


@dataclass(frozen=True)
class KubeContainer:
    name: str
    image: str


@dataclass(frozen=True)
class KubeObject:
    """One document of the file."""

    kind: str
    name: str
    containers: tuple[KubeContainer, ...] = ()
    replicas: int | None = None

    @property
    def pod_names(self) -> tuple[str, ...]:
        """The pods Podman makes of it: a Pod's own name; for a Deployment one pod per
        replica, ``NAME-pod-0``, ``NAME-pod-1``… (docs/podman-notes.md, "Pods and
        Kubernetes YAML")."""
        if self.kind == "Pod":
            return (self.name,)
        if self.kind == "Deployment":
            return tuple(f"{self.name}-pod-{i}" for i in range(max(self.replicas or 1, 1)))
        return ()


@dataclass(frozen=True)
class KubePreview:
    objects: tuple[KubeObject, ...]
    skipped: tuple[str, ...] = ()  # documents Podman will not act on, or could not be read

    @property
    def pod_names(self) -> list[str]:
        return [name for o in self.objects for name in o.pod_names]


def preview(text: str) -> KubePreview:
    """What playing ``text`` creates."""
    objects, skipped = [], []
    for number, document in enumerate(split_documents(text), start=1):
        try:
            data = load(document)
        except ValueError as exc:
            skipped.append(f"Document {number} could not be read: {exc}")
            continue
        if not isinstance(data, dict):
            if data not in (None, "", [], {}):
                skipped.append(f"Document {number} is not a Kubernetes object.")
            continue
        kind = str(data.get("kind") or "")
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        name = str(metadata.get("name") or "")
        if kind not in PLAYED_KINDS:
            what = kind or "An object without a kind"
            skipped.append(f"{what} “{name}”: Podman does not create it.")
            continue
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        replicas = None
        if kind == "Deployment":
            replicas = _int(spec.get("replicas"))
            template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
            spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
        containers = tuple(
            KubeContainer(str(c.get("name") or ""), str(c.get("image") or ""))
            for key in ("initContainers", "containers")
            for c in (spec.get(key) or [])
            if isinstance(c, dict)
        )
        if kind not in ("Pod", "Deployment"):
            containers = ()
        objects.append(KubeObject(kind, name, containers, replicas))
    return KubePreview(tuple(objects), tuple(skipped))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- what Podman reports ------------------------------------------------------------------


@dataclass(frozen=True)
class PlayedPod:
    id: str
    containers: tuple[str, ...]
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class KubeReport:
    """Podman's answer to play (pods made) or tear down (pods stopped and removed)."""

    pods: tuple[PlayedPod, ...] = ()
    volumes: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # pod ids a tear-down removed
    errors: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> KubeReport:
        data = data if isinstance(data, dict) else {}
        pods = tuple(
            PlayedPod(
                str(p.get("ID") or ""),
                tuple(str(c) for c in p.get("Containers") or ()),
                tuple(str(e) for e in p.get("ContainerErrors") or ()),
            )
            for p in data.get("Pods") or ()
        )
        volumes = tuple(str(v.get("Name") or "") for v in data.get("Volumes") or ())
        removed = tuple(str(r.get("Id") or "") for r in data.get("RmReport") or ())
        errors = [str(r["Err"]) for r in data.get("RmReport") or () if r.get("Err")]
        for stop in data.get("StopReport") or ():
            errors += [str(e) for e in stop.get("Errs") or ()]
        return cls(pods, volumes, removed, tuple(errors))


# -- a small YAML reader -----------------------------------------------------------------


def split_documents(text: str) -> list[str]:
    documents, current = [], []
    for line in text.splitlines():
        if _DOCUMENT_BREAK.match(line):
            documents.append("\n".join(current))
            current = []
        else:
            current.append(line)
    documents.append("\n".join(current))
    return [d for d in documents if d.strip()]


def load(document: str) -> Any:
    """One block-style YAML document as dicts, lists and strings; ValueError if it is
    not the kind of YAML this reader knows."""
    lines = []
    for raw in document.splitlines():
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise ValueError("tabs in indentation")
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            lines.append((len(raw) - len(raw.lstrip()), "", raw))
            continue
        lines.append((len(raw) - len(raw.lstrip()), _strip_comment(stripped), raw))
    reader = _Reader(lines)
    reader.skip_blank()
    if reader.done():
        return None
    value = reader.block(reader.indent())
    reader.skip_blank()
    if not reader.done():
        raise ValueError(f"unexpected indentation on “{reader.lines[reader.i][1]}”")
    return value


def _strip_comment(text: str) -> str:
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " :-[{,"):
            quote = ch
        elif ch == "#" and i > 0 and text[i - 1] == " ":
            return text[:i].rstrip()
    return text


class _Reader:
    def __init__(self, lines: list[tuple[int, str, str]]) -> None:
        self.lines = lines
        self.i = 0

    def done(self) -> bool:
        return self.i >= len(self.lines)

    def skip_blank(self) -> None:
        while not self.done() and not self.lines[self.i][1]:
            self.i += 1

    def indent(self) -> int:
        return self.lines[self.i][0]

    def block(self, indent: int) -> Any:
        self.skip_blank()
        text = self.lines[self.i][1]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def sequence(self, indent: int) -> list:
        items: list[Any] = []
        while True:
            self.skip_blank()
            if self.done():
                return items
            level, text, raw = self.lines[self.i]
            if level != indent or not (text == "-" or text.startswith("- ")):
                return items
            rest = text[1:].lstrip()
            if not rest:
                self.i += 1
                items.append(self.nested(indent))
                continue
            # "- key: value" opens a mapping whose keys line up with "key".
            inner = indent + (len(text) - len(rest))
            self.lines[self.i] = (inner, rest, raw)
            if rest.startswith("- ") or _split_key(rest) is not None:
                items.append(self.block(inner))
            else:
                self.i += 1
                items.append(_scalar(rest))

    def mapping(self, indent: int) -> dict:
        result: dict[str, Any] = {}
        while True:
            self.skip_blank()
            if self.done():
                return result
            level, text, _raw = self.lines[self.i]
            if level < indent or text == "-" or text.startswith("- "):
                return result
            if level > indent:
                raise ValueError(f"unexpected indentation on “{text}”")
            pair = _split_key(text)
            if pair is None:
                raise ValueError(f"“{text}” is not a key: value pair")
            key, rest = pair
            self.i += 1
            if rest in ("", "|", ">") or rest[:1] in "|>" and rest[1:].strip("+-0123456789") == "":
                if rest:
                    result[key] = self.block_scalar(indent)
                else:
                    result[key] = self.nested(indent, same_level_sequence=True)
            else:
                result[key] = _scalar(rest)

    def nested(self, indent: int, same_level_sequence: bool = False) -> Any:
        self.skip_blank()
        if self.done():
            return None
        level, text, _raw = self.lines[self.i]
        if level > indent:
            return self.block(level)
        if same_level_sequence and level == indent and (text == "-" or text.startswith("- ")):
            return self.sequence(level)
        return None

    def block_scalar(self, indent: int) -> str:
        parts = []
        while not self.done():
            level, text, raw = self.lines[self.i]
            if text and level <= indent:
                break
            parts.append(raw.strip())
            self.i += 1
        return "\n".join(parts).strip("\n")


def _split_key(text: str) -> tuple[str, str] | None:
    if text[:1] in "'\"":
        end = text.find(text[0], 1)
        if end < 0 or text[end + 1 : end + 2] != ":":
            return None
        return text[1:end], text[end + 2 :].strip()
    match = re.search(r":(\s|$)", text)
    if match is None or text[:1] in "[{":
        return None
    key = text[: match.start()].strip()
    return (key, text[match.end() :].strip()) if key else None


def _scalar(text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    if text == "{}":
        return {}
    if text == "[]":
        return []
    if text.startswith("{") and text.endswith("}"):
        pairs = (_split_key(part.strip()) for part in text[1:-1].split(","))
        return {pair[0]: _scalar(pair[1]) for pair in pairs if pair is not None}
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(part.strip()) for part in text[1:-1].split(",") if part.strip()]
    if text in ("null", "~"):
        return None
    return text
