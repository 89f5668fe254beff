"""Reading the platform's auto-posting form as a browser would: tests and benchmarks have no JS."""

from __future__ import annotations

from html.parser import HTMLParser


class AutoPostForm(HTMLParser):
    """The first form's action and every named input's value (e.g. id_token and state)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = values.get("action")
        elif tag == "input" and values.get("name"):
            self.fields[values["name"] or ""] = values.get("value") or ""
