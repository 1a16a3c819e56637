//! The text of `profiles.toml`: turning a list into TOML and back, with errors that point
//! at a line. Pure, so every malformed-file case is a cheap unit test.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Profile, ProfileError, merge::stored, validate_name};
use crate::text::visible;

pub const FILE_NAME: &str = "profiles.toml";
/// Bumped only for changes an older amqp-tui would misread; it then refuses the file.
pub const FORMAT_VERSION: u32 = 1;

const HEADER: &str = "# amqp-tui connection profiles. Passwords are stored only for profiles \
                      with remember_password = true.\n";

#[derive(Serialize)]
struct FileOut {
    version: u32,
    // An array of tables keeps the user's order and allows any name, unlike a table keyed
    // by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    profile: Vec<Profile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    // A hand-written file without a version is read as the current one.
    #[serde(default = "format_version")]
    version: u32,
    #[serde(default)]
    profile: Vec<Profile>,
}

fn format_version() -> u32 {
    FORMAT_VERSION
}

/// Only where each profile's name sits in the text, to point errors at a line.
#[derive(Deserialize)]
struct NamePositions {
    #[serde(default)]
    profile: Vec<Spanned<NamePosition>>,
}

#[derive(Deserialize)]
struct NamePosition {
    name: Option<Spanned<String>>,
}

/// The whole file, ready to write. Passwords of profiles without `remember_password` are
/// dropped here, whatever the caller left in them.
pub(crate) fn encode(profiles: &[Profile]) -> Result<String, ProfileError> {
    for (i, profile) in profiles.iter().enumerate() {
        validate_name(&profile.name)?;
        if profiles[..i].iter().any(|p| p.name == profile.name) {
            return Err(ProfileError::DuplicateName {
                name: profile.name.clone(),
            });
        }
    }
    let file = FileOut {
        version: FORMAT_VERSION,
        profile: profiles.iter().map(stored).collect(),
    };
    let body = toml::to_string(&file).map_err(|err| ProfileError::Encode {
        detail: err.to_string(),
    })?;
    Ok(format!("{HEADER}{body}"))
}

/// Parses and checks the file; `path` is only for the messages.
pub(crate) fn decode(path: &Path, text: &str) -> Result<Vec<Profile>, ProfileError> {
    let file: FileIn = toml::from_str(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        parse_error(path, text, offset, err.message())
    })?;
    if file.version != FORMAT_VERSION {
        return Err(ProfileError::UnsupportedVersion {
            path: path.into(),
            found: file.version,
            supported: FORMAT_VERSION,
        });
    }
    check_loaded_names(path, text, &file.profile)?;
    Ok(file.profile)
}

/// Like [`decode`], for the raw bytes of the file.
pub(crate) fn decode_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<Profile>, ProfileError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => decode(path, text),
        Err(err) => {
            let valid = String::from_utf8_lossy(&bytes[..err.valid_up_to()]);
            Err(parse_error(
                path,
                &valid,
                valid.len(),
                "the file is not valid UTF-8 text",
            ))
        }
    }
}

fn check_loaded_names(path: &Path, text: &str, profiles: &[Profile]) -> Result<(), ProfileError> {
    for (i, profile) in profiles.iter().enumerate() {
        let problem = if profile.name.is_empty() {
            "this profile has no name: add name = \"...\"".to_string()
        } else if let Err(ProfileError::InvalidName { reason, .. }) = validate_name(&profile.name) {
            format!("profile name \"{}\" {reason}", visible(&profile.name))
        } else if let Some(first) = profiles[..i].iter().position(|p| p.name == profile.name) {
            let (first_line, _) = line_column(text, name_offset(text, first));
            format!(
                "duplicate profile name \"{}\" (first used on line {first_line}): names must be \
                 unique",
                visible(&profile.name)
            )
        } else {
            continue;
        };
        return Err(parse_error(path, text, name_offset(text, i), &problem));
    }
    Ok(())
}

/// Where the name of the `index`th profile starts, or its table when it has no name. Only
/// computed on the error path, so a good file is parsed once.
fn name_offset(text: &str, index: usize) -> usize {
    let Ok(positions) = toml::from_str::<NamePositions>(text) else {
        return 0;
    };
    positions.profile.get(index).map_or(0, |table| {
        table
            .get_ref()
            .name
            .as_ref()
            .map_or(table.span().start, |name| name.span().start)
    })
}

fn parse_error(path: &Path, text: &str, offset: usize, message: &str) -> ProfileError {
    let (line, column) = line_column(text, offset);
    // A type error echoes the value it rejected, and on the password line that value may be
    // the password itself: messages must never carry it.
    let message = if key_on_line(text, line) == Some("password") {
        "the value of `password` is not valid: it must be a quoted string (the value is not \
         shown here)"
            .to_string()
    } else {
        message.to_string()
    };
    ProfileError::Parse {
        path: path.into(),
        line,
        column,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn key_on_line(text: &str, line: usize) -> Option<&str> {
    let (key, _) = text.lines().nth(line.checked_sub(1)?)?.split_once('=')?;
    Some(key.trim().trim_matches(['"', '\'']))
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
