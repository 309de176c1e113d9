//! The model registry: versioned tiredeg model bundles on disk, indexed by
//! SQLite, with movable aliases such as `staging` and `production`.
//!
//! A registry is a directory:
//!
//! ```text
//! tiredeg-registry/
//!   registry.sqlite      the index (plus its -wal and -shm files)
//!   models/1.4.0/        one bundle per version, copied in at register
//!   models/.tmp-...      staging copies in progress (hidden)
//! ```
//!
//! Bundles are opaque here: whatever files the models crate writes. The
//! index holds one row per version, the aliases, and an append-only audit
//! trail of every alias move, so "who promoted what, when and why" and
//! "what was production before" are always answerable.
//!
//! The guarantee that shapes the code: a process killed at any moment
//! leaves each version either complete (files, row, aliases) or absent.
//! `register` stages the copy, then inside one write transaction inserts
//! the rows, renames the copy into place and commits; `Registry::open`
//! sweeps whatever a crash left behind. Several processes may use one
//! registry at once; the rules that keep the sweep from touching a
//! neighbour's work are in `files.rs` and `recover.rs`.
//!
//! ```no_run
//! # fn main() -> Result<(), tiredeg_registry::RegistryError> {
//! use std::path::Path;
//! use tiredeg_registry::{RegisterRequest, Registry};
//!
//! let registry = Registry::open(Path::new("tiredeg-registry"))?;
//! let request = RegisterRequest {
//!     version: "1.4.0".into(),
//!     model_type: "xgboost".into(),
//!     aliases: vec!["staging".into()],
//!     ..RegisterRequest::default()
//! };
//! registry.register(Path::new("out/bundle"), request)?;
//! registry.set_alias("production", "staging", Some("ana"), Some("won the A/B test"))?;
//! let serving = registry.get("production")?;
//! assert_eq!(serving.version.to_string(), "1.4.0");
//! # Ok(())
//! # }
//! ```

mod alias;
mod audit;
mod crash;
mod error;
mod files;
mod record;
mod recover;
mod register;
mod store;
#[cfg(test)]
mod testutil;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use semver::Version;

use crate::error::SqlContext;
use crate::record::stored_version;

pub use crate::error::RegistryError;
pub use crate::record::{AliasMove, ModelRecord};
pub use crate::recover::RecoveryReport;
pub use crate::register::RegisterRequest;

/// The root used when the caller names none.
pub const DEFAULT_ROOT: &str = "./tiredeg-registry";

/// Directory under the root that holds one bundle per version.
const MODELS_DIR: &str = "models";

/// An open registry. One handle may be shared between threads; several
/// handles, in one process or many, may use the same root at once.
pub struct Registry {
    root: PathBuf,
    models: PathBuf,
    conn: Mutex<Connection>,
    recovery: RecoveryReport,
}

impl Registry {
    /// Opens the registry at `root`, creating the directory and the index
    /// if missing, and sweeps debris left by crashed processes.
    ///
    /// The sweep takes the index's write lock for a moment, so it waits for
    /// a register in progress elsewhere to commit. Staging directories of
    /// other live processes are kept; those of dead ones (judged by pid on
    /// Linux) or older than an hour are removed, as are version directories
    /// without a row. `recovery()` says what was removed.
    pub fn open(root: &Path) -> Result<Registry, RegistryError> {
        let models = root.join(MODELS_DIR);
        fs::create_dir_all(&models).map_err(|e| RegistryError::io(&models, e))?;
        let root = fs::canonicalize(root).map_err(|e| RegistryError::io(root, e))?;
        let models = root.join(MODELS_DIR);

        let conn = store::connect(&root.join(store::DB_FILE))?;
        let mut registry = Registry {
            root,
            models,
            conn: Mutex::new(conn),
            recovery: RecoveryReport::default(),
        };
        registry.recovery = registry.recover()?;
        Ok(registry)
    }

    /// The registry root, made absolute.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What `open` cleaned up.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.recovery
    }

    /// Every registered model, in semantic-version order.
    pub fn list(&self) -> Result<Vec<ModelRecord>, RegistryError> {
        let mut conn = self.conn();
        // One read transaction, so aliases and models come from the same
        // snapshot even while another process registers.
        let tx = conn.transaction().context(|| "starting a read".into())?;
        let aliases = alias::alias_map(&tx)?;
        let mut records = store::load_models(&tx)?
            .into_iter()
            .map(|row| self.record(row, &aliases))
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by(|a, b| a.version.cmp(&b.version));
        Ok(records)
    }

    /// The model registered under `version_or_alias`: an exact version
    /// first, then an alias (alias names cannot contain dots, so the two
    /// never collide).
    pub fn get(&self, version_or_alias: &str) -> Result<ModelRecord, RegistryError> {
        let mut conn = self.conn();
        let tx = conn.transaction().context(|| "starting a read".into())?;
        let Some(version) = alias::resolve(&tx, version_or_alias)? else {
            return Err(not_found(&tx, version_or_alias)?);
        };
        let aliases = alias::alias_map(&tx)?;
        let row = store::load_model(&tx, &version)?.ok_or_else(|| RegistryError::Corrupt {
            detail: format!("{version_or_alias:?} resolves to {version}, which has no row"),
        })?;
        let record = self.record(row, &aliases)?;

        if !record.path.is_dir() {
            return Err(RegistryError::Corrupt {
                detail: format!(
                    "model {} is indexed but its bundle {} is missing",
                    record.version,
                    record.path.display()
                ),
            });
        }
        Ok(record)
    }

    /// Where the bundle of `record` lives inside this registry.
    pub fn bundle_path(&self, record: &ModelRecord) -> PathBuf {
        self.models.join(record.version.to_string())
    }

    /// The connection, even if a thread panicked while holding it: SQLite
    /// rolls back the open transaction when rusqlite's guard drops, so the
    /// connection itself stays usable.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(
        &self,
        row: store::StoredModel,
        aliases: &BTreeMap<String, Version>,
    ) -> Result<ModelRecord, RegistryError> {
        let version = stored_version(&row.version)?;
        let metadata =
            serde_json::from_str(&row.metadata).map_err(|err| RegistryError::Corrupt {
                detail: format!("metadata of model {version} is not JSON: {err}"),
            })?;
        let names = aliases
            .iter()
            .filter(|(_, target)| **target == version)
            .map(|(name, _)| name.clone())
            .collect();
        Ok(ModelRecord {
            path: self.models.join(&row.version),
            version,
            model_type: row.model_type,
            registered_at: row.registered_at,
            metadata,
            aliases: names,
        })
    }
}

/// A NotFound error for `name` that lists what the registry holds.
fn not_found(conn: &Connection, name: &str) -> Result<RegistryError, RegistryError> {
    const SHOWN: usize = 20;

    let mut versions = store::load_models(conn)?
        .into_iter()
        .map(|row| stored_version(&row.version))
        .collect::<Result<Vec<_>, _>>()?;
    versions.sort();
    let aliases = alias::alias_map(conn)?;

    let known = if versions.is_empty() {
        "nothing registered yet".to_string()
    } else {
        // The newest versions are the likely targets of a typo.
        let skipped = versions.len().saturating_sub(SHOWN);
        let mut listed: Vec<String> = versions[skipped..].iter().map(|v| v.to_string()).collect();
        if skipped > 0 {
            listed.insert(0, format!("{skipped} older"));
        }
        let pointers: Vec<String> = aliases.iter().map(|(a, v)| format!("{a} -> {v}")).collect();
        format!(
            "versions {}; aliases {}",
            listed.join(", "),
            if pointers.is_empty() {
                "none".to_string()
            } else {
                pointers.join(", ")
            }
        )
    };
    Ok(RegistryError::NotFound {
        what: format!("model version or alias {name:?}"),
        known,
    })
}
