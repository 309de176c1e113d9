//! The values the registry hands out: a registered model and an alias move.
//!
//! Both are plain data with public fields and `Serialize`, so the command
//! line can print them as JSON and the serving layer can return them
//! as-is. Versions are parsed `semver::Version`s rather than strings, so
//! sorting and comparing follow semantic-version precedence.

use std::path::PathBuf;

use semver::Version;
use serde::Serialize;

use crate::RegistryError;

/// One registered model version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRecord {
    /// The semantic version it was registered under; immutable.
    pub version: Version,
    /// The model family, e.g. `xgboost` or `lightgbm`.
    pub model_type: String,
    /// When it was registered, RFC 3339 in UTC.
    pub registered_at: String,
    /// Free-form training facts: date, sample counts, metrics.
    pub metadata: serde_json::Value,
    /// Aliases currently pointing at this version, sorted.
    pub aliases: Vec<String>,
    /// The bundle directory inside the registry.
    pub path: PathBuf,
}

/// One change of an alias, as kept in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasMove {
    /// Position in the trail; later moves have larger ids.
    pub id: i64,
    /// The alias that moved.
    pub alias: String,
    /// Where it pointed before; `None` when the move created it.
    pub from_version: Option<Version>,
    /// Where it points after; `None` when the move removed it.
    pub to_version: Option<Version>,
    /// Who asked for the move, if given.
    pub actor: Option<String>,
    /// Why, if given.
    pub reason: Option<String>,
    /// When, RFC 3339 in UTC.
    pub moved_at: String,
}

/// Parses a version given by a caller.
pub(crate) fn parse_version(value: &str) -> Result<Version, RegistryError> {
    Version::parse(value).map_err(|err| RegistryError::InvalidVersion {
        value: value.to_string(),
        reason: err.to_string(),
    })
}

/// Parses a version read back from the index, where a bad value means the
/// database was edited by hand or damaged.
pub(crate) fn stored_version(value: &str) -> Result<Version, RegistryError> {
    Version::parse(value).map_err(|err| RegistryError::Corrupt {
        detail: format!("index holds unparsable version {value:?}: {err}"),
    })
}

/// The current time as the registry writes it.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_versions_are_refused_with_the_value() {
        for bad in ["1.0", "v1", "abc", "1.0.0.0", "01.0.0", ""] {
            let err = parse_version(bad).err().unwrap();
            assert!(
                matches!(&err, RegistryError::InvalidVersion { value, .. } if value == bad),
                "{bad:?} gave {err}"
            );
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
        assert_eq!(parse_version("1.2.3-rc.1").unwrap().pre.as_str(), "rc.1");
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let now = now_rfc3339();
        assert!(now.ends_with('Z'), "{now}");
        assert!(chrono::DateTime::parse_from_rfc3339(&now).is_ok(), "{now}");
    }
}
