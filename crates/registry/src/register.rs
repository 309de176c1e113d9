//! Registering a bundle: the one operation that touches both the files and
//! the index, and so the one that must be crash safe.
//!
//! The order is what makes it so:
//!
//! 1. copy the bundle into a staging directory and fsync it (no lock held,
//!    so a slow copy does not block other registers);
//! 2. `BEGIN IMMEDIATE`, taking the index's write lock;
//! 3. insert the model row, the alias rows and their audit rows;
//! 4. rename the staging directory to `models/<version>` and fsync
//!    `models/`;
//! 5. commit.
//!
//! Killed before 4, the transaction never commits and the staging
//! directory is swept. Killed between 4 and 5, SQLite discards the
//! uncommitted rows on the next open and the published directory is an
//! orphan, which the sweep removes; the sweep may do so safely only because
//! it, too, holds the write lock, and a live register holds that lock for
//! the whole window between rename and commit. Killed after 5, everything
//! is in place. Readers only ever learn of a version from a committed row,
//! so none sees a row without files or an alias without its version.

use std::path::Path;

use rusqlite::TransactionBehavior;

use crate::crash::crash_point;
use crate::error::SqlContext;
use crate::record::{now_rfc3339, parse_version};
use crate::store::StoredModel;
use crate::{alias, files, store, ModelRecord, Registry, RegistryError};

/// What to register a bundle as.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterRequest {
    /// A semantic version such as `1.4.0`, not registered before.
    pub version: String,
    /// The model family, e.g. `xgboost` or `lightgbm`.
    pub model_type: String,
    /// Training facts to keep with the model: date, sample counts, metrics.
    pub metadata: serde_json::Value,
    /// Aliases to point at the new version, e.g. `staging`.
    pub aliases: Vec<String>,
    /// Who registers, recorded with the alias moves.
    pub actor: Option<String>,
    /// Why, recorded with the alias moves.
    pub reason: Option<String>,
}

impl Registry {
    /// Copies the bundle directory `bundle_dir` into the registry as a new
    /// version and points the requested aliases at it, all or nothing.
    pub fn register(
        &self,
        bundle_dir: &Path,
        request: RegisterRequest,
    ) -> Result<ModelRecord, RegistryError> {
        let version = parse_version(&request.version)?;
        let mut aliases = Vec::new();
        for name in &request.aliases {
            alias::validate(name)?;
            if !aliases.contains(name) {
                aliases.push(name.clone());
            }
        }
        if !bundle_dir.is_dir() {
            return Err(RegistryError::BundleMissing {
                path: bundle_dir.to_path_buf(),
            });
        }
        let name = version.to_string();

        // Checked again under the lock; this only spares a useless copy.
        if store::load_model(&self.conn(), &name)?.is_some() {
            return Err(RegistryError::DuplicateVersion { version: name });
        }
        let staged = files::stage(&self.models, &name, bundle_dir)?;

        let registered_at = now_rfc3339();
        let row = StoredModel {
            version: name.clone(),
            model_type: request.model_type.clone(),
            registered_at: registered_at.clone(),
            metadata: request.metadata.to_string(),
        };
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| format!("locking the index to register {name}"))?;
        store::insert_model(&tx, &row)?;
        for alias in &aliases {
            let (actor, reason) = (request.actor.as_deref(), request.reason.as_deref());
            alias::point(&tx, alias, &name, actor, reason, &registered_at)?;
        }
        crash_point("rows-inserted");

        // Under the write lock a directory here without a committed row
        // can only be a crashed register's orphan.
        let target = self.models.join(&name);
        files::discard(&self.models, &target)?;
        staged.publish(&target)?;
        crash_point("renamed");

        if let Err(source) = tx.commit() {
            // The rows are gone, so the files must go too. If this fails
            // the directory is an orphan and the next open sweeps it.
            let _ = files::discard(&self.models, &target);
            return Err(RegistryError::sqlite(format!("committing {name}"), source));
        }
        crash_point("committed");

        aliases.sort();
        Ok(ModelRecord {
            version,
            model_type: request.model_type,
            registered_at,
            metadata: request.metadata,
            aliases,
            path: target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{assert_same_tree, hidden_entries, request, write_bundle};

    #[test]
    fn register_list_get_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let registry = Registry::open(&dir.path().join("reg")).unwrap();

        let made = registry
            .register(&bundle, request("1.10.0", &["staging"]))
            .unwrap();
        registry.register(&bundle, request("1.2.0", &[])).unwrap();
        registry
            .register(&bundle, request("1.2.0-rc.1", &[]))
            .unwrap();

        let listed = registry.list().unwrap();
        let versions: Vec<String> = listed.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(versions, ["1.2.0-rc.1", "1.2.0", "1.10.0"], "semver order");

        let got = registry.get("1.10.0").unwrap();
        assert_eq!(got, made);
        assert_eq!(got, listed[2]);
        assert_eq!(got.aliases, ["staging"]);
        assert_eq!(got.metadata["train_samples"], 48_211);
        assert_eq!(registry.bundle_path(&got), got.path);
        assert_same_tree(&bundle, &got.path);
        assert!(hidden_entries(&registry).is_empty());

        // A second handle sees the same thing from disk.
        let reopened = Registry::open(&dir.path().join("reg")).unwrap();
        assert_eq!(reopened.list().unwrap(), listed);
        assert_eq!(reopened.recovery().removed.len(), 0);
    }

    #[test]
    fn duplicate_version_is_refused_and_leaves_the_first_intact() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let registry = Registry::open(&dir.path().join("reg")).unwrap();
        let first = registry.register(&bundle, request("2.0.0", &[])).unwrap();

        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let err = registry
            .register(&other, request("2.0.0", &["production"]))
            .err()
            .unwrap();
        assert!(
            matches!(&err, RegistryError::DuplicateVersion { version } if version == "2.0.0"),
            "{err}"
        );
        assert_eq!(registry.get("2.0.0").unwrap(), first);
        assert_same_tree(&bundle, &first.path);
        assert!(registry.aliases().unwrap().is_empty());
    }

    #[test]
    fn bad_requests_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let registry = Registry::open(&dir.path().join("reg")).unwrap();

        for bad in ["1.0", "v1", "abc"] {
            let err = registry.register(&bundle, request(bad, &[])).err().unwrap();
            assert!(matches!(err, RegistryError::InvalidVersion { .. }), "{err}");
            assert!(err.to_string().contains(bad), "{err}");
        }
        for bad in ["Production", "prod.1", "", "a b", "ünïcode"] {
            let err = registry
                .register(&bundle, request("1.0.0", &[bad]))
                .err()
                .unwrap();
            assert!(
                matches!(err, RegistryError::InvalidAlias { .. }),
                "{bad:?}: {err}"
            );
        }
        let missing = dir.path().join("nope");
        let err = registry
            .register(&missing, request("1.0.0", &[]))
            .err()
            .unwrap();
        assert!(matches!(err, RegistryError::BundleMissing { .. }), "{err}");

        assert!(registry.list().unwrap().is_empty());
        let models = registry.root().join("models");
        assert_eq!(std::fs::read_dir(models).unwrap().count(), 0);
    }

    #[test]
    fn concurrent_registers_from_two_threads_both_land() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let root = dir.path().join("reg");
        Registry::open(&root).unwrap();

        std::thread::scope(|scope| {
            for (major, alias) in [(1, "ab-a"), (2, "ab-b")] {
                let (root, bundle) = (&root, &bundle);
                scope.spawn(move || {
                    let registry = Registry::open(root).unwrap();
                    for minor in 0..5 {
                        let version = format!("{major}.{minor}.0");
                        registry
                            .register(bundle, request(&version, &[alias]))
                            .unwrap();
                    }
                });
            }
        });

        let registry = Registry::open(&root).unwrap();
        assert_eq!(registry.list().unwrap().len(), 10);
        let aliases = registry.aliases().unwrap();
        assert_eq!(aliases["ab-a"].to_string(), "1.4.0");
        assert_eq!(aliases["ab-b"].to_string(), "2.4.0");
        assert_eq!(registry.audit_trail(None).unwrap().len(), 10);
        assert!(hidden_entries(&registry).is_empty());
    }
}
