//! What a session watches, against a real RabbitMQ node: tapping existing exchanges,
//! live bindings, consuming existing queues (no-ack, manual, peek), copies, and that a
//! message arrives exactly as it was published.

#[path = "routing/publish.rs"]
mod publishing;
#[path = "routing/queue.rs"]
mod queue;
mod support;

use amqp_tui::{
    amqp::{Binding, ExchangeType, Source},
    session::{
        ConnectError, Message, Properties, PublishOutcome, PublishRequest, SessionCommand, Value,
        WorkerEvent,
    },
};
use lapin::ExchangeKind;
use support::{
    Broker, Session, WAIT,
    client::{Client, close_connection_named},
    unique_suffix,
};

pub async fn send(session: &Session, command: SessionCommand) {
    session
        .commands_tx
        .send(command)
        .await
        .expect("worker is running");
}

/// Publishes `request` (its id made unique) and waits for its one outcome.
pub async fn publish(session: &mut Session, mut request: PublishRequest) -> PublishOutcome {
    let id = 1_000_000 + u64::from(unique_suffix());
    request.id = id;
    send(session, SessionCommand::Publish(Box::new(request))).await;
    session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Published {
                id: got, outcome, ..
            } if *got == id => Some(outcome.clone()),
            _ => None,
        })
        .await
}

pub fn request(exchange: &str, key: &str, body: &[u8]) -> PublishRequest {
    PublishRequest {
        id: 0,
        exchange: exchange.into(),
        routing_key: key.into(),
        body: body.to_vec(),
        properties: Properties::default(),
        copies: 1,
        confirm: true,
        part: Default::default(),
    }
}

/// Every delivery up to and including the one whose body is `last`.
pub async fn deliveries_until(session: &mut Session, last: &[u8]) -> Vec<Message> {
    let mut got = Vec::new();
    loop {
        let delivery = session.delivery().await;
        let done = delivery.body == last;
        got.push(delivery);
        if done {
            return got;
        }
    }
}

fn bodies(deliveries: &[Message]) -> Vec<String> {
    deliveries
        .iter()
        .map(|d| String::from_utf8_lossy(&d.body).into_owned())
        .collect()
}

async fn change_binding(session: &mut Session, binding: Binding, add: bool) -> Result<(), String> {
    let command = if add {
        SessionCommand::Bind(binding.clone())
    } else {
        SessionCommand::Unbind(binding.clone())
    };
    send(session, command).await;
    session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::BindingChanged {
                binding: b,
                added,
                result,
            } if *b == binding && *added == add => Some(result.clone()),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_tap_sees_every_message_and_the_exchanges_own_consumer_loses_none() {
    let broker = Broker::shared();
    let mut settings = broker.plain("tap-topic");
    let exchange = settings.routing.exchange.clone();
    let client = Client::connect(&broker).await;
    client.exchange(&exchange, ExchangeKind::Topic).await;
    let own_queue = format!("own-{exchange}");
    client.queue(&own_queue).await;
    client.bind(&own_queue, &exchange, "#").await;

    settings.routing.source = Source::TapExchange;
    settings.routing.exchange_type = ExchangeType::Topic;
    settings.routing.bindings = vec![Binding::key("#")];
    let mut session = Session::start(settings);
    let tap_queue = session.connected().await;
    assert!(
        tap_queue.starts_with("amq.gen-"),
        "server-named: {tap_queue}"
    );

    let keys = ["orders.eu", "orders.us.new", "audit", "a.b.c.d", "x"];
    let mut sent = Vec::new();
    for i in 0..10 {
        let key = keys[i % keys.len()];
        let body = format!("m{i}");
        let outcome = publish(&mut session, request(&exchange, key, body.as_bytes())).await;
        assert_eq!(outcome, PublishOutcome::Routed);
        sent.push((key.to_string(), body.into_bytes()));
    }
    let tapped = deliveries_until(&mut session, b"m9").await;
    let tapped: Vec<_> = tapped
        .into_iter()
        .map(|d| (d.routing_key, d.body))
        .collect();
    assert_eq!(tapped, sent);
    // The queue that was there first still gets everything.
    assert_eq!(client.consume(&own_queue, 10).await, sent);
    client
        .channel
        .exchange_delete(exchange.as_str().into(), Default::default())
        .await
        .expect("clean up");
}

#[tokio::test]
async fn tapping_a_missing_exchange_fails_and_never_creates_it() {
    let broker = Broker::shared();
    let mut settings = broker.plain("tap-missing");
    settings.routing.source = Source::TapExchange;
    let exchange = settings.routing.exchange.clone();
    let err = Session::start(settings).failure().await;
    assert!(
        matches!(&err, ConnectError::ExchangeNotFound { exchange: e, .. } if *e == exchange),
        "{err:?}"
    );
    let listing = broker.ctl(&["list_exchanges", "name"]);
    assert!(
        !listing.lines().any(|l| l.trim() == exchange),
        "{exchange} was created:\n{listing}"
    );
}

fn text(s: &str) -> Value {
    Value::LongString(s.as_bytes().to_vec())
}

fn header(name: &str, value: Value) -> (String, Value) {
    (name.to_string(), value)
}

/// Bindings on `format` and `type` with x-match `any` or `all`; `typed` matches a number
/// and (with Void) the mere presence of a header.
fn headers_binding(x_match: &str) -> Binding {
    let arguments = match x_match {
        "typed" => vec![
            header("x-match", text("all")),
            header("n", Value::I32(7)),
            header("present", Value::Void),
        ],
        _ => vec![
            header("x-match", text(x_match)),
            header("format", text("pdf")),
            header("type", text("report")),
        ],
    };
    Binding {
        key: String::new(),
        arguments,
    }
}

#[tokio::test]
async fn a_headers_tap_receives_exactly_what_its_x_match_selects() {
    let broker = Broker::shared();
    let base = broker.plain("tap-headers");
    let exchange = base.routing.exchange.clone();
    let client = Client::connect(&broker).await;
    client.exchange(&exchange, ExchangeKind::Headers).await;

    let mut sessions = Vec::new();
    for x_match in ["any", "all", "typed"] {
        let mut settings = base.clone();
        settings.routing.source = Source::TapExchange;
        settings.routing.exchange_type = ExchangeType::Headers;
        settings.routing.bindings = vec![headers_binding(x_match)];
        let mut session = Session::start(settings);
        session.connected().await;
        sessions.push(session);
    }
    let seven = |n: Value, present: bool| {
        let mut headers = vec![header("n", n)];
        if present {
            headers.push(header("present", Value::Bool(false)));
        }
        headers
    };
    let messages: Vec<(&str, Vec<(String, Value)>)> = vec![
        (
            "both",
            vec![
                header("format", text("pdf")),
                header("type", text("report")),
            ],
        ),
        ("format-only", vec![header("format", text("pdf"))]),
        (
            "type-and-other",
            vec![
                header("type", text("report")),
                header("other", Value::I32(1)),
            ],
        ),
        (
            "wrong-format",
            vec![
                header("format", text("csv")),
                header("type", text("report")),
            ],
        ),
        // RabbitMQ compares values, not types: the same bytes as a byte array match.
        (
            "bytes",
            vec![header("format", Value::ByteArray(b"pdf".to_vec()))],
        ),
        ("unrelated", vec![header("other", text("pdf"))]),
        ("no-headers", vec![]),
        // Numbers compare by value across widths and even with floats (Erlang's ==),
        // but not with the text "7".
        ("i64", seven(Value::I64(7), true)),
        ("u8", seven(Value::U8(7), true)),
        ("f64", seven(Value::F64Bits(7f64.to_bits()), true)),
        ("text-7", seven(text("7"), true)),
        ("eight", seven(Value::I32(8), true)),
        ("absent", seven(Value::I32(7), false)),
        ("end", {
            let mut all = vec![
                header("format", text("pdf")),
                header("type", text("report")),
            ];
            all.extend(seven(Value::I32(7), true));
            all
        }),
    ];
    for (body, headers) in &messages {
        let mut req = request(&exchange, "", body.as_bytes());
        req.properties.headers = (!headers.is_empty()).then(|| headers.clone());
        // Mandatory: those no tap matches come back unroutable; the taps tell the rest.
        publish(&mut sessions[0], req).await;
    }
    let any = bodies(&deliveries_until(&mut sessions[0], b"end").await);
    let all = bodies(&deliveries_until(&mut sessions[1], b"end").await);
    let typed = bodies(&deliveries_until(&mut sessions[2], b"end").await);
    assert_eq!(
        any,
        [
            "both",
            "format-only",
            "type-and-other",
            "wrong-format",
            "bytes",
            "end"
        ]
    );
    assert_eq!(all, ["both", "end"]);
    assert_eq!(typed, ["i64", "u8", "f64", "end"]);
    client
        .channel
        .exchange_delete(exchange.as_str().into(), Default::default())
        .await
        .expect("clean up");
}

#[tokio::test]
async fn bindings_change_live_and_survive_a_reconnect() {
    let broker = Broker::shared();
    let settings = broker.plain("live-bind");
    let routing = settings.routing.clone();
    let name = format!("amqp-tui {}/{}", routing.exchange, routing.key());
    let mut session = Session::start(settings);
    session.connected().await;
    let extra = Binding::key(format!("extra-{}", routing.key()));

    let unroutable = publish(
        &mut session,
        request(&routing.exchange, &extra.key, b"before"),
    )
    .await;
    assert!(
        matches!(unroutable, PublishOutcome::Unroutable { .. }),
        "{unroutable:?}"
    );
    assert_eq!(
        change_binding(&mut session, extra.clone(), true).await,
        Ok(())
    );
    let outcome = publish(
        &mut session,
        request(&routing.exchange, &extra.key, b"bound"),
    )
    .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"bound");

    close_connection_named(&broker, &name);
    let reconnected = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(reconnected);
    // The new exclusive queue got the live-added binding too.
    let outcome = publish(
        &mut session,
        request(&routing.exchange, &extra.key, b"again"),
    )
    .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"again");

    assert_eq!(
        change_binding(&mut session, extra.clone(), false).await,
        Ok(())
    );
    let outcome = publish(
        &mut session,
        request(&routing.exchange, &extra.key, b"after"),
    )
    .await;
    assert!(
        matches!(outcome, PublishOutcome::Unroutable { .. }),
        "{outcome:?}"
    );
    // The original binding is untouched.
    let outcome = publish(
        &mut session,
        request(&routing.exchange, routing.key(), b"first"),
    )
    .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"first");
}

#[tokio::test]
async fn a_cancelled_consumer_is_set_up_again_on_the_same_connection() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("cancelled"));
    let queue = session.connected().await;
    let routing = session.settings.routing.clone();
    // Deleting the queue cancels our consumer; the channel is reopened, not the connection.
    broker.ctl(&["delete_queue", &queue]);
    session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::WatchResumed { .. } => Some(()),
            WorkerEvent::ConnectionLost { error, .. } => panic!("connection dropped: {error}"),
            _ => None,
        })
        .await;
    let outcome = publish(
        &mut session,
        request(&routing.exchange, routing.key(), b"back"),
    )
    .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    let delivery = session.delivery().await;
    assert_eq!(
        (delivery.body.as_slice(), delivery.epoch),
        (&b"back"[..], 2)
    );
}
