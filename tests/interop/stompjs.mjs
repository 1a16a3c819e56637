#!/usr/bin/env node
// Send or subscribe over Web-STOMP with npm's @stomp/stompjs on `ws`: a client no one here
// wrote, the one the broker guide's browser examples grew into.
//
//   stompjs.mjs send --port P --destination D --message M [--message M2 ...] [--persistent]
//   stompjs.mjs sub --port P --destination D [--count N] [--ack auto|client-individual]
//
// Common options: --host (default 127.0.0.1), --path (default /ws), --user/--password
// (default guest/guest; an empty --user sends no login and passcode), --vhost (default /,
// sent as the CONNECT `host` header), --cafile CA (wss://, the server verified against CA
// and its name checked; ws:// without it), --timeout SECONDS (default 20): every wait is
// bounded by it. The WebSocket offers the subprotocol v12.stomp only.
//
// The packages load from $AMQP_TUI_JS_CLIENTS (a node_modules directory; scripts/test
// installs them and exports it), else from node_modules beside this file.
//
// Output on stdout, one line each (the same lines as stomp_py.py):
//   CONNECTED<TAB>SERVER                   the broker's CONNECTED frame and its server header
//   READY                                  sub: the broker confirmed the SUBSCRIBE (RECEIPT)
//   stomp-message<TAB>HEX-BODY<TAB>DESTINATION
//                                          sub: one received message
//   SENT<TAB>RECEIPT-ID                    send: one per message, once its RECEIPT arrived
// Errors go to stderr, one line naming the cause.
//
// Exit status: 0 done; 2 timed out; 3 connection refused or failed (the TLS or socket
// error, the broker's ERROR message, or the connection closed before CONNECTED); 4 the
// broker ended the session after CONNECTED: an ERROR frame, or a close (RabbitMQ 3.10's
// Web-STOMP closes with 1000 "STOMP died" and no ERROR for a SUBSCRIBE to a missing
// /amq/queue/); 5 @stomp/stompjs or ws cannot be loaded.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

function finish(code, message) {
  if (message) process.stderr.write(`stompjs.mjs: ${message}\n`);
  // Pipes are written synchronously on Linux, so nothing printed is lost here.
  process.exit(code);
}

function emit(line) {
  process.stdout.write(`${line}\n`);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.AMQP_TUI_JS_CLIENTS || path.join(here, 'node_modules');
let Client;
let WebSocket;
try {
  // Resolves as a file inside `modules` would, so `modules` itself is searched first.
  const require = createRequire(path.join(modules, 'loader.cjs'));
  ({ Client } = require('@stomp/stompjs'));
  WebSocket = require('ws');
} catch (err) {
  finish(5, `cannot load @stomp/stompjs and ws from ${modules} (scripts/test installs them): ${err.message.split('\n')[0]}`);
}

const { positionals, values: args } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    path: { type: 'string', default: '/ws' },
    user: { type: 'string', default: 'guest' },
    password: { type: 'string', default: 'guest' },
    vhost: { type: 'string', default: '/' },
    cafile: { type: 'string' },
    destination: { type: 'string' },
    message: { type: 'string', multiple: true, default: [] },
    persistent: { type: 'boolean', default: false },
    count: { type: 'string', default: '1' },
    ack: { type: 'string', default: 'auto' },
    timeout: { type: 'string', default: '20' },
  },
});
const command = positionals[0];
if (!['send', 'sub'].includes(command) || !args.port || !args.destination
  || !['auto', 'client-individual'].includes(args.ack)) {
  finish(64, 'usage: stompjs.mjs send|sub --port P --destination D [options] (see the top of this file)');
}
const timeout = Number(args.timeout);
const count = Number(args.count);
const url = `${args.cafile ? 'wss' : 'ws'}://${args.host}:${args.port}${args.path}`;
const ca = args.cafile ? readFileSync(args.cafile) : undefined;

setTimeout(() => {
  const what = command === 'sub' ? `${received} of ${count} messages on ${args.destination}` : 'the RECEIPTs';
  finish(connected ? 2 : 3, `${connected ? what : `no CONNECTED from ${url}`} within ${timeout}s`);
}, timeout * 1000);

let connected = false;
let received = 0;
let lastSocketError = '';
const connectHeaders = { host: args.vhost };
if (args.user) Object.assign(connectHeaders, { login: args.user, passcode: args.password });

const client = new Client({
  webSocketFactory: () => new WebSocket(url, ['v12.stomp'], { ca }),
  connectHeaders,
  reconnectDelay: 0,
  heartbeatIncoming: 0,
  heartbeatOutgoing: 0,
  debug: () => {},
  onStompError: (frame) => {
    const reason = `${frame.headers.message ?? 'ERROR'}: ${frame.body.trim()}`;
    finish(connected ? 4 : 3, `the broker sent ERROR ${reason}`);
  },
  onWebSocketError: (event) => {
    lastSocketError = event?.message || event?.error?.message || String(event);
  },
  onWebSocketClose: (event) => {
    const why = lastSocketError || `code ${event?.code} ${event?.reason ?? ''}`.trim();
    finish(connected ? 4 : 3, `the connection to ${url} closed${connected ? '' : ' before CONNECTED'}: ${why}`);
  },
  onConnect: (frame) => {
    connected = true;
    emit(`CONNECTED\t${frame.headers.server ?? ''}`);
    if (command === 'send') send(0); else subscribe();
  },
});

function send(n) {
  if (n === args.message.length) finish(0);
  const receipt = `send-${n + 1}`;
  client.watchForReceipt(receipt, () => {
    emit(`SENT\t${receipt}`);
    send(n + 1);
  });
  const headers = { receipt };
  if (args.persistent) headers.persistent = 'true';
  client.publish({ destination: args.destination, body: args.message[n], headers });
}

function subscribe() {
  client.watchForReceipt('subscribed', () => emit('READY'));
  client.subscribe(args.destination, (message) => {
    emit(`stomp-message\t${Buffer.from(message.binaryBody).toString('hex')}\t${message.headers.destination ?? ''}`);
    received += 1;
    const last = received >= count;
    if (args.ack === 'client-individual') {
      // With a receipt, so the client exits only once the broker has the ACK.
      const receipt = `ack-${received}`;
      if (last) client.watchForReceipt(receipt, () => finish(0));
      message.ack({ receipt });
    } else if (last) {
      finish(0);
    }
  }, { id: '1', ack: args.ack, receipt: 'subscribed', 'prefetch-count': '256' });
}

client.activate();
