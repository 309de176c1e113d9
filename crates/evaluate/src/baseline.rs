//! The two baselines of SPEC section 6, as predictions for each evaluation
//! sample.
//!
//! **compound_median** predicts, for every sample of a compound, the median
//! over the training stints of that compound of each target: the median
//! degradation_rate, the median usable_life, and a cliff when more than
//! half of those stints had one. Medians are taken over *stints*, not
//! samples: a long stint yields samples at k = 0, 3 and 5 with the same
//! targets, and counting it three times would let long stints outvote
//! short ones. A compound with no training stint (possible in a small
//! cross-validation fold) falls back to the medians over all training
//! stints. With an even count the median is the mean of the two middle
//! values, as for the Theil-Sen slope in SPEC section 3.
//!
//! **observed_slope** applies to samples with k >= 3 whose `obs_slope`
//! feature is a number (the Theil-Sen slope of the first k clean laps). It
//! predicts that slope as the degradation_rate and
//! `2.0 / max(slope, 0.005)` clipped to [1, 80] as the usable_life: the
//! SPEC's usable-life rule without the cliff term, since a cliff cannot be
//! seen in the first few laps. It has no cliff rule of its own, so its
//! cliff flag is the compound_median one.

use std::collections::BTreeMap;

use tiredeg_laps::Compound;
use tiredeg_prepare::{FeatureSchema, Sample};

use crate::error::{describe, EvalError};

/// Name of the feature the observed_slope baseline reads.
pub const OBSERVED_SLOPE_FEATURE: &str = "obs_slope";

/// Smallest k at which the observed_slope baseline applies.
pub(crate) const OBSERVED_SLOPE_MIN_K: usize = 3;

/// The usable life the observed_slope baseline predicts from a slope:
/// the age at which a linear loss reaches 2.0 s, clipped to [1, 80] laps.
pub fn observed_slope_usable_life(slope: f64) -> f64 {
    (2.0 / slope.max(0.005)).clamp(1.0, 80.0)
}

/// One prediction per sample for each head.
#[derive(Debug, Clone, Default)]
pub(crate) struct PointPredictions {
    pub(crate) rate: Vec<f64>,
    pub(crate) life: Vec<f64>,
    pub(crate) cliff: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Medians {
    rate: f64,
    life: f64,
    cliff: bool,
}

/// The compound_median baseline, fitted on training stints.
///
/// Serializable so that a model can carry the medians of its own training
/// data and be scored later on data that has no training split.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompoundMedians {
    by_compound: BTreeMap<Compound, Medians>,
    overall: Medians,
}

impl CompoundMedians {
    /// Medians per compound over the distinct training stints. Oversampled
    /// copies must already be left out.
    pub fn fit(train: &[&Sample]) -> Result<CompoundMedians, EvalError> {
        for (index, sample) in train.iter().enumerate() {
            check_targets("training", index, sample)?;
        }
        let mut stints: BTreeMap<(i32, u32, &str, u32), &Sample> = BTreeMap::new();
        for sample in train {
            let key = (
                sample.season,
                sample.round,
                sample.driver.as_str(),
                sample.stint,
            );
            stints.entry(key).or_insert(sample);
        }
        let all: Vec<&Sample> = stints.into_values().collect();
        let overall = medians(&all).ok_or(EvalError::NoTrainingSamples)?;

        let mut by_compound = BTreeMap::new();
        for compound in Compound::ALL {
            let of_compound: Vec<&Sample> = all
                .iter()
                .copied()
                .filter(|s| s.compound == compound)
                .collect();
            if let Some(m) = medians(&of_compound) {
                by_compound.insert(compound, m);
            }
        }
        Ok(CompoundMedians {
            by_compound,
            overall,
        })
    }

    fn for_compound(&self, compound: Compound) -> Medians {
        self.by_compound
            .get(&compound)
            .copied()
            .unwrap_or(self.overall)
    }

    /// The baseline's predictions for each sample.
    pub(crate) fn predict(&self, samples: &[&Sample]) -> PointPredictions {
        let mut out = PointPredictions::default();
        for sample in samples {
            let m = self.for_compound(sample.compound);
            out.rate.push(m.rate);
            out.life.push(m.life);
            out.cliff.push(m.cliff);
        }
        out
    }
}

/// The observed_slope baseline: predictions for every sample (NaN where it
/// does not apply) and the positions of the samples it applies to.
pub(crate) fn observed_slope(
    samples: &[&Sample],
    schema: &FeatureSchema,
    compound_median: &PointPredictions,
) -> Result<(PointPredictions, Vec<usize>), EvalError> {
    let column = schema
        .index_of(OBSERVED_SLOPE_FEATURE)
        .ok_or(EvalError::MissingFeature {
            name: OBSERVED_SLOPE_FEATURE,
            count: schema.len(),
        })?;

    let mut out = PointPredictions::default();
    let mut subset = Vec::new();
    for (index, sample) in samples.iter().enumerate() {
        let slope =
            sample
                .features
                .get(column)
                .copied()
                .ok_or_else(|| EvalError::FeatureCount {
                    index,
                    sample: describe(sample),
                    expected: schema.len(),
                    found: sample.features.len(),
                })?;
        // A k >= 3 sample can still lack a slope (all first laps at one
        // tire age); it then leaves the subset rather than being guessed.
        let applies = sample.k >= OBSERVED_SLOPE_MIN_K && slope.is_finite();
        if applies {
            subset.push(index);
        }
        out.rate.push(if applies { slope } else { f64::NAN });
        out.life.push(if applies {
            observed_slope_usable_life(slope)
        } else {
            f64::NAN
        });
        out.cliff
            .push(compound_median.cliff.get(index).copied().unwrap_or(false));
    }
    Ok((out, subset))
}

/// Fails on a NaN or infinite target, naming the sample.
pub(crate) fn check_targets(
    set: &'static str,
    index: usize,
    sample: &Sample,
) -> Result<(), EvalError> {
    for (target, value) in [
        ("degradation_rate", sample.degradation_rate),
        ("usable_life", sample.usable_life),
    ] {
        if !value.is_finite() {
            return Err(EvalError::NonFiniteTarget {
                set,
                index,
                sample: describe(sample),
                target,
                value,
            });
        }
    }
    Ok(())
}

fn medians(stints: &[&Sample]) -> Option<Medians> {
    if stints.is_empty() {
        return None;
    }
    let cliffs = stints.iter().filter(|s| s.cliff).count();
    Some(Medians {
        rate: median(stints.iter().map(|s| s.degradation_rate).collect())?,
        life: median(stints.iter().map(|s| s.usable_life).collect())?,
        cliff: 2 * cliffs > stints.len(),
    })
}

/// Median of finite values; the mean of the two middle ones for an even
/// count.
pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tiredeg_prepare::{FeatureKind, Split};

    /// A schema with `k` and `obs_slope`, as preparation writes them.
    pub(crate) fn schema() -> FeatureSchema {
        FeatureSchema {
            names: vec!["k".to_string(), OBSERVED_SLOPE_FEATURE.to_string()],
            kinds: vec![FeatureKind::Numeric, FeatureKind::Numeric],
        }
    }

    /// A hand-built sample; `slope` is the obs_slope feature.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sample(
        round: u32,
        driver: &str,
        compound: Compound,
        k: usize,
        rate: f64,
        life: f64,
        cliff: bool,
        slope: f64,
    ) -> Sample {
        Sample {
            season: 2023,
            round,
            event: format!("Round {round}"),
            track: format!("track{round}"),
            driver: driver.to_string(),
            stint: 1,
            compound,
            k,
            split: Split::Train,
            oversampled: false,
            features: vec![k as f64, slope],
            degradation_rate: rate,
            usable_life: life,
            cliff,
        }
    }

    #[test]
    fn medians_are_per_compound_over_distinct_stints() {
        let soft = Compound::Soft;
        let train = [
            // One SOFT stint seen at k = 0, 3 and 5: counted once.
            sample(1, "AAA", soft, 0, 0.30, 10.0, true, f64::NAN),
            sample(1, "AAA", soft, 3, 0.30, 10.0, true, 0.2),
            sample(1, "AAA", soft, 5, 0.30, 10.0, true, 0.25),
            sample(1, "BBB", soft, 0, 0.10, 20.0, false, f64::NAN),
            sample(2, "AAA", soft, 0, 0.12, 18.0, false, f64::NAN),
            sample(2, "BBB", Compound::Hard, 0, 0.04, 50.0, true, f64::NAN),
        ];
        let refs: Vec<&Sample> = train.iter().collect();
        let medians = CompoundMedians::fit(&refs).unwrap();
        let soft_m = medians.for_compound(soft);
        // SOFT stints: rates 0.30, 0.10, 0.12 -> 0.12; cliffs 1 of 3 -> no.
        assert_eq!(soft_m.rate, 0.12);
        assert_eq!(soft_m.life, 18.0);
        assert!(!soft_m.cliff);
        // HARD: its one stint had a cliff.
        assert!(medians.for_compound(Compound::Hard).cliff);
        // MEDIUM has no training stint: all four stints, even count.
        let medium = medians.for_compound(Compound::Medium);
        assert!((medium.rate - (0.10 + 0.12) / 2.0).abs() < 1e-12);
        assert!(!medium.cliff, "2 cliffs of 4 stints is not more than half");
    }

    #[test]
    fn observed_slope_applies_from_k_three_with_a_slope() {
        let soft = Compound::Soft;
        let eval = [
            sample(5, "AAA", soft, 0, 0.1, 20.0, false, f64::NAN),
            sample(5, "AAA", soft, 3, 0.1, 20.0, false, 0.2),
            sample(5, "AAA", soft, 5, 0.1, 20.0, false, 0.001),
            sample(5, "BBB", soft, 3, 0.1, 20.0, false, f64::NAN),
        ];
        let refs: Vec<&Sample> = eval.iter().collect();
        let cm = PointPredictions {
            cliff: vec![true; 4],
            ..PointPredictions::default()
        };
        let (pred, subset) = observed_slope(&refs, &schema(), &cm).unwrap();
        assert_eq!(subset, vec![1, 2]);
        assert_eq!(pred.rate[1], 0.2);
        assert!((pred.life[1] - 10.0).abs() < 1e-12);
        // 2.0 / max(0.001, 0.005) = 400, clipped to 80.
        assert_eq!(pred.life[2], 80.0);
        assert!(pred.cliff.iter().all(|&c| c));
    }

    #[test]
    fn usable_life_from_slope_is_clipped_both_ways() {
        assert_eq!(observed_slope_usable_life(-0.3), 80.0);
        assert_eq!(observed_slope_usable_life(5.0), 1.0);
        assert!((observed_slope_usable_life(0.1) - 20.0).abs() < 1e-12);
    }

    #[test]
    fn missing_feature_and_empty_training_are_errors() {
        let s = sample(1, "AAA", Compound::Soft, 3, 0.1, 20.0, false, 0.1);
        let no_slope = FeatureSchema {
            names: vec!["k".to_string()],
            kinds: vec![FeatureKind::Numeric],
        };
        let err = observed_slope(&[&s], &no_slope, &PointPredictions::default()).unwrap_err();
        assert!(err.to_string().contains("\"obs_slope\""), "{err}");
        assert!(matches!(
            CompoundMedians::fit(&[]),
            Err(EvalError::NoTrainingSamples)
        ));
        let mut bad = s.clone();
        bad.usable_life = f64::NAN;
        let err = CompoundMedians::fit(&[&bad]).unwrap_err();
        assert!(err.to_string().contains("usable_life NaN"), "{err}");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
