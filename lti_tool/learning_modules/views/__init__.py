"""Mini-module pages, all bound to a launch (`/l/<launch_id>/…`).

The blueprint lives here; each module adds its routes: `modules` (the module list, a module's
sections, its reflection page and files), `assignment` (a facilitator assigns modules), `deep_link`
(the picker that places modules and the web builder in the course), `review` (a facilitator reads
reflections and gives feedback), `conversation` (replies to feedback, read marks), `mentee` (a mentor reads what a mentee shared).
"""

from lti_tool.launches.binding import launch_blueprint

blueprint = launch_blueprint("learning_modules", __name__)

from lti_tool.learning_modules.views import (  # noqa: E402 - the modules register on `blueprint`
    assignment,
    conversation,
    deep_link,
    mentee,
    modules,
    review,
)

__all__ = ["assignment", "blueprint", "conversation", "deep_link", "mentee", "modules", "review"]
