"""Read a page's form the way a browser would submit it, so tests post what a person's page holds.

`form_values(page, action)` returns the successful controls of the form whose action ends with
`action`: hidden, text and url inputs, checked radios and checkboxes, textareas and selected
options. Buttons and files are left out; the test adds the button it "presses".
"""

from __future__ import annotations

from werkzeug.test import TestResponse

from bench.harness import FormReader


def form_values(page: TestResponse, action: str) -> dict[str, str]:
    reader = FormReader(action)
    reader.feed(page.get_data(as_text=True))
    assert reader.found, f"no form posting to …{action}"
    return dict(reader.values)
