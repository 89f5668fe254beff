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
# Sent with sender=None and keyword arguments session, launch, module_slug, module_title.
module_completed = signals.signal("module-completed")


def on_module_completed(
    session: Session, launch: LaunchContext, module_slug: str, module_title: str = ""
) -> None:
    """The launch user has just completed `module_slug` in the launch's course."""
    module_completed.send(
        None, session=session, launch=launch, module_slug=module_slug, module_title=module_title
    )
