//! The LightGBM head, through LightGBM's C API (see `ffi`).
//!
//! The categorical columns are named in the `categorical_feature` dataset
//! parameter, which is where LightGBM decides how to bin them; the
//! validation dataset is binned against the training one. Training runs
//! one round at a time and reads the validation scores LightGBM keeps up
//! to date itself (one tree's work per round). The kept model is the text
//! LightGBM writes for the first `best` iterations, loaded again, so the
//! head that predicts is the file the bundle saves.
//!
//! `deterministic = true` with `force_row_wise = true` and a fixed seed
//! and thread count make the same inputs give the same model text.

use tiredeg_prepare::FeatureSchema;

use crate::early_stop::EarlyStopping;
use crate::error::ModelError;
use crate::ffi::{self, LgbDataset, LgbModel, LgbTrainer};
use crate::head::{Backend, Head, HeadData, HeadSpec, Progress, TrainingRun};
use crate::matrix::Matrix;
use crate::params;

fn failed(during: &'static str) -> impl Fn(String) -> ModelError {
    move |message| ModelError::library(Backend::Lightgbm, during, message)
}

fn dataset(
    data: HeadData<'_>,
    schema: &FeatureSchema,
    parameters: &str,
    reference: Option<&LgbDataset>,
) -> Result<LgbDataset, ModelError> {
    let mut dataset = LgbDataset::from_rows(
        data.x.values(),
        data.x.n_rows(),
        data.x.n_cols(),
        parameters,
        reference,
    )
    .map_err(failed("building a dataset"))?;
    dataset
        .set_labels(data.y)
        .map_err(failed("setting labels"))?;
    dataset
        .set_feature_names(&schema.names)
        .map_err(failed("naming features"))?;
    Ok(dataset)
}

/// Trains a LightGBM head (called by `head::train_head`, which has checked
/// the data and the configuration).
pub(crate) fn train(
    spec: &HeadSpec<'_>,
    train: HeadData<'_>,
    validation: HeadData<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainingRun, ModelError> {
    ffi::route_native_logs();
    let objective = spec.target.objective();
    let parameters = params::lightgbm(spec.target, spec.schema, spec.config);
    let train_set = dataset(train, spec.schema, &parameters, None)?;
    let validation_set = dataset(validation, spec.schema, &parameters, Some(&train_set))?;
    let mut trainer = LgbTrainer::new(
        &train_set,
        &validation_set,
        validation.x.n_rows(),
        &parameters,
    )
    .map_err(failed("creating a booster"))?;

    let truth: Vec<f64> = validation.y.iter().map(|&y| f64::from(y)).collect();
    let mut stopper = EarlyStopping::new(spec.config.training.early_stopping_rounds);
    let mut predictions = Vec::with_capacity(truth.len());
    let mut best_predictions = Vec::new();
    let mut rounds = 0;
    while rounds < spec.config.training.n_estimators {
        let finished = trainer.update().map_err(failed("boosting a round"))?;
        let iterations = trainer
            .iterations()
            .map_err(failed("counting iterations"))?;
        // A round that found no split is dropped by LightGBM (except the
        // very first, kept as a constant tree); nothing new to judge then.
        if iterations > rounds {
            rounds = iterations;
            trainer
                .validation_predictions(&mut predictions)
                .map_err(failed("reading validation scores"))?;
            let metric = objective.metric(&predictions, &truth);
            if stopper.record(metric) {
                best_predictions.clone_from(&predictions);
            }
            progress(Progress::Round {
                target: spec.target,
                backend: Backend::Lightgbm,
                round: rounds,
                validation_metric: metric,
                best_iteration: stopper.best_iteration().unwrap_or(0),
            });
        }
        if finished || stopper.should_stop() {
            break;
        }
    }

    let best = stopper.best_iteration().ok_or_else(|| {
        ModelError::library(
            Backend::Lightgbm,
            "early stopping",
            format!(
                "the validation {} was never a number",
                objective.metric_name()
            ),
        )
    })?;
    let text = trainer
        .model_string(best)
        .map_err(failed("writing the model"))?;
    let head = LightgbmHead::from_bytes(
        text.as_bytes(),
        spec.schema.len(),
        spec.config.training.threads,
    )?;
    if head.best_iteration() != best {
        return Err(ModelError::library(
            Backend::Lightgbm,
            "cutting the model back to its best round",
            format!("kept {} iterations, expected {best}", head.best_iteration()),
        ));
    }
    Ok(TrainingRun {
        head: Box::new(head),
        curve: stopper.into_curve(),
        best_predictions,
    })
}

/// A trained LightGBM model.
pub struct LightgbmHead {
    model: LgbModel,
    text: String,
    batch_parameters: String,
}

impl LightgbmHead {
    /// Loads LightGBM model text; `threads` = 0 lets LightGBM choose.
    pub fn from_bytes(bytes: &[u8], n_cols: usize, threads: usize) -> Result<Self, ModelError> {
        ffi::route_native_logs();
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ModelError::library(Backend::Lightgbm, "loading a model", "not UTF-8"))?
            .to_string();
        // Shortcoming: LightGBM keeps its default thread count in one
        // process-wide variable that every booster creation and prediction
        // call overwrites with its own `num_threads`. Training and
        // prediction here always pass the configured count, so they agree;
        // another LightGBM user in the same process with another count
        // would change ours until our next call. Lifting it would take
        // LightGBM passing the count per call instead.
        let batch_parameters = if threads == 0 {
            "verbosity=-1".to_string()
        } else {
            format!("num_threads={threads} verbosity=-1")
        };
        let model =
            LgbModel::from_string(&text, &batch_parameters).map_err(failed("loading a model"))?;
        if model.n_features() != n_cols {
            return Err(ModelError::library(
                Backend::Lightgbm,
                "loading a model",
                format!(
                    "the model has {} features, the schema {n_cols}",
                    model.n_features()
                ),
            ));
        }
        Ok(LightgbmHead {
            model,
            text,
            batch_parameters,
        })
    }
}

impl Head for LightgbmHead {
    fn backend(&self) -> Backend {
        Backend::Lightgbm
    }

    fn predict(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        ffi::route_native_logs();
        self.model
            .predict(x.values(), x.n_rows(), &self.batch_parameters)
            .map_err(failed("predicting"))
    }

    fn predict_row(&self, row: &[f32]) -> Result<f64, ModelError> {
        ffi::route_native_logs();
        self.model
            .predict_row(row)
            .map_err(failed("predicting a row"))
    }

    fn best_iteration(&self) -> usize {
        self.model.iterations()
    }

    fn to_native_bytes(&self) -> Result<Vec<u8>, ModelError> {
        Ok(self.text.clone().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::Target;
    use crate::testdata::{categorical_schema, categorical_table, fast_config, train_table};

    #[test]
    fn compound_goes_in_as_a_native_categorical() {
        let fit = categorical_table(1000, 21, [1.0, -1.0, 3.0]);
        let validation = categorical_table(300, 22, [1.0, -1.0, 3.0]);
        let config = fast_config(30, 30);
        let trained = train_table(
            Backend::Lightgbm,
            Target::DegradationRate,
            &categorical_schema(),
            &config,
            &fit,
            &validation,
        )
        .unwrap();
        let text = String::from_utf8(trained.head.to_native_bytes().unwrap()).unwrap();
        assert!(text.contains("feature_names=compound noise"), "{text}");
        assert!(text.contains("[categorical_feature: 0]"), "{text}");
        let categorical_splits = text
            .lines()
            .filter_map(|line| line.strip_prefix("num_cat="))
            .filter(|count| *count != "0")
            .count();
        assert!(categorical_splits > 0, "no tree splits on a category set");
    }

    #[test]
    fn garbage_model_text_is_a_lightgbm_error() {
        let error = LightgbmHead::from_bytes(b"not a model", 2, 0)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.starts_with("LightGBM failed while loading a model"),
            "{error}"
        );
    }
}
