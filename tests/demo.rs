//! `scripts/demo` as a new user runs it: a node of its own, and the guide's matrix of
//! profiles (AMQP, MQTT, STOMP, Web-STOMP, plain and TLS) that connect and all see one
//! message.

mod support;

use std::{path::Path, process::Command};

use amqp_tui::{model::ConnectForm, profile::ProfileStore, session::Protocol, tls::Security};
use support::{Broker, Session, mqtt_clients};

fn demo(dir: &Path, arg: &str) {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo"))
        .arg(arg)
        .env("AMQP_TUI_DEMO_DIR", dir)
        .output()
        .expect("run scripts/demo");
    assert!(
        out.status.success(),
        "scripts/demo {arg} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stops the demo's node even when an assertion fails.
struct Stop<'a>(&'a Path);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        demo(self.0, "stop");
    }
}

#[tokio::test]
async fn the_demo_writes_the_protocol_matrix_and_every_profile_sees_one_message() {
    let scratch = support::scratch_dir("demo");
    let dir = scratch.path();
    demo(dir, "--no-app");
    let _stop = Stop(dir);

    let loaded = ProfileStore::load(&dir.join("config"));
    assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
    let names: Vec<&str> = loaded.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "local-plain",
            "local-tls-verified",
            "local-tls-unverified",
            "local-mqtt-plain",
            "local-mqtt-tls-verified",
            "local-stomp-plain",
            "local-stomp-tls-verified",
            "local-web-stomp-plain",
            "local-web-stomp-tls-verified",
        ]
    );
    let ca = dir.join("broker/tls/ca.pem");
    let verified = Security::TlsVerified {
        ca_file: Some(ca.clone()),
    };
    let expected = [
        (Protocol::Amqp, Security::Plain),
        (Protocol::Amqp, verified.clone()),
        (Protocol::Amqp, Security::TlsNotVerified),
        (Protocol::Mqtt, Security::Plain),
        (Protocol::Mqtt, verified.clone()),
        (Protocol::Stomp, Security::Plain),
        (Protocol::Stomp, verified.clone()),
        (Protocol::WebStomp, Security::Plain),
        (Protocol::WebStomp, verified),
    ];
    // Every profile connects as the app would connect it, with the protection it names.
    let mut sessions = Vec::new();
    for (profile, (protocol, security)) in loaded.profiles.iter().zip(expected) {
        let settings = ConnectForm::from_profile(profile)
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e:?}", profile.name));
        assert_eq!(settings.protocol, protocol, "{}", profile.name);
        let mut session = Session::start(settings);
        assert_eq!(
            session.connected_security().await,
            security,
            "{}",
            profile.name
        );
        sessions.push(session);
    }

    // The demo: mosquitto_pub over TLS to test/any reaches every tab, each in its
    // protocol's words: amq.topic test.any, the topic test/any, /topic/test.any.
    let broker = Broker::from_env_file(&dir.join("broker/env"));
    mqtt_clients::mosquitto_pub(
        &broker.mqtt_tls(),
        "test/any",
        "hello from mosquitto",
        1,
        &[],
    )
    .await
    .expect_success("mosquitto_pub");
    for (session, profile) in sessions.iter_mut().zip(&loaded.profiles) {
        let name = &profile.name;
        let message = session.delivery().await;
        assert_eq!(message.body, b"hello from mosquitto", "{name}");
        assert_eq!(
            (message.exchange.as_str(), message.routing_key.as_str()),
            ("amq.topic", "test.any"),
            "{name}"
        );
        match &message.part {
            amqp_tui::session::MessagePart::Amqp => {}
            amqp_tui::session::MessagePart::Mqtt(facts) => {
                assert_eq!(facts.topic, "test/any", "{name}")
            }
            amqp_tui::session::MessagePart::Stomp(facts) => {
                assert_eq!(facts.destination, "/topic/test.any", "{name}")
            }
        }
        assert_eq!(message.protocol(), profile.protocol, "{name}");
    }
    drop(sessions);

    // The app still loads the whole file.
    let out = Command::new(env!("CARGO_BIN_EXE_amqp-tui"))
        .arg("--list-profiles")
        .env("AMQP_TUI_CONFIG_DIR", dir.join("config"))
        .output()
        .expect("run amqp-tui --list-profiles");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{listed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed_names: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        names.iter().all(|name| listed_names.contains(name)),
        "{listed}"
    );
    // The scheme names each profile's protocol, and MQTT profiles list their topics.
    let line = |name: &str| {
        listed
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("local-mqtt-tls-verified ").contains("mqtts://guest@localhost:"),
        "{listed}"
    );
    assert!(
        line("local-mqtt-plain ").contains("topics test/# (QoS 1)"),
        "{listed}"
    );
    assert!(
        line("local-plain ").contains("amqp://guest@localhost:"),
        "{listed}"
    );
}
