//! The terminal survives what happens to it: SIGTERM and SIGHUP hand it back restored, a
//! terminal that goes away ends the app promptly, and a window shrunk to nothing and grown
//! back is drawn whole again. The real binary, in a pty, with messages arriving.

mod support;

use std::time::{Duration, Instant};

use amqp_tui::amqp::Routing;
use lapin::{BasicProperties, options::BasicPublishOptions};
use support::{Broker, client::Client, pty::Launched};

/// Quitting waits up to 1.5 s for sessions to close politely; the rest is start-up of
/// nothing and a loaded machine.
const PROMPTLY: Duration = Duration::from_secs(3);

/// Messages published to the app's binding until dropped, so the screen keeps changing.
struct Flood {
    runtime: tokio::runtime::Runtime,
    task: tokio::task::JoinHandle<()>,
}

impl Flood {
    fn start(broker: &Broker, routing: &Routing) -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime for the publisher");
        let client = runtime.block_on(Client::connect(broker));
        let (exchange, key) = (routing.exchange.clone(), routing.key().to_string());
        let task = runtime.spawn(async move {
            // Bounded: about a minute at most, far longer than any test here. It ends
            // early once the app is gone and the broker deleted its exchange with it.
            for i in 0..6000u32 {
                let body = format!("flood {i}");
                let sent = client.channel.basic_publish(
                    exchange.as_str().into(),
                    key.as_str().into(),
                    BasicPublishOptions::default(),
                    body.as_bytes(),
                    BasicProperties::default(),
                );
                let confirmed = match sent.await {
                    Ok(confirm) => confirm.await,
                    Err(err) => Err(err),
                };
                if confirmed.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        Self { runtime, task }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.task.abort();
        let _ = self.runtime.block_on(&mut self.task);
    }
}

/// The app connected to the shared broker, and messages arriving in its pane.
fn connected_with_messages() -> (Launched, Flood) {
    let broker = Broker::shared();
    let routing = support::unique_routing("pty-terminal");
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let app = Launched::watching(&uri, &routing, &[]);
    app.wait_for("the session to connect", support::WAIT, |s| {
        s.contains(" CONNECTED ")
    });
    let flood = Flood::start(&broker, &routing);
    app.wait_for("messages in the pane", support::WAIT, |s| {
        s.contains("flood ")
    });
    (app, flood)
}

fn send(app: &Launched, signal: libc::c_int) {
    let pid = app.child.process_id().expect("a pid");
    let pid = libc::pid_t::try_from(pid).expect("a pid fits pid_t");
    // SAFETY: kill(2) with a pid we spawned and a valid signal number.
    let sent = unsafe { libc::kill(pid, signal) };
    assert_eq!(sent, 0, "kill({signal}) failed");
}

/// Signals the app and checks it quit promptly, successfully, with the terminal restored.
fn signal_and_check(mut app: Launched, signal: libc::c_int, name: &str) {
    let sent_at = Instant::now();
    send(&app, signal);
    let status = app.exit_status(PROMPTLY);
    let took = sent_at.elapsed();
    eprintln!("{name}: exited {took:?} after the signal");
    assert!(status.success(), "{name}: exit status {status:?}");
    app.assert_terminal_restored();
    app.assert_cooked();
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_on_the_form() {
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        let app = Launched::start(&["--no-connect"]);
        app.wait_for("the form", Duration::from_secs(10), |s| {
            s.contains("amqp-tui · connect")
        });
        signal_and_check(app, signal, name);
    }
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_while_messages_arrive() {
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        let (app, flood) = connected_with_messages();
        signal_and_check(app, signal, name);
        drop(flood);
    }
}

#[test]
fn a_terminal_that_goes_away_ends_the_app_promptly() {
    let (mut app, flood) = connected_with_messages();
    let gone_at = Instant::now();
    app.hang_up();
    let status = app.exit_status(PROMPTLY);
    eprintln!(
        "exited {:?} after the terminal went away: {status:?}",
        gone_at.elapsed()
    );
    // Not an abort: restoring a terminal that is gone used to panic in the panic hook.
    assert!(status.success(), "exit status {status:?}");
    drop(flood);
}

/// Shrinks the window step by step to nothing and back: at 20x5 the app draws `small`,
/// at no size does it end, and grown back it draws `full` again.
/// `full` lists everything the whole screen shows again: a frame drawn before the app saw
/// the new size (a diff, such as a counter) can hold one of them but not all.
fn shrink_and_grow(app: &mut Launched, small: &str, full: &[&str]) {
    app.resize(20, 5);
    app.wait_for(&format!("{small:?} at 20x5"), Duration::from_secs(5), |s| {
        s.contains(small)
    });
    for (cols, rows) in [(1, 1), (0, 0), (1, 0), (0, 1), (3, 2)] {
        app.resize(cols, rows);
        // Long enough for several frames at every size.
        std::thread::sleep(Duration::from_millis(150));
        assert!(
            app.child.try_wait().expect("wait").is_none(),
            "the app ended at {cols}x{rows}"
        );
    }
    app.resize(110, 30);
    app.wait_for("the full screen again", Duration::from_secs(5), |s| {
        full.iter().all(|text| s.contains(text))
    });
}

#[test]
fn a_window_shrunk_to_nothing_and_grown_back_is_drawn_whole_again() {
    let (mut app, flood) = connected_with_messages();

    // The status line is the last row a small window keeps.
    shrink_and_grow(
        &mut app,
        "CONNECTED",
        &["received", " CONNECTED ", "flood "],
    );

    app.press(b"\x1bOP"); // F1
    app.wait_for("the help", Duration::from_secs(5), |s| {
        s.contains("Anywhere")
    });
    shrink_and_grow(&mut app, "Keys", &["Anywhere", "Ctrl-C"]);
    app.press(b"\x1bOP");
    app.wait_for("the help to close", Duration::from_secs(5), |s| {
        !s.contains("Anywhere")
    });

    app.press(b"\r");
    app.wait_for("the message view", Duration::from_secs(5), |s| {
        s.contains("Message · body as text")
    });
    // Three rows inside the borders of a 5-row window: only a frame at 20x5 says so.
    shrink_and_grow(
        &mut app,
        "rows 1-3 ·",
        &["Message · body as text", "routing-key"],
    );

    drop(flood);
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
    app.assert_cooked();
}
