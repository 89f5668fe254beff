"""A process's copy of platform key sets: keys parsed once, kept no longer than the shared cache."""

from __future__ import annotations

import time

from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from lti_tool.lti.jwks_cache import KnownKeySets

URL = "https://lms.example/jwks"


def _jwk(kid: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return {**RSAAlgorithm.to_jwk(key, as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}


def test_a_remembered_key_is_found_parsed_until_the_shared_entry_would_expire() -> None:
    known = KnownKeySets()
    known.remember(URL, {"fetched_at": time.time(), "keys": [_jwk("a")]}, cache_seconds=3600)

    key = known.key(URL, "a")

    assert key is not None
    assert key.key_size == 2048
    assert known.key(URL, "b") is None
    assert known.key("https://other.example/jwks", "a") is None


def test_an_expired_set_is_not_used() -> None:
    known = KnownKeySets()
    known.remember(URL, {"fetched_at": time.time() - 3601, "keys": [_jwk("a")]}, cache_seconds=3600)

    assert known.key(URL, "a") is None


def test_keys_that_are_not_rs256_rsa_or_are_malformed_are_as_good_as_absent() -> None:
    known = KnownKeySets()
    keys = [
        {**_jwk("hs"), "alg": "HS256"},
        {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "RSA", "kid": "broken", "n": "not base64!", "e": "AQAB"},
        "not a key",
        _jwk("good"),
    ]
    known.remember(URL, {"fetched_at": time.time(), "keys": keys}, cache_seconds=60)

    assert [kid for kid in ("hs", "ec", "broken", "good") if known.key(URL, kid) is not None] == [
        "good"
    ]
