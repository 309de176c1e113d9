//! The one error type of the crate.
//!
//! Every failure, whether it comes from a bad hyperparameter, a data set
//! that does not fit a model, a native library or a damaged bundle on disk,
//! is a [`ModelError`] whose message names what was wrong and where: the
//! parameter and its value, the column, the sample, the file.

use std::path::{Path, PathBuf};

use crate::head::{Backend, Target};

/// Why training, prediction, saving or loading failed.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A hyperparameter is out of range.
    #[error("parameter {key} = {value}: {expected}")]
    InvalidParameter {
        /// Dotted configuration key, e.g. `training.xgboost.max_depth`.
        key: String,
        /// The value as given.
        value: String,
        /// What would be valid.
        expected: String,
    },
    /// A matrix or a row does not have the expected shape.
    #[error("{0}")]
    Shape(String),
    /// A categorical column holds something other than a category index.
    #[error(
        "column {column}, row {row}: value {value} is not a category index \
         (expected NaN or an integer in 0..{count})"
    )]
    Category {
        /// Column name.
        column: String,
        /// Row index in the matrix.
        row: usize,
        /// The offending value.
        value: f64,
        /// Number of categories of the column.
        count: usize,
    },
    /// A training or validation target is NaN or infinite.
    #[error("target {target} of sample {sample} is {value}, not a finite number")]
    NonFiniteTarget {
        /// Which target.
        target: Target,
        /// The sample's keys.
        sample: String,
        /// The value.
        value: f64,
    },
    /// A split that training needs holds no sample.
    #[error("{0}")]
    MissingData(String),
    /// Too few stints to train a meaningful model.
    #[error(
        "only {found} distinct stints in the data, at least {required} are needed \
         (training.min_stints); pass --allow-small to train anyway"
    )]
    TooFewStints {
        /// Distinct stints found.
        found: usize,
        /// `training.min_stints`.
        required: usize,
    },
    /// The input's feature schema differs from the model's.
    #[error("feature schema differs from the model's: {}", .differences.join("; "))]
    SchemaMismatch {
        /// Each difference, e.g. `missing column tire_age_start`.
        differences: Vec<String>,
    },
    /// A native library reported an error.
    #[error("{backend} failed while {during}: {message}")]
    Library {
        /// Which library.
        backend: Backend,
        /// What this crate was doing.
        during: String,
        /// The library's own message.
        message: String,
    },
    /// A bundle file is missing, unreadable or inconsistent.
    #[error("{}: {message}", .path.display())]
    BundleFile {
        /// The file (or bundle directory).
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl ModelError {
    pub(crate) fn library(backend: Backend, during: &str, message: impl ToString) -> Self {
        ModelError::Library {
            backend,
            during: during.to_string(),
            message: message.to_string(),
        }
    }

    pub(crate) fn file(path: &Path, message: impl ToString) -> Self {
        ModelError::BundleFile {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }

    pub(crate) fn invalid(key: &str, value: impl ToString, expected: &str) -> Self {
        ModelError::InvalidParameter {
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
}

impl From<tiredeg_config::ConfigError> for ModelError {
    fn from(error: tiredeg_config::ConfigError) -> Self {
        match error {
            tiredeg_config::ConfigError::Invalid {
                key,
                value,
                expected,
            } => ModelError::InvalidParameter {
                key,
                value,
                expected,
            },
            other => ModelError::InvalidParameter {
                key: "<config>".to_string(),
                value: String::new(),
                expected: other.to_string(),
            },
        }
    }
}
