# Local development: plain http on localhost, the built-in development platform enabled.
ENV_NAME = "development"

SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - development only; production refuses to start without its own
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_PARTITIONED = False
PREFERRED_URL_SCHEME = "http"
TRUST_PROXY_HOPS = 0
TOOL_BASE_URL = "http://localhost:5000"

DEV_PLATFORM = True
LOG_LEVEL = "INFO"
