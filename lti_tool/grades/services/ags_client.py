"""The HTTP side of grade delivery: the line item and the score POST (AGS 2.0 §3.2, §3.4).

The token and bearer calls are `lti.service_client.ServiceClient`'s, shared with the roster's
NRPS calls: one token cache, one refresh-on-401 rule.
"""

from __future__ import annotations

from lti_tool.grades import domain
from lti_tool.lti.service_client import ServiceCallError, ServiceClient, response_json

AgsCallError = ServiceCallError  # the name the grades feature has always used


class AgsClient(ServiceClient):
    def find_line_item(self, lineitems_url: str, module_slug: str) -> str | None:
        """The module's column, searched by `resource_id` across every page (AGS 2.0 §3.2.4).

        Not by the launch's `resource_link_id`: the learner may have come in through another
        link, whose column is not this module's.
        """
        url: str | None = domain.with_query(lineitems_url, {"resource_id": module_slug})
        for _page in range(domain.LINE_ITEM_PAGES):
            if url is None:
                break
            response = self.call(
                "GET",
                url,
                "line item search",
                headers={"Accept": domain.LINEITEM_CONTAINER_MEDIA_TYPE},
            )
            found = domain.choose_line_item(
                response_json(response, "line item search"), module_slug
            )
            if found is not None:
                return found
            url = response.links.get("next", {}).get("url")
        return None

    def create_line_item(self, lineitems_url: str, payload: dict[str, object]) -> str:
        response = self.call(
            "POST",
            lineitems_url,
            "line item creation",
            json=payload,
            headers={
                "Content-Type": domain.LINEITEM_MEDIA_TYPE,
                "Accept": domain.LINEITEM_MEDIA_TYPE,
            },
        )
        body = response_json(response, "line item creation")
        line_item_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(line_item_id, str):
            raise AgsCallError(response.status_code, "line item created without an id")
        return line_item_id

    def post_score(self, lineitem_url: str, payload: dict[str, object]) -> None:
        self.call(
            "POST",
            domain.scores_url(lineitem_url),
            "score",
            json=payload,
            headers={"Content-Type": domain.SCORE_MEDIA_TYPE},
        )
