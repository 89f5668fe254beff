# Settings shared by every environment. Loaded first; the environment's file and then
# LTI_TOOL_* environment variables override them (see lti_tool/app.py).
# No secrets here: they come from the environment or the instance folder.

ENV_NAME = "default"

SQLALCHEMY_DATABASE_URI = "sqlite:///mentoring_web.sqlite3"  # relative to the instance folder
# hide_parameters: a database error's message never carries the values bound to it (a reflection's
# text, a name), wherever that message ends up.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
# When set, launch state (login state, nonces, launch data, JWKS cache) lives in Redis, and so do
# the rate-limit counts (below).
REDIS_URL = None
REDIS_KEY_PREFIX = "mentoring-web:"  # several instances (or test runs) can share one Redis

# LTI validation (see the docs in lti_tool/lti/validation.py)
LTI_CLOCK_LEEWAY_SECONDS = 60  # platform clocks drift; PyJWT rejects a future iat without leeway
LTI_MAX_TOKEN_AGE_SECONDS = (
    300  # an id_token is posted straight after login; older ones are refused
)
LTI_LOGIN_STATE_SECONDS = 600  # how long a login (state + nonce) waits for its id_token
LTI_LAUNCH_SECONDS = 8 * 3600  # how long the pages of one launch stay usable without relaunching
LTI_LAUNCHES_PER_BROWSER = 20  # launches a browser session remembers (one per open tab or course)
LTI_JWKS_CACHE_SECONDS = 3600  # platform key sets are cached this long...
LTI_JWKS_MIN_REFETCH_SECONDS = 30  # ...and refetched on an unknown kid at most this often
# (and within RATE_LIMIT_JWKS_REFETCH, below)
LTI_HTTP_TIMEOUT_SECONDS = 10

# The tool's public address, for `flask lti urls` (production: LTI_TOOL_TOOL_BASE_URL=https://...).
TOOL_BASE_URL = None

# Tool keys: a rotated-out key stays in the JWKS this long, so in-flight service tokens still verify.
LTI_KEY_OVERLAP_SECONDS = 7 * 24 * 3600

# Cookies: the tool runs inside an LMS iframe, so its cookies must be third-party capable.
SESSION_COOKIE_NAME = "mentoring_web_session"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "None"
SESSION_COOKIE_PARTITIONED = True
SESSION_COOKIE_HTTPONLY = True
PREFERRED_URL_SCHEME = "https"
TRUST_PROXY_HOPS = 1  # a TLS-terminating proxy in front; 0 when serving TLS directly

WTF_CSRF_TIME_LIMIT = None  # bound to the session instead; a learner may write for a long time

LANGUAGES = ["en", "fr"]
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "America/Toronto"

DEV_PLATFORM = False  # the built-in development LMS; only development and test may enable it

LOG_LEVEL = "INFO"

# Anonymous cohort figures: facilitators see none for a course with fewer
# learners' webs than this, and any figure counting fewer learners than this shows "fewer than k".
# Boards may raise it (e.g. LTI_TOOL_COHORT_MIN_GROUP_SIZE=10); it must be at least 1.
COHORT_MIN_GROUP_SIZE = 5
# The figures come from a publication of the course's webs, replaced at most this often and only
# once at least COHORT_MIN_GROUP_SIZE learners' webs changed: one person's edit never shows alone.
COHORT_PUBLISH_SECONDS = 24 * 3600

# Files uploaded with reflections: type checked from the bytes, stored outside the web root under
# UPLOAD_FOLDER (None: <instance folder>/uploads), never under static/. A request body larger than
# MAX_CONTENT_LENGTH is refused with 413 before it is read.
REFLECTION_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_FOLDER = None
MAX_CONTENT_LENGTH = REFLECTION_UPLOAD_MAX_BYTES + 512 * 1024

# Background jobs (lti_tool/jobs; README "Background jobs"). Requests only queue jobs; workers
# (`flask jobs worker`, the Procfile's `worker:`) run them. JOBS_QUEUE: "auto" (Redis at
# JOBS_REDIS_URL or REDIS_URL when set, else a SQLite file), "redis" (any number of workers on any
# number of hosts), "sqlite" (workers on this host only; JOBS_SQLITE_PATH, default
# <instance folder>/jobs.sqlite3) or "immediate" (jobs run inside the request; tests only).
JOBS_QUEUE = "auto"
JOBS_REDIS_URL = None  # None: REDIS_URL. A Redis of its own keeps jobs apart from launch state.
JOBS_SQLITE_PATH = None
JOBS_WORKER_THREADS = 4  # jobs one worker runs at once; most of a job's time is spent on the LMS
JOBS_PERIODIC_CHECK_SECONDS = 60  # how often a worker looks for due periodic jobs

# Grade delivery. A worker holds a score it is sending for GRADE_CLAIM_SECONDS (a killed worker's
# score is tried again after that); after a failed attempt it waits the next value of
# GRADE_RETRY_BACKOFF_SECONDS (the last repeats), or longer if the LMS sent Retry-After, and gives
# up after GRADE_MAX_ATTEMPTS (the facilitator's page shows it; "Retry now" starts a fresh round).
GRADE_CLAIM_SECONDS = 120
GRADE_RETRY_BACKOFF_SECONDS = (60, 300, 900, 3600, 14400)
GRADE_MAX_ATTEMPTS = 8
# A queued score that no job has tried after this long lost its job (a worker killed, the queue
# down): the sweep queues it again. Longer than the queue's normal wait, so it adds no duplicates.
GRADE_REQUEUE_AFTER_SECONDS = 600
GRADE_SWEEP_BATCH = 1000  # scores queued by one sweep; the next sweep takes the rest

# The course roster (Names and Role Provisioning Services). The hourly schedule syncs every course
# whose last sync is older than ROSTER_MAX_AGE_SECONDS, and so does a facilitator's launch ("on";
# queued, the launch never waits) unless ROSTER_SYNC_ON_LAUNCH is "off". Incremental syncs follow
# the LMS's `differences` link; a full one runs at least every ROSTER_FULL_SYNC_SECONDS.
ROSTER_SYNC_ON_LAUNCH = "on"
ROSTER_MAX_AGE_SECONDS = 12 * 3600
ROSTER_FULL_SYNC_SECONDS = 7 * 24 * 3600
ROSTER_RETRY_SECONDS = 600  # after a failed automatic sync, wait this long before the next one
ROSTER_SYNC_LEASE_SECONDS = 600  # a sync that ran this long is presumed dead; another may start
ROSTER_PAGE_SIZE = 100  # members per NRPS page asked for (`limit`); the LMS may send fewer

# Limits: what one person can store. Each refusal says which limit and what to do; boards may
# change them (LTI_TOOL_WEB_MAX_STRANDS=80 ...). A real web has 5-7 supports; the caps are far above
# what anyone needs and far below what would slow a page, an export or a worker.
WEB_MAX_STRANDS = 60  # strands in one web, ended ones included
WEB_MAX_SNAPSHOTS = 100  # snapshots of one web (one per module milestone, plus requested ones)
REFLECTION_MAX_CHARS = 20_000  # one reflection answer, after sanitising
FEEDBACK_MAX_CHARS = 4_000  # each of a feedback's three parts
LTI_LOGIN_PARAM_MAX_CHARS = 4_096  # each OIDC login parameter; a longer one is refused unstored

# Rate limits on the anonymous endpoints (lti_tool/rate_limits.py), in the notation of the `limits`
# library: "600 per minute", "10/second", several joined by ";" ("600/minute;5000/hour"). Counted
# in Redis when REDIS_URL is set, so every worker and host shares one count (REDIS_KEY_PREFIX keeps
# instances apart); otherwise in each process's memory. Beyond a limit, the person gets a page
# saying when to try again (429 with Retry-After) and nothing is stored.
# Login and launch are counted per client address: the real one behind TRUST_PROXY_HOPS proxies.
# A whole school board can reach the tool through ONE address (a NAT at the board's egress): on a
# PD day hundreds of teachers launch in the same minutes, so the defaults are generous. A board
# behind one address whose launches are refused raises both (LTI_TOOL_RATE_LIMIT_LTI_LAUNCH=
# "1500 per minute" LTI_TOOL_RATE_LIMIT_LTI_LOGIN="3000 per minute"). Each launch makes two login
# requests (the cookie check, then the login itself) and one launch request.
RATE_LIMIT_LTI_LOGIN = "1200 per minute"
RATE_LIMIT_LTI_LAUNCH = "600 per minute"
# Refetches of one platform key set (per key-set URL, for all workers and hosts together) on an
# unknown kid. A real rotation needs one; this bounds what a stream of tokens with invented kids can
# make the tool fetch from an LMS, also when requests race or the LMS fails to answer. Any refetch
# picks up a rotated key; when invented kids have used the count up, a launch with a genuinely new
# kid is refused (as an unknown key) until the window ends, a minute at most.
RATE_LIMIT_JWKS_REFETCH = "2 per minute"
