//! Moving bundle directories into the registry without ever exposing a
//! half-copied one.
//!
//! A bundle is copied into a hidden staging directory under `models/`,
//! every file and directory is fsynced, and only then is the staging
//! directory renamed to `models/<version>`. A rename within one file system
//! is atomic, so a reader sees either no `models/<version>` or a complete
//! one. The database row that makes the version visible is committed after
//! the rename (see `register.rs`), so the only debris a crash can leave is
//! a staging directory or a published directory without a row; `recover.rs`
//! sweeps both.
//!
//! Hidden names carry their owner: `.tmp-<version>-<pid>-<nanos>` for
//! staging and `.trash-<pid>-<nanos>` for directories being deleted. That
//! lets a sweeper in another process tell a live copy from a dead one.
//! Deleting always starts with a rename into a fresh trash name, so a
//! register racing with a sweeper either publishes an intact directory or
//! fails its own rename; it can never publish one that is half deleted.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::crash::crash_point;
use crate::RegistryError;

/// Prefix of staging directories, which hold a bundle being copied.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

/// Prefix of directories claimed for deletion.
pub(crate) const TRASH_PREFIX: &str = ".trash-";

/// Age after which a hidden directory is swept even if its owner process
/// looks alive: guards against pid reuse and against platforms where
/// liveness cannot be checked. No bundle copy should take this long.
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// A bundle copy in a staging directory, removed on drop unless published.
pub(crate) struct StagedBundle {
    path: PathBuf,
    published: bool,
}

/// Copies `source` into a fresh staging directory under `models` and makes
/// the copy durable.
pub(crate) fn stage(
    models: &Path,
    version: &str,
    source: &Path,
) -> Result<StagedBundle, RegistryError> {
    let name = format!("{TEMP_PREFIX}{version}-{}-{}", std::process::id(), stamp());
    let path = models.join(name);
    fs::create_dir(&path).map_err(|e| RegistryError::io(&path, e))?;
    let staged = StagedBundle {
        path,
        published: false,
    };
    crash_point("temp-created");

    copy_tree(source, &staged.path)?;
    crash_point("copied");
    Ok(staged)
}

impl StagedBundle {
    /// Renames the staging directory to `target` and makes the rename
    /// durable. On error nothing is left at `target`.
    pub(crate) fn publish(mut self, target: &Path) -> Result<(), RegistryError> {
        fs::rename(&self.path, target).map_err(|e| RegistryError::io(target, e))?;
        self.published = true;

        let models = target.parent().unwrap_or(target);
        if let Err(err) = sync_dir(models) {
            // Best effort: if this fails too, the sweep at the next open
            // removes the directory, since it has no row.
            let _ = discard(models, target);
            return Err(err);
        }
        Ok(())
    }
}

impl Drop for StagedBundle {
    fn drop(&mut self) {
        if !self.published {
            // A leftover staging directory is invisible and swept later.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Deletes `dir` (a child of `models`) so that no concurrent register can
/// publish it half deleted. A missing `dir` is not an error.
pub(crate) fn discard(models: &Path, dir: &Path) -> Result<(), RegistryError> {
    let trash = models.join(format!("{TRASH_PREFIX}{}-{}", std::process::id(), stamp()));
    match fs::rename(dir, &trash) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(RegistryError::io(dir, err)),
    }
    match fs::remove_dir_all(&trash) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(RegistryError::io(&trash, err)),
        _ => Ok(()),
    }
}

/// Tells whether a hidden directory under `models` can be swept: its owner
/// process is gone, or it is older than [`STALE_AFTER`].
pub(crate) fn is_stale(models: &Path, name: &str) -> bool {
    let now = now_nanos();
    match owner(name) {
        Some((pid, nanos)) => {
            let age = Duration::from_nanos(now.saturating_sub(nanos));
            !process_alive(pid) || age > STALE_AFTER
        }
        // Not a name we write; judge by modification time alone.
        None => fs::metadata(models.join(name))
            .and_then(|meta| meta.modified())
            .map(|modified| modified.elapsed().unwrap_or_default() > STALE_AFTER)
            .unwrap_or(true),
    }
}

/// Reads the pid and creation stamp from a `...-<pid>-<nanos>` name.
fn owner(name: &str) -> Option<(u32, u64)> {
    let mut parts = name.rsplitn(3, '-');
    let nanos = parts.next()?.parse().ok()?;
    let pid = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((pid, nanos))
}

/// Whether a process with this pid may still be running.
///
/// Only Linux is checked, through `/proc`; elsewhere, or where `/proc` is
/// not mounted, every owner counts as alive and only age sweeps. Processes
/// in other pid namespaces (containers sharing a registry volume) are
/// misjudged; the damage is bounded: their staging directory is swept, so
/// their publish rename fails and that register returns an error.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // Another handle in this process may be copying right now.
        return true;
    }
    let proc_root = Path::new("/proc");
    if !cfg!(target_os = "linux") || !proc_root.join("self").exists() {
        return true;
    }
    proc_root.join(pid.to_string()).exists()
}

/// Copies the regular files and directories under `source` into the
/// existing directory `target`, fsyncing each file and directory.
fn copy_tree(source: &Path, target: &Path) -> Result<(), RegistryError> {
    let entries = fs::read_dir(source).map_err(|e| RegistryError::io(source, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| RegistryError::io(source, e))?;
        let from = entry.path();
        let to = target.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| RegistryError::io(&from, e))?;

        if kind.is_dir() {
            fs::create_dir(&to).map_err(|e| RegistryError::io(&to, e))?;
            copy_tree(&from, &to)?;
        } else if kind.is_file() {
            fs::copy(&from, &to).map_err(|e| RegistryError::io(&from, e))?;
            sync_file(&to)?;
            crash_point("mid-copy");
        } else {
            // Symlinks could point outside the bundle or loop; a bundle is
            // written by tiredeg and never needs them.
            let refusal = io::Error::new(
                io::ErrorKind::InvalidInput,
                "bundles may hold only regular files and directories",
            );
            return Err(RegistryError::io(from, refusal));
        }
    }
    sync_dir(target)
}

fn sync_file(path: &Path) -> Result<(), RegistryError> {
    File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|e| RegistryError::io(path, e))
}

/// Makes the entries of a directory durable. Only possible on Unix, where
/// a directory can be opened as a file; elsewhere renames are not crash
/// safe against power loss, only against process death.
fn sync_dir(path: &Path) -> Result<(), RegistryError> {
    if cfg!(unix) {
        File::open(path)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| RegistryError::io(path, e))?;
    }
    Ok(())
}

fn now_nanos() -> u64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since_epoch.as_nanos()).unwrap_or(u64::MAX)
}

/// The current time in nanoseconds, strictly increasing within the process
/// so that two threads never pick the same hidden name.
fn stamp() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = now_nanos();
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{assert_same_tree, write_bundle};

    #[test]
    fn owner_is_read_from_the_right_even_with_a_prerelease() {
        assert_eq!(owner(".tmp-1.0.0-rc-1-4242-99"), Some((4242, 99)));
        assert_eq!(owner(".trash-17-5"), Some((17, 5)));
        assert_eq!(owner(".tmp-garbage"), None);
    }

    #[test]
    fn own_and_dead_owners_are_judged_correctly() {
        let dir = tempfile::tempdir().unwrap();
        let mine = format!(".tmp-1.0.0-{}-{}", std::process::id(), now_nanos());
        assert!(!is_stale(dir.path(), &mine));

        let old = format!(".tmp-1.0.0-{}-1", std::process::id());
        assert!(is_stale(dir.path(), &old), "older than STALE_AFTER");

        // A finished child has been reaped, so its pid is free.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        if Path::new("/proc/self").exists() {
            let dead = format!(".tmp-1.0.0-{pid}-{}", now_nanos());
            assert!(is_stale(dir.path(), &dead));
        }
    }

    #[test]
    fn staged_copy_matches_and_publishes_or_vanishes() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let models = dir.path().join("models");
        fs::create_dir(&models).unwrap();

        let staged = stage(&models, "1.0.0", &bundle).unwrap();
        let target = models.join("1.0.0");
        staged.publish(&target).unwrap();
        assert_same_tree(&bundle, &target);

        let dropped = stage(&models, "2.0.0", &bundle).unwrap();
        drop(dropped);
        let names: Vec<_> = fs::read_dir(&models)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["1.0.0"]);

        discard(&models, &target).unwrap();
        assert_eq!(fs::read_dir(&models).unwrap().count(), 0);
        discard(&models, &target).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_in_a_bundle_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        std::os::unix::fs::symlink("/etc/hostname", bundle.join("link")).unwrap();
        let models = dir.path().join("models");
        fs::create_dir(&models).unwrap();

        let err = stage(&models, "1.0.0", &bundle).err().unwrap();
        assert!(err.to_string().contains("link"), "{err}");
        assert_eq!(fs::read_dir(&models).unwrap().count(), 0);
    }
}
