"""The words a staff user reads on a rendered page, and the English ones among them (CONV-6).

``visible_text(html)`` returns the text of the page as a reader meets it: text nodes outside
``<script>``, ``<style>``, ``<code>``, ``<svg>`` and ``<template>`` (and outside ``<head>``
except its ``<title>``), plus the attributes a reader or a screen reader is given
(``placeholder``, ``aria-label``, ``title``, ``alt``) and the ``value`` of a button-like
``<input>``. ``english_words(text)`` lists the words of three Latin letters or more that the
allowlist (``ALLOWED``) does not let through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements whose content is not read as text (CONV-6: rule IDs may stay inside <code>).
HIDDEN = frozenset(
    {"script", "style", "code", "kbd", "svg", "template", "noscript"}
)  # kbd: key caps
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})

# Words a Chinese page may show (CONV-6): the programme's own acronyms and the date format.
ALLOWED_WORDS = frozenset({"VIP", "SMS", "CSV", "API", "KPI", "MB", "GB", "YYYY", "MM", "DD"})
# A rule ID (SERVICE-3, POINTS-7, D-GROUP-2), a code of letters and digits with a digit in it
# (plan order codes, hall codes such as SZ01): shown as identifiers, not as English.
RULE_ID = re.compile(r"^(?:D-)?[A-Z]+-\d+[a-z]?$")
CODE = re.compile(r"^(?=.*\d)[A-Z0-9]+$")
DATE_FORMAT = re.compile(r"^(?:YYYY|MM|DD)(?:[-/](?:YYYY|MM|DD))*$")
TOKEN = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")
LATIN_RUN = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class Finding:
    word: str
    phrase: str


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.in_head = False
        self.in_title = False
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "title":
            self.in_title = True
        if tag in HIDDEN and tag not in VOID:
            self.hidden += 1
            return
        if self.hidden or (self.in_head and tag != "title"):
            return
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.chunks.append(str(values[name]))
        is_button = tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS
        if is_button and values.get("value"):
            self.chunks.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:  # <svg/> and the like: nothing inside
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if self.hidden or (self.in_head and not self.in_title):
            return
        if data.strip():
            self.chunks.append(data.strip())


def visible_chunks(html: str) -> list[str]:
    """The pieces of text a reader meets on the page, in order (see the module docstring)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.chunks


def visible_text(html: str) -> str:
    return "\n".join(visible_chunks(html))


def allowed(token: str, extra: frozenset[str] = frozenset()) -> bool:
    return (
        token in ALLOWED_WORDS
        or token in extra
        or bool(RULE_ID.match(token))
        or bool(CODE.match(token))
        or bool(DATE_FORMAT.match(token))
        or not LATIN_RUN.search(token)
    )


def english_words(html: str, extra: frozenset[str] = frozenset()) -> list[Finding]:
    """The English words on a page (three Latin letters or more, not allowed), each with the
    phrase (the text chunk, shortened) it stands in."""
    found: list[Finding] = []
    for chunk in visible_chunks(html):
        for token in TOKEN.findall(chunk):
            if not allowed(token, extra):
                phrase = " ".join(chunk.split())
                found.append(Finding(token, phrase[:120]))
    return found
