"""What every `flask …` command shares: one transaction per command, and plain-text output.

The commands live next to their services (`flask lti …` in lti_tool/admin/cli/, `flask grades …`,
`flask rosters …`, `flask files …` in their features). Each command calls a service and commits
once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn

import click
from sqlalchemy.orm import Session

from lti_tool.errors import DomainError
from lti_tool.extensions import db


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit once when the block succeeds, so a failed command leaves nothing half-written.

    A DomainError from a service becomes a ClickException (its message on stderr, exit status 1).
    Commands print after the block, never before the commit.
    """
    session = db.session
    try:
        yield session
        session.commit()
    except DomainError as error:
        session.rollback()
        raise click.ClickException(error.message) from error
    except BaseException:
        session.rollback()
        raise


def when(moment: datetime | None) -> str:
    """A naive UTC timestamp from the database, for people."""
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, tuple("-" * width for width in widths), *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
