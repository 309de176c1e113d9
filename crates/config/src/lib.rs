//! The training configuration.
//!
//! Every number the preparation and training steps use is a default here,
//! never a constant in the code that uses it, so that a data scientist can
//! change a threshold in `config/models/training_config.yaml` and the model
//! remembers which thresholds made it: the configuration actually used is
//! written beside every output and saved in every model bundle.
//!
//! A configuration is parsed with unknown keys refused (a misspelt key
//! would otherwise silently leave a default in force) and then checked once
//! by [`TrainingConfig::validate`]; code downstream can trust its values.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The YAML is malformed or has an unknown key or a wrong type.
    #[error("config {origin}: {message}")]
    Parse {
        /// The file, or "<text>".
        origin: String,
        /// What the parser said, with the key and position.
        message: String,
    },
    /// A value is out of range.
    #[error("config key {key} = {value}: {expected}")]
    Invalid {
        /// Dotted key, e.g. `cliff.min_right_slope`.
        key: String,
        /// The offending value as written.
        value: String,
        /// What would be valid.
        expected: String,
    },
}

/// The whole configuration: preparation (SPEC 2-5) and training (SPEC 7).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingConfig {
    /// Which laps are read.
    pub data: DataConfig,
    /// Clean-lap rules.
    pub clean_laps: CleanLapConfig,
    /// Fuel correction.
    pub fuel: FuelConfig,
    /// Which stints are kept.
    pub stints: StintConfig,
    /// Cliff detection.
    pub cliff: CliffConfig,
    /// Usable life.
    pub usable_life: UsableLifeConfig,
    /// Samples per stint.
    pub samples: SampleConfig,
    /// Feature store settings and user features.
    pub features: FeatureConfig,
    /// Train/validation/test split.
    pub split: SplitConfig,
    /// Oversampling of rare compounds in the training split.
    pub oversample: OversampleConfig,
    /// Model training.
    pub training: ModelConfig,
}

/// Which laps are read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConfig {
    /// Keep only these seasons; empty keeps all.
    pub seasons: Vec<i32>,
}

/// Clean-lap rules of SPEC 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanLapConfig {
    /// A lap slower than this factor times the stint's median is not clean.
    pub slow_lap_factor: f64,
    /// Leave out the first lap of the race.
    pub exclude_first_lap: bool,
    /// Characters of the track status code that count as green.
    pub green_status_codes: String,
}

impl Default for CleanLapConfig {
    fn default() -> Self {
        CleanLapConfig {
            slow_lap_factor: 1.07,
            exclude_first_lap: true,
            green_status_codes: "1".to_string(),
        }
    }
}

/// Fuel correction of SPEC 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FuelConfig {
    /// Seconds per lap that the burning fuel gains; added back per lap run.
    pub effect_s_per_lap: f64,
}

impl Default for FuelConfig {
    fn default() -> Self {
        FuelConfig {
            effect_s_per_lap: 0.055,
        }
    }
}

/// Which stints are modelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StintConfig {
    /// Stints with fewer clean laps are left out.
    pub min_clean_laps: usize,
}

impl Default for StintConfig {
    fn default() -> Self {
        StintConfig { min_clean_laps: 5 }
    }
}

/// Cliff detection of SPEC 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CliffConfig {
    /// Stints with fewer clean laps have no cliff.
    pub min_laps: usize,
    /// Smallest left part of a split.
    pub min_left_laps: usize,
    /// Smallest right part of a split.
    pub min_right_laps: usize,
    /// Smallest slope after the cliff, s/lap.
    pub min_right_slope: f64,
    /// Smallest rise of the slope at the cliff, s/lap.
    pub min_slope_increase: f64,
    /// The two-line fit's squared error must be at most this share of the
    /// one-line fit's.
    pub max_error_ratio: f64,
}

impl Default for CliffConfig {
    fn default() -> Self {
        CliffConfig {
            min_laps: 8,
            min_left_laps: 5,
            min_right_laps: 3,
            min_right_slope: 0.2,
            min_slope_increase: 0.2,
            max_error_ratio: 0.6,
        }
    }
}

/// Usable life of SPEC 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UsableLifeConfig {
    /// Seconds of loss that end a tire's useful life.
    pub loss_threshold_s: f64,
    /// Floor on the degradation rate when dividing, s/lap.
    pub min_rate: f64,
    /// Smallest usable life, laps.
    pub min_laps: f64,
    /// Largest usable life, laps.
    pub max_laps: f64,
}

impl Default for UsableLifeConfig {
    fn default() -> Self {
        UsableLifeConfig {
            loss_threshold_s: 2.0,
            min_rate: 0.005,
            min_laps: 1.0,
            max_laps: 80.0,
        }
    }
}

/// Samples of SPEC 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleConfig {
    /// Numbers of clean laps observed; 0 is "before the stint".
    pub k_values: Vec<usize>,
    /// A sample at k needs at least k plus this many clean laps.
    pub min_laps_after_k: usize,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            k_values: vec![0, 3, 5],
            min_laps_after_k: 3,
        }
    }
}

/// Feature store settings and user-defined features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeatureConfig {
    /// Pseudo-count that shrinks the driver degradation delta toward 0.
    pub driver_history_prior: f64,
    /// User features: a name and an expression over existing features.
    pub expressions: Vec<FeatureExpression>,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            driver_history_prior: 5.0,
            expressions: Vec::new(),
        }
    }
}

/// A user feature, e.g. `{name: tire_age_start_sq, expr: "tire_age_start ^ 2"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureExpression {
    /// Column name of the new feature.
    pub name: String,
    /// Expression over existing numeric features: + - * / ^, parentheses,
    /// numbers and feature names.
    pub expr: String,
}

/// How samples are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitMethod {
    /// By a hash of the event (SPEC 5).
    Hash,
    /// By season.
    Temporal,
}

/// Train/validation/test split of SPEC 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SplitConfig {
    /// Hash or temporal.
    pub method: SplitMethod,
    /// Seed mixed into the event hash.
    pub seed: u64,
    /// Hash buckets (of 10000) below this are train.
    pub train_below: u64,
    /// Hash buckets below this (and not train) are validation.
    pub validation_below: u64,
    /// Temporal split: first test season; `None` is the latest season.
    pub test_from_season: Option<i32>,
}

impl Default for SplitConfig {
    fn default() -> Self {
        SplitConfig {
            method: SplitMethod::Hash,
            seed: 42,
            train_below: 7000,
            validation_below: 8500,
            test_from_season: None,
        }
    }
}

/// Oversampling of rare compounds, training split only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OversampleConfig {
    /// Whether to oversample at all.
    pub enabled: bool,
    /// A compound below this share of the most common one is repeated up
    /// to it.
    pub min_share_of_largest: f64,
    /// Seed of the deterministic choice of repeated samples.
    pub seed: u64,
}

impl Default for OversampleConfig {
    fn default() -> Self {
        OversampleConfig {
            enabled: true,
            min_share_of_largest: 0.5,
            seed: 42,
        }
    }
}

/// Model training of SPEC 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// Training is refused below this many stints unless allowed.
    pub min_stints: usize,
    /// Seed of both libraries.
    pub seed: u64,
    /// Boosting rounds at most.
    pub n_estimators: usize,
    /// Shrinkage.
    pub learning_rate: f64,
    /// Rounds without validation improvement before stopping.
    pub early_stopping_rounds: usize,
    /// Threads for the libraries; 0 lets them choose.
    pub threads: usize,
    /// XGBoost parameters.
    pub xgboost: XgboostParams,
    /// LightGBM parameters.
    pub lightgbm: LightgbmParams,
    /// Ensemble weights are searched on this grid step in [0, 1].
    pub ensemble_weight_step: f64,
    /// Candidate cliff thresholds: from, to, step.
    pub cliff_threshold_grid: [f64; 3],
    /// Cliff threshold when no candidate gives an F1 above 0.
    pub cliff_threshold_fallback: f64,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            min_stints: 1000,
            seed: 42,
            n_estimators: 1000,
            learning_rate: 0.05,
            early_stopping_rounds: 50,
            threads: 0,
            xgboost: XgboostParams::default(),
            lightgbm: LightgbmParams::default(),
            ensemble_weight_step: 0.05,
            cliff_threshold_grid: [0.05, 0.95, 0.05],
            cliff_threshold_fallback: 0.5,
        }
    }
}

/// XGBoost parameters by their usual names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct XgboostParams {
    /// Tree method; `hist` by default.
    pub tree_method: String,
    /// Largest tree depth.
    pub max_depth: u32,
    /// Smallest hessian sum in a leaf.
    pub min_child_weight: f64,
    /// Row subsample ratio.
    pub subsample: f64,
    /// Column subsample ratio per tree.
    pub colsample_bytree: f64,
    /// Smallest loss reduction to split.
    pub gamma: f64,
    /// L1 regularisation.
    pub reg_alpha: f64,
    /// L2 regularisation.
    pub reg_lambda: f64,
}

impl Default for XgboostParams {
    fn default() -> Self {
        XgboostParams {
            tree_method: "hist".to_string(),
            max_depth: 6,
            min_child_weight: 1.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            gamma: 0.0,
            reg_alpha: 0.0,
            reg_lambda: 1.0,
        }
    }
}

/// LightGBM parameters by their usual names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LightgbmParams {
    /// Leaves per tree.
    pub num_leaves: u32,
    /// Largest depth; -1 is unlimited.
    pub max_depth: i32,
    /// Smallest number of samples in a leaf.
    pub min_child_samples: u32,
    /// Row subsample ratio (bagging fraction).
    pub subsample: f64,
    /// Column subsample ratio (feature fraction).
    pub colsample_bytree: f64,
    /// L1 regularisation.
    pub reg_alpha: f64,
    /// L2 regularisation.
    pub reg_lambda: f64,
}

impl Default for LightgbmParams {
    fn default() -> Self {
        LightgbmParams {
            num_leaves: 31,
            max_depth: -1,
            min_child_samples: 20,
            subsample: 1.0,
            colsample_bytree: 1.0,
            reg_alpha: 0.0,
            reg_lambda: 0.0,
        }
    }
}

fn invalid(key: &str, value: impl ToString, expected: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

fn check_range(key: &str, value: f64, low: f64, high: f64) -> Result<(), ConfigError> {
    if value.is_finite() && value >= low && value <= high {
        Ok(())
    } else {
        Err(invalid(
            key,
            value,
            &format!("must be within [{low}, {high}]"),
        ))
    }
}

fn check_positive(key: &str, value: f64) -> Result<(), ConfigError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(key, value, "must be a finite number above 0"))
    }
}

fn check_at_least(key: &str, value: usize, low: usize) -> Result<(), ConfigError> {
    if value >= low {
        Ok(())
    } else {
        Err(invalid(key, value, &format!("must be at least {low}")))
    }
}

impl TrainingConfig {
    /// Parses YAML text (unknown keys refused) and validates it.
    pub fn from_yaml_str(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let config: TrainingConfig = if text.trim().is_empty() {
            TrainingConfig::default()
        } else {
            serde_yaml_ng::from_str(text).map_err(|error| ConfigError::Parse {
                origin: origin.to_string(),
                message: error.to_string(),
            })?
        };
        config.validate()?;
        Ok(config)
    }

    /// Reads, parses and validates a YAML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_yaml_str(&text, &path.display().to_string())
    }

    /// The configuration as YAML, as written beside outputs.
    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).unwrap_or_default()
    }

    /// Checks every value's range; the first problem is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let c = &self.clean_laps;
        if !(c.slow_lap_factor.is_finite() && c.slow_lap_factor >= 1.0) {
            return Err(invalid(
                "clean_laps.slow_lap_factor",
                c.slow_lap_factor,
                "must be a number of at least 1",
            ));
        }
        if c.green_status_codes.is_empty() {
            return Err(invalid(
                "clean_laps.green_status_codes",
                "\"\"",
                "must name at least one status character",
            ));
        }
        check_range(
            "fuel.effect_s_per_lap",
            self.fuel.effect_s_per_lap,
            0.0,
            1.0,
        )?;
        check_at_least("stints.min_clean_laps", self.stints.min_clean_laps, 2)?;

        let cliff = &self.cliff;
        check_at_least("cliff.min_left_laps", cliff.min_left_laps, 2)?;
        check_at_least("cliff.min_right_laps", cliff.min_right_laps, 2)?;
        check_at_least(
            "cliff.min_laps",
            cliff.min_laps,
            cliff.min_left_laps + cliff.min_right_laps,
        )?;
        check_range("cliff.min_right_slope", cliff.min_right_slope, 0.0, 100.0)?;
        check_range(
            "cliff.min_slope_increase",
            cliff.min_slope_increase,
            0.0,
            100.0,
        )?;
        check_range("cliff.max_error_ratio", cliff.max_error_ratio, 0.0, 1.0)?;

        let life = &self.usable_life;
        check_positive("usable_life.loss_threshold_s", life.loss_threshold_s)?;
        check_positive("usable_life.min_rate", life.min_rate)?;
        check_positive("usable_life.min_laps", life.min_laps)?;
        if !(life.max_laps.is_finite() && life.max_laps >= life.min_laps) {
            return Err(invalid(
                "usable_life.max_laps",
                life.max_laps,
                "must be at least usable_life.min_laps",
            ));
        }

        if self.samples.k_values.is_empty() {
            return Err(invalid(
                "samples.k_values",
                "[]",
                "must list at least one k",
            ));
        }
        if !self.samples.k_values.windows(2).all(|w| w[0] < w[1]) {
            return Err(invalid(
                "samples.k_values",
                format!("{:?}", self.samples.k_values),
                "must be strictly increasing",
            ));
        }
        if self.samples.k_values[0] != 0 {
            return Err(invalid(
                "samples.k_values",
                format!("{:?}", self.samples.k_values),
                "must start with 0 (the sample before the stint)",
            ));
        }
        check_range(
            "features.driver_history_prior",
            self.features.driver_history_prior,
            0.0,
            1e6,
        )?;
        for (index, feature) in self.features.expressions.iter().enumerate() {
            if feature.name.trim().is_empty() {
                return Err(invalid(
                    &format!("features.expressions[{index}].name"),
                    "\"\"",
                    "must not be empty",
                ));
            }
            if feature.expr.trim().is_empty() {
                return Err(invalid(
                    &format!("features.expressions[{index}].expr"),
                    "\"\"",
                    "must not be empty",
                ));
            }
        }

        let split = &self.split;
        if split.train_below == 0 || split.train_below > split.validation_below {
            return Err(invalid(
                "split.train_below",
                split.train_below,
                "must be above 0 and at most split.validation_below",
            ));
        }
        if split.validation_below > 10000 {
            return Err(invalid(
                "split.validation_below",
                split.validation_below,
                "must be at most 10000",
            ));
        }
        check_range(
            "oversample.min_share_of_largest",
            self.oversample.min_share_of_largest,
            0.0,
            1.0,
        )?;

        let t = &self.training;
        check_at_least("training.n_estimators", t.n_estimators, 1)?;
        check_at_least("training.early_stopping_rounds", t.early_stopping_rounds, 1)?;
        if !(t.learning_rate.is_finite() && t.learning_rate > 0.0 && t.learning_rate <= 1.0) {
            return Err(invalid(
                "training.learning_rate",
                t.learning_rate,
                "must be within (0, 1]",
            ));
        }
        if !(t.ensemble_weight_step > 0.0 && t.ensemble_weight_step <= 1.0) {
            return Err(invalid(
                "training.ensemble_weight_step",
                t.ensemble_weight_step,
                "must be within (0, 1]",
            ));
        }
        let [from, to, step] = t.cliff_threshold_grid;
        if !(from > 0.0 && to < 1.0 && from <= to && step > 0.0) {
            return Err(invalid(
                "training.cliff_threshold_grid",
                format!("{:?}", t.cliff_threshold_grid),
                "must be [from, to, step] with 0 < from <= to < 1 and step > 0",
            ));
        }
        check_range(
            "training.cliff_threshold_fallback",
            t.cliff_threshold_fallback,
            0.0,
            1.0,
        )?;

        let x = &t.xgboost;
        if !["hist", "approx", "exact"].contains(&x.tree_method.as_str()) {
            return Err(invalid(
                "training.xgboost.tree_method",
                &x.tree_method,
                "must be hist, approx or exact",
            ));
        }
        if x.max_depth == 0 || x.max_depth > 32 {
            return Err(invalid(
                "training.xgboost.max_depth",
                x.max_depth,
                "must be within [1, 32]",
            ));
        }
        check_range(
            "training.xgboost.min_child_weight",
            x.min_child_weight,
            0.0,
            1e6,
        )?;
        check_fraction("training.xgboost.subsample", x.subsample)?;
        check_fraction("training.xgboost.colsample_bytree", x.colsample_bytree)?;
        check_range("training.xgboost.gamma", x.gamma, 0.0, 1e6)?;
        check_range("training.xgboost.reg_alpha", x.reg_alpha, 0.0, 1e6)?;
        check_range("training.xgboost.reg_lambda", x.reg_lambda, 0.0, 1e6)?;

        let l = &t.lightgbm;
        if l.num_leaves < 2 || l.num_leaves > 131_072 {
            return Err(invalid(
                "training.lightgbm.num_leaves",
                l.num_leaves,
                "must be within [2, 131072]",
            ));
        }
        if l.max_depth == 0 || l.max_depth < -1 {
            return Err(invalid(
                "training.lightgbm.max_depth",
                l.max_depth,
                "must be -1 (unlimited) or at least 1",
            ));
        }
        check_fraction("training.lightgbm.subsample", l.subsample)?;
        check_fraction("training.lightgbm.colsample_bytree", l.colsample_bytree)?;
        check_range("training.lightgbm.reg_alpha", l.reg_alpha, 0.0, 1e6)?;
        check_range("training.lightgbm.reg_lambda", l.reg_lambda, 0.0, 1e6)?;
        Ok(())
    }
}

fn check_fraction(key: &str, value: f64) -> Result<(), ConfigError> {
    if value.is_finite() && value > 0.0 && value <= 1.0 {
        Ok(())
    } else {
        Err(invalid(key, value, "must be within (0, 1]"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec_and_validate() {
        let config = TrainingConfig::default();
        config.validate().unwrap();
        assert_eq!(config.clean_laps.slow_lap_factor, 1.07);
        assert_eq!(config.fuel.effect_s_per_lap, 0.055);
        assert_eq!(config.samples.k_values, vec![0, 3, 5]);
        assert_eq!(config.split.seed, 42);
        assert_eq!(config.training.xgboost.max_depth, 6);
        assert_eq!(config.training.lightgbm.num_leaves, 31);
    }

    #[test]
    fn unknown_key_is_named() {
        let error = TrainingConfig::from_yaml_str("cliff:\n  min_rigth_slope: 0.3\n", "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("min_rigth_slope"), "{error}");
    }

    #[test]
    fn out_of_range_value_is_named() {
        let error = TrainingConfig::from_yaml_str("cliff:\n  max_error_ratio: 1.5\n", "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("cliff.max_error_ratio"), "{error}");
        assert!(error.contains("1.5"), "{error}");
    }

    #[test]
    fn partial_file_keeps_other_defaults() {
        let config =
            TrainingConfig::from_yaml_str("fuel:\n  effect_s_per_lap: 0.06\n", "t.yaml").unwrap();
        assert_eq!(config.fuel.effect_s_per_lap, 0.06);
        assert_eq!(config.stints.min_clean_laps, 5);
    }

    #[test]
    fn yaml_round_trips() {
        let config = TrainingConfig::default();
        let again = TrainingConfig::from_yaml_str(&config.to_yaml(), "round trip").unwrap();
        assert_eq!(config, again);
    }
}

#[cfg(test)]
mod shipped_file {
    use super::*;

    /// The shipped YAML must be exactly the defaults, so that "the
    /// defaults" means one thing.
    #[test]
    fn shipped_config_equals_defaults() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/models/training_config.yaml"
        );
        let config = TrainingConfig::from_file(Path::new(path)).unwrap();
        assert_eq!(config, TrainingConfig::default());
    }
}
