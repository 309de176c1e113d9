//! Axis ticks at "nice" values: 1, 2 or 5 times a power of ten.
//!
//! An axis reads well when its ticks are round numbers that cover the data
//! with a little slack, so the range is widened outward to whole steps.
//! Degenerate ranges are common in reports (every residual zero, one
//! sample, a metric that is the same for every model), so a range of zero
//! width is widened around its value rather than producing a division by
//! zero or a single tick.

/// The ticks of one axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lower end of the axis, the first tick.
    pub lo: f64,
    /// Upper end of the axis, the last tick.
    pub hi: f64,
    /// Distance between ticks.
    pub step: f64,
    /// The tick values, from `lo` to `hi`.
    pub values: Vec<f64>,
    /// Decimals in labels, enough to tell neighbouring ticks apart.
    decimals: usize,
    /// Labels use exponent notation (very large or very small steps).
    scientific: bool,
}

/// Most ticks an axis will carry; a guard against absurd ranges.
const MAX_TICKS: usize = 50;

/// Ticks covering `[min, max]` with about `target` ticks.
///
/// The bounds may come in either order. Non-finite bounds give the axis
/// 0 to 1. A zero-width range is widened: by 1 each side around 0, by a
/// tenth of the value each side otherwise.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Ticks {
    let (min, max) = widen(min, max);
    let intervals = target.clamp(2, MAX_TICKS) - 1;
    let step = nice_step((max - min) / intervals as f64);
    build(min, max, step)
}

/// Ticks from 0 to at least `max_count` at whole numbers, for count axes
/// (a tick at 0.5 of a count means nothing).
pub(crate) fn count_ticks(max_count: usize) -> Ticks {
    let max = (max_count.max(1)) as f64;
    let step = nice_step(max / 4.0).max(1.0);
    build(0.0, max, step)
}

impl Ticks {
    /// The label of a tick value, with the axis's precision.
    ///
    /// Values within a millionth of a step of zero are written `0`, so
    /// accumulated rounding never shows as `-0.00` or `1e-17`.
    pub fn label(&self, value: f64) -> String {
        let value = if value.abs() < self.step * 1e-6 {
            0.0
        } else {
            value
        };
        if self.scientific {
            format!("{value:.2e}")
        } else {
            format!("{:.*}", self.decimals, value)
        }
    }

    /// The label of a value between ticks (a bar's height): one decimal
    /// more than the tick labels, so every bar of a chart is written with
    /// the same precision.
    pub(crate) fn value_label(&self, value: f64) -> String {
        if self.scientific {
            format!("{value:.3e}")
        } else {
            // Writes -0.0 as 0.0.
            let value = if value == 0.0 { 0.0 } else { value };
            format!("{:.*}", self.decimals + 1, value)
        }
    }
}

fn widen(min: f64, max: f64) -> (f64, f64) {
    if !min.is_finite() || !max.is_finite() {
        return (0.0, 1.0);
    }
    let (min, max) = if min <= max { (min, max) } else { (max, min) };
    let scale = min.abs().max(max.abs());
    if max - min > scale * 1e-12 {
        (min, max)
    } else if scale == 0.0 {
        (-1.0, 1.0)
    } else {
        (min - scale * 0.1, max + scale * 0.1)
    }
}

/// The smallest of 1, 2, 5 or 10 times a power of ten that is at least
/// `raw`, rounded rather than ceiled so that steps stay close to the
/// target count.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.0 {
        2.0
    } else if fraction < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

fn build(min: f64, max: f64, step: f64) -> Ticks {
    // The slack keeps a bound that is already a whole step (up to rounding)
    // from gaining one more step.
    let first = (min / step + 1e-9).floor();
    let last = (max / step - 1e-9).ceil();
    let count = ((last - first).max(1.0) as usize).min(MAX_TICKS);
    let values: Vec<f64> = (0..=count).map(|i| (first + i as f64) * step).collect();
    let lo = values[0];
    let hi = values[count];

    let magnitude = lo.abs().max(hi.abs());
    let scientific = !(1e-6..1e9).contains(&step) || magnitude >= 1e12;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()).max(0.0) as usize
    };
    Ticks {
        lo,
        hi,
        step,
        values,
        decimals,
        scientific,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &Ticks) -> Vec<String> {
        ticks.values.iter().map(|&v| ticks.label(v)).collect()
    }

    #[test]
    fn round_range_gets_round_ticks() {
        let ticks = nice_ticks(0.0, 10.0, 6);
        assert_eq!(ticks.step, 2.0);
        assert_eq!(labels(&ticks), ["0", "2", "4", "6", "8", "10"]);
    }

    #[test]
    fn awkward_range_is_widened_to_whole_steps() {
        let ticks = nice_ticks(0.13, 0.87, 5);
        assert!(ticks.lo <= 0.13 && ticks.hi >= 0.87);
        assert_eq!(labels(&ticks), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    }

    #[test]
    fn zero_width_range_at_zero_spans_minus_one_to_one() {
        let ticks = nice_ticks(0.0, 0.0, 5);
        assert_eq!((ticks.lo, ticks.hi), (-1.0, 1.0));
        assert!(ticks.values.len() >= 3);
        assert!(labels(&ticks).contains(&"0.0".to_string()));
    }

    #[test]
    fn zero_width_range_away_from_zero_surrounds_the_value() {
        let ticks = nice_ticks(42.0, 42.0, 5);
        assert!(ticks.lo < 42.0 && ticks.hi > 42.0);
        assert!(ticks.values.len() >= 3);
    }

    #[test]
    fn negative_range_keeps_signs_and_has_no_negative_zero() {
        let ticks = nice_ticks(-3.7, 1.2, 6);
        let text = labels(&ticks);
        assert_eq!(text.first().map(String::as_str), Some("-4"));
        assert!(text.contains(&"0".to_string()));
        assert!(!text.iter().any(|l| l == "-0"));
        assert!(ticks.hi >= 1.2);
    }

    #[test]
    fn tiny_scale_labels_keep_enough_decimals() {
        let ticks = nice_ticks(1e-4, 5e-4, 5);
        let text = labels(&ticks);
        assert!((ticks.step - 1e-4).abs() < 1e-12);
        assert_eq!(text, ["0.0001", "0.0002", "0.0003", "0.0004", "0.0005"]);
    }

    #[test]
    fn huge_and_minute_scales_use_exponents() {
        let ticks = nice_ticks(0.0, 3e-9, 4);
        assert!(labels(&ticks).iter().any(|l| l.contains('e')));
        let ticks = nice_ticks(0.0, 5e13, 4);
        assert!(labels(&ticks).iter().any(|l| l.contains('e')));
    }

    #[test]
    fn reversed_and_non_finite_bounds_are_handled() {
        assert_eq!(nice_ticks(10.0, 0.0, 6), nice_ticks(0.0, 10.0, 6));
        let ticks = nice_ticks(f64::NAN, 1.0, 5);
        assert_eq!((ticks.lo, ticks.hi), (0.0, 1.0));
        let ticks = nice_ticks(f64::NEG_INFINITY, f64::INFINITY, 5);
        assert_eq!((ticks.lo, ticks.hi), (0.0, 1.0));
    }

    #[test]
    fn value_labels_have_one_more_decimal_than_ticks() {
        let ticks = nice_ticks(0.0, 0.1, 6);
        assert_eq!(ticks.value_label(0.08), "0.080");
        assert_eq!(ticks.value_label(0.1), "0.100");
        assert_eq!(nice_ticks(0.0, 50.0, 6).value_label(12.34), "12.3");
    }

    #[test]
    fn count_ticks_are_whole_numbers() {
        let ticks = count_ticks(3);
        assert_eq!(ticks.step, 1.0);
        assert_eq!(labels(&ticks), ["0", "1", "2", "3"]);
        let ticks = count_ticks(0);
        assert_eq!(labels(&ticks), ["0", "1"]);
        let ticks = count_ticks(137);
        assert!(ticks.hi >= 137.0 && ticks.step.fract() == 0.0);
    }
}
