"""docs/rules.md is the catalogue of the programme's rule IDs, and it stays in step with the code.

- every rule ID the code, templates, tests and docs cite (`# TIER-3`) is a heading there;
- every heading is cited by at least one test (the ID in the test file, or a test named
  `test_tier_3_…`), unless its entry says "Status: not implemented" and why;
- every entry names its code and its tests, the files it names exist, and each test file it
  names does cite the rule;
- the decisions it points to (`D-…`) are headings of docs/decisions.md.

Only files inside the repository are read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"
DECISIONS = ROOT / "docs" / "decisions.md"
THIS_FILE = Path(__file__).resolve()

# A rule ID: PREFIX-N or PREFIX-SUB-N, neither preceded by a letter, digit or dash (so the
# GROUP-5 inside D-GROUP-5 is not read as a rule of its own) nor followed by a dash and a
# digit (a date pattern such as YYYY-02-01).
ID = re.compile(r"(?<![\w-])([A-Z]+(?:-[A-Z]+)?-\d+)\b(?!-\d)")
# Tokens shaped like a rule ID that are not rules. Decision IDs (D-…) are skipped by prefix.
NOT_RULES = frozenset({"UTF-8", "UTF-16", "SHA-256", "ISO-8601", "N-1", "N-2", "YEAR-2"})
SCANNED_SUFFIXES = frozenset({".py", ".html", ".js", ".css", ".md"})
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "staticfiles",
        "media",
        "test-artifacts",
        "locale",
    }
)

HEADING = re.compile(r"^#{2,6}\s+(.*)$", re.MULTILINE)
RULE_HEADING = re.compile(r"^([A-Z]+(?:-[A-Z]+)?-\d+)\b")
TEST_NAME = re.compile(r"\bdef (test_\w+)")
DECISION_REF = re.compile(r"(?<![\w-])(D-(?:[A-Z]+-)?\d+)\b")
NOT_IMPLEMENTED = re.compile(r"^(?:- )?Status: not implemented\W+\w", re.MULTILINE)
BACKTICKED = re.compile(r"`([^`\s]+)`")


@dataclass(frozen=True)
class Entry:
    rule: str
    title: str
    body: str

    def line(self, label: str) -> str | None:
        found = re.search(rf"^(?:- )?{label}:(.*)$", self.body, re.MULTILINE)
        return found.group(1) if found else None

    @property
    def not_implemented(self) -> bool:
        return bool(NOT_IMPLEMENTED.search(self.body))


def repository_files() -> Iterator[Path]:
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in SCANNED_SUFFIXES:
                yield path


def is_test_file(path: Path) -> bool:
    return path.name.startswith("test_") and path.suffix == ".py"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def rule_ids_in(text: str) -> set[str]:
    return {
        token for token in ID.findall(text) if not token.startswith("D-") and token not in NOT_RULES
    }


@cache
def catalogue() -> tuple[Entry, ...]:
    text = read(RULES)
    headings = list(HEADING.finditer(text))
    entries = []
    for here, after in zip(headings, [*headings[1:], None], strict=True):
        found = RULE_HEADING.match(here.group(1))
        if found is None:
            continue
        end = after.start() if after is not None else len(text)
        title = here.group(1)[found.end() :].strip()
        entries.append(Entry(found.group(1), title, text[here.end() : end]))
    return tuple(entries)


@cache
def citations() -> dict[str, set[str]]:
    """Rule ID → the repository files (relative paths) citing it, docs/rules.md excluded."""
    cited: dict[str, set[str]] = {}
    for path in repository_files():
        if path.resolve() in {RULES.resolve(), THIS_FILE}:
            continue
        for rule in rule_ids_in(read(path)):
            cited.setdefault(rule, set()).add(relative(path))
    return cited


@cache
def citations_in_tests() -> dict[str, set[str]]:
    """Rule ID → the test files naming it in their text or in a test's name."""
    prefixes = sorted({entry.rule.rsplit("-", 1)[0] for entry in catalogue()}, key=len)
    in_name = re.compile(
        r"(?:^|_)("
        + "|".join(p.lower().replace("-", "_") for p in reversed(prefixes))
        + r")_(\d+)(?=_|$)"
    )
    cited: dict[str, set[str]] = {}
    for path in repository_files():
        if not is_test_file(path) or path.resolve() == THIS_FILE:
            continue
        text = read(path)
        rules = rule_ids_in(text)
        for name in TEST_NAME.findall(text):
            for prefix, number in in_name.findall(name.removeprefix("test_")):
                rules.add(f"{prefix.upper().replace('_', '-')}-{number}")
        for rule in rules:
            cited.setdefault(rule, set()).add(relative(path))
    return cited


def test_the_catalogue_has_one_entry_per_rule() -> None:
    rules = [entry.rule for entry in catalogue()]
    assert rules, "docs/rules.md has no rule headings such as '### TIER-3 Annual rating'"
    repeated = sorted({rule for rule in rules if rules.count(rule) > 1})
    assert not repeated, f"rules with more than one heading in docs/rules.md: {repeated}"
    untitled = [entry.rule for entry in catalogue() if not entry.title]
    assert not untitled, f"headings without a title in docs/rules.md: {untitled}"


def test_every_rule_id_cited_in_the_repository_has_an_entry_in_the_catalogue() -> None:
    known = {entry.rule for entry in catalogue()}
    missing = {rule: sorted(files)[:3] for rule, files in citations().items() if rule not in known}
    assert not missing, (
        "rule IDs cited in the repository but missing from docs/rules.md "
        "(add an entry, or add the token to NOT_RULES if it is not a rule): "
        + "; ".join(f"{rule} in {', '.join(files)}" for rule, files in sorted(missing.items()))
    )


def test_every_rule_in_the_catalogue_is_cited_by_a_test_or_marked_not_implemented() -> None:
    cited = citations_in_tests()
    untested = [
        entry.rule for entry in catalogue() if entry.rule not in cited and not entry.not_implemented
    ]
    assert not untested, (
        "rules in docs/rules.md that no test names; write the test, or mark the entry "
        f"'Status: not implemented — <why>': {untested}"
    )


def test_every_entry_names_its_code_and_its_tests_and_they_exist() -> None:
    cited = citations_in_tests()
    problems = []
    for entry in catalogue():
        if entry.not_implemented:
            continue
        for label in ("Code", "Tests"):
            line = entry.line(label)
            if line is None:
                problems.append(f"{entry.rule}: no '{label}:' line")
                continue
            for name in BACKTICKED.findall(line):
                if "/" in name and not (ROOT / name).exists():
                    problems.append(f"{entry.rule}: {label} names {name}, which does not exist")
        tests_line = entry.line("Tests") or ""
        for name in BACKTICKED.findall(tests_line):
            if name.endswith(".py") and name not in cited.get(entry.rule, set()):
                problems.append(f"{entry.rule}: {name} is listed but does not name the rule")
    assert not problems, "docs/rules.md:\n" + "\n".join(problems)


def test_the_decisions_the_catalogue_points_to_exist() -> None:
    decisions = {
        found.group(1)
        for found in (DECISION_REF.match(heading) for heading in HEADING.findall(read(DECISIONS)))
        if found
    }
    referenced = set(DECISION_REF.findall(read(RULES)))
    assert referenced, "docs/rules.md points to no decision"
    assert referenced <= decisions, (
        f"docs/rules.md points to decisions docs/decisions.md lacks: {sorted(referenced - decisions)}"
    )
