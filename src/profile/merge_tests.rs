use super::*;

fn named(name: &str) -> Profile {
    Profile {
        name: name.into(),
        ..Profile::default()
    }
}

fn on_port(name: &str, port: u16) -> Profile {
    Profile {
        port,
        ..named(name)
    }
}

fn clean(merged: Merged) -> (Vec<Profile>, Vec<String>) {
    match merged {
        Merged::Clean {
            profiles,
            from_disk,
        } => (profiles, from_disk),
        Merged::Conflict(names) => panic!("unexpected conflict on {names:?}"),
    }
}

#[test]
fn a_profile_added_elsewhere_is_kept_after_ours() {
    let base = [named("a")];
    let ours = [named("a"), named("mine")];
    let disk = [named("a"), named("theirs")];
    let (profiles, from_disk) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, [named("a"), named("mine"), named("theirs")]);
    assert_eq!(from_disk, ["theirs"]);
}

#[test]
fn a_change_made_elsewhere_wins_over_a_profile_untouched_here() {
    let base = [named("a"), named("b")];
    let ours = [named("a"), on_port("b", 1)];
    let disk = [on_port("a", 2), named("b")];
    let (profiles, from_disk) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, [on_port("a", 2), on_port("b", 1)]);
    assert_eq!(from_disk, ["a"]);
}

#[test]
fn renames_and_deletes_made_here_take_effect_and_only_those() {
    let base = [named("old"), named("gone"), named("kept")];
    // "old" renamed to "new", "gone" deleted, here; "extra" added elsewhere.
    let ours = [named("new"), named("kept")];
    let disk = [named("old"), named("gone"), named("kept"), named("extra")];
    let (profiles, _) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, [named("new"), named("kept"), named("extra")]);
}

#[test]
fn a_delete_made_elsewhere_takes_effect_for_a_profile_untouched_here() {
    let base = [named("a"), named("b")];
    let ours = [named("a"), named("b")];
    let disk = [named("b")];
    let (profiles, from_disk) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, [named("b")]);
    assert_eq!(from_disk, ["a"]);
}

#[test]
fn changes_on_both_sides_are_named_as_conflicts() {
    let base = [named("both"), named("deleted-here"), named("deleted-there")];
    let ours = [
        on_port("both", 1),
        on_port("deleted-there", 1),
        on_port("new", 1),
    ];
    let disk = [
        on_port("both", 2),
        on_port("deleted-here", 2),
        on_port("new", 2),
    ];
    assert_eq!(
        merge(&base, &ours, &disk),
        Merged::Conflict(vec![
            "both".into(),
            "deleted-there".into(),
            "new".into(),
            "deleted-here".into()
        ])
    );
}

#[test]
fn the_same_change_on_both_sides_is_no_conflict() {
    let base = [named("a")];
    let ours = [on_port("a", 1), named("b")];
    let disk = [on_port("a", 1), named("b")];
    let (profiles, from_disk) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, ours);
    assert!(from_disk.is_empty());
}

#[test]
fn an_unremembered_password_held_here_is_not_a_change() {
    let base = [named("a")];
    let ours = [Profile {
        password: Some("typed".into()),
        ..named("a")
    }];
    let disk = [on_port("a", 2)];
    let (profiles, _) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, disk);
}

#[test]
fn after_a_conflict_the_next_save_keeps_this_apps_version() {
    let mut base = vec![named("a"), named("b")];
    let ours = [on_port("a", 1)];
    let disk = [on_port("a", 2), on_port("b", 2)];
    let Merged::Conflict(names) = merge(&base, &ours, &disk) else {
        panic!("a conflict");
    };
    assert_eq!(names, ["a", "b"]);
    accept_disk_as_base(&mut base, &disk, &names);
    let (profiles, _) = clean(merge(&base, &ours, &disk));
    assert_eq!(profiles, [on_port("a", 1)]);
}
