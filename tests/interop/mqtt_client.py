#!/usr/bin/env python3
"""Publish or subscribe over MQTT 3.1.1 with paho-mqtt 2.x: a client no one here wrote.

  mqtt_client.py pub --port P --topic T --message M [--qos 0|1] [--retain] [...]
  mqtt_client.py sub --port P --topic FILTER [--count N] [--qos 0|1] [...]

Common options: --host (default 127.0.0.1), --user/--password (default guest/guest; an
empty --user sends no user name and password),
--cafile CA (TLS, server verified against CA and its name checked), --client-id,
--timeout SECONDS (default 20): every wait is bounded by it.

Output on stdout, one line each, flushed at once (the same lines the Rust test support
reads from mosquitto_sub):
  READY                              sub: the broker acknowledged the subscription
  mqtt-message<TAB>QOS<TAB>RETAIN<TAB>HEX-PAYLOAD<TAB>TOPIC
                                     sub: one received message (RETAIN 0 or 1)
  PUBLISHED                          pub: sent, and with QoS 1 acknowledged (PUBACK)
Errors go to stderr, one line naming the cause.

Exit status: 0 done; 2 timed out (sub: fewer than --count messages, pub: no PUBACK);
3 connection refused or failed (the broker's reason, or the TLS error); 4 subscription
refused; 5 a topic or filter paho itself rejects before sending (e.g. `a/#/b`).
"""

import argparse
import sys
import threading
import time

import paho.mqtt.client as mqtt


def emit(line, stream=sys.stdout):
    stream.write(line + "\n")
    stream.flush()


def fail(code, message):
    emit("mqtt_client.py: " + message, sys.stderr)
    sys.exit(code)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["pub", "sub"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--cafile", help="TLS, server verified against this CA")
    parser.add_argument("--client-id", default="")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--qos", type=int, choices=[0, 1], default=1)
    parser.add_argument("--message", default="")
    parser.add_argument("--retain", action="store_true")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20.0)
    return parser.parse_args()


def connect(args):
    """A connected client with its network loop running; exits 3 if refused."""
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=args.client_id,
        protocol=mqtt.MQTTv311,
        clean_session=True,
    )
    if args.user:
        client.username_pw_set(args.user, args.password)
    if args.cafile:
        client.tls_set(ca_certs=args.cafile)
    connected = threading.Event()
    outcome = {}

    def on_connect(_client, _userdata, _flags, reason_code, _properties):
        outcome["reason"] = reason_code
        connected.set()

    client.on_connect = on_connect
    try:
        client.connect(args.host, args.port, keepalive=30)
    except Exception as err:  # TLS and socket errors: say which, as a user would see it
        fail(3, "cannot connect to %s:%d: %s" % (args.host, args.port, err))
    client.loop_start()
    if not connected.wait(args.timeout):
        client.loop_stop()
        fail(3, "no CONNACK from %s:%d within %ss" % (args.host, args.port, args.timeout))
    reason = outcome["reason"]
    if reason.is_failure:
        client.loop_stop()
        fail(3, "connection refused: %s" % reason)
    return client


def publish(args):
    client = connect(args)
    info = client.publish(args.topic, args.message.encode(), qos=args.qos, retain=args.retain)
    info.wait_for_publish(timeout=args.timeout)
    published = info.is_published()
    client.disconnect()
    client.loop_stop()
    if not published:
        fail(2, "publish to %s not acknowledged within %ss" % (args.topic, args.timeout))
    emit("PUBLISHED")


def subscribe(args):
    deadline = time.monotonic() + args.timeout
    client = connect(args)
    subscribed = threading.Event()
    done = threading.Event()
    granted = []
    received = [0]

    def on_subscribe(_client, _userdata, _mid, reason_codes, _properties):
        granted.extend(reason_codes)
        subscribed.set()

    def on_message(_client, _userdata, msg):
        emit("mqtt-message\t%d\t%d\t%s\t%s"
             % (msg.qos, 1 if msg.retain else 0, msg.payload.hex(), msg.topic))
        received[0] += 1
        if received[0] >= args.count:
            done.set()

    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.subscribe(args.topic, qos=args.qos)
    if not subscribed.wait(max(0.0, deadline - time.monotonic())):
        client.loop_stop()
        fail(2, "no SUBACK for %s within %ss" % (args.topic, args.timeout))
    if any(code.is_failure for code in granted):
        client.loop_stop()
        fail(4, "subscription to %s refused: %s" % (args.topic, granted))
    emit("READY")
    finished = done.wait(max(0.0, deadline - time.monotonic()))
    client.disconnect()
    client.loop_stop()
    if not finished:
        fail(2, "%d of %d messages on %s within %ss"
             % (received[0], args.count, args.topic, args.timeout))


def main():
    args = parse_args()
    if args.command == "pub":
        publish(args)
    else:
        subscribe(args)


if __name__ == "__main__":
    try:
        main()
    except ValueError as err:  # paho checks topics and filters before anything is sent
        fail(5, "paho rejects it: %s" % err)
    except KeyboardInterrupt:
        sys.exit(130)
