"""Pages come out in French for a French browser or ?lang=fr, and in English otherwise.

The compiled catalogues (.mo) are not committed; `make install` builds them. A developer running
pytest directly may have none, or ones older than the .po, so this module compiles them first.
"""

from __future__ import annotations

import os

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import get_domain

from lti_tool.paths import TRANSLATIONS_DIR


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        # Write then rename, so a concurrent run never reads half a file.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        with partial.open("wb") as f:
            write_mo(f, catalog)
        os.replace(partial, mo_path)


@pytest.fixture(autouse=True)
def _fresh_translations(app: Flask) -> None:
    # flask-babel caches loaded catalogues per process, across apps: an earlier test may have
    # cached French from before the compile above.
    with app.app_context():
        get_domain().cache.clear()


def test_english_by_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)

    assert '<html lang="en">' in page
    assert "Skip to main content" in page
    assert "About this tool" in page


def test_french_for_a_french_canadian_browser(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "Passer au contenu principal" in page
    assert "<title>À propos de cet outil · Réseau de mentorat</title>" in page
    assert "Pour l\u2019administration du LMS" in page  # with the typographic apostrophe
    assert "Skip to main content" not in page


def test_lang_parameter_overrides_the_browser(client: FlaskClient) -> None:
    page = client.get("/?lang=fr", headers={"Accept-Language": "en-CA,en"}).get_data(as_text=True)

    assert '<html lang="fr">' in page
    assert "Passer au contenu principal" in page


def test_english_browser_and_unsupported_lang_stay_english(client: FlaskClient) -> None:
    page = client.get("/?lang=de", headers={"Accept-Language": "en-CA"}).get_data(as_text=True)

    assert '<html lang="en">' in page
    assert "Skip to main content" in page
