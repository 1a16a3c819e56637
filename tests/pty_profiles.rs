//! Profiles and tabs, driven through the real binary in a pseudo-terminal.

mod support;

use std::{path::PathBuf, time::Duration};

use amqp_tui::profile::{Profile, ProfileStore};
use support::{Broker, pty::Launched, unique_routing};

const CONNECT: Duration = Duration::from_secs(20);

/// A fresh profiles directory holding `profiles`, written the way the app writes it.
fn config_with(profiles: &[Profile]) -> tempfile::TempDir {
    let dir = support::scratch_dir("profiles");
    let mut store = ProfileStore::load(dir.path()).store;
    store.save(profiles).expect("write the profiles file");
    dir
}

fn tls_profile(broker: &Broker, name: &str, tag: &str) -> Profile {
    let routing = unique_routing(tag);
    let routing_key = routing.key().to_string();
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
        routing_key,
        ..Profile::default()
    }
}

#[test]
fn a_profile_named_on_the_command_line_connects_over_tls() {
    let broker = Broker::shared();
    let profile = tls_profile(&broker, "test-tls", "pty-profile");
    let scratch = config_with(std::slice::from_ref(&profile));
    let config = scratch.path();
    let mut app = Launched::start_with_config(&["--profile", "test-tls"], config);
    let text = app.wait_for("the profile's session", CONNECT, |s| {
        s.contains(" CONNECTED ")
    });
    assert!(text.contains("TLS, server verified against"), "{text}");
    assert!(
        text.contains("1 test-tls"),
        "the tab is named after the profile:\n{text}"
    );
    assert!(text.contains(&profile.exchange[..12]), "{text}");
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[test]
fn a_profile_without_a_saved_password_asks_for_it_on_connect() {
    let broker = Broker::shared();
    let mut profile = tls_profile(&broker, "ask-me", "pty-ask");
    profile.password = None;
    profile.remember_password = false;
    let scratch = config_with(&[profile]);
    let config = scratch.path();
    let mut app = Launched::start_with_config(&["--profile", "ask-me"], config);
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
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
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
    let scratch = config_with(&[plain, tls]);
    let config = scratch.path();
    let mut app =
        Launched::start_with_config(&["--profile", "tab-plain", "--profile", "tab-tls"], config);
    let text = app.wait_for("tab 1 connected", CONNECT, |s| s.contains(" CONNECTED "));
    assert!(
        text.contains("AMQP · plain"),
        "tab 1 is the plain one:\n{text}"
    );
    app.press(b"\tfor-the-plain-tab\r"); // Tab: from the pane into the compose box
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
    app.press(b"\tfor-the-tls-tab\r");
    let text = app.wait_for("tab 2's message", CONNECT, |s| {
        s.contains("1 received") && s.contains("for-the-tls-tab")
    });
    assert!(!text.contains("for-the-plain-tab"), "{text}");

    app.press(b"\x1b1"); // Alt-1
    let text = app.wait_for("back on tab 1", CONNECT, |s| s.contains("AMQP · plain"));
    assert!(text.contains("1 received"), "{text}");
    assert!(
        !text.contains("for-the-tls-tab"),
        "tab 1 got tab 2's message:\n{text}"
    );
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
    app.assert_terminal_restored();
}

#[test]
fn a_corrupt_profiles_file_is_reported_kept_and_backed_up_on_the_next_save() {
    let scratch = config_with(&[]);
    let config = scratch.path();
    let path = config.join("profiles.toml");
    let corrupt = "version = 1\n\n[[profile]]\nname = \"prod\"\nport = \"not a number\"\n";
    std::fs::write(&path, corrupt).expect("write a corrupt file");
    let mut app = Launched::start_with_config(&[], config);
    let text = app.wait_for("the parse error", CONNECT, |s| s.contains("line 5"));
    assert!(text.contains("Profiles are unavailable"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        corrupt,
        "loading never rewrites the file"
    );

    app.press(b"\x1bOQ"); // F2: the list, with the problem at its top
    app.wait_for("the profile list", CONNECT, |s| s.contains("Profiles ·"));
    app.press(b"s");
    app.wait_for("the name prompt", CONNECT, |s| {
        s.contains("Save the form as profile")
    });
    app.press(b"fresh\r");
    let text = app.wait_for("the save notice", CONNECT, |s| s.contains("Profiles saved"));
    assert!(text.contains("was kept as"), "the backup is named:\n{text}");

    let backups: Vec<PathBuf> = std::fs::read_dir(config)
        .expect("config dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains("profiles.toml.bad-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(&backups[0]).expect("backup"),
        corrupt
    );
    let saved = ProfileStore::load(config);
    assert!(saved.problem.is_none(), "{:?}", saved.problem);
    assert_eq!(saved.profiles.len(), 1);
    assert_eq!(saved.profiles[0].name, "fresh");
    // Live sessions: the first Ctrl-C asks, the second quits.
    app.press(b"\x03\x03");
    assert!(app.exit_status(Duration::from_secs(10)).success());
}

#[test]
fn list_profiles_prints_each_profile_but_never_a_password() {
    let broker = Broker::shared();
    let mut profile = tls_profile(&broker, "listed", "list");
    profile.password = Some("hunter2-secret".into());
    let scratch = config_with(&[profile]);
    let config = scratch.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amqp-tui"))
        .arg("--list-profiles")
        .env("AMQP_TUI_CONFIG_DIR", config)
        .output()
        .expect("run amqp-tui --list-profiles");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("listed "), "{text}");
    assert!(
        text.contains(&format!(
            "amqps://guest@localhost:{}/%2F ",
            broker.tls_port()
        )),
        "{text}"
    );
    let file = std::fs::read_to_string(config.join("profiles.toml")).expect("profiles file");
    assert!(file.contains("hunter2-secret"), "remembered in the file");
    assert!(!text.contains("hunter2"), "but never printed: {text}");
}
