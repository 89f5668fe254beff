"""Why a login or launch was refused. Each code is shown to the user for their LMS administrator."""

from __future__ import annotations

from lti_tool.errors import DomainError


class LaunchError(DomainError):
    """A refused LTI login or launch. 400: malformed; 401: not verifiable; 403: not permitted."""

    status = 400
    code = "launch-invalid"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.log_ids: dict[str, str] = {}  # LTI identifiers for the log, filled in by the view
