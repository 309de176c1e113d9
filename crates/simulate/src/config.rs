//! What to simulate: how much data, which seasons, and the seed.
//!
//! The configuration is deliberately small. The physics are fixed and
//! documented in the crate docs, so that a seed and these few numbers name
//! one data set exactly; the configuration is written beside the output
//! (`sim_config.json`) so a data set can always be regenerated.

use serde::{Deserialize, Serialize};

use crate::SimError;

/// The most tracks or drivers a simulation may have. The upper bound only
/// keeps a typing slip (a million drivers) from exhausting memory.
const MAX_ENTITIES: usize = 100;

/// What to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// Approximate number of stints to generate. The number of events is
    /// chosen so that the expected stint count matches; the actual count
    /// varies by a few percent with the strategies drawn.
    pub stints: usize,
    /// Seed of every random draw. The same seed and configuration give the
    /// same simulation, bit for bit.
    pub seed: u64,
    /// Championship years; events are spread evenly over them, earlier
    /// seasons taking one more event when the count does not divide.
    pub seasons: Vec<i32>,
    /// Drivers on the grid of every event (two per team).
    pub drivers: usize,
    /// Tracks in the calendar. A season with more rounds than tracks
    /// visits tracks again, as a second event with its own name.
    pub tracks: usize,
    /// Share of events with rain, run partly on INTERMEDIATE or WET tires.
    pub wet_event_share: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            stints: 5_000,
            seed: 42,
            seasons: (2019..=2023).collect(),
            drivers: 20,
            tracks: 20,
            wet_event_share: 0.05,
        }
    }
}

impl SimConfig {
    /// Checks every field, naming the first one out of range.
    ///
    /// [`simulate`](crate::simulate) does not fail: it clamps the same
    /// fields into range. Call this first to reject a bad configuration
    /// instead of silently running a different one.
    pub fn validate(&self) -> Result<(), SimError> {
        let invalid = |field: &'static str, value: String, expected: &'static str| {
            Err(SimError::InvalidConfig {
                field,
                value,
                expected,
            })
        };
        if self.seasons.is_empty() {
            return invalid("seasons", "[]".into(), "at least one season");
        }
        if self.drivers < 2 || self.drivers > MAX_ENTITIES {
            return invalid("drivers", self.drivers.to_string(), "2 to 100");
        }
        if self.tracks < 1 || self.tracks > MAX_ENTITIES {
            return invalid("tracks", self.tracks.to_string(), "1 to 100");
        }
        if !(0.0..=1.0).contains(&self.wet_event_share) {
            return invalid(
                "wet_event_share",
                self.wet_event_share.to_string(),
                "a share from 0 to 1",
            );
        }
        Ok(())
    }

    /// The configuration actually simulated: fields clamped into range,
    /// seasons sorted and deduplicated.
    pub(crate) fn clamped(&self) -> SimConfig {
        let mut seasons = self.seasons.clone();
        seasons.sort_unstable();
        seasons.dedup();
        let wet_event_share = if self.wet_event_share.is_nan() {
            0.0
        } else {
            self.wet_event_share.clamp(0.0, 1.0)
        };
        SimConfig {
            stints: self.stints,
            seed: self.seed,
            seasons,
            drivers: self.drivers.clamp(2, MAX_ENTITIES),
            tracks: self.tracks.clamp(1, MAX_ENTITIES),
            wet_event_share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert!(SimConfig::default().validate().is_ok());
    }

    #[test]
    fn validate_names_the_bad_field() {
        let config = SimConfig {
            drivers: 1,
            ..SimConfig::default()
        };
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("drivers"), "{message}");
        assert!(message.contains('1'), "{message}");

        let config = SimConfig {
            wet_event_share: 1.5,
            ..SimConfig::default()
        };
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("wet_event_share"), "{message}");
    }

    #[test]
    fn clamped_sorts_seasons_and_bounds_counts() {
        let config = SimConfig {
            seasons: vec![2022, 2020, 2022],
            drivers: 0,
            tracks: 1_000,
            wet_event_share: f64::NAN,
            ..SimConfig::default()
        };
        let clamped = config.clamped();
        assert_eq!(clamped.seasons, vec![2020, 2022]);
        assert_eq!(clamped.drivers, 2);
        assert_eq!(clamped.tracks, MAX_ENTITIES);
        assert_eq!(clamped.wet_event_share, 0.0);
    }
}
