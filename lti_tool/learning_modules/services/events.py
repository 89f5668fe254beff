"""What happens elsewhere when a learner completes a mini-module: a signal, not an import.

Features stacked above this one (the mentoring web's milestone snapshots, the gradebook) subscribe
to `module_completed`; `progress` sends it in the same transaction as the completion, so a failure
in a subscriber rolls the completion back too. The modules feature never imports them.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy.orm import Session

from lti_tool.lti.launch import LaunchContext

signals = Namespace()
# Sent with sender=None and keyword arguments session, launch, module_slug, module_title and
# awaiting_review (a reflection was shared with the facilitators, whose review is still to come).
module_completed = signals.signal("module-completed")
# Sent with session, launch (the facilitator's), module_slug, learner_pk once every shared prompt
# of that learner's module has feedback.
module_reviewed = signals.signal("module-reviewed")


def on_module_completed(
    session: Session,
    launch: LaunchContext,
    module_slug: str,
    module_title: str = "",
    *,
    awaiting_review: bool = False,
) -> None:
    """The launch user has just completed `module_slug` in the launch's course."""
    module_completed.send(
        None,
        session=session,
        launch=launch,
        module_slug=module_slug,
        module_title=module_title,
        awaiting_review=awaiting_review,
    )


def on_module_reviewed(
    session: Session, launch: LaunchContext, module_slug: str, learner_pk: int
) -> None:
    """A facilitator has just given feedback on the last shared prompt of a learner's module."""
    module_reviewed.send(
        None, session=session, launch=launch, module_slug=module_slug, learner_pk=learner_pk
    )
