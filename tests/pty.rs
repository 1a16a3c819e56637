//! The real binary in a pseudo-terminal: keys in, screen text out.

mod support;

use std::{
    io::{Read, Write},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use support::Broker;

const ROWS: u16 = 30;
const COLS: u16 = 110;

/// amqp-tui running in a pty, with what it drew parsed by a VT100 emulator.
struct Launched {
    child: Box<dyn Child + Send + Sync>,
    keys: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Launched {
    fn start(args: &[&str]) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_amqp-tui"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("AMQP_URL");
        let child = pty.slave.spawn_command(cmd).expect("spawn amqp-tui");
        drop(pty.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw: Arc<Mutex<Vec<u8>>> = Arc::default();
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let (screen, bytes) = (Arc::clone(&parser), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen.lock().expect("parser lock").process(&buf[..n]);
                bytes.lock().expect("raw lock").extend_from_slice(&buf[..n]);
            }
        });
        let keys = pty.master.take_writer().expect("pty writer");
        Self {
            child,
            keys,
            parser,
            raw,
            _master: pty.master,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    fn wait_for(&self, what: &str, within: Duration, found: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.screen();
            if found(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, keys: &[u8]) {
        self.keys.write_all(keys).expect("type");
        self.keys.flush().expect("flush");
    }

    fn exit_status(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "amqp-tui did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Asserts the terminal was handed back: alternate screen left, paste mode off.
    fn assert_terminal_restored(&self) {
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw.lock().expect("raw lock");
        let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
        assert!(
            tail.contains("\x1b[?1049l"),
            "the alternate screen was not left: {tail:?}"
        );
        assert!(
            tail.contains("\x1b[?2004l"),
            "bracketed paste was not turned off: {tail:?}"
        );
    }
}

#[test]
fn connect_from_the_command_line_publish_by_typing_and_see_it_arrive() {
    let broker = Broker::shared();
    let routing = support::unique_routing("pty");
    let uri = format!("amqps://guest:guest@localhost:{}/%2f", broker.tls_port());
    let ca = broker.ca().display().to_string();
    let mut app = Launched::start(&[
        "--uri",
        &uri,
        "--ca-cert",
        &ca,
        "--exchange",
        &routing.exchange,
        "--exchange-type",
        "direct",
        "--routing-key",
        &routing.binding_key,
    ]);

    let text = app.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
    });
    assert!(text.contains("TLS, server verified against"), "{text}");
    assert!(
        !text.contains("guest:guest"),
        "the URI's password must not be shown"
    );

    app.press(b"hello from a pty\r");
    let text = app.wait_for("the message in the pane", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| l.contains(&routing.exchange[..10]) && l.contains("hello from a pty"))
    });
    assert!(text.contains("1 received"), "{text}");
    assert!(text.contains("confirmed by the broker"), "{text}");

    app.press(b"\x03");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut app = Launched::start(&["--no-connect"]);
    app.wait_for("the form", Duration::from_secs(10), |s| {
        s.contains("amqp-tui · connect")
    });
    let pid = app.child.process_id().expect("a pid");
    let pid = libc::pid_t::try_from(pid).expect("a pid fits pid_t");
    // SAFETY: kill(2) with a pid we spawned and a valid signal number.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill(SIGTERM) failed");
    let status = app.exit_status(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    app.assert_terminal_restored();
}
