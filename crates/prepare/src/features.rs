//! Feature vectors of the samples (SPEC 4).
//!
//! A stint gives one sample per k in `samples.k_values` (0, 3 and 5 by
//! default) that leaves at least `samples.min_laps_after_k` clean laps
//! after the first k: the stint as known before it starts, and after k
//! clean laps. The columns, in order:
//!
//! 1. Context, known before the stint: `compound` (categorical SOFT,
//!    MEDIUM, HARD), `compound_code` (C0..C6 or a 2018 name as 0..6),
//!    `season`, `tire_age_start`, `fresh_tire` (1/0), `stint_number`,
//!    `lap_start`, `laps_remaining`, `wet_share_before`, then the weather
//!    `air_temp_c`, `track_temp_c`, `humidity_pct`, `rainfall` (1/0).
//! 2. One `track_<column>` per track table column and one
//!    `driver_<column>` per driver table column, in file order.
//! 3. The point-in-time history: `hist_driver_deg_delta`,
//!    `hist_track_median_rate` (see [`crate::history`]).
//! 4. Observed, from the first k clean laps in lap order (all missing at
//!    k = 0): `obs_k`, `obs_mean_loss` and `obs_max_loss` (mean and maximum
//!    of y - min(y)), `obs_std` (population), `obs_slope` (Theil-Sen of y
//!    on tire age), `obs_last_minus_first`; y is the fuel-corrected time.
//! 5. User features: those defined in code, then the expressions of the
//!    configuration, each able to use every column before it.
//!
//! Precise meanings. "At the stint's first lap" is the stint's lowest lap
//! number, whether or not that lap is clean: `tire_age_start` is its
//! (filled) tire age and the weather columns are its weather. The tire
//! set's own properties, `compound_code` and `fresh_tire`, come from the
//! first lap of the stint that has a value. `laps_remaining` is the
//! event's largest lap number (over all drivers) minus `lap_start`.
//! `wet_share_before` counts, over all laps of the event in the data (all
//! drivers, all compounds), those with a lap number below `lap_start`, and
//! is the share of them on INTERMEDIATE or WET tires; 0 when there are
//! none. Missing values are NaN and stay NaN.

use std::sync::Arc;

use tiredeg_config::TrainingConfig;
use tiredeg_laps::{compound_code_number, Compound, KeyedTable, Lap};

use crate::error::PrepareError;
use crate::expr::{CustomFeature, Expression, StintContext};
use crate::sample::{FeatureKind, FeatureSchema};
use crate::stats;
use crate::stint::{CleanLap, StintRecord};
use crate::Tables;

/// Context features known before the stint, in column order.
pub const CONTEXT_FEATURES: [&str; 13] = [
    "compound",
    "compound_code",
    "season",
    "tire_age_start",
    "fresh_tire",
    "stint_number",
    "lap_start",
    "laps_remaining",
    "wet_share_before",
    "air_temp_c",
    "track_temp_c",
    "humidity_pct",
    "rainfall",
];

/// History features, in column order.
pub const HISTORY_FEATURES: [&str; 2] = ["hist_driver_deg_delta", "hist_track_median_rate"];

/// Observed features, in column order.
pub const OBSERVED_FEATURES: [&str; 6] = [
    "obs_k",
    "obs_mean_loss",
    "obs_max_loss",
    "obs_std",
    "obs_slope",
    "obs_last_minus_first",
];

/// The categories of the `compound` feature, by index.
pub const COMPOUND_CATEGORIES: [&str; 3] = ["SOFT", "MEDIUM", "HARD"];

/// Index of a slick in [`COMPOUND_CATEGORIES`].
pub(crate) fn compound_index(compound: Compound) -> f64 {
    match compound {
        Compound::Soft => 0.0,
        Compound::Medium => 1.0,
        Compound::Hard => 2.0,
        _ => f64::NAN,
    }
}

fn flag(value: Option<bool>) -> f64 {
    value.map_or(f64::NAN, |v| if v { 1.0 } else { 0.0 })
}

fn number(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

/// The laps of one event, counted by lap number, for `laps_remaining` and
/// `wet_share_before`.
pub(crate) struct EventLaps {
    /// Largest lap number of the event.
    pub(crate) race_length: u32,
    // Entry n: laps (all, wet) with a lap number below n.
    before: Vec<(u32, u32)>,
}

impl EventLaps {
    /// Counts over the laps of one event.
    #[cfg(test)]
    pub(crate) fn new<'a>(laps: impl Iterator<Item = &'a Lap>) -> Self {
        let mut counter = EventLapCounter::default();
        laps.for_each(|lap| counter.add(lap));
        counter.finish()
    }

    /// Share of the event's laps below `lap_number` that were run on wet
    /// tires; 0 when there are none.
    pub(crate) fn wet_share_before(&self, lap_number: u32) -> f64 {
        let index = (lap_number as usize).min(self.before.len() - 1);
        let (all, wet) = self.before[index];
        if all == 0 {
            0.0
        } else {
            f64::from(wet) / f64::from(all)
        }
    }
}

/// Counts an event's laps one by one, while its stints are being
/// cleaned and their laps are in cache anyway.
#[derive(Debug, Default)]
pub(crate) struct EventLapCounter {
    // Entry n: laps (all, wet) with lap number n.
    per_lap: Vec<(u32, u32)>,
}

impl EventLapCounter {
    pub(crate) fn add(&mut self, lap: &Lap) {
        let slot = lap.lap_number as usize;
        if slot >= self.per_lap.len() {
            self.per_lap.resize(slot + 1, (0, 0));
        }
        let counts = &mut self.per_lap[slot];
        counts.0 += 1;
        counts.1 += u32::from(lap.compound.is_wet());
    }

    /// The counts as cumulative sums; the counter is left empty.
    pub(crate) fn finish(&mut self) -> EventLaps {
        let per_lap = std::mem::take(&mut self.per_lap);
        let race_length = per_lap.len().saturating_sub(1) as u32;
        let mut before = Vec::with_capacity(per_lap.len() + 1);
        let mut running = (0, 0);
        before.push(running);
        for (all, wet) in per_lap {
            running = (running.0 + all, running.1 + wet);
            before.push(running);
        }
        EventLaps {
            race_length,
            before,
        }
    }
}

/// What the context features of one stint are computed from.
pub(crate) struct StintFacts<'a> {
    pub(crate) record: &'a StintRecord,
    /// The stint's laps in lap-number order.
    pub(crate) laps: &'a [&'a Lap],
    pub(crate) race_length: u32,
    pub(crate) wet_share_before: f64,
    pub(crate) history: [f64; 2],
}

/// The observed features of the first clean laps of a stint; all NaN when
/// there are none.
pub(crate) fn observed_features(laps: &[CleanLap], buffer: &mut Vec<f64>) -> [f64; 6] {
    let (Some(first), Some(last)) = (laps.first(), laps.last()) else {
        return [f64::NAN; 6];
    };
    let y: Vec<f64> = laps.iter().map(|l| l.corrected_s).collect();
    let x: Vec<f64> = laps.iter().map(|l| l.tire_age).collect();
    let lowest = y.iter().copied().fold(f64::INFINITY, f64::min);
    let losses: Vec<f64> = y.iter().map(|v| v - lowest).collect();
    [
        laps.len() as f64,
        stats::mean(&losses),
        losses.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        stats::population_std(&y),
        stats::theil_sen_slope(&x, &y, buffer),
        last.corrected_s - first.corrected_s,
    ]
}

/// The feature columns and how to fill them.
pub(crate) struct FeatureLayout {
    pub(crate) schema: FeatureSchema,
    track_columns: usize,
    driver_columns: usize,
    custom: Vec<Arc<dyn CustomFeature>>,
    expressions: Vec<Expression>,
}

impl FeatureLayout {
    /// The columns for these tables, configuration and code features.
    /// Fails on a duplicate name or an expression that does not compile.
    pub(crate) fn new(
        tables: &Tables,
        config: &TrainingConfig,
        custom: &[Arc<dyn CustomFeature>],
    ) -> Result<Self, PrepareError> {
        let mut schema = FeatureSchema::default();
        let add = |schema: &mut FeatureSchema, name: String, kind: FeatureKind, what: &str| {
            if schema.index_of(&name).is_some() {
                return Err(PrepareError::DuplicateFeature {
                    name,
                    what: what.to_string(),
                });
            }
            schema.names.push(name);
            schema.kinds.push(kind);
            Ok(())
        };

        let categories = COMPOUND_CATEGORIES.iter().map(|c| c.to_string()).collect();
        add(
            &mut schema,
            "compound".into(),
            FeatureKind::Categorical(categories),
            "context",
        )?;
        for name in &CONTEXT_FEATURES[1..] {
            add(
                &mut schema,
                name.to_string(),
                FeatureKind::Numeric,
                "context",
            )?;
        }
        let track_columns = table_columns(tables.tracks.as_ref());
        for column in &track_columns {
            add(
                &mut schema,
                format!("track_{column}"),
                FeatureKind::Numeric,
                "track table",
            )?;
        }
        let driver_columns = table_columns(tables.drivers.as_ref());
        for column in &driver_columns {
            add(
                &mut schema,
                format!("driver_{column}"),
                FeatureKind::Numeric,
                "driver table",
            )?;
        }
        for name in HISTORY_FEATURES.iter().chain(&OBSERVED_FEATURES) {
            add(
                &mut schema,
                name.to_string(),
                FeatureKind::Numeric,
                "history",
            )?;
        }
        for feature in custom {
            add(
                &mut schema,
                feature.name().to_string(),
                FeatureKind::Numeric,
                "code feature",
            )?;
        }
        let mut expressions = Vec::with_capacity(config.features.expressions.len());
        for feature in &config.features.expressions {
            let visible = schema.len();
            let compiled =
                Expression::compile(&feature.expr, &schema, visible).map_err(|error| {
                    PrepareError::Expression {
                        feature: feature.name.clone(),
                        expr: feature.expr.clone(),
                        message: error.to_string(),
                    }
                })?;
            add(
                &mut schema,
                feature.name.clone(),
                FeatureKind::Numeric,
                "expression",
            )?;
            expressions.push(compiled);
        }
        Ok(FeatureLayout {
            schema,
            track_columns: track_columns.len(),
            driver_columns: driver_columns.len(),
            custom: custom.to_vec(),
            expressions,
        })
    }

    /// The features that do not depend on k, in column order.
    pub(crate) fn context(&self, facts: &StintFacts<'_>, tables: &Tables) -> Vec<f64> {
        let record = facts.record;
        let first = facts.laps.first().copied();
        let compound_code = facts
            .laps
            .iter()
            .find_map(|l| l.compound_code.as_deref())
            .and_then(compound_code_number)
            .map_or(f64::NAN, f64::from);
        let fresh_tire = flag(facts.laps.iter().find_map(|l| l.fresh_tire));

        let mut values = Vec::with_capacity(self.schema.len());
        values.extend([
            compound_index(record.compound),
            compound_code,
            f64::from(record.season),
            record.tire_age_start,
            fresh_tire,
            f64::from(record.stint),
            f64::from(record.lap_start),
            f64::from(facts.race_length) - f64::from(record.lap_start),
            facts.wet_share_before,
            number(first.and_then(|l| l.air_temp_c)),
            number(first.and_then(|l| l.track_temp_c)),
            number(first.and_then(|l| l.humidity_pct)),
            flag(first.and_then(|l| l.rainfall)),
        ]);
        push_table(
            &mut values,
            tables.tracks.as_ref(),
            &record.track,
            record.season,
            self.track_columns,
        );
        push_table(
            &mut values,
            tables.drivers.as_ref(),
            &record.driver,
            record.season,
            self.driver_columns,
        );
        values.extend(facts.history);
        values
    }

    /// The full feature vector of the sample at k.
    pub(crate) fn sample(
        &self,
        context: &[f64],
        facts: &StintFacts<'_>,
        k: usize,
        buffer: &mut Vec<f64>,
    ) -> Vec<f64> {
        let record = facts.record;
        let mut values = Vec::with_capacity(self.schema.len());
        values.extend_from_slice(context);
        let observed = &record.clean_laps[..k.min(record.clean_laps.len())];
        values.extend(observed_features(observed, buffer));

        if let Some(first_lap) = facts.laps.first() {
            for feature in &self.custom {
                let value = {
                    let context =
                        StintContext::new(record, k, first_lap, &self.schema.names, &values);
                    feature.compute(&context)
                };
                values.push(value);
            }
        } else {
            values.extend(std::iter::repeat_n(f64::NAN, self.custom.len()));
        }
        for expression in &self.expressions {
            let value = expression.evaluate(&values);
            values.push(value);
        }
        values
    }
}

fn table_columns(table: Option<&KeyedTable>) -> Vec<String> {
    table.map(|t| t.columns.clone()).unwrap_or_default()
}

fn push_table(
    values: &mut Vec<f64>,
    table: Option<&KeyedTable>,
    key: &str,
    season: i32,
    columns: usize,
) {
    let row = table.and_then(|t| t.lookup(key, season));
    for column in 0..columns {
        values.push(
            row.and_then(|r| r.get(column).copied().flatten())
                .unwrap_or(f64::NAN),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stint::tests::lap;

    #[test]
    fn wet_share_counts_earlier_laps_of_all_drivers() {
        let mut laps = Vec::new();
        // Laps 1-2: HAM on INTERMEDIATE, VER on SOFT; laps 3-4 both SOFT.
        for n in 1..=4 {
            let mut ham = lap("HAM", 1, n, 90.0);
            if n <= 2 {
                ham.compound = Compound::Intermediate;
            }
            laps.push(ham);
            laps.push(lap("VER", 1, n, 90.0));
        }
        let event = EventLaps::new(laps.iter());
        assert_eq!(event.race_length, 4);
        assert_eq!(event.wet_share_before(1), 0.0, "no lap before lap 1");
        assert_eq!(event.wet_share_before(2), 0.5);
        assert_eq!(event.wet_share_before(3), 0.5);
        assert_eq!(event.wet_share_before(4), 2.0 / 6.0);
        assert_eq!(event.wet_share_before(9), 2.0 / 8.0);
    }

    #[test]
    fn observed_features_of_three_laps() {
        let laps: Vec<CleanLap> = [(1.0, 90.4), (2.0, 90.0), (3.0, 90.6)]
            .iter()
            .enumerate()
            .map(|(i, &(age, y))| CleanLap {
                lap_number: i as u32 + 2,
                tire_age: age,
                lap_time_s: y,
                corrected_s: y,
            })
            .collect();
        let f = observed_features(&laps, &mut Vec::new());
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert_eq!(f[0], 3.0);
        // Losses 0.4 0 0.6.
        assert!(close(f[1], 1.0 / 3.0), "{}", f[1]);
        assert!(close(f[2], 0.6));
        // Mean 90.333.., deviations .0667 -.3333 .2667.
        let std = ((0.2f64 / 3.0).powi(2) + (1.0f64 / 3.0).powi(2) + (0.8f64 / 3.0).powi(2)) / 3.0;
        assert!(close(f[3], std.sqrt()));
        // Pair slopes -0.4, 0.1, 0.6 → 0.1.
        assert!(close(f[4], 0.1));
        assert!(close(f[5], 0.2));
        assert!(observed_features(&[], &mut Vec::new())
            .iter()
            .all(|v| v.is_nan()));
    }
}
