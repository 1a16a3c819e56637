//! The connection layer against a real RabbitMQ node: plain and TLS, interop with the
//! guide's pika scripts, the errors users meet, and recovery after a broker restart.

mod support;

use std::{
    io::{BufRead, BufReader},
    process::Stdio,
    time::{Duration, Instant},
};

use amqp_tui::{
    amqp::{Binding, ExchangeType},
    session::{ConnectError, PublishOutcome, WorkerEvent},
    tls::{Security, TlsMode},
};
use support::{Broker, PrivateNode, Session, WAIT, python};

#[tokio::test]
async fn plain_session_receives_what_the_guides_producer_sends() {
    let broker = Broker::shared();
    let settings = broker.plain("plain");
    let mut session = Session::start(settings.clone());
    session.connected().await;

    let routing = &settings.routing;
    let status = python("producer.py")
        .args(["--host", "127.0.0.1", "--port", &broker.port().to_string()])
        .args([
            "--exchange",
            &routing.exchange,
            "--routing-key",
            routing.key(),
        ])
        .args(["--body", "Hello World!"])
        .status()
        .expect("run producer.py");
    assert!(status.success());

    let delivery = session.delivery().await;
    assert_eq!(delivery.body, b"Hello World!");
    assert_eq!(delivery.exchange, routing.exchange);
    assert_eq!(delivery.routing_key, routing.key());
    assert_eq!(
        delivery.properties.content_type.as_deref(),
        Some("text/plain")
    );
}

#[tokio::test]
async fn tls_verified_against_the_test_ca() {
    let broker = Broker::shared();
    let mode = TlsMode::Verify {
        ca_file: Some(broker.ca()),
    };
    let mut session = Session::start(broker.tls("tls-ok", mode));
    let security = session.connected_security().await;
    assert_eq!(
        security,
        Security::TlsVerified {
            ca_file: Some(broker.ca())
        }
    );
    assert!(
        security
            .label()
            .starts_with("TLS, server verified against ")
    );

    // And the guide's TLS producer reaches it.
    let routing = &session.settings.routing;
    let status = python("producer.py")
        .args([
            "--port",
            &broker.tls_port().to_string(),
            "--tls",
            "--ca-cert",
        ])
        .arg(broker.ca())
        .args([
            "--exchange",
            &routing.exchange,
            "--routing-key",
            routing.key(),
        ])
        .args(["--body", "over TLS"])
        .status()
        .expect("run producer.py");
    assert!(status.success());
    assert_eq!(session.delivery().await.body, b"over TLS");
}

#[tokio::test]
async fn tls_with_the_wrong_ca_is_refused_as_unknown_issuer() {
    let broker = Broker::shared();
    let mode = TlsMode::Verify {
        ca_file: Some(broker.other_ca()),
    };
    let err = Session::start(broker.tls("tls-wrong-ca", mode))
        .failure()
        .await;
    assert!(
        matches!(err, ConnectError::TlsUnknownIssuer { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("unknown issuer") && message.contains("other-ca.pem"),
        "{message}"
    );
}

#[tokio::test]
async fn tls_against_the_system_store_refuses_a_private_ca() {
    let broker = Broker::shared();
    let err = Session::start(broker.tls("tls-system", TlsMode::Verify { ca_file: None }))
        .failure()
        .await;
    assert!(
        matches!(err, ConnectError::TlsUnknownIssuer { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn tls_to_a_name_not_in_the_certificate_is_a_name_mismatch() {
    let broker = Broker::shared();
    let mut settings = broker.tls(
        "tls-name",
        TlsMode::Verify {
            ca_file: Some(broker.ca()),
        },
    );
    // "127.1" resolves to 127.0.0.1 but is not a name the certificate lists.
    settings.host = "127.1".into();
    settings.password = "Pw-never-in-a-message".into();
    let err = Session::start(settings).failure().await;
    assert!(!err.to_string().contains("Pw-never-in-a-message"));
    assert_eq!(
        err,
        ConnectError::TlsNameMismatch {
            host: "127.1".into()
        }
    );
    assert!(err.to_string().contains("name mismatch"));
}

#[tokio::test]
async fn tls_without_verification_accepts_any_certificate() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.tls("tls-insecure", TlsMode::NoVerify));
    let security = session.connected_security().await;
    assert_eq!(security.label(), "TLS, NOT VERIFIED");
}

#[tokio::test]
async fn the_apps_publish_reaches_the_guides_consumer() {
    let broker = Broker::shared();
    let settings = broker.plain("to-pika");
    let routing = settings.routing.clone();
    let mut consumer = python("consumer.py")
        .args(["--host", "127.0.0.1", "--port", &broker.port().to_string()])
        .args([
            "--exchange",
            &routing.exchange,
            "--routing-key",
            routing.key(),
        ])
        .args([
            "--queue",
            &format!("pika-{}", routing.exchange),
            "--count",
            "1",
            "--timeout",
            "30",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start consumer.py");
    let mut lines = BufReader::new(consumer.stdout.take().expect("piped")).lines();
    let ready = tokio::task::spawn_blocking(move || {
        let first = lines.next().and_then(Result::ok);
        (first, lines)
    });
    let (first, lines) = ready.await.expect("reader");
    assert_eq!(first.as_deref(), Some("READY"));

    let mut session = Session::start(settings);
    session.connected().await;
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"from amqp-tui")
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);

    let received: Vec<String> =
        tokio::task::spawn_blocking(move || lines.map_while(Result::ok).collect())
            .await
            .expect("reader");
    assert_eq!(received, ["from amqp-tui"]);
    assert!(consumer.wait().expect("consumer exits").success());
}

#[tokio::test]
async fn unroutable_publish_is_reported_as_returned() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("unroutable"));
    session.connected().await;
    let exchange = session.settings.routing.exchange.clone();
    let outcome = session
        .publish(&exchange, "no-such-binding", b"lost?")
        .await;
    assert!(
        matches!(&outcome, PublishOutcome::Unroutable { reply_text, .. } if reply_text.contains("NO_ROUTE")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_channel_error_reopens_the_channel_and_keeps_the_connection() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("chan-err"));
    session.connected().await;
    let outcome = session
        .publish("no-such-exchange-anywhere", "k", b"x")
        .await;
    match &outcome {
        PublishOutcome::Refused { reason } => assert!(reason.contains("NOT_FOUND"), "{reason}"),
        other => panic!("expected NOT_FOUND, got {other:?}"),
    }
    let routing = session.settings.routing.clone();
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"still here")
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"still here");
}

#[tokio::test]
async fn wrong_password_is_access_refused() {
    let broker = Broker::shared();
    let mut settings = broker.plain("badpass");
    settings.password = "not-the-password".into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::AccessRefused {
            user: "guest".into()
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("ACCESS_REFUSED") && message.contains("Check user and password"),
        "{message}"
    );
    assert!(!format!("{message} {err:?}").contains("not-the-password"));
}

#[tokio::test]
async fn unknown_vhost_is_named() {
    let broker = Broker::shared();
    let mut settings = broker.plain("vhost");
    settings.vhost = "no-such-vhost".into();
    let err = Session::start(settings).failure().await;
    assert!(
        matches!(&err, ConnectError::VhostNotAllowed { vhost, .. } if vhost == "no-such-vhost"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("virtual host 'no-such-vhost' does not exist"),
        "{message}"
    );
    assert!(!message.contains("guest:"), "{message}");
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let broker = Broker::shared();
    let mut settings = broker.plain("refused");
    settings.port = free_port();
    let err = Session::start(settings).failure().await;
    assert!(matches!(err, ConnectError::Refused { .. }), "{err:?}");
}

#[tokio::test]
async fn plain_amqp_to_the_tls_port_says_switch_tls_on() {
    let broker = Broker::shared();
    let mut settings = broker.plain("plain-to-tls");
    settings.port = broker.tls_port();
    let err = Session::start(settings).failure().await;
    assert!(
        matches!(err, ConnectError::HandshakeClosed { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("switch TLS on"));
}

#[tokio::test]
async fn tls_to_the_plain_port_says_it_is_not_tls() {
    let broker = Broker::shared();
    let mut settings = broker.tls("tls-to-plain", TlsMode::NoVerify);
    settings.port = broker.port();
    let err = Session::start(settings).failure().await;
    assert!(matches!(err, ConnectError::TlsNotTls { .. }), "{err:?}");
    assert!(err.to_string().contains("plain AMQP port"), "{err}");
}

#[tokio::test]
async fn an_exchange_of_another_type_is_a_precondition_failure() {
    let broker = Broker::shared();
    let mut first = Session::start(broker.plain("mismatch"));
    first.connected().await;
    let mut settings = first.settings.clone();
    settings.routing.exchange_type = ExchangeType::Fanout;
    let err = Session::start(settings).failure().await;
    assert!(
        matches!(err, ConnectError::ExchangeMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("PRECONDITION_FAILED"));
}

#[tokio::test]
async fn a_missing_ca_file_is_reported_before_connecting() {
    let broker = Broker::shared();
    let mode = TlsMode::Verify {
        ca_file: Some("/nonexistent/ca.pem".into()),
    };
    let err = Session::start(broker.tls("ca-missing", mode))
        .failure()
        .await;
    assert!(matches!(err, ConnectError::CaFileMissing { .. }), "{err:?}");
}

#[tokio::test]
async fn the_session_comes_back_by_itself_after_the_node_restarts() {
    let (node, broker) = PrivateNode::start("restart");
    let mut session = Session::start(broker.plain("restart"));
    session.connected().await;

    node.down();
    let announced = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .await;
    let tried = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Connecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .await;
    assert_eq!(
        (announced, tried),
        (1, 1),
        "the retry announced as attempt 1 is attempt 1"
    );
    node.up();
    let back_at = Instant::now();
    let reconnected = session
        .wait_for(Duration::from_secs(30), |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(reconnected);
    let took = back_at.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "recovery took {took:?} after the broker was back"
    );
    eprintln!("recovered {took:?} after the node was ready");

    let routing = session.settings.routing.clone();
    assert_eq!(
        session
            .publish(&routing.exchange, routing.key(), b"again")
            .await,
        PublishOutcome::Routed
    );
    assert_eq!(session.delivery().await.body, b"again");
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[tokio::test]
async fn the_heartbeat_is_60_s_by_default_and_editable() {
    let broker = Broker::shared();
    for heartbeat in [None, Some(17)] {
        let mut settings = broker.plain("heartbeat");
        if let Some(secs) = heartbeat {
            settings.heartbeat_secs = secs;
        }
        let mut session = Session::start(settings.clone());
        session.connected().await;
        // The broker's view of the negotiated value, found by our connection's name.
        let listing = broker.ctl(&["list_connections", "timeout", "client_properties"]);
        // The whole name: exchange names end in a counter, and "-1" is a prefix of "-12".
        let name = format!(
            "amqp-tui {}/{}",
            settings.routing.exchange,
            settings.routing.key()
        );
        let row = listing
            .lines()
            .find(|l| l.contains(&name))
            .unwrap_or_else(|| panic!("our connection is not listed:\n{listing}"));
        let negotiated: u16 = row
            .split('\t')
            .next()
            .and_then(|t| t.trim().parse().ok())
            .expect("a timeout column");
        assert_eq!(negotiated, heartbeat.unwrap_or(60), "{row}");
    }
}

#[tokio::test]
async fn published_messages_carry_text_plain_and_the_chosen_delivery_mode() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("mode"));
    session.connected().await;
    let routing = session.settings.routing.clone();
    for (persistent, mode) in [(false, 1), (true, 2)] {
        let outcome = session
            .publish_with(&routing.exchange, routing.key(), b"m", persistent)
            .await;
        assert_eq!(outcome, PublishOutcome::Routed);
        let delivery = session.delivery().await;
        assert_eq!(delivery.properties.delivery_mode, Some(mode));
        assert_eq!(
            delivery.properties.content_type.as_deref(),
            Some("text/plain")
        );
    }
}

#[tokio::test]
async fn an_exclusive_queue_held_by_another_connection_is_resource_locked() {
    let broker = Broker::shared();
    let mut settings = broker.plain("locked");
    settings.routing.queue = format!("held-{}", settings.routing.exchange);
    let mut holder = Session::start(settings.clone());
    assert_eq!(holder.connected().await, settings.routing.queue);
    let err = Session::start(settings.clone()).failure().await;
    assert_eq!(
        err,
        ConnectError::QueueLocked {
            queue: settings.routing.queue.clone()
        }
    );
}

#[tokio::test]
async fn the_default_exchange_consumes_the_queue_directly() {
    let broker = Broker::shared();
    let mut settings = broker.plain("default-ex");
    settings.routing.exchange = String::new();
    let mut session = Session::start(settings);
    let queue = session.connected().await;
    assert!(
        queue.starts_with("amq.gen-"),
        "a server-named queue: {queue}"
    );
    // The default exchange routes by queue name.
    assert_eq!(
        session.publish("", &queue, b"direct to queue").await,
        PublishOutcome::Routed
    );
    let delivery = session.delivery().await;
    assert_eq!(
        (delivery.exchange.as_str(), delivery.body.as_slice()),
        ("", &b"direct to queue"[..])
    );
}

#[tokio::test]
async fn a_reserved_amq_exchange_is_tapped_without_redeclaring_it() {
    let broker = Broker::shared();
    let mut settings = broker.plain("amq-topic");
    let prefix = settings.routing.key().to_string();
    settings.routing.exchange = "amq.topic".into();
    settings.routing.exchange_type = ExchangeType::Topic;
    settings.routing.bindings = vec![Binding::key(format!("{prefix}.#"))];
    let mut session = Session::start(settings);
    session.connected().await;
    let key = format!("{prefix}.orders.eu");
    assert_eq!(
        session.publish("amq.topic", &key, b"tapped").await,
        PublishOutcome::Routed
    );
    let delivery = session.delivery().await;
    assert_eq!(
        (delivery.routing_key, delivery.body),
        (key, b"tapped".to_vec())
    );
}
