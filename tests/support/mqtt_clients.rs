//! Third-party MQTT 3.1.1 clients against a test broker: Debian's `mosquitto_pub` /
//! `mosquitto_sub` and PyPI's paho-mqtt (`tests/interop/mqtt_client.py`), both installed
//! by `scripts/test`. Clients no one here wrote, so a test of the app's MQTT side proves
//! more than the app agreeing with itself.
//!
//! Every call is async and the processes run beside the runtime (reader threads, not a
//! blocked test task), so an app session in the same test keeps running while a client
//! waits for it. Every wait is bounded; a process still running when its handle is
//! dropped is killed.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

pub use super::process::Finished;
use super::{Broker, WAIT, process::Process};

/// Where and as whom a client connects.
#[derive(Clone, Debug)]
pub struct MqttTarget {
    pub host: String,
    pub port: u16,
    /// TLS, the server verified against this CA (and its name checked) when set.
    pub cafile: Option<PathBuf>,
    /// Empty: connect with no user name and password at all.
    pub user: String,
    pub password: String,
}

impl Broker {
    /// Plain MQTT as guest.
    pub fn mqtt_plain(&self) -> MqttTarget {
        MqttTarget {
            host: "127.0.0.1".into(),
            port: self.mqtt_port(),
            cafile: None,
            user: "guest".into(),
            password: "guest".into(),
        }
    }

    /// MQTT over TLS as guest, verified against the test CA; `localhost` is the name the
    /// server certificate carries.
    pub fn mqtt_tls(&self) -> MqttTarget {
        MqttTarget {
            host: "localhost".into(),
            port: self.mqtts_port(),
            cafile: Some(self.ca()),
            ..self.mqtt_plain()
        }
    }
}

impl MqttTarget {
    pub fn with_user(self, user: &str, password: &str) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
            ..self
        }
    }

    /// No user name and password in the CONNECT.
    pub fn anonymous(self) -> Self {
        self.with_user("", "")
    }

    pub fn with_cafile(self, cafile: &Path) -> Self {
        Self {
            cafile: Some(cafile.into()),
            ..self
        }
    }

    fn mosquitto_args(&self) -> Vec<String> {
        let mut args = vec![
            "-V".into(),
            "mqttv311".into(),
            "-h".into(),
            self.host.clone(),
            "-p".into(),
            self.port.to_string(),
        ];
        if !self.user.is_empty() {
            args.extend([
                "-u".into(),
                self.user.clone(),
                "-P".into(),
                self.password.clone(),
            ]);
        }
        if let Some(ca) = &self.cafile {
            args.extend(["--cafile".into(), ca.display().to_string()]);
        }
        args
    }

    fn paho_args(&self) -> Vec<String> {
        let mut args = vec![
            "--host".into(),
            self.host.clone(),
            "--port".into(),
            self.port.to_string(),
            "--user".into(),
            self.user.clone(),
            "--password".into(),
            self.password.clone(),
        ];
        if let Some(ca) = &self.cafile {
            args.extend(["--cafile".into(), ca.display().to_string()]);
        }
        args
    }
}

/// One message as a subscriber printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub topic: String,
    pub qos: u8,
    pub retained: bool,
    pub payload: Vec<u8>,
}

impl Finished {
    /// The MQTT messages among its output lines (both subscribers print the same form).
    pub fn messages(&self) -> Vec<Received> {
        self.stdout
            .iter()
            .filter_map(|l| parse_message(l))
            .collect()
    }
}

// `mqtt-message\tQOS\tRETAIN\tHEX\tTOPIC`: mosquitto_sub's -F format below, and what
// mqtt_client.py prints. Hex keeps any payload on one line; the topic goes last, whole.
const MESSAGE_FORMAT: &str = r"mqtt-message\t%q\t%r\t%x\t%t";

fn parse_message(line: &str) -> Option<Received> {
    let mut fields = line.strip_prefix("mqtt-message\t")?.splitn(4, '\t');
    let qos = fields.next()?.parse().ok()?;
    let retained = fields.next()? == "1";
    let hex = fields.next()?;
    let topic = fields.next()?.to_string();
    let payload = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(Received {
        topic,
        qos,
        retained,
        payload,
    })
}

/// `mosquitto_pub` of one message; waits (bounded) for it to exit. `extra` adds flags,
/// e.g. `["-r"]` to retain.
pub async fn mosquitto_pub(
    target: &MqttTarget,
    topic: &str,
    body: &str,
    qos: u8,
    extra: &[&str],
) -> Finished {
    let mut command = Command::new("mosquitto_pub");
    command
        .args(target.mosquitto_args())
        .args(["-t", topic, "-m", body, "-q", &qos.to_string()])
        .args(extra);
    Process::spawn(command, "mosquitto_pub").finish(WAIT).await
}

/// The paho-mqtt script's `pub`: prints `PUBLISHED` once sent (with QoS 1, acknowledged).
pub async fn paho_pub(
    target: &MqttTarget,
    topic: &str,
    body: &str,
    qos: u8,
    extra: &[&str],
) -> Finished {
    let mut command = python_mqtt_client();
    command
        .arg("pub")
        .args(target.paho_args())
        .args([
            "--topic",
            topic,
            "--message",
            body,
            "--qos",
            &qos.to_string(),
        ])
        .args(["--timeout", &WAIT.as_secs().to_string()])
        .args(extra);
    Process::spawn(command, "mqtt_client.py pub")
        .finish(WAIT)
        .await
}

/// A subscriber that has been granted its subscription; `finish` collects what it got.
pub struct Subscriber {
    process: Process,
}

impl Subscriber {
    /// `mosquitto_sub` on `filter`, exiting after `count` messages, or after
    /// `WAIT` (`-W`) with fewer. Returns once the broker has granted the subscription
    /// (its SUBACK, which `-d` prints), so a publish after this cannot be missed.
    pub async fn mosquitto(target: &MqttTarget, filter: &str, qos: u8, count: usize) -> Self {
        // stdbuf: into a pipe, its stdio buffers whole blocks, and the SUBACK line (or a
        // message) would reach us only when it exits.
        let mut command = Command::new("stdbuf");
        command
            .args(["-oL", "mosquitto_sub"])
            .args(target.mosquitto_args())
            .args(["-d", "-t", filter, "-q", &qos.to_string()])
            .args(["-C", &count.to_string(), "-W", &WAIT.as_secs().to_string()])
            .args(["-F", MESSAGE_FORMAT]);
        Self::ready(Process::spawn(command, "mosquitto_sub"), |line| {
            // `Subscribed (mid: 1): 1`: the granted QoS; 128 is a refusal.
            line.strip_prefix("Subscribed (mid: ")
                .map(|rest| !rest.ends_with(" 128"))
        })
        .await
    }

    /// The paho-mqtt script's `sub`, which prints `READY` on its SUBACK.
    pub async fn paho(target: &MqttTarget, filter: &str, qos: u8, count: usize) -> Self {
        let mut command = python_mqtt_client();
        command
            .arg("sub")
            .args(target.paho_args())
            .args(["--topic", filter, "--qos", &qos.to_string()])
            .args(["--count", &count.to_string()])
            .args(["--timeout", &WAIT.as_secs().to_string()]);
        Self::ready(Process::spawn(command, "mqtt_client.py sub"), |line| {
            (line == "READY").then_some(true)
        })
        .await
    }

    async fn ready(process: Process, granted: impl Fn(&str) -> Option<bool>) -> Self {
        Self {
            process: process.wait_until_subscribed(granted).await,
        }
    }

    /// Waits (bounded) for it to exit: after its count of messages, or its own timeout.
    pub async fn finish(self) -> Finished {
        // Its own timeout is WAIT from its start; a little more here lets it report it.
        self.process.finish(WAIT + Duration::from_secs(5)).await
    }
}

fn python_mqtt_client() -> Command {
    let mut command = Command::new("python3");
    command.arg(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/interop")
            .join("mqtt_client.py"),
    );
    command
}
