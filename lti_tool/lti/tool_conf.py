"""pylti1p3 reads registrations and deployments from our database through this ToolConf.

Every issuer is treated as "many client_ids" (Canvas shares one issuer across schools), and the
relation dict is per instance: pylti1p3 keeps it on the class, so two ToolConfs would otherwise
change each other's behaviour (a known pylti1p3 pitfall).
"""

from __future__ import annotations

import json
from typing import Any

from jwcrypto.jwk import JWK
from pylti1p3.deployment import Deployment as PyltiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy.orm import Session

from lti_tool.lti import registrations
from lti_tool.lti.keys import active_key
from lti_tool.lti.models import Platform
from lti_tool.lti.registrations import PlatformRecord


class DbToolConf(ToolConfAbstract):
    def __init__(self, session: Session, *, with_tool_key: bool = False) -> None:
        """`with_tool_key`: load the tool's private key, for signing (services, deep linking).

        Login and launch only verify the platform's signatures, so they skip that query.
        """
        super().__init__()
        self.issuers_relation_types = {}
        self._session = session
        self._with_tool_key = with_tool_key

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(
        self, iss: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration | None:
        platform = registrations.find_platform_record(self._session, iss, client_id)
        return None if platform is None else self.registration_for(platform)

    def find_deployment(self, iss: str, deployment_id: str) -> PyltiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> PyltiDeployment | None:
        platform = registrations.find_platform(self._session, iss, client_id)
        if platform is None:
            return None
        deployment = registrations.find_deployment(self._session, platform, deployment_id)
        if deployment is None or not deployment.active:
            return None
        return PyltiDeployment().set_deployment_id(deployment.deployment_id)

    def registration_for(self, platform: Platform | PlatformRecord) -> Registration:
        registration = (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.key_set_url)
        )
        if platform.auth_audience:
            registration.set_auth_audience(platform.auth_audience)
        key = active_key(self._session) if self._with_tool_key else None
        if key is not None:
            # pylti1p3 derives the kid from the public key (RFC 7638 thumbprint), as our JWKS does.
            public_pem = JWK.from_json(json.dumps(key.public_jwk)).export_to_pem().decode()
            registration.set_tool_private_key(key.private_key_pem)
            registration.set_tool_public_key(public_pem)
        return registration
