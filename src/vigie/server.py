"""The web server behind `vigie serve` and `vigie demo`.

One process (waitress, pure Python, any platform) by default: enough for the demo and a small team.
Python runs one thread at a time per process, so a server with several cores answers many users at
once only with several processes: ``workers > 1`` runs gunicorn's pre-fork server (POSIX), each
worker with ``threads`` threads. Each worker loads the application itself after the fork, so no
database connection is ever shared between processes.
"""

from __future__ import annotations

import gc
import os


def default_workers() -> int:
    return max(1, int(os.environ.get("VIGIE_WORKERS", "1") or 1))


def default_threads() -> int:
    return max(1, int(os.environ.get("VIGIE_THREADS", "8") or 8))


def serve(host: str, port: int, *, workers: int = 1, threads: int = 8) -> None:
    if workers <= 1:
        from waitress import serve as waitress_serve

        from vigie.wsgi import application

        _freeze_loaded_objects()
        waitress_serve(application, host=host, port=port, threads=threads, ident="vigie")
        return
    _gunicorn(host, port, workers, threads)


def _freeze_loaded_objects() -> None:
    """Leave the objects of the loaded application (modules, URL patterns, templates...) out of the
    garbage collector's full passes: they live as long as the process, and each pass over them was a
    pause in the middle of some request."""
    gc.collect()
    gc.freeze()


def _gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError as error:  # Windows has no fork: one process there
        raise RuntimeError(
            "several workers need gunicorn (POSIX only): pip install gunicorn"
        ) from error

    class VigieServer(BaseApplication):
        def load_config(self) -> None:
            options = {
                # One thread per process: gunicorn's sync workers take requests from one queue, first
                # come first served; with threads, gthread workers (which keep connections open).
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "sync" if threads == 1 else "gthread",
                "keepalive": 5,
                "timeout": 120,
                "graceful_timeout": 20,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "vigie",
            }
            for key, value in options.items():
                self.cfg.set(key, value)
            self.cfg.set("post_worker_init", lambda worker: _freeze_loaded_objects())

        def load(self):
            from vigie.wsgi import application

            return application

    VigieServer().run()
