//! Cross-validation by event: fold assignment and the summary of the
//! per-fold reports.
//!
//! Folds are cut by event (season, round), never by sample, because the
//! stints of one race share track, weather and fuel load; a model that saw
//! half a race in training would look better on the other half than it is.
//!
//! The fold order follows the same rule as the default split (SPEC 5), so
//! any language can reproduce it: events are sorted by the first 8 bytes,
//! read as a big-endian unsigned integer, of the SHA-256 of
//! `"{seed}:{season}:{round}"` (ties by season and round), then dealt to
//! folds 0, 1, ..., folds-1, 0, 1, ... in that order. Every fold thus holds
//! the same number of events, give or take one. Folds can still differ in
//! sample count, as events differ in stint count.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tiredeg_prepare::Sample;

use crate::metrics::{MetricId, Metrics};
use crate::report::EvaluationReport;

/// The fold of every sample, in sample order: an index in `0..folds`.
///
/// All samples of one event (season, round) share a fold, oversampled
/// copies included. `folds == 0` is taken as 1. With more folds than
/// events, the folds past the event count are empty.
pub fn event_folds(samples: &[Sample], folds: usize, seed: u64) -> Vec<usize> {
    let folds = folds.max(1);
    let mut events: Vec<(u64, i32, u32)> = samples
        .iter()
        .map(|s| (event_hash(seed, s.season, s.round), s.season, s.round))
        .collect();
    events.sort_unstable();
    events.dedup();

    let fold_of: BTreeMap<(i32, u32), usize> = events
        .iter()
        .enumerate()
        .map(|(position, &(_, season, round))| ((season, round), position % folds))
        .collect();
    samples
        .iter()
        .map(|s| fold_of.get(&(s.season, s.round)).copied().unwrap_or(0))
        .collect()
}

fn event_hash(seed: u64, season: i32, round: u32) -> u64 {
    let digest = Sha256::digest(format!("{seed}:{season}:{round}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// Mean and spread of one metric over folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanStd {
    /// Mean over the folds where the metric could be computed.
    pub mean: Option<f64>,
    /// Sample standard deviation (divisor n - 1) over those folds: the
    /// folds are a sample of the splits one could have drawn, and the
    /// n - 1 form does not understate the spread of so few values. `None`
    /// with fewer than two folds.
    pub std: Option<f64>,
    /// Folds where the metric could be computed.
    pub n: usize,
}

/// The observed_slope baseline over folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvSubsetBaseline {
    /// Samples it applied to, summed over folds.
    pub n_samples: usize,
    /// The baseline's metrics.
    #[serde(flatten)]
    pub metrics: Metrics<MeanStd>,
    /// The model's metrics on the same subsets.
    pub model_on_subset: Metrics<MeanStd>,
}

/// Both baselines over folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvBaselines {
    /// Training median per compound.
    pub compound_median: Metrics<MeanStd>,
    /// Observed slope, k >= 3.
    pub observed_slope: CvSubsetBaseline,
}

/// Cross-validation summary: the per-fold reports' metrics as mean and
/// standard deviation, in the same shape as a report's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvSummary {
    /// The model types of the reports, distinct, joined by ", " (one name
    /// when the reports are folds of one model, as intended).
    pub model_type: String,
    /// Number of fold reports.
    pub n_folds: usize,
    /// Evaluation samples summed over folds.
    pub n_samples: usize,
    /// Folds in which the model beat every baseline.
    pub folds_beating_baselines: usize,
    /// The model's metrics.
    pub metrics: Metrics<MeanStd>,
    /// The baselines' metrics.
    pub baselines: CvBaselines,
}

/// Summarises per-fold reports into mean and standard deviation of every
/// metric. A fold where a metric is `null` is left out of that metric's
/// mean (its `n` says how many folds count).
pub fn summarize_folds(reports: &[EvaluationReport]) -> CvSummary {
    let mut model_types: Vec<&str> = Vec::new();
    for report in reports {
        if !model_types.contains(&report.model_type.as_str()) {
            model_types.push(&report.model_type);
        }
    }
    let summary = |get: &dyn Fn(&EvaluationReport) -> &Metrics| -> Metrics<MeanStd> {
        Metrics::from_fn(|id: MetricId| {
            let values: Vec<f64> = reports.iter().filter_map(|r| *get(r).get(id)).collect();
            mean_std(&values)
        })
    };
    CvSummary {
        model_type: model_types.join(", "),
        n_folds: reports.len(),
        n_samples: reports.iter().map(|r| r.n_samples).sum(),
        folds_beating_baselines: reports.iter().filter(|r| r.beats_baselines).count(),
        metrics: summary(&|r| &r.metrics),
        baselines: CvBaselines {
            compound_median: summary(&|r| &r.baselines.compound_median),
            observed_slope: CvSubsetBaseline {
                n_samples: reports
                    .iter()
                    .map(|r| r.baselines.observed_slope.n_samples)
                    .sum(),
                metrics: summary(&|r| &r.baselines.observed_slope.metrics),
                model_on_subset: summary(&|r| &r.baselines.observed_slope.model_on_subset),
            },
        },
    }
}

fn mean_std(values: &[f64]) -> MeanStd {
    let n = values.len();
    if n == 0 {
        return MeanStd {
            mean: None,
            std: None,
            n,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let std = (n >= 2).then(|| {
        let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        (squares / (n - 1) as f64).sqrt()
    });
    MeanStd {
        mean: Some(mean),
        std,
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::tests::sample;
    use crate::report::tests::{evaluation, perfect, run};
    use std::collections::BTreeSet;
    use tiredeg_laps::Compound;

    fn many_events() -> Vec<Sample> {
        let mut samples = Vec::new();
        for round in 1..=23 {
            for driver in ["AAA", "BBB", "CCC"] {
                for k in [0, 3] {
                    samples.push(sample(
                        round,
                        driver,
                        Compound::Soft,
                        k,
                        0.1,
                        20.0,
                        false,
                        0.1,
                    ));
                }
            }
        }
        samples
    }

    #[test]
    fn no_event_spans_two_folds() {
        let samples = many_events();
        let folds = event_folds(&samples, 5, 42);
        let mut fold_of_event: BTreeMap<(i32, u32), usize> = BTreeMap::new();
        for (sample, &fold) in samples.iter().zip(&folds) {
            let seen = *fold_of_event
                .entry((sample.season, sample.round))
                .or_insert(fold);
            assert_eq!(seen, fold, "round {} is in two folds", sample.round);
            assert!(fold < 5);
        }
    }

    #[test]
    fn folds_are_balanced_by_event_count() {
        let samples = many_events();
        let folds = event_folds(&samples, 5, 42);
        let mut events_per_fold = [
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        ];
        for (sample, &fold) in samples.iter().zip(&folds) {
            events_per_fold[fold].insert(sample.round);
        }
        let counts: Vec<usize> = events_per_fold.iter().map(BTreeSet::len).collect();
        // 23 events in 5 folds: 5, 5, 5, 4, 4.
        assert_eq!(counts, [5, 5, 5, 4, 4]);
    }

    #[test]
    fn folds_are_deterministic_and_depend_on_the_seed() {
        let samples = many_events();
        assert_eq!(event_folds(&samples, 4, 7), event_folds(&samples, 4, 7));
        assert_ne!(event_folds(&samples, 4, 7), event_folds(&samples, 4, 8));
        // Order of samples does not change an event's fold.
        let mut reversed = samples.clone();
        reversed.reverse();
        let mut back = event_folds(&reversed, 4, 7);
        back.reverse();
        assert_eq!(back, event_folds(&samples, 4, 7));
    }

    #[test]
    fn zero_folds_and_empty_input_do_not_panic() {
        let samples = many_events();
        assert!(event_folds(&samples, 0, 1).iter().all(|&f| f == 0));
        assert!(event_folds(&[], 5, 1).is_empty());
    }

    #[test]
    fn summary_has_mean_and_sample_std() {
        let eval = evaluation();
        let exact = run(&perfect(&eval)).unwrap();
        let mut off = perfect(&eval);
        for rate in &mut off.degradation_rate {
            *rate += 0.1;
        }
        let worse = run(&off).unwrap();
        let summary = summarize_folds(&[exact.clone(), worse]);
        let mae = &summary.metrics.degradation_rate.mae;
        assert_eq!(mae.n, 2);
        assert!(mae.mean.is_some_and(|m| (m - 0.05).abs() < 1e-9));
        // Values 0 and 0.1: sample std = sqrt(0.005).
        assert!(mae.std.is_some_and(|s| (s - 0.005f64.sqrt()).abs() < 1e-9));
        assert_eq!(summary.n_folds, 2);
        assert_eq!(summary.n_samples, 8);
        assert_eq!(summary.folds_beating_baselines, 1);
        assert_eq!(summary.model_type, "xgboost");

        let one = summarize_folds(&[exact]);
        assert_eq!(one.metrics.degradation_rate.mae.std, None);
        let json = serde_json::to_value(&one).unwrap();
        assert!(
            json["baselines"]["observed_slope"]["model_on_subset"]["cliff"]["f1"]["mean"]
                .is_number()
        );
        assert!(json["baselines"]["observed_slope"]["degradation_rate"]["rmse"]["n"].is_number());
    }

    #[test]
    fn empty_summary_is_all_null() {
        let summary = summarize_folds(&[]);
        assert_eq!(summary.n_folds, 0);
        assert_eq!(summary.metrics.cliff.f1.mean, None);
    }
}
