//! The preparation report, written as `prepare_report.json`.
//!
//! A data scientist must be able to see what preparation did to the data
//! without reading code: how many laps were read and why each one that was
//! left out was left out (the lap counts add up to the laps read), which
//! stints were modelled, how many samples each k gave, which features are
//! often missing, what each split holds, and what the targets look like.
//! Warnings point at things that are legal but likely to mislead a model,
//! such as data that mixes tire specification eras.
//!
//! The report is plain data. The binary prints its summary and renders the
//! target histograms from the stints; this crate never prints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;

use crate::sample::{Sample, Split};
use crate::stats;
use crate::stint::StintRecord;

/// Where every lap read went. The fields add up to `read`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LapCounts {
    /// Laps given to preparation.
    pub read: usize,
    /// In a season the configuration leaves out.
    pub outside_seasons: usize,
    /// In a stint on INTERMEDIATE, WET or UNKNOWN tires.
    pub non_slick_compound: usize,
    /// Rule 1: no lap time.
    pub no_lap_time: usize,
    /// Rule 2: first lap of the race.
    pub first_lap: usize,
    /// Rule 3: pit-in or pit-out lap.
    pub pit_lap: usize,
    /// Rule 4: track status not green.
    pub not_green: usize,
    /// Rule 5: marked not accurate.
    pub not_accurate: usize,
    /// Rule 6: slower than the slow-lap factor times the stint median.
    pub slow_lap: usize,
    /// Clean, but in a stint that was left out.
    pub clean_in_left_out_stints: usize,
    /// Clean laps of modelled stints.
    pub clean_in_modelled_stints: usize,
}

/// Where every stint went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StintCounts {
    /// Stints in the selected seasons.
    pub found: usize,
    /// Stints with targets and samples.
    pub modelled: usize,
    /// Left out for their compound, by compound name.
    pub non_slick_compound: BTreeMap<String, usize>,
    /// Left out with fewer clean laps than `stints.min_clean_laps`.
    pub too_few_clean_laps: usize,
    /// Left out because their clean laps have a single tire age, so no
    /// degradation rate exists.
    pub no_tire_age_spread: usize,
    /// Modelled stints whose tire ages were imputed.
    pub tire_age_imputed: usize,
    /// Modelled stints with a cliff.
    pub with_cliff: usize,
    /// Stints whose laps name more than one compound (the first lap's is
    /// used).
    pub mixed_compounds: usize,
}

/// Counts per slick compound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompoundCounts {
    /// SOFT.
    pub soft: usize,
    /// MEDIUM.
    pub medium: usize,
    /// HARD.
    pub hard: usize,
}

impl CompoundCounts {
    fn add(&mut self, compound: Compound) {
        match compound {
            Compound::Soft => self.soft += 1,
            Compound::Medium => self.medium += 1,
            Compound::Hard => self.hard += 1,
            _ => {}
        }
    }
}

/// What one split holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitSummary {
    /// The split.
    pub split: Split,
    /// Events.
    pub events: usize,
    /// Modelled stints.
    pub stints: usize,
    /// Stints with a cliff.
    pub cliffs: usize,
    /// Stints by compound.
    pub stint_compounds: CompoundCounts,
    /// Samples before oversampling.
    pub samples: usize,
    /// Samples by compound before oversampling.
    pub sample_compounds: CompoundCounts,
    /// Samples after oversampling (equal to `samples` outside training).
    pub samples_after_oversampling: usize,
    /// Samples by compound after oversampling.
    pub sample_compounds_after_oversampling: CompoundCounts,
}

/// Missing values of one feature over the samples (before oversampling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureMissing {
    /// Feature name.
    pub feature: String,
    /// Samples where it is missing.
    pub missing: usize,
    /// Share of samples where it is missing.
    pub share: f64,
}

/// A summary of one numeric target over the modelled stints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetSummary {
    /// Stints with a value.
    pub count: usize,
    /// Mean (NaN written as null when there are none).
    pub mean: Option<f64>,
    /// Population standard deviation.
    pub std: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

impl TargetSummary {
    fn of(values: &[f64]) -> Self {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return TargetSummary::default();
        }
        let mut buffer = Vec::new();
        TargetSummary {
            count: finite.len(),
            mean: Some(stats::mean(&finite)),
            std: Some(stats::population_std(&finite)),
            min: finite.iter().copied().reduce(f64::min),
            median: Some(stats::median(&finite, &mut buffer)),
            max: finite.iter().copied().reduce(f64::max),
        }
    }
}

/// The targets over the modelled stints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetSummaries {
    /// degradation_rate, s/lap.
    pub degradation_rate: TargetSummary,
    /// usable_life, laps.
    pub usable_life: TargetSummary,
    /// cliff_age of the stints with a cliff, laps of tire age.
    pub cliff_age: TargetSummary,
    /// Share of stints with a cliff.
    pub cliff_share: Option<f64>,
}

/// Everything preparation counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrepareReport {
    /// Seasons in the prepared data.
    pub seasons: Vec<i32>,
    /// `hash` or `temporal`.
    pub split_method: String,
    /// Where the laps went.
    pub laps: LapCounts,
    /// Where the stints went.
    pub stints: StintCounts,
    /// Samples per k, before oversampling.
    pub samples_per_k: BTreeMap<usize, usize>,
    /// Samples before and after oversampling.
    pub samples: usize,
    /// Samples after oversampling.
    pub samples_after_oversampling: usize,
    /// Missing values per feature, in schema order.
    pub missing_per_feature: Vec<FeatureMissing>,
    /// One entry per split.
    pub splits: Vec<SplitSummary>,
    /// Target summaries.
    pub targets: TargetSummaries,
    /// Things that deserve a look.
    pub warnings: Vec<String>,
}

/// The tire specification era of a season, for the mixing warning:
/// 2018 had its own compound names (HYPERSOFT..SUPERHARD), 2019-2021 the
/// C1-C5 13-inch tires, and 2022 the 18-inch tires.
pub fn tire_era(season: i32) -> &'static str {
    match season {
        ..=2017 => "before 2018",
        2018 => "2018 (HYPERSOFT to SUPERHARD)",
        2019..=2021 => "2019-2021 (13-inch C1-C5)",
        _ => "2022 and later (18-inch)",
    }
}

/// Split summaries and sample counts, filled into `report`.
pub(crate) fn summarise(
    report: &mut PrepareReport,
    stints: &[StintRecord],
    samples: &[Sample],
    names: &[String],
) {
    let originals: Vec<&Sample> = samples.iter().filter(|s| !s.oversampled).collect();
    report.samples = originals.len();
    report.samples_after_oversampling = samples.len();
    report.samples_per_k.clear();
    for sample in &originals {
        *report.samples_per_k.entry(sample.k).or_default() += 1;
    }

    report.missing_per_feature = names
        .iter()
        .enumerate()
        .map(|(column, name)| {
            let missing = originals
                .iter()
                .filter(|s| s.features[column].is_nan())
                .count();
            FeatureMissing {
                feature: name.clone(),
                missing,
                share: if originals.is_empty() {
                    0.0
                } else {
                    missing as f64 / originals.len() as f64
                },
            }
        })
        .collect();

    report.splits = Split::ALL
        .iter()
        .map(|&split| {
            let mut summary = SplitSummary {
                split,
                events: 0,
                stints: 0,
                cliffs: 0,
                stint_compounds: CompoundCounts::default(),
                samples: 0,
                sample_compounds: CompoundCounts::default(),
                samples_after_oversampling: 0,
                sample_compounds_after_oversampling: CompoundCounts::default(),
            };
            let mut last_event = None;
            for stint in stints.iter().filter(|s| s.split == split) {
                if last_event != Some((stint.season, stint.round)) {
                    summary.events += 1;
                    last_event = Some((stint.season, stint.round));
                }
                summary.stints += 1;
                summary.cliffs += usize::from(stint.cliff);
                summary.stint_compounds.add(stint.compound);
            }
            for sample in samples.iter().filter(|s| s.split == split) {
                summary.samples_after_oversampling += 1;
                summary
                    .sample_compounds_after_oversampling
                    .add(sample.compound);
                if !sample.oversampled {
                    summary.samples += 1;
                    summary.sample_compounds.add(sample.compound);
                }
            }
            summary
        })
        .collect();

    let rates: Vec<f64> = stints.iter().map(|s| s.degradation_rate).collect();
    let lives: Vec<f64> = stints.iter().map(|s| s.usable_life).collect();
    let cliff_ages: Vec<f64> = stints.iter().filter_map(|s| s.cliff_age).collect();
    report.targets = TargetSummaries {
        degradation_rate: TargetSummary::of(&rates),
        usable_life: TargetSummary::of(&lives),
        cliff_age: TargetSummary::of(&cliff_ages),
        cliff_share: if stints.is_empty() {
            None
        } else {
            Some(cliff_ages.len() as f64 / stints.len() as f64)
        },
    };

    let mut eras: Vec<&str> = report.seasons.iter().map(|&s| tire_era(s)).collect();
    eras.dedup();
    if eras.len() > 1 {
        report.warnings.push(format!(
            "the data mixes tire specification eras ({}); compounds of the same name differ between them",
            eras.join(", ")
        ));
    }
    for summary in &report.splits {
        if summary.stints == 0 && !stints.is_empty() {
            report.warnings.push(format!(
                "the {} split has no stints",
                summary.split.as_str()
            ));
        }
    }
    if report.stints.tire_age_imputed > 0 {
        report.warnings.push(format!(
            "{} modelled stints had no tire age and use their lap position instead",
            report.stints.tire_age_imputed
        ));
    }
    if report.stints.mixed_compounds > 0 {
        report.warnings.push(format!(
            "{} stints name more than one compound; each takes its first lap's",
            report.stints.mixed_compounds
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras_are_told_apart() {
        assert_ne!(tire_era(2018), tire_era(2019));
        assert_eq!(tire_era(2019), tire_era(2021));
        assert_ne!(tire_era(2021), tire_era(2022));
        assert_eq!(tire_era(2022), tire_era(2024));
    }

    #[test]
    fn a_target_summary_skips_missing_values() {
        let summary = TargetSummary::of(&[1.0, f64::NAN, 3.0, 2.0]);
        assert_eq!(summary.count, 3);
        assert_eq!(summary.median, Some(2.0));
        assert_eq!(summary.min, Some(1.0));
        assert_eq!(summary.max, Some(3.0));
        assert_eq!(TargetSummary::of(&[]).mean, None);
    }
}
