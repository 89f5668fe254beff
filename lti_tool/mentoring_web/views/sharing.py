"""Privacy (issue 4 point 7): sharing my web, what facilitators see, copying a web between courses.

- `POST /web/sharing`: the owner shares the web with this course's facilitators, or stops.
- `GET /web/shared`, `/web/shared/<owner_id>`: facilitators only; webs their owners share, read-only.
  A web not shared, or of another course, is a 404 like any unknown id. (The anonymous cohort
  figures live in `views/cohort.py`.)
- `GET /web/copy`, `POST /web/copy/<owner_id>`: my webs in other courses of this platform, copied
  strand by strand into this course's web.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from lti_tool.errors import InvalidInputError
from lti_tool.extensions import db
from lti_tool.launches.binding import current_launch, roles_required
from lti_tool.lti.roles import ToolRole
from lti_tool.mentoring_web.domain.score import score as web_score
from lti_tool.mentoring_web.domain.vocabulary import Status
from lti_tool.mentoring_web.forms import ConfirmForm
from lti_tool.mentoring_web.services import sharing
from lti_tool.mentoring_web.services import web as services
from lti_tool.mentoring_web.views import blueprint, presenter
from lti_tool.numbers import whole_number

SHARE_CHOICES = {"yes": True, "no": False}


@blueprint.post("/web/sharing")
def set_sharing():
    shared = SHARE_CHOICES.get(request.form.get("share", ""))
    audience = request.form.get("audience", services.FACILITATORS)
    if shared is None or audience not in (services.FACILITATORS, services.MENTORS):
        raise InvalidInputError(_("Choose whether to share your web or to stop sharing it."))
    launch = current_launch()
    owner = services.find_own_web(db.session, launch)
    if owner is not None or shared:  # stopping a share of a web never started changes nothing
        services.set_sharing(
            db.session,
            owner or services.own_web(db.session, launch),
            shared=shared,
            audience=audience,
        )
        db.session.commit()
    presenter.confirm(_sharing_saved(audience, shared), category=presenter.SHARING_CONFIRMATION)
    return redirect(url_for("mentoring_web.my_web", _anchor="sharing-title"), code=303)


def _sharing_saved(audience: str, shared: bool) -> str:
    if audience == services.MENTORS:
        if shared:
            return _("Saved: your web is shared with your mentors.")
        return _("Saved: your web is no longer shared with your mentors.")
    if shared:
        return _("Saved: your web is shared with this course's facilitators.")
    return _("Saved: your web is no longer shared with this course's facilitators.")


@blueprint.get("/web/shared")
@roles_required(ToolRole.FACILITATOR)
def shared_list():
    rows = sharing.shared_webs(db.session, current_launch(), presenter.today())
    return render_template("mentoring_web/shared_list.html", rows=rows, format_date=format_date)


@blueprint.get("/web/mentees/<int:user_id>")
@roles_required(ToolRole.MENTOR)
def mentee_web(user_id: int):
    mentee = sharing.mentee_web(db.session, current_launch(), user_id)
    if mentee.shared is None:
        return render_template("mentoring_web/mentee_not_shared.html", mentee=mentee)
    return _read_only_web(mentee.shared, for_mentor=True)


@blueprint.get("/web/shared/<int:owner_id>")
@roles_required(ToolRole.FACILITATOR)
def shared_web(owner_id: int):
    shared = sharing.shared_web(db.session, current_launch(), owner_id)
    return _read_only_web(shared, for_mentor=False)


def _read_only_web(shared: sharing.SharedWeb, *, for_mentor: bool):
    """A web someone shares, as facilitators and mentors see it: roles, never the words the
    owner wrote about the people on their strands."""
    visible = presenter.without_private_words(shared.web)
    return render_template(
        "mentoring_web/shared_web.html",
        shared=shared,
        owner=shared.owner,
        web=visible,
        score=web_score(shared.web, presenter.today()),
        picture=presenter.web_svg(visible, id_prefix="shared-web"),
        updated_at=sharing.last_updated(shared.owner),
        format_date=format_date,
        for_mentor=for_mentor,
    )


@blueprint.get("/web/copy")
def copy_list():
    webs = services.other_course_webs(db.session, current_launch())
    rows = [
        {
            "owner_id": web.id,
            "course": web.context.title or web.context.label or "",
            "strands": sum(1 for s in web.strands if s.status != Status.ENDED.value),
        }
        for web in webs
    ]
    copied, source = _int_arg("copied"), _int_arg("source")
    result_course = next((row["course"] for row in rows if row["owner_id"] == source), None)
    return render_template(
        "mentoring_web/copy.html",
        rows=rows,
        copied=copied,
        result_course=result_course,
        confirm=ConfirmForm(),
    )


@blueprint.post("/web/copy/<int:owner_id>")
def copy_web(owner_id: int):
    copied = services.copy_web(db.session, current_launch(), owner_id)
    db.session.commit()
    return redirect(url_for("mentoring_web.copy_list", copied=copied, source=owner_id), code=303)


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name))
