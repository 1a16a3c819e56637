//! A STOMP session across a restart of its node (a private one: this test stops it): the
//! loss is reported, the session reconnects by itself and subscribes again, and a SEND
//! typed while the node was down waits in the outbox and goes out then, confirmed by its
//! receipt; a hung node is noticed by its missing heart-beats.
//! Takes about a minute; run it alone.

#[path = "stomp/common.rs"]
mod common;
mod support;

use std::time::Duration;

use amqp_tui::session::{ConnectError, PublishOutcome, SessionCommand, WorkerEvent};
use common::{Via, plain, publish, unique};
use support::{PrivateNode, Session, stomp_clients};

/// Stopping and starting a node takes a while; the session retries every 5 s at most.
const RESTART: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stomp_session_reconnects_after_a_node_restart_subscribes_again_and_sends_what_waited() {
    let (node, broker) = PrivateNode::start("stomp-restart");
    let id = unique("restart");
    let mut settings = plain(&broker, Via::Stomp, &[format!("/topic/test.{id}.#")]);
    // Short, so that a hung node is noticed within seconds.
    settings.heartbeat_secs = 2;
    let mut session = Session::start(settings);
    session.connected().await;

    let node = tokio::task::spawn_blocking(move || {
        node.down();
        node
    })
    .await
    .expect("stop the node");
    session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::ConnectionLost { .. } => Some(()),
            _ => None,
        })
        .await;

    // Typed while the node is down: kept, and said so.
    let waiting = publish(
        7,
        &format!("/topic/test.{id}.waited"),
        b"typed while down",
        1,
    );
    session
        .commands_tx
        .send(SessionCommand::Publish(Box::new(waiting)))
        .await
        .expect("worker runs");
    let queued = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::PublishQueued { id: 7, waiting } => Some(*waiting),
            WorkerEvent::Published { id: 7, outcome, .. } => {
                panic!("published while the node was down: {outcome:?}")
            }
            _ => None,
        })
        .await;
    assert_eq!(queued, 1);

    let node = tokio::task::spawn_blocking(move || {
        node.up();
        node
    })
    .await
    .expect("start the node");
    let reconnected = session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(reconnected, "a reconnect says so");

    // What waited went out, confirmed, and came back through the new subscription.
    let outcome = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::Published { id: 7, outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"typed while down");

    // And a third-party client's SEND reaches it: it is subscribed again.
    stomp_clients::send(
        &broker.stomp_plain(),
        &format!("/topic/test.{id}.after"),
        &["after the restart"],
        &[],
    )
    .await
    .expect_success("send");
    assert_eq!(session.delivery().await.body, b"after the restart");

    // A hung node: no heart-beat for two intervals is a lost connection, and the session
    // is back once the node answers again.
    session.drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    let node = tokio::task::spawn_blocking(move || {
        node.pause();
        node
    })
    .await
    .expect("pause the node");
    let error = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    assert_eq!(error, ConnectError::HeartbeatMissed { secs: 4 });
    let _node = tokio::task::spawn_blocking(move || {
        node.resume();
        node
    })
    .await
    .expect("resume the node");
    session
        .wait_for(RESTART, |e| {
            matches!(
                e,
                WorkerEvent::Connected {
                    reconnected: true,
                    ..
                }
            )
            .then_some(())
        })
        .await;
}
