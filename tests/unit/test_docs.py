"""The repository stands on its own: every document a file cites is in docs/, every
section cited by name exists, and nothing cites the team's notes outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist"}
# A citation: docs/NAME.md, then optionally a section name in quotes, written
# `docs/x.md, "Section"` or `docs/x.md ("Section")`.
CITATION = re.compile(r'docs/([\w.-]+\.md)(?:(?:,\s*|\s*\()"([^"]+)")?')
# The team's notes, kept outside the repository.
OUTSIDE = re.compile(r"\b(?:DESIGN|REFERENCE|STYLE)\.md\b|\.\./shared/")
LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def _text_files() -> list[Path]:
    """Every text file of the repository but this one (its examples are not citations)."""
    files = []
    for path in REPO.rglob("*"):
        if path == Path(__file__).resolve():
            continue
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(REPO).parts):
            try:
                path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            files.append(path)
    return files


def _flat(text: str) -> str:
    """Lines joined, comment markers dropped, so a section name may wrap in a comment."""
    return re.sub(r"\s*\n\s*(?:#+\s*)?", " ", text)


def _headings(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.lstrip("#").strip() for line in lines if line.startswith("#")}


def test_every_cited_document_and_section_exists():
    problems, cited = [], 0
    for path in _text_files():
        for match in CITATION.finditer(_flat(path.read_text(encoding="utf-8"))):
            cited += 1
            doc, section = REPO / "docs" / match[1], match[2]
            where = path.relative_to(REPO)
            if not doc.is_file():
                problems.append(f"{where}: cites docs/{match[1]}, which does not exist")
            elif section and section not in _headings(doc):
                problems.append(f'{where}: cites docs/{match[1]}, "{section}": no such heading')
    assert cited > 10, "found almost no citations: is the pattern still right?"
    assert not problems, "\n".join(problems)


def test_nothing_cites_notes_outside_the_repository():
    found = []
    for path in _text_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_links_between_documents_resolve():
    broken = []
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if "://" not in target and not (doc.parent / target).is_file():
                broken.append(f"{doc.relative_to(REPO)} links to {target}")
    assert not broken, "\n".join(broken)


def test_the_citation_pattern_reads_both_spellings():
    text = 'see (docs/architecture.md, "Ports") and docs/podman-notes.md ("Events are hints")'
    assert [m.groups() for m in CITATION.finditer(text)] == [
        ("architecture.md", "Ports"),
        ("podman-notes.md", "Events are hints"),
    ]
    wrapped = _flat('# (docs/podman-notes.md, "Podman 4.3 rewrites\n    # ssh:// socket paths")')
    assert CITATION.search(wrapped)[2] == "Podman 4.3 rewrites ssh:// socket paths"
