//! Simulated F1 race laps with a known truth.
//!
//! Real lap data never says what a tire's degradation rate or cliff
//! really was, so a model trained on it can only be checked against other
//! estimates. This crate generates laps in tiredeg's native schema (SPEC
//! 1.1) from a documented model, together with the truth of every stint,
//! so the whole pipeline (load, prepare, train, evaluate) can be run end to
//! end and its targets and predictions compared with the values that made
//! the data.
//!
//! ```
//! use tiredeg_sim::{simulate, SimConfig};
//!
//! let sim = simulate(&SimConfig { stints: 200, seed: 7, ..SimConfig::default() });
//! assert_eq!(sim, simulate(&SimConfig { stints: 200, seed: 7, ..SimConfig::default() }));
//! assert!((150..250).contains(&sim.truth.len()));
//! assert!(sim.laps.iter().all(|lap| lap.lap_number >= 1));
//! ```
//!
//! # The model
//!
//! **Cast.** 20 fictional tracks and 20 drivers in 10 teams by default,
//! drawn once per seed. Track ratings are whole numbers on 1-5 scales
//! (asphalt_abrasion, asphalt_grip, traction, braking, lateral,
//! tyre_stress, downforce, track_evolution); a track's base lap B is
//! drawn in 75-105 s and its length is B times an average speed of 190
//! km/h (±10, 8 km/h less per point of downforce above 3). The race has
//! the fewest laps N exceeding 305 km (about 50-90). Drivers have
//! aggression and consistency in 1-5 and a pace offset N(0, 0.2 s); cars
//! are 0-1.6 s off the pace, plus N(0, 0.3 s) drawn for each season.
//!
//! **Calendar.** Events are spread evenly over the seasons (2019-2023 by
//! default); the number of events is the stint count asked for divided by
//! 2.5 stints per driver. Each event brings three consecutive compounds:
//! C1-C3 when abrasion + tyre_stress is 8 or more, C3-C5 when 4 or less,
//! else C2-C4, shifted one step either way one time in five.
//!
//! **Lap time** of lap n (1..N) at tire age a (laps on the set at the end
//! of the lap), in seconds:
//!
//! ```text
//! t = ( B + car + driver - G + P(compound)
//!       + 0.055 (N - n)                       fuel burns off
//!       - e (n - 1)                           track evolution
//!       + w a + c max(0, a - A + 1) )         wear and cliff
//!     * W(condition, compound)                1 for slicks in the dry
//!     + drying + noise + first lap + traffic + yellow
//! ```
//!
//! then times the caution factor, plus the pit losses:
//!
//! - G = (season index) x (0.15 + 0.05 track_evolution): laps get faster
//!   each season; e = 0.002 x track_evolution s per lap within a race.
//! - P: SOFT 0, MEDIUM +0.45, HARD +0.90 s.
//! - w, the wear rate: base SOFT 0.080, MEDIUM 0.050, HARD 0.030 s/lap
//!   (INTERMEDIATE 0.040, WET 0.025), times the severity
//!   `(1 + 0.12 (abrasion - 3)) (1 + 0.10 (tyre_stress - 3))
//!   exp(0.015 (track_temp - 35)) (1 + 0.06 (aggression - 3))
//!   (1 + 0.10 step)`, where step is -1, 0, +1 for C1-C3, C2-C4, C3-C5 and
//!   track_temp is the temperature on the stint's first lap; times a
//!   per-stint log-normal spread (sigma 0.15).
//! - A, the cliff age: SOFT 22, MEDIUM 33, HARD 46 laps divided by
//!   severity^0.75, times a log-normal spread (sigma 0.12), at least 6;
//!   c, the extra loss past it, is drawn in 0.3-0.8 s/lap. Wet tires have
//!   no cliff.
//! - W: lap time multipliers on damp and wet surfaces (slicks 1.14 and
//!   1.25, INTERMEDIATE 1.08 and 1.16, WET 1.11 and 1.13; in the dry
//!   INTERMEDIATE 1.07, WET 1.12). After rain, slicks lose 3 s e^(-k/4)
//!   on the k-th dry lap.
//! - noise: Gaussian, sigma 0.35 + 0.08 (5 - consistency), 0.35-0.67 s.
//! - first lap +4-8 s; traffic on 6% of racing laps +1-3 s; yellow laps
//!   +0.2-0.8 s.
//! - caution: safety car (status "14", "4"..., "41") in 45% of events
//!   (70% when wet), a second in 30% of those, 3-6 laps; virtual safety
//!   car ("16", "6"..., "671") in 30%, 2-3 laps; laps 30-40% slower, half
//!   that on the laps it starts and ends. 0-3 yellow laps ("12").
//! - pit in lap +18-22 s, pit out lap +23-27 s.
//!
//! **Weather.** Air temperature is the track's climate (24 ± 5 °C) ± 3
//! °C; the track is 5-20 °C warmer, drifting -5 to +3 °C over the race.
//! 5% of events have one rain spell (from the start or mid-race, 8-25
//! laps, heavy for its first third in a third of spells).
//!
//! **Strategies.** 1-3 stops planned against each compound's mean cliff
//! age, so that some stints run past their own cliff (about 55% of dry
//! races are one-stop, 40% two-stop; wet events add a stop per change of
//! conditions); used sets (half the first stints, 15% of later ones),
//! stops moved into safety cars, 4% of drivers retiring. Timing gaps: 0.3%
//! of laps have no time, 0.2% no tire age; laps 1, pit laps, half the
//! caution laps and 0.5% of others are not accurate.
//!
//! **Truth.** See [`StintTruth`]: the slope of the noise-free,
//! fuel-corrected lap time on tire age before the cliff is `w - e`
//! exactly, because the fuel effect is the preparation's own 0.055 s/lap.
//!
//! Determinism: every draw comes from ChaCha8 streams of the seed (one
//! for the cast, one per season, one per event), output is in event,
//! driver, lap order, and nothing reads the clock.
//!
//! # Known shortcomings
//!
//! - Wear is linear in tire age up to the cliff. Real stints often show a
//!   warm-up phase and a curved thermal phase; modelling them would need a
//!   per-compound loss curve, and the truth would then have to be stated
//!   as the Theil-Sen slope of that curve rather than as `w - e`.
//! - The wear rate is set by the track temperature on the stint's first
//!   lap; drift later in the stint changes nothing. Tires also wear at the
//!   full rate under a safety car.
//! - Every driver completes every lap unless retired: there are no lapped
//!   cars, positions or overtaking, and traffic is drawn per lap rather
//!   than from the running order.
//! - Pit losses follow the requested +20 s in and +25 s out, which sum to
//!   more than a real pit lane costs (about 20-25 s in all).
//! - Drivers keep their team and ratings in every season, so the driver
//!   and track tables have no season rows.
//! - Slick stints after rain carry a drying penalty that the truth's rate
//!   leaves out; filter on `wet_event` when comparing rates.

mod calendar;
mod config;
mod output;
mod physics;
mod race;
mod status;
mod strategy;
mod truth;
mod weather;
mod world;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use tiredeg_laps::{KeyedTable, Lap};

pub use config::SimConfig;
pub use output::{
    write_simulation, write_truth_csv, OutputFormat, SimError, SimFiles, TRUTH_COLUMNS,
};
pub use physics::FUEL_EFFECT_S_PER_LAP;
pub use truth::StintTruth;

/// Random stream ids: one for the cast, then ranges per season and per
/// event, far enough apart never to meet.
const CAST_STREAM: u64 = 0;
const CALENDAR_STREAM: u64 = 1 << 32;
const CAR_PACE_STREAM: u64 = 2 << 32;
const EVENT_STREAM: u64 = 3 << 32;

/// A simulated data set and its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// The configuration simulated (after clamping into range).
    pub config: SimConfig,
    /// Every lap, by event, then driver, then lap number.
    pub laps: Vec<Lap>,
    /// Track ratings, key `track`.
    pub tracks: KeyedTable,
    /// Driver ratings, key `driver`.
    pub drivers: KeyedTable,
    /// One entry per stint, in the order of the laps.
    pub truth: Vec<StintTruth>,
}

impl Simulation {
    /// The number of events simulated.
    pub fn event_count(&self) -> usize {
        let mut count = 0;
        let mut last = None;
        for stint in &self.truth {
            let event = Some((stint.season, stint.round));
            if event != last {
                count += 1;
                last = event;
            }
        }
        count
    }
}

fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

/// Simulates the configured seasons.
///
/// Never fails: out-of-range fields are clamped (see
/// [`SimConfig::validate`] to reject them instead). Zero stints give an
/// empty simulation with the tracks and drivers drawn.
pub fn simulate(config: &SimConfig) -> Simulation {
    let config = config.clamped();
    let world = world::World::draw(
        &mut stream(config.seed, CAST_STREAM),
        config.tracks,
        config.drivers,
    );
    let events = calendar::event_count(config.stints, config.drivers);
    let plans = calendar::plan_events(&world, &config.seasons, events, |season| {
        stream(config.seed, CALENDAR_STREAM + season as u64)
    });

    let car_pace: Vec<Vec<f64>> = (0..config.seasons.len())
        .map(|season| {
            let mut rng = stream(config.seed, CAR_PACE_STREAM + season as u64);
            world
                .team_pace_s
                .iter()
                .map(|pace| pace + 0.3 * rng.sample::<f64, _>(StandardNormal))
                .collect()
        })
        .collect();

    let expected_laps = events * config.drivers * 70;
    let mut laps = Vec::with_capacity(expected_laps);
    let mut truth = Vec::with_capacity(config.stints + config.stints / 4);
    for plan in &plans {
        let mut rng = stream(config.seed, EVENT_STREAM + plan.index);
        race::simulate_event(
            &mut rng,
            plan,
            &world,
            &car_pace[plan.season_index],
            config.wet_event_share,
            &mut laps,
            &mut truth,
        );
    }

    Simulation {
        tracks: world.track_table(),
        drivers: world.driver_table(),
        config,
        laps,
        truth,
    }
}

#[cfg(test)]
mod tests;
