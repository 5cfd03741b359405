"""Warm starts for end-to-end tests: one process imports the server once and forks a fresh one per start.

A server start costs about 0.5 s of CPU, nearly all of it importing (lsprotocol's types alone take
0.3 s), and the end-to-end suite starts hundreds. This process imports every module of fim_lsp and
its libraries and builds the TLS context (again in a child whose certificates differ), then
listens on a Unix socket. `prefork_launch.py`, started by a test in place of
`python -m fim_lsp`, hands over its stdin, stdout and stderr with its arguments, environment and
directory; a forked child takes them and runs `fim_lsp`'s `__main__` as `python -m fim_lsp` would,
to the same exit (atexit, threads, exit code). The launcher exits as the server did and passes signals
on. What a fork cannot show (import order, start-up time, what start-up loads) is tested on real
starts: tests/unit/test_import_rules.py, bench/bench_startup.py and every editor test.

Run: python -m tests.e2e.prefork SOCKET   (ends when its stdin closes)
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import random
import runpy
import selectors
import signal
import socket
import struct
import sys
from dataclasses import dataclass
from typing import NoReturn

HEADER = struct.Struct("!I")
# the variables the server's TLS context is read from (httpx.create_ssl_context)
TLS_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")


@dataclass
class Request:
    """What a launcher asks for: its stdio and the command line, environment and folder to run in."""

    fds: list[int]
    argv: list[str]
    env: dict[str, str]
    cwd: str


def preload() -> None:
    """Import everything a server can load, and build the TLS context, so that no child pays for it."""
    import fim_lsp
    from fim_lsp.providers.client import ssl_context

    for module in pkgutil.walk_packages(fim_lsp.__path__, "fim_lsp."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for name in ("httpx", "pathspec", "lsprotocol.types", "pygls.lsp.server"):
        importlib.import_module(name)
    ssl_context()  # reading the CA bundle: 40 ms of CPU a start


def receive(conn: socket.socket) -> Request:
    """Read one launcher's request: a length, then JSON, with its three descriptors."""
    data, fds, _flags, _address = socket.recv_fds(conn, 1 << 16, 3)
    while len(data) < HEADER.size or len(data) < HEADER.size + HEADER.unpack_from(data)[0]:
        more = conn.recv(1 << 16)
        if not more:
            raise ConnectionError("the launcher hung up in the middle of its request")
        data += more
    fields = json.loads(data[HEADER.size :])
    return Request(fds=fds, argv=fields["argv"], env=fields["env"], cwd=fields["cwd"])


def serve(path: str) -> Request:
    """Fork a child per request until stdin closes; returns only in a child, with its request."""
    parent = os.getpid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "quit")
    running: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (child, its launcher)
    by_launcher: dict[socket.socket, int] = {}
    try:
        while True:
            for key, _events in selector.select():
                if key.data == "quit":
                    _quit(running)
                if key.data == "accept":
                    conn, _ = listener.accept()
                    conn.settimeout(10)  # a launcher sends its request at once
                    request = receive(conn)
                    conn.settimeout(None)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    # what the parent holds is never collected: a child's collections and its exit
                    # then leave those pages alone, where walking them cost 0.15 s of CPU a start
                    gc.freeze()
                    child = os.fork()
                    if child == 0:
                        selector.close()
                        listener.close()
                        for other in by_launcher:
                            other.close()
                        for other_pidfd in running:
                            os.close(other_pidfd)
                        conn.close()
                        return request
                    for fd in request.fds:
                        os.close(fd)
                    conn.sendall(f"{child}\n".encode())
                    pidfd = os.pidfd_open(child)
                    running[pidfd] = (child, conn)
                    by_launcher[conn] = child
                    selector.register(pidfd, selectors.EVENT_READ, "exited")
                    selector.register(conn, selectors.EVENT_READ, "launcher")
                elif key.data == "exited":
                    pidfd = key.fd
                    child, conn = running.pop(pidfd)
                    selector.unregister(pidfd)
                    os.close(pidfd)
                    _, status = os.waitpid(child, 0)
                    if by_launcher.pop(conn, None) is not None:
                        selector.unregister(conn)
                        with contextlib.suppress(OSError):  # the launcher may be gone already
                            conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                    conn.close()
                elif key.data == "launcher" and key.fileobj in by_launcher:
                    # a launcher sends nothing after its request: readable means it is gone
                    conn = key.fileobj
                    assert isinstance(conn, socket.socket)
                    selector.unregister(conn)
                    _kill(by_launcher.pop(conn))
    finally:
        if os.getpid() == parent:
            os.unlink(path)


def _kill(child: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)


def _quit(running: dict[int, tuple[int, socket.socket]]) -> NoReturn:
    for child, _conn in running.values():
        _kill(child)
    sys.exit(0)


def become(request: Request) -> None:
    """Turn this child into the process the launcher would have started."""
    for target, fd in enumerate(request.fds):
        os.dup2(fd, target)
        os.close(fd)
    if any(request.env.get(name) != os.environ.get(name) for name in TLS_VARIABLES):
        from fim_lsp.providers.client import ssl_context

        ssl_context.cache_clear()  # built from other certificates than this server's
    os.environ.clear()
    os.environ.update(request.env)
    os.chdir(request.cwd)
    sys.path[0] = request.cwd
    sys.argv = ["-m", *request.argv]
    random.seed()
    gc.enable()


def main() -> None:
    gc.disable()  # until a child starts: collections would write to the pages children share
    preload()
    become(serve(sys.argv[1]))
    runpy.run_module("fim_lsp", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
