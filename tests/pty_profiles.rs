//! Profiles and tabs, driven through the real binary in a pseudo-terminal.

mod support;

use std::{path::PathBuf, time::Duration};

use amqp_tui::profile::{Profile, ProfileStore};
use support::{Broker, pty::Launched, unique_routing, unique_suffix};

const CONNECT: Duration = Duration::from_secs(20);

/// A fresh profiles directory holding `profiles`, written the way the app writes it.
fn config_with(profiles: &[Profile]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "amqp-tui-profiles-{}-{}",
        std::process::id(),
        unique_suffix()
    ));
    let mut store = ProfileStore::load(&dir).store;
    store.save(profiles).expect("write the profiles file");
    dir
}

fn tls_profile(broker: &Broker, name: &str, tag: &str) -> Profile {
    let routing = unique_routing(tag);
    Profile {
        name: name.into(),
        host: "localhost".into(),
        port: broker.tls_port(),
        password: Some("guest".into()),
        remember_password: true,
        tls: true,
        verify: true,
        ca_file: Some(broker.ca()),
        exchange: routing.exchange,
        routing_key: routing.binding_key,
        ..Profile::default()
    }
}

#[test]
fn a_profile_named_on_the_command_line_connects_over_tls() {
    let broker = Broker::shared();
    let profile = tls_profile(&broker, "test-tls", "pty-profile");
    let config = config_with(std::slice::from_ref(&profile));
    let mut app = Launched::start_with_config(&["--profile", "test-tls"], &config);
    let text = app.wait_for("the profile's session", CONNECT, |s| {
        s.contains(" CONNECTED ")
    });
    assert!(text.contains("TLS, server verified against"), "{text}");
    assert!(
        text.contains("1 test-tls"),
        "the tab is named after the profile:\n{text}"
    );
    assert!(text.contains(&profile.exchange[..12]), "{text}");
    app.press(b"\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[test]
fn a_profile_without_a_saved_password_asks_for_it_on_connect() {
    let broker = Broker::shared();
    let mut profile = tls_profile(&broker, "ask-me", "pty-ask");
    profile.password = None;
    profile.remember_password = false;
    let config = config_with(&[profile]);
    let mut app = Launched::start_with_config(&["--profile", "ask-me"], &config);
    app.wait_for("the password prompt", CONNECT, |s| {
        s.contains("Password for profile ask-me")
    });
    app.press(b"guest\r");
    let text = app.wait_for("the session", CONNECT, |s| s.contains(" CONNECTED "));
    assert!(
        !text.contains("guest\r") && !text.contains("•••••"),
        "{text}"
    );
    let file = std::fs::read_to_string(config.join("profiles.toml")).expect("profiles file");
    assert!(
        !file.lines().any(|l| l.trim_start().starts_with("password")),
        "typed, never written:\n{file}"
    );
    app.press(b"\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[test]
fn two_tabs_plain_and_tls_each_receive_only_their_own_messages() {
    let broker = Broker::shared();
    // One exchange, two keys: only the binding keeps the tabs' messages apart.
    let tls = tls_profile(&broker, "tab-tls", "pty-tabs");
    let plain = Profile {
        name: "tab-plain".into(),
        host: "127.0.0.1".into(),
        port: broker.port(),
        tls: false,
        ca_file: None,
        routing_key: format!("{}-plain", tls.routing_key),
        ..tls.clone()
    };
    let config = config_with(&[plain, tls]);
    let mut app =
        Launched::start_with_config(&["--profile", "tab-plain", "--profile", "tab-tls"], &config);
    let text = app.wait_for("tab 1 connected", CONNECT, |s| s.contains(" CONNECTED "));
    assert!(
        text.contains("plain AMQP"),
        "tab 1 is the plain one:\n{text}"
    );
    app.press(b"for-the-plain-tab\r");
    app.wait_for("tab 1's message", CONNECT, |s| {
        s.contains("1 received") && s.contains("for-the-plain-tab")
    });

    app.press(b"\x1b2"); // Alt-2
    let text = app.wait_for("tab 2 connected", CONNECT, |s| {
        s.contains(" CONNECTED ") && s.contains("TLS, server verified")
    });
    assert!(
        text.contains("0 received"),
        "tab 2 got tab 1's message:\n{text}"
    );
    app.press(b"for-the-tls-tab\r");
    let text = app.wait_for("tab 2's message", CONNECT, |s| {
        s.contains("1 received") && s.contains("for-the-tls-tab")
    });
    assert!(!text.contains("for-the-plain-tab"), "{text}");

    app.press(b"\x1b1"); // Alt-1
    let text = app.wait_for("back on tab 1", CONNECT, |s| s.contains("plain AMQP"));
    assert!(text.contains("1 received"), "{text}");
    assert!(
        !text.contains("for-the-tls-tab"),
        "tab 1 got tab 2's message:\n{text}"
    );
    app.press(b"\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
    app.assert_terminal_restored();
}
