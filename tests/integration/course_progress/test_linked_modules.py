"""Modules placed in the course by deep linking count in progress at a glance, as assigned ones do.

Seen in Moodle: the grid said "No mini-modules are assigned" while students had completed a module
the teacher had linked with "Select content".
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete

from lti_tool.extensions import db
from lti_tool.learning_modules.models import ModuleAssignment
from tests.fake_platform import FakePlatform
from tests.integration.course_progress.progress_pages import cells
from tests.integration.grades.helpers import Launched
from tests.integration.grades.test_columns import LINKED_A, LINKED_B, _complete, _deep_link
from tests.lti_helpers import page_text


def _titles(app: Flask) -> dict[str, str]:
    from lti_tool.learning_modules.services.catalogue import catalogue_of

    with app.app_context():
        catalogue = catalogue_of(app)
        return {slug: catalogue.get(slug).title for slug in (LINKED_A, LINKED_B)}


def test_a_deep_linked_module_is_a_column_of_the_grid(app: Flask, fake_platform: FakePlatform):
    links = _deep_link(fake_platform, app)
    _complete(app, fake_platform, "priya", links[LINKED_A], LINKED_A)
    grid = Launched(app, fake_platform, "amelie").get("progress/")
    text = page_text(grid)
    assert "No mini-modules are assigned" not in text
    titles = _titles(app)
    priya = next(row for name, row in cells(grid).items() if name.startswith("Priya"))
    assert set(priya) == {titles[LINKED_A], titles[LINKED_B]}
    assert "Completed" in priya[titles[LINKED_A]] or "Submitted" in priya[titles[LINKED_A]]


def test_a_link_made_before_this_release_is_counted_at_its_first_launch(
    app: Flask, fake_platform: FakePlatform
):
    links = _deep_link(fake_platform, app)
    with app.app_context():  # as if the links were made before the tool noted them
        db.session.execute(delete(ModuleAssignment))
        db.session.commit()
    _complete(app, fake_platform, "priya", links[LINKED_B], LINKED_B)
    grid = Launched(app, fake_platform, "amelie").get("progress/")
    titles = _titles(app)
    priya = next(row for name, row in cells(grid).items() if name.startswith("Priya"))
    assert set(priya) == {titles[LINKED_B]}
