//! Stints and clean laps (SPEC 2).
//!
//! A stint is the laps of one (season, round, driver, stint). Laps arrive
//! in whatever order the file had; timing exports write them driver by
//! driver, so consecutive laps almost always share a stint. Grouping
//! therefore walks the laps once, cutting a run wherever the stint key
//! changes, and only sorts the runs (a few thousand), not the laps (a
//! hundred thousand). Runs of the same stint that were apart in the file
//! are merged, and a stint's laps are put in lap-number order, keeping the
//! file order of duplicates.
//!
//! Each lap of a slick stint then gets its fate: clean, or the first of the
//! six rules of SPEC 2 it fails. The rules are applied in the spec's order
//! and a lap is counted under the first one it breaks, so the counts in the
//! report add up to the laps read. Rule 6 compares the raw lap time (not
//! the fuel-corrected one) with the median raw lap time of the stint's laps
//! that pass rules 1-5.
//!
//! Tire age comes from the feed where it is known. A gap is filled from
//! the nearest lap (by lap number) whose age is known, counting one lap of
//! age per race lap; when a gap is as far from a known lap before as from
//! one after, the lap before wins. A stint with no known age takes the
//! position in the stint from 1 and is marked imputed. Ages are not
//! clamped: a feed that says age 1 on the third lap of a stint gives its
//! first two laps ages -1 and 0, which is visible, not hidden.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use tiredeg_config::TrainingConfig;
use tiredeg_laps::{Compound, Lap};

use crate::sample::Split;
use crate::stats;

/// One clean lap of a stint, as the targets and observed features use it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CleanLap {
    /// Race lap number.
    pub lap_number: u32,
    /// Tire age (laps on the set at the end of the lap), filled where the
    /// feed had none.
    pub tire_age: f64,
    /// Lap time as timed, s.
    pub lap_time_s: f64,
    /// Fuel-corrected lap time, s: `lap_time_s + effect * (lap_number - 1)`.
    pub corrected_s: f64,
}

/// A modelled stint with its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StintRecord {
    /// Championship year.
    pub season: i32,
    /// Round within the season.
    pub round: u32,
    /// Event name.
    pub event: String,
    /// Circuit id.
    pub track: String,
    /// Driver code.
    pub driver: String,
    /// Team, from the stint's first lap, when known.
    pub team: Option<String>,
    /// Stint number within the race.
    pub stint: u32,
    /// Compound (SOFT, MEDIUM or HARD).
    pub compound: Compound,
    /// Split of the stint's event.
    pub split: Split,
    /// Laps of the stint in the data, clean or not.
    pub n_laps: usize,
    /// Clean laps.
    pub n_clean_laps: usize,
    /// Lap number of the stint's first lap.
    pub lap_start: u32,
    /// Tire age at the stint's first lap.
    pub tire_age_start: f64,
    /// Target: Theil-Sen slope of corrected time on tire age, s/lap.
    pub degradation_rate: f64,
    /// Target: the stint has a cliff.
    pub cliff: bool,
    /// Tire age of the first lap after the cliff, when there is one.
    pub cliff_age: Option<f64>,
    /// Target: usable life, laps of tire age.
    pub usable_life: f64,
    /// No lap of the stint had a tire age; ages are positions in the stint.
    pub tire_age_imputed: bool,
    /// The clean laps in lap-number order.
    pub clean_laps: Vec<CleanLap>,
}

/// Why a lap is not clean; `Clean` when it is. The order is the order of
/// the rules in SPEC 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LapFate {
    /// Passed all six rules.
    Clean,
    /// Rule 1: no lap time.
    NoLapTime,
    /// Rule 2: first lap of the race.
    FirstLap,
    /// Rule 3: pit-in or pit-out lap.
    PitLap,
    /// Rule 4: a track status character that is not green.
    NotGreen,
    /// Rule 5: the feed marks the time as not accurate.
    NotAccurate,
    /// Rule 6: slower than the slow-lap factor times the stint median.
    SlowLap,
}

impl LapFate {
    /// Number of fates, for counting arrays.
    pub(crate) const COUNT: usize = 7;

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Laps grouped into stints.
pub(crate) struct Grouping {
    /// Lap indices, stint after stint, each stint's laps in lap-number
    /// order.
    pub(crate) order: Vec<usize>,
    /// Each stint's range in `order`, sorted by (season, round, driver,
    /// stint).
    pub(crate) stints: Vec<Range<usize>>,
    /// Laps of seasons the configuration leaves out.
    pub(crate) outside_seasons: usize,
}

fn same_stint(a: &Lap, b: &Lap) -> bool {
    a.season == b.season && a.round == b.round && a.stint == b.stint && a.driver == b.driver
}

/// Groups the laps of the selected seasons (all when `seasons` is empty)
/// into stints.
pub(crate) fn group_stints(laps: &[Lap], seasons: &[i32]) -> Grouping {
    // Runs of consecutive laps of one stint, in file order.
    let mut file_order = Vec::with_capacity(laps.len());
    let mut runs: Vec<Range<usize>> = Vec::new();
    // Whether each run's laps came in lap-number order, noted on the way
    // so the laps need not be read again to check.
    let mut run_sorted: Vec<bool> = Vec::new();
    let mut outside_seasons = 0;
    let mut previous: Option<&Lap> = None;
    for (index, lap) in laps.iter().enumerate() {
        if !seasons.is_empty() && !seasons.contains(&lap.season) {
            outside_seasons += 1;
            continue;
        }
        match previous {
            Some(p) if same_stint(p, lap) => {
                if lap.lap_number < p.lap_number {
                    if let Some(sorted) = run_sorted.last_mut() {
                        *sorted = false;
                    }
                }
            }
            _ => {
                runs.push(file_order.len()..file_order.len());
                run_sorted.push(true);
            }
        }
        file_order.push(index);
        if let Some(run) = runs.last_mut() {
            run.end = file_order.len();
        }
        previous = Some(lap);
    }

    // Sorting the runs compares integer keys: drivers are ranked once, so
    // the sort never chases a run's first lap through memory.
    let run_drivers: Vec<&str> = runs
        .iter()
        .map(|run| laps[file_order[run.start]].driver.as_str())
        .collect();
    let mut drivers = run_drivers.clone();
    drivers.sort_unstable();
    drivers.dedup();
    let mut keys: Vec<(i32, u32, usize, u32, usize)> = runs
        .iter()
        .zip(&run_drivers)
        .enumerate()
        .map(|(index, (run, driver))| {
            let lap = &laps[file_order[run.start]];
            let rank = drivers.binary_search(driver).unwrap_or(0);
            // The run index last keeps the file order of split runs.
            (lap.season, lap.round, rank, lap.stint, index)
        })
        .collect();
    keys.sort_unstable();

    let mut order = Vec::with_capacity(file_order.len());
    let mut stints: Vec<Range<usize>> = Vec::with_capacity(keys.len());
    // Stints whose laps need sorting: a run out of order, or runs of one
    // stint that were apart in the file.
    let mut unsorted: Vec<usize> = Vec::new();
    let mut previous_key = None;
    for &(season, round, driver, stint, run) in &keys {
        let key = Some((season, round, driver, stint));
        if previous_key != key {
            stints.push(order.len()..order.len());
            previous_key = key;
        }
        let current = stints.len() - 1;
        let merged = stints[current].start != order.len();
        if (merged || !run_sorted[run]) && unsorted.last() != Some(&current) {
            unsorted.push(current);
        }
        order.extend_from_slice(&file_order[runs[run].clone()]);
        stints[current].end = order.len();
    }
    for stint in unsorted {
        // Stable: duplicates of a lap number keep their file order.
        order[stints[stint].clone()].sort_by_key(|&i| laps[i].lap_number);
    }
    Grouping {
        order,
        stints,
        outside_seasons,
    }
}

/// Tire ages of a stint's laps (given as (lap number, known age) in
/// lap-number order), with gaps filled; `true` when no age was known and
/// the ages are positions in the stint.
pub(crate) fn fill_tire_ages(laps: &[(u32, Option<u32>)]) -> (Vec<f64>, bool) {
    if laps.iter().all(|(_, age)| age.is_none()) {
        let ages = (1..=laps.len()).map(|p| p as f64).collect();
        return (ages, true);
    }

    // Nearest known lap before (or at) each lap, then after it.
    let mut before: Vec<Option<(i64, i64)>> = Vec::with_capacity(laps.len());
    let mut last = None;
    for &(lap_number, age) in laps {
        if let Some(age) = age {
            last = Some((i64::from(lap_number), i64::from(age)));
        }
        before.push(last);
    }
    let mut ages = vec![0.0; laps.len()];
    let mut next: Option<(i64, i64)> = None;
    for (position, &(lap_number, age)) in laps.iter().enumerate().rev() {
        let lap_number = i64::from(lap_number);
        if let Some(age) = age {
            next = Some((lap_number, i64::from(age)));
            ages[position] = age as f64;
            continue;
        }
        let from_before = before[position].map(|(n, a)| (lap_number - n, a + (lap_number - n)));
        let from_after = next.map(|(n, a)| (n - lap_number, a - (n - lap_number)));
        let age = match (from_before, from_after) {
            (Some((d_before, a)), Some((d_after, _))) if d_before <= d_after => a,
            (_, Some((_, a))) => a,
            (Some((_, a)), None) => a,
            // Unreachable: some lap has a known age.
            (None, None) => position as i64 + 1,
        };
        ages[position] = age as f64;
    }
    (ages, false)
}

/// The characters of a track status that count as green.
pub(crate) struct GreenCodes<'a> {
    codes: &'a str,
    // Bit b is set when ASCII byte b is green; used when every green
    // code is ASCII, as the usual digit codes are.
    ascii: Option<u128>,
}

impl<'a> GreenCodes<'a> {
    pub(crate) fn new(codes: &'a str) -> Self {
        let ascii = codes
            .is_ascii()
            .then(|| codes.bytes().fold(0u128, |mask, b| mask | (1u128 << b)));
        GreenCodes { codes, ascii }
    }

    /// Whether every character of the status is a green code; a missing
    /// status is green.
    pub(crate) fn is_green(&self, status: Option<&str>) -> bool {
        let Some(status) = status else {
            return true;
        };
        match self.ascii {
            // A non-ASCII byte cannot be one of ASCII green codes.
            Some(mask) => status.bytes().all(|b| b < 128 && mask & (1u128 << b) != 0),
            None => status.chars().all(|c| self.codes.contains(c)),
        }
    }
}

/// The fuel-corrected lap time: the time the lap would have taken with the
/// fuel load of lap 1.
pub(crate) fn fuel_corrected(lap_time_s: f64, lap_number: u32, effect_s_per_lap: f64) -> f64 {
    lap_time_s + effect_s_per_lap * (f64::from(lap_number) - 1.0)
}

/// A slick stint after the clean-lap rules.
pub(crate) struct CleanedStint {
    /// Fate of each lap, in the stint's lap order.
    pub(crate) fates: Vec<LapFate>,
    /// The clean laps in lap-number order.
    pub(crate) clean: Vec<CleanLap>,
    /// Tire age at the first lap.
    pub(crate) tire_age_start: f64,
    /// No known age in the stint.
    pub(crate) tire_age_imputed: bool,
}

/// Applies the six clean-lap rules, fills tire ages and corrects for fuel.
/// `stint` holds the laps in lap-number order.
pub(crate) fn clean_stint(
    stint: &[&Lap],
    config: &TrainingConfig,
    buffer: &mut Vec<f64>,
) -> CleanedStint {
    let rules = &config.clean_laps;
    let green = GreenCodes::new(&rules.green_status_codes);
    let mut fates: Vec<LapFate> = stint
        .iter()
        .map(|lap| {
            if lap.lap_time_s.is_none() {
                LapFate::NoLapTime
            } else if rules.exclude_first_lap && lap.lap_number == 1 {
                LapFate::FirstLap
            } else if lap.pit_in || lap.pit_out {
                LapFate::PitLap
            } else if !green.is_green(lap.track_status.as_deref()) {
                LapFate::NotGreen
            } else if lap.is_accurate == Some(false) {
                LapFate::NotAccurate
            } else {
                LapFate::Clean
            }
        })
        .collect();

    buffer.clear();
    buffer.extend(
        stint
            .iter()
            .zip(&fates)
            .filter(|(_, fate)| **fate == LapFate::Clean)
            .filter_map(|(lap, _)| lap.lap_time_s),
    );
    let limit = rules.slow_lap_factor * stats::median_in_place(buffer);

    let ages: Vec<(u32, Option<u32>)> = stint.iter().map(|l| (l.lap_number, l.tire_age)).collect();
    let (tire_ages, tire_age_imputed) = fill_tire_ages(&ages);

    let mut clean = Vec::with_capacity(stint.len());
    for ((lap, fate), tire_age) in stint.iter().zip(fates.iter_mut()).zip(&tire_ages) {
        if *fate != LapFate::Clean {
            continue;
        }
        let Some(lap_time_s) = lap.lap_time_s else {
            continue;
        };
        if lap_time_s > limit {
            *fate = LapFate::SlowLap;
            continue;
        }
        clean.push(CleanLap {
            lap_number: lap.lap_number,
            tire_age: *tire_age,
            lap_time_s,
            corrected_s: fuel_corrected(lap_time_s, lap.lap_number, config.fuel.effect_s_per_lap),
        });
    }
    CleanedStint {
        fates,
        clean,
        tire_age_start: tire_ages.first().copied().unwrap_or(f64::NAN),
        tire_age_imputed,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A green, timed, accurate lap of SOFT tires; tests change one field.
    pub(crate) fn lap(driver: &str, stint: u32, lap_number: u32, lap_time_s: f64) -> Lap {
        Lap {
            season: 2019,
            round: 1,
            event: "Test Grand Prix".to_string(),
            event_date: None,
            track: "test".to_string(),
            driver: driver.to_string(),
            team: None,
            stint,
            lap_number,
            compound: Compound::Soft,
            compound_code: None,
            tire_age: Some(lap_number),
            fresh_tire: Some(true),
            lap_time_s: Some(lap_time_s),
            pit_in: false,
            pit_out: false,
            track_status: Some("1".to_string()),
            is_accurate: Some(true),
            air_temp_c: None,
            track_temp_c: None,
            humidity_pct: None,
            rainfall: None,
        }
    }

    fn fates_of(stint: &[Lap]) -> Vec<LapFate> {
        let refs: Vec<&Lap> = stint.iter().collect();
        clean_stint(&refs, &TrainingConfig::default(), &mut Vec::new()).fates
    }

    fn stint_of(count: u32) -> Vec<Lap> {
        (2..2 + count).map(|n| lap("HAM", 1, n, 90.0)).collect()
    }

    #[test]
    fn rule_1_a_lap_without_time_is_not_clean() {
        let mut laps = stint_of(6);
        laps[2].lap_time_s = None;
        let fates = fates_of(&laps);
        assert_eq!(fates[2], LapFate::NoLapTime);
        assert_eq!(fates.iter().filter(|f| **f == LapFate::Clean).count(), 5);
    }

    #[test]
    fn rule_2_the_first_lap_of_the_race_is_not_clean() {
        let mut laps = stint_of(6);
        laps[0].lap_number = 1;
        assert_eq!(fates_of(&laps)[0], LapFate::FirstLap);

        let mut config = TrainingConfig::default();
        config.clean_laps.exclude_first_lap = false;
        let refs: Vec<&Lap> = laps.iter().collect();
        let kept = clean_stint(&refs, &config, &mut Vec::new());
        assert_eq!(kept.fates[0], LapFate::Clean);
    }

    #[test]
    fn rule_3_pit_in_and_pit_out_laps_are_not_clean() {
        let mut laps = stint_of(6);
        laps[0].pit_out = true;
        laps[5].pit_in = true;
        let fates = fates_of(&laps);
        assert_eq!(fates[0], LapFate::PitLap);
        assert_eq!(fates[5], LapFate::PitLap);
        assert_eq!(fates[1], LapFate::Clean);
    }

    #[test]
    fn rule_4_every_status_character_must_be_green() {
        let mut laps = stint_of(6);
        laps[1].track_status = Some("12".to_string());
        laps[2].track_status = Some("4".to_string());
        laps[3].track_status = None;
        laps[4].track_status = Some("11".to_string());
        let fates = fates_of(&laps);
        assert_eq!(fates[1], LapFate::NotGreen);
        assert_eq!(fates[2], LapFate::NotGreen);
        assert_eq!(fates[3], LapFate::Clean, "a missing status is green");
        assert_eq!(fates[4], LapFate::Clean);
    }

    #[test]
    fn green_codes_may_be_configured() {
        let green = GreenCodes::new("12");
        assert!(green.is_green(Some("12")));
        assert!(green.is_green(None));
        assert!(green.is_green(Some("")));
        assert!(!green.is_green(Some("124")));
        assert!(!green.is_green(Some("1é")));
        let unusual = GreenCodes::new("1é");
        assert!(unusual.is_green(Some("é1")));
        assert!(!unusual.is_green(Some("4")));
    }

    #[test]
    fn rule_5_a_lap_marked_inaccurate_is_not_clean() {
        let mut laps = stint_of(6);
        laps[1].is_accurate = Some(false);
        laps[2].is_accurate = None;
        let fates = fates_of(&laps);
        assert_eq!(fates[1], LapFate::NotAccurate);
        assert_eq!(fates[2], LapFate::Clean, "a missing flag is not false");
    }

    #[test]
    fn rule_6_uses_the_median_of_laps_passing_rules_1_to_5() {
        let mut laps = stint_of(7);
        // Median of the laps passing rules 1-5 is 90; the limit is 96.3.
        laps[1].lap_time_s = Some(96.3);
        laps[2].lap_time_s = Some(96.31);
        // A very slow pit lap is left out by rule 3 and must not move the
        // median.
        laps[6].lap_time_s = Some(130.0);
        laps[6].pit_in = true;
        let fates = fates_of(&laps);
        assert_eq!(fates[1], LapFate::Clean, "exactly 107% is not slower");
        assert_eq!(fates[2], LapFate::SlowLap);
        assert_eq!(fates[6], LapFate::PitLap);
    }

    #[test]
    fn rules_are_counted_under_the_first_one_broken() {
        let mut laps = stint_of(6);
        laps[1].lap_time_s = None;
        laps[1].pit_in = true;
        laps[2].pit_in = true;
        laps[2].track_status = Some("4".to_string());
        let fates = fates_of(&laps);
        assert_eq!(fates[1], LapFate::NoLapTime);
        assert_eq!(fates[2], LapFate::PitLap);
    }

    #[test]
    fn tire_age_gaps_are_filled_from_the_nearest_known_lap() {
        let laps = [
            (10, None),
            (11, Some(4)),
            (12, None),
            (13, None),
            (14, None),
            (15, Some(12)),
            (16, None),
        ];
        let (ages, imputed) = fill_tire_ages(&laps);
        assert!(!imputed);
        // Lap 13 is two laps from both known laps: the lap before wins.
        assert_eq!(ages, vec![3.0, 4.0, 5.0, 6.0, 11.0, 12.0, 13.0]);
    }

    #[test]
    fn tire_age_counts_race_laps_across_missing_rows() {
        let (ages, _) = fill_tire_ages(&[(5, Some(2)), (8, None)]);
        assert_eq!(ages, vec![2.0, 5.0]);
    }

    #[test]
    fn a_stint_without_any_age_is_imputed_from_positions() {
        let (ages, imputed) = fill_tire_ages(&[(20, None), (21, None), (23, None)]);
        assert!(imputed);
        assert_eq!(ages, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn fuel_correction_adds_the_effect_per_lap_run() {
        assert_eq!(fuel_corrected(90.0, 1, 0.055), 90.0);
        assert!((fuel_corrected(90.0, 21, 0.055) - 91.1).abs() < 1e-12);

        let laps = stint_of(5);
        let refs: Vec<&Lap> = laps.iter().collect();
        let cleaned = clean_stint(&refs, &TrainingConfig::default(), &mut Vec::new());
        let first = cleaned.clean[0];
        assert_eq!(first.lap_number, 2);
        assert!((first.corrected_s - 90.055).abs() < 1e-12);
        assert_eq!(first.lap_time_s, 90.0);
    }

    #[test]
    fn grouping_merges_split_runs_and_sorts_laps() {
        let laps = vec![
            lap("VER", 1, 3, 90.0),
            lap("HAM", 1, 2, 90.0),
            lap("VER", 1, 2, 90.0),
            lap("HAM", 2, 9, 90.0),
            lap("VER", 1, 4, 90.0),
        ];
        let grouping = group_stints(&laps, &[]);
        let keys: Vec<(String, u32, Vec<u32>)> = grouping
            .stints
            .iter()
            .map(|range| {
                let stint = &grouping.order[range.clone()];
                let first = &laps[stint[0]];
                let numbers = stint.iter().map(|&i| laps[i].lap_number).collect();
                (first.driver.clone(), first.stint, numbers)
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                ("HAM".to_string(), 1, vec![2]),
                ("HAM".to_string(), 2, vec![9]),
                ("VER".to_string(), 1, vec![2, 3, 4]),
            ]
        );
    }

    #[test]
    fn a_run_out_of_lap_order_is_sorted() {
        let laps = vec![
            lap("HAM", 1, 5, 90.0),
            lap("HAM", 1, 4, 90.0),
            lap("HAM", 1, 6, 90.0),
        ];
        let grouping = group_stints(&laps, &[]);
        assert_eq!(grouping.stints.len(), 1);
        assert_eq!(grouping.order, vec![1, 0, 2]);
    }

    #[test]
    fn grouping_applies_the_season_filter() {
        let mut laps = vec![lap("HAM", 1, 2, 90.0), lap("HAM", 1, 3, 90.0)];
        laps[1].season = 2020;
        let grouping = group_stints(&laps, &[2020]);
        assert_eq!(grouping.outside_seasons, 1);
        assert_eq!(grouping.stints.len(), 1);
        assert_eq!(grouping.order[grouping.stints[0].clone()], [1]);
    }
}
