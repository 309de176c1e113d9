//! Track status lap by lap: green, yellow, safety car, virtual safety car.
//!
//! Status is an event-wide fact (race control sets it for everybody), so
//! it is drawn once per event. Codes follow the FastF1 convention: "1"
//! green, "2" yellow, "4" safety car, "6" virtual safety car deployed, "7"
//! virtual safety car ending; a lap sees every code that was shown during
//! it, in order.
//!
//! Per event: a safety car with probability 0.45 (0.70 when wet), a second
//! one with 0.3 after that, each 3-6 laps; a virtual safety car with 0.3,
//! 2-3 laps; 0-3 single yellow laps. A full caution lap is 30-40% slower
//! (the factor is drawn per period); the lap on which it starts or ends is
//! half that.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::strategy::Caution;

/// The track status of one lap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LapStatus {
    /// The FastF1 status code string.
    pub code: &'static str,
    /// Lap time multiplier (1 for green and yellow).
    pub factor: f64,
    /// A yellow flag: a few tenths lost at the incident.
    pub yellow: bool,
}

impl LapStatus {
    const GREEN: LapStatus = LapStatus {
        code: "1",
        factor: 1.0,
        yellow: false,
    };

    /// The lap is run under a safety car or virtual safety car.
    pub fn is_caution(&self) -> bool {
        self.factor > 1.0
    }
}

/// The status of every lap of an event, and its caution periods.
#[derive(Debug, Clone)]
pub struct EventStatus {
    /// One entry per race lap, lap 1 first.
    pub laps: Vec<LapStatus>,
    /// The caution periods, in lap order.
    pub cautions: Vec<Caution>,
}

/// Places a caution of `length` laps on green laps 2..race_laps-1 with a
/// green lap either side; returns its first lap, or `None` when the draw
/// overlaps another.
fn place(rng: &mut ChaCha8Rng, laps: &[LapStatus], length: u32) -> Option<u32> {
    let race_laps = laps.len() as u32;
    if race_laps < length + 4 {
        return None;
    }
    let first = rng.random_range(2..=race_laps - length - 1);
    // Zero-based indices of the laps before and after the period.
    let before = (first - 2) as usize;
    let after = ((first + length - 1) as usize).min(laps.len() - 1);
    let free = laps[before..=after].iter().all(|s| *s == LapStatus::GREEN);
    free.then_some(first)
}

fn mark(laps: &mut [LapStatus], first: u32, length: u32, factor: f64, codes: [&'static str; 3]) {
    let partial = 1.0 + 0.5 * (factor - 1.0);
    for offset in 0..length {
        let (code, factor) = if offset == 0 {
            (codes[0], partial)
        } else if offset + 1 == length {
            (codes[2], partial)
        } else {
            (codes[1], factor)
        };
        laps[(first - 1 + offset) as usize] = LapStatus {
            code,
            factor,
            yellow: false,
        };
    }
}

/// Draws the track status of a race of `race_laps` laps.
pub fn draw(rng: &mut ChaCha8Rng, race_laps: u32, wet: bool) -> EventStatus {
    let mut laps = vec![LapStatus::GREEN; race_laps as usize];
    let mut cautions = Vec::new();

    let mut safety_cars = 0;
    if rng.random_bool(if wet { 0.70 } else { 0.45 }) {
        safety_cars = 1 + usize::from(rng.random_bool(0.3));
    }
    for _ in 0..safety_cars {
        let length = rng.random_range(3..=6);
        let factor = rng.random_range(1.30..1.40);
        if let Some(first) = place(rng, &laps, length) {
            mark(&mut laps, first, length, factor, ["14", "4", "41"]);
            cautions.push(Caution {
                first_lap: first,
                full: true,
            });
        }
    }
    if rng.random_bool(0.3) {
        let length = rng.random_range(2..=3);
        let factor = rng.random_range(1.30..1.40);
        if let Some(first) = place(rng, &laps, length) {
            mark(&mut laps, first, length, factor, ["16", "6", "671"]);
            cautions.push(Caution {
                first_lap: first,
                full: false,
            });
        }
    }
    for _ in 0..rng.random_range(0..=3) {
        let lap = rng.random_range(2..=race_laps.max(2)) as usize - 1;
        if let Some(status) = laps.get_mut(lap).filter(|s| **s == LapStatus::GREEN) {
            *status = LapStatus {
                code: "12",
                factor: 1.0,
                yellow: true,
            };
        }
    }

    cautions.sort_by_key(|c| c.first_lap);
    EventStatus { laps, cautions }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn cautions_are_marked_with_their_codes_and_slow_the_lap() {
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let mut caution_laps = 0usize;
        let mut events_with_safety_car = 0usize;
        let events = 2_000;
        for _ in 0..events {
            let status = draw(&mut rng, 60, false);
            assert_eq!(status.laps.len(), 60);
            assert_eq!(status.laps[0].code, "1", "lap 1 is never under caution");
            for caution in &status.cautions {
                let lap = &status.laps[(caution.first_lap - 1) as usize];
                assert_eq!(lap.code, if caution.full { "14" } else { "16" });
            }
            for lap in &status.laps {
                if lap.is_caution() {
                    assert!((1.15..1.40).contains(&lap.factor), "{lap:?}");
                    assert!(lap.code.contains('4') || lap.code.contains('6'));
                }
            }
            caution_laps += status.laps.iter().filter(|l| l.is_caution()).count();
            events_with_safety_car += usize::from(status.cautions.iter().any(|c| c.full));
        }
        let share = events_with_safety_car as f64 / events as f64;
        assert!((0.40..0.50).contains(&share), "{share}");
        // 0.45 * 1.3 * 4.5 + 0.3 * 2.5 laps of 60, a little less for
        // overlapping draws that are dropped.
        let lap_share = caution_laps as f64 / (events * 60) as f64;
        assert!((0.04..0.07).contains(&lap_share), "{lap_share}");
    }
}
