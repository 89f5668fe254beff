"""Taking my web with me: the picture as SVG or PNG, a printable summary, all my data as JSON.

Every export is of the launch user's own web in the launch's course (there is no id to ask for
anyone else's), and is sent `Cache-Control: private, no-store`: strand labels are private.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template
from flask_babel import gettext as _

from lti_tool.db import utcnow
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch
from lti_tool.mentoring_web.domain.export import printable_json, printable_web, web_to_json
from lti_tool.mentoring_web.domain.facts import WebFacts
from lti_tool.mentoring_web.domain.layout import layout_web
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.services import snapshots
from lti_tool.mentoring_web.services.render_png import render_png
from lti_tool.mentoring_web.views import blueprint, presenter
from lti_tool.mentoring_web.views.snapshots import my_web

SVG_NAME, PNG_NAME, JSON_NAME = "mentoring-web.svg", "mentoring-web.png", "mentoring-web.json"


def _printable_web() -> tuple[Any, WebFacts]:
    """My web as it may leave the screen: a student label that looks like a name is replaced."""
    owner, web = my_web()
    return owner, printable_web(web, placeholder())


def placeholder() -> str:
    return _("A group of students")


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/web/export.svg")
def export_svg():
    _owner, web = _printable_web()
    response = _download(
        presenter.web_svg(web, standalone=True, id_prefix="mentoring-web"),
        "image/svg+xml",
        SVG_NAME,
    )
    # Opened directly, an SVG is a document: it has no scripts, and may never load any.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@blueprint.get("/web/export.png")
def export_png():
    _owner, web = _printable_web()
    png = render_png(
        layout_web(web), title=_picture_title(web), labels=presenter.picture_labels(), scale=2.0
    )
    return _download(png, "image/png", PNG_NAME)


@blueprint.get("/web/summary")
def summary():
    owner, web = _printable_web()
    score, prompts = presenter.score_and_prompts(web)
    return render_template(
        "mentoring_web/summary.html",
        owner=owner,
        web=web,
        score=score,
        prompts=prompts,
        picture=presenter.web_svg(web, id_prefix="summary-web"),
        printed_on=presenter.today(),
        course_title=current_launch().context_title,
    )


@blueprint.get("/web/export.json")
def export_json():
    owner, web = _printable_web()
    launch = current_launch()
    score = web_score(web, presenter.today())
    data: dict[str, Any] = {
        **web_to_json(web, score),
        "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
        "course": {"id": launch.context_id, "title": launch.context_title},
        "shared_with_facilitators": bool(owner and owner.shared_with_facilitators),
        "snapshots": [
            {
                "taken_at": snapshot.taken_at.isoformat(timespec="seconds") + "Z",
                "reason": snapshot.reason,
                "total": snapshot.total,
                "band": snapshot.band,
                "web": printable_json(snapshot.web, placeholder()),
            }
            for snapshot in snapshots.list_snapshots(db.session, owner)
        ],
    }
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return _download(body, "application/json", JSON_NAME)


def _picture_title(web: WebFacts) -> str:
    """The picture's title, as presenter.web_svg words it."""
    if web.centre.display_name:
        return _("Mentoring web of %(name)s", name=web.centre.display_name)
    return _("My mentoring web")
