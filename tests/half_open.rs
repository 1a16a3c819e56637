//! Half-open connections: a broker that stops answering (SIGSTOP, its sockets stay open)
//! is noticed within two heartbeat intervals, a reconnect attempt against it times out
//! instead of hanging, and the session comes back once the broker answers again. The
//! same outage is watched through a plain session, a TLS session and the real binary.

mod support;

use std::time::{Duration, Instant};

use amqp_tui::{
    session::{ConnectError, PublishOutcome, WorkerEvent},
    tls::TlsMode,
};
use support::{Broker, PrivateNode, Session, pty::Launched};

const HEARTBEAT: u16 = 2;
/// What the promise allows: two heartbeat intervals of silence.
const LIMIT: Duration = Duration::from_secs(2 * HEARTBEAT as u64);
/// Timers fire within a millisecond, and the event crosses two channels; the rest is for
/// a loaded machine scheduling the worker late. The clock starts before the test-broker
/// script stops the node, so the script's own run time (reported below) counts against
/// us, never for us.
const MARGIN: Duration = Duration::from_millis(250);
/// The connect timeout for this heartbeat: two intervals, but never under 5 s.
const CONNECT_TIMEOUT_SECS: u64 = 5;
/// Pauses the node is resumed from as soon as the loss is reported; one more outlasts a
/// reconnect attempt.
const QUICK_OUTAGES: usize = 2;

/// How long each outage waits, idle, before the pause. A connection that went quiet at
/// some phase of the heartbeat schedule is the hard case: lapin's own check, from the last
/// frame written, would notice 2 to 2.5 intervals after the last frame read.
const IDLE_BEFORE: [Duration; QUICK_OUTAGES + 1] = [
    Duration::ZERO,
    Duration::from_millis(1300),
    Duration::from_millis(2600),
];

/// Runs a test-broker command without stalling the worker threads.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

async fn start(settings: amqp_tui::session::ConnectionSettings) -> Session {
    let mut session = Session::start(settings);
    session.connected().await;
    session
}

/// Publishes `body` to the session's own binding and waits until it is delivered back.
async fn round_trip(session: &mut Session, body: &str) {
    let routing = session.settings.routing.clone();
    let outcome = session
        .publish(&routing.exchange, routing.key(), body.as_bytes())
        .await;
    assert_eq!(outcome, PublishOutcome::Routed, "{body}");
    session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::Delivery(d) if d.body == body.as_bytes() => Some(()),
            _ => None,
        })
        .await;
}

/// Waits for the loss report and says when it came.
async fn lost(session: &mut Session) -> (ConnectError, Instant) {
    let error = session
        .wait_for(LIMIT * 3, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    (error, Instant::now())
}

async fn reconnected(session: &mut Session) -> Instant {
    let again = session
        .wait_for(Duration::from_secs(30), |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(again, "a reconnect says so");
    Instant::now()
}

fn assert_noticed_in_time(name: &str, error: &ConnectError, took: Duration) {
    assert!(
        matches!(error, ConnectError::HeartbeatMissed { secs } if *secs >= LIMIT.as_secs()),
        "{name}: {error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("No heartbeat from the broker for 4 s")
            && text.contains("the network or the broker stopped answering"),
        "{name}: {text}"
    );
    assert!(
        took <= LIMIT + MARGIN,
        "{name}: the silence was noticed {took:?} after the pause, more than {LIMIT:?} + {MARGIN:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_broker_is_noticed_within_two_heartbeats_and_the_session_comes_back() {
    let (node, broker) = blocking(|| PrivateNode::start("half-open"));
    let mut plain_settings = broker.plain("half-open");
    plain_settings.heartbeat_secs = HEARTBEAT;
    let mut tls_settings = broker.tls(
        "half-open-tls",
        TlsMode::Verify {
            ca_file: Some(broker.ca()),
        },
    );
    tls_settings.heartbeat_secs = HEARTBEAT;
    let (mut plain, mut tls) = tokio::join!(start(plain_settings), start(tls_settings));
    let mut app = blocking(|| launch_app(&broker));

    for (outage, idle) in IDLE_BEFORE.into_iter().enumerate() {
        let before = format!("before pause {outage}");
        tokio::join!(
            round_trip(&mut plain, &before),
            round_trip(&mut tls, &before)
        );
        app = blocking(move || {
            app.press(format!("\t{before}\r").as_bytes()); // Tab: into the compose box
            app.wait_for("the message in the pane", support::WAIT, |s| {
                s.contains(&before)
            });
            app
        });
        // The screen is watched while the sessions are: the heartbeat notice only shows
        // until the first retry replaces it.
        let screen = tokio::task::spawn_blocking(move || {
            let text = app.wait_for("the outage on the status line", LIMIT * 3, |s| {
                s.contains("RECONNECTING") && s.contains("No heartbeat from the broker for 4 s")
            });
            (app, text)
        });

        tokio::time::sleep(idle).await;
        let paused_at = Instant::now();
        blocking(|| node.pause());
        let script = paused_at.elapsed();
        let ((plain_error, plain_at), (tls_error, tls_at)) =
            tokio::join!(lost(&mut plain), lost(&mut tls));
        let (plain_took, tls_took) = (plain_at - paused_at, tls_at - paused_at);
        eprintln!(
            "outage {outage}: noticed after {plain_took:?} (plain), {tls_took:?} (TLS); \
             the pause script ran {script:?}"
        );
        assert_noticed_in_time("plain", &plain_error, plain_took);
        assert_noticed_in_time("TLS", &tls_error, tls_took);
        let (returned, text) = screen.await.expect("the screen watcher");
        app = returned;
        assert!(text.contains("RECONNECTING in 1 s (attempt 1)"), "{text}");

        if outage == QUICK_OUTAGES {
            // Still silent: the retry must give up after its timeout, not hang.
            let (plain_tried, tls_tried) = tokio::join!(
                attempt_against_silence(&mut plain, plain_at),
                attempt_against_silence(&mut tls, tls_at)
            );
            eprintln!(
                "a reconnect attempt to the paused node gave up after {plain_tried:?} (plain), \
                 {tls_tried:?} (TLS)"
            );
            let expected = Duration::from_secs(CONNECT_TIMEOUT_SECS);
            for tried in [plain_tried, tls_tried] {
                assert!(
                    tried >= expected - MARGIN && tried <= expected + MARGIN * 4,
                    "the attempt took {tried:?}, expected {expected:?}"
                );
            }
        }

        let resumed_at = Instant::now();
        blocking(|| node.resume());
        let (plain_back, tls_back) = tokio::join!(reconnected(&mut plain), reconnected(&mut tls));
        eprintln!(
            "outage {outage}: reconnected {:?} (plain), {:?} (TLS) after the resume",
            plain_back - resumed_at,
            tls_back - resumed_at
        );
        let after = format!("after resume {outage}");
        tokio::join!(round_trip(&mut plain, &after), round_trip(&mut tls, &after));
        app = blocking(move || {
            app.wait_for("the app to reconnect", Duration::from_secs(30), |s| {
                s.contains(" CONNECTED ") && s.contains("Reconnected by itself")
            });
            app.press(format!("{after}\r").as_bytes());
            app.wait_for("a message sent after the outage", support::WAIT, |s| {
                s.contains(&after)
            });
            app
        });
    }
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    let status = blocking(|| app.exit_status(Duration::from_secs(10)));
    assert!(status.success(), "exit status {status:?}");
    drop(node);
}

/// The reconnect attempt against the paused node after the loss reported at `lost_at`:
/// how long it ran before it gave up, which it must report as a timeout.
async fn attempt_against_silence(session: &mut Session, lost_at: Instant) -> Duration {
    let (error, attempt) = session
        .wait_for(Duration::from_secs(CONNECT_TIMEOUT_SECS * 3), |e| match e {
            WorkerEvent::ConnectionLost { error, attempt, .. } => Some((error.clone(), *attempt)),
            _ => None,
        })
        .await;
    // It started after the first retry delay, `reconnect_delay(1)`.
    let took = lost_at.elapsed() - Duration::from_secs(1);
    assert_eq!(attempt, 2, "{error}");
    assert!(
        matches!(
            error,
            ConnectError::Timeout {
                secs: CONNECT_TIMEOUT_SECS,
                ..
            }
        ),
        "{error:?}"
    );
    took
}

/// The real binary on the node's plain port, with the short heartbeat.
fn launch_app(broker: &Broker) -> Launched {
    let routing = support::unique_routing("half-open-app");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let heartbeat = HEARTBEAT.to_string();
    let app = Launched::watching(&uri, &routing, &["--heartbeat", &heartbeat]);
    app.wait_for("the app to connect", support::WAIT, |s| {
        s.contains(" CONNECTED ")
    });
    app
}
