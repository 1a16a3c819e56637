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
import ssl
import sys

import pika


def add_connection_args(parser):
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--tls", action="store_true", help="connect with TLS")
    parser.add_argument("--ca-cert", metavar="PATH",
                        help="CA certificate(s) to verify the server with "
                             "(default: the system trust store)")
    parser.add_argument("--insecure", action="store_true",
                        help="with --tls: do not verify the server certificate or host name")
    parser.add_argument("--exchange", default="testEx")
    parser.add_argument("--routing-key", default="test")
    parser.add_argument("--heartbeat", type=int, default=60)


def connection_parameters(args):
    credentials = pika.PlainCredentials(args.user, args.password)
    ssl_options = None
    if args.tls:
        if args.insecure:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            # CERT_REQUIRED with host name checking.
            context = ssl.create_default_context(cafile=args.ca_cert)
        ssl_options = pika.SSLOptions(context, server_hostname=args.host)
    return pika.ConnectionParameters(
        host=args.host,
        port=args.port,
        virtual_host=args.vhost,
        credentials=credentials,
        heartbeat=args.heartbeat,
        ssl_options=ssl_options,
    )


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
