#!/usr/bin/env python3
"""Redis pub/sub with no JVM on the way: a RESP publisher or subscriber over a plain socket.

  resp_probe.py pub <port> [rate] [seconds]   3 s of warm-up messages, then <seconds> (default 10) s of
                                              messages carrying the send time
  resp_probe.py sub <port> [count]  prints "ready", then the publish-to-delivered delays of <count> messages

Both read CLOCK_MONOTONIC (time.monotonic_ns), the clock Java's System.nanoTime reads on Linux, so either
side can be a JVM (TransportProbe)."""
import socket
import sys
import time

CHANNEL = b"transport-probe"


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def pub(port, rate, seconds):
    s = connect(port)
    replies = s.makefile("rb")
    for second in range(-3, seconds):
        start = time.monotonic_ns()
        for i in range(rate):
            wait = start + i * 1_000_000_000 // rate - time.monotonic_ns()
            if wait > 0:
                time.sleep(wait / 1e9)
            body = b"-1" if second < 0 else str(time.monotonic_ns()).encode()
            s.sendall(b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                      % (len(CHANNEL), CHANNEL, len(body), body))
            replies.readline()


def sub(port, count):
    s = connect(port)
    s.sendall(b"SUBSCRIBE " + CHANNEL + b"\r\n")
    lines = s.makefile("rb")
    print("ready", flush=True)
    delays = []
    while len(delays) < count:
        if not lines.readline().startswith(b"*3"):
            continue
        lines.readline()
        kind = lines.readline().strip()
        lines.readline()
        lines.readline()
        lines.readline()   # the length of the payload, or the subscription count
        if kind == b"message":
            sent = int(lines.readline())
            now = time.monotonic_ns()
            if sent > 0:
                delays.append(now - sent)
    delays.sort()
    n = len(delays)
    print("p50 %.3f ms, p99 %.3f ms, max %.3f ms" % (delays[n // 2] / 1e6, delays[n * 99 // 100] / 1e6, delays[-1] / 1e6),
          flush=True)


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "pub":
        pub(port, int(sys.argv[3]) if len(sys.argv) > 3 else 2000, int(sys.argv[4]) if len(sys.argv) > 4 else 10)
    else:
        sub(port, int(sys.argv[3]) if len(sys.argv) > 3 else 20000)
