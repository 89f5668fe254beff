"""The pages a developer sees: the demo course, the launch buttons, and the deep-linking return.

A launch starts exactly as in an LMS: the browser is sent to the tool's login URL with the
third-party-initiated login parameters (LTI Core §4.1). The deep-linking return checks the tool's
LtiDeepLinkingResponse the way 1EdTech certification does (DL 2.0 §4.5, cert guide §6.2).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, make_response, redirect, render_template, request
from flask_babel import gettext as _

from lti_tool.devplatform.course import INSTRUCTOR, MENTOR, Member, ResourceLink
from lti_tool.devplatform.launches import BadHintError
from lti_tool.devplatform.runtime import DevPlatform, current_platform
from lti_tool.devplatform.signer import (
    DEEP_LINKING_REQUEST,
    DEEP_LINKING_RESPONSE,
    DEPLOYMENT_ID,
    DL_CLAIM,
    LTI_VERSION,
    MESSAGE_TYPE,
    RESOURCE_LINK_REQUEST,
    VERSION,
)
from lti_tool.devplatform.state import DeepLinkReturn
from lti_tool.devplatform.toolkeys import ToolJwtError, verify_tool_jwt

blueprint = Blueprint("dev_pages", __name__)

ACCEPTED_TYPES = ("ltiResourceLink",)
MESSAGE_CLAIMS = ("msg", "log", "errormsg", "errorlog")


class DeepLinkError(ValueError):
    pass


def role_label(member: Member) -> str:
    if INSTRUCTOR in member.roles:
        return _("Facilitator (Instructor)")
    if MENTOR in member.roles:
        return _("Mentor")
    return _("Learner")


@blueprint.get("/")
def course() -> str:
    platform = current_platform()
    settings, state = platform.settings, platform.state
    links = state.links(settings.course)
    with state.lock:
        line_items = list(state.line_items.values())
        scores = list(reversed(state.scores[-20:]))
        last_return = state.deep_link_returns[-1] if state.deep_link_returns else None
    names = {m.sub: m.display_name for m in state.members(settings.course)}
    return render_template(
        "devplatform/course.html",
        settings=settings,
        course=settings.course,
        members=state.members(settings.course),
        facilitator=settings.course.facilitator,
        resource_links=[link for link in links if link.message_type == RESOURCE_LINK_REQUEST],
        line_items={item.number: item for item in line_items},
        scores=scores,
        names=names,
        last_return=last_return,
        role_label=role_label,
    )


@blueprint.post("/launch/<user_key>")
def launch(user_key: str) -> Response:
    return _start_login(user_key, RESOURCE_LINK_REQUEST)


@blueprint.post("/deep-link/<user_key>")
def deep_link(user_key: str) -> Response:
    return _start_login(user_key, DEEP_LINKING_REQUEST)


def _start_login(user_key: str, message_type: str) -> Response:
    platform = current_platform()
    settings, state = platform.settings, platform.state
    member = state.member(settings.course, user_key)
    if member is None:
        return _error_page(404, _("No such person in this course."))
    link = state.link(settings.course, request.form.get("link", ""))
    if link is None or link.message_type != message_type:
        link = platform.launches.default_link(message_type)
    params = platform.launches.login_params(member, link)
    separator = "&" if "?" in settings.tool_login_url else "?"
    return redirect(f"{settings.tool_login_url}{separator}{urlencode(params)}", code=302)


@blueprint.post("/deep-link-return")
def deep_link_return() -> Response:
    platform = current_platform()
    try:
        received = _check_deep_link_response(platform, request.form.get("JWT", ""))
    except DeepLinkError as error:
        return _error_page(400, str(error))
    platform.state.record_deep_link_return(received)
    created = [_create_link(platform, item) for item in received.content_items]
    return make_response(
        render_template("devplatform/received.html", received=received, created=created)
    )


def _error_page(status: int, message: str) -> Response:
    page = render_template(
        "devplatform/error.html", title=_("The platform refused this request"), message=message
    )
    return make_response(page, status)


def _check_deep_link_response(platform: DevPlatform, token: str) -> DeepLinkReturn:
    settings = platform.settings
    if not token:
        raise DeepLinkError(_("The JWT form field is missing."))
    try:
        claims = verify_tool_jwt(platform, token, audience=settings.issuer, required=("nonce",))
    except ToolJwtError as error:
        raise DeepLinkError(str(error)) from error
    if claims.get("iss") != settings.client_id:
        raise DeepLinkError(_("iss must be the tool's client_id."))
    if claims.get(MESSAGE_TYPE) != DEEP_LINKING_RESPONSE:
        raise DeepLinkError(_("message_type is not LtiDeepLinkingResponse."))
    if claims.get(VERSION) != LTI_VERSION:
        raise DeepLinkError(_("version must be 1.3.0."))
    if claims.get(DEPLOYMENT_ID) != settings.deployment_id:
        raise DeepLinkError(_("deployment_id does not match the deep-linking request."))
    if not platform.state.first_use("dl-nonce", str(claims["nonce"])):
        raise DeepLinkError(_("This nonce was already used."))
    data = claims.get(DL_CLAIM + "data")
    try:
        platform.launches.read_deep_link_data(data if isinstance(data, str) else "")
    except BadHintError as error:
        raise DeepLinkError(_("The data value from the request was not echoed back.")) from error
    items = claims.get(DL_CLAIM + "content_items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DeepLinkError(_("content_items must be a list of objects."))
    for item in items:
        _check_content_item(item)
    messages = {
        name: str(claims[DL_CLAIM + name]) for name in MESSAGE_CLAIMS if DL_CLAIM + name in claims
    }
    return DeepLinkReturn(items, data, messages, datetime.now(UTC))


def _check_content_item(item: dict[str, Any]) -> None:
    if item.get("type") not in ACCEPTED_TYPES:
        raise DeepLinkError(_("Only ltiResourceLink content items were accepted."))
    if "url" in item and not isinstance(item["url"], str):
        raise DeepLinkError(_("A content item's url must be a string."))
    custom = item.get("custom", {})
    if not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values()):
        raise DeepLinkError(_("Custom parameter values must be strings."))
    line_item = item.get("lineItem")
    if line_item is not None:
        maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
        if not isinstance(maximum, int | float) or isinstance(maximum, bool) or maximum <= 0:
            raise DeepLinkError(_("A content item's lineItem needs a scoreMaximum above 0."))


def _create_link(platform: DevPlatform, item: dict[str, Any]) -> ResourceLink:
    """auto_create is true: each returned ltiResourceLink becomes a launchable link, with its column."""
    link = ResourceLink(
        id=f"dl-link-{secrets.token_hex(4)}",
        title=str(item.get("title") or _("Untitled activity")),
        url=item.get("url"),
        custom=dict(item.get("custom") or {}),
    )
    platform.state.add_link(link)
    line_item = item.get("lineItem")
    if isinstance(line_item, dict):
        fields = {
            key: line_item[key] for key in ("scoreMaximum", "resourceId", "tag") if key in line_item
        }
        fields.update(label=str(line_item.get("label") or link.title), resourceLinkId=link.id)
        platform.state.create_line_item(platform.settings.course.id, fields)
    return link
