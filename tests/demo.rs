//! `scripts/demo` as a new user runs it: a node of its own, AMQP and MQTT profiles that
//! connect.

mod support;

use std::{path::Path, process::Command};

use amqp_tui::{
    model::ConnectForm,
    profile::{Profile, ProfileStore},
    session::Protocol,
    tls::Security,
};
use support::{
    Broker, Session,
    mqtt_clients::{self, MqttTarget, Subscriber},
};

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
async fn the_demo_writes_amqp_and_mqtt_profiles_that_connect_as_named() {
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
            "local-mqtt-tls-verified"
        ]
    );
    let (amqp, mqtt): (Vec<&Profile>, Vec<&Profile>) = loaded
        .profiles
        .iter()
        .partition(|p| p.protocol == Protocol::Amqp);

    let ca = dir.join("broker/tls/ca.pem");
    let expected = [
        Security::Plain,
        Security::TlsVerified {
            ca_file: Some(ca.clone()),
        },
        Security::TlsNotVerified,
    ];
    assert_eq!(amqp.len(), expected.len());
    for (profile, security) in amqp.into_iter().zip(expected) {
        let settings = ConnectForm::from_profile(profile)
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e:?}", profile.name));
        let mut session = Session::start(settings);
        assert_eq!(
            session.connected_security().await,
            security,
            "{}",
            profile.name
        );
    }

    // Until the app speaks MQTT, mosquitto connects with each MQTT profile's settings: its
    // subscription gets what goes to its publish topic, plain and verified against the CA.
    let broker = Broker::from_env_file(&dir.join("broker/env"));
    let expected = [(broker.mqtt_port(), None), (broker.mqtts_port(), Some(ca))];
    assert_eq!(mqtt.len(), expected.len());
    for (profile, (port, ca_file)) in mqtt.into_iter().zip(expected) {
        let name = &profile.name;
        assert_eq!(
            (profile.port, profile.tls, profile.verify, &profile.ca_file),
            (port, ca_file.is_some(), true, &ca_file),
            "{name}"
        );
        assert_eq!(profile.topics, ["test/#"], "{name}");
        assert_eq!(
            (profile.qos, profile.publish_topic.as_str()),
            (1, "test/any")
        );
        let target = MqttTarget {
            host: profile.host.clone(),
            port: profile.port,
            cafile: profile.ca_file.clone(),
            user: profile.user.clone(),
            password: profile.password.clone().unwrap_or_default(),
        };
        let subscriber = Subscriber::mosquitto(&target, &profile.topics[0], profile.qos, 1).await;
        let body = format!("hello from {name}");
        mqtt_clients::mosquitto_pub(&target, &profile.publish_topic, &body, profile.qos, &[])
            .await
            .expect_success(name);
        let got = subscriber.finish().await.expect_success(name).messages();
        assert_eq!(got.len(), 1, "{name}: {got:?}");
        assert_eq!(
            (got[0].topic.as_str(), got[0].payload.as_slice()),
            ("test/any", body.as_bytes()),
            "{name}"
        );
    }

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
}
