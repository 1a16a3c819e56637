//! STOMP and Web-STOMP sessions across a restart of their node (a private one: this test
//! stops it): the loss is reported, each session reconnects by itself and subscribes
//! again, and a SEND typed while the node was down waits in the outbox and goes out then,
//! confirmed by its receipt; a hung node is noticed by its missing heart-beats (over
//! Web-STOMP too, where the session offers none of its own but watches the server's).
//! Takes about a minute; run it alone.

#[path = "stomp/common.rs"]
mod common;
mod support;

use std::time::Duration;

use amqp_tui::session::{ConnectError, PublishOutcome, SessionCommand, WorkerEvent};
use common::{BOTH, Via, plain, publish, unique};
use support::{PrivateNode, Session, stomp_clients};

/// Stopping and starting a node takes a while; the session retries every 5 s at most.
const RESTART: Duration = Duration::from_secs(90);

/// One session of each kind, each on topics of its own.
struct Watcher {
    via: Via,
    id: String,
    session: Session,
}

async fn reconnected(watcher: &mut Watcher) {
    let via = watcher.via;
    let again = watcher
        .session
        .wait_for(RESTART, |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(again, "{via:?}: a reconnect says so");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stomp_sessions_reconnect_after_a_node_restart_subscribe_again_and_send_what_waited() {
    let (node, broker) = PrivateNode::start("stomp-restart");
    let mut watchers = Vec::new();
    for via in BOTH {
        let id = unique(&format!("restart-{via:?}"));
        let mut settings = plain(&broker, via, &[format!("/topic/test.{id}.#")]);
        // Short, so that a hung node is noticed within seconds.
        settings.heartbeat_secs = 2;
        let mut session = Session::start(settings);
        session.connected().await;
        watchers.push(Watcher { via, id, session });
    }

    let node = tokio::task::spawn_blocking(move || {
        node.down();
        node
    })
    .await
    .expect("stop the node");
    for (n, w) in (7u64..).zip(watchers.iter_mut()) {
        w.session
            .wait_for(RESTART, |e| match e {
                WorkerEvent::ConnectionLost { .. } => Some(()),
                _ => None,
            })
            .await;
        // Typed while the node is down: kept, and said so.
        let waiting = publish(
            n,
            &format!("/topic/test.{}.waited", w.id),
            b"typed while down",
            1,
        );
        w.session
            .commands_tx
            .send(SessionCommand::Publish(Box::new(waiting)))
            .await
            .expect("worker runs");
        let queued = w
            .session
            .wait_for(support::WAIT, |e| match e {
                WorkerEvent::PublishQueued { id, waiting } if *id == n => Some(*waiting),
                WorkerEvent::Published { id, outcome, .. } if *id == n => {
                    panic!("published while the node was down: {outcome:?}")
                }
                _ => None,
            })
            .await;
        assert_eq!(queued, 1, "{:?}", w.via);
    }

    let node = tokio::task::spawn_blocking(move || {
        node.up();
        node
    })
    .await
    .expect("start the node");
    for (n, w) in (7u64..).zip(watchers.iter_mut()) {
        reconnected(w).await;
        // What waited went out, confirmed, and came back through the new subscription.
        let outcome = w
            .session
            .wait_for(support::WAIT, |e| match e {
                WorkerEvent::Published { id, outcome, .. } if *id == n => Some(outcome.clone()),
                _ => None,
            })
            .await;
        assert_eq!(outcome, PublishOutcome::Routed, "{:?}", w.via);
        assert_eq!(w.session.delivery().await.body, b"typed while down");

        // And a third-party client's SEND reaches it: it is subscribed again.
        stomp_clients::send(
            &broker.stomp_plain(),
            &format!("/topic/test.{}.after", w.id),
            &["after the restart"],
            &[],
        )
        .await
        .expect_success("send");
        assert_eq!(w.session.delivery().await.body, b"after the restart");
        w.session
            .drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    }

    // A hung node: no heart-beat for two intervals is a lost connection, and the session
    // is back once the node answers again.
    let node = tokio::task::spawn_blocking(move || {
        node.pause();
        node
    })
    .await
    .expect("pause the node");
    for w in &mut watchers {
        let error = w
            .session
            .wait_for(support::WAIT, |e| match e {
                WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
                _ => None,
            })
            .await;
        assert_eq!(
            error,
            ConnectError::HeartbeatMissed { secs: 4 },
            "{:?}",
            w.via
        );
    }
    let _node = tokio::task::spawn_blocking(move || {
        node.resume();
        node
    })
    .await
    .expect("resume the node");
    for w in &mut watchers {
        reconnected(w).await;
    }
}
