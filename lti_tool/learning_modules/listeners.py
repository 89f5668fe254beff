"""The modules feature listens to launches: a launch through a module's own link (its custom
`module` parameter, set by deep linking) tells that the module is placed in the course.

Runs in the launch's transaction (`launches.events.launch_recorded`), so it commits with the launch.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from lti_tool.launches.events import launch_recorded
from lti_tool.learning_modules.domain.modules import LINK_MODULE_PARAM
from lti_tool.learning_modules.services import assignments
from lti_tool.learning_modules.services.catalogue import catalogue_of


def _on_launch(sender: Any, **event: Any) -> None:
    launch = event["launch"]
    slug = launch.custom.get(LINK_MODULE_PARAM)
    if slug and launch.context_pk is not None:
        assignments.note_linked(
            event["session"], launch.context_pk, catalogue_of(current_app), [slug]
        )


def connect() -> None:
    launch_recorded.connect(_on_launch)
