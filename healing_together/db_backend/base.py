"""Django's PostgreSQL backend, with a bound on how long a connection waits for the server.

`statement_timeout` and TCP keepalives bound a slow query and a dead network path, but not a
server that is alive at the TCP level and does not answer: a frozen or swapping PostgreSQL
(SIGSTOP, a paused VM on the same host) still has its kernel acknowledge every packet, so
keepalives and `tcp_user_timeout` never fire and psycopg waits forever for the answer to the
next query, holding the gunicorn thread until the worker is killed. Here every wait of
psycopg on an open connection (query, fetch, commit, rollback, COPY) gives up after
OPTIONS["wait_timeout"] seconds: the connection is closed and an OperationalError raised,
which the site answers with its 503 page (healing_together.middleware). Opening a connection
is bounded by libpq's own `connect_timeout`, and the health check of a kept connection
(CONN_MAX_AGE with conn_health_checks) by the same number of seconds: a `SELECT 1` needs no
longer than a handshake, and a failed check only costs a new connection.

The bound should be a little longer than `statement_timeout`, so a server that merely runs a
slow query cancels it itself (a clean QueryCanceled) before the bound cuts the connection.
"""

import psycopg
from django.db.backends.postgresql import base
from psycopg import errors


class ServerNotAnswering(psycopg.OperationalError):
    """The server did not answer within the wait bound; the connection has been closed."""


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server end after `wait_timeout` seconds."""

    wait_timeout = None  # seconds; None or 0: wait as long as psycopg would

    def wait(self, gen, *args, timeout=None, **kwargs):
        bound = self.wait_timeout
        if not bound or (timeout is not None and timeout <= bound):
            return super().wait(gen, *args, timeout=timeout, **kwargs)  # psycopg's own bound
        try:
            return super().wait(gen, *args, timeout=bound, **kwargs)
        except errors._WaitTimeout:
            # Mid-protocol, the connection cannot be used again: close it (without waiting),
            # so Django's checks see a closed connection at once instead of waiting again.
            self.pgconn.finish()
            raise ServerNotAnswering(
                f"the database server did not answer within {bound:g} s; connection closed"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        self._wait_timeout = params.pop("wait_timeout", None)  # ours, not a libpq option
        self._health_check_timeout = params.get("connect_timeout")
        return params

    def is_usable(self):
        connection = self.connection
        bound = self._health_check_timeout
        if not isinstance(connection, BoundedConnection) or not bound:
            return super().is_usable()
        saved = connection.wait_timeout
        connection.wait_timeout = min(bound, saved or bound)
        try:
            return super().is_usable()
        finally:
            connection.wait_timeout = saved

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # psycopg.connect() has no way to name a connection class, and Django's method does
        # more than connect (pool, isolation level): adopt the connection it made instead.
        if type(connection) is psycopg.Connection:
            connection.__class__ = BoundedConnection
            connection.wait_timeout = self._wait_timeout
        return connection
