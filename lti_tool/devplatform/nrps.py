"""Names and Role Provisioning Services 2.0: the course roster, paged with RFC 8288 Link headers.

The page size is small (2 by default, and the most it serves whatever `limit` asks) so a tool
that reads only the first page is caught. The last page
carries `rel="differences"` (NRPS 2.0 §2.4.2), as Canvas and Moodle send for incremental syncs: it
lists only the members changed since it was issued, people removed from the course with status
Deleted, suspended enrolments with Inactive.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from lti_tool.devplatform.course import Member
from lti_tool.devplatform.oauth import require_scope
from lti_tool.devplatform.runtime import (
    accepts,
    current_platform,
    json_error,
    link_header,
    paginate,
)
from lti_tool.devplatform.signer import SCOPE_NRPS

blueprint = Blueprint("dev_nrps", __name__, url_prefix="/contexts/<context_id>")

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@blueprint.get("/memberships")
@require_scope(SCOPE_NRPS)
def memberships(context_id: str) -> Response:
    platform = current_platform()
    settings, course = platform.settings, platform.settings.course
    if context_id != course.id:
        return json_error(404, "not_found", _("No such course."))
    if not accepts(MEMBERSHIP_CONTAINER):
        return json_error(
            406,
            "not_acceptable",
            _("Send Accept: %(media_type)s.", media_type=MEMBERSHIP_CONTAINER),
        )
    if request.args.get("rlid") and platform.state.link(course, request.args["rlid"]) is None:
        return json_error(404, "not_found", _("No such resource link."))

    since = request.args.get("since")
    if since is not None:
        if not since.isdigit():
            return json_error(400, "invalid_request", _("Unknown differences link."))
        members = platform.state.changes_since(course, int(since))
    else:
        members = platform.state.members(course)
    role = request.args.get("role")
    if role:
        members = [m for m in members if role in m.roles or any(r.endswith(role) for r in m.roles)]
    base = settings.memberships_url(course.id)
    chunk, links = paginate(members, base, settings.nrps_page_size, settings.nrps_page_size)
    if "next" not in links:
        links["differences"] = f"{base}?since={platform.state.roster_version}"
    response = jsonify(
        {
            "id": f"{base}?{request.query_string.decode()}" if request.query_string else base,
            "context": {"id": course.id, "label": course.label, "title": course.title},
            "members": [_member_json(member, platform.state.status_of(member)) for member in chunk],
        }
    )
    response.mimetype = MEMBERSHIP_CONTAINER
    response.headers["Link"] = link_header(links)
    return response


def _member_json(member: Member, status: str) -> dict[str, Any]:
    values = {
        "status": status,
        "name": member.name,
        "given_name": member.given_name,
        "family_name": member.family_name,
        "email": member.email,
        "user_id": member.sub,
        "roles": list(member.roles),
    }
    return {key: value for key, value in values.items() if value is not None}
