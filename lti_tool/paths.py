"""Where the project's non-package folders live.

templates/ and config/ sit beside the package (design card), so the app factory points Flask at them.
"""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
CONFIG_DIR = PROJECT_ROOT / "config"
MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"
TRANSLATIONS_DIR = PACKAGE_ROOT / "translations"
