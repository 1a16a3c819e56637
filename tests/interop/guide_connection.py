"""Connection options shared by the pika 1.x ports of the guide's producer and consumer.

TLS with verification is the guide's ssl.CERT_REQUIRED + ca_certs (host name checked
too); --insecure is its ssl.CERT_NONE.
"""

import ssl

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


def connection_parameters(args, socket_timeout=None):
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
    timeouts = {}
    if socket_timeout is not None:
        timeouts = dict(
            connection_attempts=1,
            socket_timeout=socket_timeout,
            stack_timeout=socket_timeout,
            blocked_connection_timeout=socket_timeout,
        )
    return pika.ConnectionParameters(
        host=args.host,
        port=args.port,
        virtual_host=args.vhost,
        credentials=credentials,
        heartbeat=args.heartbeat,
        ssl_options=ssl_options,
        **timeouts,
    )
