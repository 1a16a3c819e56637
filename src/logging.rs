//! The log file: connection attempts, failures and what lapin reports, for reading after
//! the fact. It goes to a file only, since the terminal belongs to the UI, and it never
//! holds a password or a message body, whatever level the user asks for.

use std::{
    fs::{File, OpenOptions},
    io,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    sync::Mutex,
};

use tracing::{Level, Metadata};
use tracing_subscriber::{
    EnvFilter, Layer, filter::filter_fn, layer::SubscriberExt, util::SubscriberInitExt,
};

/// The environment variable `--log-level` falls back to.
pub const LEVEL_ENV: &str = "AMQP_TUI_LOG";
pub const FILE_NAME: &str = "amqp-tui.log";
/// A log past this size is moved aside to `amqp-tui.log.1` at start, so it cannot grow
/// without bound over many runs.
const KEEP_BYTES: u64 = 8 * 1024 * 1024;

/// Targets that print secrets at TRACE, checked against lapin 4.12.3 and amq-protocol
/// 10.6.3 and measured (see tests/pty_secrets.rs): lapin's io loop prints every outgoing
/// frame, connection.start-ok included, whose PLAIN response holds the password, and
/// amq-protocol-tcp prints the URI, password and all. Nothing they log at DEBUG or above
/// carries either, so they are held at DEBUG.
const FRAME_TARGETS: [&str; 2] = ["lapin", "amq_protocol"];
/// lapin logs a returned message whole, body included, at WARN.
const BODY_TARGET: &str = "lapin::returned_messages";

/// Whether an event or span may reach the file, whatever the user's filter says.
pub fn allowed(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    if target.starts_with(BODY_TARGET) {
        *meta.level() <= Level::ERROR
    } else if FRAME_TARGETS.iter().any(|t| target.starts_with(t)) {
        *meta.level() <= Level::DEBUG
    } else {
        true
    }
}

/// Where the log goes without `--log-file`: the platform state directory
/// (`~/.local/state/amqp-tui` on Linux), or the data directory where there is none.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "amqp-tui")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join(FILE_NAME))
}

/// What `init` did: the file it writes to, and problems to show in the UI.
#[derive(Debug, Default)]
pub struct Logging {
    pub path: Option<PathBuf>,
    pub problems: Vec<String>,
}

/// Starts logging to `file` (or the default path) at `level`, a `tracing` filter such as
/// `debug` or `info,lapin=debug`. Failing to log never stops the app: it says why instead.
pub fn init(file: Option<&Path>, level: &str) -> Logging {
    let mut logging = Logging::default();
    let filter = EnvFilter::try_new(level).unwrap_or_else(|err| {
        logging.problems.push(format!(
            "--log-level / {LEVEL_ENV} '{}' is not a log level ({err}): use error, warn, info, debug or trace. Logging at info.",
            crate::text::visible(level)
        ));
        EnvFilter::new("info")
    });
    let Some(path) = file.map(Path::to_path_buf).or_else(default_path) else {
        logging.problems.push(
            "Logging is off: there is no home directory for the log file. Give one with --log-file.".into(),
        );
        return logging;
    };
    let file = match open(&path) {
        Ok(file) => file,
        Err(err) => {
            logging.problems.push(format!(
                "Logging is off: cannot open the log file {}: {err}. Give another with --log-file.",
                path.display()
            ));
            return logging;
        }
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .with_filter(filter_fn(allowed));
    if let Err(err) = tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init()
    {
        logging.problems.push(format!("Logging is off: {err}."));
        return logging;
    }
    logging.path = Some(path);
    logging
}

/// Appends, private from the first byte: connection targets and errors are not for other
/// local users.
fn open(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > KEEP_BYTES) {
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        std::fs::rename(path, old)?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::{Metadata, callsite::Identifier, field::FieldSet, metadata::Kind};

    struct Site;
    impl tracing::Callsite for Site {
        fn set_interest(&self, _: tracing::subscriber::Interest) {}
        fn metadata(&self) -> &Metadata<'_> {
            unreachable!("only the identifier is used")
        }
    }
    static SITE: Site = Site;

    fn meta(target: &'static str, level: Level) -> Metadata<'static> {
        let fields = FieldSet::new(&[], Identifier(&SITE));
        Metadata::new("e", target, level, None, None, None, fields, Kind::EVENT)
    }

    #[test]
    fn lapin_frames_and_bodies_are_capped_and_ours_are_not() {
        assert!(!allowed(&meta("lapin::io_loop", Level::TRACE)));
        assert!(allowed(&meta("lapin::io_loop", Level::DEBUG)));
        assert!(!allowed(&meta("amq_protocol_tcp", Level::TRACE)));
        assert!(allowed(&meta("amq_protocol_tcp", Level::INFO)));
        assert!(!allowed(&meta("lapin::returned_messages", Level::WARN)));
        assert!(allowed(&meta("lapin::returned_messages", Level::ERROR)));
        assert!(allowed(&meta("amqp_tui::amqp::connect", Level::TRACE)));
    }

    #[test]
    fn the_log_file_is_private_and_moved_aside_when_large() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/amqp-tui.log");
        drop(open(&path).expect("opened"));
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&path, vec![b'x'; KEEP_BYTES as usize + 1]).expect("fill");
        drop(open(&path).expect("reopened"));
        assert_eq!(std::fs::metadata(&path).expect("exists").len(), 0);
        assert!(dir.path().join("sub/amqp-tui.log.1").exists());
    }
}
