//! Race strategies: which sets a driver runs, and for how many laps.
//!
//! A strategy engineer plans against the tire's usable life, not against
//! a fixed lap count, so the planner works from the mean cliff age of each
//! compound at the event. A driver takes the fewest stops (at least one in
//! a dry race, which must use two compounds; a fifth of drivers take one
//! more, 3% two more; never more than three) for which some compound
//! sequence keeps every stint within `push` times its usable life, where
//! `push` is drawn per driver in 0.85-1.05. Stint lengths are shared in
//! proportion to each set's remaining life, with a ±15% jitter. Because
//! the stint's own cliff varies around the mean, some stints run past it.
//!
//! Sets: the first slick set of a dry race is used in half the cases (2-5
//! laps from qualifying), later slick sets in 15% (1-4 laps). Wet tires
//! are always new.
//!
//! In a wet event each change of surface condition makes the driver pit
//! 0-3 laps after the change for the matching tire; the dry parts are
//! planned as above, without the two-compound rule.
//!
//! A planned stop within 6 laps after, or 3 laps before, the start of a
//! safety car (70% of drivers) or virtual safety car (40%) is moved to it,
//! since a stop under caution costs less.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use tiredeg_laps::Compound;

use crate::physics::Condition;

/// One stint of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedStint {
    /// Tire of the stint.
    pub compound: Compound,
    /// Race lap of the first lap (the pit-out lap after a stop).
    pub first_lap: u32,
    /// Race lap of the last lap (the pit-in lap unless the race ends).
    pub last_lap: u32,
    /// Laps the set had run before the stint; 0 for a new set.
    pub used_age: u32,
}

/// A safety car or virtual safety car period, for stop timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caution {
    /// First lap under caution.
    pub first_lap: u32,
    /// A full safety car (true) or a virtual one.
    pub full: bool,
}

const MAX_STOPS: usize = 3;

/// A set of tires a plan would fit.
#[derive(Debug, Clone, Copy)]
struct Set {
    compound: Compound,
    used_age: u32,
    /// Mean cliff age less the laps already on the set.
    remaining_life: f64,
}

fn draw_compound(rng: &mut ChaCha8Rng, first: bool) -> Compound {
    let (soft, medium) = if first { (0.4, 0.9) } else { (0.2, 0.55) };
    let u: f64 = rng.random();
    if u < soft {
        Compound::Soft
    } else if u < medium {
        Compound::Medium
    } else {
        Compound::Hard
    }
}

fn draw_used_age(rng: &mut ChaCha8Rng, first: bool) -> u32 {
    if first && rng.random_bool(0.5) {
        rng.random_range(2..=5)
    } else if !first && rng.random_bool(0.15) {
        rng.random_range(1..=4)
    } else {
        0
    }
}

/// Plans `laps` laps of slicks from `first_lap`, as (compound, first lap,
/// last lap, used age) stints. `life` is the mean cliff age of a compound.
fn plan_dry(
    rng: &mut ChaCha8Rng,
    first_lap: u32,
    laps: u32,
    two_compounds: bool,
    starts_race: bool,
    life: &dyn Fn(Compound) -> f64,
) -> Vec<PlannedStint> {
    let push = rng.random_range(0.85..1.05);
    let min_stops = usize::from(two_compounds);
    let mut stops = min_stops;
    if rng.random_bool(0.2) {
        stops += 1;
        if rng.random_bool(0.15) {
            stops += 1;
        }
    }
    let stops = stops.min(MAX_STOPS);

    let mut best: Option<(f64, Vec<Set>)> = None;
    'search: for stops in stops..=MAX_STOPS.max(stops) {
        for _ in 0..12 {
            let sets: Vec<Set> = (0..=stops)
                .map(|i| {
                    let compound = draw_compound(rng, i == 0);
                    let used_age = draw_used_age(rng, i == 0 && starts_race);
                    Set {
                        compound,
                        used_age,
                        remaining_life: (life(compound) - f64::from(used_age)).max(3.0),
                    }
                })
                .collect();
            if two_compounds && sets.iter().all(|s| s.compound == sets[0].compound) {
                continue;
            }
            let capacity: f64 = sets.iter().map(|s| s.remaining_life).sum();
            let ratio = f64::from(laps) / capacity;
            if best.as_ref().is_none_or(|(r, _)| ratio < *r) {
                best = Some((ratio, sets));
            }
            if ratio <= push {
                break 'search;
            }
        }
    }
    let Some((_, sets)) = best else {
        return vec![PlannedStint {
            compound: Compound::Medium,
            first_lap,
            last_lap: first_lap + laps.saturating_sub(1),
            used_age: 0,
        }];
    };
    split_laps(rng, first_lap, laps, &sets)
}

/// Shares `laps` among the sets in proportion to their remaining life.
fn split_laps(rng: &mut ChaCha8Rng, first_lap: u32, laps: u32, sets: &[Set]) -> Vec<PlannedStint> {
    // Every stint needs two laps (out and in), so a plan longer than the
    // segment allows is cut to fewer sets.
    let count = sets.len().min((laps / 2).max(1) as usize);
    let sets = &sets[..count];
    let weights: Vec<f64> = sets
        .iter()
        .map(|s| s.remaining_life * rng.random_range(0.85..1.15))
        .collect();
    let total: f64 = weights.iter().sum();

    let mut stints = Vec::with_capacity(count);
    let mut next = first_lap;
    let end = first_lap + laps - 1;
    let mut share = 0.0;
    for (i, (set, weight)) in sets.iter().zip(&weights).enumerate() {
        share += weight / total;
        let sets_after = (count - i - 1) as u32;
        let last = if sets_after == 0 {
            end
        } else {
            let target = first_lap - 1 + (share * f64::from(laps)).round() as u32;
            target.clamp(next + 1, end - 2 * sets_after)
        };
        stints.push(PlannedStint {
            compound: set.compound,
            first_lap: next,
            last_lap: last,
            used_age: set.used_age,
        });
        next = last + 1;
    }
    stints
}

/// The surface condition segments of a race: (first lap, last lap,
/// condition), from one condition per lap.
fn segments(conditions: &[Condition]) -> Vec<(u32, u32, Condition)> {
    let mut segments: Vec<(u32, u32, Condition)> = Vec::new();
    for (i, &condition) in conditions.iter().enumerate() {
        let lap = i as u32 + 1;
        match segments.last_mut() {
            Some(last) if last.2 == condition => last.1 = lap,
            _ => segments.push((lap, lap, condition)),
        }
    }
    segments
}

/// Plans one driver's race of `conditions.len()` laps.
pub fn plan_race(
    rng: &mut ChaCha8Rng,
    conditions: &[Condition],
    life: &dyn Fn(Compound) -> f64,
) -> Vec<PlannedStint> {
    let race_laps = conditions.len() as u32;
    let segments = segments(conditions);
    if segments.len() <= 1 && conditions.first() == Some(&Condition::Dry) {
        return plan_dry(rng, 1, race_laps, true, true, life);
    }

    // The driver reacts to each change of condition after a lag; a change
    // that would come before the previous one is skipped.
    let mut parts: Vec<(u32, Condition)> = Vec::new();
    for (first, _, condition) in segments {
        let start = if first == 1 {
            1
        } else {
            (first + rng.random_range(0..=3)).min(race_laps)
        };
        match parts.last() {
            Some(&(previous, _)) if start <= previous + 1 => {}
            _ => parts.push((start, condition)),
        }
    }

    let mut stints = Vec::new();
    for (i, &(start, condition)) in parts.iter().enumerate() {
        let end = parts.get(i + 1).map_or(race_laps, |next| next.0 - 1);
        match condition.wet_tire() {
            Some(compound) => stints.push(PlannedStint {
                compound,
                first_lap: start,
                last_lap: end,
                used_age: 0,
            }),
            None => stints.extend(plan_dry(
                rng,
                start,
                end - start + 1,
                false,
                start == 1,
                life,
            )),
        }
    }
    stints
}

/// Moves planned stops into caution periods, as described in the module
/// docs. Stints keep at least two laps.
pub fn move_stops_to_cautions(
    rng: &mut ChaCha8Rng,
    stints: &mut [PlannedStint],
    cautions: &[Caution],
) {
    for i in 0..stints.len().saturating_sub(1) {
        let planned = stints[i].last_lap;
        for caution in cautions {
            let pit = caution.first_lap;
            let in_window = pit + 6 >= planned && pit <= planned + 3;
            if !in_window || pit == planned {
                continue;
            }
            let long_enough = pit > stints[i].first_lap && pit + 2 <= stints[i + 1].last_lap;
            let takes = rng.random_bool(if caution.full { 0.7 } else { 0.4 });
            if long_enough && takes {
                stints[i].last_lap = pit;
                stints[i + 1].first_lap = pit + 1;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn life(compound: Compound) -> f64 {
        match compound {
            Compound::Soft => 20.0,
            Compound::Medium => 30.0,
            _ => 42.0,
        }
    }

    fn assert_covers(stints: &[PlannedStint], laps: u32) {
        assert_eq!(stints.first().map(|s| s.first_lap), Some(1));
        assert_eq!(stints.last().map(|s| s.last_lap), Some(laps));
        for pair in stints.windows(2) {
            assert_eq!(pair[1].first_lap, pair[0].last_lap + 1, "{stints:?}");
        }
        for stint in stints {
            assert!(stint.last_lap > stint.first_lap, "{stints:?}");
        }
    }

    #[test]
    fn dry_plans_cover_the_race_with_one_to_three_stops_and_two_compounds() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let conditions = vec![Condition::Dry; 58];
        let mut stops = [0usize; 4];
        for _ in 0..500 {
            let stints = plan_race(&mut rng, &conditions, &life);
            assert_covers(&stints, 58);
            assert!((2..=4).contains(&stints.len()), "{stints:?}");
            assert!(stints.iter().any(|s| s.compound != stints[0].compound));
            stops[stints.len() - 1] += 1;
        }
        assert!(stops[1] > stops[2] && stops[2] > stops[3], "{stops:?}");
        assert!(stops[3] > 0, "{stops:?}");
    }

    #[test]
    fn stints_stay_near_their_usable_life() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let conditions = vec![Condition::Dry; 70];
        for _ in 0..300 {
            for stint in plan_race(&mut rng, &conditions, &life) {
                let age = stint.used_age + stint.last_lap - stint.first_lap + 1;
                assert!(f64::from(age) <= 1.35 * life(stint.compound), "{stint:?}");
            }
        }
    }

    #[test]
    fn wet_plans_fit_the_tire_to_the_condition() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut conditions = vec![Condition::Wet; 5];
        conditions.extend(vec![Condition::Damp; 10]);
        conditions.extend(vec![Condition::Dry; 45]);
        for _ in 0..100 {
            let stints = plan_race(&mut rng, &conditions, &life);
            assert_covers(&stints, 60);
            assert_eq!(stints[0].compound, Compound::Wet);
            assert!(stints.iter().any(|s| s.compound == Compound::Intermediate));
            assert!(!stints[stints.len() - 1].compound.is_wet());
        }
    }

    #[test]
    fn stops_move_into_a_safety_car() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let conditions = vec![Condition::Dry; 60];
        let mut moved = 0;
        for _ in 0..200 {
            let mut stints = plan_race(&mut rng, &conditions, &life);
            let pit = stints[0].last_lap + 2;
            let cautions = [Caution {
                first_lap: pit,
                full: true,
            }];
            move_stops_to_cautions(&mut rng, &mut stints, &cautions);
            assert_covers(&stints, 60);
            moved += usize::from(stints.iter().any(|s| s.last_lap == pit));
        }
        assert!((100..=180).contains(&moved), "{moved}");
    }
}
