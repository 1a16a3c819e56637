//! The broker crashes (kill -9 of its VM) while messages flow both ways, and comes back.
//! Every publish must be accounted for: confirmed by the broker (before the crash or after
//! the recovery) or reported failed with its reason and sent again; and the durable queue
//! must hold every message the broker confirmed.

mod support;

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use amqp_tui::session::{Properties, PublishOutcome, PublishRequest, SessionCommand, WorkerEvent};
use lapin::{options::QueueDeclareOptions, types::FieldTable};
use support::{PrivateNode, Session, client::Client};

/// Ledger messages, one every `EVERY`: they span the crash and the restart.
const LEDGER: u64 = 300;
const EVERY: Duration = Duration::from_millis(20);
/// Ids from here on are the flow the session consumes, and resends.
const FLOW_IDS: u64 = 1_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_crash_under_load_loses_no_publish_and_the_session_recovers_by_itself() {
    let (node, broker) = PrivateNode::start("crash");
    let ledger = ledger_name();
    let client = Client::connect(&broker).await;
    client
        .channel
        .queue_declare(
            ledger.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("durable ledger queue");
    drop(client);
    // RabbitMQ answers declare-ok before Mnesia's log reaches the disk (its writes are
    // delayed up to 2 s): a queue declared just before a kill -9 can be gone after the
    // restart ("Recovering 0 queues" in the node's log, and every later publish to it
    // NO_ROUTE). The ledger must outlive the crash, so its declaration is synced first.
    broker.ctl(&["eval", "mnesia:sync_log()."]);

    let mut session = Session::start(broker.plain("crash"));
    session.connected().await;
    let routing = session.settings.routing.clone();
    let commands = session.commands_tx.clone();

    // The publisher: a ledger message (persistent, to the durable queue) every EVERY, and
    // every fifth tick one to the session's own exchange, which it consumes.
    let (exchange, key) = (routing.exchange.clone(), routing.key().to_string());
    let publisher = tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        for i in 0..LEDGER {
            tick.tick().await;
            let body = format!("ledger {i}").into_bytes();
            commands
                .send(request(i, "", &ledger_name(), body, true))
                .await
                .expect("worker running");
            if i % 5 == 0 {
                let body = format!("flow {i}").into_bytes();
                commands
                    .send(request(FLOW_IDS + i, &exchange, &key, body, false))
                    .await
                    .expect("worker running");
            }
        }
    });

    // The crash, 1.5 s in, and the restart once the loss is seen.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let crashed_at = Instant::now();
    let node = tokio::task::spawn_blocking(move || {
        node.kill();
        node
    })
    .await
    .expect("kill");

    let mut outcomes: BTreeMap<u64, PublishOutcome> = BTreeMap::new();
    let mut unsent: Vec<PublishRequest> = Vec::new();
    let mut queued = BTreeSet::new();
    let (mut before, mut after) = (0u64, 0u64);
    let mut lost_at = None;
    let mut reconnected_at = None;
    let mut restarted: Option<tokio::task::JoinHandle<(PrivateNode, Instant)>> = None;
    let mut node = Some(node);
    let deadline = Instant::now() + Duration::from_secs(120);
    let expected = LEDGER + LEDGER.div_ceil(5);
    while (outcomes.len() as u64) < expected || reconnected_at.is_none() {
        assert!(
            Instant::now() < deadline,
            "{} of {expected} publishes accounted for after 120 s; lost at {lost_at:?}, reconnected at {reconnected_at:?}",
            outcomes.len()
        );
        let Ok(Some(event)) =
            tokio::time::timeout(Duration::from_millis(200), session.events_rx.recv()).await
        else {
            continue;
        };
        match event.event {
            WorkerEvent::Published {
                id,
                outcome,
                unsent: back,
                ..
            } => {
                let first = outcomes.insert(id, outcome.clone());
                assert!(first.is_none(), "publish {id} reported twice");
                assert_eq!(
                    back.as_ref().map(|r| r.copies),
                    (outcome.unconfirmed() > 0).then_some(1),
                    "publish {id}: {outcome:?} must come back for a resend exactly when it was not confirmed"
                );
                unsent.extend(back.map(|r| *r));
            }
            WorkerEvent::PublishQueued { id, .. } => {
                queued.insert(id);
            }
            WorkerEvent::Delivery(_) if reconnected_at.is_some() => after += 1,
            WorkerEvent::Delivery(_) => before += 1,
            WorkerEvent::ConnectionLost { .. } if lost_at.is_none() => {
                lost_at = Some(crashed_at.elapsed());
                let node = node.take().expect("one crash");
                restarted = Some(tokio::task::spawn_blocking(move || {
                    // A moment of outage, so publishes pile up in the outbox.
                    std::thread::sleep(Duration::from_secs(1));
                    let _ = node.up();
                    (node, Instant::now())
                }));
            }
            WorkerEvent::Connected { reconnected, .. } => {
                assert!(reconnected, "only the recovery connects again");
                reconnected_at = Some(Instant::now());
            }
            WorkerEvent::Failed(err) => panic!("the session gave up: {err}"),
            _ => {}
        }
    }
    publisher.await.expect("publisher");
    let (node, up_at) = restarted
        .expect("the loss was seen")
        .await
        .expect("restart");
    let recovery = reconnected_at.expect("reconnected").duration_since(up_at);
    assert!(
        recovery < Duration::from_secs(10),
        "recovered {recovery:?} after the broker was back"
    );
    assert!(!queued.is_empty(), "the outage overlapped publishing");

    // Every publish has one outcome: confirmed, or failed and handed back.
    let mut failed = BTreeSet::new();
    for (id, outcome) in &outcomes {
        match outcome {
            PublishOutcome::Routed => {}
            PublishOutcome::Failed { reason } if !reason.is_empty() => {
                failed.insert(*id);
            }
            other => panic!("publish {id}: unexpected {other:?}"),
        }
    }
    assert_eq!(unsent.len(), failed.len());

    // What failed is sent again, as the user would with Ctrl-R, and confirmed this time.
    let resends = unsent.len();
    for (n, mut request) in unsent.into_iter().enumerate() {
        request.id = 2 * FLOW_IDS + n as u64;
        session
            .commands_tx
            .send(SessionCommand::Publish(Box::new(request)))
            .await
            .expect("worker running");
    }
    for n in 0..resends {
        let id = 2 * FLOW_IDS + n as u64;
        let outcome = session
            .wait_for(Duration::from_secs(30), |e| match e {
                WorkerEvent::Published {
                    id: got, outcome, ..
                } if *got == id => Some(outcome.clone()),
                _ => None,
            })
            .await;
        assert_eq!(outcome, PublishOutcome::Routed, "resend {n}");
    }

    // The durable queue holds every ledger message: each exactly once unless its first
    // try failed unconfirmed (then the resend may have doubled it).
    let client = Client::connect(&node.up()).await;
    let bodies = client.drain(&ledger_name()).await;
    let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
    for body in &bodies {
        let text = String::from_utf8_lossy(body);
        let i: u64 = text
            .strip_prefix("ledger ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected body {text}"));
        *seen.entry(i).or_default() += 1;
    }
    let missing: Vec<u64> = (0..LEDGER).filter(|i| !seen.contains_key(i)).collect();
    assert!(missing.is_empty(), "lost ledger messages: {missing:?}");
    let doubled: Vec<u64> = seen
        .iter()
        .filter(|(i, n)| **n > 1 && !failed.contains(i))
        .map(|(i, _)| *i)
        .collect();
    assert!(
        doubled.is_empty(),
        "confirmed once, stored twice: {doubled:?}"
    );
    assert!(
        before > 0 && after > 0,
        "consumed {before} before the crash and {after} after the recovery"
    );
    let ledger_failed = failed.iter().filter(|id| **id < FLOW_IDS).count();
    eprintln!(
        "crash: loss seen {lost_at:?} after kill -9; recovered {recovery:?} after the node was back; \
         {} publishes: {} queued while down, {} failed unconfirmed and resent ({ledger_failed} ledger); \
         ledger holds {} messages for {LEDGER} ids; consumed {before} before, {after} after",
        outcomes.len(),
        queued.len(),
        failed.len(),
        bodies.len(),
    );
}

fn ledger_name() -> String {
    format!("ledger-{}", std::process::id())
}

fn request(id: u64, exchange: &str, key: &str, body: Vec<u8>, persistent: bool) -> SessionCommand {
    SessionCommand::Publish(Box::new(PublishRequest {
        id,
        exchange: exchange.into(),
        routing_key: key.into(),
        body,
        properties: Properties {
            delivery_mode: Some(if persistent { 2 } else { 1 }),
            ..Properties::default()
        },
        copies: 1,
        confirm: true,
        part: Default::default(),
    }))
}

/// The same crash as the user sees it: the outage on screen, a message typed during it
/// waiting for the connection, the recovery, and that message published and received.
#[test]
fn the_app_shows_the_outage_keeps_what_was_typed_and_recovers_by_itself() {
    use support::pty::Launched;
    let (node, broker) = PrivateNode::start("crash-pty");
    let routing = support::unique_routing("crash-pty");
    let uri = format!("amqp://guest@127.0.0.1:{}/%2f", broker.port());
    // Not the node's directory: this one is removed with `scratch`, however the test ends.
    let scratch = support::scratch_dir("crash-app");
    let config = scratch.path();
    let mut app =
        Launched::start_with_config(&support::pty::watch_args(&uri, &routing, &[]), config);
    app.wait_for("the password prompt", Duration::from_secs(20), |s| {
        s.contains("Password")
    });
    app.press(b"guest\r");
    app.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
    });
    app.press(b"\tbefore the crash\r"); // Tab: from the pane into the compose box
    app.wait_for("the first message", Duration::from_secs(10), |s| {
        s.contains("1 received") && s.contains("1 acked")
    });

    node.kill();
    let text = app.wait_for("the outage on screen", Duration::from_secs(10), |s| {
        s.contains("Connection lost")
    });
    // RECONNECTING while it waits, then CONNECTING while it dials: a loaded machine can
    // show either by the time the notice is read, but never CONNECTED.
    assert!(
        !text.contains(" CONNECTED ") && text.contains("CONNECTING"),
        "{text}"
    );
    app.press(b"\x15during the outage\r");
    app.wait_for("the message waiting", Duration::from_secs(10), |s| {
        s.contains("1 waiting for the connection")
    });

    node.up();
    let back = Instant::now();
    let text = app.wait_for("the recovery", Duration::from_secs(15), |s| {
        s.contains(" CONNECTED ") && s.contains("2 received") && s.contains("2 acked")
    });
    let took = back.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "recovered {took:?} after the broker was back"
    );
    assert!(text.contains("during the outage"), "{text}");
    assert!(text.contains("1 outage(s) recovered"), "{text}");
    assert!(!text.contains("waiting for the connection"), "{text}");
    eprintln!(
        "the app showed the message typed during the outage {took:?} after the node was back"
    );

    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
    app.assert_terminal_restored();
    // The log tells the story afterwards.
    let log = std::fs::read_to_string(config.join("amqp-tui.log")).expect("the log file");
    for line in [
        "connection lost",
        "publish waits for the connection",
        "reconnected",
    ] {
        assert!(log.contains(line), "no '{line}' in the log:\n{log}");
    }
}

/// A publish the broker never answers, because it stopped answering at all (SIGSTOP): once
/// the heartbeat gives up on the connection, the publish is reported failed, unconfirmed,
/// and handed back; sent again after the broker is back, it is confirmed.
#[tokio::test]
async fn a_publish_to_a_broker_that_stopped_answering_is_failed_not_left_pending() {
    let (node, broker) = PrivateNode::start("silent-publish");
    let mut settings = broker.plain("silent-publish");
    settings.heartbeat_secs = 2;
    let mut session = Session::start(settings);
    session.connected().await;
    let routing = session.settings.routing.clone();
    // Opens the publish channel: the next publish is written at once, not held by that.
    let warm = session
        .publish(&routing.exchange, routing.key(), b"warm-up")
        .await;
    assert_eq!(warm, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"warm-up");

    let node = tokio::task::spawn_blocking(move || {
        node.pause();
        node
    })
    .await
    .expect("pause");
    let paused_at = Instant::now();
    session
        .commands_tx
        .send(request(
            7,
            &routing.exchange,
            routing.key(),
            b"unanswered".to_vec(),
            false,
        ))
        .await
        .expect("worker running");
    let (outcome, unsent) = session
        .wait_for(Duration::from_secs(15), |e| match e {
            WorkerEvent::Published {
                id: 7,
                outcome,
                unsent,
                ..
            } => Some((outcome.clone(), unsent.clone())),
            _ => None,
        })
        .await;
    let took = paused_at.elapsed();
    let PublishOutcome::Failed { reason } = outcome else {
        panic!("expected a failure, got {outcome:?}");
    };
    assert!(reason.contains("may or may not"), "{reason}");
    assert!(took < Duration::from_secs(6), "reported after {took:?}");
    let mut again = *unsent.expect("handed back for a resend");
    eprintln!("the unanswered publish was reported failed {took:?} after the pause");
    // Typed while the broker is away: it waits, and goes out by itself once it is back.
    session
        .commands_tx
        .send(request(
            9,
            &routing.exchange,
            routing.key(),
            b"waited".to_vec(),
            false,
        ))
        .await
        .expect("worker running");
    session
        .wait_for(Duration::from_secs(10), |e| match e {
            WorkerEvent::PublishQueued { id: 9, .. } => Some(()),
            _ => None,
        })
        .await;

    let _node = tokio::task::spawn_blocking(move || {
        node.resume();
        node
    })
    .await
    .expect("resume");
    session
        .wait_for(Duration::from_secs(20), |e| match e {
            WorkerEvent::Connected {
                reconnected: true, ..
            } => Some(()),
            _ => None,
        })
        .await;
    again.id = 8;
    session
        .commands_tx
        .send(SessionCommand::Publish(Box::new(again)))
        .await
        .expect("worker running");
    let outcome = session
        .wait_for(Duration::from_secs(10), |e| match e {
            WorkerEvent::Published { id: 8, outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    let waited = session
        .wait_for(Duration::from_secs(10), |e| match e {
            WorkerEvent::Published { id: 9, outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .await;
    assert_eq!(waited, PublishOutcome::Routed);
    let mut bodies = vec![session.delivery().await.body, session.delivery().await.body];
    bodies.sort();
    assert_eq!(bodies, [b"unanswered".to_vec(), b"waited".to_vec()]);
}
