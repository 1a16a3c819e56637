//! `scripts/demo` as a new user runs it: a node of its own, three profiles that connect.

mod support;

use std::{path::Path, process::Command};

use amqp_tui::{model::ConnectForm, profile::ProfileStore, tls::Security};
use support::Session;

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
async fn the_demo_writes_three_profiles_that_connect_as_named() {
    let scratch = support::scratch_dir("demo");
    let dir = scratch.path();
    demo(dir, "--no-app");
    let _stop = Stop(dir);

    let loaded = ProfileStore::load(&dir.join("config"));
    assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
    let names: Vec<&str> = loaded.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["local-plain", "local-tls-verified", "local-tls-unverified"]
    );
    let ca = dir.join("broker/tls/ca.pem");
    let expected = [
        Security::Plain,
        Security::TlsVerified {
            ca_file: Some(ca.clone()),
        },
        Security::TlsNotVerified,
    ];
    for (profile, security) in loaded.profiles.iter().zip(expected) {
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
}
