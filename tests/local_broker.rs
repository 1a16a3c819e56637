//! `scripts/local-broker`: the README's broker for trying the app, on the app's default
//! ports unless told otherwise, and a way forward when those ports are taken.

mod support;

use std::{
    net::TcpListener,
    process::{Command, Output},
};

use support::{Broker, client::Client, mqtt_clients};

fn local_broker(dir: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/local-broker"));
    command
        .args(args)
        .env("AMQP_TUI_LOCAL_BROKER_DIR", dir)
        .env_remove("AMQP_TUI_LOCAL_AMQP_PORT")
        .env_remove("AMQP_TUI_LOCAL_AMQPS_PORT")
        .env_remove("AMQP_TUI_LOCAL_MQTT_PORT")
        .env_remove("AMQP_TUI_LOCAL_MQTTS_PORT");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run scripts/local-broker")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Stops the node however the test ends.
struct Stop<'a>(&'a std::path::Path);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let _ = local_broker(self.0, &["stop"], &[]);
    }
}

#[tokio::test]
async fn a_taken_port_says_what_to_do_and_other_ports_come_from_flags_or_the_environment() {
    let scratch = support::scratch_dir("local-broker");
    let dir = scratch.path().join("node");
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let busy = taken.local_addr().expect("addr").port().to_string();
    let tls = free_port().to_string();

    let refused = local_broker(&dir, &["--amqp-port", &busy, "--amqps-port", &tls], &[]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("port 127.0.0.1:{busy} is in use")),
        "names the port: {said}"
    );
    assert!(
        said.contains("scripts/local-broker --amqp-port ") && said.contains("--uri amqp://"),
        "says how to go on: {said}"
    );

    drop(taken);
    let _stop = Stop(&dir);
    // MQTT over TLS on the guide's 8883 unless it is taken, as it is now (by us, or by
    // whoever holds it already): that listener falls back to a free port and says so.
    let _guide_port_taken = TcpListener::bind("127.0.0.1:8883");
    let mqtt = free_port().to_string();
    let started = local_broker(
        &dir,
        &[],
        &[
            ("AMQP_TUI_LOCAL_AMQP_PORT", busy.clone()),
            ("AMQP_TUI_LOCAL_AMQPS_PORT", tls.clone()),
            ("AMQP_TUI_LOCAL_MQTT_PORT", mqtt.clone()),
        ],
    );
    let said = String::from_utf8_lossy(&started.stderr);
    assert!(started.status.success(), "{said}");
    assert!(
        said.contains(&format!("--uri amqp://guest@localhost:{busy}/%2f")),
        "says how to connect: {said}"
    );
    let broker = Broker::from_env_file(&dir.join("env"));
    assert_eq!(broker.port().to_string(), busy);
    assert_eq!(broker.tls_port().to_string(), tls);
    assert_eq!(broker.mqtt_port().to_string(), mqtt);
    assert_ne!(broker.mqtts_port(), 8883);
    assert!(
        said.contains("MQTT port 8883 is in use")
            && said.contains(&format!("mqtt://guest@localhost:{mqtt}"))
            && said.contains(&format!("mqtts://guest@localhost:{}", broker.mqtts_port())),
        "names the MQTT ports: {said}"
    );
    // A real node answers there, over AMQP and over MQTT with TLS.
    let client = Client::connect(&broker).await;
    drop(client);
    mqtt_clients::mosquitto_pub(&broker.mqtt_tls(), "local-broker/check", "x", 1, &[])
        .await
        .expect_success("mosquitto_pub over TLS");

    // Stopped, its port taken by something else: the next start says so too, rather than
    // dying on the ports it recorded.
    let stopped = local_broker(&dir, &["stop"], &[]);
    assert!(
        stopped.status.success(),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );
    let _taken_again = TcpListener::bind(("127.0.0.1", broker.port())).expect("rebind");
    let refused = local_broker(&dir, &[], &[]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("port 127.0.0.1:{busy} is in use"))
            && said.contains("scripts/local-broker --amqp-port "),
        "{said}"
    );
}

#[test]
fn a_taken_mqtt_port_asked_for_says_what_to_do() {
    let scratch = support::scratch_dir("local-broker-mqtt");
    let dir = scratch.path().join("node");
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let busy = taken.local_addr().expect("addr").port().to_string();
    let (amqp, amqps, mqtts) = (free_port(), free_port(), free_port());
    // Nothing to stop unless the script wrongly started a node.
    let _stop = Stop(&dir);

    let refused = local_broker(
        &dir,
        &[
            "--amqp-port",
            &amqp.to_string(),
            "--amqps-port",
            &amqps.to_string(),
        ],
        &[
            ("AMQP_TUI_LOCAL_MQTT_PORT", busy.clone()),
            ("AMQP_TUI_LOCAL_MQTTS_PORT", mqtts.to_string()),
        ],
    );
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("port 127.0.0.1:{busy} is in use"))
            && said.contains("scripts/local-broker --mqtt-port "),
        "names the port and how to go on: {said}"
    );
    assert!(!dir.join("ports").exists(), "no node was started");
}
