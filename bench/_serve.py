"""A threaded WSGI server for the intake benchmark (when gunicorn is not installed): wsgiref with a
fixed pool of 16 worker threads (each keeps its database connection, as gunicorn threads do),
HTTP/1.0, no request logging. Usage: _serve.py HOST PORT."""

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class ThreadingWSGIServer(WSGIServer):
    request_queue_size = 128
    pool = ThreadPoolExecutor(max_workers=16)

    def process_request(self, request, client_address):
        self.pool.submit(self._work, request, client_address)

    def _work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


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
