"""Runs moto_server with one request at a time.

moto's DynamoDB backend is not isolated under concurrent requests: TransactWriteItems snapshots the
tables without a lock and, when a condition fails, restores that snapshot, which can hold another
transaction's partial writes or drop its committed ones. DynamoDB itself serializes transactions;
serving one request at a time gives the tests that isolation. Arguments are moto_server's.
"""
import sys
import threading

import moto.server

_lock = threading.Lock()
_run_simple = moto.server.run_simple


def _serialized(app):
    def handle(environ, start_response):
        with _lock:
            # Produce the whole response under the lock: a WSGI body may be computed lazily.
            return list(app(environ, start_response))

    return handle


def _run_serialized(host, port, app, **kwargs):
    _run_simple(host, port, _serialized(app), **kwargs)


moto.server.run_simple = _run_serialized
moto.server.main(sys.argv[1:])
