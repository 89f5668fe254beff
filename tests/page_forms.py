"""Read a page's form the way a browser would submit it, so tests post what a person's page holds.

`form_values(page, action)` returns the successful controls of the form whose action ends with
`action`: hidden, text and url inputs, checked radios and checkboxes, textareas and selected
options. Buttons and files are left out; the test adds the button it "presses".
"""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.test import TestResponse


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = not self.found and attributes.get("action", "").endswith(self.action)
            self.found = self.found or self.inside
            return
        if not self.inside or "name" not in attributes:
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "reset", "image"}:
                return
            if kind in {"radio", "checkbox"} and "checked" not in attributes:
                return
            self.values[name] = attributes.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea is not None:
            text = self.values[self._textarea] + data
            # Browsers drop one newline right after <textarea>.
            self.values[self._textarea] = (
                text[1:] if text.startswith("\n") and not self.values[self._textarea] else text
            )


def form_values(page: TestResponse, action: str) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(page.get_data(as_text=True))
    assert reader.found, f"no form posting to …{action}"
    return dict(reader.values)
