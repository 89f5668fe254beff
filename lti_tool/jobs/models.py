"""Leases on periodic work: one row per job name, held by one worker until `held_until`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.extensions import db


class JobLease(db.Model):
    """Who runs a periodic job now, and until when nobody else may start it.

    A worker killed mid-run holds it only until `held_until`; then the next schedule takes it.
    """

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    held_until: Mapped[datetime]
    holder: Mapped[str] = mapped_column(String(100), default="")
