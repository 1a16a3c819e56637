//! `profiles.toml` on disk: loading that never fails, and saving that is atomic, private
//! (0600 in a 0700 directory) and never destroys a file it could not read.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use crate::private_file;

use super::{
    FILE_NAME, Profile, ProfileError,
    file::{decode_bytes, encode},
    merge::{Merged, accept_disk_as_base, merge, stored},
};

/// A temp file this old was left by a crash, not by a save in progress.
const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

#[derive(Debug)]
pub struct ProfileStore {
    dir: PathBuf,
    path: PathBuf,
    /// The file on disk could not be read or parsed when loaded: it is moved aside before
    /// the first save, so a typo never costs the user the profiles in it.
    back_up_before_save: bool,
    /// A backup made by a save that then failed, still to be reported.
    unreported_backup: Option<PathBuf>,
    /// The profiles as this store last read or wrote them (as stored: no unremembered
    /// passwords): what a save compares both the app's list and the file with, so changes
    /// another program made meanwhile are merged in, not overwritten.
    base: Vec<Profile>,
}

#[derive(Debug)]
pub struct Loaded {
    pub store: ProfileStore,
    pub profiles: Vec<Profile>,
    pub problem: Option<ProfileError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveOutcome {
    pub path: PathBuf,
    /// Where the unreadable file that was on disk was moved to, if there was one.
    pub backed_up: Option<PathBuf>,
    /// What was written: the app's list merged with what another program wrote meanwhile.
    pub profiles: Vec<Profile>,
    /// Profiles another program added, changed or deleted, whose version was kept.
    pub from_disk: Vec<String>,
}

impl ProfileStore {
    /// Never fails: a missing file means no profiles; an unreadable or unparsable file
    /// gives `problem` and an empty list, and the store remembers not to overwrite it
    /// blindly.
    pub fn load(dir: &Path) -> Loaded {
        let path = dir.join(FILE_NAME);
        let result = match fs::read(&path) {
            Ok(bytes) => decode_bytes(&path, &bytes),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(ProfileError::io(&path, "read", &err)),
        };
        let (profiles, problem) = match result {
            Ok(profiles) => (profiles, None),
            Err(problem) => (Vec::new(), Some(problem)),
        };
        let store = ProfileStore {
            dir: dir.to_path_buf(),
            path,
            back_up_before_save: problem.is_some(),
            unreported_backup: None,
            base: profiles.iter().map(stored).collect(),
        };
        Loaded {
            store,
            profiles,
            problem,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the list atomically, merged by name with the file as it is now (see
    /// [`super::merge`]): profiles another program added or changed meanwhile are kept, and
    /// a profile changed on both sides is refused as a conflict, writing nothing. A file
    /// that cannot be read now is never overwritten, unless it already could not be read
    /// when loaded: then it is first renamed aside to `profiles.toml.bad-YYYYMMDDTHHMMSS`
    /// and the outcome says where.
    pub fn save(&mut self, profiles: &[Profile]) -> Result<SaveOutcome, ProfileError> {
        // Checked before the file is read, so a bad list changes nothing.
        encode(profiles)?;
        let disk = match self.read_now() {
            Ok(disk) => Some(disk),
            Err(_) if self.back_up_before_save => None,
            Err(problem) => {
                return Err(ProfileError::ChangedUnreadable {
                    path: self.path.clone(),
                    problem: what_is_wrong(&problem),
                });
            }
        };
        let (merged, from_disk) = match &disk {
            None => (profiles.to_vec(), Vec::new()),
            Some(disk) => match merge(&self.base, profiles, disk) {
                Merged::Clean {
                    profiles,
                    from_disk,
                } => (profiles, from_disk),
                Merged::Conflict(names) => {
                    accept_disk_as_base(&mut self.base, disk, &names);
                    return Err(ProfileError::Conflict {
                        path: self.path.clone(),
                        names,
                    });
                }
            },
        };
        let text = encode(&merged)?;
        create_private_dir(&self.dir)?;
        remove_stale_temps(&self.dir, STALE_TEMP_AGE);
        // The temp is written before anything is moved, so a full disk or a permission
        // problem leaves everything as it was.
        let temp = write_temp(&self.dir, text.as_bytes())?;
        if disk.is_none() {
            let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S").to_string();
            match back_up(&self.path, &stamp) {
                Ok(backup) => self.unreported_backup = backup,
                Err(err) => {
                    private_file::discard(&temp);
                    return Err(err);
                }
            }
        }
        commit(&temp, &self.path)?;
        self.back_up_before_save = false;
        self.base = merged.iter().map(stored).collect();
        Ok(SaveOutcome {
            path: self.path.clone(),
            backed_up: self.unreported_backup.take(),
            profiles: merged,
            from_disk,
        })
    }

    /// The file as it is now, as stored (a missing file holds no profiles).
    fn read_now(&self) -> Result<Vec<Profile>, ProfileError> {
        let profiles = match fs::read(&self.path) {
            Ok(bytes) => decode_bytes(&self.path, &bytes)?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(err) => return Err(ProfileError::io(&self.path, "read", &err)),
        };
        Ok(profiles.iter().map(stored).collect())
    }
}

/// The problem without its advice, which is about a file that failed to load.
fn what_is_wrong(problem: &ProfileError) -> String {
    match problem {
        ProfileError::Parse {
            line,
            column,
            message,
            ..
        } => format!("line {line}, column {column}: {message}"),
        ProfileError::UnsupportedVersion { found, .. } => {
            format!("file format version {found}, which this amqp-tui does not read")
        }
        ProfileError::Io { detail, .. } => detail.clone(),
        other => other.to_string(),
    }
}

/// Writes `bytes` to a new private file next to the target and flushes it to disk. On
/// failure the temp file is removed.
fn write_temp(dir: &Path, bytes: &[u8]) -> Result<PathBuf, ProfileError> {
    let target = dir.join(FILE_NAME);
    let (temp, mut file) = private_file::create_temp(&target)
        .map_err(|err| ProfileError::io(&target, "write", &err))?;
    if let Err(err) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        drop(file);
        private_file::discard(&temp);
        return Err(ProfileError::io(target, "write", &err));
    }
    Ok(temp)
}

/// Replaces `target` with `temp` in one step. On failure the temp file is removed and
/// `target` is untouched.
fn commit(temp: &Path, target: &Path) -> Result<(), ProfileError> {
    private_file::commit(temp, target).map_err(|err| ProfileError::io(target, "rename", &err))
}

/// Moves `path` to `path.bad-<stamp>` (or `-2`, `-3`… if taken). `None` when there is no
/// file to move.
fn back_up(path: &Path, stamp: &str) -> Result<Option<PathBuf>, ProfileError> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let base = format!("{}.bad-{stamp}", path.display());
    let backup = (1..)
        .map(|n| match n {
            1 => PathBuf::from(&base),
            n => PathBuf::from(format!("{base}-{n}")),
        })
        .find(|candidate| fs::symlink_metadata(candidate).is_err())
        .unwrap_or_else(|| PathBuf::from(base));
    fs::rename(path, &backup).map_err(|err| ProfileError::io(path, "rename", &err))?;
    Ok(Some(backup))
}

/// Removes temp files left by crashed saves. Best effort: a leftover temp harms nothing,
/// since `load` only ever reads `profiles.toml`.
fn remove_stale_temps(dir: &Path, older_than: Duration) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let Ok(prefix) = private_file::temp_prefix(&dir.join(FILE_NAME)) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > older_than);
        if stale {
            private_file::discard(&entry.path());
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<(), ProfileError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|err| ProfileError::io(dir, "create directory", &err))
}

// Unix only: the tests check permission bits.
#[cfg(all(test, unix))]
#[path = "store_tests.rs"]
mod tests;

#[cfg(all(test, unix))]
#[path = "store_merge_tests.rs"]
mod merge_tests;
