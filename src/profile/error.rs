//! What can go wrong with profiles, worded for the user: every message names the file or
//! the profile and says what to do. None of them ever contains a password.

use std::path::PathBuf;

use crate::text::visible;

/// The environment variable that overrides where `profiles.toml` lives.
pub const CONFIG_DIR_ENV: &str = "AMQP_TUI_CONFIG_DIR";

// Clone + Eq (io errors kept as text) so the error can travel inside actions and events
// and be compared in `update` tests.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The file is not valid TOML, has an unknown key, a wrong type, or a bad or repeated
    /// profile name. `line` and `column` count from 1.
    #[error(
        "{} line {line}, column {column}: {message} — fix the file or save a profile to start \
         a new one (the bad file will be kept as a backup)",
        path.display()
    )]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: file format version {found} is not one this amqp-tui reads (it reads version \
         {supported}) — upgrade amqp-tui, or save a profile to start a new file (the old one \
         will be kept as a backup)",
        path.display()
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// `action` is one of "read", "write", "rename", "create directory".
    #[error("could not {action} {}: {detail} — {}", path.display(), io_advice(action))]
    Io {
        path: PathBuf,
        action: &'static str,
        detail: String,
    },
    /// The list cannot be written as TOML (a path that is not valid UTF-8, for instance).
    #[error("could not save the profiles: {detail}")]
    Encode { detail: String },
    /// The file could be read when loaded but not at save time: another program broke it
    /// (or its permissions) meanwhile. Nothing is written over it.
    #[error(
        "{} was changed outside amqp-tui and can no longer be read ({problem}) — nothing was \
         saved, the file was left as it is: fix it, then save again",
        path.display()
    )]
    ChangedUnreadable { path: PathBuf, problem: String },
    /// Profiles changed both here and in the file by another program since it was read.
    #[error(
        "{} {} also changed in {} by another program since amqp-tui read it — nothing was \
         saved: save again to replace the file's version with this one, or quit and merge by \
         hand",
        quoted_names(names),
        if names.len() == 1 { "was" } else { "were" },
        path.display()
    )]
    Conflict { path: PathBuf, names: Vec<String> },
    #[error("profile name \"{}\" {reason}: choose another name", visible(name))]
    InvalidName { name: String, reason: &'static str },
    #[error(
        "a profile named \"{}\" already exists: choose another name",
        visible(name)
    )]
    DuplicateName { name: String },
    #[error("there is no profile named \"{}\"", visible(name))]
    NotFound { name: String },
    #[error(
        "cannot find a config directory because HOME is not set — set {CONFIG_DIR_ENV} to the \
         directory that should hold profiles.toml"
    )]
    NoConfigDir,
}

impl ProfileError {
    pub(crate) fn io(path: impl Into<PathBuf>, action: &'static str, err: &std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            action,
            detail: err.to_string(),
        }
    }
}

fn quoted_names(names: &[String]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| format!("\"{}\"", visible(n)))
        .collect();
    let kind = if names.len() == 1 {
        "profile"
    } else {
        "profiles"
    };
    format!("{kind} {}", quoted.join(", "))
}

fn io_advice(action: &str) -> String {
    match action {
        "read" => "check the file's permissions".into(),
        _ => format!(
            "check that the directory is writable, or set {CONFIG_DIR_ENV} to another directory"
        ),
    }
}
