//! Test harness: the broker that `scripts/test` started (once per run), private nodes for
//! tests that must restart one, and helpers to drive a session worker.
#![allow(dead_code)]

pub mod app_loop;
pub mod client;
pub mod cluster;
pub mod management;
pub mod mqtt_clients;
pub mod old_tls;
pub mod process;
pub mod pty;
pub mod screen;
pub mod stomp_clients;

use std::{
    collections::{HashMap, VecDeque},
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use amqp_tui::{
    amqp::Routing,
    session::{
        self, ConnectionDetails, ConnectionSettings, PublishOutcome, PublishRequest,
        SessionCommand, SessionEvent, WorkerEvent,
    },
    tls::{ClientCert, Security, TlsMode},
};
use tokio::sync::mpsc;

pub const WAIT: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
pub struct Broker {
    vars: HashMap<String, String>,
}

impl Broker {
    /// The run's shared broker, described by the env file `scripts/test` exports.
    pub fn shared() -> Self {
        let path = std::env::var("AMQP_TUI_TEST_BROKER").unwrap_or_else(|_| {
            panic!("AMQP_TUI_TEST_BROKER is not set: run the tests with scripts/test, which starts a test broker")
        });
        Self::from_env_file(Path::new(&path))
    }

    pub fn from_env_file(path: &Path) -> Self {
        Self {
            vars: read_env_file(path),
        }
    }

    /// A broker described by these variables (a node of the test cluster).
    pub fn from_vars(vars: HashMap<String, String>) -> Self {
        Self { vars }
    }

    pub fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("broker env file has no {key}"))
    }

    pub fn port(&self) -> u16 {
        self.var("AMQP_PORT").parse().expect("AMQP_PORT is a port")
    }

    pub fn tls_port(&self) -> u16 {
        self.var("AMQPS_PORT")
            .parse()
            .expect("AMQPS_PORT is a port")
    }

    pub fn mqtt_port(&self) -> u16 {
        self.var("MQTT_PORT").parse().expect("MQTT_PORT is a port")
    }

    pub fn mqtts_port(&self) -> u16 {
        self.var("MQTTS_PORT")
            .parse()
            .expect("MQTTS_PORT is a port")
    }

    /// The management API over plain HTTP (`MGMT_URL`).
    pub fn mgmt_url(&self) -> String {
        self.var("MGMT_URL").to_string()
    }

    /// The management API over HTTPS, signed by the test CA (`MGMTS_URL`).
    pub fn mgmts_url(&self) -> String {
        self.var("MGMTS_URL").to_string()
    }

    pub fn ca(&self) -> PathBuf {
        self.var("CA_CERT").into()
    }

    pub fn other_ca(&self) -> PathBuf {
        self.var("OTHER_CA_CERT").into()
    }

    /// Plain settings with routing no other test uses, so parallel tests cannot cross-talk.
    pub fn plain(&self, tag: &str) -> ConnectionSettings {
        ConnectionSettings {
            host: "127.0.0.1".into(),
            port: self.port(),
            routing: unique_routing(tag),
            ..ConnectionSettings::default()
        }
    }

    /// TLS settings; `localhost` is the name the server certificate carries.
    pub fn tls(&self, tag: &str, mode: TlsMode) -> ConnectionSettings {
        ConnectionSettings {
            host: "localhost".into(),
            port: self.tls_port(),
            tls: mode,
            routing: unique_routing(tag),
            ..ConnectionSettings::default()
        }
    }

    /// A client certificate from the env file, e.g. `client_cert("CLIENT_CERT", "CLIENT_KEY")`.
    pub fn client_cert(&self, cert_var: &str, key_var: &str) -> ClientCert {
        ClientCert {
            cert_file: self.var(cert_var).into(),
            key_file: self.var(key_var).into(),
        }
    }

    pub fn ctl(&self, args: &[&str]) -> String {
        let out = Command::new(script())
            .arg("ctl")
            .arg(self.var("BROKER_DIR"))
            .args(args)
            .output()
            .expect("run scripts/test-broker ctl");
        assert!(
            out.status.success(),
            "ctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A user of the test's own on a broker, with a password no other text in the test
/// contains, so finding it anywhere is a leak; deleted on drop.
pub struct TempUser {
    broker: Broker,
    pub name: String,
    pub password: String,
}

impl Broker {
    pub fn temp_user(&self, tag: &str) -> TempUser {
        let n = unique_suffix();
        let pid = std::process::id();
        let user = TempUser {
            broker: self.clone(),
            name: format!("user-{tag}-{pid}-{n}"),
            password: format!("Pw{n}x{pid}qZ7"),
        };
        self.ctl(&["add_user", &user.name, &user.password]);
        self.ctl(&["set_permissions", "-p", "/", &user.name, ".*", ".*", ".*"]);
        user
    }
}

impl Drop for TempUser {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("ctl")
            .arg(self.broker.var("BROKER_DIR"))
            .args(["delete_user", &self.name])
            .output();
    }
}

/// A broker node of the test's own, for tests that stop and start it.
pub struct PrivateNode {
    pub dir: PathBuf,
}

impl PrivateNode {
    pub fn start(name: &str) -> (Self, Broker) {
        let dir = std::env::temp_dir().join(format!(
            "amqp-tui-node-{name}-{}-{}",
            std::process::id(),
            unique_suffix()
        ));
        let node = Self { dir };
        let broker = node.up();
        (node, broker)
    }

    pub fn up(&self) -> Broker {
        run_script(&["start", &self.dir.display().to_string()]);
        Broker::from_env_file(&self.dir.join("env"))
    }

    pub fn down(&self) {
        run_script(&["stop", &self.dir.display().to_string()]);
    }

    /// kill -9 of the Erlang VM: a crash, no goodbye to clients. `up` restarts it.
    pub fn kill(&self) {
        run_script(&["kill", &self.dir.display().to_string()]);
    }

    /// SIGSTOP: connections stay open but nothing answers, like a hung host.
    pub fn pause(&self) {
        run_script(&["pause", &self.dir.display().to_string()]);
    }

    pub fn resume(&self) {
        run_script(&["resume", &self.dir.display().to_string()]);
    }

    /// A failed test removes the node's directory; what the broker logged goes to stderr
    /// first, so a failure in CI can be read without a rerun.
    fn print_log_tail(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("log")) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            // The node's own log is NODENAME.log; the others are the script's.
            if name.contains('@') && name.ends_with("@localhost.log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let tail = &lines[lines.len().saturating_sub(80)..];
                eprintln!(
                    "--- last {} lines of {} ---\n{}",
                    tail.len(),
                    path.display(),
                    tail.join("\n")
                );
            }
        }
    }
}

impl Drop for PrivateNode {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.print_log_tail();
        }
        // A paused node would never answer the stop.
        let _ = Command::new(script())
            .args(["resume", &self.dir.display().to_string()])
            .output();
        self.down();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `KEY=value` lines a node's or the cluster's env file holds.
pub fn read_env_file(path: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read env file {}: {e}", path.display()));
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn script() -> PathBuf {
    std::env::var("AMQP_TUI_TEST_BROKER_SCRIPT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-broker"))
}

fn run_script(args: &[&str]) {
    let out = Command::new(script())
        .args(args)
        .output()
        .expect("run scripts/test-broker");
    assert!(
        out.status.success(),
        "scripts/test-broker {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A directory of the test's own under the temp directory (`amqp-tui-TAG-…`), removed with
/// everything in it when the value is dropped, even when the test fails.
pub fn scratch_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("amqp-tui-{tag}-"))
        .tempdir()
        .expect("create a scratch directory")
}

/// A number no other call in this test process returns.
pub fn unique_suffix() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

pub fn unique_routing(tag: &str) -> Routing {
    let id = format!("{tag}-{}-{}", std::process::id(), unique_suffix());
    Routing {
        exchange: format!("ex-{id}"),
        bindings: vec![amqp_tui::amqp::Binding::key(format!("key-{id}"))],
        ..Routing::default()
    }
}

/// A running session worker and the events it sends.
pub struct Session {
    pub commands_tx: mpsc::Sender<SessionCommand>,
    pub events_rx: mpsc::Receiver<SessionEvent>,
    pub settings: ConnectionSettings,
    pending: VecDeque<WorkerEvent>,
    next_id: u64,
}

impl Session {
    pub fn start(settings: ConnectionSettings) -> Self {
        let (events_tx, events_rx) = mpsc::channel(1024);
        let commands_tx = session::spawn(1, settings.clone(), events_tx, session::COMMAND_CAPACITY);
        Self {
            commands_tx,
            events_rx,
            settings,
            pending: VecDeque::new(),
            next_id: 1,
        }
    }

    /// Waits for the first event `pick` accepts, failing the test after `within`. Events it
    /// passes over are kept for later waits: a delivery may well overtake a publish confirm.
    pub async fn wait_for<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(&WorkerEvent) -> Option<T>,
    ) -> T {
        if let Some(found) = self.take_pending(&mut pick) {
            return found;
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.events_rx.recv()).await {
                Ok(Some(event)) => match pick(&event.event) {
                    Some(found) => return found,
                    None => self.pending.push_back(event.event),
                },
                Ok(None) => panic!("worker stopped; events passed over: {:#?}", self.pending),
                Err(_) => panic!(
                    "timed out after {within:?}; events passed over: {:#?}",
                    self.pending
                ),
            }
        }
    }

    fn take_pending<T>(&mut self, pick: &mut impl FnMut(&WorkerEvent) -> Option<T>) -> Option<T> {
        let (index, found) = self
            .pending
            .iter()
            .enumerate()
            .find_map(|(i, e)| pick(e).map(|f| (i, f)))?;
        self.pending.remove(index);
        Some(found)
    }

    /// Takes every event `pick` accepts from those passed over so far and those already
    /// sent: to check something did *not* happen up to now.
    pub fn drain_pending(
        &mut self,
        mut pick: impl FnMut(&WorkerEvent) -> bool,
    ) -> Vec<WorkerEvent> {
        while let Ok(event) = self.events_rx.try_recv() {
            self.pending.push_back(event.event);
        }
        let (taken, kept) = self.pending.drain(..).partition(|e| pick(e));
        self.pending = kept;
        taken.into()
    }

    /// The queue name once connected; panics with the error if the connect failed.
    pub async fn connected(&mut self) -> String {
        self.connected_as().await.0
    }

    /// How the session is protected once connected; panics if the connect failed.
    pub async fn connected_security(&mut self) -> Security {
        self.connected_as().await.1
    }

    async fn connected_as(&mut self) -> (String, Security) {
        self.wait_for(WAIT, |e| match e {
            WorkerEvent::Connected {
                queue, security, ..
            } => Some((queue.clone(), security.clone())),
            WorkerEvent::Failed(err) => panic!("connect failed: {err}"),
            _ => None,
        })
        .await
    }

    /// What the worker reported about the link once connected; panics if the connect failed.
    pub async fn connected_details(&mut self) -> ConnectionDetails {
        self.wait_for(WAIT, |e| match e {
            WorkerEvent::Connected { details, .. } => Some(details.as_ref().clone()),
            WorkerEvent::Failed(err) => panic!("connect failed: {err}"),
            _ => None,
        })
        .await
    }

    pub async fn failure(&mut self) -> amqp_tui::session::ConnectError {
        self.wait_for(WAIT, |e| match e {
            WorkerEvent::Failed(err) => Some(err.clone()),
            WorkerEvent::Connected { .. } => panic!("connected, but a failure was expected"),
            _ => None,
        })
        .await
    }

    pub async fn publish(&mut self, exchange: &str, key: &str, body: &[u8]) -> PublishOutcome {
        self.publish_with(exchange, key, body, false).await
    }

    pub async fn publish_with(
        &mut self,
        exchange: &str,
        key: &str,
        body: &[u8],
        persistent: bool,
    ) -> PublishOutcome {
        let id = self.next_id;
        self.next_id += 1;
        let request = PublishRequest {
            id,
            exchange: exchange.into(),
            routing_key: key.into(),
            body: body.to_vec(),
            properties: amqp_tui::session::Properties {
                content_type: Some("text/plain".into()),
                delivery_mode: Some(if persistent { 2 } else { 1 }),
                ..Default::default()
            },
            copies: 1,
            confirm: true,
            part: Default::default(),
        };
        self.request(request).await.0
    }

    /// Sends `request` as the compose box would and waits for its outcome, with what the
    /// worker handed back for a resend.
    pub async fn request(
        &mut self,
        request: PublishRequest,
    ) -> (PublishOutcome, Option<Box<PublishRequest>>) {
        let id = request.id;
        self.commands_tx
            .send(SessionCommand::Publish(Box::new(request)))
            .await
            .expect("worker is running");
        self.wait_for(WAIT, |e| match e {
            WorkerEvent::Published {
                id: got,
                outcome,
                unsent,
                ..
            } if *got == id => Some((outcome.clone(), unsent.clone())),
            _ => None,
        })
        .await
    }

    pub async fn delivery(&mut self) -> amqp_tui::session::Message {
        self.wait_for(WAIT, |e| match e {
            WorkerEvent::Delivery(d) => Some(d.as_ref().clone()),
            _ => None,
        })
        .await
    }
}

/// `openssl ARGS...`'s standard output; the reference the tests compare our parsing with.
pub fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A loopback port nothing listens on: a connect attempt there is refused at once.
/// `openssl x509 -subject -nameopt RFC2253` (`CN=a,O=b`) in our spelling (`CN=a, O=b`).
pub fn subject_of(pem: &str) -> String {
    let line = openssl(&[
        "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", pem,
    ]);
    let rfc2253 = line.trim_start_matches("subject=");
    rfc2253.split(',').collect::<Vec<_>>().join(", ")
}

pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("addr").port()
}

/// Runs one of the guide's scripts (pika 1.x ports) in `tests/interop/`.
pub fn python(script: &str) -> Command {
    let mut cmd = Command::new("python3");
    cmd.arg(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/interop")
            .join(script),
    );
    cmd
}
