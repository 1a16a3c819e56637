//! Name rules and the list edits `update` makes before it asks the app to save. Pure: no
//! I/O, so every rule is checked in unit tests and the UI can show the error at once.

use super::{Profile, ProfileError};
use crate::text::is_unsafe;

/// Long enough for `prod-eu-west-1-tls-client-cert`, short enough for a list column.
pub const MAX_NAME_CHARS: usize = 64;

/// A name must be non-empty after trimming, at most [`MAX_NAME_CHARS`] characters, and
/// free of control and invisible characters (they would be unreadable in the list).
pub fn validate_name(name: &str) -> Result<(), ProfileError> {
    let reason = if name.trim().is_empty() {
        "is empty"
    } else if name.chars().count() > MAX_NAME_CHARS {
        "is longer than 64 characters"
    } else if name.chars().any(is_unsafe) {
        "contains a control or invisible character"
    } else {
        return Ok(());
    };
    Err(ProfileError::InvalidName {
        name: name.into(),
        reason,
    })
}

/// Replaces the profile with the same name, or appends it.
pub fn upsert(profiles: &mut Vec<Profile>, profile: Profile) -> Result<(), ProfileError> {
    validate_name(&profile.name)?;
    match profiles.iter_mut().find(|p| p.name == profile.name) {
        Some(existing) => *existing = profile,
        None => profiles.push(profile),
    }
    Ok(())
}

/// Renames `old` to `new` in place; renaming to the same name is a no-op.
pub fn rename(profiles: &mut [Profile], old: &str, new: &str) -> Result<(), ProfileError> {
    let index = position(profiles, old)?;
    if old == new {
        return Ok(());
    }
    check_new_name(profiles, new)?;
    profiles[index].name = new.into();
    Ok(())
}

/// Copies `source` under the name `new`, right after the original.
pub fn duplicate(profiles: &mut Vec<Profile>, source: &str, new: &str) -> Result<(), ProfileError> {
    let index = position(profiles, source)?;
    check_new_name(profiles, new)?;
    let copy = Profile {
        name: new.into(),
        ..profiles[index].clone()
    };
    profiles.insert(index + 1, copy);
    Ok(())
}

/// Removes the profile and returns it (so the UI can offer to undo).
pub fn delete(profiles: &mut Vec<Profile>, name: &str) -> Result<Profile, ProfileError> {
    let index = position(profiles, name)?;
    Ok(profiles.remove(index))
}

fn position(profiles: &[Profile], name: &str) -> Result<usize, ProfileError> {
    profiles
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| ProfileError::NotFound { name: name.into() })
}

fn check_new_name(profiles: &[Profile], new: &str) -> Result<(), ProfileError> {
    validate_name(new)?;
    if profiles.iter().any(|p| p.name == new) {
        return Err(ProfileError::DuplicateName { name: new.into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Profile {
        Profile {
            name: name.into(),
            ..Profile::default()
        }
    }

    fn names(profiles: &[Profile]) -> Vec<&str> {
        profiles.iter().map(|p| p.name.as_str()).collect()
    }

    fn invalid_reason(name: &str) -> &'static str {
        match validate_name(name) {
            Err(ProfileError::InvalidName { reason, .. }) => reason,
            other => panic!("{name:?} should be invalid, got {other:?}"),
        }
    }

    #[test]
    fn name_rules() {
        assert_eq!(invalid_reason(""), "is empty");
        assert_eq!(invalid_reason("  \t "), "is empty");
        assert_eq!(
            invalid_reason("a\x1b[31mred"),
            "contains a control or invisible character"
        );
        assert_eq!(
            invalid_reason("a\nb"),
            "contains a control or invisible character"
        );
        assert_eq!(
            invalid_reason("rlo\u{202e}"),
            "contains a control or invisible character"
        );
        assert_eq!(
            invalid_reason(&"x".repeat(65)),
            "is longer than 64 characters"
        );
        assert_eq!(
            validate_name(&"é".repeat(64)),
            Ok(()),
            "64 characters, not bytes"
        );
        assert_eq!(validate_name("prod eu (tls) ✓"), Ok(()));
    }

    #[test]
    fn an_invalid_name_is_shown_safely_in_the_message() {
        let err = validate_name("evil\x1b[2J").expect_err("control character");
        let message = err.to_string();
        assert!(!message.contains('\x1b'), "{message:?}");
        assert!(message.contains("evil\\e[2J"), "{message}");
    }

    #[test]
    fn upsert_replaces_by_name_or_appends() {
        let mut profiles = vec![named("a"), named("b")];
        let changed = Profile {
            port: 1234,
            ..named("a")
        };
        assert_eq!(upsert(&mut profiles, changed.clone()), Ok(()));
        assert_eq!(profiles[0], changed);
        assert_eq!(upsert(&mut profiles, named("c")), Ok(()));
        assert_eq!(names(&profiles), ["a", "b", "c"]);
        assert!(matches!(
            upsert(&mut profiles, named(" ")),
            Err(ProfileError::InvalidName { .. })
        ));
        assert_eq!(profiles.len(), 3);
    }

    #[test]
    fn names_are_case_sensitive() {
        let mut profiles = vec![named("Prod")];
        assert_eq!(upsert(&mut profiles, named("prod")), Ok(()));
        assert_eq!(names(&profiles), ["Prod", "prod"]);
    }

    #[test]
    fn rename_rules() {
        let mut profiles = vec![named("a"), named("b")];
        assert_eq!(
            rename(&mut profiles, "a", "b"),
            Err(ProfileError::DuplicateName { name: "b".into() })
        );
        assert_eq!(
            rename(&mut profiles, "zz", "c"),
            Err(ProfileError::NotFound { name: "zz".into() })
        );
        assert!(matches!(
            rename(&mut profiles, "a", ""),
            Err(ProfileError::InvalidName { .. })
        ));
        assert_eq!(
            names(&profiles),
            ["a", "b"],
            "failed renames change nothing"
        );
        assert_eq!(rename(&mut profiles, "a", "a"), Ok(()));
        assert_eq!(rename(&mut profiles, "a", "c"), Ok(()));
        assert_eq!(names(&profiles), ["c", "b"], "the order is kept");
    }

    #[test]
    fn duplicate_rules() {
        let source = Profile {
            port: 5671,
            tls: true,
            ..named("a")
        };
        let mut profiles = vec![source.clone(), named("b")];
        assert_eq!(
            duplicate(&mut profiles, "a", "b"),
            Err(ProfileError::DuplicateName { name: "b".into() })
        );
        assert_eq!(
            duplicate(&mut profiles, "nope", "c"),
            Err(ProfileError::NotFound {
                name: "nope".into()
            })
        );
        assert!(matches!(
            duplicate(&mut profiles, "a", "bad\x07"),
            Err(ProfileError::InvalidName { .. })
        ));
        assert_eq!(duplicate(&mut profiles, "a", "a2"), Ok(()));
        assert_eq!(names(&profiles), ["a", "a2", "b"]);
        assert_eq!(
            profiles[1],
            Profile {
                name: "a2".into(),
                ..source
            }
        );
    }

    #[test]
    fn delete_rules() {
        let mut profiles = vec![named("a"), named("b")];
        assert_eq!(
            delete(&mut profiles, "c"),
            Err(ProfileError::NotFound { name: "c".into() })
        );
        assert_eq!(delete(&mut profiles, "a"), Ok(named("a")));
        assert_eq!(names(&profiles), ["b"]);
    }
}
