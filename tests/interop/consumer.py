#!/usr/bin/env python3
"""Consume test messages from RabbitMQ with pika 1.x.

A pika 1.x / Python 3 port of the vendor guide's pika 0.x consumer: declares
EXCHANGE (auto-delete), an exclusive auto-delete QUEUE bound with ROUTING-KEY,
and consumes with automatic acks.

Output on stdout, one line each, flushed at once:
  READY      every time consuming has (re)started; a test waits for the first
             one before publishing (after a reconnect it appears again)
  <body>     each message body received (UTF-8, undecodable bytes replaced)
Errors go to stderr.

Like the guide, any error leads to a reconnect 5 s later, but only until
--timeout. Exit status: 0 after COUNT bodies were printed (with --count 0:
when the timeout is reached), 2 if the timeout was reached first, 130 on
Ctrl-C.
"""

import argparse
import sys
import time

import pika

from guide_connection import add_connection_args, connection_parameters

RECONNECT_DELAY = 5.0


def emit(line, stream=sys.stdout):
    stream.write(line + "\n")
    stream.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_connection_args(parser)
    parser.add_argument("--exchange-type", default="direct")
    parser.add_argument("--queue", default="testQ1")
    parser.add_argument("--count", type=int, default=1,
                        help="exit 0 after this many bodies (0: until --timeout)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="give up (exit 2) after this many seconds")
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    received = 0

    def remaining():
        return deadline - time.monotonic()

    def done():
        return args.count > 0 and received >= args.count

    def on_message(channel, method, properties, body):
        nonlocal received
        if done():
            return
        received += 1
        emit(body.decode("utf-8", errors="replace"))

    while not done():
        left = remaining()
        if left <= 0:
            break
        connection = None
        try:
            connection = pika.BlockingConnection(
                connection_parameters(args, socket_timeout=max(1.0, min(left, 10.0))))
            channel = connection.channel()
            channel.exchange_declare(exchange=args.exchange,
                                     exchange_type=args.exchange_type,
                                     auto_delete=True)
            channel.queue_declare(queue=args.queue, exclusive=True, auto_delete=True)
            channel.queue_bind(exchange=args.exchange, queue=args.queue,
                               routing_key=args.routing_key)
            channel.basic_consume(queue=args.queue, on_message_callback=on_message,
                                  auto_ack=True)
            emit("READY")
            while not done():
                left = remaining()
                if left <= 0:
                    break
                connection.process_data_events(time_limit=min(left, 0.5))
            connection.close()
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # noqa: BLE001 - like the guide: report, wait, reconnect
            emit("consumer: %s: %s" % (type(exc).__name__, str(exc) or repr(exc)), sys.stderr)
            try:
                if connection is not None and connection.is_open:
                    connection.close()
            except Exception:  # noqa: BLE001
                pass
            if done():
                break
            delay = min(RECONNECT_DELAY, remaining())
            if delay > 0:
                try:
                    time.sleep(delay)
                except KeyboardInterrupt:
                    return 130

    if done() or args.count == 0:
        return 0
    emit("consumer: timed out after %gs with %d of %d messages" % (args.timeout, received, args.count),
         sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
