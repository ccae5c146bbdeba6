"""Every document the code and the docs refer to is in the checkout, and so is every section they cite.

Scans every ``.py`` and ``.md`` file git knows (tracked, or new and not ignored) for:

* paths of Markdown files (``docs/dns.md``, ``bench/RESULTS.md``, or a page's name from a page beside it), bare or
  as a Markdown link, with an optional ``#anchor``: the file must exist (beside the citing file or from the
  repository root) and so must the anchor (the GitHub slug of one of its headings, or an ``<a id>``);
* section citations (a section sign, a number such as 2.4, optionally "item 9"): the section must be a numbered
  heading of the document the citation belongs to, the one named before it on its line (or the target of the link
  whose text holds it), else docs/behaviour-reference.md; "item N" must be in that section's numbered list;
* citations of the specification that is not in the repository ("spec" right before a section number).

The conventions are stated at the top of docs/behaviour-reference.md. This file is not scanned: its examples cite
missing files and sections on purpose.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCUMENT = ROOT / "docs" / "behaviour-reference.md"
S = "\u00a7"  # the section sign, spelt out so that this file cites nothing itself

LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
MD_PATH = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w-][\w.-]*\.md)(?:#([\w-]+))?(?!\w)")
CITATION = re.compile(S + r"(\d+(?:\.\d+)*)(?:\s+item\s+(\d+))?")
STALE_CITATION = re.compile(r"\b[Ss]pec(?:ification)?,?\s+" + S + r"\d")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
NUMBERED_HEADING = re.compile(r"(\d+(?:\.\d+)*)\.?(?:\s|$)")
LIST_ITEM = re.compile(r"^\s{0,3}(\d+)\.\s")


@dataclass
class Document:
    anchors: set[str] = field(default_factory=set)
    sections: dict[str, set[str]] = field(default_factory=dict)  # section number -> its numbered list items


def github_slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def read_document(path: Path) -> Document:
    """The anchors, numbered sections and their list items of a Markdown file."""
    doc = Document()
    seen: dict[str, int] = {}
    open_sections: list[tuple[int, str]] = []  # (heading level, number) of the sections the line is in
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        doc.anchors.update(EXPLICIT_ANCHOR.findall(line))
        heading = HEADING.match(line)
        if heading:
            level, text = len(heading.group(1)), heading.group(2)
            slug = github_slug(text)
            doc.anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
            open_sections = [(lvl, num) for lvl, num in open_sections if lvl < level]
            number = NUMBERED_HEADING.match(text)
            if number:
                open_sections.append((level, number.group(1)))
                doc.sections.setdefault(number.group(1), set())
            continue
        item = LIST_ITEM.match(line)
        if item and open_sections:
            doc.sections[open_sections[-1][1]].add(item.group(1))
    return doc


def resolve(citing: Path, target: str) -> Path | None:
    """The Markdown file ``target`` names from ``citing``: beside it, else from the repository root."""
    for base in (citing.parent, ROOT):
        candidate = (base / target).resolve()
        if candidate.is_file() and candidate.is_relative_to(ROOT):
            return candidate
    return None


def problems(path: Path, text: str) -> list[str]:
    """What in ``text`` (the content of ``path``) refers to a file, anchor or section that does not exist."""
    return [
        f"{path.relative_to(ROOT)}:{number}: {problem}"
        for number, line in enumerate(text.splitlines(), 1)
        for problem in line_problems(path, line)
    ]


def line_problems(path: Path, line: str) -> list[str]:
    found: list[str] = []
    if STALE_CITATION.search(line):
        found.append(
            "cites the specification, which is not in the repository; cite docs/behaviour-reference.md instead: "
            + line.strip()
        )
    events: list[tuple[int, str, object]] = []  # (position, kind, payload), handled in line order
    masked = list(line)

    def document(target: str, anchor: str | None, start: int, end: int) -> None:
        doc = path if not target else resolve(path, target)
        if doc is None:
            found.append(f"no file {target} in the checkout")
        elif anchor and anchor not in read_document(doc).anchors:
            found.append(f"{doc.relative_to(ROOT)} has no heading or anchor #{anchor}")
        events.append((start, "document", doc))
        masked[start:end] = " " * (end - start)

    for link in LINK.finditer(line):
        target, _, anchor = link.group(2).partition("#")
        if target.endswith(".md") or (not target and anchor):
            for cite in CITATION.finditer(link.group(1)):
                events.append((link.start() + 1 + cite.start(), "citation", cite))
            document(target, anchor or None, link.start(), link.end())
    for ref in MD_PATH.finditer("".join(masked)):
        document(ref.group(1), ref.group(2), ref.start(), ref.end())
    events += [(cite.start(), "citation", cite) for cite in CITATION.finditer("".join(masked))]

    cited: Path | None = DEFAULT_DOCUMENT
    for _, kind, payload in sorted(events, key=lambda event: (event[0], event[1] == "citation")):
        if kind == "document":
            cited = payload  # type: ignore[assignment]
            continue
        if cited is None:
            continue  # it belongs to a file that does not exist, already reported
        section, item = payload.group(1), payload.group(2)  # type: ignore[union-attr]
        sections = read_document(cited).sections
        if section not in sections:
            found.append(f"{cited.relative_to(ROOT)} has no section {S}{section}")
        elif item and item not in sections[section]:
            found.append(f"{cited.relative_to(ROOT)} {S}{section} has no item {item}")
    return found


def repository_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py", "*.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / name for name in sorted(set(listing.split("\0"))) if name and (ROOT / name).is_file()]


def test_every_reference_resolves_inside_the_checkout():
    files = repository_files()
    assert ROOT / "docs" / "behaviour-reference.md" in files
    assert len(files) > 100, "git listed too few files: is this a checkout?"
    files.remove(Path(__file__).resolve())
    found = [problem for path in files for problem in problems(path, path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def test_the_behaviour_reference_numbers_its_sections_and_the_known_bugs():
    sections = read_document(DEFAULT_DOCUMENT).sections
    assert {"2.4", "3.2", "5.3", "6.4", "6.6"} <= set(sections)
    assert sections["6.4"] == {str(n) for n in range(1, 20)}


CODE = ROOT / "netbox_wmf_ops" / "example.py"
PAGE = ROOT / "docs" / "example.md"


def test_a_section_the_reference_lacks_is_reported():
    assert problems(CODE, f"# docs/behaviour-reference.md {S}2.4 step 7") == []
    assert problems(CODE, f"# see {S}9.9") == [
        f"netbox_wmf_ops/example.py:1: docs/behaviour-reference.md has no section {S}9.9"
    ]
    assert problems(CODE, f"# docs/behaviour-reference.md {S}6.4 item 99") == [
        f"netbox_wmf_ops/example.py:1: docs/behaviour-reference.md {S}6.4 has no item 99"
    ]


def test_a_citation_belongs_to_the_document_named_before_it_on_its_line():
    # docs/dns.md has no numbered sections: the citation after it is its, and fails.
    assert problems(CODE, f"# docs/dns.md {S}3.3") == [
        f"netbox_wmf_ops/example.py:1: docs/dns.md has no section {S}3.3"
    ]
    assert problems(CODE, f"# docs/behaviour-reference.md {S}3.3, see docs/dns.md") == []
    assert problems(PAGE, f"[{S}6.4](behaviour-reference.md#64-known-bugs-and-quirks-of-the-originals) item 9") == []
    assert problems(PAGE, f"[behaviour reference](behaviour-reference.md) {S}2.6, {S}6.4 item 14") == []


def test_missing_files_and_anchors_are_reported():
    assert problems(CODE, "# see docs/nowhere.md") == [
        "netbox_wmf_ops/example.py:1: no file docs/nowhere.md in the checkout"
    ]
    assert problems(PAGE, "[Removal guard](scripts.md#removal-guard), [dns](dns.md#the-icinga-check)") == []
    assert problems(PAGE, "[dns](dns.md#no-such-heading)") == [
        "docs/example.md:1: docs/dns.md has no heading or anchor #no-such-heading"
    ]
    assert problems(CODE, "hashlib.md5(name)  # not a document") == []


def test_a_citation_of_the_out_of_tree_specification_is_reported():
    (problem,) = problems(CODE, f"# spec {S}2.4")
    assert "cites the specification, which is not in the repository" in problem
