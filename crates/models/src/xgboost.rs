//! The XGBoost head, through the xgb crate.
//!
//! Training runs one `update` per round and predicts the validation
//! matrix after each; XGBoost caches its predictions for every matrix the
//! booster was created with, so that costs one tree per round, not the
//! whole forest. The kept model is the booster sliced to its best round,
//! written as XGBoost JSON and loaded again: the head that predicts is the
//! very model the bundle saves, which is why saved and reloaded bundles
//! predict bit for bit alike. A trained head predicts through XGBoost's
//! in-place prediction (see `ffi`), which is thread safe and needs no
//! matrix object per call.
//!
//! Categorical columns are declared with feature type `c` on the matrices
//! and the booster (the C API's counterpart of Python's
//! `enable_categorical`); XGBoost then splits on category sets, one-hot
//! style up to its default `max_cat_to_onehot` of 4 categories.
//!
//! The xgb crate always sends its own defaults when it creates a booster,
//! `base_score = 0.5` among them, which switches XGBoost's estimate of the
//! starting prediction off. [`base_score`] supplies that estimate instead:
//! the mean label for squared error, the median for absolute error, the
//! positive share for the logistic loss.

use tiredeg_prepare::{FeatureKind, FeatureSchema};
use xgb::parameters::BoosterParameters;
use xgb::{Booster, DMatrix};

use crate::early_stop::EarlyStopping;
use crate::error::ModelError;
use crate::ffi::{self, XgbPredictor};
use crate::head::{Backend, Head, HeadData, HeadSpec, Objective, Progress, TrainingRun};
use crate::matrix::Matrix;
use crate::params;

fn failed(during: &'static str) -> impl Fn(xgb::XGBError) -> ModelError {
    move |error| ModelError::library(Backend::Xgboost, during, error)
}

/// Feature names and XGBoost feature types (`q` numeric, `c` categorical).
fn feature_info(schema: &FeatureSchema) -> (Vec<&str>, Vec<&'static str>) {
    let names = schema.names.iter().map(String::as_str).collect();
    let types = schema
        .kinds
        .iter()
        .map(|kind| match kind {
            FeatureKind::Numeric => "q",
            FeatureKind::Categorical(_) => "c",
        })
        .collect();
    (names, types)
}

fn labelled_matrix(
    data: HeadData<'_>,
    names: &[&str],
    types: &[&str],
) -> Result<DMatrix, ModelError> {
    let mut matrix = DMatrix::from_dense(data.x.values(), data.x.n_rows())
        .map_err(failed("building a matrix"))?;
    matrix
        .set_labels(data.y)
        .map_err(failed("setting labels"))?;
    matrix
        .set_feature_names(names)
        .map_err(failed("naming features"))?;
    matrix
        .set_feature_types(types)
        .map_err(failed("setting feature types"))?;
    Ok(matrix)
}

/// The starting prediction XGBoost would estimate for the objective.
pub(crate) fn base_score(objective: Objective, labels: &[f32]) -> f64 {
    let mut values: Vec<f64> = labels.iter().map(|&y| f64::from(y)).collect();
    if values.is_empty() {
        return 0.5;
    }
    match objective {
        Objective::SquaredError => values.iter().sum::<f64>() / values.len() as f64,
        Objective::AbsoluteError => {
            values.sort_by(f64::total_cmp);
            let middle = values.len() / 2;
            if values.len().is_multiple_of(2) {
                (values[middle - 1] + values[middle]) / 2.0
            } else {
                values[middle]
            }
        }
        Objective::Logistic => {
            let share = values.iter().sum::<f64>() / values.len() as f64;
            share.clamp(1e-6, 1.0 - 1e-6)
        }
    }
}

/// Trains an XGBoost head (called by `head::train_head`, which has checked
/// the data and the configuration).
pub(crate) fn train(
    spec: &HeadSpec<'_>,
    train: HeadData<'_>,
    validation: HeadData<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainingRun, ModelError> {
    ffi::route_native_logs();
    let objective = spec.target.objective();
    let settings = params::xgboost(
        spec.target,
        spec.schema,
        spec.config,
        base_score(objective, train.y),
    )?;
    let (names, types) = feature_info(spec.schema);
    let train_matrix = labelled_matrix(train, &names, &types)?;
    let validation_matrix = labelled_matrix(validation, &names, &types)?;

    let mut booster = Booster::new_with_cached_dmats(
        &BoosterParameters::default(),
        &[&train_matrix, &validation_matrix],
    )
    .map_err(failed("creating a booster"))?;
    booster
        .set_feature_info("feature_name", &names)
        .map_err(failed("naming features"))?;
    booster
        .set_feature_info("feature_type", &types)
        .map_err(failed("setting feature types"))?;
    for (key, value) in &settings {
        booster.set_param(key, value).map_err(|error| {
            ModelError::library(Backend::Xgboost, &format!("setting {key} = {value}"), error)
        })?;
    }

    let truth: Vec<f64> = validation.y.iter().map(|&y| f64::from(y)).collect();
    let mut stopper = EarlyStopping::new(spec.config.training.early_stopping_rounds);
    let mut best_predictions = Vec::new();
    for round in 0..spec.config.training.n_estimators {
        let iteration = i32::try_from(round).unwrap_or(i32::MAX);
        booster
            .update(&train_matrix, iteration)
            .map_err(failed("boosting a round"))?;
        let predictions: Vec<f64> = booster
            .predict(&validation_matrix)
            .map_err(failed("predicting the validation rows"))?
            .into_iter()
            .map(f64::from)
            .collect();
        let metric = objective.metric(&predictions, &truth);
        if stopper.record(metric) {
            best_predictions = predictions;
        }
        progress(Progress::Round {
            target: spec.target,
            backend: Backend::Xgboost,
            round: round + 1,
            validation_metric: metric,
            best_iteration: stopper.best_iteration().unwrap_or(0),
        });
        if stopper.should_stop() {
            break;
        }
    }

    let best = stopper.best_iteration().ok_or_else(|| {
        ModelError::library(
            Backend::Xgboost,
            "early stopping",
            format!(
                "the validation {} was never a number",
                objective.metric_name()
            ),
        )
    })?;
    let kept = booster
        .slice(0, i32::try_from(best).unwrap_or(i32::MAX))
        .map_err(failed("cutting the model back to its best round"))?;
    let bytes = kept
        .save_buffer(false)
        .map_err(failed("writing the model"))?;
    let head = XgboostHead::from_bytes(bytes, spec.schema.len(), spec.config.training.threads)?;
    Ok(TrainingRun {
        head: Box::new(head),
        curve: stopper.into_curve(),
        best_predictions,
    })
}

/// A trained XGBoost model.
pub struct XgboostHead {
    // Two boosters on the same model: one with the configured threads for
    // batches, one with a single thread for rows, where starting a thread
    // team costs more than the trees.
    batch: XgbPredictor,
    single: XgbPredictor,
    bytes: Vec<u8>,
    rounds: usize,
    n_cols: usize,
}

impl XgboostHead {
    /// Loads XGBoost JSON; `threads` = 0 lets XGBoost use every core.
    pub fn from_bytes(bytes: Vec<u8>, n_cols: usize, threads: usize) -> Result<Self, ModelError> {
        ffi::route_native_logs();
        let (rounds, features) = model_shape(&bytes)?;
        if features != n_cols {
            return Err(ModelError::library(
                Backend::Xgboost,
                "loading a model",
                format!("the model has {features} features, the schema {n_cols}"),
            ));
        }
        let load = |threads| {
            XgbPredictor::from_json(&bytes, n_cols, threads)
                .map_err(|e| ModelError::library(Backend::Xgboost, "loading a model", e))
        };
        Ok(XgboostHead {
            batch: load(threads)?,
            single: load(1)?,
            bytes,
            rounds,
            n_cols,
        })
    }

    fn run(
        &self,
        predictor: &XgbPredictor,
        values: &[f32],
        n_rows: usize,
    ) -> Result<Vec<f64>, ModelError> {
        ffi::route_native_logs();
        if values.len() != n_rows * self.n_cols {
            return Err(ModelError::Shape(format!(
                "{} values do not make {n_rows} rows of {} columns",
                values.len(),
                self.n_cols
            )));
        }
        let predictions = predictor
            .predict(values, n_rows)
            .map_err(|e| ModelError::library(Backend::Xgboost, "predicting", e))?;
        Ok(predictions.into_iter().map(f64::from).collect())
    }
}

/// Boosted rounds and feature count of an XGBoost JSON model.
pub(crate) fn model_shape(bytes: &[u8]) -> Result<(usize, usize), ModelError> {
    let invalid = |what: &str| ModelError::library(Backend::Xgboost, "reading a model", what);
    let json: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| invalid(&format!("not JSON: {error}")))?;
    let learner = &json["learner"];
    let model = &learner["gradient_booster"]["model"];
    let rounds = match model["iteration_indptr"].as_array() {
        Some(indptr) => indptr.len().saturating_sub(1),
        None => model["gbtree_model_param"]["num_trees"]
            .as_str()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| invalid("no tree count"))?,
    };
    let features = learner["learner_model_param"]["num_feature"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| invalid("no feature count"))?;
    Ok((rounds, features))
}

impl Head for XgboostHead {
    fn backend(&self) -> Backend {
        Backend::Xgboost
    }

    fn predict(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        self.run(&self.batch, x.values(), x.n_rows())
    }

    fn predict_row(&self, row: &[f32]) -> Result<f64, ModelError> {
        self.run(&self.single, row, 1)?
            .first()
            .copied()
            .ok_or_else(|| ModelError::library(Backend::Xgboost, "predicting a row", "no output"))
    }

    fn best_iteration(&self) -> usize {
        self.rounds
    }

    fn to_native_bytes(&self) -> Result<Vec<u8>, ModelError> {
        Ok(self.bytes.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::Target;
    use crate::testdata::{categorical_schema, categorical_table, fast_config, train_table};

    #[test]
    fn base_score_estimates_follow_the_objective() {
        let labels = [1.0, 2.0, 10.0, 3.0];
        assert_eq!(base_score(Objective::SquaredError, &labels), 4.0);
        assert_eq!(base_score(Objective::AbsoluteError, &labels), 2.5);
        assert_eq!(base_score(Objective::AbsoluteError, &labels[..3]), 2.0);
        assert_eq!(base_score(Objective::Logistic, &[0.0, 1.0, 1.0, 0.0]), 0.5);
        assert_eq!(base_score(Objective::Logistic, &[0.0, 0.0]), 1e-6);
    }

    #[test]
    fn compound_goes_in_as_a_native_categorical() {
        let fit = categorical_table(1000, 23, [1.0, -1.0, 3.0]);
        let validation = categorical_table(300, 24, [1.0, -1.0, 3.0]);
        let config = fast_config(30, 30);
        let trained = train_table(
            Backend::Xgboost,
            Target::DegradationRate,
            &categorical_schema(),
            &config,
            &fit,
            &validation,
        )
        .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&trained.head.to_native_bytes().unwrap()).unwrap();
        let learner = &json["learner"];
        assert_eq!(learner["feature_types"], serde_json::json!(["c", "q"]));
        assert_eq!(
            learner["feature_names"],
            serde_json::json!(["compound", "noise"])
        );
        let trees = learner["gradient_booster"]["model"]["trees"]
            .as_array()
            .unwrap();
        let categorical = trees
            .iter()
            .filter(|tree| !tree["categories_nodes"].as_array().unwrap().is_empty())
            .count();
        assert!(categorical > 0, "no tree splits on a category");
        assert_eq!(trees.len(), trained.info.best_iteration);
    }

    #[test]
    fn model_shape_rejects_other_files() {
        let error = model_shape(b"tree\n").unwrap_err().to_string();
        assert!(error.contains("not JSON"), "{error}");
    }
}
