//! Constructed races for the tests: small, with known answers.

use tiredeg_laps::{Compound, Lap};

/// `count` laps of one stint from lap `first`, wearing `slope` s/lap on
/// a 90 s base, with a small jitter so that no fit is exact.
#[allow(clippy::too_many_arguments)]
pub(crate) fn stint_laps(
    round: u32,
    track: &str,
    driver: &str,
    stint: u32,
    compound: Compound,
    first: u32,
    count: u32,
    slope: f64,
) -> Vec<Lap> {
    (0..count)
        .map(|i| {
            let mut lap = crate::stint::tests::lap(driver, stint, first + i, 0.0);
            lap.round = round;
            lap.event = format!("Round {round} Grand Prix");
            lap.track = track.to_string();
            lap.compound = compound;
            lap.tire_age = Some(i + 1);
            let jitter = [0.02, -0.01, 0.0, 0.01, -0.02][(i % 5) as usize];
            lap.lap_time_s = Some(90.0 + slope * f64::from(i) + jitter);
            lap
        })
        .collect()
}

/// Three events; HAM and VER run two stints in each.
pub(crate) fn three_races() -> Vec<Lap> {
    let mut laps = Vec::new();
    for (round, track) in [(1, "A"), (2, "B"), (3, "A")] {
        for (driver, slope) in [("HAM", 0.08), ("VER", 0.05)] {
            laps.extend(stint_laps(
                round,
                track,
                driver,
                1,
                Compound::Medium,
                2,
                14,
                slope,
            ));
            laps.extend(stint_laps(
                round,
                track,
                driver,
                2,
                Compound::Hard,
                16,
                20,
                slope / 2.0,
            ));
        }
    }
    laps
}
