//! Consuming a queue that already exists: missing, no-ack, manual settling, peeking.

use amqp_tui::{
    amqp::{AckMode, Binding, Source},
    session::{
        ConnectError, ConnectionSettings, SessionCommand, Settle, WorkerEvent,
        worker::STALE_DELIVERY,
    },
};
use lapin::BasicProperties;

use super::{send, support};
use support::{
    Broker, Session, WAIT,
    client::{Client, close_connection_named, expect_counts, queue_counts},
};

/// Settings for consuming `queue` with `ack`, and a client that made it with `bodies` in it.
async fn prefilled(
    broker: &Broker,
    tag: &str,
    ack: AckMode,
    bodies: &[&str],
) -> (ConnectionSettings, Client) {
    let mut settings = broker.plain(tag);
    let queue = format!("q-{}", settings.routing.exchange);
    settings.routing.source = Source::Queue;
    settings.routing.queue = queue.clone();
    settings.routing.ack = ack;
    let client = Client::connect(broker).await;
    client.queue(&queue).await;
    for body in bodies {
        client
            .publish("", &queue, body.as_bytes(), BasicProperties::default())
            .await;
    }
    (settings, client)
}

async fn settle(
    session: &mut Session,
    delivery_tag: u64,
    epoch: u64,
    settle: Settle,
) -> Result<(), String> {
    send(
        session,
        SessionCommand::Settle {
            delivery_tag,
            epoch,
            settle,
        },
    )
    .await;
    session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Settled {
                delivery_tag: t,
                epoch: e,
                result,
                ..
            } if (*t, *e) == (delivery_tag, epoch) => Some(result.clone()),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_missing_queue_is_queue_not_found() {
    let broker = Broker::shared();
    let mut settings = broker.plain("q-missing");
    settings.routing.source = Source::Queue;
    settings.routing.queue = format!("no-such-{}", settings.routing.exchange);
    let err = Session::start(settings.clone()).failure().await;
    assert_eq!(
        err,
        ConnectError::QueueNotFound {
            queue: settings.routing.queue.clone()
        }
    );
    let listing = broker.ctl(&["list_queues", "name"]);
    assert!(
        !listing.contains(&settings.routing.queue),
        "it was created:\n{listing}"
    );
}

#[tokio::test]
async fn no_ack_takes_the_messages() {
    let broker = Broker::shared();
    let (settings, _client) = prefilled(&broker, "q-noack", AckMode::NoAck, &["a", "b", "c"]).await;
    let queue = settings.routing.queue.clone();
    let mut session = Session::start(settings);
    assert_eq!(session.connected().await, queue);
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(session.delivery().await.body);
    }
    assert_eq!(got, [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
    expect_counts(&broker, &queue, (0, 0)).await;
}

#[tokio::test]
async fn manual_acks_wait_for_the_user_and_old_tags_are_refused() {
    let broker = Broker::shared();
    let (settings, client) =
        prefilled(&broker, "q-manual", AckMode::Manual, &["a", "b", "c"]).await;
    let queue = settings.routing.queue.clone();
    let name = format!(
        "amqp-tui {}/{}",
        settings.routing.exchange,
        settings.routing.key()
    );
    let mut session = Session::start(settings);
    session.connected().await;
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(session.delivery().await);
    }
    expect_counts(&broker, &queue, (0, 3)).await;
    let (epoch, tags): (u64, Vec<u64>) =
        (got[0].epoch, got.iter().map(|d| d.delivery_tag).collect());

    // A session on someone else's queue leaves its bindings alone.
    send(&session, SessionCommand::Bind(Binding::key("k"))).await;
    let refused = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::BindingChanged { result, .. } => Some(result.clone()),
            _ => None,
        })
        .await;
    assert!(refused.is_err(), "{refused:?}");

    assert_eq!(
        settle(&mut session, tags[0], epoch, Settle::Ack).await,
        Ok(())
    );
    expect_counts(&broker, &queue, (0, 2)).await;
    // Twice is refused here, not by the broker (which would close the channel).
    assert!(
        settle(&mut session, tags[0], epoch, Settle::Ack)
            .await
            .is_err()
    );
    assert_eq!(
        settle(&mut session, tags[1], epoch, Settle::Reject).await,
        Ok(())
    );
    expect_counts(&broker, &queue, (0, 1)).await;
    assert_eq!(
        settle(&mut session, tags[2], epoch, Settle::Requeue).await,
        Ok(())
    );
    let again = session.delivery().await;
    assert_eq!(
        (again.body.as_slice(), again.redelivered),
        (&b"c"[..], true)
    );
    expect_counts(&broker, &queue, (0, 1)).await;

    // After a reconnect the broker has requeued "c" and delivers it again under a tag
    // that the old epoch's tags could collide with.
    close_connection_named(&broker, &name);
    let redelivered = session.delivery().await;
    assert_eq!(redelivered.body, b"c");
    assert!(
        redelivered.epoch > epoch,
        "{} after {epoch}",
        redelivered.epoch
    );
    let stale = settle(&mut session, redelivered.delivery_tag, epoch, Settle::Ack).await;
    assert_eq!(stale, Err(STALE_DELIVERY.to_string()));
    // Long enough for an ack that did go out to show in the counts.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(queue_counts(&broker, &queue), (0, 1));
    drop(client);
}

#[tokio::test]
async fn peek_shows_the_messages_and_leaves_the_queue_as_it_was() {
    let broker = Broker::shared();
    let bodies = ["p1", "p2", "p3", "p4", "p5"];
    let (settings, client) = prefilled(&broker, "q-peek", AckMode::Peek, &bodies).await;
    let queue = settings.routing.queue.clone();
    let mut session = Session::start(settings);
    session.connected().await;
    expect_counts(&broker, &queue, (5, 0)).await;

    send(&session, SessionCommand::Peek { max: 10 }).await;
    let peeked = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Peeked { count, result } => Some((*count, result.clone())),
            _ => None,
        })
        .await;
    assert_eq!(peeked, (5, Ok(())));
    let mut shown = Vec::new();
    for _ in 0..5 {
        let delivery = session.delivery().await;
        assert_eq!(delivery.consumer_tag, None);
        shown.push(String::from_utf8(delivery.body).expect("utf-8"));
    }
    assert_eq!(shown, bodies);
    expect_counts(&broker, &queue, (5, 0)).await;

    // Peeking again sees the same five: nothing was taken.
    send(&session, SessionCommand::Peek { max: 2 }).await;
    let peeked = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Peeked { count, result } => Some((*count, result.clone())),
            _ => None,
        })
        .await;
    assert_eq!(peeked, (2, Ok(())));
    for expected in &bodies[..2] {
        assert_eq!(session.delivery().await.body, expected.as_bytes());
    }
    expect_counts(&broker, &queue, (5, 0)).await;
    let left: Vec<String> = client
        .drain(&queue)
        .await
        .into_iter()
        .map(|b| String::from_utf8(b).expect("utf-8"))
        .collect();
    assert_eq!(left, bodies, "the queue's order after two peeks");
}

#[tokio::test]
async fn take_mode_acks_each_message_on_handover_and_drains_the_queue() {
    let broker = Broker::shared();
    let bodies: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let (mut settings, _client) = prefilled(&broker, "q-auto", AckMode::Auto, &refs).await;
    // Acks go out in batches of 32; 1,000 is no multiple of that, so the last few are
    // only acked because the worker flushes as soon as the queue runs dry.
    settings.prefetch = 64;
    let queue = settings.routing.queue.clone();
    let mut session = Session::start(settings);
    assert_eq!(session.connected().await, queue);
    let mut last = None;
    for body in &bodies {
        let delivery = session.delivery().await;
        assert_eq!(delivery.body, body.as_bytes());
        last = Some(delivery);
    }
    // Checked while the session lives: closing would ack what is left anyway.
    expect_counts(&broker, &queue, (0, 0)).await;
    let last = last.expect("1,000 deliveries");
    let refused = settle(&mut session, last.delivery_tag, last.epoch, Settle::Ack).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("take mode")),
        "{refused:?}"
    );
}
