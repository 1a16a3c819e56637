//! The real binary in a pseudo-terminal: launched from the command line straight into a
//! session, a message typed into the compose box and seen in the pane, then Ctrl-C.

mod support;

use std::{
    io::{Read, Write},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use support::Broker;

const ROWS: u16 = 30;
const COLS: u16 = 110;

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    fn wait_for(&self, what: &str, within: Duration, found: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.text();
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
}

#[test]
fn connect_from_the_command_line_publish_by_typing_and_see_it_arrive() {
    let broker = Broker::shared();
    let routing = support::unique_routing("pty");
    let uri = format!("amqps://guest:guest@localhost:{}/%2f", broker.tls_port());

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_amqp-tui"));
    cmd.args(["--uri", &uri, "--ca-cert"]);
    cmd.arg(broker.ca());
    cmd.args(["--exchange", &routing.exchange, "--exchange-type", "direct"]);
    cmd.args(["--routing-key", &routing.binding_key]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("AMQP_URL");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn amqp-tui");
    drop(pty.slave);

    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0))),
        raw: Arc::default(),
    };
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let (parser, raw) = (Arc::clone(&screen.parser), Arc::clone(&screen.raw));
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().expect("parser lock").process(&buf[..n]);
            raw.lock().expect("raw lock").extend_from_slice(&buf[..n]);
        }
    });
    let mut keys = pty.master.take_writer().expect("pty writer");

    let text = screen.wait_for("the session to connect", Duration::from_secs(20), |s| {
        s.contains(" CONNECTED ")
    });
    assert!(text.contains("TLS, server verified against"), "{text}");
    assert!(
        !text.contains("guest:guest"),
        "the URI's password must not be shown"
    );

    keys.write_all(b"hello from a pty\r").expect("type");
    keys.flush().expect("flush");
    let text = screen.wait_for("the message in the pane", Duration::from_secs(10), |s| {
        s.lines()
            .any(|l| l.contains(&routing.exchange[..10]) && l.contains("hello from a pty"))
    });
    assert!(text.contains("1 received"), "{text}");
    assert!(text.contains("confirmed by the broker"), "{text}");

    keys.write_all(b"\x03").expect("Ctrl-C");
    keys.flush().expect("flush");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "amqp-tui did not exit on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let raw = screen.raw.lock().expect("raw lock");
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
    assert!(
        tail.contains("\x1b[?1049l"),
        "the alternate screen was left: {tail:?}"
    );
    assert!(
        tail.contains("\x1b[?2004l"),
        "bracketed paste was turned off: {tail:?}"
    );
}
