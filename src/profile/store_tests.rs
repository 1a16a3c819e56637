use std::{fs::File, os::unix::fs::PermissionsExt};

use super::*;
use crate::amqp::ExchangeType;

pub(super) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub(super) fn named(name: &str) -> Profile {
    Profile {
        name: name.into(),
        ..Profile::default()
    }
}

/// Every field differs from `Profile::default()`.
fn everything_set() -> Profile {
    Profile {
        name: "prod eu ✓".into(),
        protocol: crate::session::Protocol::Mqtt,
        host: "rabbit.example.com".into(),
        port: 5671,
        failover: vec![crate::session::Endpoint::new("rabbit-2.example.com", 5681)],
        shuffle: true,
        vhost: "orders".into(),
        user: "operator".into(),
        password: Some("p\"a=ss'wörd#1".into()),
        remember_password: true,
        password_env: Some("PROD_AMQP_PASSWORD".into()),
        tls: true,
        verify: false,
        ca_file: Some(PathBuf::from("/etc/ssl/ca bundle.pem")),
        client_cert: Some(PathBuf::from("certs/client.pem")),
        client_key: Some(PathBuf::from("certs/client.key")),
        heartbeat: 5,
        prefetch: 10,
        exchange: "orders.events".into(),
        exchange_type: ExchangeType::Headers,
        queue: "audit".into(),
        routing_key: "order.*".into(),
        source: crate::amqp::Source::Queue,
        ack: crate::amqp::AckMode::Peek,
        client_id: "sensor-7 ✓".into(),
        clean_session: false,
        topics: vec!["plant/+/temp".into(), "alarms/#".into()],
        qos: 0,
        publish_topic: "plant/7/cmd".into(),
        destinations: vec!["/topic/plant.*.temp".into(), "/queue/alarms".into()],
        stomp_ack: crate::stomp::AckMode::ClientIndividual,
        publish_destination: "/exchange/plant/7.cmd".into(),
        ws_path: "/ws-behind-proxy".into(),
        management_url: "https://mgmt.example.com:15671".into(),
        management_user: "monitor ✓".into(),
        management_password: Some("m\"gmt=pw".into()),
    }
}

fn load_ok(dir: &Path) -> Vec<Profile> {
    let loaded = ProfileStore::load(dir);
    assert_eq!(loaded.problem, None);
    loaded.profiles
}

fn save(dir: &Path, profiles: &[Profile]) -> SaveOutcome {
    ProfileStore::load(dir)
        .store
        .save(profiles)
        .expect("save succeeds")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn temps_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp-"))
        .collect()
}

#[test]
fn every_field_round_trips_through_the_file() {
    let dir = temp_dir();
    let profiles = vec![everything_set(), named("second")];
    assert_ne!(
        profiles[0],
        Profile {
            name: "prod eu ✓".into(),
            ..Profile::default()
        }
    );
    let outcome = save(dir.path(), &profiles);
    assert_eq!(outcome.path, dir.path().join("profiles.toml"));
    assert_eq!(outcome.backed_up, None);
    assert_eq!(load_ok(dir.path()), profiles);
}

#[test]
fn an_unremembered_password_never_reaches_the_file() {
    let dir = temp_dir();
    let profile = Profile {
        password: Some("do-not-store-me".into()),
        remember_password: false,
        ..everything_set()
    };
    let outcome = save(dir.path(), std::slice::from_ref(&profile));
    let bytes = fs::read_to_string(&outcome.path).expect("read back");
    assert!(!bytes.contains("do-not-store-me"), "{bytes}");
    assert!(
        !bytes.lines().any(|l| l.starts_with("password ")),
        "{bytes}"
    );
    let loaded = load_ok(dir.path());
    assert_eq!(
        loaded,
        [Profile {
            password: None,
            management_password: None,
            ..profile
        }]
    );
}

#[test]
fn a_created_directory_is_0700_and_the_file_0600() {
    let root = temp_dir();
    let dir = root.path().join("config").join("amqp-tui");
    let outcome = save(&dir, &[everything_set()]);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&root.path().join("config")), 0o700);
    assert_eq!(mode(&outcome.path), 0o600);
}

#[test]
fn overwriting_a_world_readable_file_makes_it_0600() {
    let dir = temp_dir();
    let path = dir.path().join("profiles.toml");
    fs::write(&path, "version = 1\n").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    save(dir.path(), &[everything_set()]);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_crash_mid_write_leaves_the_old_file() {
    let dir = temp_dir();
    let old = vec![named("old")];
    let outcome = save(dir.path(), &old);
    let old_bytes = fs::read(&outcome.path).expect("read");

    // The crash: a new version half written to the temp file, never committed.
    let new_text = encode(&[named("new"), everything_set()]).expect("encode");
    let half = &new_text.as_bytes()[..new_text.len() / 2];
    let temp = write_temp(dir.path(), half).expect("temp written");
    assert!(temp.exists());

    assert_eq!(fs::read(&outcome.path).expect("read"), old_bytes);
    assert_eq!(load_ok(dir.path()), old, "load ignores the stray temp");

    let new = vec![named("new")];
    save(dir.path(), &new);
    assert_eq!(load_ok(dir.path()), new);
}

#[test]
fn stale_temps_are_removed_and_fresh_ones_left_alone() {
    let dir = temp_dir();
    let stale = write_temp(dir.path(), b"stale").expect("temp");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&stale)
        .and_then(|f| f.set_modified(hour_ago))
        .expect("age the temp");
    // Possibly another instance's save in progress.
    let fresh = write_temp(dir.path(), b"fresh").expect("temp");
    save(dir.path(), &[named("a")]);
    assert!(!stale.exists());
    assert!(fresh.exists());
}

#[test]
fn a_failed_commit_removes_the_temp_and_keeps_the_target() {
    let dir = temp_dir();
    // A directory cannot be replaced by a file, so the rename fails.
    let target = dir.path().join("profiles.toml");
    fs::create_dir(&target).expect("mkdir");
    fs::write(target.join("keep"), "x").expect("write");
    let temp = write_temp(dir.path(), b"version = 1\n").expect("temp");
    let err = commit(&temp, &target).expect_err("rename onto a directory");
    assert!(
        matches!(
            err,
            ProfileError::Io {
                action: "rename",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("profiles.toml"), "{err}");
    assert!(!temp.exists());
    assert!(temps_in(dir.path()).is_empty());
    assert!(target.join("keep").exists());
}

#[test]
fn a_missing_file_means_no_profiles() {
    let dir = temp_dir();
    let loaded = ProfileStore::load(&dir.path().join("absent"));
    assert_eq!(loaded.problem, None);
    assert!(loaded.profiles.is_empty());
    assert_eq!(loaded.store.path(), dir.path().join("absent/profiles.toml"));
}

#[test]
fn a_corrupt_file_is_reported_then_kept_as_a_backup() {
    let dir = temp_dir();
    let path = dir.path().join("profiles.toml");
    let corrupt =
        "version = 1\n\n[[profile]]\nname = \"a\"\nhost = \"h\"\nport = 5672\nport = = 1\n";
    fs::write(&path, corrupt).expect("write");

    let Loaded {
        mut store,
        profiles,
        problem,
    } = ProfileStore::load(dir.path());
    assert!(profiles.is_empty());
    match problem {
        Some(ProfileError::Parse { line, path: p, .. }) => {
            assert_eq!(line, 7);
            assert_eq!(p, path);
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        corrupt,
        "load changes nothing"
    );

    let new = vec![named("fresh")];
    let outcome = store.save(&new).expect("save");
    let backup = outcome.backed_up.expect("the corrupt file was moved aside");
    let backup_name = backup
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        backup_name.starts_with("profiles.toml.bad-"),
        "{backup_name}"
    );
    assert_eq!(backup.parent(), Some(dir.path()));
    assert_eq!(fs::read_to_string(&backup).expect("read backup"), corrupt);
    assert_eq!(load_ok(dir.path()), new);

    // The bad file is safe now: later saves simply replace the good one.
    let again = store.save(&[named("again")]).expect("save");
    assert_eq!(again.backed_up, None);
}

#[test]
fn backups_never_overwrite_each_other() {
    let dir = temp_dir();
    let path = dir.path().join("profiles.toml");
    fs::write(&path, "first").expect("write");
    let first = back_up(&path, "20250101T000000")
        .expect("backup")
        .expect("moved");
    fs::write(&path, "second").expect("write");
    let second = back_up(&path, "20250101T000000")
        .expect("backup")
        .expect("moved");
    assert_eq!(first, dir.path().join("profiles.toml.bad-20250101T000000"));
    assert_eq!(
        second,
        dir.path().join("profiles.toml.bad-20250101T000000-2")
    );
    assert_eq!(fs::read_to_string(first).expect("read"), "first");
    assert_eq!(fs::read_to_string(second).expect("read"), "second");
    assert_eq!(back_up(&path, "x"), Ok(None), "nothing left to move");
}

#[test]
fn an_unreadable_file_is_reported_and_not_overwritten_blindly() {
    let dir = temp_dir();
    // Reading a directory fails even as root, unlike a chmod 000 file.
    fs::create_dir(dir.path().join("profiles.toml")).expect("mkdir");
    let mut loaded = ProfileStore::load(dir.path());
    assert!(
        matches!(
            loaded.problem,
            Some(ProfileError::Io { action: "read", .. })
        ),
        "{:?}",
        loaded.problem
    );
    let outcome = loaded.store.save(&[named("a")]).expect("save");
    assert!(outcome.backed_up.is_some_and(|b| b.is_dir()));
    assert_eq!(load_ok(dir.path()), [named("a")]);
}

#[test]
fn not_utf8_is_a_parse_error_with_a_line() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("profiles.toml"),
        b"version = 1\n# caf\xe9\n",
    )
    .expect("write");
    let loaded = ProfileStore::load(dir.path());
    assert!(
        matches!(loaded.problem, Some(ProfileError::Parse { line: 2, .. })),
        "{:?}",
        loaded.problem
    );
}

#[test]
fn saving_invalid_names_writes_nothing() {
    let dir = temp_dir();
    let outcome = save(dir.path(), &[named("a")]);
    let before = fs::read(&outcome.path).expect("read");
    let mut store = ProfileStore::load(dir.path()).store;
    assert_eq!(
        store.save(&[named("b"), named("b")]),
        Err(ProfileError::DuplicateName { name: "b".into() })
    );
    assert_eq!(fs::read(&outcome.path).expect("read"), before);
    assert!(temps_in(dir.path()).is_empty());
}
