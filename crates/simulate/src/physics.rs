//! The numbers of the lap time model, and the pure functions built on them.
//!
//! Everything the crate docs promise about the physics lives here as a
//! named constant, so the documentation and the code can be compared line
//! by line. Random draws happen elsewhere; these functions only combine
//! ratings and draws into rates, ages and seconds.

use tiredeg_laps::Compound;

/// Fuel burnt per lap is worth this much lap time; it is the same figure
/// the preparation step corrects with, so fuel correction is exact.
pub const FUEL_EFFECT_S_PER_LAP: f64 = 0.055;

/// Race distance: the race has the fewest laps that exceed it.
pub const RACE_DISTANCE_KM: f64 = 305.0;

/// Track evolution within a race, per lap and per point of the
/// `track_evolution` rating (rubber laid down makes laps faster).
pub const EVOLUTION_S_PER_LAP_PER_POINT: f64 = 0.002;

/// Improvement from one season to the next: a fixed part (car
/// development) plus a part per point of the `track_evolution` rating.
pub const SEASON_GAIN_S: f64 = 0.15;
/// See [`SEASON_GAIN_S`].
pub const SEASON_GAIN_S_PER_POINT: f64 = 0.05;

/// Tire wear per lap of tire age before any scaling, in seconds per lap.
pub fn base_wear_rate(compound: Compound) -> f64 {
    match compound {
        Compound::Soft => 0.080,
        Compound::Medium => 0.050,
        Compound::Hard => 0.030,
        Compound::Intermediate => 0.040,
        Compound::Wet => 0.025,
        Compound::Unknown => 0.050,
    }
}

/// Pace of a new set relative to a new SOFT, in seconds (slicks only;
/// wet tires are handled by [`condition_factor`]).
pub fn compound_pace_offset(compound: Compound) -> f64 {
    match compound {
        Compound::Soft => 0.0,
        Compound::Medium => 0.45,
        Compound::Hard => 0.90,
        _ => 0.0,
    }
}

/// Tire age at which a new set of the compound would reach its cliff on
/// a track of average severity; wet tires have no cliff.
pub fn base_cliff_age(compound: Compound) -> Option<f64> {
    match compound {
        Compound::Soft => Some(22.0),
        Compound::Medium => Some(33.0),
        Compound::Hard => Some(46.0),
        _ => None,
    }
}

/// Log-normal spread of the wear rate between stints (set to set,
/// driving style on the day).
pub const WEAR_SPREAD_SIGMA: f64 = 0.15;
/// Log-normal spread of the cliff age between stints.
pub const CLIFF_SPREAD_SIGMA: f64 = 0.12;
/// How strongly severity brings the cliff forward: `cliff = base /
/// severity^CLIFF_SEVERITY_EXPONENT`.
pub const CLIFF_SEVERITY_EXPONENT: f64 = 0.75;
/// No cliff comes before this tire age.
pub const MIN_CLIFF_AGE: u32 = 6;
/// Extra loss per lap past the cliff, drawn uniformly in this range.
pub const CLIFF_SLOPE_RANGE: (f64, f64) = (0.3, 0.8);

/// How much faster than average a track and its conditions wear a tire:
/// the product of one factor per influence, 1 on an average track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Severity {
    /// `1 + 0.12 * (asphalt_abrasion - 3)`.
    pub abrasion: f64,
    /// `1 + 0.10 * (tyre_stress - 3)`.
    pub tyre_stress: f64,
    /// `exp(0.015 * (track_temp_c - 35))`: hotter tracks wear faster.
    pub temperature: f64,
    /// `1 + 0.06 * (aggression - 3)`.
    pub aggression: f64,
    /// `1 + 0.10 * selection_step`: the same relative compound is softer
    /// in absolute terms when the event brings C3-C5 (+1) than C1-C3 (-1).
    pub selection: f64,
}

impl Severity {
    /// Combines ratings on 1-5 scales, a track temperature in Celsius and
    /// the compound selection step (-1, 0 or +1).
    pub fn new(
        asphalt_abrasion: f64,
        tyre_stress: f64,
        track_temp_c: f64,
        aggression: f64,
        selection_step: i32,
    ) -> Severity {
        Severity {
            abrasion: 1.0 + 0.12 * (asphalt_abrasion - 3.0),
            tyre_stress: 1.0 + 0.10 * (tyre_stress - 3.0),
            temperature: (0.015 * (track_temp_c - 35.0)).exp(),
            aggression: 1.0 + 0.06 * (aggression - 3.0),
            selection: 1.0 + 0.10 * f64::from(selection_step),
        }
    }

    /// The product of all factors.
    pub fn total(&self) -> f64 {
        self.abrasion * self.tyre_stress * self.temperature * self.aggression * self.selection
    }

    /// Mean wear rate of the compound, before the per-stint spread.
    pub fn wear_rate(&self, compound: Compound) -> f64 {
        base_wear_rate(compound) * self.total()
    }

    /// Mean cliff age of the compound, before the per-stint spread.
    pub fn cliff_age(&self, compound: Compound) -> Option<f64> {
        base_cliff_age(compound).map(|age| age / self.total().powf(CLIFF_SEVERITY_EXPONENT))
    }
}

/// Lap time noise of a driver: `0.35 + 0.08 * (5 - consistency)` seconds,
/// so from 0.35 s (consistency 5) to 0.67 s (consistency 1).
pub fn noise_sigma(consistency: f64) -> f64 {
    0.35 + 0.08 * (5.0 - consistency)
}

/// The state of the track surface on one lap of a wet event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Dry: slicks are fastest.
    Dry,
    /// Damp or light rain: INTERMEDIATE is fastest.
    Damp,
    /// Standing water: WET is fastest.
    Wet,
}

impl Condition {
    /// The tire a driver fits for this condition (slicks are planned
    /// separately).
    pub fn wet_tire(self) -> Option<Compound> {
        match self {
            Condition::Dry => None,
            Condition::Damp => Some(Compound::Intermediate),
            Condition::Wet => Some(Compound::Wet),
        }
    }
}

/// Lap time multiplier of a tire on a surface condition.
pub fn condition_factor(condition: Condition, compound: Compound) -> f64 {
    let slick = !compound.is_wet();
    match (condition, slick, compound) {
        (Condition::Dry, true, _) => 1.0,
        (Condition::Dry, false, Compound::Intermediate) => 1.07,
        (Condition::Dry, false, _) => 1.12,
        (Condition::Damp, true, _) => 1.14,
        (Condition::Damp, false, Compound::Intermediate) => 1.08,
        (Condition::Damp, false, _) => 1.11,
        (Condition::Wet, true, _) => 1.25,
        (Condition::Wet, false, Compound::Intermediate) => 1.16,
        (Condition::Wet, false, _) => 1.13,
    }
}

/// Extra time of slicks on a drying track, `laps_dry` laps after the rain
/// stopped: 3 s, decaying with a time constant of 4 laps.
pub fn drying_penalty(laps_dry: u32) -> f64 {
    3.0 * (-f64::from(laps_dry) / 4.0).exp()
}

/// The usable life the preparation step would compute from a rate and a
/// cliff age (SPEC 3): 2 s of linear loss, or the cliff if sooner, within
/// 1 to 80 laps.
pub fn usable_life(degradation_rate: f64, cliff_age: Option<u32>) -> f64 {
    let linear = 2.0 / degradation_rate.max(0.005);
    let life = match cliff_age {
        Some(age) => linear.min(f64::from(age)),
        None => linear,
    };
    life.clamp(1.0, 80.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softer_compounds_wear_faster_and_reach_the_cliff_sooner() {
        let severity = Severity::new(3.0, 3.0, 35.0, 3.0, 0);
        assert!((severity.total() - 1.0).abs() < 1e-12);
        let soft = severity.wear_rate(Compound::Soft);
        let medium = severity.wear_rate(Compound::Medium);
        let hard = severity.wear_rate(Compound::Hard);
        assert!(soft > medium && medium > hard, "{soft} {medium} {hard}");
        let cliff = |c| severity.cliff_age(c).unwrap_or(f64::NAN);
        assert!(cliff(Compound::Soft) < cliff(Compound::Medium));
        assert!(cliff(Compound::Medium) < cliff(Compound::Hard));
        assert_eq!(severity.cliff_age(Compound::Wet), None);
    }

    #[test]
    fn heat_and_abrasion_raise_wear_and_bring_the_cliff_forward() {
        let mild = Severity::new(2.0, 2.0, 25.0, 3.0, 0);
        let harsh = Severity::new(5.0, 4.0, 50.0, 3.0, 0);
        assert!(harsh.wear_rate(Compound::Medium) > 1.5 * mild.wear_rate(Compound::Medium));
        let mild_cliff = mild.cliff_age(Compound::Medium).unwrap_or(0.0);
        let harsh_cliff = harsh.cliff_age(Compound::Medium).unwrap_or(f64::MAX);
        assert!(harsh_cliff < mild_cliff, "{harsh_cliff} {mild_cliff}");
    }

    #[test]
    fn usable_life_follows_the_spec_formula() {
        assert_eq!(usable_life(0.05, None), 40.0);
        assert_eq!(usable_life(0.05, Some(25)), 25.0);
        assert_eq!(usable_life(0.0, None), 80.0);
        assert_eq!(usable_life(5.0, None), 1.0);
    }

    #[test]
    fn the_fastest_tire_matches_the_condition() {
        for condition in [Condition::Dry, Condition::Damp, Condition::Wet] {
            let best = [Compound::Soft, Compound::Intermediate, Compound::Wet]
                .into_iter()
                .min_by(|a, b| {
                    condition_factor(condition, *a).total_cmp(&condition_factor(condition, *b))
                });
            let expected = condition.wet_tire().unwrap_or(Compound::Soft);
            assert_eq!(best, Some(expected), "{condition:?}");
        }
    }

    #[test]
    fn noise_is_never_below_a_third_of_a_second() {
        for consistency in [1.0, 3.0, 5.0] {
            assert!(noise_sigma(consistency) >= 0.3);
        }
        assert!((noise_sigma(3.0) - 0.51).abs() < 1e-12);
    }
}
