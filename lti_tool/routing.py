"""URL converters that refuse what the database cannot hold.

Werkzeug's `int` converter accepts any number of digits, and a 20-digit id then reaches the
database: SQLite raises OverflowError and PostgreSQL "integer out of range" (its INTEGER is 32-bit),
both a 500. The `int` converter here matches only 0..2^31-1, so an id no row can have is a 404
before any view runs; negative ids never matched (`signed` stays off).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every primary key here


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        kwargs["max"] = min(kwargs["max"], MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules bind their converter when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
