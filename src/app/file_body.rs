//! Reading the file `Ctrl-O` publishes. What goes wrong here is the user's input (a
//! directory, a typo, no permission), answered on the prompt, never a failed publish.

use std::{
    io::{self, Read},
    path::Path,
};

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
    #[error("{path} is not a regular file (a device, a pipe or a socket): give a file.")]
    NotAFile { path: String },
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
    // /dev/zero never ends and a FIFO blocks until someone writes: neither is a body,
    // and reading one would hang the app or fill its memory.
    if !metadata.is_file() {
        return Err(FileBodyError::NotAFile { path: shown });
    }
    let too_large = |len: u64| FileBodyError::TooLarge {
        path: shown.clone(),
        size: crate::text::human_size(usize::try_from(len).unwrap_or(usize::MAX)),
    };
    if metadata.len() > MAX_FILE_BODY {
        return Err(too_large(metadata.len()));
    }
    // Read no more than the limit allows, even if the file grows meanwhile.
    let mut body = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FILE_BODY + 1).read_to_end(&mut body))
        .map_err(|e| io_error(&shown, &e))?;
    if body.len() as u64 > MAX_FILE_BODY {
        return Err(too_large(body.len() as u64));
    }
    Ok(body)
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

    #[test]
    fn a_device_that_never_ends_is_refused_before_any_read() {
        // Read whole, /dev/zero would fill the memory: it must be refused at once.
        let err = read_body(Path::new("/dev/zero")).expect_err("a device");
        assert_eq!(
            err.to_string(),
            "/dev/zero is not a regular file (a device, a pipe or a socket): give a file."
        );
    }
}
