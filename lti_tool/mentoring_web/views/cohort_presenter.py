"""What the cohort page and report show, prepared for templates: tables, and the charts beside them.

View-layer helpers: they translate with gettext and format numbers for the locale, then hand the
finished words to the pure chart renderer. Every row is a vocabulary label or a fixed phrase and
every value a count, a share or "not shown": nothing a learner wrote can reach a table or a
chart. A table and its chart are built from the same rows, so the text equivalent always says
exactly what the chart draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from lti_tool.mentoring_web.domain.cohort import STRAND_BUCKETS, Cell, CohortSummary
from lti_tool.mentoring_web.domain.cohort_change import CohortChange, Paired, Trend
from lti_tool.mentoring_web.domain.render_cohort_svg import Chart, Row, Value, render_chart
from lti_tool.mentoring_web.views import presenter


@dataclass(frozen=True)
class FigureTable:
    """One table of figures, and the chart of it when there is one.

    `rows` pair a label with a Cell | None (one moment) or, when `paired`, with two texts (the
    first snapshot, today).
    """

    id: str
    title: str
    first_column: str
    rows: list[tuple[str, Any]]
    hint: str = ""
    chart: str = ""  # inline SVG, or "" for a table without a chart
    paired: bool = False


def cell_text(cell: Cell | None, k: int) -> str:
    """A figure in words, as every chart bar and paired table cell writes it."""
    if cell is None:
        return _("not shown")
    return _("%(count)d (%(share)s)", count=cell.count, share=format_percent(cell.share))


def bucket_label(bucket: str) -> str:
    return _("7 or more") if bucket == "7+" else bucket


def summary_tables(summary: CohortSummary) -> list[FigureTable]:
    """Today's figures; the overview, strand counts, role families and models get a chart."""
    labels = presenter.template_helpers()
    k, n = summary.threshold, summary.learners
    overview = [
        (_("At least 5 active strands"), summary.five_or_more),
        (_("Every item of the strong-web checklist"), summary.strong_web),
        (_("At least one reciprocal strand"), summary.reciprocity),
        (_("An assigned strand that has gone dormant"), summary.assigned_but_dormant),
    ]
    strands = [(bucket_label(b), summary.strand_counts[b]) for b in STRAND_BUCKETS]
    families = _labelled(summary.role_families, labels["family_label"])
    models = _labelled(summary.models, labels["model_label"])
    return [
        _single(
            "cohort-overview",
            _("At a glance"),
            _("Learners whose web has…"),
            overview,
            _("The strong-web checklist: at least 5 active strands, 3 role families, 2 models."),
            k,
            n,
        ),
        _single(
            "cohort-strands",
            _("Active strands per learner"),
            _("Active strands"),
            strands,
            _("How many active, distinct strands support each learner."),
            k,
            n,
        ),
        FigureTable(
            "cohort-bands",
            _("Web strength bands"),
            _("Band"),
            _labelled(summary.bands, labels["band_label"]),
            _("Seed 0–6, Growing 7–13, Strong 14–20, out of 20."),
        ),
        _single(
            "cohort-families",
            _("Role families reached"),
            _("Role family"),
            families,
            _("Learners with at least one active strand in each role family."),
            k,
            n,
        ),
        _single(
            "cohort-models",
            _("Models of mentorship"),
            _("Model"),
            models,
            _("Learners with at least one active strand of each model."),
            k,
            n,
        ),
        FigureTable(
            "cohort-supports",
            _("Kinds of support"),
            _("Kind of support"),
            _labelled(summary.supports, labels["support_label"]),
            _("Learners with at least one active strand giving each kind of support."),
        ),
    ]


def reach_by_role(summary: CohortSummary) -> list[dict[str, Any]]:
    """The heat map by the learners' own role family, as one table per group (None if too small)."""
    family_label = presenter.template_helpers()["family_label"]
    return [
        {
            "title": family_label(participant),
            "rows": None
            if reach is None
            else [(family_label(family), cell) for family, cell in reach.items()],
        }
        for participant, reach in summary.family_reach_by_participant.items()
    ]


def change_tables(change: CohortChange) -> list[FigureTable]:
    """The then/now figures: headline shares, strand counts, role families, and who grew."""
    k, n = change.threshold, change.learners
    (mean_then, mean_now), (median_then, median_now) = change.mean_strands, change.median_strands
    family_label = presenter.template_helpers()["family_label"]
    headline = [
        (_("At least 5 active strands"), change.five_or_more),
        (_("Every item of the strong-web checklist"), change.strong_web),
        (_("At least one reciprocal strand"), change.reciprocity),
    ]
    averages = [
        (_("Mean active strands per learner"), (_mean(mean_then), _mean(mean_now))),
        (_("Median active strands per learner"), (_median(median_then), _median(median_now))),
    ]
    strands = [(bucket_label(b), change.strand_counts[b]) for b in STRAND_BUCKETS]
    families = [(family_label(f), pair) for f, pair in change.role_families.items()]
    trends = [
        (_("More active strands than at the first snapshot"), change.trends[Trend.GREW]),
        (_("As many active strands"), change.trends[Trend.STAYED]),
        (_("Fewer active strands"), change.trends[Trend.SHRANK]),
    ]
    hint_averages = _(
        "A mean or median is not shown when a figure of that moment is hidden: it would let the "
        "hidden figure be worked out."
    )
    return [
        _paired(
            "cohort-change-overview",
            _("Then and now, at a glance"),
            _("Learners whose web has…"),
            headline,
            hint_averages,
            k,
            n,
            extra_rows=averages,
        ),
        _paired(
            "cohort-change-strands",
            _("Active strands per learner, then and now"),
            _("Active strands"),
            strands,
            _(
                "How many active, distinct strands supported each learner then, and support them now."
            ),
            k,
            n,
        ),
        _paired(
            "cohort-change-families",
            _("Role families reached, then and now"),
            _("Role family"),
            families,
            _("Learners with at least one active strand in each role family."),
            k,
            n,
        ),
        _single(
            "cohort-change-trend",
            _("Who has more active strands now"),
            _("Compared with the first snapshot"),
            trends,
            _("Each learner's count of active strands today against their first snapshot."),
            k,
            n,
        ),
    ]


def _labelled(cells: Mapping[Any, Any], label: Callable[[Any], str]) -> list[tuple[str, Any]]:
    return [(label(value), cell) for value, cell in cells.items()]


def _value(cell: Cell | None, k: int) -> Value:
    return Value(share=None if cell is None else cell.share, text=cell_text(cell, k))


def _description(n: int, k: int, *, paired: bool) -> str:
    parts = [
        ngettext(
            "Horizontal bar chart for %(num)d learner.",
            "Horizontal bar chart for %(num)d learners.",
            n,
        ),
        _(
            "Each bar is labelled with its number of learners and their share; a figure for fewer "
            "than %(k)d learners, or for all or none of them, reads “not shown” and has no bar.",
            k=k,
        ),
    ]
    if paired:
        parts.append(
            _("In each row the hollow, hatched bar is the first snapshot and the solid bar today.")
        )
    parts.append(_("The table beside the chart gives the same figures."))
    return " ".join(parts)


def _single(
    table_id: str,
    title: str,
    first_column: str,
    rows: list[tuple[str, Cell | None]],
    hint: str,
    k: int,
    n: int,
) -> FigureTable:
    chart = Chart(
        title=title,
        description=_description(n, k, paired=False),
        rows=tuple(Row(label, (_value(cell, k),)) for label, cell in rows),
    )
    return FigureTable(
        table_id,
        title,
        first_column,
        rows,
        hint,
        render_chart(chart, id_prefix=table_id + "-chart"),
    )


def _paired(
    table_id: str,
    title: str,
    first_column: str,
    rows: list[tuple[str, Paired]],
    hint: str,
    k: int,
    n: int,
    *,
    extra_rows: Sequence[tuple[str, tuple[str, str]]] = (),
) -> FigureTable:
    """A then/now table (text per moment) and its chart; `extra_rows` are in the table only."""
    chart = Chart(
        title=title,
        description=_description(n, k, paired=True),
        rows=tuple(Row(label, (_value(pair.then, k), _value(pair.now, k))) for label, pair in rows),
        series=(_("First snapshot"), _("Today")),
    )
    texts = [(label, (cell_text(p.then, k), cell_text(p.now, k))) for label, p in rows]
    return FigureTable(
        table_id,
        title,
        first_column,
        [*texts, *extra_rows],
        hint,
        render_chart(chart, id_prefix=table_id + "-chart"),
        paired=True,
    )


def _mean(mean: float | None) -> str:
    return _("not shown") if mean is None else format_decimal(round(mean, 1))


def _median(bucket: str | None) -> str:
    return _("not shown") if bucket is None else bucket_label(bucket)
