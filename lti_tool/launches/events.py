"""What the launch tells the features above `lti`: a signal, because `lti` imports no feature.

`launch_recorded` is sent by the launch view after the user, course and membership are written
and before the one commit, with the request's session: a subscriber's writes (the roster feature
remembers the course's NRPS address) commit or roll back with the launch itself.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy.orm import Session

from lti_tool.lti.launch import LaunchContext

signals = Namespace()
# Sent with sender=None and keyword arguments session and launch.
launch_recorded = signals.signal("launch-recorded")


def on_launch_recorded(session: Session, launch: LaunchContext) -> None:
    launch_recorded.send(None, session=session, launch=launch)
