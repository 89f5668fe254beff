"""Reading a course roster from the LMS: NRPS 2.0 GETs, every page, nothing written.

The whole roster is fetched before anything is stored, so a failure on page 7 of 40 leaves the
tool's memberships as they were. Paging follows `rel="next"` (NRPS 2.0 §2.4.1) with a bound and a
loop check, because a misbehaving LMS must not keep a worker busy forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from lti_tool.lti.service_client import ServiceCallError, ServiceClient, response_json
from lti_tool.rosters import domain

MAX_PAGES = 1000


@dataclass(frozen=True)
class FetchedRoster:
    members: dict[str, domain.RosterMember]
    differences_url: str | None
    pages: int
    context_ids: frozenset[str]  # what the pages said they list; checked against the course


def with_limit(url: str, limit: int) -> str:
    """Ask for `limit` members a page (NRPS 2.0 §2.4.1) unless the URL already sets one."""
    parts = urlsplit(url)
    if "limit=" in parts.query:
        return url
    query = (parts.query + "&" if parts.query else "") + urlencode({"limit": limit})
    return urlunsplit(parts._replace(query=query))


def fetch_roster(client: ServiceClient, url: str, *, page_size: int) -> FetchedRoster:
    """Every member from `url` on, following `next` links; the last page's `differences` link."""
    pages: list[list[domain.RosterMember]] = []
    seen: set[str] = set()
    differences: str | None = None
    context_ids: set[str] = set()
    next_url: str | None = with_limit(url, page_size)
    while next_url:
        if next_url in seen or len(pages) >= MAX_PAGES:
            raise ServiceCallError(None, "roster paging did not end (a page links back)")
        seen.add(next_url)
        response = client.call(
            "GET",
            next_url,
            "roster page",
            headers={"Accept": domain.MEMBERSHIP_CONTAINER},
        )
        body = response_json(response, "roster page")
        context_id = domain.container_context_id(body)
        if context_id is not None:
            context_ids.add(context_id)
        try:
            pages.append(domain.parse_container(body))
        except domain.RosterFormatError as error:
            raise ServiceCallError(response.status_code, f"roster page: {error}") from None
        links = domain.parse_link_header(response.headers.get("Link"))
        differences = links.get("differences", differences)
        next_url = links.get("next")
    return FetchedRoster(domain.merge_pages(pages), differences, len(pages), frozenset(context_ids))
