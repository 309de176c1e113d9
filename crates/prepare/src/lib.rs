//! Preparation: from laps to a checked training set (SPEC sections 2-5).
//!
//! [`prepare`] turns the laps of one or more seasons into modelled stints
//! ([`StintRecord`], each with its three targets) and samples ([`SampleSet`],
//! one per stint and k with its feature vector), assigns every event to a
//! split, oversamples rare compounds in the training split and counts
//! everything it did in a [`PrepareReport`]. It also returns the
//! point-in-time [`History`] of the stints it modelled, which a model saves
//! so that new races can later be prepared with the history it knew.
//!
//! The steps, each in its own module:
//!
//! 1. [`stint`]: group laps into stints, apply the six clean-lap rules,
//!    fill tire ages, correct for fuel.
//! 2. [`targets`]: cliff, degradation_rate and usable_life of each stint,
//!    from [`stats`].
//! 3. [`split`]: the split of each event.
//! 4. [`history`]: driver and track aggregates over strictly earlier
//!    events.
//! 5. [`features`]: the samples' feature vectors, with user features from
//!    [`expr`].
//! 6. [`split::oversample`], then the [`report`].
//!
//! [`output`] writes the results as Parquet (and CSV) and reads samples
//! back, so training can start from a prepared directory.
//!
//! Preparation is deterministic: the same laps, tables, configuration and
//! prior history give the same numbers, whatever the order of the laps in
//! the input.
//!
//! Known limits. Samples are made only for finished stints with targets
//! (at least `stints.min_clean_laps` clean laps): scoring a stint that is
//! still running needs a function that builds one sample from the laps
//! so far, the race length and a [`HistorySnapshot`]; the pieces exist
//! (`features`, `history`) but that entry point does not yet. Preparation
//! runs on one thread; the events are independent up to the history sweep,
//! so splitting them across threads is the next step if it must be faster.

pub mod error;
pub mod expr;
pub mod features;
pub mod history;
pub mod output;
pub mod report;
mod sample;
pub mod split;
pub mod stats;
pub mod stint;
pub mod targets;
#[cfg(test)]
mod testdata;

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use tiredeg_config::{SplitMethod, TrainingConfig};
use tiredeg_laps::{Compound, KeyedTable, Lap};

pub use error::PrepareError;
pub use expr::{CustomFeature, StintContext};
pub use history::{History, HistorySnapshot, HistoryStint};
pub use output::{read_history, read_samples, write_prepared, OutputFiles};
pub use report::PrepareReport;
pub use sample::{FeatureKind, FeatureSchema, Sample, SampleSet, Split};
pub use stint::{CleanLap, StintRecord};

use features::{EventLapCounter, EventLaps, FeatureLayout, StintFacts};
use stint::LapFate;

/// The optional feature store tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    /// Track ratings keyed by `track` (and optionally season).
    pub tracks: Option<KeyedTable>,
    /// Driver metrics keyed by `driver` (and optionally season).
    pub drivers: Option<KeyedTable>,
}

/// What preparation needs besides the laps, tables and configuration.
#[derive(Clone, Default)]
pub struct PrepareOptions<'a> {
    /// History known before these laps (saved with a model); its stints
    /// feed the history features of every later event here.
    pub prior: Option<&'a History>,
    /// Features defined in code, computed in this order after the
    /// built-in ones and before the configuration's expressions.
    pub custom_features: Vec<Arc<dyn CustomFeature>>,
}

impl fmt::Debug for PrepareOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.custom_features.iter().map(|c| c.name()).collect();
        f.debug_struct("PrepareOptions")
            .field("prior_stints", &self.prior.map(|h| h.stints.len()))
            .field("custom_features", &names)
            .finish()
    }
}

/// The result of preparation.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Modelled stints, sorted by (season, round, driver, stint).
    pub stints: Vec<StintRecord>,
    /// The samples and their schema.
    pub samples: SampleSet,
    /// What was done.
    pub report: PrepareReport,
    /// The prior history (if any) extended with these stints.
    pub history: History,
}

/// What the samples of a modelled stint need besides its record.
struct StintLaps<'a> {
    /// The stint's laps in lap-number order.
    laps: Vec<&'a Lap>,
    /// Index of the stint's event.
    event: usize,
}

/// Prepares laps for training: stints, targets, splits, features, samples.
///
/// Fails only on the feature definitions (a duplicate name or a bad
/// expression); laps that cannot be used are counted in the report.
pub fn prepare(
    laps: &[Lap],
    tables: &Tables,
    config: &TrainingConfig,
    options: &PrepareOptions<'_>,
) -> Result<Prepared, PrepareError> {
    let layout = FeatureLayout::new(tables, config, &options.custom_features)?;
    let grouping = stint::group_stints(laps, &config.data.seasons);

    let mut report = PrepareReport {
        split_method: match config.split.method {
            SplitMethod::Hash => "hash".to_string(),
            SplitMethod::Temporal => "temporal".to_string(),
        },
        ..PrepareReport::default()
    };
    report.laps.read = laps.len();
    report.laps.outside_seasons = grouping.outside_seasons;
    report.stints.found = grouping.stints.len();

    // Events are runs of stints with the same (season, round).
    let first_lap = |range: &std::ops::Range<usize>| &laps[grouping.order[range.start]];
    let mut events: Vec<(i32, u32)> = Vec::new();
    let mut event_laps: Vec<EventLaps> = Vec::new();
    let mut counter = EventLapCounter::default();
    let mut records: Vec<StintRecord> = Vec::new();
    let mut stint_laps: Vec<StintLaps<'_>> = Vec::new();
    let mut buffer = Vec::new();
    let mut start = 0;
    while start < grouping.stints.len() {
        let first = first_lap(&grouping.stints[start]);
        let key = (first.season, first.round);
        let end = start
            + grouping.stints[start..]
                .iter()
                .take_while(|range| {
                    let lap = first_lap(range);
                    (lap.season, lap.round) == key
                })
                .count();
        events.push(key);
        for range in &grouping.stints[start..end] {
            let members: Vec<&Lap> = grouping.order[range.clone()]
                .iter()
                .map(|&i| &laps[i])
                .collect();
            members.iter().for_each(|lap| counter.add(lap));
            if let Some(record) = model_stint(&members, config, &mut report, &mut buffer) {
                records.push(record);
                stint_laps.push(StintLaps {
                    laps: members,
                    event: events.len() - 1,
                });
            }
        }
        event_laps.push(counter.finish());
        start = end;
    }

    // Splits are per event, over every event of the selected seasons.
    let splits = split::assign_splits(&events, &config.split);
    for (record, stint) in records.iter_mut().zip(&stint_laps) {
        record.split = splits.get(stint.event).copied().unwrap_or(Split::Train);
    }
    report.seasons = events
        .iter()
        .map(|e| e.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    let new_history = History::from_stints(&records);
    let mut history = options.prior.cloned().unwrap_or_default();
    history.merge(new_history);
    let history_features =
        history::point_in_time(&history, &records, config.features.driver_history_prior);

    let mut samples = Vec::with_capacity(records.len() * config.samples.k_values.len());
    for ((record, stint), history_values) in records.iter().zip(&stint_laps).zip(history_features) {
        let event = &event_laps[stint.event];
        let facts = StintFacts {
            record,
            laps: &stint.laps,
            race_length: event.race_length,
            wet_share_before: event.wet_share_before(record.lap_start),
            history: history_values,
        };
        let context = layout.context(&facts, tables);
        let n_clean = record.n_clean_laps;
        for &k in &config.samples.k_values {
            if k != 0 && k + config.samples.min_laps_after_k > n_clean {
                continue;
            }
            samples.push(Sample {
                season: record.season,
                round: record.round,
                event: record.event.clone(),
                track: record.track.clone(),
                driver: record.driver.clone(),
                stint: record.stint,
                compound: record.compound,
                k,
                split: record.split,
                oversampled: false,
                features: layout.sample(&context, &facts, k, &mut buffer),
                degradation_rate: record.degradation_rate,
                usable_life: record.usable_life,
                cliff: record.cliff,
            });
        }
    }
    let copies = split::oversample(&samples, &config.oversample);
    samples.extend(copies);

    report::summarise(&mut report, &records, &samples, &layout.schema.names);
    Ok(Prepared {
        stints: records,
        samples: SampleSet {
            schema: layout.schema,
            samples,
        },
        report,
        history,
    })
}

/// The record of one stint (laps in lap order), or `None` when it is left
/// out; every lap and the stint are counted in `report`.
fn model_stint(
    stint_laps: &[&Lap],
    config: &TrainingConfig,
    report: &mut PrepareReport,
    buffer: &mut Vec<f64>,
) -> Option<StintRecord> {
    let first = stint_laps.first()?;
    if stint_laps.iter().any(|l| l.compound != first.compound) {
        report.stints.mixed_compounds += 1;
    }
    if !Compound::SLICKS.contains(&first.compound) {
        report.laps.non_slick_compound += stint_laps.len();
        *report
            .stints
            .non_slick_compound
            .entry(first.compound.as_str().to_string())
            .or_default() += 1;
        return None;
    }

    let cleaned = stint::clean_stint(stint_laps, config, buffer);
    let mut fates = [0usize; LapFate::COUNT];
    for fate in &cleaned.fates {
        fates[fate.index()] += 1;
    }
    let laps = &mut report.laps;
    laps.no_lap_time += fates[LapFate::NoLapTime.index()];
    laps.first_lap += fates[LapFate::FirstLap.index()];
    laps.pit_lap += fates[LapFate::PitLap.index()];
    laps.not_green += fates[LapFate::NotGreen.index()];
    laps.not_accurate += fates[LapFate::NotAccurate.index()];
    laps.slow_lap += fates[LapFate::SlowLap.index()];

    let n_clean = cleaned.clean.len();
    if n_clean < config.stints.min_clean_laps {
        report.laps.clean_in_left_out_stints += n_clean;
        report.stints.too_few_clean_laps += 1;
        return None;
    }
    let points: Vec<(f64, f64, u32)> = cleaned
        .clean
        .iter()
        .map(|l| (l.tire_age, l.corrected_s, l.lap_number))
        .collect();
    let targets = targets::stint_targets(&points, config, buffer);
    if targets.degradation_rate.is_nan() {
        report.laps.clean_in_left_out_stints += n_clean;
        report.stints.no_tire_age_spread += 1;
        return None;
    }

    report.laps.clean_in_modelled_stints += n_clean;
    report.stints.modelled += 1;
    report.stints.tire_age_imputed += usize::from(cleaned.tire_age_imputed);
    report.stints.with_cliff += usize::from(targets.cliff_age.is_some());
    Some(StintRecord {
        season: first.season,
        round: first.round,
        event: first.event.clone(),
        track: first.track.clone(),
        driver: first.driver.clone(),
        team: first.team.clone(),
        stint: first.stint,
        compound: first.compound,
        split: Split::Train,
        n_laps: stint_laps.len(),
        n_clean_laps: n_clean,
        lap_start: first.lap_number,
        tire_age_start: cleaned.tire_age_start,
        degradation_rate: targets.degradation_rate,
        cliff: targets.cliff_age.is_some(),
        cliff_age: targets.cliff_age,
        usable_life: targets.usable_life,
        tire_age_imputed: cleaned.tire_age_imputed,
        clean_laps: cleaned.clean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{stint_laps, three_races};
    use tiredeg_config::FeatureExpression;

    fn prepare_default(laps: &[Lap]) -> Prepared {
        prepare(
            laps,
            &Tables::default(),
            &TrainingConfig::default(),
            &PrepareOptions::default(),
        )
        .unwrap()
    }

    fn lap_total(counts: &report::LapCounts) -> usize {
        counts.outside_seasons
            + counts.non_slick_compound
            + counts.no_lap_time
            + counts.first_lap
            + counts.pit_lap
            + counts.not_green
            + counts.not_accurate
            + counts.slow_lap
            + counts.clean_in_left_out_stints
            + counts.clean_in_modelled_stints
    }

    #[test]
    fn the_schema_has_the_documented_columns_in_order() {
        let prepared = prepare_default(&three_races());
        let names = &prepared.samples.schema.names;
        let expected: Vec<&str> = features::CONTEXT_FEATURES
            .iter()
            .chain(&features::HISTORY_FEATURES)
            .chain(&features::OBSERVED_FEATURES)
            .copied()
            .collect();
        assert_eq!(names, &expected);
        assert_eq!(
            prepared.samples.schema.kinds[0],
            FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()])
        );
        assert!(prepared
            .samples
            .samples
            .iter()
            .all(|s| s.features.len() == names.len()));
    }

    #[test]
    fn a_stint_under_safety_car_is_left_out_and_counted() {
        let mut laps = three_races();
        let mut safety_car = stint_laps(1, "A", "BOT", 1, Compound::Soft, 2, 10, 0.1);
        for lap in &mut safety_car {
            lap.track_status = Some("4".to_string());
        }
        laps.extend(safety_car);
        let prepared = prepare_default(&laps);

        assert_eq!(prepared.report.stints.found, 13);
        assert_eq!(prepared.report.stints.modelled, 12);
        assert_eq!(prepared.report.stints.too_few_clean_laps, 1);
        assert_eq!(prepared.report.laps.not_green, 10);
        assert!(prepared.stints.iter().all(|s| s.driver != "BOT"));
        assert_eq!(lap_total(&prepared.report.laps), prepared.report.laps.read);
    }

    #[test]
    fn wet_stints_are_left_out_by_compound() {
        let mut laps = three_races();
        laps.extend(stint_laps(
            2,
            "B",
            "BOT",
            1,
            Compound::Intermediate,
            2,
            10,
            0.1,
        ));
        let prepared = prepare_default(&laps);
        assert_eq!(
            prepared
                .report
                .stints
                .non_slick_compound
                .get("INTERMEDIATE"),
            Some(&1)
        );
        assert_eq!(prepared.report.laps.non_slick_compound, 10);
        assert_eq!(lap_total(&prepared.report.laps), laps.len());

        // The wet laps of round 2 (laps 2-11) count in the wet share of
        // the stints that start later in that race.
        let index = prepared
            .samples
            .schema
            .index_of("wet_share_before")
            .unwrap();
        let second_stint = prepared
            .samples
            .samples
            .iter()
            .find(|s| s.round == 2 && s.driver == "HAM" && s.stint == 2)
            .unwrap();
        // Before lap 16: HAM and VER laps 2-15 (28) and BOT laps 2-11 (10).
        assert!((second_stint.features[index] - 10.0 / 38.0).abs() < 1e-12);
    }

    #[test]
    fn samples_per_k_follow_the_clean_laps() {
        let mut laps = Vec::new();
        for (stint, count) in [(1, 5), (2, 7), (3, 8)] {
            laps.extend(stint_laps(
                1,
                "A",
                "HAM",
                stint,
                Compound::Soft,
                2 + 10 * stint,
                count,
                0.1,
            ));
        }
        let prepared = prepare_default(&laps);
        let ks = |stint: u32| -> Vec<usize> {
            prepared
                .samples
                .samples
                .iter()
                .filter(|s| s.stint == stint && !s.oversampled)
                .map(|s| s.k)
                .collect()
        };
        assert_eq!(ks(1), vec![0]);
        assert_eq!(ks(2), vec![0, 3]);
        assert_eq!(ks(3), vec![0, 3, 5]);
        let sample = prepared
            .samples
            .samples
            .iter()
            .find(|s| s.stint == 3 && s.k == 3)
            .unwrap();
        let obs_k = prepared.samples.schema.index_of("obs_k").unwrap();
        assert_eq!(sample.features[obs_k], 3.0);
        let k0 = prepared
            .samples
            .samples
            .iter()
            .find(|s| s.stint == 3 && s.k == 0)
            .unwrap();
        assert!(k0.features[obs_k..].iter().all(|v| v.is_nan()));
    }

    #[test]
    fn context_features_come_from_the_first_lap() {
        let prepared = prepare_default(&three_races());
        let schema = &prepared.samples.schema;
        let sample = prepared
            .samples
            .samples
            .iter()
            .find(|s| s.round == 1 && s.driver == "VER" && s.stint == 2 && s.k == 0)
            .unwrap();
        let value = |name: &str| sample.features[schema.index_of(name).unwrap()];
        assert_eq!(value("compound"), 2.0);
        assert_eq!(value("lap_start"), 16.0);
        // The race's last lap is 35 (lap 16 plus 19).
        assert_eq!(value("laps_remaining"), 19.0);
        assert_eq!(value("tire_age_start"), 1.0);
        assert_eq!(value("fresh_tire"), 1.0);
        assert_eq!(value("stint_number"), 2.0);
        assert_eq!(value("season"), 2019.0);
        assert_eq!(value("wet_share_before"), 0.0);
        assert!(value("compound_code").is_nan());
        assert!(value("air_temp_c").is_nan());
    }

    #[test]
    fn history_features_match_a_prior_history() {
        let laps = three_races();
        let all = prepare_default(&laps);

        let early: Vec<Lap> = laps.iter().filter(|l| l.round < 3).cloned().collect();
        let late: Vec<Lap> = laps.iter().filter(|l| l.round == 3).cloned().collect();
        let first = prepare_default(&early);
        let options = PrepareOptions {
            prior: Some(&first.history),
            ..PrepareOptions::default()
        };
        let second = prepare(
            &late,
            &Tables::default(),
            &TrainingConfig::default(),
            &options,
        )
        .unwrap();

        let schema = &all.samples.schema;
        let columns = [
            schema.index_of("hist_driver_deg_delta").unwrap(),
            schema.index_of("hist_track_median_rate").unwrap(),
        ];
        let round_3: Vec<&Sample> = all
            .samples
            .samples
            .iter()
            .filter(|s| s.round == 3 && !s.oversampled)
            .collect();
        let scored: Vec<&Sample> = second
            .samples
            .samples
            .iter()
            .filter(|s| !s.oversampled)
            .collect();
        assert_eq!(round_3.len(), scored.len());
        for (a, b) in round_3.iter().zip(&scored) {
            for &c in &columns {
                assert_eq!(
                    a.features[c].to_bits(),
                    b.features[c].to_bits(),
                    "{} {}",
                    a.driver,
                    a.stint
                );
            }
        }
        // Track A was raced in round 1, so round 3 has a track median.
        assert!(scored.iter().all(|s| !s.features[columns[1]].is_nan()));
        assert_eq!(second.history, all.history);

        // Round 1 has no past at all.
        for sample in all.samples.samples.iter().filter(|s| s.round == 1) {
            assert_eq!(sample.features[columns[0]], 0.0);
            assert!(sample.features[columns[1]].is_nan());
        }
    }

    /// Sees the observed laps and an earlier feature.
    struct ObservedPlusStart;

    impl CustomFeature for ObservedPlusStart {
        fn name(&self) -> &str {
            "observed_plus_start"
        }

        fn compute(&self, context: &StintContext<'_>) -> f64 {
            let lap_start = context.feature("lap_start").unwrap_or(f64::NAN);
            1000.0 * context.observed.len() as f64 + lap_start
        }
    }

    #[test]
    fn user_features_follow_the_built_in_ones() {
        let mut config = TrainingConfig::default();
        config.features.expressions = vec![
            FeatureExpression {
                name: "age_sq".into(),
                expr: "tire_age_start ^ 2 + lap_start".into(),
            },
            FeatureExpression {
                name: "twice".into(),
                expr: "observed_plus_start * 2".into(),
            },
        ];
        let options = PrepareOptions {
            custom_features: vec![Arc::new(ObservedPlusStart)],
            ..PrepareOptions::default()
        };
        let prepared = prepare(&three_races(), &Tables::default(), &config, &options).unwrap();
        let schema = &prepared.samples.schema;
        let n = schema.len();
        assert_eq!(
            &schema.names[n - 3..],
            ["observed_plus_start", "age_sq", "twice"]
        );
        let age = schema.index_of("tire_age_start").unwrap();
        let start = schema.index_of("lap_start").unwrap();
        for sample in &prepared.samples.samples {
            let f = &sample.features;
            assert_eq!(f[n - 3], 1000.0 * sample.k as f64 + f[start]);
            assert_eq!(f[n - 2], f[age].powi(2) + f[start]);
            assert_eq!(f[n - 1], 2.0 * f[n - 3]);
        }
    }

    #[test]
    fn a_bad_expression_names_the_feature_and_the_name() {
        let mut config = TrainingConfig::default();
        config.features.expressions = vec![FeatureExpression {
            name: "wear".into(),
            expr: "tyre_age * 2".into(),
        }];
        let error = prepare(
            &three_races(),
            &Tables::default(),
            &config,
            &PrepareOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("wear") && error.contains("tyre_age * 2"),
            "{error}"
        );
        assert!(
            error.contains("unknown feature name \"tyre_age\""),
            "{error}"
        );

        config.features.expressions[0] = FeatureExpression {
            name: "season".into(),
            expr: "1".into(),
        };
        let error = prepare(
            &three_races(),
            &Tables::default(),
            &config,
            &PrepareOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(error, PrepareError::DuplicateFeature { .. }),
            "{error}"
        );
    }

    #[test]
    fn table_columns_become_features() {
        let mut tracks = KeyedTable {
            key: "track".into(),
            columns: vec!["abrasion".into(), "length_km".into()],
            ..KeyedTable::default()
        };
        tracks
            .rows
            .insert(("A".into(), None), vec![Some(4.0), None]);
        let tables = Tables {
            tracks: Some(tracks),
            drivers: None,
        };
        let prepared = prepare(
            &three_races(),
            &tables,
            &TrainingConfig::default(),
            &PrepareOptions::default(),
        )
        .unwrap();
        let schema = &prepared.samples.schema;
        let abrasion = schema.index_of("track_abrasion").unwrap();
        let length = schema.index_of("track_length_km").unwrap();
        assert_eq!(abrasion, features::CONTEXT_FEATURES.len());
        for sample in &prepared.samples.samples {
            let expected = if sample.track == "A" { 4.0 } else { f64::NAN };
            assert_eq!(sample.features[abrasion].to_bits(), expected.to_bits());
            assert!(sample.features[length].is_nan());
        }
    }

    #[test]
    fn the_order_of_the_input_does_not_matter() {
        let laps = three_races();
        let mut reversed = laps.clone();
        reversed.reverse();
        let a = prepare_default(&laps);
        let b = prepare_default(&reversed);
        assert_eq!(a.stints, b.stints);
        assert_eq!(a.history, b.history);
        assert_eq!(a.samples.samples.len(), b.samples.samples.len());
        for (x, y) in a.samples.samples.iter().zip(&b.samples.samples) {
            let bits = |s: &Sample| s.features.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                (x.round, &x.driver, x.stint, x.k),
                (y.round, &y.driver, y.stint, y.k)
            );
            assert_eq!(bits(x), bits(y));
        }
    }

    #[test]
    fn the_season_filter_is_applied() {
        let mut laps = three_races();
        for lap in laps.iter_mut().filter(|l| l.round == 2) {
            lap.season = 2020;
        }
        let mut config = TrainingConfig::default();
        config.data.seasons = vec![2020];
        let prepared = prepare(
            &laps,
            &Tables::default(),
            &config,
            &PrepareOptions::default(),
        )
        .unwrap();
        assert!(prepared.stints.iter().all(|s| s.season == 2020));
        assert_eq!(prepared.stints.len(), 4);
        assert_eq!(prepared.report.seasons, vec![2020]);
        assert_eq!(lap_total(&prepared.report.laps), laps.len());
    }

    fn real_data() -> Option<std::path::PathBuf> {
        let dir = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/f1-laps"
        ));
        dir.is_dir().then_some(dir)
    }

    #[test]
    fn five_real_seasons_prepare_consistently() {
        let Some(dir) = real_data() else {
            // The data folder sits beside the repository in CI and on the
            // development machine; without it there is nothing to check.
            return;
        };
        let sources: Vec<tiredeg_laps::LapSource> = (2018..=2022)
            .map(|y| {
                tiredeg_laps::LapSource::new(
                    dir.join(format!("transformed_grand_prix_laps_{y}.csv")),
                )
            })
            .collect();
        let loaded =
            tiredeg_laps::load_laps(&sources, &tiredeg_laps::LoadOptions::default()).unwrap();
        let prepared = prepare_default(&loaded.laps);
        let report = &prepared.report;

        assert_eq!(lap_total(&report.laps), loaded.laps.len());
        assert_eq!(report.seasons, vec![2018, 2019, 2020, 2021, 2022]);
        assert!(
            report.stints.modelled > 3000,
            "{} stints",
            report.stints.modelled
        );
        assert!(report.warnings.iter().any(|w| w.contains("eras")));
        assert!(report.splits.iter().all(|s| s.stints > 0));

        let keys: Vec<(i32, u32, &str, u32)> = prepared
            .stints
            .iter()
            .map(|s| (s.season, s.round, s.driver.as_str(), s.stint))
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "stints sorted and unique"
        );
        for stint in &prepared.stints {
            assert!(stint.degradation_rate.is_finite());
            assert!((1.0..=80.0).contains(&stint.usable_life));
            assert_eq!(stint.cliff, stint.cliff_age.is_some());
            assert!(stint.n_clean_laps >= 5);
        }

        // Oversampling only adds training copies and lifts rare compounds
        // to at least half the largest.
        let train = &report.splits[0];
        assert_eq!(train.split, Split::Train);
        let after = train.sample_compounds_after_oversampling;
        let largest = after.soft.max(after.medium).max(after.hard);
        assert!([after.soft, after.medium, after.hard]
            .iter()
            .all(|&c| 2 * c >= largest));
        for summary in &report.splits[1..] {
            assert_eq!(summary.samples, summary.samples_after_oversampling);
        }
    }
}
