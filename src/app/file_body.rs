//! Reading the file `Ctrl-O` publishes. What goes wrong here is the user's input (a
//! directory, a typo, no permission), answered on the prompt, never a failed publish.

use std::{io, path::Path};

use thiserror::Error;

/// RabbitMQ refuses messages above its `max_message_size` (128 MiB by default); reading a
/// bigger file would only fail later and cost the memory first.
pub const MAX_FILE_BODY: u64 = 128 * 1024 * 1024;

/// Why a file cannot be a message body; `path` is already made safe to show.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FileBodyError {
    #[error("{path} does not exist: check the path.")]
    Missing { path: String },
    #[error("{path} is a directory: give a file.")]
    Directory { path: String },
    #[error("cannot read {path}: permission denied.")]
    PermissionDenied { path: String },
    #[error("{path} is {size}: more than the 128 MiB RabbitMQ accepts by default.")]
    TooLarge { path: String, size: String },
    #[error("cannot read {path}: {detail}.")]
    Unreadable { path: String, detail: String },
}

/// The bytes of the file at `path`.
pub fn read_body(path: &Path) -> Result<Vec<u8>, FileBodyError> {
    let shown = crate::text::visible(&path.display().to_string());
    let metadata = std::fs::metadata(path).map_err(|e| io_error(&shown, &e))?;
    if metadata.is_dir() {
        return Err(FileBodyError::Directory { path: shown });
    }
    if metadata.len() > MAX_FILE_BODY {
        let bytes = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
        return Err(FileBodyError::TooLarge {
            path: shown,
            size: crate::text::human_size(bytes),
        });
    }
    std::fs::read(path).map_err(|e| io_error(&shown, &e))
}

fn io_error(path: &str, err: &io::Error) -> FileBodyError {
    let path = path.to_string();
    match err.kind() {
        io::ErrorKind::NotFound => FileBodyError::Missing { path },
        io::ErrorKind::PermissionDenied => FileBodyError::PermissionDenied { path },
        io::ErrorKind::IsADirectory => FileBodyError::Directory { path },
        _ => FileBodyError::Unreadable {
            path,
            detail: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_or_a_missing_file_is_named_for_what_it_is() {
        let dir = std::env::temp_dir();
        let err = read_body(&dir).expect_err("a directory");
        assert_eq!(
            err.to_string(),
            format!("{} is a directory: give a file.", dir.display())
        );
        let missing = dir.join(format!("amqp-tui-no-such-file-{}", std::process::id()));
        let err = read_body(&missing).expect_err("missing");
        assert!(matches!(err, FileBodyError::Missing { .. }), "{err:?}");
    }
}
