//! The fixed cast of a simulation: tracks, teams and drivers.
//!
//! These are drawn once per seed, before any event, from their own random
//! stream, so that the same seed gives the same tracks and drivers however
//! many stints are asked for. Names are fictional: the ratings are drawn,
//! and a real circuit's name would suggest they were measured.
//!
//! Ratings follow the Pirelli style of whole numbers on 1-5 scales. Some
//! are correlated as on real circuits: abrasive asphalt tends to grip, and
//! tyre stress follows the average of lateral, traction and braking load.

use std::collections::HashMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use tiredeg_laps::KeyedTable;

/// Fictional circuit names; beyond the list, tracks are numbered.
const TRACK_NAMES: [&str; 24] = [
    "Valmora",
    "Kestrel Bay",
    "Orsini",
    "Port Halden",
    "Sable Ridge",
    "Marisco",
    "Brennock",
    "Tallis Park",
    "Cardena",
    "Ostrova",
    "Lunetta",
    "Haverfield",
    "Quintara",
    "Redwater",
    "Solano Heights",
    "Vireo",
    "Ashgrove",
    "Castell",
    "Dunmere",
    "Elvaro",
    "Farrow Downs",
    "Grenzau",
    "Isola Verde",
    "Juniper Coast",
];

/// Fictional three-letter driver codes; beyond the list, `D25`, `D26`...
const DRIVER_CODES: [&str; 24] = [
    "ALV", "BRK", "CAS", "DEV", "ERN", "FAL", "GRO", "HAL", "IVE", "JOR", "KAM", "LIN", "MOR",
    "NAS", "OKO", "PEL", "QUI", "ROS", "SAV", "TOR", "ULM", "VAS", "WEN", "YAR",
];

/// Fictional team names; beyond the list, `Team 13`...
const TEAM_NAMES: [&str; 12] = [
    "Aurora Racing",
    "Borealis",
    "Celeste GP",
    "Dynamo Motorsport",
    "Equinox",
    "Falcon Works",
    "Granite Racing",
    "Helix",
    "Ion Racing",
    "Juno GP",
    "Kite Motorsport",
    "Lumen",
];

/// The track table's rating columns, in file order.
pub const TRACK_COLUMNS: [&str; 9] = [
    "asphalt_abrasion",
    "asphalt_grip",
    "traction",
    "braking",
    "lateral",
    "tyre_stress",
    "downforce",
    "track_evolution",
    "length_km",
];

/// The driver table's columns, in file order.
pub const DRIVER_COLUMNS: [&str; 2] = ["aggression", "consistency"];

/// One circuit.
#[derive(Debug, Clone)]
pub struct Track {
    /// Circuit id, lower case with underscores.
    pub id: String,
    /// Display name; the event is "`name` Grand Prix".
    pub name: String,
    /// Ratings 1-5 (whole numbers).
    pub asphalt_abrasion: f64,
    /// See [`Track::asphalt_abrasion`].
    pub asphalt_grip: f64,
    /// See [`Track::asphalt_abrasion`].
    pub traction: f64,
    /// See [`Track::asphalt_abrasion`].
    pub braking: f64,
    /// See [`Track::asphalt_abrasion`].
    pub lateral: f64,
    /// See [`Track::asphalt_abrasion`].
    pub tyre_stress: f64,
    /// See [`Track::asphalt_abrasion`].
    pub downforce: f64,
    /// See [`Track::asphalt_abrasion`].
    pub track_evolution: f64,
    /// Lap length in kilometres.
    pub length_km: f64,
    /// Lap time of the reference car on new SOFTs with no fuel, seconds.
    pub base_lap_s: f64,
    /// Typical air temperature of the event, Celsius.
    pub climate_air_c: f64,
}

impl Track {
    /// The track table row, in [`TRACK_COLUMNS`] order.
    fn row(&self) -> Vec<Option<f64>> {
        [
            self.asphalt_abrasion,
            self.asphalt_grip,
            self.traction,
            self.braking,
            self.lateral,
            self.tyre_stress,
            self.downforce,
            self.track_evolution,
            self.length_km,
        ]
        .into_iter()
        .map(Some)
        .collect()
    }
}

/// One driver and the seat they hold.
#[derive(Debug, Clone)]
pub struct Driver {
    /// Three-letter code.
    pub code: String,
    /// Index into [`World::teams`].
    pub team: usize,
    /// How hard the driver uses the tires, 1-5 (two decimals).
    pub aggression: f64,
    /// How repeatable the driver's laps are, 1-5 (two decimals).
    pub consistency: f64,
    /// Driver's own pace relative to the car, seconds (negative is faster).
    pub pace_s: f64,
}

/// Tracks, teams and drivers of one simulation.
#[derive(Debug, Clone)]
pub struct World {
    /// The circuits, in calendar order before any season's shuffle.
    pub tracks: Vec<Track>,
    /// Team names.
    pub teams: Vec<String>,
    /// Gap of each team's car to the fastest, seconds, before the
    /// per-season change.
    pub team_pace_s: Vec<f64>,
    /// The grid.
    pub drivers: Vec<Driver>,
}

/// A whole-number rating on 1-5 around `centre` with normal spread.
fn rating(rng: &mut ChaCha8Rng, centre: f64, sigma: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    (centre + sigma * z).round().clamp(1.0, 5.0)
}

/// Rounds to `decimals` places, so files hold short, exact-looking numbers.
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn track_name(index: usize) -> String {
    TRACK_NAMES.get(index).map_or_else(
        || format!("Track {}", index + 1),
        |name| (*name).to_string(),
    )
}

fn draw_track(rng: &mut ChaCha8Rng, index: usize) -> Track {
    let name = track_name(index);
    let id = name.to_ascii_lowercase().replace(' ', "_");

    let asphalt_grip = rating(rng, 3.0, 1.1);
    let asphalt_abrasion = rating(rng, asphalt_grip, 0.9);
    let traction = rating(rng, 3.0, 1.1);
    let braking = rating(rng, 3.0, 1.1);
    let lateral = rating(rng, 3.0, 1.1);
    let tyre_stress = rating(rng, (traction + braking + lateral) / 3.0, 0.6);
    let downforce = rating(rng, 3.0, 1.1);
    let track_evolution = rating(rng, 3.0, 1.1);

    // Base lap time first, then the length that an average speed of
    // 190 km/h, less with downforce, turns it into: this keeps lap times in
    // 75-105 s whatever the length.
    let base_lap_s = rng.random_range(75.0..105.0);
    let speed_kmh = 190.0 + 8.0 * (3.0 - downforce) + rng.random_range(-10.0..10.0);
    let length_km = round_to(base_lap_s * speed_kmh / 3600.0, 3);
    let climate_air_c = 24.0 + 5.0 * rng.sample::<f64, _>(StandardNormal);

    Track {
        id,
        name,
        asphalt_abrasion,
        asphalt_grip,
        traction,
        braking,
        lateral,
        tyre_stress,
        downforce,
        track_evolution,
        length_km,
        base_lap_s,
        climate_air_c: climate_air_c.clamp(12.0, 36.0),
    }
}

impl World {
    /// Draws `tracks` tracks and `drivers` drivers (two per team).
    pub fn draw(rng: &mut ChaCha8Rng, tracks: usize, drivers: usize) -> World {
        let tracks = (0..tracks).map(|index| draw_track(rng, index)).collect();

        let team_count = drivers.div_ceil(2);
        let teams = (0..team_count)
            .map(|index| {
                TEAM_NAMES
                    .get(index)
                    .map_or_else(|| format!("Team {}", index + 1), |name| (*name).to_string())
            })
            .collect();
        let team_pace_s = (0..team_count)
            .map(|_| rng.random_range(0.0..1.6))
            .collect();

        let drivers = (0..drivers)
            .map(|index| Driver {
                code: DRIVER_CODES
                    .get(index)
                    .map_or_else(|| format!("D{}", index + 1), |code| (*code).to_string()),
                team: index / 2,
                aggression: round_to(rng.random_range(1.0..5.0), 2),
                consistency: round_to(rng.random_range(1.0..5.0), 2),
                pace_s: 0.2 * rng.sample::<f64, _>(StandardNormal),
            })
            .collect();

        World {
            tracks,
            teams,
            team_pace_s,
            drivers,
        }
    }

    /// The track table (key `track`, one all-season row per track).
    pub fn track_table(&self) -> KeyedTable {
        let rows: HashMap<_, _> = self
            .tracks
            .iter()
            .map(|track| ((track.id.clone(), None), track.row()))
            .collect();
        KeyedTable {
            key: "track".into(),
            columns: TRACK_COLUMNS.iter().map(|c| (*c).to_string()).collect(),
            rows,
        }
    }

    /// The driver table (key `driver`, one all-season row per driver).
    pub fn driver_table(&self) -> KeyedTable {
        let rows: HashMap<_, _> = self
            .drivers
            .iter()
            .map(|driver| {
                let row = vec![Some(driver.aggression), Some(driver.consistency)];
                ((driver.code.clone(), None), row)
            })
            .collect();
        KeyedTable {
            key: "driver".into(),
            columns: DRIVER_COLUMNS.iter().map(|c| (*c).to_string()).collect(),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn names_are_unique_and_ratings_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let world = World::draw(&mut rng, 30, 26);

        let mut ids: Vec<_> = world.tracks.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 30);
        let mut codes: Vec<_> = world.drivers.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 26);
        assert_eq!(world.teams.len(), 13);

        for track in &world.tracks {
            for value in track.row().into_iter().flatten().take(8) {
                assert!((1.0..=5.0).contains(&value) && value.fract() == 0.0);
            }
            let laps = (crate::physics::RACE_DISTANCE_KM / track.length_km).ceil();
            assert!((40.0..=95.0).contains(&laps), "{} laps", laps);
            assert!((75.0..105.0).contains(&track.base_lap_s));
        }
    }

    #[test]
    fn tables_hold_every_track_and_driver() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let world = World::draw(&mut rng, 5, 4);
        let tracks = world.track_table();
        assert_eq!(tracks.key, "track");
        assert_eq!(tracks.columns.len(), TRACK_COLUMNS.len());
        let row = tracks.lookup(&world.tracks[2].id, 2021);
        assert_eq!(row.map(<[_]>::len), Some(TRACK_COLUMNS.len()));
        let drivers = world.driver_table();
        let row = drivers.lookup(&world.drivers[3].code, 2019);
        assert_eq!(
            row,
            Some(
                &[
                    Some(world.drivers[3].aggression),
                    Some(world.drivers[3].consistency)
                ][..]
            )
        );
    }
}
