//! Weather of one event, lap by lap.
//!
//! An event's air temperature is its track's climate plus a normal day to
//! day spread of 3 °C; the track is 5 to 20 °C warmer in the sun. During
//! the race both drift: a linear trend of -5 to +3 °C on the track (air 40%
//! of that) over the race plus a small random walk (0.08 °C a lap), and
//! humidity wanders by up to a few percent.
//!
//! A wet event has one rain spell, either from the start (half of wet
//! events) or from somewhere in the middle. A spell is damp
//! (INTERMEDIATE weather) and in a third of spells starts with a heavy part
//! (WET weather). Rain falls on the heavy laps and on the first 70% of the
//! damp laps; the rest dry out. While it rains the track is only 1 to 4 °C
//! above the air, 2 °C cooler, and humidity is 88-97%.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::physics::Condition;
use crate::world::round_to;

/// The weather on one lap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LapWeather {
    /// Air temperature, Celsius (one decimal).
    pub air_c: f64,
    /// Track temperature, Celsius (one decimal).
    pub track_c: f64,
    /// Relative humidity, percent (one decimal).
    pub humidity_pct: f64,
    /// Rain fell on this lap.
    pub rainfall: bool,
    /// State of the surface.
    pub condition: Condition,
    /// Laps since the surface last was damp or wet, when it ever was.
    pub laps_dry: Option<u32>,
}

/// The weather of every lap of one event.
#[derive(Debug, Clone)]
pub struct EventWeather {
    /// One entry per race lap, lap 1 first.
    pub laps: Vec<LapWeather>,
    /// The event has a rain spell.
    pub wet: bool,
}

impl EventWeather {
    /// The weather of race lap `lap_number` (from 1); the last lap's for
    /// a number past the end.
    pub fn lap(&self, lap_number: u32) -> LapWeather {
        let index = (lap_number.max(1) - 1) as usize;
        self.laps[index.min(self.laps.len() - 1)]
    }
}

/// The laps (from 1) of the rain spell, and how many of them are heavy.
fn rain_spell(rng: &mut ChaCha8Rng, race_laps: u32) -> (u32, u32, u32) {
    let (start, end) = if rng.random_bool(0.5) {
        let last = (race_laps * 6 / 10).max(9);
        (1, rng.random_range(8..=last))
    } else {
        let first = (race_laps / 5).max(2);
        let last = (race_laps * 7 / 10).max(first + 1);
        let start = rng.random_range(first..=last);
        (start, start + rng.random_range(8..=25))
    };
    let end = end.min(race_laps);
    let heavy = if rng.random_bool(1.0 / 3.0) {
        ((end - start + 1) / 3).max(2)
    } else {
        0
    };
    (start, end, heavy)
}

/// Draws the weather of a race of `race_laps` laps at a track whose
/// typical air temperature is `climate_air_c`.
pub fn draw(
    rng: &mut ChaCha8Rng,
    race_laps: u32,
    climate_air_c: f64,
    wet_share: f64,
) -> EventWeather {
    let wet = rng.random_bool(wet_share);
    let normal = |rng: &mut ChaCha8Rng| rng.sample::<f64, _>(StandardNormal);

    let air_start = climate_air_c + 3.0 * normal(rng);
    let sun = rng.random_range(5.0..20.0);
    let humidity_start = rng.random_range(30.0..75.0);
    let track_trend = rng.random_range(-5.0..3.0);
    let spell = if wet {
        Some(rain_spell(rng, race_laps))
    } else {
        None
    };

    let mut walk = 0.0;
    let mut humidity_walk = 0.0;
    let mut laps_dry = None;
    let mut laps = Vec::with_capacity(race_laps as usize);
    for lap in 1..=race_laps {
        walk += 0.08 * normal(rng);
        humidity_walk += 0.3 * normal(rng);
        let progress = f64::from(lap - 1) / f64::from(race_laps.max(2) - 1);
        let air = air_start + 0.4 * track_trend * progress + 0.5 * walk;

        let (condition, rainfall) = match spell {
            Some((start, end, heavy)) if (start..=end).contains(&lap) => {
                let into = lap - start;
                let damp_laps = (end - start + 1).saturating_sub(heavy);
                if into < heavy {
                    (Condition::Wet, true)
                } else {
                    let raining = f64::from(into - heavy) < 0.7 * f64::from(damp_laps);
                    (Condition::Damp, raining)
                }
            }
            _ => (Condition::Dry, false),
        };

        let (air, track, humidity) = if condition == Condition::Dry {
            let track = air + sun + 0.6 * track_trend * progress + walk;
            let humidity = humidity_start + humidity_walk;
            (air, track, humidity)
        } else {
            let air = air - 2.0;
            let track = air + 1.0 + 3.0 * (sun - 5.0) / 15.0;
            let humidity = 88.0 + 9.0 * (humidity_start - 30.0) / 45.0;
            (air, track, humidity)
        };

        laps_dry = match (condition, laps_dry) {
            (Condition::Dry, Some(n)) => Some(n + 1),
            (Condition::Dry, None) => None,
            _ => Some(0),
        };

        laps.push(LapWeather {
            air_c: round_to(air, 1),
            track_c: round_to(track, 1),
            humidity_pct: round_to(humidity.clamp(10.0, 100.0), 1),
            rainfall,
            condition,
            laps_dry,
        });
    }
    EventWeather { laps, wet }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn dry_events_never_rain_and_drift_mildly() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..50 {
            let weather = draw(&mut rng, 60, 25.0, 0.0);
            assert!(!weather.wet);
            assert_eq!(weather.laps.len(), 60);
            assert!(weather
                .laps
                .iter()
                .all(|l| !l.rainfall && l.condition == Condition::Dry));
            let first = weather.lap(1).track_c;
            let last = weather.lap(60).track_c;
            assert!((first - last).abs() < 10.0, "{first} -> {last}");
            assert!(weather.laps.iter().all(|l| l.track_c > l.air_c));
        }
    }

    #[test]
    fn wet_events_have_one_spell_then_dry_out() {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        for _ in 0..50 {
            let weather = draw(&mut rng, 55, 20.0, 1.0);
            assert!(weather.wet);
            let wet_laps: Vec<usize> = (0..55)
                .filter(|&i| weather.laps[i].condition != Condition::Dry)
                .collect();
            assert!(wet_laps.len() >= 8, "{wet_laps:?}");
            let span = wet_laps[wet_laps.len() - 1] - wet_laps[0] + 1;
            assert_eq!(span, wet_laps.len(), "one contiguous spell");
            assert!(weather.laps.iter().any(|l| l.rainfall));
            for lap in &weather.laps[wet_laps[wet_laps.len() - 1] + 1..] {
                assert!(lap.laps_dry.is_some_and(|n| n >= 1));
            }
        }
    }
}
