# gunicorn settings for the Procfile's web line (`gunicorn -c config/gunicorn.py ...`).
# The environment still decides the port and the number of workers, as hosting platforms expect.
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
forwarded_allow_ips = "*"  # the TLS-terminating proxy in front; see TRUST_PROXY_HOPS
control_socket_disable = True

# The access log keeps the path but never the query string nor the Referer: a login's query
# carries the LMS's login and message hints, and the launch's Referer is the LMS's authorization
# URL with the login state and nonce in it.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
