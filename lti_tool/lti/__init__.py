"""LTI 1.3 core: registrations, keys, OIDC login, launch validation, identity and roles."""
