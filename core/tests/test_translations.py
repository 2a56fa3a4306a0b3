"""Every message a staff user can see goes through gettext, and the zh-hans catalogue
translates all of them (the UI is Chinese by default).

Two guards:

- the source: an error raised for a person to read (``DomainError``, ``Http404``,
  ``ValidationError``) may not be given a plain string or f-string; it takes
  ``_("… %(name)s …") % {...}`` (or a message that is already one: a variable, a call);
- the catalogue: no entry is fuzzy or empty, every translation keeps the placeholders of
  its source, and the compiled ``.mo`` is the ``.po`` as it is now.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
# config and the project's own apps (core and the domain apps), as INSTALLED_APPS lists them.
APPS = ("config", *(app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()))
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"

# Exceptions whose message is shown to a staff user: the error line of a form or a page
# (DomainError), the 404 page (Http404, templates/404.html shows it) and API errors.
USER_FACING_ERRORS = frozenset({"DomainError", "Http404", "ValidationError"})
GETTEXT_CALLS = frozenset(
    {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
)


# --- the source -------------------------------------------------------------------------


def _project_files() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _untranslated(node: ast.AST) -> bool:
    """True for text that reaches the user as written: a string constant, an f-string, or
    one formatted with ``%``, ``+`` or ``.format()`` without passing through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.strip() != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _untranslated(node.left) or (
            isinstance(node.op, ast.Add) and _untranslated(node.right)
        )
    if isinstance(node, ast.Call) and _call_name(node) == "format":
        return isinstance(node.func, ast.Attribute) and _untranslated(node.func.value)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, ast.Dict):  # ValidationError({"field": message})
        return any(_untranslated(value) for value in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(_untranslated(item) for item in node.elts)
    return False


def untranslated_errors(source: str) -> list[tuple[int, str]]:
    """(line, exception) of each user-facing error raised with untranslated text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _call_name(node) not in USER_FACING_ERRORS:
            continue
        message = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg in {"message", "detail"}:
                message = keyword.value
        if message is not None and _untranslated(message):
            found.append((node.lineno, _call_name(node)))
    return found


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ('raise DomainError("The line is cancelled.")', "DomainError"),
        ('raise DomainError(f"The line {msisdn} is cancelled.", code="x")', "DomainError"),
        ('raise DomainError("The line %s is cancelled." % msisdn)', "DomainError"),
        ('raise DomainError("At most " + str(n) + " contacts.")', "DomainError"),
        ('raise Http404("No such key person.")', "Http404"),
        ('raise ValidationError({"on": f"“{raw}” is not a date."})', "ValidationError"),
        ('raise serializers.ValidationError(detail=f"One of: {v}.")', "ValidationError"),
        ('raise DomainError(\n    "Give a reason." if a else _("Say why."))', "DomainError"),
    ],
)
def test_the_guard_catches_untranslated_messages(source: str, error: str) -> None:
    assert untranslated_errors(source) == [(1, error)]


@pytest.mark.parametrize(
    "source",
    [
        'raise DomainError(_("The line %(msisdn)s is cancelled.") % {"msisdn": m})',
        'raise DomainError(gettext("Ending a subscription needs its last day."))',
        "raise DomainError(exc.messages[0], code='invalid_msisdn')",
        "raise DomainError(str(exc))",
        "raise DomainError(refusal, code='not_rerunnable')",
        'raise ValidationError({"on": _("“%(value)s” is not a date.") % {"value": raw}})',
        "raise Http404",
    ],
)
def test_the_guard_lets_translated_messages_pass(source: str) -> None:
    assert untranslated_errors(source) == []


def test_every_user_facing_error_message_is_translatable() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in _project_files()
        for line, name in untranslated_errors(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        "Wrap these messages in gettext with named placeholders, "
        '_("… %(name)s …") % {"name": value}:\n' + "\n".join(offenders)
    )


def test_a_service_error_reads_in_chinese_for_a_chinese_user() -> None:
    from core.errors import DomainError
    from membership.services.lifecycle import id_number_birth_date

    with translation.override("zh-hans"), pytest.raises(DomainError) as raised:
        id_number_birth_date("12345")
    assert raised.value.message == "身份证号码为18位：前17位为数字，最后一位为数字或X。"
    with pytest.raises(DomainError, match="A national ID number has 18 characters"):
        id_number_birth_date("12345")  # the suite's English


# --- the catalogue ----------------------------------------------------------------------


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def parse_po(text: str) -> list[PoEntry]:
    """The live entries of a .po file (obsolete ``#~`` ones left out), header included.

    Enough of the format for a catalogue written by makemessages: ``#,`` flags, then
    msgctxt / msgid / msgid_plural / msgstr / msgstr[n], each a run of quoted lines."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    key = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, key = None, ""
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = PoEntry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry.fields[key] = ast.literal_eval(value)
    return entries


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _catalogue() -> list[PoEntry]:
    entries = parse_po((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    assert entries, "the catalogue has entries"
    assert entries[0].msgid == "", "the catalogue starts with its header"
    return entries[1:]


def test_the_parser_reads_flags_contexts_plurals_and_continued_lines() -> None:
    text = (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#, fuzzy, python-format\n#| msgid "Old"\nmsgid "New %(n)s"\nmsgstr "旧"\n\n'
        'msgctxt "order"\nmsgid "Cancelled"\nmsgstr "已取消"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n"多个"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "没了"\n'
    )
    header, fuzzy, with_context, plural = parse_po(text)
    assert header.fields["msgstr"] == "Language: zh_Hans\n"
    assert fuzzy.flags == {"fuzzy", "python-format"}
    assert fuzzy.msgid == "New %(n)s"
    assert with_context.fields["msgctxt"] == "order"
    assert plural.translations == ["多个"]


def test_the_catalogue_has_no_fuzzy_or_empty_entry() -> None:
    entries = _catalogue()
    assert len(entries) > 1000  # the parser read the whole file
    fuzzy = [f"line {e.line}: {e.msgid}" for e in entries if "fuzzy" in e.flags]
    empty = [f"line {e.line}: {e.msgid}" for e in entries if not all(e.translations)]
    assert not fuzzy, "fuzzy entries (check, then drop the flag):\n" + "\n".join(fuzzy)
    assert not empty, "untranslated entries:\n" + "\n".join(empty)


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    wrong = []
    for entry in _catalogue():
        source = entry.fields.get("msgid_plural", entry.msgid)
        expected = sorted(PLACEHOLDER.findall(source))
        for translated in entry.translations:
            if sorted(PLACEHOLDER.findall(translated)) != expected:
                wrong.append(f"line {entry.line}: {entry.msgid!r} → {translated!r}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalogue_is_the_po_file_as_it_is_now() -> None:
    """compilemessages was run after the last change of the .po file."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in _catalogue():
        key = entry.msgid
        if "msgctxt" in entry.fields:
            key = f"{entry.fields['msgctxt']}\x04{key}"
        if "msgid_plural" in entry.fields:
            found = [mo.get((key, n)) for n in range(len(entry.translations))]
        else:
            found = [mo.get(key)]
        if found != entry.translations:
            stale.append(f"line {entry.line}: {entry.msgid}")
    assert not stale, "run compilemessages; not in the .mo as in the .po:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_rate_annual_tells_the_operator_in_english_that_the_year_is_committed(
    settings: Any,
) -> None:
    """docs/interfaces.md commands print English for the machines that read them, whatever the
    UI's language: the second ``--commit`` of a year says so in English (CONV-5)."""
    settings.LANGUAGE_CODE = "zh-hans"
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("rate_annual", "2025", "--commit", stdout=out)
        call_command("rate_annual", "2025", "--commit", stdout=out)
    assert "rating 2025 committed" in out.getvalue()
    assert "The 2025 rating was already committed on" in out.getvalue()
