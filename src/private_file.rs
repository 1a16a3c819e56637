//! Files that may hold passwords or message bodies: written to a temp file next to the
//! target, private (0600) from the first byte, synced, then renamed over the target in
//! one step, so a reader or a crash sees the old file or the new one, never a mix.
//! The profile store and the JSON Lines export both write this way.

use std::{
    fs::{self, File},
    io,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

/// Makes temp names unique within the process; the pid makes them unique across processes.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The prefix of every temp file made for `target`: `.<name>.tmp-`.
pub fn temp_prefix(target: &Path) -> io::Result<String> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    Ok(format!(".{}.tmp-", name.to_string_lossy()))
}

/// A new, empty, 0600 temp file in `target`'s directory, and its path.
pub fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let prefix = temp_prefix(target)?;
    let dir = dir_of(target);
    let pid = std::process::id();
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!("{prefix}{pid}-{n}"));
        match create_private(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Left by a crashed process that had our pid: take the next number.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
}

/// Replaces `target` with `temp`. On failure the temp file is removed and `target` is
/// untouched.
pub fn commit(temp: &Path, target: &Path) -> io::Result<()> {
    if let Err(err) = fs::rename(temp, target) {
        discard(temp);
        return Err(err);
    }
    // Makes the rename itself survive a power cut. Not an error when it fails: the new
    // file is already in place, and reporting a failed write would be false.
    let _ = sync_dir(dir_of(target));
    Ok(())
}

/// Best effort: the caller is already reporting the error that matters.
pub fn discard(temp: &Path) {
    let _ = fs::remove_file(temp);
}

/// The directory a path is in; `.` for a bare file name.
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // Exactly 0600 whatever the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
