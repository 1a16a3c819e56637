//! A password typed in `--uri` is readable by every local user in `ps` and
//! `/proc/PID/cmdline` for as long as the app runs. Before anything else, `main` hands it
//! over: the process execs itself with the password cut out of its arguments and carried
//! in an environment variable, which only the same user (and root) can read, and which the
//! new process removes from its environment before any thread starts.
//!
//! The window between the shell's exec and ours, and the shell history, remain: the user
//! is warned and told how to avoid both.

use std::{
    ffi::{OsStr, OsString},
    os::unix::process::CommandExt,
    process::Command,
};

use crate::session::uri::{put_password, take_password};

/// Carries the password across the exec. Its presence also marks the new process, so it
/// never execs again.
pub const HANDOVER_ENV: &str = "AMQP_TUI_URI_PASSWORD";

/// What became of a password on the command line.
#[derive(Clone, PartialEq, Eq)]
pub enum Origin {
    /// None there (`AMQP_URL`, a prompt, a profile, or no password at all).
    NotOnCommandLine,
    /// It was there and is gone from our arguments; this is it, still percent-encoded.
    HandedOver(String),
    /// It is still in our arguments: the exec failed, for this reason.
    StillOnCommandLine(String),
}

// By hand: the derived form would print the password.
impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotOnCommandLine => f.write_str("NotOnCommandLine"),
            Self::HandedOver(_) => f.write_str("HandedOver(<redacted>)"),
            Self::StillOnCommandLine(why) => write!(f, "StillOnCommandLine({why:?})"),
        }
    }
}

impl Origin {
    /// Whether the user must be told the password was on the command line.
    pub fn warn(&self) -> bool {
        !matches!(self, Self::NotOnCommandLine)
    }

    /// Puts a handed-over password back into the `--uri` value it was cut from.
    pub fn restore(&self, uri: &mut Option<String>) {
        if let (Self::HandedOver(password), Some(value)) = (self, uri.as_mut())
            && let Some(restored) = put_password(value, password)
        {
            *value = restored;
        }
    }

    /// For the notice line: what happened, and what to do next time.
    pub fn warning(&self) -> Option<String> {
        let advice = "Next time start with AMQP_URL=amqp://user:password@host/ in the environment, or leave the password out of --uri to be asked for it.";
        match self {
            Self::NotOnCommandLine => None,
            Self::HandedOver(_) => Some(format!(
                "The password in --uri was briefly visible to other local users (ps) and is in your shell history; it is now hidden from ps. {advice}"
            )),
            Self::StillOnCommandLine(why) => Some(format!(
                "The password in --uri is visible to other local users (ps) while amqp-tui runs ({why}) and is in your shell history. {advice}"
            )),
        }
    }
}

/// Call first in `main`, while the process has one thread: it may exec, and it edits the
/// environment, which is only sound with no other thread to read it.
pub fn hide_from_ps() -> Origin {
    if let Some(password) = std::env::var_os(HANDOVER_ENV) {
        // SAFETY: called first in main, before the runtime, logging or any other thread
        // exists, so nothing can read the environment concurrently.
        unsafe { std::env::remove_var(HANDOVER_ENV) };
        keep_name();
        return match password.into_string() {
            Ok(password) => Origin::HandedOver(password),
            Err(_) => Origin::NotOnCommandLine,
        };
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some((args, password)) = without_password(&args) else {
        return Origin::NotOnCommandLine;
    };
    let mut command = Command::new("/proc/self/exe");
    if let Some((arg0, rest)) = args.split_first() {
        command.arg0(arg0).args(rest);
    }
    // Only returns if the exec failed; the app then runs with the password where it was.
    let err = command.env(HANDOVER_ENV, &password).exec();
    Origin::StillOnCommandLine(format!("hiding it failed: {err}"))
}

/// Execing `/proc/self/exe` made the kernel name this process `exe`, so `ps -e`, `top`
/// and `pgrep amqp-tui` would not find it. It gets back the name it was started under,
/// the last part of `argv[0]`, as the kernel sets it on an ordinary exec. Best effort: a
/// system without `/proc` could not have execed `/proc/self/exe` in the first place.
fn keep_name() {
    let Some(arg0) = std::env::args_os().next() else {
        return;
    };
    let name = std::path::Path::new(&arg0)
        .file_name()
        .map_or_else(|| OsString::from("amqp-tui"), OsStr::to_os_string);
    // The kernel keeps the first 15 bytes, as it does for any command name.
    let _ = std::fs::write("/proc/self/comm", name.as_encoded_bytes());
}

/// The arguments with the password cut out of the one `--uri`, and that password. `None`
/// when there is nothing to hide or the arguments are not what clap will accept (clap
/// then reports them).
pub fn without_password(args: &[OsString]) -> Option<(Vec<OsString>, String)> {
    let mut found = None;
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.iter().enumerate();
    while let Some((i, arg)) = iter.next() {
        out.push(arg.clone());
        if i == 0 {
            continue;
        }
        if arg == "--" {
            out.extend(iter.by_ref().map(|(_, a)| a.clone()));
            break;
        }
        let (value, prefix) = if arg == "--uri" {
            match iter.next() {
                Some((_, value)) => {
                    out.push(value.clone());
                    (value.as_os_str(), "")
                }
                None => break,
            }
        } else if let Some(value) = strip_prefix(arg, "--uri=") {
            (value, "--uri=")
        } else {
            continue;
        };
        let Some((uri, password)) = value.to_str().and_then(take_password) else {
            continue;
        };
        if found.is_some() {
            // Twice is a usage error clap reports; do not guess which one counts.
            return None;
        }
        *out.last_mut()? = format!("{prefix}{uri}").into();
        found = Some(password);
    }
    found.map(|password| (out, password))
}

fn strip_prefix<'a>(arg: &'a OsStr, prefix: &str) -> Option<&'a OsStr> {
    arg.to_str()?.strip_prefix(prefix).map(OsStr::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_password_is_cut_from_either_spelling_of_uri() {
        let (out, password) = without_password(&args(&[
            "amqp-tui",
            "--uri",
            "amqp://guest:s3cret@h:5672/",
            "--exchange",
            "x",
        ]))
        .expect("a password");
        assert_eq!(password, "s3cret");
        assert_eq!(
            out,
            args(&[
                "amqp-tui",
                "--uri",
                "amqp://guest@h:5672/",
                "--exchange",
                "x"
            ])
        );
        let (out, _) =
            without_password(&args(&["amqp-tui", "--uri=amqps://u:p@h/"])).expect("a password");
        assert_eq!(out, args(&["amqp-tui", "--uri=amqps://u@h/"]));
    }

    #[test]
    fn nothing_to_hide_means_no_exec() {
        for list in [
            &["amqp-tui"][..],
            &["amqp-tui", "--uri", "amqp://guest@h/"],
            &["amqp-tui", "--uri"],
            // A value of another option that looks like a URI is not ours to touch.
            &["amqp-tui", "--exchange", "amqp://u:p@h/"],
            &["amqp-tui", "--", "--uri", "amqp://u:p@h/"],
            // Twice: clap refuses it, and we do not guess.
            &["amqp-tui", "--uri", "amqp://u:p@h/", "--uri=amqp://u:q@h/"],
        ] {
            assert_eq!(without_password(&args(list)), None, "{list:?}");
        }
    }

    #[test]
    fn a_handed_over_password_goes_back_into_the_uri() {
        let origin = Origin::HandedOver("p%40ss".into());
        let mut uri = Some("amqp://u@h/".to_string());
        origin.restore(&mut uri);
        assert_eq!(uri.as_deref(), Some("amqp://u:p%40ss@h/"));
        assert!(origin.warn());
        assert!(!format!("{origin:?}").contains("p%40ss"));
        let warning = origin.warning().expect("a warning");
        assert!(warning.contains("AMQP_URL") && warning.contains("shell history"));
        assert_eq!(Origin::NotOnCommandLine.warning(), None);
    }
}
