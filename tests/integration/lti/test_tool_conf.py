"""pylti1p3 reads registrations through DbToolConf: many client_ids per issuer, our keys, our kid."""

from __future__ import annotations

from lti_tool.extensions import db
from lti_tool.lti import keys
from lti_tool.lti.registrations import PlatformValues, add_platform
from lti_tool.lti.tool_conf import DbToolConf

ISSUER = "https://canvas.instructure.com"


def _values(client_id: str) -> PlatformValues:
    return PlatformValues(
        issuer=ISSUER,
        client_id=client_id,
        auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        auth_token_url="https://sso.canvaslms.com/login/oauth2/token",
        key_set_url="https://sso.canvaslms.com/api/lti/security/jwks",
    )


def test_one_issuer_many_client_ids_each_with_their_deployments(app):
    with app.app_context():
        add_platform(db.session, _values("100001"), ["1:abc"])
        add_platform(db.session, _values("100002"), ["2:def"])
        conf = DbToolConf(db.session)
        first = conf.find_registration_by_params(ISSUER, "100001")
        second = conf.find_registration_by_params(ISSUER, "100002")
        assert (first.get_client_id(), second.get_client_id()) == ("100001", "100002")
        # With two registrations, an issuer alone is ambiguous: no guess.
        assert conf.find_registration_by_params(ISSUER, None) is None
        assert conf.find_deployment_by_params(ISSUER, "1:abc", "100001") is not None
        assert conf.find_deployment_by_params(ISSUER, "1:abc", "100002") is None
        # Exact match only: a prefix of a deployment id is not that deployment.
        assert conf.find_deployment_by_params(ISSUER, "1:ab", "100001") is None
        assert conf.check_iss_has_many_clients(ISSUER)
        assert not DbToolConf(db.session).check_iss_has_one_client(ISSUER)


def test_signing_registration_carries_the_active_key_and_its_kid(app):
    with app.app_context():
        platform = add_platform(db.session, _values("100001"), ["1:abc"])
        key, _created = keys.generate_key(db.session)
        signing = DbToolConf(db.session, with_tool_key=True).registration_for(platform)
        assert signing.get_kid() == key.kid
        assert signing.get_tool_private_key() == key.private_key_pem
        # Verifying a launch needs no private key, and login/launch do not load it.
        assert DbToolConf(db.session).registration_for(platform).get_tool_private_key() is None


def test_deactivated_deployment_is_not_found(app):
    with app.app_context():
        platform = add_platform(db.session, _values("100001"), ["1:abc"])
        platform.deployments[0].active = False
        db.session.flush()
        assert DbToolConf(db.session).find_deployment_by_params(ISSUER, "1:abc", "100001") is None
