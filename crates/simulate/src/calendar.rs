//! Which events are run: seasons, rounds, tracks, dates and compounds.
//!
//! The number of events follows from the number of stints asked for, and
//! the events are spread evenly over the seasons. A season with more
//! rounds than tracks visits its tracks again (a second visit is named
//! "... Grand Prix 2"), which is how a million laps fit in five seasons.
//!
//! Dates are a pure function of season, round and the season's number of
//! rounds: weekly from the first Sunday of March while a season fits in 39
//! weeks, else spread evenly over March to November. So `(season, round)`
//! order and date order never disagree.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::world::World;

/// Expected stints per driver and event under the strategy model (about
/// 1.5 stops a race, a few wet stints, a few retirements). It only sizes
/// the calendar; it was measured on large simulations.
pub const STINTS_PER_DRIVER: f64 = 2.5;

/// One event to simulate.
#[derive(Debug, Clone)]
pub struct EventPlan {
    /// Championship year.
    pub season: i32,
    /// Position of the season in the configuration, from 0.
    pub season_index: usize,
    /// Round within the season, from 1.
    pub round: u32,
    /// Index into [`World::tracks`].
    pub track: usize,
    /// Event name.
    pub name: String,
    /// Race day.
    pub date: Option<NaiveDate>,
    /// -1 for C1-C3, 0 for C2-C4, +1 for C3-C5.
    pub selection_step: i32,
    /// Position of the event in the whole simulation, from 0; it names the
    /// event's random stream.
    pub index: u64,
}

impl EventPlan {
    /// The absolute compound of a slick at this event (`C1`..`C5`).
    pub fn compound_code(&self, compound: tiredeg_laps::Compound) -> Option<String> {
        use tiredeg_laps::Compound;
        let hardest = 2 + self.selection_step;
        let code = match compound {
            Compound::Hard => hardest,
            Compound::Medium => hardest + 1,
            Compound::Soft => hardest + 2,
            _ => return None,
        };
        Some(format!("C{code}"))
    }
}

/// How many events give about `stints` stints with `drivers` drivers.
pub fn event_count(stints: usize, drivers: usize) -> usize {
    if stints == 0 || drivers == 0 {
        return 0;
    }
    let per_event = drivers as f64 * STINTS_PER_DRIVER;
    ((stints as f64 / per_event).round() as usize).max(1)
}

/// Race day of `round` in a season of `rounds` rounds.
pub fn event_date(season: i32, round: u32, rounds: u32) -> Option<NaiveDate> {
    let march_first = NaiveDate::from_ymd_opt(season, 3, 1)?;
    let to_sunday = (7 - march_first.weekday().num_days_from_sunday()) % 7;
    let first_sunday = march_first + Duration::days(i64::from(to_sunday));
    let step = u64::from(round.saturating_sub(1));
    let offset = if rounds <= 39 {
        7 * step
    } else {
        step * 273 / u64::from(rounds)
    };
    let date = first_sunday + Duration::days(i64::try_from(offset).ok()?);
    debug_assert!(rounds > 39 || date.weekday() == Weekday::Sun);
    Some(date)
}

/// The Pirelli selection for a track: harder for abrasive, high-stress
/// circuits, with one season in five shifted by a step either way.
fn selection_step(rng: &mut ChaCha8Rng, abrasion: f64, tyre_stress: f64) -> i32 {
    let score = abrasion + tyre_stress;
    let step: i32 = if score >= 8.0 {
        -1
    } else if score <= 4.0 {
        1
    } else {
        0
    };
    if rng.random_bool(0.2) {
        let shift = if rng.random_bool(0.5) { 1 } else { -1 };
        (step + shift).clamp(-1, 1)
    } else {
        step
    }
}

/// The events of every season. `season_rng` gives each season's random
/// stream (calendar order, compound selections).
pub fn plan_events(
    world: &World,
    seasons: &[i32],
    events: usize,
    mut season_rng: impl FnMut(usize) -> ChaCha8Rng,
) -> Vec<EventPlan> {
    let mut plans = Vec::with_capacity(events);
    if seasons.is_empty() || world.tracks.is_empty() {
        return plans;
    }
    let per_season = events / seasons.len();
    let extra = events % seasons.len();

    for (season_index, &season) in seasons.iter().enumerate() {
        let rounds = per_season + usize::from(season_index < extra);
        let mut rng = season_rng(season_index);
        let mut order: Vec<usize> = (0..world.tracks.len()).collect();
        order.shuffle(&mut rng);
        let steps: Vec<i32> = world
            .tracks
            .iter()
            .map(|t| selection_step(&mut rng, t.asphalt_abrasion, t.tyre_stress))
            .collect();

        let rounds_u32 = u32::try_from(rounds).unwrap_or(u32::MAX);
        for slot in 0..rounds {
            let track = order[slot % order.len()];
            let visit = slot / order.len() + 1;
            let base = format!("{} Grand Prix", world.tracks[track].name);
            let name = if visit == 1 {
                base
            } else {
                format!("{base} {visit}")
            };
            let round = u32::try_from(slot + 1).unwrap_or(u32::MAX);
            plans.push(EventPlan {
                season,
                season_index,
                round,
                track,
                name,
                date: event_date(season, round, rounds_u32),
                selection_step: steps[track],
                index: plans.len() as u64,
            });
        }
    }
    plans
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use tiredeg_laps::Compound;

    use super::*;

    #[test]
    fn dates_rise_with_round_and_stay_in_the_season() {
        for rounds in [5, 22, 39, 40, 170, 400] {
            let mut last = None;
            for round in 1..=rounds {
                let date = event_date(2021, round, rounds);
                assert!(date.is_some());
                assert!(date >= last, "round {round} of {rounds}");
                assert_eq!(date.map(|d| d.year()), Some(2021));
                last = date;
            }
        }
        let first = event_date(2023, 1, 20);
        assert_eq!(first, NaiveDate::from_ymd_opt(2023, 3, 5));
    }

    #[test]
    fn events_spread_over_seasons_and_tracks_repeat_with_new_names() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let world = World::draw(&mut rng, 4, 4);
        let plans = plan_events(&world, &[2020, 2021], 11, |i| {
            ChaCha8Rng::seed_from_u64(100 + i as u64)
        });
        assert_eq!(plans.len(), 11);
        assert_eq!(plans.iter().filter(|p| p.season == 2020).count(), 6);
        let names: std::collections::BTreeSet<_> = plans
            .iter()
            .filter(|p| p.season == 2020)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names.len(), 6, "{names:?}");
        assert!(plans.iter().any(|p| p.name.ends_with("Grand Prix 2")));
        for (i, plan) in plans.iter().enumerate() {
            assert_eq!(plan.index, i as u64);
        }
    }

    #[test]
    fn compound_codes_are_three_consecutive_steps() {
        for step in -1..=1 {
            let plan = EventPlan {
                season: 2020,
                season_index: 0,
                round: 1,
                track: 0,
                name: String::new(),
                date: None,
                selection_step: step,
                index: 0,
            };
            let number = |c| {
                plan.compound_code(c)
                    .and_then(|code| tiredeg_laps::compound_code_number(&code))
            };
            let hard = number(Compound::Hard).unwrap_or(0);
            assert_eq!(number(Compound::Medium), Some(hard + 1));
            assert_eq!(number(Compound::Soft), Some(hard + 2));
            assert!((1..=3).contains(&hard));
            assert_eq!(plan.compound_code(Compound::Wet), None);
        }
    }

    #[test]
    fn event_count_matches_the_stint_estimate() {
        assert_eq!(event_count(0, 20), 0);
        assert_eq!(event_count(1, 20), 1);
        let events = event_count(30_000, 20);
        let expected = 30_000.0 / (20.0 * STINTS_PER_DRIVER);
        assert!((events as f64 - expected).abs() <= 1.0);
    }
}
