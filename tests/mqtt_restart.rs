//! An MQTT session across a restart of its node (a private one: this test stops it):
//! the loss is reported, the session reconnects by itself and subscribes again, and a
//! QoS 1 publish typed while the node was down waits in the outbox and goes out then;
//! a hung node is noticed by its missing PINGRESP; a publish the node never acknowledged
//! before it crashed is reported and handed back.
//! Takes about a minute; run it alone.

#[path = "mqtt/common.rs"]
mod common;
mod support;

use std::time::Duration;

use amqp_tui::session::{ConnectError, PublishOutcome, SessionCommand, WorkerEvent};
use common::{plain, publish, unique};
use support::{PrivateNode, Session, mqtt_clients};

/// Stopping and starting a node takes a while; the session retries every 5 s at most.
const RESTART: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mqtt_session_reconnects_after_a_node_restart_subscribes_again_and_sends_what_waited() {
    let (node, broker) = PrivateNode::start("mqtt-restart");
    let id = unique("restart");
    let mut settings = plain(&broker, &[format!("test/{id}/#")], 1);
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
    let error = session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    // Not the duplicate client id that a silent close on a live node means.
    let message = error.to_string();
    assert!(
        message.contains("no longer takes new ones: the node is shutting down or restarting")
            && !message.contains("client id"),
        "{message}"
    );

    // Typed while the node is down: kept, and said so.
    let waiting = publish(
        7,
        &format!("test/{id}/waited"),
        b"typed while down",
        1,
        false,
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
    session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::Connected { reconnected, .. } => {
                assert!(reconnected, "a reconnect says so");
                Some(())
            }
            _ => None,
        })
        .await;

    // What waited went out, acknowledged, and came back through the new subscription.
    let outcome = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::Published { id: 7, outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"typed while down");

    // And a third-party client's publish reaches it: it is subscribed again.
    mqtt_clients::mosquitto_pub(
        &broker.mqtt_plain(),
        &format!("test/{id}/after"),
        "after the restart",
        1,
        &[],
    )
    .await
    .expect_success("mosquitto_pub");
    assert_eq!(session.delivery().await.body, b"after the restart");

    // The failed reconnects of the restart are over.
    session.drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    // A hung node: no PINGRESP within two keep-alive intervals is a lost connection, and
    // the session is back once the node answers again.
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
    let node = tokio::task::spawn_blocking(move || {
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

    // A hung node takes a QoS 1 publish and never acknowledges it; then it crashes. The
    // publish is reported failed and handed back whole, for Ctrl-R, which then works.
    let node = tokio::task::spawn_blocking(move || {
        node.pause();
        node
    })
    .await
    .expect("pause the node");
    let unacked = publish(9, &format!("test/{id}/unacked"), b"never acked", 1, false);
    session
        .commands_tx
        .send(SessionCommand::Publish(Box::new(unacked.clone())))
        .await
        .expect("worker runs");
    let node = tokio::task::spawn_blocking(move || {
        node.kill();
        node
    })
    .await
    .expect("kill the node");
    let (outcome, unsent) = session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::Published {
                id: 9,
                outcome,
                unsent,
                ..
            } => Some((outcome.clone(), unsent.clone())),
            _ => None,
        })
        .await;
    let PublishOutcome::Failed { reason } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        reason.contains("the connection was lost before the broker acknowledged it"),
        "{reason}"
    );
    assert_eq!(unsent.as_deref(), Some(&unacked));
    let node = tokio::task::spawn_blocking(move || {
        node.up();
        node
    })
    .await
    .expect("start the node again");
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
    let (outcome, _) = session.request(*unsent.expect("handed back")).await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"never acked");
    drop(session);
    tokio::task::spawn_blocking(move || drop(node))
        .await
        .expect("remove the node");
}
