"""gunicorn's settings for Voces: `gunicorn -c gunicorn.conf.py 'survey:create_app()'`.

Every value can be changed from the environment, or on gunicorn's command line (`--bind 0.0.0.0:8000`),
which wins over this file.
"""

import os

# Behind a reverse proxy on the same machine: only the proxy talks to gunicorn.
bind = [os.environ.get("VOCES_BIND", "127.0.0.1:8000")]

# gunicorn's own variable; each worker holds its own copy of the analysis engine: count memory as well as cores.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))

# Threads in each worker (gunicorn's gthread worker from 2 on): while one request waits on PostgreSQL or
# on a slow client, another's Python runs. Python runs one thread at a time, so more threads add no CPU;
# four tablets sending batches of 100 at once to one worker stored 1,430-1,526 records/s, against 1,147-1,343 for one.
threads = int(os.environ.get("GUNICORN_THREADS", 2))

# The first submission a worker analyses loads the language models; give it time before killing the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))

# One line per request on standard output ("-"), or to a file. Form answers travel in request bodies,
# which are never logged; the line has the address, the path and the status.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"

# The addresses whose X-Forwarded-Proto gunicorn believes (it sets the https scheme from it). Voces reads
# X-Forwarded-For, -Proto and -Host itself through PROXY_FIX_HOPS (the number of proxies in front): set
# PROXY_FIX_HOPS=1 behind one proxy, and keep this to that proxy's address, never "*" on a public port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    """Load what a worker keeps for its life before its first request, and set it aside from the garbage
    collector (survey.app.settle_process); the models too where no broker takes the analysis."""
    from flask import Flask

    from survey.app import settle_process

    if not isinstance(worker.wsgi, Flask):
        return
    try:
        settle_process(worker.wsgi, analyse=not worker.wsgi.config["CELERY_BROKER_URL"])
    except Exception:  # the database not answering yet, say: the worker serves, and loads on first use
        worker.log.exception("Voces could not load its models before its first request")
