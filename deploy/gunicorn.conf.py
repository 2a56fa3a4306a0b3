"""gunicorn's settings for the back office: ``make serve`` and deploy/gotone-web.service.

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

Run from the checkout (the working directory is put on the import path). The variables
below are gunicorn's, not Django's; Django reads its own from the environment file
(deploy/gotone.env.example). Decision D-OPS-4 (logs) and D-OPS-5 (the proxy).
"""

import os
import time

# One time zone in every log line (D-OPS-4): the programme's, Asia/Shanghai (CONV-4,
# settings.TIME_ZONE). Django moves each worker to it once the settings load, but the
# master process never loads Django, so its lines (start, worker boot and exit, timeouts)
# and the first requests' access lines would be in the machine's zone, often UTC.
PROGRAMME_TIME_ZONE = "Asia/Shanghai"
os.environ["TZ"] = PROGRAMME_TIME_ZONE
time.tzset()

# Where and how many: behind the TLS proxy, on the loopback by default.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Pages are short; the long work (ratings, feeds) runs on the Celery workers.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30

# Logs on stdout/stderr (journald under systemd), one line per request. The client is the
# proxy, so the access line shows the address the proxy forwarded (X-Forwarded-For).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s %({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# gunicorn ≥ 25 opens a control socket under $HOME by default; nothing here uses it, and
# two instances on one machine would fight over the same path.
control_socket_disable = True
