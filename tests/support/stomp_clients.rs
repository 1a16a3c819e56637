//! Third-party STOMP 1.2 clients against a test broker: PyPI's stomp.py
//! (`tests/interop/stomp_py.py`) over STOMP on TCP or TLS, and npm's @stomp/stompjs on `ws`
//! (`tests/interop/stompjs.mjs`) over Web-STOMP, `ws://` or `wss://`; `scripts/test`
//! installs both. Clients no one here wrote, so a test of the app's STOMP side proves more
//! than the app agreeing with itself. Both scripts print the same lines and exit with the
//! same codes (see the top of each), so a test reads either the same way.
//!
//! Every call is async and every wait bounded (`support::process`); a client still running
//! when its handle is dropped is killed.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

pub use super::process::Finished;
use super::{Broker, WAIT, process::Process};

/// Which listener a client talks to, and so which client it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// STOMP on TCP (TLS with a CA file): stomp.py.
    Stomp,
    /// STOMP inside WebSocket messages at `path`: @stomp/stompjs on `ws`.
    WebStomp,
}

/// Where and as whom a client connects.
#[derive(Clone, Debug)]
pub struct StompTarget {
    pub transport: Transport,
    pub host: String,
    pub port: u16,
    /// TLS, the server verified against this CA (and its name checked) when set.
    pub cafile: Option<PathBuf>,
    /// Empty: connect with no login and passcode at all.
    pub user: String,
    pub password: String,
    /// The CONNECT frame's `host` header.
    pub vhost: String,
    /// Web-STOMP's endpoint.
    pub path: String,
}

impl Broker {
    fn port_var(&self, name: &str) -> u16 {
        self.var(name)
            .parse()
            .unwrap_or_else(|_| panic!("{name} is a port"))
    }

    pub fn stomp_port(&self) -> u16 {
        self.port_var("STOMP_PORT")
    }

    pub fn stomps_port(&self) -> u16 {
        self.port_var("STOMPS_PORT")
    }

    pub fn web_stomp_port(&self) -> u16 {
        self.port_var("WEB_STOMP_PORT")
    }

    pub fn web_stomps_port(&self) -> u16 {
        self.port_var("WEB_STOMPS_PORT")
    }

    /// Plain STOMP as guest.
    pub fn stomp_plain(&self) -> StompTarget {
        StompTarget {
            transport: Transport::Stomp,
            host: "127.0.0.1".into(),
            port: self.stomp_port(),
            cafile: None,
            user: "guest".into(),
            password: "guest".into(),
            vhost: "/".into(),
            path: "/ws".into(),
        }
    }

    /// STOMP over TLS as guest, verified against the test CA; `localhost` is the name the
    /// server certificate carries.
    pub fn stomp_tls(&self) -> StompTarget {
        StompTarget {
            host: "localhost".into(),
            port: self.stomps_port(),
            cafile: Some(self.ca()),
            ..self.stomp_plain()
        }
    }

    /// Plain Web-STOMP (`ws://…/ws`) as guest.
    pub fn web_stomp_plain(&self) -> StompTarget {
        StompTarget {
            transport: Transport::WebStomp,
            port: self.web_stomp_port(),
            ..self.stomp_plain()
        }
    }

    /// Web-STOMP over TLS (`wss://localhost:…/ws`) as guest, verified against the test CA.
    pub fn web_stomp_tls(&self) -> StompTarget {
        StompTarget {
            transport: Transport::WebStomp,
            port: self.web_stomps_port(),
            ..self.stomp_tls()
        }
    }
}

impl StompTarget {
    pub fn with_user(self, user: &str, password: &str) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
            ..self
        }
    }

    /// No login and passcode in the CONNECT.
    pub fn anonymous(self) -> Self {
        self.with_user("", "")
    }

    pub fn with_cafile(self, cafile: &Path) -> Self {
        Self {
            cafile: Some(cafile.into()),
            ..self
        }
    }

    /// Another port, e.g. a plain client pointed at a TLS listener.
    pub fn with_port(self, port: u16) -> Self {
        Self { port, ..self }
    }

    pub fn with_vhost(self, vhost: &str) -> Self {
        Self {
            vhost: vhost.into(),
            ..self
        }
    }

    pub fn with_path(self, path: &str) -> Self {
        Self {
            path: path.into(),
            ..self
        }
    }

    /// The client's command and the options both scripts share.
    fn command(&self, verb: &str) -> (Command, &'static str) {
        let interop = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
        let (mut command, what) = match self.transport {
            Transport::Stomp => {
                let mut command = Command::new("python3");
                command.arg(interop.join("stomp_py.py"));
                (command, "stomp_py.py")
            }
            Transport::WebStomp => {
                // The script finds its npm packages through AMQP_TUI_JS_CLIENTS, which
                // scripts/test exports and the child inherits.
                let mut command = Command::new("node");
                command
                    .arg(interop.join("stompjs.mjs"))
                    .args(["--path", &self.path]);
                (command, "stompjs.mjs")
            }
        };
        command.arg(verb).args([
            "--host",
            &self.host,
            "--port",
            &self.port.to_string(),
            "--user",
            &self.user,
            "--password",
            &self.password,
            "--vhost",
            &self.vhost,
            "--timeout",
            &WAIT.as_secs().to_string(),
        ]);
        if let Some(ca) = &self.cafile {
            command.args(["--cafile", &ca.display().to_string()]);
        }
        (command, what)
    }
}

/// One message as a subscriber printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StompMessage {
    /// The MESSAGE frame's `destination` header, as the broker rebuilt it.
    pub destination: String,
    pub body: Vec<u8>,
}

impl Finished {
    /// The STOMP messages among its output lines (both subscribers print the same form).
    pub fn stomp_messages(&self) -> Vec<StompMessage> {
        self.stdout
            .iter()
            .filter_map(|l| parse_message(l))
            .collect()
    }

    /// The receipt ids a sender printed, one per message the broker confirmed.
    pub fn receipts(&self) -> Vec<&str> {
        self.stdout
            .iter()
            .filter_map(|l| l.strip_prefix("SENT\t"))
            .collect()
    }
}

// `stomp-message\tHEX\tDESTINATION`: hex keeps any body on one line; the destination goes
// last, whole.
fn parse_message(line: &str) -> Option<StompMessage> {
    let (hex, destination) = line.strip_prefix("stomp-message\t")?.split_once('\t')?;
    let body = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(StompMessage {
        destination: destination.to_string(),
        body,
    })
}

/// SENDs each body to `destination`, each with a `receipt`, and waits (bounded) for the
/// client to exit: it prints `SENT\tID` for each RECEIPT. `extra` adds options, e.g.
/// `["--persistent"]`.
pub async fn send(
    target: &StompTarget,
    destination: &str,
    bodies: &[&str],
    extra: &[&str],
) -> Finished {
    let (mut command, what) = target.command("send");
    command.args(["--destination", destination]);
    for body in bodies {
        command.args(["--message", body]);
    }
    command.args(extra);
    Process::spawn(command, what).finish(WAIT).await
}

/// A subscriber whose SUBSCRIBE the broker has confirmed; `finish` collects what it got.
pub struct StompSubscriber {
    process: Process,
}

impl StompSubscriber {
    /// Subscribes to `destination`, exiting after `count` messages or after `WAIT` with
    /// fewer. Returns once the broker sent the RECEIPT for the SUBSCRIBE (the client
    /// prints `READY`), so a publish after this cannot be missed. `extra` adds options,
    /// e.g. `["--ack", "client-individual"]`.
    pub async fn start(
        target: &StompTarget,
        destination: &str,
        count: usize,
        extra: &[&str],
    ) -> Self {
        let (mut command, what) = target.command("sub");
        command
            .args(["--destination", destination])
            .args(["--count", &count.to_string()])
            .args(extra);
        let process = Process::spawn(command, what)
            .wait_until_subscribed(|line| (line == "READY").then_some(true))
            .await;
        Self { process }
    }

    /// Waits (bounded) for it to exit: after its count of messages, or its own timeout.
    pub async fn finish(self) -> Finished {
        // Its own timeout is WAIT from its start; a little more here lets it report it.
        self.process.finish(WAIT + Duration::from_secs(5)).await
    }
}
