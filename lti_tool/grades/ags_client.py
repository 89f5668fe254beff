"""The HTTP side of grade delivery: the line item and the score POST (AGS 2.0 §3.2, §3.4).

The token and bearer calls are `lti.service_client.ServiceClient`'s, shared with the roster's
NRPS calls: one token cache, one refresh-on-401 rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from lti_tool.grades import domain
from lti_tool.lti.service_client import ServiceCallError, ServiceClient, response_json

AgsCallError = ServiceCallError  # the name the grades feature has always used


@dataclass
class AgsClient(ServiceClient):
    def find_line_item(
        self, lineitems_url: str, resource_link_id: str | None, slug: str
    ) -> str | None:
        params = {"tag": domain.COMPLETION_TAG, "resource_id": slug}
        if resource_link_id:
            params["resource_link_id"] = resource_link_id
        response = self.call(
            "GET",
            domain.with_query(lineitems_url, params),
            "line item search",
            headers={"Accept": domain.LINEITEM_CONTAINER_MEDIA_TYPE},
        )
        items = response_json(response, "line item search")
        for item in items if isinstance(items, list) else ():
            # Some LMSs ignore the filters; check them again here.
            if (
                isinstance(item, dict)
                and isinstance(item.get("id"), str)
                and item.get("tag") == domain.COMPLETION_TAG
                and item.get("resourceId") == slug
                and (not resource_link_id or item.get("resourceLinkId") == resource_link_id)
            ):
                return item["id"]
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
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise AgsCallError(response.status_code, "line item created without an id")
        return body["id"]

    def post_score(self, lineitem_url: str, payload: dict[str, object]) -> None:
        self.call(
            "POST",
            domain.scores_url(lineitem_url),
            "score",
            json=payload,
            headers={"Content-Type": domain.SCORE_MEDIA_TYPE},
        )
