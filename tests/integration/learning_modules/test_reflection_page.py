"""The reflection page saves as one: nothing typed in one answer is lost by saving another, and a
stale tab can neither overwrite newer text nor undo a sharing choice made in another tab."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lti_tool.extensions import db
from lti_tool.learning_modules.models import Reflection
from tests.fake_platform import FakePlatform
from tests.integration.learning_modules.test_player import MODULE, SLUG, player
from tests.integration.mentoring_web.my_web_pages import launch
from tests.lti_helpers import error_code, page_text
from tests.page_forms import form_values

FIRST, SECOND = (prompt.id for prompt in MODULE.prompts)
ACTION = f"/modules/{SLUG}/reflection"


def reflection_page(client: FlaskClient, base: str):
    return client.get(f"{player(base)}?section=reflection")


def press(client: FlaskClient, base: str, page, button: str, **typed: str):
    """Change fields of `page`'s form (`answer_<prompt>` style names) and press `button`."""
    values = form_values(page, ACTION)
    values.update({name.replace("__", "-"): value for name, value in typed.items()})
    values["action"] = button
    return client.post(f"{player(base)}/reflection", data=values)


def stored(app: Flask) -> dict[str, tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(Reflection)).all()
        found = {r.prompt_id: (r.draft_html, r.visibility) for r in rows}
        db.session.remove()
    return found


def test_submitting_one_answer_keeps_the_text_typed_in_the_other(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = reflection_page(client, base)
    assert "data-unsaved-warning" in page.text  # the page warns before leaving unsaved text
    assert "js/unsaved-warning.js" in page.text
    typed = {f"answer__{FIRST}": "My first answer.", f"answer__{SECOND}": "Half-written second."}
    response = press(client, base, page, f"submit:{FIRST}", **typed)
    assert response.status_code == 303
    again = client.get(response.headers["Location"])
    assert "Your reflection was submitted." in page_text(again)
    assert "Half-written second.</textarea>" in again.text
    assert stored(app)[SECOND][0] == "Half-written second."


def test_a_stale_tab_cannot_undo_a_privacy_choice_nor_overwrite_newer_text(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    first = reflection_page(client, base)
    press(
        client,
        base,
        first,
        f"save:{FIRST}",
        **{f"answer__{FIRST}": "Shared thoughts.", f"visibility__{FIRST}": "facilitator"},
    )
    stale_tab = reflection_page(client, base)  # tab A, opened while the answer was shared
    newer_tab = reflection_page(client, base)  # tab B
    press(
        client,
        base,
        newer_tab,
        f"save:{FIRST}",
        **{f"answer__{FIRST}": "Newer private thoughts.", f"visibility__{FIRST}": "private"},
    )

    conflict = press(
        client, base, stale_tab, f"save:{FIRST}", **{f"answer__{FIRST}": "Stale tab's words."}
    )

    assert conflict.status_code == 409
    text = page_text(conflict)
    assert "Nothing was saved: this page was changed in another tab or window" in text
    assert "Newer private thoughts." in text  # the saved text, shown
    assert "Stale tab's words.</textarea>" in text  # and this tab's, kept to combine
    assert stored(app)[FIRST] == ("Newer private thoughts.", "private")  # nothing written
    retried = form_values(conflict, ACTION)
    assert retried[f"visibility-{FIRST}"] == "private"  # the newer choice is what the page offers

    # Saving the page the conflict returned keeps the learner's text and the private choice.
    saved = press(client, base, conflict, f"save:{FIRST}")
    assert saved.status_code == 303
    assert stored(app)[FIRST] == ("Stale tab's words.", "private")


def test_a_stale_tab_leaves_alone_what_it_did_not_change(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    stale_tab = reflection_page(client, base)
    newer_tab = reflection_page(client, base)
    press(client, base, newer_tab, f"save:{SECOND}", **{f"answer__{SECOND}": "From tab B."})

    response = press(
        client, base, stale_tab, f"save:{FIRST}", **{f"answer__{FIRST}": "From tab A."}
    )

    assert response.status_code == 303
    assert stored(app)[FIRST][0] == "From tab A."
    assert stored(app)[SECOND][0] == "From tab B."


def test_a_refused_answer_gives_back_everything_typed_and_saves_nothing(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = reflection_page(client, base)
    response = press(
        client,
        base,
        page,
        f"save:{SECOND}",
        **{
            f"answer__{FIRST}": "Kept first.",
            f"answer__{SECOND}": "Kept second.",
            f"link__{SECOND}": "javascript:alert(1)",
        },
    )
    assert response.status_code == 422
    assert "Kept first.</textarea>" in response.text
    assert "Kept second.</textarea>" in response.text
    assert 'aria-invalid="true"' in response.text
    assert stored(app) == {}


def test_an_unknown_prompt_in_the_button_is_not_found(
    client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = reflection_page(client, base)
    assert press(client, base, page, "submit:no-such-prompt").status_code == 404


def test_a_save_after_the_launch_ended_shows_the_text_back_and_writes_nothing(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    page = reflection_page(client, base)
    with client.session_transaction() as session:
        session.clear()  # the session cookie was lost, or the launch ended
    response = press(
        client, base, page, f"save:{FIRST}", **{f"answer__{FIRST}": "Half an hour of writing."}
    )
    assert response.status_code == 401
    text = page_text(response)
    assert "What you wrote was not saved" in text
    assert "Half an hour of writing.</textarea>" in text
    assert "Open the tool again from your course" in text
    assert stored(app) == {}


def test_a_save_without_its_csrf_token_shows_the_text_back(
    app: Flask, client: FlaskClient, fake_platform: FakePlatform
) -> None:
    base = launch(fake_platform, client, "priya")
    response = client.post(
        f"{player(base)}/reflection",
        data={f"answer-{FIRST}": "Typed before the token was lost.", "action": "save"},
    )
    assert response.status_code == 400
    assert error_code(response) == "csrf-failed"
    assert "This form could not be accepted" in page_text(response)
    assert "Typed before the token was lost.</textarea>" in page_text(response)
    assert stored(app) == {}
