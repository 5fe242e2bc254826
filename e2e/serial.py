"""The browser tests' database has one user at a time: a request of the live server, or the test itself.

On SQLite the test database lives in memory, so Django's live server lends the test's one connection to
the threads that answer the browser, and Django's docs ask that the two never query through it at once.
A test cannot always wait for the browser first: a closing tab's beacon reaches the server on its own
time. Its savepoints then interleaved with those of a login made by the test ("no such savepoint").

So a request holds one lock from Django's ``request_started`` to ``request_finished``, and the test
thread takes it for each statement (``execute_wrapper``) and for whatever it wraps in ``one_at_a_time()``.
"""

import threading
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import connection

LOCK = threading.RLock()
# Never hang a run on a request that was never closed: after this long the waiter goes ahead unguarded.
WAIT_SECONDS = 10


class _State(threading.local):
    held = 0


_state = _State()
_test_thread: list[int] = []


def _take() -> None:
    if LOCK.acquire(timeout=WAIT_SECONDS):
        _state.held += 1


def _give() -> None:
    if _state.held:
        _state.held -= 1
        LOCK.release()


def _request_started(**kwargs) -> None:
    # The test thread's own test-client requests are not the live server's.
    if _test_thread and threading.get_ident() != _test_thread[0]:
        _take()


def _request_finished(**kwargs) -> None:
    if not _test_thread or threading.get_ident() != _test_thread[0]:
        _give()


def _each_statement(execute, sql, params, many, context):
    with one_at_a_time():
        return execute(sql, params, many, context)


request_started.connect(_request_started, dispatch_uid="e2e-serial-started")
request_finished.connect(_request_finished, dispatch_uid="e2e-serial-finished")


@contextmanager
def one_at_a_time():
    """Hold off the live server's requests while the test uses the database."""
    _take()
    try:
        yield
    finally:
        _give()


@contextmanager
def serialised():
    """For one test: requests hold the lock, and each of the test thread's statements takes it.

    Only on SQLite: on PostgreSQL each thread has its own connection, and a request waiting here for a
    test that waits on the request's row lock would stall both.
    """
    if connection.vendor != "sqlite":
        yield
        return
    _test_thread.append(threading.get_ident())
    try:
        with connection.execute_wrapper(_each_statement):
            yield
    finally:
        _test_thread.clear()
