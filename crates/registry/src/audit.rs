//! The audit trail of alias moves, and the rollback question it answers.
//!
//! The trail is append-only: rows are written by `alias.rs` in the same
//! transaction as the alias change they describe and never updated, so
//! it is a faithful history of who pointed which alias where, and why.
//! "What was production before?" is read from it rather than kept as a
//! separate column, so it cannot drift from the history.

use rusqlite::Connection;
use semver::Version;

use crate::error::SqlContext;
use crate::record::stored_version;
use crate::{alias, AliasMove, Registry, RegistryError};

impl Registry {
    /// The alias moves, oldest first; only those of `alias` if given.
    pub fn audit_trail(&self, alias: Option<&str>) -> Result<Vec<AliasMove>, RegistryError> {
        moves(&self.conn(), alias)
    }

    /// The version `alias` pointed at before its current target (or before
    /// it was removed): the version a rollback returns to. `None` when the
    /// alias never pointed anywhere else.
    pub fn previous_version(&self, alias: &str) -> Result<Option<Version>, RegistryError> {
        alias::validate(alias)?;
        let conn = self.conn();
        let current = alias::target(&conn, alias)?
            .map(|v| stored_version(&v))
            .transpose()?;
        let trail = moves(&conn, Some(alias))?;
        let previous = trail
            .into_iter()
            .rev()
            .filter_map(|m| m.from_version)
            .find(|from| Some(from) != current.as_ref());
        Ok(previous)
    }
}

/// Appends one move to the trail; runs in the caller's transaction.
pub(crate) fn record_move(
    conn: &Connection,
    alias: &str,
    from: Option<&str>,
    to: Option<&str>,
    actor: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> Result<AliasMove, RegistryError> {
    conn.execute(
        "INSERT INTO alias_moves (alias, from_version, to_version, actor, reason, moved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (alias, from, to, actor, reason, at),
    )
    .context(|| format!("recording the move of alias {alias:?}"))?;
    Ok(AliasMove {
        id: conn.last_insert_rowid(),
        alias: alias.to_string(),
        from_version: from.map(stored_version).transpose()?,
        to_version: to.map(stored_version).transpose()?,
        actor: actor.map(str::to_string),
        reason: reason.map(str::to_string),
        moved_at: at.to_string(),
    })
}

fn moves(conn: &Connection, alias: Option<&str>) -> Result<Vec<AliasMove>, RegistryError> {
    let context = || "reading the alias audit trail".to_string();
    let mut statement = conn
        .prepare(
            "SELECT id, alias, from_version, to_version, actor, reason, moved_at
             FROM alias_moves WHERE ?1 IS NULL OR alias = ?1 ORDER BY id",
        )
        .context(context)?;
    let rows = statement
        .query_map([alias], |row| {
            let entry = AliasMove {
                id: row.get(0)?,
                alias: row.get(1)?,
                from_version: None,
                to_version: None,
                actor: row.get(4)?,
                reason: row.get(5)?,
                moved_at: row.get(6)?,
            };
            Ok((
                entry,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })
        .context(context)?;

    let mut trail = Vec::new();
    for row in rows {
        // Versions are parsed here: the row closure's error type cannot say
        // that the index is corrupt.
        let (mut entry, from, to) = row.context(context)?;
        entry.from_version = from.as_deref().map(stored_version).transpose()?;
        entry.to_version = to.as_deref().map(stored_version).transpose()?;
        trail.push(entry);
    }
    Ok(trail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::registry_with;

    #[test]
    fn rollback_uses_the_previous_version_and_is_itself_audited() {
        let (_dir, registry) = registry_with(&["1.0.0", "2.0.0"]);
        assert_eq!(registry.previous_version("production").unwrap(), None);
        registry
            .set_alias("production", "1.0.0", None, None)
            .unwrap();
        registry
            .set_alias("production", "2.0.0", None, None)
            .unwrap();
        // Re-pointing at the current target must not hide the real previous.
        registry
            .set_alias("production", "2.0.0", None, None)
            .unwrap();

        let previous = registry.previous_version("production").unwrap().unwrap();
        assert_eq!(previous, Version::new(1, 0, 0));
        let rollback = registry
            .set_alias(
                "production",
                &previous.to_string(),
                Some("ana"),
                Some("cliff"),
            )
            .unwrap();
        assert_eq!(rollback.from_version, Some(Version::new(2, 0, 0)));
        assert_eq!(registry.get("production").unwrap().version, previous);
        assert_eq!(registry.audit_trail(None).unwrap().len(), 4);
        // After the rollback, "previous" is the version rolled back from.
        let undo = registry.previous_version("production").unwrap();
        assert_eq!(undo, Some(Version::new(2, 0, 0)));
    }
}
