# The test suite. DATABASE_URL / REDIS_URL from the environment select PostgreSQL or Redis.
ENV_NAME = "test"
TESTING = True

SECRET_KEY = "test-only-not-secret"  # noqa: S105
SQLALCHEMY_DATABASE_URI = "sqlite://"
TRUST_PROXY_HOPS = 0
# Plain http like development; tests of the https/iframe behaviour override these per test.
PREFERRED_URL_SCHEME = "http"
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_PARTITIONED = False
DEV_PLATFORM = True
LOG_LEVEL = "WARNING"
# Jobs run inside the request that queues them, after its commit: deterministic. Tests of the queue
# itself (tests/integration/jobs) use a real SQLite or Redis queue and real worker processes.
JOBS_QUEUE = "immediate"
# Cohort figures may be republished at once (the k-changes rule still holds); tests of the
# schedule set a period.
COHORT_PUBLISH_SECONDS = 0
