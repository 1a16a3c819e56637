#!/usr/bin/env python3
"""Publish test messages to RabbitMQ with pika 1.x.

A pika 1.x / Python 3 port of the vendor guide's pika 0.x producer: connects
(optionally over TLS), publishes BODY COUNT times to EXCHANGE with ROUTING-KEY
as text/plain, non-persistent (delivery_mode=1), and closes the connection.
Publisher confirms are on, so a publish the broker rejects (such as to an
exchange that does not exist) is an error; an unroutable message is not.
Exits 0 on success; prints the error and exits 1 on failure.
"""

import argparse
import sys

import pika

from guide_connection import add_connection_args, connection_parameters


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_connection_args(parser)
    parser.add_argument("--body", default="Hello World!")
    parser.add_argument("--count", type=int, default=1)
    args = parser.parse_args()

    try:
        connection = pika.BlockingConnection(connection_parameters(args))
        try:
            channel = connection.channel()
            # Publisher confirms, so that a publish the broker refuses (for
            # example to a missing exchange) makes the script fail.
            channel.confirm_delivery()
            properties = pika.BasicProperties(content_type="text/plain", delivery_mode=1)
            for _ in range(args.count):
                channel.basic_publish(exchange=args.exchange,
                                      routing_key=args.routing_key,
                                      body=args.body.encode("utf-8"),
                                      properties=properties)
        finally:
            if connection.is_open:
                connection.close()
    except Exception as exc:  # noqa: BLE001 - report anything and fail
        print("producer: %s: %s" % (type(exc).__name__, str(exc) or repr(exc)), file=sys.stderr)
        sys.stderr.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
