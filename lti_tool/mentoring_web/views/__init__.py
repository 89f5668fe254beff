"""Mentoring web pages, all bound to a launch (`/l/<launch_id>/web/…`).

The blueprint lives here; each module adds its routes: `web` (my web, its picture, the centre card
and strand forms), `snapshots` (growth over time), `exports`, `sharing` (sharing, copying from
another course, facilitator views), `cohort` (anonymous cohort insights and report).
`presenter` and `cohort_presenter` turn domain values into what templates show (with gettext).
"""

from lti_tool.launches.binding import launch_blueprint

blueprint = launch_blueprint("mentoring_web", __name__)


@blueprint.context_processor
def label_helpers() -> dict[str, object]:
    from lti_tool.mentoring_web.views.presenter import template_helpers

    return template_helpers()


from lti_tool.mentoring_web.views import (  # noqa: E402 - the modules register on `blueprint`
    cohort,
    exports,
    sharing,
    snapshots,
    web,
)

__all__ = ["blueprint", "cohort", "exports", "sharing", "snapshots", "web"]
