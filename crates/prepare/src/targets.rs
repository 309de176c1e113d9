//! The three targets of a stint (SPEC 3): cliff, degradation_rate and
//! usable_life.
//!
//! All three are computed from the stint's clean laps sorted by tire age
//! (x) with the fuel-corrected lap time as y. Laps tied in tire age (a
//! feed that repeats an age) are ordered by lap number, so the order, and
//! with it the cliff scan, never depends on the order of the input file.
//!
//! The cliff is the best split of the sorted laps into two straight lines.
//! Every split with at least `min_left_laps` laps on the left and
//! `min_right_laps` on the right is fitted (two least squares lines whose
//! sums come from one prefix array, so the scan is linear), and the split
//! with the smallest total squared error S2 is kept. The smallest left
//! part wins a tie. "Tie" allows for rounding: two splits whose S2 differ
//! by less than 1e-9 of the one-line error S1 are tied, so that a stint
//! built from two exact lines (where two splits both fit perfectly) gives
//! the same cliff as an implementation that sums in a different order.

use tiredeg_config::{CliffConfig, TrainingConfig, UsableLifeConfig};

use crate::stats::{self, PrefixSums};

/// The best two-line split of a stint, whether or not it is a cliff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CliffFit {
    /// Laps in the left part; the right part starts at this index of the
    /// sorted laps.
    pub left_laps: usize,
    /// Slope of the left line, s/lap.
    pub slope_left: f64,
    /// Slope of the right line, s/lap.
    pub slope_right: f64,
    /// Squared error of the two lines.
    pub two_line_error: f64,
    /// Squared error of one line over all laps.
    pub one_line_error: f64,
    /// Tire age of the first lap of the right part.
    pub cliff_age: f64,
    /// The split passes the three cliff conditions.
    pub is_cliff: bool,
}

/// Relative size of a difference in S2 that still counts as a tie.
const TIE_TOLERANCE: f64 = 1e-9;

/// The best two-line split of laps sorted by tire age `x`, with times `y`;
/// `None` when the stint has fewer than `config.min_laps` laps (or too few
/// for one split).
pub fn best_split(x: &[f64], y: &[f64], config: &CliffConfig) -> Option<CliffFit> {
    let count = x.len().min(y.len());
    if count < config.min_laps || count < config.min_left_laps + config.min_right_laps {
        return None;
    }
    let sums = PrefixSums::new(&x[..count], &y[..count]);
    let one_line = sums.fit(0, count);
    let tolerance = TIE_TOLERANCE * one_line.squared_error;

    let mut best: Option<(usize, f64, f64, f64)> = None;
    for left_laps in config.min_left_laps..=(count - config.min_right_laps) {
        let left = sums.fit(0, left_laps);
        let right = sums.fit(left_laps, count);
        let error = left.squared_error + right.squared_error;
        let better = match best {
            None => true,
            Some((_, best_error, _, _)) => error < best_error - tolerance,
        };
        if better {
            best = Some((left_laps, error, left.slope, right.slope));
        }
    }
    let (left_laps, two_line_error, slope_left, slope_right) = best?;
    let is_cliff = slope_right >= config.min_right_slope
        && slope_right - slope_left >= config.min_slope_increase
        && two_line_error <= config.max_error_ratio * one_line.squared_error;
    Some(CliffFit {
        left_laps,
        slope_left,
        slope_right,
        two_line_error,
        one_line_error: one_line.squared_error,
        cliff_age: x[left_laps],
        is_cliff,
    })
}

/// The degradation rate: the Theil-Sen slope of y on x over the laps with
/// `x < cliff_age` when there is a cliff, else over all laps. NaN when
/// those laps have fewer than two distinct tire ages.
pub fn degradation_rate(
    x: &[f64],
    y: &[f64],
    cliff_age: Option<f64>,
    buffer: &mut Vec<f64>,
) -> f64 {
    match cliff_age {
        Some(age) => {
            // x is sorted, so the laps before the cliff are a prefix.
            let before = x.partition_point(|&v| v < age);
            stats::theil_sen_slope(&x[..before], &y[..before], buffer)
        }
        None => stats::theil_sen_slope(x, y, buffer),
    }
}

/// The usable life: the tire age at which a linear loss from a new tire
/// reaches the loss threshold, capped by the cliff age, clipped to the
/// configured range. A NaN rate gives NaN.
pub fn usable_life(rate: f64, cliff_age: Option<f64>, config: &UsableLifeConfig) -> f64 {
    if rate.is_nan() {
        return f64::NAN;
    }
    let mut life = config.loss_threshold_s / rate.max(config.min_rate);
    if let Some(age) = cliff_age {
        life = life.min(age);
    }
    life.clamp(config.min_laps, config.max_laps)
}

/// The targets of one stint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StintTargets {
    /// s/lap; NaN when the clean laps have fewer than two tire ages.
    pub degradation_rate: f64,
    /// Tire age of the cliff, when there is one.
    pub cliff_age: Option<f64>,
    /// Laps of tire age.
    pub usable_life: f64,
}

/// The targets of a stint from its clean laps, given as (tire age,
/// corrected time, lap number) in any order.
pub fn stint_targets(
    laps: &[(f64, f64, u32)],
    config: &TrainingConfig,
    buffer: &mut Vec<f64>,
) -> StintTargets {
    let mut sorted = laps.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let x: Vec<f64> = sorted.iter().map(|l| l.0).collect();
    let y: Vec<f64> = sorted.iter().map(|l| l.1).collect();

    let cliff_age = best_split(&x, &y, &config.cliff)
        .filter(|fit| fit.is_cliff)
        .map(|fit| fit.cliff_age);
    let degradation_rate = degradation_rate(&x, &y, cliff_age, buffer);
    StintTargets {
        degradation_rate,
        cliff_age,
        usable_life: usable_life(degradation_rate, cliff_age, &config.usable_life),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laps_from(slopes: &[(usize, f64)]) -> Vec<(f64, f64, u32)> {
        // Consecutive segments of (number of laps, slope), joined end to end.
        let mut laps = Vec::new();
        let mut time = 90.0;
        let mut age = 0.0;
        for &(count, slope) in slopes {
            for _ in 0..count {
                age += 1.0;
                time += slope;
                laps.push((age, time, age as u32 + 1));
            }
        }
        laps
    }

    fn xy(laps: &[(f64, f64, u32)]) -> (Vec<f64>, Vec<f64>) {
        (
            laps.iter().map(|l| l.0).collect(),
            laps.iter().map(|l| l.1).collect(),
        )
    }

    #[test]
    fn a_slow_then_fast_wearing_stint_has_a_cliff() {
        let laps = laps_from(&[(10, 0.05), (5, 0.5)]);
        let config = TrainingConfig::default();
        let targets = stint_targets(&laps, &config, &mut Vec::new());

        // Lap 10 (age 10) lies on both lines, so splits after 9 and after
        // 10 laps both fit exactly; the smaller left part wins, and the
        // right part starts at age 10.
        assert_eq!(targets.cliff_age, Some(10.0));
        // Laps with age < 10 lie on the 0.05 line.
        assert!((targets.degradation_rate - 0.05).abs() < 1e-9);
        // 2.0 / 0.05 = 40 laps, capped by the cliff at 10.
        assert_eq!(targets.usable_life, 10.0);

        let (x, y) = xy(&laps);
        let fit = best_split(&x, &y, &config.cliff).unwrap();
        assert_eq!(fit.left_laps, 9);
        assert!((fit.slope_right - 0.5).abs() < 1e-9);
        assert!(fit.two_line_error < 1e-9);
    }

    #[test]
    fn a_noisy_cliff_is_found_where_the_wear_speeds_up() {
        // A jitter that no straight line follows, on top of the two lines.
        let jitter = [
            0.03, -0.02, 0.01, -0.03, 0.02, 0.0, -0.01, 0.02, -0.02, 0.01, 0.03, -0.01, 0.02,
            -0.03, 0.01,
        ];
        let mut laps = laps_from(&[(10, 0.05), (5, 0.6)]);
        for (lap, j) in laps.iter_mut().zip(jitter) {
            lap.1 += j;
        }
        let targets = stint_targets(&laps, &TrainingConfig::default(), &mut Vec::new());
        let age = targets.cliff_age.expect("a cliff");
        assert!((10.0..=11.0).contains(&age), "cliff at {age}");
    }

    #[test]
    fn a_straight_stint_has_no_cliff() {
        let laps = laps_from(&[(20, 0.1)]);
        let targets = stint_targets(&laps, &TrainingConfig::default(), &mut Vec::new());
        assert_eq!(targets.cliff_age, None);
        assert!((targets.degradation_rate - 0.1).abs() < 1e-9);
        assert!((targets.usable_life - 20.0).abs() < 1e-9);
    }

    #[test]
    fn a_falling_then_flat_stint_has_no_cliff() {
        // The right line is flat: the slope rises by 0.5 but stays below
        // the 0.2 s/lap a cliff needs after it.
        let laps = laps_from(&[(8, -0.5), (6, 0.0)]);
        let config = TrainingConfig::default();
        let targets = stint_targets(&laps, &config, &mut Vec::new());
        assert_eq!(targets.cliff_age, None);

        let (x, y) = xy(&laps);
        let fit = best_split(&x, &y, &config.cliff).unwrap();
        assert!(!fit.is_cliff);
        assert!(fit.slope_right.abs() < 1e-9);
    }

    #[test]
    fn fewer_than_eight_clean_laps_have_no_cliff() {
        let laps = laps_from(&[(5, 0.0), (2, 1.0)]);
        let config = TrainingConfig::default();
        let (x, y) = xy(&laps);
        assert_eq!(best_split(&x, &y, &config.cliff), None);
        assert_eq!(
            stint_targets(&laps, &config, &mut Vec::new()).cliff_age,
            None
        );
    }

    #[test]
    fn each_cliff_condition_is_needed() {
        // Flat for 8 laps, then 0.5 s/lap for 4, under a jitter so large
        // that two lines explain only some 30% more than one: the best
        // split has slopes -0.065 and 0.235 and S2 / S1 near 0.70.
        let jitter = [
            0.75, -0.7, 0.6, -0.8, 0.7, -0.65, 0.75, -0.75, 0.65, -0.6, 0.8, -0.7,
        ];
        let mut laps = laps_from(&[(8, 0.0), (4, 0.5)]);
        for (lap, j) in laps.iter_mut().zip(jitter) {
            lap.1 += j;
        }
        let (x, y) = xy(&laps);
        let mut config = TrainingConfig::default().cliff;
        let fit = best_split(&x, &y, &config).unwrap();
        assert_eq!(fit.left_laps, 8);
        assert!(
            (fit.slope_right - 0.235).abs() < 1e-9,
            "{}",
            fit.slope_right
        );
        let ratio = fit.two_line_error / fit.one_line_error;
        assert!((0.69..0.70).contains(&ratio), "{ratio}");
        assert!(!fit.is_cliff, "S2 / S1 is above 0.6");

        config.max_error_ratio = 0.75;
        assert!(best_split(&x, &y, &config).unwrap().is_cliff);

        let steep = CliffConfig {
            min_right_slope: 0.24,
            ..config.clone()
        };
        assert!(!best_split(&x, &y, &steep).unwrap().is_cliff);
        let rise = CliffConfig {
            min_slope_increase: 0.31,
            ..config.clone()
        };
        assert!(!best_split(&x, &y, &rise).unwrap().is_cliff);
    }

    #[test]
    fn laps_tied_in_tire_age_are_ordered_by_lap_number() {
        let config = TrainingConfig::default();
        let mut laps = laps_from(&[(10, 0.05), (5, 0.5)]);
        laps.reverse();
        let reversed = stint_targets(&laps, &config, &mut Vec::new());
        laps.reverse();
        let forward = stint_targets(&laps, &config, &mut Vec::new());
        assert_eq!(reversed, forward);
    }

    #[test]
    fn degradation_rate_uses_only_laps_before_the_cliff() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [0.0, 1.0, 2.0, 6.0];
        assert_eq!(degradation_rate(&x, &y, Some(4.0), &mut Vec::new()), 1.0);
        // All six pairs: 1 1 1 and (1,4) 2, (2,4) 2.5, (3,4) 4 → (1 + 2) / 2.
        assert_eq!(degradation_rate(&x, &y, None, &mut Vec::new()), 1.5);
    }

    #[test]
    fn usable_life_is_clipped_and_capped() {
        let config = UsableLifeConfig::default();
        assert_eq!(usable_life(0.1, None, &config), 20.0);
        // A rate below the floor divides by 0.005: 400 laps, clipped to 80.
        assert_eq!(usable_life(0.001, None, &config), 80.0);
        assert_eq!(usable_life(-0.3, None, &config), 80.0);
        // 2.0 / 5.0 = 0.4 laps, clipped up to 1.
        assert_eq!(usable_life(5.0, None, &config), 1.0);
        assert_eq!(usable_life(0.1, Some(12.0), &config), 12.0);
        assert_eq!(usable_life(0.1, Some(30.0), &config), 20.0);
        assert!(usable_life(f64::NAN, None, &config).is_nan());
    }
}
