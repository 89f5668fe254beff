"""What happens elsewhere when a learner completes a mini-module.

One hook, called by `progress` in the same transaction as the completion. Today it records a
milestone snapshot of the learner's mentoring web; the grades feature will post the completion
score from here too. (This is the one place the modules feature calls up into a feature stacked on
it; keeping it here means `progress` itself knows nothing about webs or grades.)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.lti.launch import LaunchContext


def on_module_completed(session: Session, launch: LaunchContext, module_slug: str) -> None:
    """The launch user has just completed `module_slug` in the launch's course."""
    from lti_tool.mentoring_web.snapshots import take_milestone_snapshot

    take_milestone_snapshot(session, launch, module_slug)
