"""Run fim-lsp through the warm-start process (prefork.py) and exit as the server did.

Usage: python -I -S prefork_launch.py SOCKET [fim-lsp arguments...]
It imports nothing beyond the standard library's core, so it starts in about 10 ms.
"""

import json
import os
import signal
import socket
import struct
import sys


def main() -> None:
    path, *arguments = sys.argv[1:]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.connect(path)
    body = json.dumps({"argv": arguments, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    message = struct.pack("!I", len(body)) + body
    sent = socket.send_fds(server, [message], [0, 1, 2])
    server.sendall(message[sent:])
    replies = server.makefile("rb")
    child = int(replies.readline())

    def pass_on(signum: int, _frame: object) -> None:
        os.kill(child, signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, pass_on)
    # the server alone holds the pipes now, so the test sees them close when the server ends
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    reply = replies.readline()
    code = int(reply) if reply else 1
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
