"""Every import under app/ follows the layer rules in docs/layers.ini.

The rules are read from that file (configparser: no third-party parser, and tomllib is
missing on Python 3.10); the imports are read with ``ast`` from every module's source, at
module level and inside functions, ``import x`` and ``from x import y`` alike, relative
imports resolved. Nothing under app/ is imported to check it. docs/architecture.md,
"Layers", explains the rules; the checker's own tests plant violations in small sources
so that the real check cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import configparser
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app"
RULES_FILE = REPO / "docs" / "layers.ini"


# -- the rules ---------------------------------------------------------------------------


def matches(pattern: str, name: str) -> bool:
    """``app.engine.*`` is the package and all under it; ``app.cli`` is that name alone."""
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return name == base or name.startswith(base + ".")
    return name == pattern


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]
    may_import: tuple[str, ...]
    lazy_import: tuple[str, ...]
    also_import: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    layers: dict[str, Layer]  # in the file's order, lowest first
    libraries: dict[str, tuple[str, ...]]  # top-level package -> layers that may import it

    def layer_of(self, module: str) -> Layer | None:
        """The layer whose most specific pattern matches ``module``."""
        best: tuple[int, Layer] | None = None
        for layer in self.layers.values():
            for pattern in layer.modules:
                if matches(pattern, module) and (best is None or len(pattern) > best[0]):
                    best = (len(pattern), layer)
        return best[1] if best else None


def load_rules(text: str) -> Rules:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # library names keep their case (PySide6)
    parser.read_string(text)
    layers = {}
    for name in parser.sections():
        if name == "libraries":
            continue
        section = parser[name]
        layers[name] = Layer(
            name=name,
            modules=tuple(section.get("modules", "").split()),
            may_import=tuple(section.get("may_import", "").split()),
            lazy_import=tuple(section.get("lazy_import", "").split()),
            also_import=tuple(section.get("also_import", "").split()),
        )
    libraries = {}
    if parser.has_section("libraries"):
        libraries = {lib: tuple(v.split()) for lib, v in parser["libraries"].items()}
    return Rules(layers, libraries)


# -- reading imports ---------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute; for ``from pkg import submodule``, the submodule
    names: tuple[str, ...]  # what ``from module import ...`` takes; () for ``import module``
    lazy: bool  # inside a function: runs when called, not when the module loads


def module_path(module: str, root: Path = APP.parent) -> Path | None:
    """The file of an importable module under ``root``, or None."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path, root: Path = APP.parent) -> tuple[str, bool]:
    """(dotted name, is a package) of a source file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.depth = 0
        self.found: list[Import] = []

    def visit_FunctionDef(self, node: ast.AST) -> None:  # noqa: N802
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802
        for alias in node.names:
            self.found.append(Import(node.lineno, alias.name, (), self.depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802
        base = self._absolute(node)
        plain = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            if alias.name != "*" and module_path(sub) is not None:
                self.found.append(Import(node.lineno, sub, (), self.depth > 0))
            else:
                plain.append(alias.name)
        if plain:
            self.found.append(Import(node.lineno, base, tuple(plain), self.depth > 0))

    def _absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        parts = self.package.split(".")
        if node.level - 1 >= len(parts):
            raise ValueError(f"line {node.lineno}: relative import beyond the top package")
        parts = parts[: len(parts) - (node.level - 1)]
        return ".".join(parts + ([node.module] if node.module else []))


def read_imports(source: str, module: str, is_package: bool = False) -> list[Import]:
    collector = _Collector(module, is_package)
    collector.visit(ast.parse(source))
    return collector.found


# -- judging them ------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    line: int
    message: str


def check(rules: Rules, module: str, imports: list[Import]) -> list[Violation]:
    layer = rules.layer_of(module)
    if layer is None:
        return [Violation(1, f"{module} belongs to no layer: add it to docs/layers.ini")]
    found = []
    for imp in imports:
        message = _judge(rules, layer, imp)
        if message:
            found.append(Violation(imp.line, message))
    return found


def _judge(rules: Rules, layer: Layer, imp: Import) -> str:
    top = imp.module.split(".")[0]
    if top != "app":
        allowed = rules.libraries.get(top)
        if allowed is None or layer.name in allowed:
            return ""
        return f"{layer.name} may not import {imp.module} [libraries: {top} = {' '.join(allowed)}]"
    what = imp.module + (f" ({', '.join(imp.names)})" if imp.names else "")
    target = rules.layer_of(imp.module)
    if target is None:
        return f"{layer.name} imports {what}, which belongs to no layer"
    if target is layer or target.name in layer.may_import:
        return ""
    if target.name in layer.lazy_import:
        if imp.lazy:
            return ""
        return (
            f"{layer.name} may import {what} only inside a function "
            f"[{layer.name}: lazy_import = {' '.join(layer.lazy_import)}]"
        )
    if imp.names:
        refused = [n for n in imp.names if not _also(layer, f"{imp.module}.{n}")]
        if not refused:
            return ""
        what = f"{imp.module} ({', '.join(refused)})"
    elif _also(layer, imp.module):
        return ""
    also = f"; {layer.name}: also_import" if layer.also_import else ""
    return (
        f"{layer.name} may not import {what} of the {target.name} layer "
        f"[{layer.name}: may_import = {' '.join(layer.may_import)}{also}]"
    )


def _also(layer: Layer, name: str) -> bool:
    return any(matches(pattern, name) for pattern in layer.also_import)


def check_tree(rules: Rules, root: Path = APP) -> tuple[list[str], int]:
    """Every violation under ``root`` as ``path:line: message``, and the modules read."""
    report, count = [], 0
    for path in sorted(root.rglob("*.py")):
        module, is_package = module_name(path)
        imports = read_imports(path.read_text(encoding="utf-8"), module, is_package)
        count += 1
        for v in check(rules, module, imports):
            report.append(f"{path.relative_to(REPO)}:{v.line}: {v.message}")
    return report, count


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(RULES_FILE.read_text(encoding="utf-8"))


# -- the real tree -----------------------------------------------------------------------


def test_every_import_under_app_follows_the_layers(rules):
    report, modules = check_tree(rules)
    assert modules > 50, f"read only {modules} modules under {APP}"
    assert not report, f"{len(report)} import(s) against docs/layers.ini:\n" + "\n".join(report)


def test_the_rules_let_imports_flow_one_way(rules):
    """A layer names only layers declared before it, so the rules themselves form no cycle."""
    seen: set[str] = set()
    for layer in rules.layers.values():
        for key in ("may_import", "lazy_import"):
            later = set(getattr(layer, key)) - seen
            assert not later, f"[{layer.name}] {key} names {sorted(later)}, not declared before it"
        assert layer.modules, f"[{layer.name}] has no modules"
        seen.add(layer.name)
    for lib, layers in rules.libraries.items():
        unknown = set(layers) - seen
        assert not unknown, f"[libraries] {lib} names unknown layers {sorted(unknown)}"
    for qt in ("PySide6", "qasync"):
        assert not set(rules.libraries[qt]) & {"base", "support", "engine", "proxy"}


def test_every_name_the_rules_allow_exists(rules):
    """An also_import entry for a moved or renamed record fails here instead of lingering."""
    for layer in rules.layers.values():
        for pattern in layer.also_import:
            if pattern.endswith(".*"):
                assert module_path(pattern[:-2]), f"[{layer.name}] {pattern}: no such module"
                continue
            if module_path(pattern):
                continue
            owner, _, name = pattern.rpartition(".")
            path = module_path(owner)
            assert path, f"[{layer.name}] {pattern}: no module {owner}"
            defined = _top_level_names(path)
            assert name in defined, f"[{layer.name}] {pattern}: {owner} has no {name}"


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


# -- the checker itself: planted sources -------------------------------------------------

PLANTED = [
    # (module, is_package, source, words the one violation must contain)
    ("app.engine.client", False, "from PySide6.QtCore import QObject\n", "libraries: PySide6"),
    ("app.support.log", False, "def f():\n    import qasync\n", "libraries: qasync"),
    ("app.proxy.pump", False, "import PySide6.QtNetwork\n", "may not import PySide6.QtNetwork"),
    ("app.engine.dto", False, "from app.models import dots\n", "app.models.dots of the models"),
    ("app.engine.dto", False, "from app.proxy.status import ProxyState\n", "(ProxyState)"),
    ("app.support.paths", False, "from app.engine import errors\n", "support: may_import"),
    ("app.models.dots", False, "from app.controllers.session import Session\n", "(Session)"),
    ("app.controllers.session", False, "import app.ui.main_window\n", "of the ui layer"),
    ("app.ui.sidebar", False, "from app.engine.client import Client\n", "engine.client (Client)"),
    ("app.ui.sidebar", False, "from app.engine import http_api\n", "app.engine.http_api of"),
    ("app.ui.sidebar", False, "def f():\n    from app.engine.streams import logs\n", "logs of"),
    ("app.ui.sidebar", False, "from ..engine.cli import podman_cli\n", "cli.podman_cli of"),
    ("app.ui.inspector", True, "from ...proxy import proxy_thread\n", "proxy.proxy_thread of"),
    ("app.ui.sidebar", False, "import paramiko\n", "libraries: paramiko = proxy"),
    (
        "app.ui.sidebar",
        False,
        "from app.proxy.host_keys import HostKeyInfo, HostKeyPolicy\n",
        "host_keys (HostKeyPolicy) of",
    ),
    ("app.ui.sidebar", False, "import app.proxy.host_keys\n", "app.proxy.host_keys of"),
    ("app.controllers.session", False, "import requests\n", "libraries: requests = engine"),
    ("app.cli", False, "from app.application import run_gui\n", "only inside a function"),
    ("app.cli", False, "def f():\n    from app.ui import theme\n", "app.ui.theme of the ui"),
    ("app.__main__", False, "import app.ui.main_window\n", "entry may not import"),
]


@pytest.mark.parametrize("module, is_package, source, words", PLANTED)
def test_the_checker_catches_a_planted_violation(rules, module, is_package, source, words):
    found = check(rules, module, read_imports(source, module, is_package))
    assert len(found) == 1, found
    assert words in found[0].message
    assert found[0].line == source.count("\n", 0, source.index("import")) + 1


ALLOWED = [
    ("app.support.paths", False, "from app import APP_ID\n"),
    ("app.engine.client", False, "from app.engine.dto import VersionInfo\nimport podman\n"),
    ("app.engine.streams.events", False, "from ..http_api import open_stream\n"),
    ("app.proxy.uris", False, "from app.engine.endpoint import Endpoint\nimport paramiko\n"),
    ("app.models.container_model", False, "from PySide6.QtCore import Qt\n"),
    ("app.controllers.session", False, "from app.engine.client import Client\n"),
    ("app.ui.sidebar", False, "from app.engine.dto import ContainerSummary\n"),
    ("app.ui.sidebar", False, "from app.engine import errors\nimport app.engine.endpoint\n"),
    ("app.ui.sidebar", False, "from app.proxy.host_keys import HostKeyInfo\n"),
    ("app.ui.inspector", True, "from . import ansi\nfrom ...models import humanize\n"),
    ("app.cli", False, "def main():\n    from app.application import run_gui\n"),
    ("app.application", False, "from app.ui.main_window import MainWindow\nimport qasync\n"),
]


@pytest.mark.parametrize("module, is_package, source", ALLOWED)
def test_the_checker_lets_allowed_imports_through(rules, module, is_package, source):
    assert check(rules, module, read_imports(source, module, is_package)) == []


def test_a_module_outside_every_layer_is_reported(rules):
    found = check(rules, "app.somewhere_new", [])
    assert found and "belongs to no layer" in found[0].message


def test_relative_imports_resolve_against_the_package():
    source = "from . import ansi\nfrom ...models import dots\n"
    imports = read_imports(source, "app.ui.inspector", is_package=True)
    assert [i.module for i in imports] == ["app.ui.inspector.ansi", "app.models.dots"]
    imports = read_imports("from .resource_view import ResourceView\n", "app.ui.pods_view")
    assert imports == [Import(1, "app.ui.resource_view", ("ResourceView",), False)]
