#!/usr/bin/env python3
"""Send or subscribe over STOMP 1.2 with stomp.py 9.x: a client no one here wrote.

  stomp_py.py send --port P --destination D --message M [--message M2 ...] [--persistent]
  stomp_py.py sub --port P --destination D [--count N] [--ack auto|client-individual]

Common options: --host (default 127.0.0.1), --user/--password (default guest/guest; an
empty --user sends no login and passcode), --vhost (default /: sent as the CONNECT
`host` header, since stomp.py would send the DNS name, which RabbitMQ refuses),
--cafile CA (TLS, server verified against CA and its name checked), --timeout SECONDS
(default 20): every wait is bounded by it.

Output on stdout, one line each, flushed at once:
  CONNECTED<TAB>SERVER                   the broker's CONNECTED frame and its server header
  READY                                  sub: the broker confirmed the SUBSCRIBE (RECEIPT)
  stomp-message<TAB>HEX-BODY<TAB>DESTINATION
                                         sub: one received message
  SENT<TAB>RECEIPT-ID                    send: one per message, once its RECEIPT arrived
Errors go to stderr, one line naming the cause.

Exit status: 0 done; 2 timed out (sub: fewer than --count messages, send: a RECEIPT
missing); 3 connection refused or failed (the TLS or socket error, the broker's ERROR
message, or the connection closed before CONNECTED); 4 the broker ended the session after
CONNECTED: an ERROR frame (e.g. a refused destination), or a close.
"""

import argparse
import logging
import os
import sys
import threading
import time

import stomp
from stomp.exception import ConnectFailedException


def emit(line, stream=sys.stdout):
    stream.write(line + "\n")
    stream.flush()


def finish(code, message=None):
    """Exits at once: stomp.py's receiver thread must not keep a failed client alive."""
    if message:
        emit("stomp_py.py: " + message, sys.stderr)
    sys.stdout.flush()
    os._exit(code)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["send", "sub"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--cafile", help="TLS, server verified against this CA")
    parser.add_argument("--destination", required=True)
    parser.add_argument("--message", action="append", default=[])
    parser.add_argument("--persistent", action="store_true")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--ack", choices=["auto", "client-individual"], default="auto")
    parser.add_argument("--timeout", type=float, default=20.0)
    return parser.parse_args()


class Events(stomp.ConnectionListener):
    """What the broker said, for the main thread to wait on."""

    def __init__(self, on_message):
        self.changed = threading.Condition()
        self.connected = None
        self.error = None
        self.closed = False
        self.receipts = set()
        self.on_message_frame = on_message

    def _note(self, update):
        with self.changed:
            update()
            self.changed.notify_all()

    def on_connected(self, frame):
        self._note(lambda: setattr(self, "connected", frame.headers))

    def on_error(self, frame):
        body = frame.body.decode("utf-8", "replace") if isinstance(frame.body, bytes) else frame.body
        reason = "%s: %s" % (frame.headers.get("message", "ERROR"), body.strip())
        self._note(lambda: setattr(self, "error", reason))

    def on_disconnected(self):
        self._note(lambda: setattr(self, "closed", True))

    def on_receipt(self, frame):
        self._note(lambda: self.receipts.add(frame.headers.get("receipt-id")))

    def on_message(self, frame):
        self._note(lambda: self.on_message_frame(frame))

    def wait(self, done, deadline):
        """True once done() holds; False on timeout; exits on an ERROR or a close."""
        with self.changed:
            while not done():
                if self.error is not None:
                    finish(4 if self.connected else 3, "the broker sent ERROR " + self.error)
                if self.closed:
                    if self.connected:
                        finish(4, "the connection closed")
                    finish(3, "the connection closed before CONNECTED")
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


class LastWarning(logging.Handler):
    """stomp.py logs why a socket or TLS connection failed, then raises a bare exception."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.message = None

    def emit(self, record):
        self.message = record.getMessage()


def connect(args, on_message, deadline):
    warnings = LastWarning()
    logger = logging.getLogger("stomp.py")
    logger.addHandler(warnings)
    logger.propagate = False
    conn = stomp.Connection12(
        [(args.host, args.port)],
        vhost=args.vhost,
        timeout=args.timeout,
        reconnect_attempts_max=1,
        auto_decode=False,
    )
    if args.cafile:
        conn.set_ssl(for_hosts=[(args.host, args.port)], ca_certs=args.cafile)
    events = Events(on_message)
    conn.set_listener("events", events)
    try:
        if args.user:
            conn.connect(args.user, args.password, wait=False)
        else:
            conn.connect(wait=False)
    except ConnectFailedException:
        finish(3, "cannot connect to %s:%d: %s" % (args.host, args.port, warnings.message or "failed"))
    if not events.wait(lambda: events.connected is not None, deadline):
        finish(3, "no CONNECTED from %s:%d within %ss" % (args.host, args.port, args.timeout))
    emit("CONNECTED\t%s" % events.connected.get("server", ""))
    return conn, events


def send(args):
    deadline = time.monotonic() + args.timeout
    conn, events = connect(args, lambda frame: None, deadline)
    headers = {"persistent": "true"} if args.persistent else {}
    for n, body in enumerate(args.message, 1):
        receipt = "send-%d" % n
        conn.send(args.destination, body=body.encode(), headers=dict(headers, receipt=receipt))
        if not events.wait(lambda: receipt in events.receipts, deadline):
            finish(2, "no RECEIPT for message %d to %s within %ss" % (n, args.destination, args.timeout))
        emit("SENT\t%s" % receipt)
    finish(0)


def subscribe(args):
    deadline = time.monotonic() + args.timeout
    received = [0]
    acks = set()
    conn_holder = []

    def on_message(frame):
        body = frame.body if isinstance(frame.body, bytes) else frame.body.encode()
        emit("stomp-message\t%s\t%s" % (body.hex(), frame.headers.get("destination", "")))
        received[0] += 1
        if args.ack == "client-individual":
            # With a receipt, so the client exits only once the broker has the ACK.
            receipt = "ack-%d" % received[0]
            acks.add(receipt)
            conn_holder[0].ack(frame.headers["ack"], receipt=receipt)

    def done():
        return received[0] >= args.count and acks <= events.receipts

    conn, events = connect(args, on_message, deadline)
    conn_holder.append(conn)
    conn.subscribe(args.destination, id="1", ack=args.ack,
                   headers={"receipt": "subscribed", "prefetch-count": "256"})
    if not events.wait(lambda: "subscribed" in events.receipts, deadline):
        finish(2, "no RECEIPT for the SUBSCRIBE to %s within %ss" % (args.destination, args.timeout))
    emit("READY")
    if not events.wait(done, deadline):
        finish(2, "%d of %d messages on %s within %ss"
               % (received[0], args.count, args.destination, args.timeout))
    finish(0)


def main():
    args = parse_args()
    if args.command == "send":
        send(args)
    else:
        subscribe(args)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        finish(130)
