//! The prepared training set: one row per (stint, k) sample.
//!
//! This is the contract between preparation and everything after it
//! (models, evaluation, serving). A sample carries its keys, its split, a
//! feature vector laid out by [`FeatureSchema`] and the three targets of its
//! stint. Missing feature values are `f64::NAN`; nothing is filled in,
//! because gradient-boosted trees learn where missing values should go.

use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;

/// Which part of the data a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Fitting.
    Train,
    /// Early stopping, ensemble weights, thresholds.
    Validation,
    /// Reported metrics only.
    Test,
}

impl Split {
    /// All splits in report order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    /// Lower-case name, as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

/// How a feature column is to be read by a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// A number; NaN is missing.
    Numeric,
    /// A category stored as its index into these names (0.0, 1.0, ...);
    /// NaN is missing.
    Categorical(Vec<String>),
}

/// The names and kinds of the feature columns, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FeatureSchema {
    /// Column names, unique.
    pub names: Vec<String>,
    /// Kind of each column, same length as `names`.
    pub kinds: Vec<FeatureKind>,
}

impl FeatureSchema {
    /// Index of a feature by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Number of feature columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no features.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One sample: a stint as known before it starts (k = 0) or after k clean
/// laps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Championship year.
    pub season: i32,
    /// Round within the season.
    pub round: u32,
    /// Event name.
    pub event: String,
    /// Circuit id.
    pub track: String,
    /// Driver code.
    pub driver: String,
    /// Stint number within the race.
    pub stint: u32,
    /// Compound (SOFT, MEDIUM or HARD).
    pub compound: Compound,
    /// Clean laps observed.
    pub k: usize,
    /// Split of the sample's event.
    pub split: Split,
    /// True for the extra copies added by oversampling.
    pub oversampled: bool,
    /// Feature values laid out by the set's schema; NaN is missing.
    pub features: Vec<f64>,
    /// Target: degradation rate, s/lap.
    pub degradation_rate: f64,
    /// Target: usable life, laps of tire age.
    pub usable_life: f64,
    /// Target: the stint has a cliff.
    pub cliff: bool,
}

/// A prepared set of samples with its schema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SampleSet {
    /// Layout of every sample's `features`.
    pub schema: FeatureSchema,
    /// The samples, sorted by (season, round, driver, stint, k); oversampled
    /// copies follow the originals.
    pub samples: Vec<Sample>,
}
