//! Channel errors close a channel, not the connection: the session reopens what it needs,
//! says what happened, and goes on publishing and consuming on the same connection.

mod support;

use std::time::Duration;

use amqp_tui::session::{Properties, PublishOutcome, PublishRequest, WorkerEvent};
use lapin::ExchangeKind;
use support::{Broker, Session, WAIT, client::Client, unique_suffix};

/// No loss and no second `Connected` among the events since the first one.
async fn assert_connection_stayed_up(session: &mut Session) {
    // Something certain to come, so everything before it has been seen.
    let routing = session.settings.routing.clone();
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"still here")
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"still here");
    let dropped = session
        .drain_pending(|e| {
            matches!(
                e,
                WorkerEvent::ConnectionLost { .. } | WorkerEvent::Connected { .. }
            )
        })
        .len();
    assert_eq!(dropped, 0, "the connection must not have dropped");
}

#[tokio::test]
async fn publishing_to_a_missing_exchange_is_refused_and_nothing_else() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("missing-exchange"));
    session.connected().await;
    let missing = format!("no-such-exchange-{}", unique_suffix());
    let outcome = session.publish(&missing, "k", b"lost?").await;
    let PublishOutcome::Refused { reason } = outcome else {
        panic!("expected a refusal, got {outcome:?}");
    };
    assert_eq!(
        reason,
        format!("NOT_FOUND - no exchange '{missing}' in vhost '/'")
    );
    // Twice: the second publish goes out on a reopened channel.
    let outcome = session.publish(&missing, "k", b"lost?").await;
    assert!(
        matches!(outcome, PublishOutcome::Refused { .. }),
        "{outcome:?}"
    );
    assert_connection_stayed_up(&mut session).await;
}

/// Copies written after the broker closed the channel never left: they share the refusal,
/// in the broker's words, not lapin's "invalid channel state".
#[tokio::test]
async fn every_copy_to_a_missing_exchange_is_refused_in_the_brokers_words() {
    const COPIES: u32 = 20_000;
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("missing-exchange-copies"));
    session.connected().await;
    let missing = format!("no-such-exchange-{}", unique_suffix());
    let request = PublishRequest {
        id: 77,
        exchange: missing.clone(),
        routing_key: "k".into(),
        body: b"copy".to_vec(),
        properties: Properties::default(),
        copies: COPIES,
        confirm: true,
        part: Default::default(),
    };
    let (outcome, unsent) = session.request(request).await;
    let expected = PublishOutcome::Copies {
        routed: 0,
        sent: 0,
        returned: 0,
        nacked: 0,
        refused: COPIES,
        failed: 0,
        first_problem: Some(format!(
            "refused by the broker: NOT_FOUND - no exchange '{missing}' in vhost '/'"
        )),
    };
    assert_eq!(outcome, expected);
    assert_eq!(unsent, None, "a refusal is not kept for Ctrl-R");
    assert_up_but_for_lapins_race(&mut session).await;
}

/// [`assert_connection_stayed_up`], except for one cause measured on this machine (about
/// 1 run in 10): lapin sends `channel.close-ok` ahead of publish frames it had already
/// queued on that channel, and RabbitMQ closes the connection over them ("expected
/// 'channel.open'"). Then every copy must still have had its one refusal (checked by the
/// caller), and the session must be back and publishing on a new connection.
async fn assert_up_but_for_lapins_race(session: &mut Session) {
    let routing = session.settings.routing.clone();
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"still here")
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"still here");
    let drops = session.drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    for drop in &drops {
        let WorkerEvent::ConnectionLost { error, .. } = drop else {
            unreachable!("only losses were picked");
        };
        assert!(
            error.to_string().contains("expected 'channel.open'"),
            "the connection must not drop for any other reason: {error}"
        );
    }
    let reconnects = session.drain_pending(|e| matches!(e, WorkerEvent::Connected { .. }));
    assert_eq!(reconnects.len(), drops.len(), "each loss was recovered");
}

#[tokio::test]
async fn access_refused_by_the_vhosts_permissions_is_refused_and_nothing_else() {
    let broker = Broker::shared();
    let user = format!("limited-{}-{}", std::process::id(), unique_suffix());
    broker.ctl(&["add_user", &user, "limited-secret"]);
    // May declare and read anything, but write only to its own queues and the default
    // exchange: publishing to a named exchange is refused.
    broker.ctl(&[
        "set_permissions",
        "-p",
        "/",
        &user,
        ".*",
        r"^amq\.gen-.*|^amq\.default$",
        ".*",
    ]);
    let mut settings = broker.plain("refused");
    settings.user = user.clone();
    settings.password = "limited-secret".into();
    let mut session = Session::start(settings);
    let queue = session.connected().await;

    let routing = session.settings.routing.clone();
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"refused")
        .await;
    let PublishOutcome::Refused { reason } = outcome else {
        panic!("expected a refusal, got {outcome:?}");
    };
    assert!(
        reason.contains("ACCESS_REFUSED") && reason.contains(&routing.exchange),
        "{reason}"
    );
    // The same connection still publishes where it may: the default exchange, by queue name.
    let outcome = session.publish("", &queue, b"allowed").await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"allowed");
    let dropped = session
        .drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }))
        .len();
    assert_eq!(dropped, 0, "the connection must not have dropped");
    broker.ctl(&["delete_user", &user]);
}

/// Someone deletes the session's queue and recreates its exchange with another type. The
/// consumer is cancelled; declaring the exchange again is refused (406, a channel error).
/// The connection stays, publishing works, and watching resumes once the exchange is
/// fixed.
#[tokio::test]
async fn an_exchange_redeclared_with_another_type_stops_watching_not_the_connection() {
    let broker = Broker::shared();
    let mut session = Session::start(broker.plain("redeclare"));
    let queue = session.connected().await;
    let routing = session.settings.routing.clone();
    let client = Client::connect(&broker).await;
    client.delete_exchange(&routing.exchange).await;
    client
        .exchange(&routing.exchange, ExchangeKind::Topic)
        .await;
    broker.ctl(&["delete_queue", &queue]);

    let (error, retry_in) = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::WatchLost { error, retry_in } => Some((error.to_string(), *retry_in)),
            WorkerEvent::ConnectionLost { error, .. } => {
                panic!("the connection dropped: {error}")
            }
            _ => None,
        })
        .await;
    assert!(
        error.contains("PRECONDITION_FAILED") && error.contains("topic"),
        "{error}"
    );
    assert_eq!(retry_in, Duration::from_secs(5));

    // Publishing goes on meanwhile: the topic exchange has no queue bound, so it comes back.
    let outcome = session
        .publish(&routing.exchange, routing.key(), b"nobody")
        .await;
    assert!(
        matches!(
            outcome,
            PublishOutcome::Unroutable {
                reply_code: 312,
                ..
            }
        ),
        "{outcome:?}"
    );

    client.delete_exchange(&routing.exchange).await;
    let watching = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::WatchResumed { queue } => Some(queue.clone()),
            _ => None,
        })
        .await;
    assert_ne!(watching, queue, "a new queue of our own");
    assert_connection_stayed_up(&mut session).await;
}
