//! The one error type of the registry.
//!
//! Every failure names the thing that was wrong: the version or alias as
//! the caller spelled it, the file or directory that could not be read or
//! written, or the database step that failed. Callers (the command line,
//! the serving layer) can match on the variant to choose an exit code or an
//! HTTP status without parsing messages.

use std::path::PathBuf;

/// What can go wrong while opening, reading or changing a registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A model version that is not a semantic version such as `1.4.0`.
    #[error("invalid model version {value:?}, expected MAJOR.MINOR.PATCH: {reason}")]
    InvalidVersion {
        /// The value as given.
        value: String,
        /// Why the semver parser refused it.
        reason: String,
    },

    /// A version that is already registered; versions are immutable.
    #[error("model version {version} is already registered")]
    DuplicateVersion {
        /// The version that exists already.
        version: String,
    },

    /// An alias name outside lowercase letters, digits, `-` and `_`.
    #[error("invalid alias {value:?}: use 1-64 of a-z, 0-9, '-' and '_'")]
    InvalidAlias {
        /// The alias as given.
        value: String,
    },

    /// A version or alias that the registry does not hold.
    #[error("no {what} in the registry (known: {known})")]
    NotFound {
        /// What was looked for, quoting the name.
        what: String,
        /// What the registry does hold, so the caller can correct a typo.
        known: String,
    },

    /// The bundle directory handed to `register` does not exist.
    #[error("bundle directory {} does not exist or is not a directory", path.display())]
    BundleMissing {
        /// The path as given.
        path: PathBuf,
    },

    /// A file system operation failed on the named path.
    #[error("i/o error on {}: {source}", path.display())]
    Io {
        /// The file or directory being read or written.
        path: PathBuf,
        /// The operating system error.
        #[source]
        source: std::io::Error,
    },

    /// A database operation failed.
    #[error("sqlite error while {context}: {source}")]
    Sqlite {
        /// The step that was running, e.g. "inserting model 1.2.0".
        context: String,
        /// The error reported by SQLite.
        #[source]
        source: rusqlite::Error,
    },

    /// The index and the files disagree, or the index holds unreadable data.
    #[error("registry is inconsistent: {detail}")]
    Corrupt {
        /// What was found, naming the version, alias or path.
        detail: String,
    },
}

impl RegistryError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Wraps a SQLite error with the step that was running.
    pub(crate) fn sqlite(context: impl Into<String>, source: rusqlite::Error) -> Self {
        Self::Sqlite {
            context: context.into(),
            source,
        }
    }
}

/// Attaches a description of the running step to a SQLite result.
pub(crate) trait SqlContext<T> {
    /// Turns a SQLite error into [`RegistryError::Sqlite`] with `context`.
    fn context(self, context: impl FnOnce() -> String) -> Result<T, RegistryError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T, RegistryError> {
        self.map_err(|source| RegistryError::sqlite(context(), source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_quote_the_offending_value() {
        let err = RegistryError::InvalidVersion {
            value: "v1".into(),
            reason: "unexpected character 'v'".into(),
        };
        assert!(err.to_string().contains("\"v1\""), "{err}");

        let err = RegistryError::NotFound {
            what: "model version or alias \"prod\"".into(),
            known: "versions 1.0.0; aliases staging".into(),
        };
        assert!(err.to_string().contains("\"prod\""), "{err}");
        assert!(err.to_string().contains("staging"), "{err}");
    }
}
