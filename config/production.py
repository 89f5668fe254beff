# Production. Everything secret comes from the environment:
#   SECRET_KEY (or LTI_TOOL_SECRET_KEY), DATABASE_URL, optionally REDIS_URL.
#   LTI_TOOL_TOOL_BASE_URL (the public https:// address) for `flask lti urls`.
# The app refuses to start without them (lti_tool/app.py) and refuses to serve without a tool key
# (lti_tool/wsgi.py). The development platform can never be enabled here.
ENV_NAME = "production"

SQLALCHEMY_DATABASE_URI = None
DEV_PLATFORM = False
