"""The small Markdown subset the module files use, turned into HTML, and the file's outer shape.

Pure (standard library only). Supported: `## ` section headings (split off by `split_sections`),
`### ` subheadings, paragraphs, flat `-` and `1.` lists, `>` quotes, **bold**, *italic* and
[links](https://…). Anything else (raw HTML, code, tables, nested lists, other heading levels) is
reported as a problem with its line number instead of being passed through: the content is ours, and
a construct we do not render should fail the start-up, not appear as stray symbols on a page. All
text is HTML-escaped before any markup is added; the loader still sanitises the result with nh3.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FENCE = "+++"

SECTION = re.compile(r"^##(?!#)\s*(.*?)\s*$")
EXPLICIT_ID = re.compile(r"^(.*?)\s*\{#([^}]*)\}$")
HEADING = re.compile(r"^(#+)\s*(.*?)\s*$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
QUOTE = re.compile(r"^>\s?(.*)$")
UNSUPPORTED_STARTS = (
    ("```", "code blocks"),
    ("~~~", "code blocks"),
    ("<", "raw HTML"),
    ("|", "tables"),
)

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
SAFE_LINK_PREFIXES = ("https://", "mailto:")


@dataclass(frozen=True)
class Heading:
    """A `## ` section of the body: its id, title, Markdown text and the heading's line number."""

    id: str
    title: str
    text: str
    line: int


def slugify(text: str) -> str:
    """A heading's id: ASCII letters and digits joined by single hyphens ("Key ideas" → key-ideas)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def split_front_matter(text: str) -> tuple[str, str, int] | str:
    """`+++` / TOML / `+++` / Markdown → (TOML, Markdown, the Markdown's first line number).

    Returns a message instead when the file does not have that shape.
    """
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if lines[0].strip() != FENCE:
        return f"the file must start with a line “{FENCE}” opening the front matter"
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return f"no line “{FENCE}” closes the front matter"


def split_sections(body: str, first_line: int) -> tuple[list[Heading], list[str]]:
    """The body's `## ` sections; ids from an explicit `{#id}` or else the slugified heading."""
    problems: list[str] = []
    headings: list[Heading] = []
    current: tuple[str, str, int] | None = None
    text_lines: list[str] = []

    def close() -> None:
        if current is not None:
            headings.append(Heading(*current[:2], "\n".join(text_lines), current[2]))

    for number, line in enumerate(body.split("\n"), start=first_line):
        match = SECTION.match(line)
        if match is None:
            if current is None and line.strip():
                problems.append(f"line {number}: text before the first ## heading")
            text_lines.append(line)
            continue
        close()
        title, id_ = match.group(1), None
        explicit = EXPLICIT_ID.match(title)
        if explicit:
            title, id_ = explicit.group(1), explicit.group(2)
            if not ID_PATTERN.fullmatch(id_):
                problems.append(f"line {number}: {{#{id_}}} must be lowercase letters and hyphens")
        id_ = id_ or slugify(title)
        if not title or not id_:
            problems.append(f"line {number}: a ## heading needs a title")
        if id_ in {heading.id for heading in headings}:
            problems.append(f"line {number}: the section id “{id_}” is used twice")
        current, text_lines = (id_, title, number), []
    close()
    if not headings:
        problems.append("the body has no ## sections")
    return headings, problems


def render_markdown(text: str, first_line: int) -> tuple[str, list[str]]:
    """Markdown (the supported subset) → HTML, and the problems found, each with its line."""
    renderer = _Renderer()
    for number, line in enumerate(text.split("\n"), start=first_line):
        renderer.feed(number, line.rstrip())
    renderer.flush()
    return "\n".join(renderer.out), renderer.problems


class _Renderer:
    """A line-by-line block parser: one open block (paragraph, list or quote) at a time."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.problems: list[str] = []
        self.kind: str | None = None  # "p", "ul", "ol" or "blockquote"
        self.items: list[
            list[str]
        ] = []  # paragraph: one item; list: one per item; quote: paragraphs
        self.line = 0  # the line being read
        self.start = 0  # the first line of the open block (inline problems are reported there)

    def feed(self, number: int, line: str) -> None:
        self.line = number
        stripped = line.lstrip()
        indented = len(line) - len(stripped)
        if not stripped:
            self.flush()
            return
        for start, what in UNSUPPORTED_STARTS:
            if stripped.startswith(start):
                self.problem(f"{what} are not supported")
                return
        if indented:
            self._indented(stripped)
            return
        self._block(stripped)

    def _indented(self, stripped: str) -> None:
        if BULLET.match(stripped) or NUMBERED.match(stripped):
            self.problem("nested lists are not supported; use a ### subheading or a new list")
        elif self.kind in ("ul", "ol"):
            self.items[-1].append(stripped)  # the item's text continues
        else:
            self.problem("indented text is not supported (code blocks?); remove the indent")

    def _block(self, line: str) -> None:
        if heading := HEADING.match(line):
            self.flush()
            self.start = self.line
            if len(heading.group(1)) != 3 or not heading.group(2):
                self.problem("only ### subheadings may appear inside a section")
            else:
                self.out.append(f"<h3>{self.inline(heading.group(2))}</h3>")
        elif bullet := BULLET.match(line):
            self._item("ul", bullet.group(1))
        elif numbered := NUMBERED.match(line):
            if self.kind != "ol" and numbered.group(1) != "1":
                self.problem("a numbered list must start at 1")
            self._item("ol", numbered.group(2))
        elif quote := QUOTE.match(line):
            if self.kind != "blockquote":
                self.flush()
                self.start, self.kind, self.items = self.line, "blockquote", [[]]
            if quote.group(1).strip():
                self.items[-1].append(quote.group(1).strip())
            else:
                self.items.append([])  # a lone `>` separates paragraphs inside the quote
        elif self.kind in ("ul", "ol", "blockquote"):
            self.items[-1].append(line)  # a lazy continuation line, as CommonMark reads it
        else:
            if self.kind != "p":
                self.flush()
                self.start, self.kind, self.items = self.line, "p", [[]]
            self.items[0].append(line)

    def _item(self, kind: str, text: str) -> None:
        if self.kind != kind:
            self.flush()
            self.start, self.kind, self.items = self.line, kind, []
        self.items.append([text])

    def flush(self) -> None:
        kind, parts = self.kind, [" ".join(words) for words in self.items if words]
        self.kind, self.items = None, []
        if not parts:
            return
        if kind == "p":
            self.out.append(f"<p>{self.inline(parts[0])}</p>")
        elif kind in ("ul", "ol"):
            items = "".join(f"<li>{self.inline(part)}</li>" for part in parts)
            self.out.append(f"<{kind}>{items}</{kind}>")
        else:
            paragraphs = "".join(f"<p>{self.inline(part)}</p>" for part in parts)
            self.out.append(f"<blockquote>{paragraphs}</blockquote>")

    def inline(self, text: str) -> str:
        escaped = html.escape(text, quote=True)
        escaped = LINK.sub(self._link, escaped)
        escaped = STRONG.sub(r"<strong>\1</strong>", escaped)
        return EMPHASIS.sub(r"<em>\1</em>", escaped)

    def _link(self, match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if not html.unescape(url).startswith(SAFE_LINK_PREFIXES):
            self.problem(
                f"link “{html.unescape(url)}” must start with https:// or mailto:", self.start
            )
            return label
        return f'<a href="{url}">{label}</a>'

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(f"line {line or self.line}: {message}")
