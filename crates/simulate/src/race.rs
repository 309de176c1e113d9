//! One event, lap by lap: strategies, tire physics and timing artefacts.
//!
//! The lap time model is the sum written out in the crate docs; this
//! module draws the per-stint and per-lap random parts and assembles the
//! laps and the truth. Each event draws from its own random stream, so an
//! event's laps do not depend on how many events come before it.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use tiredeg_laps::{Compound, Lap};

use crate::calendar::EventPlan;
use crate::physics::{
    self, condition_factor, drying_penalty, noise_sigma, usable_life, Condition, Severity,
    CLIFF_SLOPE_RANGE, CLIFF_SPREAD_SIGMA, EVOLUTION_S_PER_LAP_PER_POINT, FUEL_EFFECT_S_PER_LAP,
    MIN_CLIFF_AGE, RACE_DISTANCE_KM, SEASON_GAIN_S, SEASON_GAIN_S_PER_POINT, WEAR_SPREAD_SIGMA,
};
use crate::status::{self, EventStatus};
use crate::strategy::{self, PlannedStint};
use crate::truth::StintTruth;
use crate::weather::{self, EventWeather};
use crate::world::{round_to, Driver, Track, World};

/// Share of racing laps held up in traffic, and the time lost.
const TRAFFIC_SHARE: f64 = 0.06;
const TRAFFIC_LOSS_S: (f64, f64) = (1.0, 3.0);
/// Standing start and first-lap congestion.
const FIRST_LAP_LOSS_S: (f64, f64) = (4.0, 8.0);
/// Time lost at a yellow flag.
const YELLOW_LOSS_S: (f64, f64) = (0.2, 0.8);
/// Pit lane time on the in lap and the out lap.
const PIT_IN_LOSS_S: (f64, f64) = (18.0, 22.0);
const PIT_OUT_LOSS_S: (f64, f64) = (23.0, 27.0);
/// Share of drivers who retire.
const RETIREMENT_SHARE: f64 = 0.04;
/// Timing glitches: laps without a time, without a tire age, and green
/// laps flagged inaccurate.
const MISSING_TIME_SHARE: f64 = 0.003;
const MISSING_TIRE_AGE_SHARE: f64 = 0.002;
const INACCURATE_SHARE: f64 = 0.005;
/// Share of caution laps the feed flags inaccurate.
const CAUTION_INACCURATE_SHARE: f64 = 0.5;

/// The number of laps of a race on a lap of `length_km`.
pub fn race_laps(length_km: f64) -> u32 {
    ((RACE_DISTANCE_KM / length_km).floor() as u32 + 1).max(3)
}

/// Everything about the event that all drivers share.
struct EventContext<'a> {
    plan: &'a EventPlan,
    track: &'a Track,
    race_laps: u32,
    weather: EventWeather,
    status: EventStatus,
    /// Seconds gained per lap of the race from rubber laid down.
    evolution_per_lap: f64,
    /// Seconds gained since the first simulated season.
    season_gain: f64,
}

/// A stint's random physics.
struct StintPhysics {
    wear_rate: f64,
    latent_cliff_age: Option<u32>,
    cliff_slope: f64,
    track_temp_c: f64,
}

fn lognormal(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    (sigma * rng.sample::<f64, _>(StandardNormal)).exp()
}

fn severity(context: &EventContext, driver: &Driver, track_temp_c: f64) -> Severity {
    Severity::new(
        context.track.asphalt_abrasion,
        context.track.tyre_stress,
        track_temp_c,
        driver.aggression,
        context.plan.selection_step,
    )
}

fn draw_stint_physics(
    rng: &mut ChaCha8Rng,
    context: &EventContext,
    driver: &Driver,
    stint: &PlannedStint,
) -> StintPhysics {
    let track_temp_c = context.weather.lap(stint.first_lap).track_c;
    let severity = severity(context, driver, track_temp_c);
    let wear_rate = severity.wear_rate(stint.compound) * lognormal(rng, WEAR_SPREAD_SIGMA);
    let spread = lognormal(rng, CLIFF_SPREAD_SIGMA);
    let latent_cliff_age = severity
        .cliff_age(stint.compound)
        .map(|age| ((age * spread).round() as u32).max(MIN_CLIFF_AGE));
    StintPhysics {
        wear_rate,
        latent_cliff_age,
        cliff_slope: rng.random_range(CLIFF_SLOPE_RANGE.0..CLIFF_SLOPE_RANGE.1),
        track_temp_c,
    }
}

/// Appends the laps and truth of one event.
pub fn simulate_event(
    rng: &mut ChaCha8Rng,
    plan: &EventPlan,
    world: &World,
    car_pace_s: &[f64],
    wet_event_share: f64,
    laps: &mut Vec<Lap>,
    truth: &mut Vec<StintTruth>,
) {
    let track = &world.tracks[plan.track];
    let race_laps = race_laps(track.length_km);
    let weather = weather::draw(rng, race_laps, track.climate_air_c, wet_event_share);
    let status = status::draw(rng, race_laps, weather.wet);
    let seasons_on = f64::from(plan.season_index as u32);
    let context = EventContext {
        plan,
        track,
        race_laps,
        weather,
        status,
        evolution_per_lap: EVOLUTION_S_PER_LAP_PER_POINT * track.track_evolution,
        season_gain: seasons_on * (SEASON_GAIN_S + SEASON_GAIN_S_PER_POINT * track.track_evolution),
    };
    let conditions: Vec<Condition> = context.weather.laps.iter().map(|w| w.condition).collect();

    for driver in &world.drivers {
        let start_temp = context.weather.lap(1).track_c;
        let planning = severity(&context, driver, start_temp);
        let life = |compound: Compound| planning.cliff_age(compound).unwrap_or(40.0);
        let mut stints = strategy::plan_race(rng, &conditions, &life);
        strategy::move_stops_to_cautions(rng, &mut stints, &context.status.cautions);

        let retire_lap = if race_laps > 3 && rng.random_bool(RETIREMENT_SHARE) {
            Some(rng.random_range(2..race_laps))
        } else {
            None
        };
        if let Some(retire_lap) = retire_lap {
            stints.retain(|s| s.first_lap <= retire_lap);
            if let Some(last) = stints.last_mut() {
                last.last_lap = last.last_lap.min(retire_lap);
            }
        }

        let car = car_pace_s.get(driver.team).copied().unwrap_or(0.0);
        let stint_count = stints.len();
        for (index, stint) in stints.iter().enumerate() {
            let physics = draw_stint_physics(rng, &context, driver, stint);
            let last_stint = index + 1 == stint_count;
            let stint_number = index as u32 + 1;
            drive_stint(
                rng,
                &context,
                world,
                driver,
                car,
                stint,
                stint_number,
                &physics,
                last_stint,
                retire_lap,
                laps,
            );
            truth.push(stint_truth(
                &context,
                driver,
                stint,
                stint_number,
                &physics,
                last_stint && retire_lap.is_some(),
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn drive_stint(
    rng: &mut ChaCha8Rng,
    context: &EventContext,
    world: &World,
    driver: &Driver,
    car_pace_s: f64,
    stint: &PlannedStint,
    stint_number: u32,
    physics: &StintPhysics,
    last_stint: bool,
    retire_lap: Option<u32>,
    laps: &mut Vec<Lap>,
) {
    let plan = context.plan;
    let compound_code = plan.compound_code(stint.compound);
    let team = world.teams.get(driver.team).cloned();
    let sigma = noise_sigma(driver.consistency);
    let constant = context.track.base_lap_s + car_pace_s + driver.pace_s - context.season_gain
        + physics::compound_pace_offset(stint.compound);

    for lap_number in stint.first_lap..=stint.last_lap {
        let tire_age = stint.used_age + lap_number - stint.first_lap + 1;
        let weather = context.weather.lap(lap_number);
        let status = context.status.laps[(lap_number - 1) as usize];
        let pit_out = stint_number > 1 && lap_number == stint.first_lap;
        let pit_in = !last_stint && lap_number == stint.last_lap;
        let retiring = retire_lap == Some(lap_number);

        let mut time = constant + FUEL_EFFECT_S_PER_LAP * f64::from(context.race_laps - lap_number)
            - context.evolution_per_lap * f64::from(lap_number - 1)
            + physics.wear_rate * f64::from(tire_age);
        if let Some(cliff) = physics.latent_cliff_age.filter(|&c| tire_age >= c) {
            time += physics.cliff_slope * f64::from(tire_age - cliff + 1);
        }
        time *= condition_factor(weather.condition, stint.compound);
        if let (false, Some(laps_dry)) = (stint.compound.is_wet(), weather.laps_dry) {
            time += drying_penalty(laps_dry);
        }
        time += sigma * rng.sample::<f64, _>(StandardNormal);

        if lap_number == 1 {
            time += rng.random_range(FIRST_LAP_LOSS_S.0..FIRST_LAP_LOSS_S.1);
        }
        let racing = lap_number > 1 && !pit_in && !pit_out && !status.is_caution();
        if racing && rng.random_bool(TRAFFIC_SHARE) {
            time += rng.random_range(TRAFFIC_LOSS_S.0..TRAFFIC_LOSS_S.1);
        }
        if status.yellow {
            time += rng.random_range(YELLOW_LOSS_S.0..YELLOW_LOSS_S.1);
        }
        time *= status.factor;
        if pit_in {
            time += rng.random_range(PIT_IN_LOSS_S.0..PIT_IN_LOSS_S.1);
        }
        if pit_out {
            time += rng.random_range(PIT_OUT_LOSS_S.0..PIT_OUT_LOSS_S.1);
        }

        let missing = rng.random_bool(MISSING_TIME_SHARE) || (retiring && rng.random_bool(0.5));
        let lap_time_s = (!missing).then(|| round_to(time.max(1.0), 3));
        let inaccurate = missing
            || lap_number == 1
            || pit_in
            || pit_out
            || (status.is_caution() && rng.random_bool(CAUTION_INACCURATE_SHARE))
            || rng.random_bool(INACCURATE_SHARE);
        let tire_age = (!rng.random_bool(MISSING_TIRE_AGE_SHARE)).then_some(tire_age);

        laps.push(Lap {
            season: plan.season,
            round: plan.round,
            event: plan.name.clone(),
            event_date: plan.date,
            track: context.track.id.clone(),
            driver: driver.code.clone(),
            team: team.clone(),
            stint: stint_number,
            lap_number,
            compound: stint.compound,
            compound_code: compound_code.clone(),
            tire_age,
            fresh_tire: Some(stint.used_age == 0),
            lap_time_s,
            pit_in,
            pit_out,
            track_status: Some(status.code.to_string()),
            is_accurate: Some(!inaccurate),
            air_temp_c: Some(weather.air_c),
            track_temp_c: Some(weather.track_c),
            humidity_pct: Some(weather.humidity_pct),
            rainfall: Some(weather.rainfall),
        });
    }
}

fn stint_truth(
    context: &EventContext,
    driver: &Driver,
    stint: &PlannedStint,
    stint_number: u32,
    physics: &StintPhysics,
    retired: bool,
) -> StintTruth {
    let last_age = stint.used_age + stint.last_lap - stint.first_lap + 1;
    let true_cliff_age = physics.latent_cliff_age.filter(|&c| last_age >= c);
    let laps_past_cliff = true_cliff_age.map_or(0, |c| last_age - c + 1);
    let true_degradation_rate = physics.wear_rate - context.evolution_per_lap;
    StintTruth {
        season: context.plan.season,
        round: context.plan.round,
        track: context.track.id.clone(),
        driver: driver.code.clone(),
        stint: stint_number,
        compound: stint.compound,
        compound_code: context.plan.compound_code(stint.compound),
        first_lap: stint.first_lap,
        last_lap: stint.last_lap,
        start_tire_age: stint.used_age + 1,
        fresh_tire: stint.used_age == 0,
        track_temp_c: physics.track_temp_c,
        tire_wear_rate: physics.wear_rate,
        true_degradation_rate,
        true_cliff_age,
        latent_cliff_age: physics.latent_cliff_age,
        cliff_slope: physics.cliff_slope,
        laps_past_cliff,
        true_usable_life: usable_life(true_degradation_rate, true_cliff_age),
        wet_event: context.weather.wet,
        retired,
    }
}
