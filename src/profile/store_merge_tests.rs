//! Saves merged with what another program wrote to the same file meanwhile.

use std::fs;

use super::tests::{named, temp_dir};
use super::*;

fn save(dir: &Path, profiles: &[Profile]) -> SaveOutcome {
    ProfileStore::load(dir)
        .store
        .save(profiles)
        .expect("save succeeds")
}

fn load_ok(dir: &Path) -> Vec<Profile> {
    let loaded = ProfileStore::load(dir);
    assert_eq!(loaded.problem, None);
    loaded.profiles
}

fn temps_in(dir: &Path) -> usize {
    fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count()
}

/// Two stores on one file: two running instances, or the app and a hand edit.
fn two_stores(dir: &Path, start: &[Profile]) -> (ProfileStore, ProfileStore) {
    save(dir, start);
    (ProfileStore::load(dir).store, ProfileStore::load(dir).store)
}

#[test]
fn two_instances_saving_the_same_file_keep_each_others_profiles() {
    let dir = temp_dir();
    let (mut first, mut second) = two_stores(dir.path(), &[named("shared")]);
    first
        .save(&[named("shared"), named("from-first")])
        .expect("first saves");
    let outcome = second
        .save(&[named("shared"), named("from-second")])
        .expect("second saves");
    let expected = [named("shared"), named("from-second"), named("from-first")];
    assert_eq!(outcome.profiles, expected);
    assert_eq!(outcome.from_disk, ["from-first"]);
    assert_eq!(load_ok(dir.path()), expected);
    // And the first instance, saving again, keeps the second's.
    let outcome = first
        .save(&[named("shared"), named("from-first")])
        .expect("first saves again");
    assert_eq!(outcome.profiles.len(), 3, "{:?}", outcome.profiles);
}

#[test]
fn a_profile_added_by_hand_survives_a_rename_and_a_delete_here() {
    let dir = temp_dir();
    let mut store = {
        save(dir.path(), &[named("old"), named("doomed")]);
        ProfileStore::load(dir.path()).store
    };
    let path = dir.path().join("profiles.toml");
    let mut text = fs::read_to_string(&path).expect("read");
    text.push_str("\n[[profile]]\nname = \"by-hand\"\nport = 5999\n");
    fs::write(&path, text).expect("hand edit");
    let outcome = store.save(&[named("new")]).expect("save");
    let by_hand = Profile {
        port: 5999,
        ..named("by-hand")
    };
    assert_eq!(outcome.profiles, [named("new"), by_hand.clone()]);
    assert_eq!(load_ok(dir.path()), [named("new"), by_hand]);
}

#[test]
fn a_profile_changed_here_and_on_disk_is_refused_by_name() {
    let dir = temp_dir();
    let (mut first, mut second) = two_stores(dir.path(), &[named("prod")]);
    let theirs = Profile {
        port: 1111,
        ..named("prod")
    };
    first
        .save(std::slice::from_ref(&theirs))
        .expect("first saves");
    let before = fs::read(dir.path().join("profiles.toml")).expect("read");
    let ours = Profile {
        port: 2222,
        ..named("prod")
    };
    let err = second
        .save(std::slice::from_ref(&ours))
        .expect_err("a conflict");
    assert!(
        matches!(&err, ProfileError::Conflict { names, .. } if names == &["prod"]),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("profile \"prod\" was also changed"),
        "{message}"
    );
    assert!(message.contains("nothing was saved"), "{message}");
    assert_eq!(
        fs::read(dir.path().join("profiles.toml")).expect("read"),
        before,
        "nothing written"
    );
    // Saving again, having been told, keeps this instance's version.
    let outcome = second.save(std::slice::from_ref(&ours)).expect("saved");
    assert_eq!(outcome.profiles, [ours]);
}

#[test]
fn a_file_garbled_meanwhile_is_never_overwritten() {
    let dir = temp_dir();
    let (mut store, _) = two_stores(dir.path(), &[named("a")]);
    let path = dir.path().join("profiles.toml");
    let garbled = "version = 1\n[[profile]]\nname = \"a\"\nport = = 1\n";
    fs::write(&path, garbled).expect("garble");
    let err = store.save(&[named("a"), named("b")]).expect_err("refused");
    assert!(
        matches!(err, ProfileError::ChangedUnreadable { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("line 4"), "{message}");
    assert!(message.contains("nothing was saved"), "{message}");
    assert_eq!(fs::read_to_string(&path).expect("read"), garbled);
    assert!(
        fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().contains(".bad-")),
        "no backup either: the file is the user's to fix"
    );
    assert_eq!(temps_in(dir.path()), 0);
}
