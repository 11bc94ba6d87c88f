"""A threaded WSGI server for the intake benchmark (when gunicorn is not installed):
wsgiref with ThreadingMixIn, HTTP/1.0, no request logging. Usage: _serve.py HOST PORT."""

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbangrid.settings")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    host, port = sys.argv[1], int(sys.argv[2])
    server = make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    print(f"serving on {host}:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
