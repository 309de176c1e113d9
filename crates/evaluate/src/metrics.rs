//! The metrics of SPEC section 6 and the structs that hold them.
//!
//! Each metric is an `Option<f64>`: `None` (JSON `null`) means the metric
//! cannot be computed for that set of samples, most often because the set
//! is empty (no HARD samples in a small test split, no k = 5 samples among
//! short stints). A metric is never NaN, because NaN would look like a
//! number in a table and silently lose every comparison.
//!
//! The metric structs are generic over the value they hold, so that the
//! cross-validation summary reuses the same shape with a mean and standard
//! deviation in every slot, and a script that reads one can read the other.

use serde::{Deserialize, Serialize};

/// Degradation rate metrics (s/lap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics<T = Option<f64>> {
    /// Root mean squared error.
    pub rmse: T,
    /// Mean absolute error.
    pub mae: T,
    /// Coefficient of determination, see [`r2`].
    pub r2: T,
}

/// Usable life metrics (laps of tire age).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsableLifeMetrics<T = Option<f64>> {
    /// Mean absolute error in laps.
    pub mae: T,
}

/// Cliff classification metrics, see [`cliff_metrics`] for the 0/0 cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CliffMetrics<T = Option<f64>> {
    /// Share of samples whose cliff flag is right.
    pub accuracy: T,
    /// Share of predicted cliffs that are cliffs.
    pub precision: T,
    /// Share of cliffs that were predicted.
    pub recall: T,
    /// Harmonic mean of precision and recall.
    pub f1: T,
}

/// All metrics of one set of predictions on one set of samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics<T = Option<f64>> {
    /// Degradation rate head.
    pub degradation_rate: RegressionMetrics<T>,
    /// Usable life head.
    pub usable_life: UsableLifeMetrics<T>,
    /// Cliff head.
    pub cliff: CliffMetrics<T>,
}

/// Names one metric of [`Metrics`], for code that walks all of them
/// (verdicts, tables, fold summaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricId {
    /// degradation_rate RMSE.
    RateRmse,
    /// degradation_rate MAE.
    RateMae,
    /// degradation_rate R².
    RateR2,
    /// usable_life MAE.
    LifeMae,
    /// cliff accuracy.
    CliffAccuracy,
    /// cliff precision.
    CliffPrecision,
    /// cliff recall.
    CliffRecall,
    /// cliff F1.
    CliffF1,
}

impl MetricId {
    /// Every metric, in report order.
    pub const ALL: [MetricId; 8] = [
        MetricId::RateRmse,
        MetricId::RateMae,
        MetricId::RateR2,
        MetricId::LifeMae,
        MetricId::CliffAccuracy,
        MetricId::CliffPrecision,
        MetricId::CliffRecall,
        MetricId::CliffF1,
    ];

    /// The name used in verdicts, e.g. "degradation_rate RMSE".
    pub fn label(self) -> &'static str {
        match self {
            MetricId::RateRmse => "degradation_rate RMSE",
            MetricId::RateMae => "degradation_rate MAE",
            MetricId::RateR2 => "degradation_rate R2",
            MetricId::LifeMae => "usable_life MAE",
            MetricId::CliffAccuracy => "cliff accuracy",
            MetricId::CliffPrecision => "cliff precision",
            MetricId::CliffRecall => "cliff recall",
            MetricId::CliffF1 => "cliff F1",
        }
    }

    /// A short column header for tables.
    pub fn short_label(self) -> &'static str {
        match self {
            MetricId::RateRmse => "rate_rmse",
            MetricId::RateMae => "rate_mae",
            MetricId::RateR2 => "rate_r2",
            MetricId::LifeMae => "life_mae",
            MetricId::CliffAccuracy => "cliff_acc",
            MetricId::CliffPrecision => "cliff_prec",
            MetricId::CliffRecall => "cliff_rec",
            MetricId::CliffF1 => "cliff_f1",
        }
    }

    /// Whether a larger value is better (R² and the cliff metrics) or a
    /// smaller one (the errors).
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            MetricId::RateRmse | MetricId::RateMae | MetricId::LifeMae
        )
    }
}

impl<T> Metrics<T> {
    /// The value of one metric.
    pub fn get(&self, id: MetricId) -> &T {
        match id {
            MetricId::RateRmse => &self.degradation_rate.rmse,
            MetricId::RateMae => &self.degradation_rate.mae,
            MetricId::RateR2 => &self.degradation_rate.r2,
            MetricId::LifeMae => &self.usable_life.mae,
            MetricId::CliffAccuracy => &self.cliff.accuracy,
            MetricId::CliffPrecision => &self.cliff.precision,
            MetricId::CliffRecall => &self.cliff.recall,
            MetricId::CliffF1 => &self.cliff.f1,
        }
    }

    /// Builds a metric set by asking `value` for every metric.
    pub fn from_fn(mut value: impl FnMut(MetricId) -> T) -> Metrics<T> {
        Metrics {
            degradation_rate: RegressionMetrics {
                rmse: value(MetricId::RateRmse),
                mae: value(MetricId::RateMae),
                r2: value(MetricId::RateR2),
            },
            usable_life: UsableLifeMetrics {
                mae: value(MetricId::LifeMae),
            },
            cliff: CliffMetrics {
                accuracy: value(MetricId::CliffAccuracy),
                precision: value(MetricId::CliffPrecision),
                recall: value(MetricId::CliffRecall),
                f1: value(MetricId::CliffF1),
            },
        }
    }
}

impl Metrics {
    /// Every metric `None`: the metrics of an empty set of samples.
    pub fn empty() -> Metrics {
        Metrics::from_fn(|_| None)
    }
}

/// Root mean squared error. `None` when there are no values, the lengths
/// differ, or a value is not finite.
pub fn rmse(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let squared = mean_of(actual, predicted, |e| e * e)?;
    Some(squared.sqrt())
}

/// Mean absolute error. `None` as for [`rmse`].
pub fn mae(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    mean_of(actual, predicted, f64::abs)
}

/// Mean absolute error of usable life, in laps. The same arithmetic as
/// [`mae`]; a separate name so that call sites say which head they judge.
pub fn usable_life_mae(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    mae(actual, predicted)
}

/// Coefficient of determination: `1 - SS_res / SS_tot`, where `SS_tot` is
/// taken around the mean of `actual`. It is negative for predictions worse
/// than that mean.
///
/// When every actual value is the same, `SS_tot` is zero and the ratio has
/// no meaning. Then R² is 1 if every prediction is exact (nothing is left
/// to explain and nothing was got wrong) and `None` otherwise: R² cannot
/// say how bad an error is when there is no variance to compare it with,
/// and RMSE and MAE still judge such a set. `None` also when there are no
/// values, the lengths differ, or a value is not finite.
pub fn r2(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let ss_res = mean_of(actual, predicted, |e| e * e)? * actual.len() as f64;
    let mean = actual.iter().sum::<f64>() / actual.len() as f64;
    let ss_tot: f64 = actual.iter().map(|a| (a - mean) * (a - mean)).sum();
    if ss_tot > 0.0 {
        Some(1.0 - ss_res / ss_tot)
    } else if ss_res == 0.0 {
        Some(1.0)
    } else {
        None
    }
}

/// Accuracy, precision, recall and F1 of cliff flags, with a cliff as the
/// positive class.
///
/// The 0/0 cases, which are common because cliffs are rare:
/// - precision is 0 when nothing is predicted a cliff;
/// - recall is 0 when no sample has a cliff;
/// - F1 is 0 when precision and recall are both 0.
///
/// So a set without any cliff gives recall and F1 of 0 even to a model
/// that rightly predicts none; accuracy is the metric to read there.
/// Every metric is `None` when there are no samples or the lengths differ.
pub fn cliff_metrics(actual: &[bool], predicted: &[bool]) -> CliffMetrics {
    if actual.is_empty() || actual.len() != predicted.len() {
        return CliffMetrics {
            accuracy: None,
            precision: None,
            recall: None,
            f1: None,
        };
    }
    let mut counts = [[0usize; 2]; 2];
    for (&a, &p) in actual.iter().zip(predicted) {
        counts[usize::from(a)][usize::from(p)] += 1;
    }
    let [[true_negative, false_positive], [false_negative, true_positive]] = counts;

    let ratio = |num: usize, den: usize| {
        if den == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    };
    let accuracy = ratio(true_positive + true_negative, actual.len());
    let precision = ratio(true_positive, true_positive + false_positive);
    let recall = ratio(true_positive, true_positive + false_negative);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    CliffMetrics {
        accuracy: Some(accuracy),
        precision: Some(precision),
        recall: Some(recall),
        f1: Some(f1),
    }
}

fn mean_of(actual: &[f64], predicted: &[f64], loss: impl Fn(f64) -> f64) -> Option<f64> {
    if actual.is_empty() || actual.len() != predicted.len() {
        return None;
    }
    let mut total = 0.0;
    for (a, p) in actual.iter().zip(predicted) {
        if !(a.is_finite() && p.is_finite()) {
            return None;
        }
        total += loss(p - a);
    }
    Some(total / actual.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(value: Option<f64>, expected: f64) -> bool {
        value.is_some_and(|v| (v - expected).abs() < 1e-12)
    }

    #[test]
    fn regression_metrics_match_hand_computed_values() {
        let actual = [1.0, 2.0, 3.0, 4.0];
        let predicted = [1.5, 2.0, 2.0, 5.0];
        // Errors 0.5, 0, -1, 1: squares sum 2.25, abs sum 2.5.
        assert!(close(rmse(&actual, &predicted), (2.25f64 / 4.0).sqrt()));
        assert!(close(mae(&actual, &predicted), 0.625));
        // Mean 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5.
        assert!(close(r2(&actual, &predicted), 1.0 - 2.25 / 5.0));
        assert!(close(usable_life_mae(&[10.0, 20.0], &[13.0, 19.0]), 2.0));
    }

    #[test]
    fn r2_is_one_for_perfect_and_negative_for_worse_than_the_mean() {
        let actual = [0.05, 0.08, 0.12];
        assert!(close(r2(&actual, &actual), 1.0));
        let r = r2(&actual, &[0.2, 0.0, 0.3]);
        assert!(r.is_some_and(|r| r < 0.0));
    }

    #[test]
    fn r2_of_a_constant_target_is_defined_without_nan() {
        assert!(close(r2(&[0.1, 0.1], &[0.1, 0.1]), 1.0));
        assert_eq!(r2(&[0.1, 0.1], &[0.1, 0.2]), None);
        assert_eq!(r2(&[0.1], &[0.3]), None);
    }

    #[test]
    fn empty_mismatched_or_non_finite_input_gives_none() {
        assert_eq!(rmse(&[], &[]), None);
        assert_eq!(mae(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(r2(&[], &[]), None);
        assert_eq!(rmse(&[1.0, 2.0], &[f64::NAN, 2.0]), None);
        assert_eq!(cliff_metrics(&[], &[]).accuracy, None);
    }

    #[test]
    fn cliff_metrics_match_hand_computed_values() {
        // TP 2, FP 1, FN 1, TN 4.
        let actual = [true, true, true, false, false, false, false, false];
        let predicted = [true, true, false, true, false, false, false, false];
        let m = cliff_metrics(&actual, &predicted);
        assert!(close(m.accuracy, 6.0 / 8.0));
        assert!(close(m.precision, 2.0 / 3.0));
        assert!(close(m.recall, 2.0 / 3.0));
        assert!(close(m.f1, 2.0 / 3.0));
    }

    #[test]
    fn cliff_metrics_with_zero_positives_are_zero_not_nan() {
        // No cliffs predicted, two actual cliffs.
        let m = cliff_metrics(&[true, false, true], &[false, false, false]);
        assert!(close(m.precision, 0.0));
        assert!(close(m.recall, 0.0));
        assert!(close(m.f1, 0.0));
        assert!(close(m.accuracy, 1.0 / 3.0));

        // No actual cliff and none predicted: right on every sample, yet
        // recall and F1 are 0 by the documented convention.
        let m = cliff_metrics(&[false, false], &[false, false]);
        assert!(close(m.accuracy, 1.0));
        assert!(close(m.recall, 0.0));
        assert!(close(m.f1, 0.0));
    }

    #[test]
    fn metric_ids_walk_every_field_once() {
        let m = Metrics::from_fn(|id| MetricId::ALL.iter().position(|&x| x == id));
        for (i, id) in MetricId::ALL.iter().enumerate() {
            assert_eq!(*m.get(*id), Some(i));
        }
        assert!(!MetricId::RateRmse.higher_is_better());
        assert!(MetricId::CliffF1.higher_is_better());
    }
}
