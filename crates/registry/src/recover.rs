//! Sweeping what crashed processes left behind, run by `Registry::open`.
//!
//! Two kinds of debris can exist (see `register.rs` for why only these):
//!
//! - hidden staging and trash directories (`.tmp-*`, `.trash-*`). They may
//!   belong to a live register or sweep in another process, so one is
//!   removed only when its owner pid is gone or it is older than
//!   `files::STALE_AFTER`. Removal starts with a rename, so even a wrong
//!   call costs the owner an error, never a half-deleted model.
//! - published `models/<version>` directories without a row. A live
//!   register creates exactly this state between its rename and its
//!   commit, but it holds the index's write lock all along; so the sweep
//!   takes the write lock too, and what it then sees without a row is
//!   certainly an orphan.
//!
//! A row whose directory is missing cannot come from a crash, only from
//! hands deleting files; it is reported, not repaired, since the registry
//! cannot recreate the bundle.

use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

use rusqlite::TransactionBehavior;
use semver::Version;
use serde::Serialize;

use crate::error::SqlContext;
use crate::files::{self, TEMP_PREFIX, TRASH_PREFIX};
use crate::record::stored_version;
use crate::{store, Registry, RegistryError};

/// What `Registry::open` found and cleaned up.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecoveryReport {
    /// Staging and trash directories of dead or stale owners, removed.
    pub removed: Vec<PathBuf>,
    /// Version directories without an index row, removed.
    pub orphans: Vec<PathBuf>,
    /// Indexed versions whose bundle directory is gone; left as they are.
    pub missing_bundles: Vec<Version>,
}

impl Registry {
    /// Sweeps debris; see the module documentation for the rules.
    pub(crate) fn recover(&self) -> Result<RecoveryReport, RegistryError> {
        let mut report = RecoveryReport::default();

        for name in self.model_dirs()? {
            let ours = name.starts_with(TEMP_PREFIX) || name.starts_with(TRASH_PREFIX);
            if ours && files::is_stale(&self.models, &name) {
                let path = self.models.join(&name);
                files::discard(&self.models, &path)?;
                report.removed.push(path);
            }
        }

        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| "locking the index to sweep orphans".into())?;
        let indexed: HashSet<String> = store::load_models(&tx)?
            .into_iter()
            .map(|row| row.version)
            .collect();

        // Listed only now, under the lock, so no register can be between
        // its rename and its commit.
        for name in self.model_dirs()? {
            if !name.starts_with('.') && !indexed.contains(&name) {
                let path = self.models.join(&name);
                files::discard(&self.models, &path)?;
                report.orphans.push(path);
            }
        }
        for version in &indexed {
            if !self.models.join(version).is_dir() {
                report.missing_bundles.push(stored_version(version)?);
            }
        }
        report.missing_bundles.sort();
        tx.commit()
            .context(|| "releasing the lock after the sweep".into())?;
        Ok(report)
    }

    /// Names of the directories directly under `models/`.
    fn model_dirs(&self) -> Result<Vec<String>, RegistryError> {
        let models = &self.models;
        let mut names = Vec::new();
        for entry in fs::read_dir(models).map_err(|e| RegistryError::io(models, e))? {
            let entry = entry.map_err(|e| RegistryError::io(models, e))?;
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            // A name that is not UTF-8 is no version nor hidden name of
            // ours, so it is left alone.
            if let (true, Ok(name)) = (is_dir, entry.file_name().into_string()) {
                names.push(name);
            }
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{request, write_bundle};

    #[test]
    fn open_sweeps_dead_debris_and_keeps_live_work() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let root = dir.path().join("reg");
        let registry = Registry::open(&root).unwrap();
        registry.register(&bundle, request("1.0.0", &[])).unwrap();
        let models = root.join("models");

        // An orphan: files published, row never committed.
        write_bundle(&models.join("3.0.0"));
        // Staging of a long-dead owner, and a trash left mid-delete.
        write_bundle(&models.join(".tmp-2.0.0-1234-1"));
        write_bundle(&models.join(".trash-99-1"));
        // Staging of this very process, fresh: another handle's copy.
        let now = std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos();
        let live = format!(".tmp-4.0.0-{}-{now}", std::process::id());
        write_bundle(&models.join(&live));
        // Hidden things that are not ours.
        fs::create_dir(models.join(".snapshot")).unwrap();

        let reopened = Registry::open(&root).unwrap();
        let report = reopened.recovery();
        let mut removed: Vec<_> = report.removed.iter().map(|p| p.file_name()).collect();
        removed.sort();
        assert_eq!(removed.len(), 2, "{report:?}");
        assert_eq!(report.orphans, vec![reopened.root().join("models/3.0.0")]);
        assert!(report.missing_bundles.is_empty());

        let mut left: Vec<String> = fs::read_dir(&models)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".snapshot".to_string(), live, "1.0.0".to_string()]);
        assert_eq!(reopened.list().unwrap().len(), 1);
    }

    #[test]
    fn a_bundle_deleted_by_hand_is_reported_not_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let root = dir.path().join("reg");
        let registry = Registry::open(&root).unwrap();
        let record = registry
            .register(&bundle, request("1.1.0", &["production"]))
            .unwrap();
        fs::remove_dir_all(&record.path).unwrap();

        let reopened = Registry::open(&root).unwrap();
        let expected = vec![Version::new(1, 1, 0)];
        assert_eq!(reopened.recovery().missing_bundles, expected);
        let err = reopened.get("production").err().unwrap();
        assert!(matches!(err, RegistryError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("1.1.0"), "{err}");
    }
}
