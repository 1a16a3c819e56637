//! Merging a save with what another program wrote meanwhile: a three-way merge by profile
//! name between `base` (the file as this app last read or wrote it), `ours` (the app's
//! list) and `disk` (the file now). Pure, so every case is a cheap unit test.
//!
//! A profile only this app touched takes this app's version; one only the file's other
//! writer touched takes the file's; one both changed differently is a conflict, and nothing
//! is written. So a profile added by hand or by another instance is never dropped, and the
//! renames and deletes done here (a rename is a delete plus an add) take effect, and only
//! those.

use super::Profile;

/// What a save should write, or the names both sides changed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Merged {
    Clean {
        profiles: Vec<Profile>,
        /// Profiles whose version comes from the file: added, changed (or deleted, then
        /// not in `profiles`) by another program. For the notice.
        from_disk: Vec<String>,
    },
    Conflict(Vec<String>),
}

/// `base` and `disk` hold profiles as the file stores them; `ours` is compared in that
/// form too (see [`stored`]), so a password the file never keeps is not a change.
pub(crate) fn merge(base: &[Profile], ours: &[Profile], disk: &[Profile]) -> Merged {
    let find = |list: &[Profile], name: &str| list.iter().find(|p| p.name == name).cloned();
    let mut profiles = Vec::with_capacity(ours.len().max(disk.len()));
    let mut from_disk = Vec::new();
    let mut conflicts = Vec::new();
    for mine in ours {
        let here = Some(stored(mine));
        let before = find(base, &mine.name);
        let there = find(disk, &mine.name);
        if here == before || there == here {
            // Unchanged here (the file's version, or its deletion, wins), or both agree.
            match there {
                Some(theirs) if there != here => {
                    from_disk.push(theirs.name.clone());
                    profiles.push(theirs);
                }
                Some(_) => profiles.push(mine.clone()),
                None if before.is_some() => from_disk.push(mine.name.clone()),
                None => profiles.push(mine.clone()),
            }
        } else if there == before {
            // Changed (or added) here only.
            profiles.push(mine.clone());
        } else {
            conflicts.push(mine.name.clone());
        }
    }
    // Deleted (or renamed away) here: the delete takes effect unless the file changed it.
    for old in base {
        if ours.iter().any(|p| p.name == old.name) {
            continue;
        }
        match find(disk, &old.name) {
            Some(theirs) if theirs != *old => conflicts.push(old.name.clone()),
            _ => {}
        }
    }
    // Added elsewhere: kept, after ours, in the file's order.
    for theirs in disk {
        let known = base.iter().chain(ours).any(|p| p.name == theirs.name);
        if !known {
            from_disk.push(theirs.name.clone());
            profiles.push(theirs.clone());
        }
    }
    if conflicts.is_empty() {
        Merged::Clean {
            profiles,
            from_disk,
        }
    } else {
        Merged::Conflict(conflicts)
    }
}

/// The profile as the file keeps it: without a password it is not meant to remember.
pub(crate) fn stored(profile: &Profile) -> Profile {
    let mut stored = profile.clone();
    if !stored.remember_password {
        stored.password = None;
        stored.management_password = None;
    }
    stored
}

/// After a conflict is reported, the next save keeps this app's version: the base takes
/// the file's version of each conflicting name, so only this app's side counts as changed.
pub(crate) fn accept_disk_as_base(base: &mut Vec<Profile>, disk: &[Profile], names: &[String]) {
    base.retain(|p| !names.contains(&p.name));
    base.extend(disk.iter().filter(|p| names.contains(&p.name)).cloned());
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
