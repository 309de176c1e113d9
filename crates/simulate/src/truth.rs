//! What the simulator knows about each stint and the data only suggests.
//!
//! The truth is stated in the terms of the preparation step (SPEC 2-3), so
//! a prepared target can be compared with it directly: the degradation
//! rate is the slope of the noise-free, fuel-corrected lap time against
//! tire age before the cliff, which is the tire's own wear less the track
//! evolution per lap (both grow by one per lap of a stint, so no fit can
//! tell them apart). The cliff age is the first tire age that runs slower
//! than that line.

use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;

/// The known truth of one stint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StintTruth {
    /// Championship year.
    pub season: i32,
    /// Round within the season.
    pub round: u32,
    /// Circuit id.
    pub track: String,
    /// Driver code.
    pub driver: String,
    /// Stint number within the race, from 1.
    pub stint: u32,
    /// Tire of the stint.
    pub compound: Compound,
    /// Absolute compound (`C1`..`C5`), for slicks.
    pub compound_code: Option<String>,
    /// Race lap of the stint's first lap.
    pub first_lap: u32,
    /// Race lap of the stint's last lap.
    pub last_lap: u32,
    /// `tire_age` on the first lap (1 for a new set).
    pub start_tire_age: u32,
    /// The set was new.
    pub fresh_tire: bool,
    /// Track temperature on the first lap, Celsius; it sets the wear.
    pub track_temp_c: f64,
    /// The tire's own loss per lap of age, seconds per lap.
    pub tire_wear_rate: f64,
    /// Loss per lap of age that fuel-corrected laps show before the cliff:
    /// `tire_wear_rate` less the track evolution per lap.
    pub true_degradation_rate: f64,
    /// The tire age of the cliff, when the stint reaches it.
    pub true_cliff_age: Option<u32>,
    /// The tire age of the cliff whether reached or not; `None` for wet
    /// tires, which have none.
    pub latent_cliff_age: Option<u32>,
    /// Extra loss per lap of age past the cliff, seconds per lap.
    pub cliff_slope: f64,
    /// Laps of the stint at or past the cliff (0 when not reached).
    pub laps_past_cliff: u32,
    /// Usable life by the preparation's formula (SPEC 3) from
    /// `true_degradation_rate` and `true_cliff_age`.
    pub true_usable_life: f64,
    /// The event had rain. Slick stints after rain also carry a drying
    /// penalty, which is not part of the rate.
    pub wet_event: bool,
    /// The driver retired during the stint.
    pub retired: bool,
}
