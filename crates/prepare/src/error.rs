//! The one error type of preparation.
//!
//! Preparation itself only fails on a feature definition (a duplicate
//! name, an expression that does not compile), because bad laps are
//! counted, not fatal. Everything else is file work: writing the prepared
//! tables and reading them back, where the error names the file and, for
//! a bad value, the row and column.

/// Why preparation, or reading or writing its files, failed.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// A user expression does not compile.
    #[error("feature {feature:?} = {expr:?}: {message}")]
    Expression {
        /// The feature being defined.
        feature: String,
        /// Its expression.
        expr: String,
        /// What is wrong, e.g. `unknown feature name "tire_age"`.
        message: String,
    },
    /// Two features have the same name.
    #[error("feature name {name:?} is used twice (the second is a {what} feature)")]
    DuplicateFeature {
        /// The name.
        name: String,
        /// Where the second one comes from: context, track table, ...
        what: String,
    },
    /// A file could not be opened, created or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not a readable table, or lacks a column.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value in a file cannot be read.
    #[error("{path}: row {row}, column {column}: {message}")]
    Value {
        /// The file.
        path: String,
        /// Data row, from 1.
        row: usize,
        /// Column name.
        column: String,
        /// What is wrong, quoting the value.
        message: String,
    },
}
