//! What can go wrong when evaluating: inputs that do not line up, values
//! that are not numbers, a schema without the feature a baseline needs, and
//! files that cannot be written.
//!
//! Errors name the sample by its keys (season, round, driver, stint, k) as
//! well as its position, because the position alone means nothing to
//! someone reading a failed training run.

use std::path::PathBuf;

/// An evaluation that cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A prediction vector does not have one value per evaluation sample.
    #[error("predicted {head} has {found} values for {expected} evaluation samples")]
    LengthMismatch {
        /// Which vector of `Predicted`.
        head: &'static str,
        /// Number of evaluation samples.
        expected: usize,
        /// Number of values given.
        found: usize,
    },
    /// A model predicted NaN or an infinity.
    #[error(
        "predicted {head} of evaluation sample {index} ({sample}) is {value}, not a finite number"
    )]
    NonFinitePrediction {
        /// Which vector of `Predicted`.
        head: &'static str,
        /// Position in the evaluation samples.
        index: usize,
        /// The sample's keys.
        sample: String,
        /// The value predicted.
        value: f64,
    },
    /// A target is NaN or an infinity, which preparation must never write.
    #[error("{set} sample {index} ({sample}) has {target} {value}, not a finite number")]
    NonFiniteTarget {
        /// "training" or "evaluation".
        set: &'static str,
        /// Position in that set.
        index: usize,
        /// The sample's keys.
        sample: String,
        /// Which target.
        target: &'static str,
        /// The target value.
        value: f64,
    },
    /// The compound_median baseline needs training samples.
    #[error("no training samples (after leaving out oversampled copies) to compute the compound_median baseline from")]
    NoTrainingSamples,
    /// The schema lacks the feature the observed_slope baseline reads.
    #[error("feature {name:?} is not in the schema ({count} features); the observed_slope baseline needs it")]
    MissingFeature {
        /// The feature name looked for.
        name: &'static str,
        /// Number of features in the schema.
        count: usize,
    },
    /// A sample's feature vector is shorter than the schema.
    #[error("evaluation sample {index} ({sample}) has {found} feature values but the schema has {expected}")]
    FeatureCount {
        /// Position in the evaluation samples.
        index: usize,
        /// The sample's keys.
        sample: String,
        /// Number of features in the schema.
        expected: usize,
        /// Number of values in the sample.
        found: usize,
    },
    /// A report file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The keys of a sample, for error messages.
pub(crate) fn describe(sample: &tiredeg_prepare::Sample) -> String {
    format!(
        "{} round {} {} stint {} k {}",
        sample.season, sample.round, sample.driver, sample.stint, sample.k
    )
}
