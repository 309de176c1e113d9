//! The point-in-time feature store (SPEC 1.3).
//!
//! Two features summarise what earlier races said about a driver and a
//! track, standing in for driver and track tables when none are given:
//!
//! - `hist_driver_deg_delta`: over the driver's past modelled stints, the
//!   sum of (the stint's degradation rate minus the median rate of all
//!   modelled stints of that stint's event and compound), divided by the
//!   number of those stints plus a prior (5 by default), so that a driver
//!   seen a few times stays near 0. Exactly 0 with no past stint.
//! - `hist_track_median_rate`: the median degradation rate of the past
//!   modelled stints at the same track on the same compound; NaN (missing)
//!   with none.
//!
//! "Past" is strict: for a stint of event (season, round) only stints of
//! events ordered before it by (season, round) count, never the same event
//! nor a later one. A model must see a race as it would have been known
//! before the race.
//!
//! [`History`] keeps one small entry per modelled stint (keys, rate and the
//! event's median rate for its compound) rather than running totals,
//! because that is what makes "strictly before" exact for any event, also
//! for events older than some of the history: the totals as of an event
//! are rebuilt by adding the entries of earlier events. A history built
//! while preparing 2018-2021 is saved with a model; preparing 2022 with it
//! as the prior gives the first 2022 race the features of all of
//! 2018-2021, the second race those plus the first, and so on. The history
//! returned by that preparation holds both. When the prior and the new
//! data share an event, the new data's stints of that event replace the
//! prior's, so re-preparing a season never counts a race twice.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;

use crate::stats;
use crate::stint::StintRecord;

/// What the feature store keeps of one modelled stint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryStint {
    /// Championship year of the event.
    pub season: i32,
    /// Round of the event.
    pub round: u32,
    /// Circuit id.
    pub track: String,
    /// Driver code.
    pub driver: String,
    /// Stint number within the race.
    pub stint: u32,
    /// Compound of the stint.
    pub compound: Compound,
    /// The stint's degradation rate, s/lap.
    pub degradation_rate: f64,
    /// Median degradation rate of all modelled stints of the same event and
    /// compound, s/lap.
    pub event_median_rate: f64,
}

impl HistoryStint {
    fn event(&self) -> (i32, u32) {
        (self.season, self.round)
    }
}

/// The modelled stints of past events, sorted by (season, round, driver,
/// stint).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct History {
    /// One entry per modelled stint.
    pub stints: Vec<HistoryStint>,
}

impl History {
    /// The history of these modelled stints; event medians are taken over
    /// the given stints.
    pub fn from_stints(records: &[StintRecord]) -> History {
        let mut by_event: HashMap<(i32, u32, Compound), Vec<f64>> = HashMap::new();
        for record in records {
            by_event
                .entry((record.season, record.round, record.compound))
                .or_default()
                .push(record.degradation_rate);
        }
        let medians: HashMap<(i32, u32, Compound), f64> = by_event
            .into_iter()
            .map(|(key, mut rates)| (key, stats::median_in_place(&mut rates)))
            .collect();

        let mut stints: Vec<HistoryStint> = records
            .iter()
            .map(|record| HistoryStint {
                season: record.season,
                round: record.round,
                track: record.track.clone(),
                driver: record.driver.clone(),
                stint: record.stint,
                compound: record.compound,
                degradation_rate: record.degradation_rate,
                event_median_rate: medians
                    .get(&(record.season, record.round, record.compound))
                    .copied()
                    .unwrap_or(f64::NAN),
            })
            .collect();
        sort_entries(&mut stints);
        History { stints }
    }

    /// Adds a newer history: its events replace the same events here.
    pub fn merge(&mut self, newer: History) {
        let replaced: BTreeSet<(i32, u32)> = newer.stints.iter().map(HistoryStint::event).collect();
        self.stints
            .retain(|entry| !replaced.contains(&entry.event()));
        self.stints.extend(newer.stints);
        sort_entries(&mut self.stints);
    }

    /// The events in the history, in order.
    pub fn events(&self) -> Vec<(i32, u32)> {
        let events: BTreeSet<(i32, u32)> = self.stints.iter().map(HistoryStint::event).collect();
        events.into_iter().collect()
    }

    /// What the history knew just before the event (season, round): the
    /// totals over all events strictly before it.
    pub fn before(&self, season: i32, round: u32) -> HistorySnapshot<'_> {
        let mut snapshot = HistorySnapshot::default();
        for entry in self
            .stints
            .iter()
            .take_while(|e| e.event() < (season, round))
        {
            snapshot.add(entry);
        }
        snapshot
    }
}

fn sort_entries(stints: &mut [HistoryStint]) {
    stints.sort_by(|a, b| {
        (a.season, a.round, a.driver.as_str(), a.stint).cmp(&(
            b.season,
            b.round,
            b.driver.as_str(),
            b.stint,
        ))
    });
}

/// A driver's past stints, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct DriverTotals {
    delta_sum: f64,
    stints: usize,
}

/// The feature store as of one moment: totals over the entries added.
/// It borrows the names of the entries, so building one allocates only
/// per driver and per (track, compound).
#[derive(Debug, Clone, Default)]
pub struct HistorySnapshot<'a> {
    drivers: HashMap<&'a str, DriverTotals>,
    tracks: HashMap<(&'a str, Compound), Vec<f64>>,
}

impl<'a> HistorySnapshot<'a> {
    /// Adds one past stint.
    pub fn add(&mut self, entry: &'a HistoryStint) {
        let delta = entry.degradation_rate - entry.event_median_rate;
        // A stint without a rate or median carries no information; it
        // would only turn the driver's sum into NaN.
        if delta.is_finite() {
            let totals = self.drivers.entry(entry.driver.as_str()).or_default();
            totals.delta_sum += delta;
            totals.stints += 1;
        }
        if entry.degradation_rate.is_finite() {
            self.tracks
                .entry((entry.track.as_str(), entry.compound))
                .or_default()
                .push(entry.degradation_rate);
        }
    }

    /// The driver's degradation delta, shrunk toward 0 by `prior` pseudo
    /// stints; 0 with no history.
    pub fn driver_deg_delta(&self, driver: &str, prior: f64) -> f64 {
        match self.drivers.get(driver) {
            Some(totals) if totals.stints > 0 => totals.delta_sum / (totals.stints as f64 + prior),
            _ => 0.0,
        }
    }

    /// Median past degradation rate at the track on the compound; NaN with
    /// no history.
    pub fn track_median_rate(&self, track: &str, compound: Compound, buffer: &mut Vec<f64>) -> f64 {
        match self.tracks.get(&(track, compound)) {
            Some(rates) => stats::median(rates, buffer),
            None => f64::NAN,
        }
    }
}

/// The two history features of each record (sorted by event), each from
/// the entries of `history` of events strictly before the record's.
pub(crate) fn point_in_time(
    history: &History,
    records: &[StintRecord],
    prior: f64,
) -> Vec<[f64; 2]> {
    let mut snapshot = HistorySnapshot::default();
    let mut added = 0;
    let mut buffer = Vec::new();
    let mut features = Vec::with_capacity(records.len());
    for record in records {
        let event = (record.season, record.round);
        while let Some(entry) = history.stints.get(added) {
            if entry.event() >= event {
                break;
            }
            snapshot.add(entry);
            added += 1;
        }
        features.push([
            snapshot.driver_deg_delta(&record.driver, prior),
            snapshot.track_median_rate(&record.track, record.compound, &mut buffer),
        ]);
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Split;

    fn record(round: u32, driver: &str, track: &str, compound: Compound, rate: f64) -> StintRecord {
        StintRecord {
            season: 2019,
            round,
            event: format!("Event {round}"),
            track: track.to_string(),
            driver: driver.to_string(),
            team: None,
            stint: 1,
            compound,
            split: Split::Train,
            n_laps: 10,
            n_clean_laps: 10,
            lap_start: 2,
            tire_age_start: 1.0,
            degradation_rate: rate,
            cliff: false,
            cliff_age: None,
            usable_life: 20.0,
            tire_age_imputed: false,
            clean_laps: Vec::new(),
        }
    }

    /// Three events: two at track A, one at track B.
    fn three_events() -> Vec<StintRecord> {
        vec![
            // Event 1 (A), SOFT median 0.10.
            record(1, "HAM", "A", Compound::Soft, 0.12),
            record(1, "VER", "A", Compound::Soft, 0.08),
            record(1, "BOT", "A", Compound::Soft, 0.10),
            // Event 2 (B), MEDIUM median 0.05.
            record(2, "HAM", "B", Compound::Medium, 0.07),
            record(2, "VER", "B", Compound::Medium, 0.03),
            // Event 3 (A), SOFT.
            record(3, "HAM", "A", Compound::Soft, 0.20),
            record(3, "VER", "A", Compound::Soft, 0.30),
        ]
    }

    #[test]
    fn event_medians_are_per_event_and_compound() {
        let history = History::from_stints(&three_events());
        let medians: Vec<f64> = history.stints.iter().map(|s| s.event_median_rate).collect();
        // Sorted by (round, driver): 1 BOT HAM VER, 2 HAM VER, 3 HAM VER.
        assert_eq!(medians, vec![0.10, 0.10, 0.10, 0.05, 0.05, 0.25, 0.25]);
    }

    #[test]
    fn features_see_only_earlier_events() {
        let mut records = three_events();
        let history = History::from_stints(&records);
        records.sort_by(|a, b| (a.round, &a.driver).cmp(&(b.round, &b.driver)));
        let features = point_in_time(&history, &records, 5.0);

        // Event 1: nothing before it.
        for f in &features[..3] {
            assert_eq!(f[0], 0.0);
            assert!(f[1].is_nan());
        }
        // Event 2, HAM (index 3): one past stint, delta 0.12 - 0.10.
        assert!((features[3][0] - 0.02 / 6.0).abs() < 1e-12);
        // Track B has no past: missing.
        assert!(features[3][1].is_nan());
        // Event 3, HAM (index 5): deltas 0.02 and 0.02 → 0.04 / 7.
        assert!((features[5][0] - 0.04 / 7.0).abs() < 1e-12);
        // Track A SOFT before event 3: 0.08 0.10 0.12 → 0.10; event 3's own
        // rates (0.20, 0.30) must not count.
        assert!((features[5][1] - 0.10).abs() < 1e-12);
        // Event 3, VER: deltas -0.02 and -0.02 → -0.04 / 7.
        assert!((features[6][0] + 0.04 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn a_snapshot_matches_the_sweep() {
        let records = three_events();
        let history = History::from_stints(&records);
        let snapshot = history.before(2019, 3);
        assert!((snapshot.driver_deg_delta("HAM", 5.0) - 0.04 / 7.0).abs() < 1e-12);
        assert_eq!(snapshot.driver_deg_delta("NEW", 5.0), 0.0);
        let mut buffer = Vec::new();
        assert!(
            (snapshot.track_median_rate("A", Compound::Soft, &mut buffer) - 0.10).abs() < 1e-12
        );
        assert!(snapshot
            .track_median_rate("A", Compound::Hard, &mut buffer)
            .is_nan());
    }

    #[test]
    fn a_prior_history_is_extended_and_its_events_replaced() {
        let records = three_events();
        let mut prior = History::from_stints(&records[..5]);
        let later = History::from_stints(&records[3..]);
        prior.merge(later);
        assert_eq!(prior.events(), vec![(2019, 1), (2019, 2), (2019, 3)]);
        // Event 2 came from both; it is held once.
        assert_eq!(prior.stints.iter().filter(|s| s.round == 2).count(), 2);
        assert_eq!(prior, History::from_stints(&records));
    }

    #[test]
    fn history_round_trips_through_json() {
        let history = History::from_stints(&three_events());
        let text = serde_json::to_string(&history).unwrap();
        let back: History = serde_json::from_str(&text).unwrap();
        assert_eq!(back, history);
    }
}
