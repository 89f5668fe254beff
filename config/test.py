# The test suite. DATABASE_URL / REDIS_URL from the environment select PostgreSQL or Redis.
ENV_NAME = "test"
TESTING = True

SECRET_KEY = "test-only-not-secret"  # noqa: S105
SQLALCHEMY_DATABASE_URI = "sqlite://"
TRUST_PROXY_HOPS = 0
DEV_PLATFORM = True
LOG_LEVEL = "WARNING"
