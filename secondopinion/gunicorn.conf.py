"""Gunicorn's settings for Second Opinion: ``gunicorn -c secondopinion/gunicorn.conf.py
secondopinion.wsgi``. Each can be overridden on the command line or from the environment.

Workers are processes, threads share a process: pages mostly wait on the database, so a
few threads per worker serve more people for the same memory. Packet PDFs are the one
CPU-heavy thing a person can ask for; a worker's threads keep its other requests moving.
"""

import multiprocessing
import os

_cpus = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cpus + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Load the app once in the master, so workers start fast and share its memory.
preload_app = True
# Replace each worker after about this many requests (jittered, so they never all
# restart together), so a slow leak in a library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The HTTPS proxy in front logs requests; gunicorn's access log would repeat them.
accesslog = None
errorlog = "-"


def pre_fork(server: object, worker: object) -> None:
    """No database connection may cross a fork: two processes would share one socket."""
    from django.db import connections

    connections.close_all()
