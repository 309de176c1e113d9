//! The evaluation report: the model's metrics next to the baselines', on
//! the whole evaluation split, per compound and per k, with a verdict for
//! every metric where the model does not beat a baseline.
//!
//! The JSON written from [`EvaluationReport`] has a fixed shape that
//! scripts read:
//!
//! ```text
//! { "model_type", "version", "split", "n_samples",
//!   "metrics":   { "degradation_rate": {"rmse","mae","r2"},
//!                  "usable_life": {"mae"},
//!                  "cliff": {"accuracy","precision","recall","f1"} },
//!   "baselines": { "compound_median": <metrics>,
//!                  "observed_slope": { "n_samples", <metrics fields>,
//!                                      "model_on_subset": <metrics> } },
//!   "by_compound": { "SOFT": {"n_samples","metrics","baselines"}, ... },
//!   "by_k":        { "0": {...}, "3": {...}, "5": {...} },
//!   "verdicts": [ "...", ... ], "beats_baselines": bool }
//! ```
//!
//! The observed_slope baseline only applies to samples with k >= 3 and an
//! observed slope, so its metrics cover fewer samples than the model's. To
//! compare like with like it carries its own `n_samples` and
//! `model_on_subset`, the model's metrics on exactly those samples; its
//! verdicts compare against `model_on_subset`, never against the model's
//! metrics on the whole split (which include the harder k = 0 samples).
//!
//! Oversampled copies are left out of both the evaluation samples and the
//! training samples before anything is computed. Preparation never puts
//! them in a validation or test split, but a cross-validation fold cut from
//! the training split would contain them, and a copied sample counted twice
//! would weigh its compound twice. The training side is filtered for the
//! same reason: the baseline medians describe the real training stints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;
use tiredeg_prepare::{FeatureSchema, Sample};

use crate::baseline::{
    self, check_targets, CompoundMedians, PointPredictions, OBSERVED_SLOPE_MIN_K,
};
use crate::error::{describe, EvalError};
use crate::metrics::{cliff_metrics, mae, r2, rmse, usable_life_mae, MetricId, Metrics};
use crate::metrics::{RegressionMetrics, UsableLifeMetrics};

/// A model's predictions for the evaluation samples, in their order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Predicted {
    /// Predicted degradation rate, s/lap.
    pub degradation_rate: Vec<f64>,
    /// Predicted usable life, laps of tire age.
    pub usable_life: Vec<f64>,
    /// Predicted probability of a cliff.
    pub cliff_probability: Vec<f64>,
    /// Predicted cliff flag (the probability at or above the model's
    /// threshold); this is what the cliff metrics judge.
    pub cliff: Vec<bool>,
}

/// The observed_slope baseline and the model on the same subset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsetBaseline {
    /// Samples the baseline applies to (k >= 3 with an observed slope).
    pub n_samples: usize,
    /// The baseline's metrics on those samples.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// The model's metrics on the same samples.
    pub model_on_subset: Metrics,
}

/// Both baselines on one set of samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baselines {
    /// Training median per compound.
    pub compound_median: Metrics,
    /// Observed Theil-Sen slope, for k >= 3.
    pub observed_slope: SubsetBaseline,
}

/// Metrics of the model and baselines on one group of samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// Samples in the group.
    pub n_samples: usize,
    /// The model's metrics.
    pub metrics: Metrics,
    /// The baselines' metrics on the same group.
    pub baselines: Baselines,
}

/// The full evaluation of one model on one split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationReport {
    /// Kind of model, e.g. "xgboost".
    pub model_type: String,
    /// Registry version of the model, when it has one.
    pub version: Option<String>,
    /// Name of the evaluated split, e.g. "test" or "fold 3".
    pub split: String,
    /// Evaluation samples, oversampled copies left out.
    pub n_samples: usize,
    /// The model's metrics on all of them.
    pub metrics: Metrics,
    /// The baselines on all of them.
    pub baselines: Baselines,
    /// Per compound present, keyed by its upper-case name.
    pub by_compound: BTreeMap<String, GroupReport>,
    /// Per value of k present, keyed by k as text.
    pub by_k: BTreeMap<String, GroupReport>,
    /// One sentence per (baseline, metric) the model does not beat.
    pub verdicts: Vec<String>,
    /// True when at least one comparison could be made and the model beat
    /// every baseline on every metric compared.
    pub beats_baselines: bool,
}

/// Evaluates a model's predictions on `eval` against the baselines.
///
/// `train` is the training split the baseline medians come from;
/// `predicted` holds one value per sample of `eval`, in order. Oversampled
/// copies are left out of both sets (with their predictions). Fails when
/// the lengths disagree, a prediction or target is not finite, no training
/// sample remains, or the schema lacks `obs_slope`.
pub fn evaluate(
    model_type: &str,
    version: Option<&str>,
    split_name: &str,
    train: &[&Sample],
    eval: &[&Sample],
    predicted: &Predicted,
    schema: &FeatureSchema,
) -> Result<EvaluationReport, EvalError> {
    let train: Vec<&Sample> = train.iter().copied().filter(|s| !s.oversampled).collect();
    let medians = CompoundMedians::fit(&train)?;
    evaluate_with_medians(
        model_type, version, split_name, &medians, eval, predicted, schema,
    )
}

/// As [`evaluate`], with the compound_median baseline already fitted (for
/// example the medians a model saved from its own training data).
pub fn evaluate_with_medians(
    model_type: &str,
    version: Option<&str>,
    split_name: &str,
    medians: &CompoundMedians,
    eval: &[&Sample],
    predicted: &Predicted,
    schema: &FeatureSchema,
) -> Result<EvaluationReport, EvalError> {
    check_lengths(eval.len(), predicted)?;
    let (samples, model) = originals_with_predictions(eval, predicted)?;
    let compound_median = medians.predict(&samples);
    let (observed_slope, subset) = baseline::observed_slope(&samples, schema, &compound_median)?;
    let scorer = Scorer {
        truth: truth_of(&samples),
        model,
        compound_median,
        observed_slope,
        in_subset: membership(samples.len(), &subset),
    };

    let all: Vec<usize> = (0..samples.len()).collect();
    let overall = scorer.group(&all);

    let mut by_compound = BTreeMap::new();
    for compound in Compound::ALL {
        let indices = positions(&samples, |s| s.compound == compound);
        if !indices.is_empty() {
            by_compound.insert(compound.as_str().to_string(), scorer.group(&indices));
        }
    }
    let mut ks: Vec<usize> = samples.iter().map(|s| s.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let mut by_k = BTreeMap::new();
    for k in ks {
        let indices = positions(&samples, |s| s.k == k);
        by_k.insert(k.to_string(), scorer.group(&indices));
    }

    let (verdicts, comparisons) = verdicts(&overall.metrics, &overall.baselines);
    Ok(EvaluationReport {
        model_type: model_type.to_string(),
        version: version.map(str::to_string),
        split: split_name.to_string(),
        n_samples: overall.n_samples,
        metrics: overall.metrics,
        baselines: overall.baselines,
        by_compound,
        by_k,
        beats_baselines: verdicts.is_empty() && comparisons > 0,
        verdicts,
    })
}

/// The evaluation samples without oversampled copies, and the model's
/// predictions for them, checked to be finite.
pub(crate) fn originals_with_predictions<'a>(
    eval: &[&'a Sample],
    predicted: &Predicted,
) -> Result<(Vec<&'a Sample>, PointPredictions), EvalError> {
    let mut samples = Vec::new();
    let mut model = PointPredictions::default();
    for (index, sample) in eval.iter().enumerate() {
        if sample.oversampled {
            continue;
        }
        check_targets("evaluation", index, sample)?;
        let rate = predicted.degradation_rate[index];
        let life = predicted.usable_life[index];
        let probability = predicted.cliff_probability[index];
        for (head, value) in [
            ("degradation_rate", rate),
            ("usable_life", life),
            ("cliff_probability", probability),
        ] {
            if !value.is_finite() {
                return Err(EvalError::NonFinitePrediction {
                    head,
                    index,
                    sample: describe(sample),
                    value,
                });
            }
        }
        samples.push(*sample);
        model.rate.push(rate);
        model.life.push(life);
        model.cliff.push(predicted.cliff[index]);
    }
    Ok((samples, model))
}

pub(crate) fn check_lengths(expected: usize, predicted: &Predicted) -> Result<(), EvalError> {
    for (head, found) in [
        ("degradation_rate", predicted.degradation_rate.len()),
        ("usable_life", predicted.usable_life.len()),
        ("cliff_probability", predicted.cliff_probability.len()),
        ("cliff", predicted.cliff.len()),
    ] {
        if found != expected {
            return Err(EvalError::LengthMismatch {
                head,
                expected,
                found,
            });
        }
    }
    Ok(())
}

/// Everything needed to score any group of evaluation samples.
struct Scorer {
    truth: PointPredictions,
    model: PointPredictions,
    compound_median: PointPredictions,
    observed_slope: PointPredictions,
    in_subset: Vec<bool>,
}

impl Scorer {
    fn group(&self, indices: &[usize]) -> GroupReport {
        let subset: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&i| self.in_subset[i])
            .collect();
        GroupReport {
            n_samples: indices.len(),
            metrics: score(indices, &self.truth, &self.model),
            baselines: Baselines {
                compound_median: score(indices, &self.truth, &self.compound_median),
                observed_slope: SubsetBaseline {
                    n_samples: subset.len(),
                    metrics: score(&subset, &self.truth, &self.observed_slope),
                    model_on_subset: score(&subset, &self.truth, &self.model),
                },
            },
        }
    }
}

fn score(indices: &[usize], truth: &PointPredictions, predicted: &PointPredictions) -> Metrics {
    let pick = |values: &[f64]| -> Vec<f64> { indices.iter().map(|&i| values[i]).collect() };
    let pick_flags =
        |values: &[bool]| -> Vec<bool> { indices.iter().map(|&i| values[i]).collect() };
    let (rate, rate_hat) = (pick(&truth.rate), pick(&predicted.rate));
    let (life, life_hat) = (pick(&truth.life), pick(&predicted.life));
    Metrics {
        degradation_rate: RegressionMetrics {
            rmse: rmse(&rate, &rate_hat),
            mae: mae(&rate, &rate_hat),
            r2: r2(&rate, &rate_hat),
        },
        usable_life: UsableLifeMetrics {
            mae: usable_life_mae(&life, &life_hat),
        },
        cliff: cliff_metrics(&pick_flags(&truth.cliff), &pick_flags(&predicted.cliff)),
    }
}

fn truth_of(samples: &[&Sample]) -> PointPredictions {
    PointPredictions {
        rate: samples.iter().map(|s| s.degradation_rate).collect(),
        life: samples.iter().map(|s| s.usable_life).collect(),
        cliff: samples.iter().map(|s| s.cliff).collect(),
    }
}

fn membership(len: usize, subset: &[usize]) -> Vec<bool> {
    let mut member = vec![false; len];
    for &i in subset {
        member[i] = true;
    }
    member
}

fn positions(samples: &[&Sample], keep: impl Fn(&Sample) -> bool) -> Vec<usize> {
    (0..samples.len()).filter(|&i| keep(samples[i])).collect()
}

/// One sentence per (baseline, metric) where the model is not strictly
/// better, and the number of comparisons made. A metric missing on either
/// side is not compared. A tie is not a win: a model that only matches a
/// median has not earned its complexity.
fn verdicts(model: &Metrics, baselines: &Baselines) -> (Vec<String>, usize) {
    let subset = &baselines.observed_slope;
    let against = [
        (
            "compound_median",
            &baselines.compound_median,
            model,
            String::new(),
        ),
        (
            "observed_slope",
            &subset.metrics,
            &subset.model_on_subset,
            format!(
                " on the {} samples with k >= {OBSERVED_SLOPE_MIN_K}",
                subset.n_samples
            ),
        ),
    ];
    let mut out = Vec::new();
    let mut comparisons = 0;
    for (name, baseline, model, scope) in against {
        for id in MetricId::ALL {
            let (Some(ours), Some(theirs)) = (*model.get(id), *baseline.get(id)) else {
                continue;
            };
            comparisons += 1;
            let beats = if id.higher_is_better() {
                ours > theirs
            } else {
                ours < theirs
            };
            if !beats {
                out.push(format!(
                    "{} {} does not beat the {name} baseline ({}){scope}",
                    id.label(),
                    format_metric(ours),
                    format_metric(theirs)
                ));
            }
        }
    }
    (out, comparisons)
}

/// A metric value with four significant digits, for sentences.
pub(crate) fn format_metric(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs().log10().floor();
    let decimals = (3.0 - magnitude).clamp(0.0, 8.0) as usize;
    format!("{value:.decimals$}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::baseline::tests::{sample, schema};

    /// Training: SOFT stints with rates 0.10, 0.12, 0.14 (median 0.12,
    /// life 20), MEDIUM stints 0.06, 0.08 (median 0.07, life 30); one
    /// SOFT cliff of three, so the baseline never predicts a cliff.
    pub(crate) fn training() -> Vec<Sample> {
        let (s, m) = (Compound::Soft, Compound::Medium);
        vec![
            sample(1, "AAA", s, 0, 0.10, 18.0, true, f64::NAN),
            sample(1, "BBB", s, 0, 0.12, 20.0, false, f64::NAN),
            sample(2, "AAA", s, 0, 0.14, 22.0, false, f64::NAN),
            sample(2, "BBB", m, 0, 0.06, 28.0, false, f64::NAN),
            sample(3, "AAA", m, 0, 0.08, 32.0, false, f64::NAN),
        ]
    }

    /// Evaluation: two stints, each at k = 0 and k = 3, plus an
    /// oversampled copy that must be ignored.
    pub(crate) fn evaluation() -> Vec<Sample> {
        let (s, m) = (Compound::Soft, Compound::Medium);
        let mut copy = sample(9, "CCC", s, 3, 0.20, 10.0, true, 0.21);
        copy.oversampled = true;
        vec![
            sample(9, "CCC", s, 0, 0.20, 10.0, true, f64::NAN),
            sample(9, "CCC", s, 3, 0.20, 10.0, true, 0.18),
            copy,
            sample(9, "DDD", m, 0, 0.05, 40.0, false, f64::NAN),
            sample(9, "DDD", m, 3, 0.05, 40.0, false, 0.07),
        ]
    }

    /// Exact predictions for every sample of [`evaluation`].
    pub(crate) fn perfect(eval: &[Sample]) -> Predicted {
        Predicted {
            degradation_rate: eval.iter().map(|s| s.degradation_rate).collect(),
            usable_life: eval.iter().map(|s| s.usable_life).collect(),
            cliff_probability: eval
                .iter()
                .map(|s| if s.cliff { 0.9 } else { 0.1 })
                .collect(),
            cliff: eval.iter().map(|s| s.cliff).collect(),
        }
    }

    pub(crate) fn run(predicted: &Predicted) -> Result<EvaluationReport, EvalError> {
        let (train, eval) = (training(), evaluation());
        let train: Vec<&Sample> = train.iter().collect();
        let eval: Vec<&Sample> = eval.iter().collect();
        evaluate(
            "xgboost",
            Some("1.2.0"),
            "test",
            &train,
            &eval,
            predicted,
            &schema(),
        )
    }

    fn close(value: Option<f64>, expected: f64) -> bool {
        value.is_some_and(|v| (v - expected).abs() < 1e-9)
    }

    #[test]
    fn saved_medians_give_the_same_report() {
        let (train, eval) = (training(), evaluation());
        let train: Vec<&Sample> = train.iter().collect();
        let medians = CompoundMedians::fit(&train).unwrap();
        let text = serde_json::to_string(&medians).unwrap();
        let restored: CompoundMedians = serde_json::from_str(&text).unwrap();
        assert_eq!(restored, medians);

        let eval_refs: Vec<&Sample> = eval.iter().collect();
        let predicted = perfect(&eval);
        let report = evaluate_with_medians(
            "xgboost",
            Some("1.2.0"),
            "test",
            &restored,
            &eval_refs,
            &predicted,
            &schema(),
        )
        .unwrap();
        assert_eq!(report, run(&predicted).unwrap());
    }

    #[test]
    fn baselines_match_hand_computed_values() {
        let report = run(&perfect(&evaluation())).unwrap();
        assert_eq!(report.n_samples, 4, "the oversampled copy is left out");

        // compound_median: SOFT predicts 0.12 (actual 0.20), MEDIUM 0.07
        // (actual 0.05); each stint twice. Errors 0.08, 0.08, 0.02, 0.02.
        let cm = &report.baselines.compound_median;
        assert!(close(cm.degradation_rate.mae, 0.05));
        assert!(close(
            cm.degradation_rate.rmse,
            ((0.0064 * 2.0 + 0.0004 * 2.0) / 4.0f64).sqrt()
        ));
        // Life: SOFT 20 vs 10, MEDIUM 30 vs 40.
        assert!(close(cm.usable_life.mae, 10.0));
        // Never predicts a cliff; one real cliff stint (two samples).
        assert!(close(cm.cliff.accuracy, 0.5));
        assert!(close(cm.cliff.precision, 0.0));

        // observed_slope: the two k = 3 samples, slopes 0.18 and 0.07.
        let os = &report.baselines.observed_slope;
        assert_eq!(os.n_samples, 2);
        assert!(close(os.metrics.degradation_rate.mae, 0.02));
        // Life 2/0.18 = 11.11 vs 10, 2/0.07 = 28.57 vs 40.
        let life = ((2.0 / 0.18 - 10.0) + (40.0 - 2.0 / 0.07)) / 2.0;
        assert!(close(os.metrics.usable_life.mae, life));
        assert!(close(os.model_on_subset.degradation_rate.mae, 0.0));
    }

    #[test]
    fn perfect_model_beats_baselines_and_has_no_verdicts() {
        let report = run(&perfect(&evaluation())).unwrap();
        assert!(close(report.metrics.degradation_rate.r2, 1.0));
        assert!(close(report.metrics.cliff.f1, 1.0));
        assert_eq!(report.verdicts, Vec::<String>::new());
        assert!(report.beats_baselines);
    }

    #[test]
    fn a_worse_model_gets_verdicts() {
        let eval = evaluation();
        let mut predicted = perfect(&eval);
        // Off by 0.15 s/lap everywhere, never predicts a cliff.
        for rate in &mut predicted.degradation_rate {
            *rate += 0.15;
        }
        predicted.cliff = vec![false; eval.len()];
        let report = run(&predicted).unwrap();
        assert!(!report.beats_baselines);
        let rmse_verdict = report
            .verdicts
            .iter()
            .find(|v| v.starts_with("degradation_rate RMSE") && v.contains("compound_median"));
        let Some(text) = rmse_verdict else {
            panic!("no RMSE verdict in {:?}", report.verdicts);
        };
        assert!(
            text.contains("0.1500 does not beat the compound_median baseline (0.05831)"),
            "{text}"
        );
        assert!(report
            .verdicts
            .iter()
            .any(|v| v.contains("observed_slope") && v.contains("on the 2 samples with k >= 3")));
        // A tie (both never predict a cliff) is not a win.
        assert!(report
            .verdicts
            .iter()
            .any(|v| v.starts_with("cliff accuracy 0.5000")));
        // usable_life is still perfect: no verdict for it.
        assert!(!report.verdicts.iter().any(|v| v.starts_with("usable_life")));
    }

    #[test]
    fn groups_cover_compounds_and_k() {
        let report = run(&perfect(&evaluation())).unwrap();
        let compounds: Vec<&str> = report.by_compound.keys().map(String::as_str).collect();
        assert_eq!(compounds, ["MEDIUM", "SOFT"]);
        let ks: Vec<&str> = report.by_k.keys().map(String::as_str).collect();
        assert_eq!(ks, ["0", "3"]);
        let k0 = &report.by_k["0"];
        assert_eq!(k0.n_samples, 2);
        assert_eq!(k0.baselines.observed_slope.n_samples, 0);
        assert_eq!(k0.baselines.observed_slope.metrics, Metrics::empty());
        assert_eq!(report.by_compound["SOFT"].n_samples, 2);
    }

    #[test]
    fn json_has_exactly_the_documented_keys() {
        let report = run(&perfect(&evaluation())).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            k.sort();
            k
        };
        assert_eq!(
            keys(&json),
            [
                "baselines",
                "beats_baselines",
                "by_compound",
                "by_k",
                "metrics",
                "model_type",
                "n_samples",
                "split",
                "verdicts",
                "version"
            ]
        );
        let metric_keys = ["cliff", "degradation_rate", "usable_life"];
        assert_eq!(keys(&json["metrics"]), metric_keys);
        assert_eq!(
            keys(&json["metrics"]["degradation_rate"]),
            ["mae", "r2", "rmse"]
        );
        assert_eq!(keys(&json["metrics"]["usable_life"]), ["mae"]);
        assert_eq!(
            keys(&json["metrics"]["cliff"]),
            ["accuracy", "f1", "precision", "recall"]
        );
        assert_eq!(
            keys(&json["baselines"]),
            ["compound_median", "observed_slope"]
        );
        assert_eq!(keys(&json["baselines"]["compound_median"]), metric_keys);
        assert_eq!(
            keys(&json["baselines"]["observed_slope"]),
            [
                "cliff",
                "degradation_rate",
                "model_on_subset",
                "n_samples",
                "usable_life"
            ]
        );
        assert_eq!(
            keys(&json["by_compound"]["SOFT"]),
            ["baselines", "metrics", "n_samples"]
        );
        assert_eq!(keys(&json["by_k"]["3"]["metrics"]), metric_keys);
        assert_eq!(json["version"], "1.2.0");
        // A metric that cannot be computed is null, never NaN.
        assert!(
            json["by_k"]["0"]["baselines"]["observed_slope"]["degradation_rate"]["rmse"].is_null()
        );

        let back: EvaluationReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn bad_predictions_are_errors_naming_the_sample() {
        let eval = evaluation();
        let mut predicted = perfect(&eval);
        predicted.usable_life.pop();
        let err = run(&predicted).unwrap_err();
        assert_eq!(
            err.to_string(),
            "predicted usable_life has 4 values for 5 evaluation samples"
        );

        let mut predicted = perfect(&eval);
        predicted.degradation_rate[3] = f64::NAN;
        let err = run(&predicted).unwrap_err();
        assert!(
            err.to_string()
                .contains("sample 3 (2023 round 9 DDD stint 1 k 0) is NaN"),
            "{err}"
        );

        // A NaN prediction for an oversampled copy is ignored with it.
        let mut predicted = perfect(&eval);
        predicted.degradation_rate[2] = f64::NAN;
        assert!(run(&predicted).is_ok());
    }

    #[test]
    fn verdict_numbers_have_four_significant_digits() {
        assert_eq!(format_metric(0.081234), "0.08123");
        assert_eq!(format_metric(7.23456), "7.235");
        assert_eq!(format_metric(0.5), "0.5000");
        assert_eq!(format_metric(1234.5678), "1235");
        assert_eq!(format_metric(0.0), "0");
    }
}
