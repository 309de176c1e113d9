//! Training a whole bundle from a prepared sample set.
//!
//! The training split (oversampled copies included) fits the heads; the
//! validation split stops them early, picks each head's blend weight and
//! the cliff threshold; the test split is not read. The three heads are
//! trained one after another and, for an ensemble, each head with both
//! libraries: with two cores, running them side by side would only make
//! each slower.

use std::collections::{BTreeMap, HashSet};

use tiredeg_config::TrainingConfig;
use tiredeg_prepare::{Sample, SampleSet, Split};

use crate::bundle::{
    member_entry, BundleManifest, HeadEntry, HeadModels, Heads, LibraryVersions, ModelBundle,
    BUNDLE_FORMAT_VERSION,
};
use crate::ensemble::{choose_cliff_threshold, choose_weight};
use crate::error::ModelError;
use crate::fingerprint::data_fingerprint;
use crate::head::{train_head, Backend, HeadData, HeadSpec, Objective, Progress, Target};
use crate::matrix::Matrix;
use crate::model_type::ModelType;
use crate::params;

/// Options of [`train_bundle_with`] that are not hyperparameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrainOptions {
    /// Train even with fewer than `training.min_stints` distinct stints
    /// (the command line's `--allow-small`).
    pub allow_small: bool,
}

/// Trains a bundle with default options (see [`train_bundle_with`]).
pub fn train_bundle(
    samples: &SampleSet,
    model_type: ModelType,
    config: &TrainingConfig,
    progress: &mut dyn FnMut(Progress),
) -> Result<ModelBundle, ModelError> {
    train_bundle_with(
        samples,
        model_type,
        config,
        &TrainOptions::default(),
        progress,
    )
}

/// Trains the three heads of `model_type` on the training split, with
/// early stopping, blend weights and the cliff threshold chosen on the
/// validation split.
///
/// Refused when the data has fewer than `training.min_stints` distinct
/// stints (season, round, driver, stint over all splits) unless
/// `options.allow_small` is set, and when the training or the validation
/// split is empty.
pub fn train_bundle_with(
    samples: &SampleSet,
    model_type: ModelType,
    config: &TrainingConfig,
    options: &TrainOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ModelBundle, ModelError> {
    params::validate(config)?;
    let schema = &samples.schema;
    check_layout(samples)?;

    let stints: HashSet<(i32, u32, &str, u32)> = samples
        .samples
        .iter()
        .map(|s| (s.season, s.round, s.driver.as_str(), s.stint))
        .collect();
    if stints.len() < config.training.min_stints && !options.allow_small {
        return Err(ModelError::TooFewStints {
            found: stints.len(),
            required: config.training.min_stints,
        });
    }

    let train: Vec<&Sample> = samples
        .samples
        .iter()
        .filter(|s| s.split == Split::Train)
        .collect();
    let validation: Vec<&Sample> = samples
        .samples
        .iter()
        .filter(|s| s.split == Split::Validation && !s.oversampled)
        .collect();
    if train.is_empty() {
        return Err(ModelError::MissingData(
            "no training samples: every sample is in the validation or test split".to_string(),
        ));
    }
    if validation.is_empty() {
        return Err(ModelError::MissingData(
            "no validation samples: early stopping, the ensemble weights and the cliff \
             threshold are chosen on the validation split; check the split settings \
             (split.method, split.train_below, split.validation_below)"
                .to_string(),
        ));
    }
    let x_train = features(&train, schema.len())?;
    let x_validation = features(&validation, schema.len())?;

    let mut entries = BTreeMap::new();
    let mut models = BTreeMap::new();
    let mut cliff_probabilities = Vec::new();
    for target in Target::ALL {
        let y_train = labels(&train, target)?;
        let y_validation = labels(&validation, target)?;
        let truth: Vec<f64> = y_validation.iter().map(|&y| f64::from(y)).collect();
        let spec = HeadSpec {
            target,
            schema,
            config,
        };

        let mut trained = Vec::new();
        for &backend in model_type.backends() {
            let head = train_head(
                backend,
                &spec,
                HeadData {
                    x: &x_train,
                    y: &y_train,
                },
                HeadData {
                    x: &x_validation,
                    y: &y_validation,
                },
                progress,
            )?;
            let predictions = head.head.predict(&x_validation)?;
            trained.push((head, predictions));
        }

        let objective = target.objective();
        let (xgboost_weight, blended, weight_search) = match trained.as_slice() {
            [(_, xgboost), (_, lightgbm)] => {
                let choice = choose_weight(
                    objective,
                    xgboost,
                    lightgbm,
                    &truth,
                    config.training.ensemble_weight_step,
                )?;
                let blended = crate::ensemble::blend(choice.weight, xgboost, lightgbm);
                (choice.weight, blended, choice.search)
            }
            [(only, predictions)] => {
                let weight = if only.info.backend == Backend::Xgboost {
                    1.0
                } else {
                    0.0
                };
                (weight, predictions.clone(), Vec::new())
            }
            _ => {
                return Err(ModelError::MissingData(format!(
                    "model type {model_type} trained {} models for head {target}",
                    trained.len()
                )))
            }
        };

        let mut head_models = HeadModels {
            xgboost: None,
            lightgbm: None,
            xgboost_weight,
        };
        let mut members = Vec::new();
        for (head, predictions) in trained {
            let loss = objective.loss(&predictions, &truth);
            members.push(member_entry(head.head.as_ref(), head.info, loss)?);
            match head.head.backend() {
                Backend::Xgboost => head_models.xgboost = Some(head.head),
                Backend::Lightgbm => head_models.lightgbm = Some(head.head),
            }
        }
        entries.insert(
            target,
            HeadEntry {
                target,
                loss: loss_name(objective).to_string(),
                xgboost_weight,
                validation_loss: objective.loss(&blended, &truth),
                weight_search,
                members,
            },
        );
        models.insert(target, head_models);
        if target == Target::Cliff {
            cliff_probabilities = blended;
        }
    }

    let cliff_truth: Vec<bool> = validation.iter().map(|s| s.cliff).collect();
    let cliff_threshold = choose_cliff_threshold(
        &cliff_probabilities,
        &cliff_truth,
        config.training.cliff_threshold_grid,
        config.training.cliff_threshold_fallback,
    )?;

    let heads = Heads::try_build(|target| take(&mut entries, target))?;
    let head_models = Heads::try_build(|target| take(&mut models, target))?;
    let manifest = BundleManifest {
        format_version: BUNDLE_FORMAT_VERSION,
        model_type,
        schema: schema.clone(),
        heads,
        cliff_threshold,
        training_config: config.clone(),
        data_fingerprint: data_fingerprint(schema, &samples.samples),
        metrics: serde_json::Value::Null,
        extra: BTreeMap::new(),
        library_versions: LibraryVersions::current(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    Ok(ModelBundle::assemble(manifest, head_models))
}

fn take<T>(map: &mut BTreeMap<Target, T>, target: Target) -> Result<T, ModelError> {
    map.remove(&target)
        .ok_or_else(|| ModelError::MissingData(format!("head {target} was not trained")))
}

fn loss_name(objective: Objective) -> &'static str {
    match objective {
        Objective::SquaredError => "mse",
        Objective::AbsoluteError => "mae",
        Objective::Logistic => "logloss",
    }
}

/// Short keys of a sample for messages.
pub(crate) fn sample_keys(sample: &Sample) -> String {
    format!(
        "{} round {} {} stint {} k={}",
        sample.season, sample.round, sample.driver, sample.stint, sample.k
    )
}

fn check_layout(samples: &SampleSet) -> Result<(), ModelError> {
    let schema = &samples.schema;
    if schema.names.len() != schema.kinds.len() {
        return Err(ModelError::Shape(format!(
            "the feature schema has {} names but {} kinds",
            schema.names.len(),
            schema.kinds.len()
        )));
    }
    let mut seen = HashSet::new();
    if let Some(name) = schema.names.iter().find(|name| !seen.insert(name.as_str())) {
        return Err(ModelError::Shape(format!(
            "feature column {name} appears twice"
        )));
    }
    if schema.is_empty() {
        return Err(ModelError::Shape(
            "the feature schema has no columns".to_string(),
        ));
    }
    for sample in &samples.samples {
        if sample.features.len() != schema.len() {
            return Err(ModelError::Shape(format!(
                "sample {} has {} features, the schema {}",
                sample_keys(sample),
                sample.features.len(),
                schema.len()
            )));
        }
    }
    Ok(())
}

fn features(samples: &[&Sample], n_cols: usize) -> Result<Matrix, ModelError> {
    let rows: Vec<&[f64]> = samples.iter().map(|s| s.features.as_slice()).collect();
    Matrix::from_rows(n_cols, &rows)
}

fn labels(samples: &[&Sample], target: Target) -> Result<Vec<f32>, ModelError> {
    samples
        .iter()
        .map(|sample| {
            let value = match target {
                Target::DegradationRate => sample.degradation_rate,
                Target::UsableLife => sample.usable_life,
                Target::Cliff => return Ok(if sample.cliff { 1.0 } else { 0.0 }),
            };
            if value.is_finite() {
                Ok(value as f32)
            } else {
                Err(ModelError::NonFiniteTarget {
                    target,
                    sample: sample_keys(sample),
                    value,
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{fast_config, sample_set};

    #[test]
    fn too_few_stints_are_refused_with_the_override() {
        let samples = sample_set(40, 41);
        let mut config = fast_config(5, 5);
        config.training.min_stints = 1000;
        let error = train_bundle(&samples, ModelType::Xgboost, &config, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(error.contains("only 40 distinct stints"), "{error}");
        assert!(error.contains("at least 1000"), "{error}");
        assert!(error.contains("--allow-small"), "{error}");
    }

    #[test]
    fn missing_validation_split_is_a_clear_error() {
        let mut samples = sample_set(40, 42);
        samples.samples.retain(|s| s.split != Split::Validation);
        let error = train_bundle(
            &samples,
            ModelType::Lightgbm,
            &fast_config(5, 5),
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("no validation samples"), "{error}");
    }

    #[test]
    fn non_finite_targets_name_the_sample() {
        let mut samples = sample_set(40, 43);
        samples.samples[3].usable_life = f64::NAN;
        let error = train_bundle(
            &samples,
            ModelType::Xgboost,
            &fast_config(5, 5),
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("target usable_life of sample 2023 round 2 D00 stint 1 k=0"),
            "{error}"
        );
    }

    #[test]
    fn single_library_bundles_have_fixed_weights_and_report_progress() {
        let samples = sample_set(60, 44);
        for (model_type, weight) in [(ModelType::Xgboost, 1.0), (ModelType::Lightgbm, 0.0)] {
            let mut events = Vec::new();
            let bundle = train_bundle(&samples, model_type, &fast_config(20, 5), &mut |p| {
                events.push(p)
            })
            .unwrap();
            for target in Target::ALL {
                let entry = bundle.manifest().heads.get(target);
                assert_eq!(entry.xgboost_weight, weight);
                assert_eq!(entry.members.len(), 1);
                assert_eq!(entry.validation_loss, entry.members[0].validation_loss);
            }
            let started = events
                .iter()
                .filter(|p| matches!(p, Progress::HeadStarted { .. }))
                .count();
            let finished = events
                .iter()
                .filter(|p| matches!(p, Progress::HeadFinished { .. }))
                .count();
            assert_eq!((started, finished), (3, 3), "{model_type}");
            assert!(events
                .iter()
                .any(|p| matches!(p, Progress::Round { round: 1, .. })));
        }
    }

    /// Timing figures, run by hand:
    /// `cargo test -p tiredeg-models --lib -- --ignored --nocapture timing`.
    #[test]
    #[ignore = "takes about a minute; prints figures"]
    #[allow(clippy::print_stderr)]
    fn timing_on_twenty_thousand_training_rows() {
        let samples = sample_set(11_112, 45);
        let train_rows = samples
            .samples
            .iter()
            .filter(|s| s.split == Split::Train)
            .count();
        let mut config = TrainingConfig::default();
        config.training.min_stints = 10;
        for model_type in ModelType::ALL {
            let started = std::time::Instant::now();
            let bundle = train_bundle(&samples, model_type, &config, &mut |_| {}).unwrap();
            let seconds = started.elapsed().as_secs_f64();
            let rounds: Vec<String> = Target::ALL
                .iter()
                .flat_map(|&t| bundle.manifest().heads.get(t).members.iter())
                .map(|m| {
                    format!(
                        "{}/{}",
                        m.training.best_iteration, m.training.rounds_trained
                    )
                })
                .collect();
            let row = &samples.samples[7].features;
            let calls = 2000;
            let started = std::time::Instant::now();
            for _ in 0..calls {
                bundle.predict_row(row).unwrap();
            }
            let micros = started.elapsed().as_secs_f64() * 1e6 / calls as f64;
            let started = std::time::Instant::now();
            let all = bundle.predict(&samples).unwrap();
            let batch = started.elapsed().as_secs_f64();
            eprintln!(
                "{model_type}: {train_rows} training rows, {seconds:.1} s training \
                 (best/run rounds {}), single row {micros:.1} us, \
                 batch of {} rows {batch:.3} s",
                rounds.join(" "),
                all.cliff.len()
            );
        }
    }
}
