"""gunicorn settings for aiguillage: `gunicorn -c deploy/gunicorn.conf.py aiguillage.wsgi`.

Every value can be changed from the environment (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS…).
"""

import gc
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core: the work is CPU (templates, Python), the database does its own on its own cores.
workers = int(os.getenv("GUNICORN_WORKERS", "2"))
threads = int(os.getenv("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# The application is imported, its URLs resolved and its templates compiled once, before the fork
# (aiguillage/wsgi.py calls aiguillage.warmup.warm): a worker's first request is as fast as its hundredth.
preload_app = True
# A worker that has served this many requests is replaced (a slow leak cannot grow for ever); the jitter keeps
# the workers from restarting together.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.getenv("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
backlog = int(os.getenv("GUNICORN_BACKLOG", "2048"))
accesslog = os.getenv("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Behind nginx on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.getenv("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    # The warm master's objects (modules, URL resolver, compiled templates) leave the collector's reach before the
    # workers are forked: the collector neither walks them on each full pass nor writes to their shared pages.
    gc.collect()
    gc.freeze()


def post_fork(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    # Connections opened by the master (none, by design) must not be shared by the workers.
    from django.db import connections

    connections.close_all()
    from aiguillage.warmup import warm_worker

    warm_worker()
