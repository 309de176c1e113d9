//! The SQLite index: connection settings, schema, and the model rows.
//!
//! The database is the source of truth for what is registered; a bundle
//! directory without a row does not exist as far as readers are concerned.
//! WAL mode lets readers proceed while one process writes, and the busy
//! timeout makes concurrent writers queue instead of failing. Every write
//! runs in a `BEGIN IMMEDIATE` transaction, which takes the write lock up
//! front: `register` relies on holding that lock from its first insert to
//! its commit, and the orphan sweep relies on it too (see `recover.rs`).
//!
//! The schema version lives in `PRAGMA user_version`, set in the same
//! transaction that creates the tables, so a crash during creation leaves
//! an empty database that the next open initialises again.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::SqlContext;
use crate::RegistryError;

/// File name of the index inside the registry root.
pub(crate) const DB_FILE: &str = "registry.sqlite";

/// The schema this build reads and writes.
pub(crate) const SCHEMA_VERSION: i64 = 1;

/// How long a writer waits for another process's transaction. Register
/// transactions last milliseconds (the bundle copy happens before them),
/// so this is only reached if something is badly stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA_V1: &str = "
    CREATE TABLE models (
        version       TEXT PRIMARY KEY,
        model_type    TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        metadata      TEXT NOT NULL
    );
    CREATE TABLE aliases (
        alias   TEXT PRIMARY KEY,
        version TEXT NOT NULL REFERENCES models(version)
    );
    CREATE TABLE alias_moves (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        alias        TEXT NOT NULL,
        from_version TEXT REFERENCES models(version),
        to_version   TEXT REFERENCES models(version),
        actor        TEXT,
        reason       TEXT,
        moved_at     TEXT NOT NULL
    );
    CREATE INDEX alias_moves_by_alias ON alias_moves(alias, id);
";

/// A model row as stored, before parsing.
pub(crate) struct StoredModel {
    pub(crate) version: String,
    pub(crate) model_type: String,
    pub(crate) registered_at: String,
    pub(crate) metadata: String,
}

/// Opens (creating if needed) the index at `path`, configured for
/// concurrent use and migrated to [`SCHEMA_VERSION`].
pub(crate) fn connect(path: &Path) -> Result<Connection, RegistryError> {
    let shown = path.display();
    let mut conn = Connection::open(path).context(|| format!("opening {shown}"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .context(|| "setting the busy timeout".into())?;

    let mode = switch_to_wal(&conn).context(|| format!("switching {shown} to WAL mode"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RegistryError::Corrupt {
            detail: format!("{shown} refused WAL mode (journal mode is {mode:?})"),
        });
    }
    // FULL makes each commit durable on its own, which the publish order
    // (rename, then commit) needs to survive power loss.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .context(|| "setting synchronous and foreign_keys".into())?;

    migrate(&mut conn)?;
    Ok(conn)
}

/// Sets WAL mode. Changing the journal mode of a new database takes an
/// exclusive lock and SQLite reports "database is locked" at once, without
/// calling the busy handler, when another process does the same at that
/// moment (two first registers into a new registry); so this retries for as
/// long as the busy timeout allows.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)) {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<(), RegistryError> {
    // The common case needs no write lock, so opening does not queue
    // behind a register in another process.
    if schema_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .context(|| "locking the index to check its schema".into())?;
    match schema_version(&tx)? {
        0 => {
            tx.execute_batch(SCHEMA_V1)
                .context(|| "creating the schema".into())?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .context(|| "recording the schema version".into())?;
        }
        SCHEMA_VERSION => {}
        other => {
            return Err(RegistryError::Corrupt {
                detail: format!(
                    "index schema version is {other}, this build understands {SCHEMA_VERSION}"
                ),
            })
        }
    }
    tx.commit().context(|| "committing the schema".into())
}

fn schema_version(conn: &Connection) -> Result<i64, RegistryError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .context(|| "reading the schema version".into())
}

/// Inserts a model row, refusing a version that exists.
pub(crate) fn insert_model(conn: &Connection, model: &StoredModel) -> Result<(), RegistryError> {
    if load_model(conn, &model.version)?.is_some() {
        return Err(RegistryError::DuplicateVersion {
            version: model.version.clone(),
        });
    }
    conn.execute(
        "INSERT INTO models (version, model_type, registered_at, metadata)
         VALUES (?1, ?2, ?3, ?4)",
        (
            &model.version,
            &model.model_type,
            &model.registered_at,
            &model.metadata,
        ),
    )
    .context(|| format!("inserting model {}", model.version))?;
    Ok(())
}

/// The row of one version, if registered.
pub(crate) fn load_model(
    conn: &Connection,
    version: &str,
) -> Result<Option<StoredModel>, RegistryError> {
    conn.query_row(
        "SELECT version, model_type, registered_at, metadata
         FROM models WHERE version = ?1",
        [version],
        row_to_model,
    )
    .optional()
    .context(|| format!("reading model {version}"))
}

/// Every model row, in no particular order.
pub(crate) fn load_models(conn: &Connection) -> Result<Vec<StoredModel>, RegistryError> {
    let context = || "listing models".to_string();
    let mut statement = conn
        .prepare("SELECT version, model_type, registered_at, metadata FROM models")
        .context(context)?;
    let rows = statement.query_map([], row_to_model).context(context)?;
    rows.collect::<Result<_, _>>().context(context)
}

fn row_to_model(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredModel> {
    Ok(StoredModel {
        version: row.get(0)?,
        model_type: row.get(1)?,
        registered_at: row.get(2)?,
        metadata: row.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(version: &str) -> StoredModel {
        StoredModel {
            version: version.into(),
            model_type: "lightgbm".into(),
            registered_at: "2025-01-01T00:00:00.000Z".into(),
            metadata: "{}".into(),
        }
    }

    #[test]
    fn schema_is_created_once_and_settings_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let conn = connect(&path).unwrap();
        insert_model(&conn, &model("1.0.0")).unwrap();
        drop(conn);

        // Reopening must keep the data, not recreate the tables.
        let conn = connect(&path).unwrap();
        assert_eq!(load_models(&conn).unwrap().len(), 1);
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        drop(connect(&path).unwrap());
        let raw = Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", 7).unwrap();
        drop(raw);

        let err = connect(&path).err().unwrap();
        assert!(matches!(err, RegistryError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains('7'), "{err}");
    }

    #[test]
    fn duplicate_rows_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let conn = connect(&dir.path().join(DB_FILE)).unwrap();
        insert_model(&conn, &model("1.2.0")).unwrap();
        let err = insert_model(&conn, &model("1.2.0")).err().unwrap();
        assert!(err.to_string().contains("1.2.0 is already registered"));
    }
}
