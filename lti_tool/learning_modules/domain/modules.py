"""What a mini-module is, and how the 24 modules fit into pathways and the web-building steps.

Pure (standard library only): the `Module` and `Catalogue` values the pages show, the facilitator
pathways and the seven web-building steps of the learning design. Checking a module file and the
whole set lives in `domain.validation`; reading the files and sanitising the HTML in `services/catalogue.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXPECTED_MODULES = 24
INTERPRETATION = "interpretation"  # written from related material; a board should review it
# The custom parameter a deep-linked module's link carries (`module=<slug>`): the course home opens
# that module, and the gradebook knows the link's column is that module's.
LINK_MODULE_PARAM = "module"
# The tag of every gradebook column the tool makes for a module (its deep link, or grades when it
# creates one): the one place it is written.
COMPLETION_TAG = "mentoring-web-completion"


def N_(text: str) -> str:  # noqa: N802 - the gettext "no-op" marker convention
    """Mark a label for translation without translating it here (pure code has no locale)."""
    return text


# The seven web-building steps that modules connect to.
WEB_STEPS: dict[int, str] = {
    1: N_("Centre card: look in the mirror"),
    2: N_("Name your current strands"),
    3: N_("Describe each strand"),
    4: N_("Find the gaps"),
    5: N_("Reach out or invite"),
    6: N_("Give back: reciprocal strands, students included"),
    7: N_("Revisit and re-score"),
}


@dataclass(frozen=True)
class Pathway:
    """A facilitator preset: a titled, ordered run of modules."""

    key: str
    title: str  # N_-marked English
    description: str  # N_-marked English
    slugs: tuple[str, ...]


PATHWAYS: tuple[Pathway, ...] = (
    Pathway(
        "start-here",
        N_("Start here (all roles)"),
        N_("What mentoring means here and how to begin your own web."),
        (
            "learners-at-the-centre",
            "mentoring-is",
            "creating-a-mentoring-web",
            "building-a-mentoring-web",
            "multiple-models-of-mentorship",
            "the-power-of-listening",
        ),
    ),
    Pathway(
        "conversations",
        N_("Conversations"),
        N_("Tools for conversations that help a colleague do their own thinking."),
        (
            "goal-setting-conversations",
            "learning-focused-conversations",
            "the-3cs-framework",
            "a-conversation-map",
            "ideas-to-consider-when-coaching",
        ),
    ),
    Pathway(
        "feedback",
        N_("Feedback"),
        N_("Feedback that is respectful, starts from strengths and points forward."),
        (
            "providing-growth-oriented-feedback",
            "scaling-questions",
            "creating-a-third-point",
            "appreciative-inquiry",
            "themes-of-success",
        ),
    ),
    Pathway(
        "designs-and-sustainability",
        N_("Designs and sustainability"),
        N_("Learning designs that work, and keeping mentoring going in a board."),
        (
            "building-influence",
            "powerful-mentoring-designs",
            "mentoring-as-authentic-learning",
            "observation-and-debriefing-protocols",
            "learning-from-ntip",
            "what-we-are-learning",
        ),
    ),
    Pathway(
        "refresher",
        N_("Refresher for mentors and associate teachers"),
        N_("For people who already mentor: trust, stance, debriefing and observation."),
        (
            "mentoring-is",
            "building-relational-trust",
            "ideas-from-mentors-across-ontario",
            "the-3cs-framework",
            "scaling-questions",
            "creating-a-third-point",
            "observation-and-debriefing-protocols",
        ),
    ),
)
PATHWAY_KEYS = tuple(pathway.key for pathway in PATHWAYS)


def pathway_order(slugs: tuple[str, ...], pathways: tuple[Pathway, ...] = PATHWAYS) -> list[str]:
    """The modules in the order a learner meets them: pathway by pathway ("Start here" first),
    each module at its first pathway only, then any in no pathway (in the given order). The
    module list shows them in this order and numbers them by it."""
    seen: dict[str, None] = {}
    known = set(slugs)
    for pathway in pathways:
        for slug in pathway.slugs:
            if slug in known:
                seen.setdefault(slug, None)
    for slug in slugs:
        seen.setdefault(slug, None)
    return list(seen)


def primary_pathway(slug: str, pathways: tuple[Pathway, ...] = PATHWAYS) -> str | None:
    """The first pathway that holds the module: the one it is listed under."""
    return next((p.key for p in pathways if slug in p.slugs), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, said so that the author can find and fix it."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    html: str  # rendered from the file's Markdown; sanitised by the loader before display


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class Module:
    slug: str
    number: int
    title: str
    summary: str
    minutes: int
    pathways: tuple[str, ...]
    web_steps: tuple[int, ...]
    sections: tuple[Section, ...]
    prompts: tuple[Prompt, ...]
    status: str | None = None

    @property
    def is_interpretation(self) -> bool:
        return self.status == INTERPRETATION


@dataclass(frozen=True)
class Catalogue:
    """The validated modules, in pathway order (their numbers follow it), and the pathways."""

    modules: tuple[Module, ...]
    pathways: tuple[Pathway, ...] = PATHWAYS
    language: str = "en"
    _by_slug: dict[str, Module] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {module.slug: module for module in self.modules})

    def get(self, slug: str) -> Module | None:
        return self._by_slug.get(slug)

    def pathway(self, key: str) -> Pathway | None:
        return next((pathway for pathway in self.pathways if pathway.key == key), None)

    def pathway_modules(self, key: str) -> tuple[Module, ...]:
        pathway = self.pathway(key)
        return tuple(self._by_slug[slug] for slug in pathway.slugs) if pathway else ()

    def pathway_minutes(self, key: str) -> int:
        return sum(module.minutes for module in self.pathway_modules(key))

    def neighbours(self, slug: str) -> tuple[Module | None, Module | None]:
        """The modules just before and after this one, in pathway order."""
        index = next(i for i, module in enumerate(self.modules) if module.slug == slug)
        before = self.modules[index - 1] if index > 0 else None
        after = self.modules[index + 1] if index + 1 < len(self.modules) else None
        return before, after
