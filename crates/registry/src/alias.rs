//! Aliases: movable names (`staging`, `production`, `ab-a`) for versions.
//!
//! A version is immutable; promoting or rolling back means moving an
//! alias. Each move, including the ones `register` makes, writes one audit
//! row (see `audit.rs`) in the same transaction as the alias change, so
//! the trail can never disagree with the current aliases. Rolling back is
//! `set_alias(alias, previous_version(alias))`, itself a recorded move.
//!
//! Alias names are lowercase letters, digits, `-` and `_`. Excluding dots
//! keeps them disjoint from semantic versions, which is what lets `get`
//! accept either.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use semver::Version;

use crate::error::SqlContext;
use crate::record::{now_rfc3339, stored_version};
use crate::{audit, store, AliasMove, Registry, RegistryError};

const MAX_ALIAS_LEN: usize = 64;

impl Registry {
    /// Points `alias` at `version_or_alias` (a version, or another alias
    /// whose current target is taken), creating the alias if needed, and
    /// records the move. Re-pointing at the current target is recorded too.
    pub fn set_alias(
        &self,
        alias: &str,
        version_or_alias: &str,
        actor: Option<&str>,
        reason: Option<&str>,
    ) -> Result<AliasMove, RegistryError> {
        validate(alias)?;
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| format!("locking the index to move alias {alias:?}"))?;

        let Some(version) = resolve(&tx, version_or_alias)? else {
            return Err(crate::not_found(&tx, version_or_alias)?);
        };
        let moved = point(&tx, alias, &version, actor, reason, &now_rfc3339())?;
        tx.commit()
            .context(|| format!("committing the move of alias {alias:?}"))?;
        Ok(moved)
    }

    /// Deletes `alias` and records the removal.
    pub fn remove_alias(
        &self,
        alias: &str,
        actor: Option<&str>,
        reason: Option<&str>,
    ) -> Result<AliasMove, RegistryError> {
        validate(alias)?;
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| format!("locking the index to remove alias {alias:?}"))?;

        let Some(from) = target(&tx, alias)? else {
            let known = alias_map(&tx)?.into_keys().collect::<Vec<_>>().join(", ");
            return Err(RegistryError::NotFound {
                what: format!("alias {alias:?}"),
                known: format!("aliases {known}"),
            });
        };
        tx.execute("DELETE FROM aliases WHERE alias = ?1", [alias])
            .context(|| format!("removing alias {alias:?}"))?;
        let at = now_rfc3339();
        let moved = audit::record_move(&tx, alias, Some(&from), None, actor, reason, &at)?;
        tx.commit()
            .context(|| format!("committing the removal of alias {alias:?}"))?;
        Ok(moved)
    }

    /// Every alias and the version it points at.
    pub fn aliases(&self) -> Result<BTreeMap<String, Version>, RegistryError> {
        alias_map(&self.conn())
    }
}

/// Refuses alias names outside `[a-z0-9_-]{1,64}`.
pub(crate) fn validate(alias: &str) -> Result<(), RegistryError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if alias.is_empty() || alias.len() > MAX_ALIAS_LEN || !alias.chars().all(allowed) {
        return Err(RegistryError::InvalidAlias {
            value: alias.to_string(),
        });
    }
    Ok(())
}

/// The registered version named by `name`: the version itself if it is
/// one and registered, else the target of the alias `name`.
pub(crate) fn resolve(conn: &Connection, name: &str) -> Result<Option<String>, RegistryError> {
    if let Ok(version) = Version::parse(name) {
        let version = version.to_string();
        return Ok(store::load_model(conn, &version)?.map(|_| version));
    }
    if validate(name).is_err() {
        return Ok(None);
    }
    target(conn, name)
}

/// Points `alias` at `version` (which must have a row) and records the
/// move. Runs inside the caller's transaction.
pub(crate) fn point(
    conn: &Connection,
    alias: &str,
    version: &str,
    actor: Option<&str>,
    reason: Option<&str>,
    at: &str,
) -> Result<AliasMove, RegistryError> {
    let from = target(conn, alias)?;
    conn.execute(
        "INSERT INTO aliases (alias, version) VALUES (?1, ?2)
         ON CONFLICT (alias) DO UPDATE SET version = excluded.version",
        [alias, version],
    )
    .context(|| format!("pointing alias {alias:?} at {version}"))?;
    audit::record_move(
        conn,
        alias,
        from.as_deref(),
        Some(version),
        actor,
        reason,
        at,
    )
}

/// Where `alias` points now.
pub(crate) fn target(conn: &Connection, alias: &str) -> Result<Option<String>, RegistryError> {
    conn.query_row(
        "SELECT version FROM aliases WHERE alias = ?1",
        [alias],
        |row| row.get(0),
    )
    .optional()
    .context(|| format!("reading alias {alias:?}"))
}

/// Every alias with its target.
pub(crate) fn alias_map(conn: &Connection) -> Result<BTreeMap<String, Version>, RegistryError> {
    let context = || "listing aliases".to_string();
    let mut statement = conn
        .prepare("SELECT alias, version FROM aliases")
        .context(context)?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .context(context)?;
    let mut map = BTreeMap::new();
    for row in rows {
        let (alias, version) = row.context(context)?;
        map.insert(alias, stored_version(&version)?);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::registry_with;

    #[test]
    fn alias_names_are_checked() {
        for good in ["staging", "production", "ab-a", "ab_b", "v2"] {
            assert!(validate(good).is_ok(), "{good}");
        }
        for bad in ["", "Staging", "ab.a", "a/b", "a b", &"x".repeat(65)] {
            let err = validate(bad).err().unwrap();
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn alias_resolves_and_moves_are_audited() {
        let (_dir, registry) = registry_with(&["1.0.0", "1.1.0"]);
        let created = registry
            .set_alias("production", "1.0.0", Some("ana"), Some("first race"))
            .unwrap();
        assert_eq!(created.from_version, None);
        assert_eq!(
            registry.get("production").unwrap().version,
            Version::new(1, 0, 0)
        );

        let moved = registry
            .set_alias("production", "1.1.0", Some("ben"), Some("better mae"))
            .unwrap();
        assert_eq!(moved.from_version, Some(Version::new(1, 0, 0)));
        assert_eq!(moved.to_version, Some(Version::new(1, 1, 0)));
        assert_eq!(registry.get("production").unwrap().aliases, ["production"]);

        let trail = registry.audit_trail(Some("production")).unwrap();
        assert_eq!(trail, vec![created, moved.clone()]);
        assert_eq!(trail[1].actor.as_deref(), Some("ben"));
        assert_eq!(trail[1].reason.as_deref(), Some("better mae"));
        assert!(registry.audit_trail(Some("staging")).unwrap().is_empty());
    }

    #[test]
    fn promote_by_alias_remove_and_errors() {
        let (_dir, registry) = registry_with(&["1.0.0"]);
        registry.set_alias("staging", "1.0.0", None, None).unwrap();
        let promoted = registry
            .set_alias("production", "staging", None, None)
            .unwrap();
        assert_eq!(promoted.to_version, Some(Version::new(1, 0, 0)));

        let removed = registry.remove_alias("staging", Some("ana"), None).unwrap();
        assert_eq!(removed.to_version, None);
        let names: Vec<String> = registry.aliases().unwrap().into_keys().collect();
        assert_eq!(names, ["production"]);
        assert_eq!(
            registry.previous_version("staging").unwrap(),
            Some(Version::new(1, 0, 0))
        );

        let err = registry
            .set_alias("production", "9.9.9", None, None)
            .err()
            .unwrap();
        assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
        assert!(err.to_string().contains("\"9.9.9\""), "{err}");
        assert!(err.to_string().contains("1.0.0"), "{err}");
        let err = registry.get("staging").err().unwrap();
        assert!(err.to_string().contains("production -> 1.0.0"), "{err}");
        let err = registry.remove_alias("staging", None, None).err().unwrap();
        assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
        let err = registry
            .set_alias("Prod", "1.0.0", None, None)
            .err()
            .unwrap();
        assert!(matches!(err, RegistryError::InvalidAlias { .. }), "{err}");
        assert_eq!(registry.audit_trail(None).unwrap().len(), 3);
    }
}
