"""Growth over time: take a snapshot of my web, list my snapshots, compare two moments."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lti_tool.db import utcnow
from lti_tool.errors import NotFoundError
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch
from lti_tool.mentoring_web.domain.facts import CentreCard, WebFacts
from lti_tool.mentoring_web.models import WebOwner
from lti_tool.mentoring_web.services import snapshots
from lti_tool.mentoring_web.services import web as services
from lti_tool.mentoring_web.views import blueprint, presenter
from lti_tool.numbers import whole_number

CURRENT = "current"
# The score's components by their letters in the brief (§1.7), in the order the web page uses.
COMPONENTS = (
    ("S", _l("Active strands"), 7),
    ("R", _l("Role families reached"), 4),
    ("T", _l("Kinds of support covered"), 5),
    ("M", _l("Mix of models"), 2),
    ("Q", _l("Quality and mutuality"), 2),
)


def reason_label(reason: str) -> str:
    """ "requested" or "module:<slug>", in words."""
    if reason == snapshots.REQUESTED:
        return _("Taken on request")
    if reason.startswith(snapshots.MODULE_PREFIX):
        slug = reason.removeprefix(snapshots.MODULE_PREFIX)
        return _("Finished the mini-module “%(title)s”", title=presenter.module_name(slug))
    return reason


@blueprint.context_processor
def snapshot_helpers() -> dict[str, object]:
    return {"reason_label": reason_label}


@blueprint.post("/web/snapshots")
def take_snapshot():
    launch = current_launch()
    owner = services.own_web(db.session, launch)
    snapshots.take_snapshot(db.session, owner, snapshots.REQUESTED, presenter.today())
    db.session.commit()
    presenter.confirm(
        _("Snapshot taken. You can compare it with your web later to see how it grows.")
    )
    return redirect(url_for("mentoring_web.snapshots"), code=303)


@blueprint.get("/web/snapshots", endpoint="snapshots")
def snapshots_list():
    owner = services.find_own_web(db.session, current_launch())
    return render_template(
        "mentoring_web/snapshots.html", snapshots=snapshots.list_snapshots(db.session, owner)
    )


@blueprint.get("/web/snapshots/compare")
def compare_snapshots():
    owner, current = my_web()
    taken = snapshots.list_snapshots(db.session, owner)
    later_arg = request.args.get("later") or CURRENT
    later_id = None if later_arg == CURRENT else _snapshot_id(later_arg)
    earlier_id = _snapshot_id(request.args.get("earlier"))
    if earlier_id is None:
        if not taken:
            if later_id is not None:  # an id to check, and there is nothing of mine it can be
                snapshots.own_snapshot(db.session, owner, later_id)
            return render_template("mentoring_web/snapshots_compare.html", growth=None)
        earlier_id = taken[0].id  # default: my latest snapshot, compared with my web today
    growth = snapshots.compare_snapshots(db.session, owner, earlier_id, later_id, current, utcnow())
    return render_template(
        "mentoring_web/snapshots_compare.html",
        growth=growth,
        taken=taken,
        selected_earlier=growth.earlier.id,
        selected_later=growth.later.id if growth.later else CURRENT,
        components=COMPONENTS,
        picture_then=presenter.web_svg(growth.web_then, id_prefix="web-then"),
        picture_now=presenter.web_svg(growth.web_now, id_prefix="web-now"),
    )


def my_web() -> tuple[WebOwner | None, WebFacts]:
    """This launch's web (None before anything was saved) and its facts."""
    launch = current_launch()
    owner = services.find_own_web(db.session, launch)
    if owner is None:
        return None, WebFacts(centre=CentreCard(display_name=launch.display_name or ""))
    return owner, services.web_facts(owner, launch.display_name or "")


def _snapshot_id(raw: str | None) -> int | None:
    """A snapshot id from the query string; anything that is not one is "not found"."""
    if raw is None or raw == "":
        return None
    number = whole_number(raw)
    if number is None:
        raise NotFoundError(_("There is no such snapshot of your web."), code="snapshot-not-found")
    return number
