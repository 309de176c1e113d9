//! A model head: one target learned by one library.
//!
//! The bundle has three targets (degradation_rate, usable_life, cliff) and
//! up to two libraries per target. Everything that differs between
//! XGBoost and LightGBM sits behind the [`Head`] trait, so the ensemble,
//! the bundle and serving treat a trained head the same whichever library
//! made it. Training is [`train_head`], one function for both libraries:
//! round by round on the training split, judged after every round on the
//! validation split by the metric of the head's objective, stopped after
//! `training.early_stopping_rounds` rounds without improvement, and cut
//! back to its best round before it is saved.

use std::fmt;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tiredeg_config::TrainingConfig;
use tiredeg_prepare::FeatureSchema;

use crate::error::ModelError;
use crate::loss;
use crate::matrix::{check_against_schema, Matrix};
use crate::{lightgbm, params, xgboost};

/// What a head predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Seconds per lap lost to tire wear (regression, squared error).
    DegradationRate,
    /// Laps of tire age before the tire is used up (regression, absolute
    /// error).
    UsableLife,
    /// Whether the stint has a cliff (classification, logistic loss).
    Cliff,
}

impl Target {
    /// All targets, in bundle order.
    pub const ALL: [Target; 3] = [Target::DegradationRate, Target::UsableLife, Target::Cliff];

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::DegradationRate => "degradation_rate",
            Target::UsableLife => "usable_life",
            Target::Cliff => "cliff",
        }
    }

    /// The loss the head is trained for (SPEC 7).
    pub fn objective(self) -> Objective {
        match self {
            Target::DegradationRate => Objective::SquaredError,
            Target::UsableLife => Objective::AbsoluteError,
            Target::Cliff => Objective::Logistic,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A training loss and the names both libraries give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Squared error; early stopping on RMSE.
    SquaredError,
    /// Absolute error; early stopping on MAE.
    AbsoluteError,
    /// Binary logistic loss on 0/1 labels; early stopping on log loss.
    Logistic,
}

impl Objective {
    /// XGBoost's objective name.
    pub fn xgboost_name(self) -> &'static str {
        match self {
            Objective::SquaredError => "reg:squarederror",
            Objective::AbsoluteError => "reg:absoluteerror",
            Objective::Logistic => "binary:logistic",
        }
    }

    /// LightGBM's objective name.
    pub fn lightgbm_name(self) -> &'static str {
        match self {
            Objective::SquaredError => "regression",
            Objective::AbsoluteError => "regression_l1",
            Objective::Logistic => "binary",
        }
    }

    /// Name of the early stopping metric (XGBoost's spelling).
    pub fn metric_name(self) -> &'static str {
        match self {
            Objective::SquaredError => "rmse",
            Objective::AbsoluteError => "mae",
            Objective::Logistic => "logloss",
        }
    }

    /// LightGBM's name of the same metric.
    pub fn lightgbm_metric_name(self) -> &'static str {
        match self {
            Objective::SquaredError => "rmse",
            Objective::AbsoluteError => "l1",
            Objective::Logistic => "binary_logloss",
        }
    }

    /// The early stopping metric: RMSE, MAE or log loss.
    pub fn metric(self, predictions: &[f64], truth: &[f64]) -> f64 {
        match self {
            Objective::SquaredError => loss::root_mean_squared_error(predictions, truth),
            Objective::AbsoluteError => loss::mean_absolute_error(predictions, truth),
            Objective::Logistic => loss::log_loss(predictions, truth),
        }
    }

    /// The loss itself, used for ensemble weights: MSE, MAE or log loss.
    pub fn loss(self, predictions: &[f64], truth: &[f64]) -> f64 {
        match self {
            Objective::SquaredError => loss::mean_squared_error(predictions, truth),
            Objective::AbsoluteError => loss::mean_absolute_error(predictions, truth),
            Objective::Logistic => loss::log_loss(predictions, truth),
        }
    }
}

/// A gradient boosting library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// XGBoost 3.x through the xgb crate.
    Xgboost,
    /// LightGBM 4.x through its C API.
    Lightgbm,
}

impl Backend {
    /// Both libraries.
    pub const ALL: [Backend; 2] = [Backend::Xgboost, Backend::Lightgbm];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Xgboost => "xgboost",
            Backend::Lightgbm => "lightgbm",
        }
    }

    /// Ending of the native model file: XGBoost JSON or LightGBM text.
    pub fn file_suffix(self) -> &'static str {
        match self {
            Backend::Xgboost => "xgb.json",
            Backend::Lightgbm => "lgb.txt",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Xgboost => "XGBoost",
            Backend::Lightgbm => "LightGBM",
        })
    }
}

/// A trained model for one target, ready to predict.
///
/// The boosting rounds after the best validation round are not part of
/// it: a head holds exactly [`Head::best_iteration`] rounds, and its
/// native bytes are the model file the library's Python package of the
/// same version loads to the same predictions.
pub trait Head: Send + Sync {
    /// The library behind the head.
    fn backend(&self) -> Backend;

    /// One prediction per row: the value for regressions, the probability
    /// for the cliff.
    fn predict(&self, x: &Matrix) -> Result<Vec<f64>, ModelError>;

    /// The prediction for one row, on one thread, for serving.
    fn predict_row(&self, row: &[f32]) -> Result<f64, ModelError>;

    /// Boosting rounds in the model: the best round of training counted
    /// from 1, i.e. one more than the 0-based index of the validation
    /// minimum.
    fn best_iteration(&self) -> usize;

    /// The model in the library's own format (XGBoost JSON, LightGBM text).
    fn to_native_bytes(&self) -> Result<Vec<u8>, ModelError>;
}

/// A stage of training reported to the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A head starts training.
    HeadStarted {
        /// Target of the head.
        target: Target,
        /// Library of the head.
        backend: Backend,
        /// Rounds at most (`training.n_estimators`).
        max_rounds: usize,
    },
    /// A boosting round finished.
    Round {
        /// Target of the head.
        target: Target,
        /// Library of the head.
        backend: Backend,
        /// Rounds so far, from 1.
        round: usize,
        /// The validation metric after this round.
        validation_metric: f64,
        /// The best round so far, from 1.
        best_iteration: usize,
    },
    /// A head is trained and cut back to its best round.
    HeadFinished {
        /// Target of the head.
        target: Target,
        /// Library of the head.
        backend: Backend,
        /// Rounds kept.
        best_iteration: usize,
        /// Rounds run.
        rounds_trained: usize,
        /// The validation metric at the best round.
        validation_metric: f64,
    },
}

/// How a head was trained; saved in the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadInfo {
    /// Target of the head.
    pub target: Target,
    /// Library of the head.
    pub backend: Backend,
    /// The library's objective name.
    pub objective: String,
    /// The early stopping metric (`rmse`, `mae`, `logloss`).
    pub metric: String,
    /// Rounds kept, counted from 1 (see [`Head::best_iteration`]).
    pub best_iteration: usize,
    /// Rounds run before stopping.
    pub rounds_trained: usize,
    /// Whether training stopped before `training.n_estimators` rounds.
    pub stopped_early: bool,
    /// The validation metric at the best round.
    pub best_validation_metric: f64,
    /// The validation metric after each round: entry `i` is after `i + 1`
    /// rounds.
    pub validation_curve: Vec<f64>,
    /// Training rows (including oversampled copies).
    pub train_rows: usize,
    /// Validation rows.
    pub validation_rows: usize,
    /// Wall time of training, seconds.
    pub train_seconds: f64,
}

/// A head and how it was trained.
pub struct TrainedHead {
    /// The model, holding exactly `info.best_iteration` rounds.
    pub head: Box<dyn Head>,
    /// Training record.
    pub info: HeadInfo,
    /// What the training booster predicted for the validation rows at its
    /// best round (before it was cut back and reloaded); the head's own
    /// predictions of those rows equal these.
    pub best_validation_predictions: Vec<f64>,
}

impl fmt::Debug for TrainedHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrainedHead")
            .field("info", &self.info)
            .finish()
    }
}

/// Features and labels of one split for one head.
#[derive(Debug, Clone, Copy)]
pub struct HeadData<'a> {
    /// Features, laid out by the schema.
    pub x: &'a Matrix,
    /// Labels: the target value, or 0/1 for the cliff.
    pub y: &'a [f32],
}

/// Everything a head's training reads besides the data.
#[derive(Debug, Clone, Copy)]
pub struct HeadSpec<'a> {
    /// What to learn.
    pub target: Target,
    /// Column names and kinds; categorical columns go in as native
    /// categoricals.
    pub schema: &'a FeatureSchema,
    /// Hyperparameters (`training.*`), validated again here.
    pub config: &'a TrainingConfig,
}

/// Trains one head with early stopping on the validation data.
pub fn train_head(
    backend: Backend,
    spec: &HeadSpec<'_>,
    train: HeadData<'_>,
    validation: HeadData<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainedHead, ModelError> {
    params::validate(spec.config)?;
    check_head_data(spec, "training", train)?;
    check_head_data(spec, "validation", validation)?;

    let started = Instant::now();
    progress(Progress::HeadStarted {
        target: spec.target,
        backend,
        max_rounds: spec.config.training.n_estimators,
    });
    let run = match backend {
        Backend::Xgboost => xgboost::train(spec, train, validation, progress)?,
        Backend::Lightgbm => lightgbm::train(spec, train, validation, progress)?,
    };
    let best_iteration = run.head.best_iteration();
    let info = HeadInfo {
        target: spec.target,
        backend,
        objective: match backend {
            Backend::Xgboost => spec.target.objective().xgboost_name(),
            Backend::Lightgbm => spec.target.objective().lightgbm_name(),
        }
        .to_string(),
        metric: spec.target.objective().metric_name().to_string(),
        best_iteration,
        rounds_trained: run.curve.len(),
        stopped_early: run.curve.len() < spec.config.training.n_estimators,
        best_validation_metric: best_iteration
            .checked_sub(1)
            .and_then(|index| run.curve.get(index))
            .copied()
            .unwrap_or(f64::NAN),
        validation_curve: run.curve,
        train_rows: train.x.n_rows(),
        validation_rows: validation.x.n_rows(),
        train_seconds: started.elapsed().as_secs_f64(),
    };
    progress(Progress::HeadFinished {
        target: spec.target,
        backend,
        best_iteration,
        rounds_trained: info.rounds_trained,
        validation_metric: info.best_validation_metric,
    });
    Ok(TrainedHead {
        head: run.head,
        info,
        best_validation_predictions: run.best_predictions,
    })
}

/// Rebuilds a head from its native bytes, as saved by a bundle.
pub fn load_head(
    backend: Backend,
    bytes: &[u8],
    schema: &FeatureSchema,
    threads: usize,
) -> Result<Box<dyn Head>, ModelError> {
    match backend {
        Backend::Xgboost => Ok(Box::new(xgboost::XgboostHead::from_bytes(
            bytes.to_vec(),
            schema.len(),
            threads,
        )?)),
        Backend::Lightgbm => Ok(Box::new(lightgbm::LightgbmHead::from_bytes(
            bytes,
            schema.len(),
            threads,
        )?)),
    }
}

/// What a library's training loop hands back to [`train_head`].
pub(crate) struct TrainingRun {
    pub(crate) head: Box<dyn Head>,
    pub(crate) curve: Vec<f64>,
    pub(crate) best_predictions: Vec<f64>,
}

fn check_head_data(spec: &HeadSpec<'_>, split: &str, data: HeadData<'_>) -> Result<(), ModelError> {
    if data.x.n_rows() == 0 {
        return Err(ModelError::MissingData(format!(
            "the {split} data of head {} has no rows",
            spec.target
        )));
    }
    if data.y.len() != data.x.n_rows() {
        return Err(ModelError::Shape(format!(
            "the {split} data of head {} has {} rows but {} labels",
            spec.target,
            data.x.n_rows(),
            data.y.len()
        )));
    }
    check_against_schema(data.x, spec.schema)?;
    for (row, &label) in data.y.iter().enumerate() {
        let valid = match spec.target.objective() {
            Objective::Logistic => label == 0.0 || label == 1.0,
            _ => label.is_finite(),
        };
        if !valid {
            return Err(ModelError::Shape(format!(
                "the {split} label of head {} in row {row} is {label}, expected {}",
                spec.target,
                match spec.target.objective() {
                    Objective::Logistic => "0 or 1",
                    _ => "a finite number",
                }
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{
        categorical_schema, categorical_table, fast_config, numeric_schema, numeric_table,
        train_table as train, Table,
    };

    /// Trees in a native model file, counted from the file itself.
    pub(crate) fn native_tree_count(backend: Backend, bytes: &[u8]) -> usize {
        match backend {
            Backend::Xgboost => crate::xgboost::model_shape(bytes).unwrap().0,
            Backend::Lightgbm => std::str::from_utf8(bytes)
                .unwrap()
                .lines()
                .filter(|line| line.starts_with("Tree="))
                .count(),
        }
    }

    fn truth(table: &Table) -> Vec<f64> {
        table.y.iter().map(|&y| f64::from(y)).collect()
    }

    #[test]
    fn both_backends_learn_a_known_function() {
        let label = |x0: f64, x1: f64, _: &mut crate::testdata::Stream| 2.0 * x0 + x1.sin();
        let fit = numeric_table(1600, 1, label);
        let validation = numeric_table(400, 2, label);
        let test = numeric_table(400, 3, label);
        let config = fast_config(400, 30);
        for backend in Backend::ALL {
            let trained = train(
                backend,
                Target::DegradationRate,
                &numeric_schema(),
                &config,
                &fit,
                &validation,
            )
            .unwrap();
            let rmse = crate::loss::root_mean_squared_error(
                &trained.head.predict(&test.x).unwrap(),
                &truth(&test),
            );
            assert!(rmse < 0.2, "{backend}: test RMSE {rmse}");
            assert!(
                trained.info.best_validation_metric < 0.2,
                "{:?}",
                trained.info
            );
            assert_eq!(trained.info.metric, "rmse");
        }
    }

    #[test]
    fn both_backends_learn_a_categorical_effect() {
        let effects = [1.0, -1.0, 3.0];
        let fit = categorical_table(1500, 4, effects);
        let validation = categorical_table(500, 5, effects);
        let config = fast_config(300, 30);
        let probe = Matrix::new(4, 2, vec![0.0, 0.0, 1.0, 0.0, 2.0, 0.0, f32::NAN, 0.0]).unwrap();
        for backend in Backend::ALL {
            let trained = train(
                backend,
                Target::DegradationRate,
                &categorical_schema(),
                &config,
                &fit,
                &validation,
            )
            .unwrap();
            let predicted = trained.head.predict(&probe).unwrap();
            for (category, expected) in effects.iter().chain(&[0.0]).enumerate() {
                assert!(
                    (predicted[category] - expected).abs() < 0.1,
                    "{backend}: category {category} predicted {} expected {expected}",
                    predicted[category]
                );
            }
        }
    }

    #[test]
    fn early_stopping_keeps_exactly_the_best_round() {
        // Pure noise: every round after the first few only overfits.
        let label = |_: f64, _: f64, s: &mut crate::testdata::Stream| s.normal();
        let fit = numeric_table(600, 6, label);
        let validation = numeric_table(300, 7, label);
        let mut config = fast_config(300, 10);
        config.training.learning_rate = 0.3;
        for backend in Backend::ALL {
            let trained = train(
                backend,
                Target::DegradationRate,
                &numeric_schema(),
                &config,
                &fit,
                &validation,
            )
            .unwrap();
            let info = &trained.info;
            let curve = &info.validation_curve;
            assert!(info.stopped_early, "{backend}: {info:?}");
            assert!(info.rounds_trained < 300);
            assert_eq!(curve.len(), info.rounds_trained);

            // Best iteration counts rounds from 1: the first minimum's index + 1.
            let minimum = curve.iter().copied().fold(f64::INFINITY, f64::min);
            let first_minimum = curve.iter().position(|&v| v == minimum).unwrap();
            assert_eq!(info.best_iteration, first_minimum + 1, "{backend}");
            assert_eq!(info.rounds_trained, info.best_iteration + 10, "{backend}");
            assert_eq!(info.best_validation_metric, minimum);

            // The saved model holds exactly that many rounds ...
            let bytes = trained.head.to_native_bytes().unwrap();
            assert_eq!(
                native_tree_count(backend, &bytes),
                info.best_iteration,
                "{backend}"
            );
            assert_eq!(trained.head.best_iteration(), info.best_iteration);

            // ... and, reloaded, predicts bit for bit what training saw at
            // that round.
            let reloaded = load_head(backend, &bytes, &numeric_schema(), 0).unwrap();
            let again = reloaded.predict(&validation.x).unwrap();
            assert_eq!(again.len(), trained.best_validation_predictions.len());
            for (a, b) in again.iter().zip(&trained.best_validation_predictions) {
                assert_eq!(a.to_bits(), b.to_bits(), "{backend}: {a} vs {b}");
            }
            let metric = Objective::SquaredError.metric(&again, &truth(&validation));
            assert_eq!(metric, minimum, "{backend}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_model_bytes() {
        let label = |x0: f64, x1: f64, s: &mut crate::testdata::Stream| x0 * x1 + 0.3 * s.normal();
        let fit = numeric_table(800, 8, label);
        let validation = numeric_table(200, 9, label);
        let mut config = fast_config(40, 40);
        config.training.xgboost.subsample = 0.7;
        config.training.xgboost.colsample_bytree = 0.5;
        config.training.lightgbm.subsample = 0.7;
        config.training.lightgbm.colsample_bytree = 0.5;
        let mut other_seed = config.clone();
        other_seed.training.seed = 7;
        for backend in Backend::ALL {
            let run = |config: &TrainingConfig| {
                train(
                    backend,
                    Target::DegradationRate,
                    &numeric_schema(),
                    config,
                    &fit,
                    &validation,
                )
                .unwrap()
                .head
                .to_native_bytes()
                .unwrap()
            };
            let first = run(&config);
            assert_eq!(first, run(&config), "{backend}: same seed, different bytes");
            assert_ne!(first, run(&other_seed), "{backend}: the seed has no effect");
        }
    }

    #[test]
    fn classification_head_predicts_probabilities() {
        let label = |x0: f64, _: f64, _: &mut crate::testdata::Stream| f64::from(x0 > 0.5);
        let fit = numeric_table(800, 10, label);
        let validation = numeric_table(200, 11, label);
        let config = fast_config(100, 10);
        for backend in Backend::ALL {
            let trained = train(
                backend,
                Target::Cliff,
                &numeric_schema(),
                &config,
                &fit,
                &validation,
            )
            .unwrap();
            assert_eq!(trained.info.metric, "logloss");
            let probabilities = trained.head.predict(&validation.x).unwrap();
            assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
            let errors = probabilities
                .iter()
                .zip(&validation.y)
                .filter(|(p, y)| (**p >= 0.5) != (**y == 1.0))
                .count();
            assert!(errors <= 4, "{backend}: {errors} of 200 misclassified");
        }
    }

    #[test]
    fn bad_parameters_and_labels_are_named() {
        let label = |x0: f64, _: f64, _: &mut crate::testdata::Stream| x0;
        let fit = numeric_table(50, 12, label);
        let mut config = fast_config(5, 5);
        config.training.lightgbm.num_leaves = 1;
        let error = train(
            Backend::Lightgbm,
            Target::DegradationRate,
            &numeric_schema(),
            &config,
            &fit,
            &fit,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("training.lightgbm.num_leaves = 1"),
            "{error}"
        );

        let config = fast_config(5, 5);
        let error = train(
            Backend::Xgboost,
            Target::Cliff,
            &numeric_schema(),
            &config,
            &fit,
            &fit,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("label of head cliff in row 0"), "{error}");
        assert!(error.contains("expected 0 or 1"), "{error}");
    }
}
