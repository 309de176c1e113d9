//! Whole-simulation tests: determinism, schema validity, the physics the
//! crate docs promise, and the truth measured back from the laps.

use std::collections::BTreeMap;

use tiredeg_laps::{compound_code_number, Compound, Lap};

use crate::{simulate, write_simulation, OutputFormat, SimConfig, Simulation, StintTruth};

fn config(stints: usize, seed: u64) -> SimConfig {
    SimConfig {
        stints,
        seed,
        ..SimConfig::default()
    }
}

/// One shared medium-sized simulation, so the statistical tests see
/// enough stints without each paying for its own.
fn medium() -> &'static Simulation {
    static SIM: std::sync::OnceLock<Simulation> = std::sync::OnceLock::new();
    SIM.get_or_init(|| simulate(&config(6_000, 2024)))
}

/// The laps of each stint, keyed like the truth, in lap order.
fn laps_by_stint(sim: &Simulation) -> BTreeMap<(i32, u32, &str, u32), Vec<&Lap>> {
    let mut stints: BTreeMap<_, Vec<&Lap>> = BTreeMap::new();
    for lap in &sim.laps {
        let key = (lap.season, lap.round, lap.driver.as_str(), lap.stint);
        stints.entry(key).or_default().push(lap);
    }
    stints
}

fn truth_key(truth: &StintTruth) -> (i32, u32, &str, u32) {
    (
        truth.season,
        truth.round,
        truth.driver.as_str(),
        truth.stint,
    )
}

/// Clean by the rules of SPEC 2 without the 107% rule.
fn is_clean(lap: &Lap) -> bool {
    lap.lap_time_s.is_some()
        && lap.lap_number > 1
        && !lap.pit_in
        && !lap.pit_out
        && lap
            .track_status
            .as_deref()
            .is_none_or(|s| s.chars().all(|c| c == '1'))
        && lap.is_accurate != Some(false)
}

fn theil_sen(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes = Vec::new();
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            if b.0 > a.0 {
                slopes.push((b.1 - a.1) / (b.0 - a.0));
            }
        }
    }
    if slopes.is_empty() {
        return None;
    }
    slopes.sort_by(f64::total_cmp);
    let mid = slopes.len() / 2;
    Some(if slopes.len() % 2 == 0 {
        (slopes[mid - 1] + slopes[mid]) / 2.0
    } else {
        slopes[mid]
    })
}

/// (tire age, fuel-corrected time) of the clean laps of a stint.
fn corrected_points(laps: &[&Lap]) -> Vec<(f64, f64)> {
    laps.iter()
        .filter(|lap| is_clean(lap))
        .filter_map(|lap| {
            let time =
                lap.lap_time_s? + crate::FUEL_EFFECT_S_PER_LAP * f64::from(lap.lap_number - 1);
            Some((f64::from(lap.tire_age?), time))
        })
        .collect()
}

fn mean(values: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, count) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / count.max(1) as f64
}

#[test]
fn the_same_seed_gives_the_same_simulation_and_another_seed_does_not() {
    let a = simulate(&config(400, 9));
    let b = simulate(&config(400, 9));
    assert_eq!(a, b);
    let c = simulate(&config(400, 10));
    assert_ne!(a.laps, c.laps);
    assert_ne!(a.truth, c.truth);
}

#[test]
fn more_stints_do_not_change_the_cast() {
    let small = simulate(&config(100, 3));
    let large = simulate(&config(3_000, 3));
    assert_eq!(small.tracks, large.tracks);
    assert_eq!(small.drivers, large.drivers);
}

#[test]
fn the_requested_stint_count_is_roughly_honoured() {
    for stints in [500, 6_000] {
        let sim = if stints == 6_000 {
            medium().clone()
        } else {
            simulate(&config(stints, 77))
        };
        let ratio = sim.truth.len() as f64 / stints as f64;
        assert!(
            (0.9..1.1).contains(&ratio),
            "{} stints for {stints}",
            sim.truth.len()
        );
        let stint_numbers: usize = laps_by_stint(&sim).len();
        assert_eq!(stint_numbers, sim.truth.len());
    }
    assert!(simulate(&config(0, 1)).laps.is_empty());
}

#[test]
fn every_lap_is_valid_in_the_native_schema() {
    let sim = medium();
    let tracks = &sim.tracks;
    let drivers = &sim.drivers;
    for lap in &sim.laps {
        assert!(
            lap.lap_number >= 1 && lap.stint >= 1 && lap.round >= 1,
            "{lap:?}"
        );
        assert!(sim.config.seasons.contains(&lap.season));
        assert!(
            lap.lap_time_s.is_none_or(|t| t > 30.0 && t < 250.0),
            "{lap:?}"
        );
        assert!(lap.tire_age.is_none_or(|age| age >= 1));
        assert!(!(lap.pit_in && lap.pit_out), "{lap:?}");
        let status = lap.track_status.as_deref().unwrap_or("");
        assert!(!status.is_empty() && status.chars().all(|c| "124567".contains(c)));
        match lap.compound {
            Compound::Soft | Compound::Medium | Compound::Hard => {
                let code = lap.compound_code.as_deref().and_then(compound_code_number);
                assert!(code.is_some_and(|c| (1..=5).contains(&c)), "{lap:?}");
            }
            Compound::Intermediate | Compound::Wet => assert_eq!(lap.compound_code, None),
            Compound::Unknown => panic!("no UNKNOWN compound is simulated: {lap:?}"),
        }
        assert!(lap.event_date.is_some() && lap.team.is_some());
        assert!(lap.humidity_pct.is_some_and(|h| (0.0..=100.0).contains(&h)));
        assert!(
            tracks.lookup(&lap.track, lap.season).is_some(),
            "{}",
            lap.track
        );
        assert!(
            drivers.lookup(&lap.driver, lap.season).is_some(),
            "{}",
            lap.driver
        );
    }
}

#[test]
fn lap_numbers_are_contiguous_and_stints_follow_each_other() {
    let sim = medium();
    let mut by_driver: BTreeMap<(i32, u32, &str), Vec<&Lap>> = BTreeMap::new();
    for lap in &sim.laps {
        by_driver
            .entry((lap.season, lap.round, lap.driver.as_str()))
            .or_default()
            .push(lap);
    }
    for laps in by_driver.values() {
        for (i, lap) in laps.iter().enumerate() {
            assert_eq!(lap.lap_number as usize, i + 1);
        }
        assert_eq!(laps[0].stint, 1);
        for pair in laps.windows(2) {
            let next_stint = pair[1].stint == pair[0].stint + 1;
            assert!(pair[1].stint == pair[0].stint || next_stint);
            // A stop is an in lap closing one stint and an out lap opening
            // the next, and nothing else.
            assert_eq!(next_stint, pair[0].pit_in, "{:?}", pair[0]);
            assert_eq!(next_stint, pair[1].pit_out, "{:?}", pair[1]);
        }
    }
}

#[test]
fn pit_and_caution_shares_are_as_designed() {
    let sim = medium();
    let laps = sim.laps.len() as f64;
    let share = |f: &dyn Fn(&Lap) -> bool| sim.laps.iter().filter(|l| f(l)).count() as f64 / laps;

    // About 1.6 stops per driver in a race of about 64 laps.
    let pit_in = share(&|l| l.pit_in);
    assert!((0.018..0.035).contains(&pit_in), "pit in share {pit_in}");
    let caution = share(&|l| {
        l.track_status
            .as_deref()
            .is_some_and(|s| s.contains(['4', '6']))
    });
    assert!((0.03..0.07).contains(&caution), "caution share {caution}");
    let missing = share(&|l| l.lap_time_s.is_none());
    assert!((0.002..0.006).contains(&missing), "missing share {missing}");
    let inaccurate = share(&|l| l.is_accurate == Some(false));
    assert!(
        (0.05..0.12).contains(&inaccurate),
        "inaccurate share {inaccurate}"
    );
    let wet = share(&|l| l.compound.is_wet());
    assert!((0.002..0.06).contains(&wet), "wet tire share {wet}");
    assert!(sim.laps.iter().filter(|l| l.compound.is_wet()).all(|l| {
        sim.truth
            .iter()
            .any(|t| t.wet_event && t.season == l.season && t.round == l.round)
    }));

    let used = sim.truth.iter().filter(|t| !t.fresh_tire).count() as f64;
    let used_share = used / sim.truth.len() as f64;
    assert!(
        (0.15..0.40).contains(&used_share),
        "used set share {used_share}"
    );
    assert!(sim
        .truth
        .iter()
        .all(|t| t.fresh_tire == (t.start_tire_age == 1)));
}

#[test]
fn softer_compounds_degrade_faster() {
    let sim = medium();
    let rate = |compound| {
        mean(
            sim.truth
                .iter()
                .filter(|t| t.compound == compound)
                .map(|t| t.true_degradation_rate),
        )
    };
    let (soft, medium, hard) = (
        rate(Compound::Soft),
        rate(Compound::Medium),
        rate(Compound::Hard),
    );
    assert!(
        soft > 1.3 * medium && medium > 1.3 * hard,
        "{soft} {medium} {hard}"
    );
    assert!((0.05..0.12).contains(&soft), "{soft}");
    assert!((0.01..0.05).contains(&hard), "{hard}");
}

#[test]
fn hot_and_abrasive_tracks_degrade_faster() {
    let sim = medium();
    let column = |name: &str| sim.tracks.columns.iter().position(|c| c == name);
    let abrasion_column = column("asphalt_abrasion").unwrap_or(usize::MAX);
    let abrasion = |t: &StintTruth| {
        sim.tracks
            .lookup(&t.track, t.season)
            .and_then(|row| row.get(abrasion_column).copied().flatten())
            .unwrap_or(f64::NAN)
    };
    let mediums: Vec<&StintTruth> = sim
        .truth
        .iter()
        .filter(|t| t.compound == Compound::Medium)
        .collect();

    let rough = mean(
        mediums
            .iter()
            .filter(|t| abrasion(t) >= 4.0)
            .map(|t| t.tire_wear_rate),
    );
    let smooth = mean(
        mediums
            .iter()
            .filter(|t| abrasion(t) <= 2.0)
            .map(|t| t.tire_wear_rate),
    );
    assert!(rough > 1.2 * smooth, "abrasive {rough} smooth {smooth}");

    let hot = mean(
        mediums
            .iter()
            .filter(|t| t.track_temp_c >= 42.0)
            .map(|t| t.tire_wear_rate),
    );
    let cool = mean(
        mediums
            .iter()
            .filter(|t| t.track_temp_c <= 30.0)
            .map(|t| t.tire_wear_rate),
    );
    assert!(hot > 1.1 * cool, "hot {hot} cool {cool}");
}

#[test]
fn the_truth_is_what_clean_fuel_corrected_laps_show() {
    let sim = medium();
    let stints = laps_by_stint(sim);
    let mut errors = Vec::new();
    for truth in &sim.truth {
        let dry_slick = !truth.wet_event && !truth.compound.is_wet();
        if !dry_slick || truth.true_cliff_age.is_some() {
            continue;
        }
        let Some(laps) = stints.get(&truth_key(truth)) else {
            panic!("no laps for {truth:?}");
        };
        let points = corrected_points(laps);
        if points.len() < 15 {
            continue;
        }
        if let Some(slope) = theil_sen(&points) {
            errors.push(slope - truth.true_degradation_rate);
        }
    }
    assert!(errors.len() > 1_000, "{} stints measured", errors.len());
    let bias = mean(errors.iter().copied());
    let mae = mean(errors.iter().map(|e| e.abs()));
    assert!(bias.abs() < 0.003, "bias {bias} s/lap");
    assert!(mae < 0.03, "mean absolute error {mae} s/lap");
}

#[test]
fn some_stints_reach_their_cliff_and_it_shows() {
    let sim = medium();
    let stints = laps_by_stint(sim);
    let slicks: Vec<&StintTruth> = sim.truth.iter().filter(|t| !t.compound.is_wet()).collect();
    let reached = slicks.iter().filter(|t| t.true_cliff_age.is_some()).count();
    let share = reached as f64 / slicks.len() as f64;
    assert!((0.05..0.35).contains(&share), "cliff share {share}");

    let mut excess = Vec::new();
    for truth in slicks
        .iter()
        .filter(|t| t.laps_past_cliff >= 4 && !t.wet_event)
    {
        let (Some(cliff), Some(laps)) = (truth.true_cliff_age, stints.get(&truth_key(truth)))
        else {
            continue;
        };
        let points = corrected_points(laps);
        let before: Vec<_> = points
            .iter()
            .copied()
            .filter(|p| p.0 < f64::from(cliff))
            .collect();
        let after: Vec<_> = points
            .iter()
            .copied()
            .filter(|p| p.0 >= f64::from(cliff + 2))
            .collect();
        let (Some(slope), false) = (theil_sen(&before), after.is_empty()) else {
            continue;
        };
        let intercept = mean(before.iter().map(|p| p.1 - slope * p.0));
        excess.push(mean(after.iter().map(|p| p.1 - intercept - slope * p.0)));
    }
    assert!(excess.len() > 50, "{} stints past the cliff", excess.len());
    let typical = mean(excess.iter().copied());
    assert!(
        typical > 0.5,
        "laps past the cliff only {typical} s above the line"
    );
}

#[test]
fn wet_events_run_wet_tires_in_the_rain() {
    let sim = simulate(&SimConfig {
        stints: 300,
        seed: 5,
        wet_event_share: 1.0,
        ..SimConfig::default()
    });
    assert!(sim.truth.iter().all(|t| t.wet_event));
    let wet_tire_laps = sim.laps.iter().filter(|l| l.compound.is_wet()).count();
    assert!(wet_tire_laps > sim.laps.len() / 10, "{wet_tire_laps}");
    assert!(sim.laps.iter().any(|l| l.rainfall == Some(true)));
    assert!(sim
        .truth
        .iter()
        .all(|t| !t.compound.is_wet() || t.latent_cliff_age.is_none()));

    let dry = simulate(&SimConfig {
        wet_event_share: 0.0,
        ..config(300, 5)
    });
    assert!(dry
        .laps
        .iter()
        .all(|l| !l.compound.is_wet() && l.rainfall == Some(false)));
}

#[test]
fn event_dates_follow_the_rounds() {
    let sim = medium();
    let mut dates: BTreeMap<(i32, u32), chrono::NaiveDate> = BTreeMap::new();
    for lap in &sim.laps {
        let date = lap.event_date.unwrap_or_default();
        let previous = dates.insert((lap.season, lap.round), date);
        assert!(previous.is_none_or(|d| d == date));
    }
    let mut last = None;
    for (&(season, _), &date) in &dates {
        assert_eq!(chrono::Datelike::year(&date), season);
        assert!(last.is_none_or(|d| d <= date));
        last = Some(date);
    }
    assert_eq!(dates.len(), sim.event_count());
}

#[test]
fn written_files_are_identical_for_the_same_seed() {
    let sim = simulate(&config(300, 12));
    let again = simulate(&config(300, 12));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let first = write_simulation(&sim, &dir.path().join("a"), format);
        let second = write_simulation(&again, &dir.path().join("b"), format);
        let (Ok(first), Ok(second)) = (first, second) else {
            panic!("writing failed");
        };
        for (a, b) in [
            (&first.laps, &second.laps),
            (&first.tracks, &second.tracks),
            (&first.drivers, &second.drivers),
            (&first.truth, &second.truth),
            (&first.config, &second.config),
        ] {
            let a_bytes = std::fs::read(a).unwrap_or_default();
            assert!(!a_bytes.is_empty(), "{} is empty", a.display());
            assert_eq!(
                a_bytes,
                std::fs::read(b).unwrap_or_default(),
                "{}",
                a.display()
            );
        }
    }

    let files = write_simulation(&sim, &dir.path().join("c"), OutputFormat::Csv);
    let files = files.unwrap_or_else(|e| panic!("{e}"));
    let truth = std::fs::read_to_string(&files.truth).unwrap_or_default();
    assert_eq!(truth.lines().count(), sim.truth.len() + 1);
    assert!(truth.starts_with("season,round,track,driver,stint,compound,"));
    let laps = std::fs::read_to_string(&files.laps).unwrap_or_default();
    assert_eq!(laps.lines().count(), sim.laps.len() + 1);
    let tracks = std::fs::read_to_string(&files.tracks).unwrap_or_default();
    assert_eq!(tracks.lines().count(), sim.config.tracks + 1);
    let json = std::fs::read_to_string(&files.config).unwrap_or_default();
    assert!(json.contains("\"seed\": 12"), "{json}");
}

#[test]
fn written_files_load_back_into_the_same_laps_and_tables() {
    use tiredeg_laps::{load_keyed_table, load_laps, LapSource, LoadOptions};

    let sim = simulate(&config(300, 13));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let out = dir.path().join(format.as_str());
        let files = write_simulation(&sim, &out, format).unwrap_or_else(|e| panic!("{e}"));
        let loaded = load_laps(&[LapSource::new(&files.laps)], &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.laps.len(), sim.laps.len(), "{format}");
        assert!(
            loaded.laps == sim.laps,
            "{format} laps differ after loading"
        );
        let tracks = load_keyed_table(&files.tracks, "track").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tracks, sim.tracks);
        let drivers = load_keyed_table(&files.drivers, "driver").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(drivers, sim.drivers);
    }
}

#[test]
fn a_file_in_the_way_of_the_output_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    let blocker = dir.path().join("taken");
    std::fs::write(&blocker, "x").unwrap_or_else(|e| panic!("{e}"));
    let sim = simulate(&config(20, 1));
    let error = write_simulation(&sim, &blocker, OutputFormat::Csv);
    let message = error.map(|_| ()).unwrap_err().to_string();
    assert!(message.contains("taken"), "{message}");
}

#[test]
fn output_format_names_parse() {
    assert_eq!("CSV".parse::<OutputFormat>().ok(), Some(OutputFormat::Csv));
    assert_eq!(
        "parquet".parse::<OutputFormat>().ok(),
        Some(OutputFormat::Parquet)
    );
    let message = "xlsx".parse::<OutputFormat>().unwrap_err().to_string();
    assert!(message.contains("\"xlsx\""), "{message}");
}

/// Run with `cargo test -p tiredeg-sim -- --ignored --nocapture`.
#[test]
#[ignore = "a timing measurement, not a check"]
fn time_a_million_laps() {
    let started = std::time::Instant::now();
    let sim = simulate(&config(39_000, 1));
    let simulated = started.elapsed().as_secs_f64();

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"));
    let started = std::time::Instant::now();
    let parquet = write_simulation(&sim, &dir.path().join("parquet"), OutputFormat::Parquet);
    let parquet_s = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let csv = write_simulation(&sim, &dir.path().join("csv"), OutputFormat::Csv);
    let csv_s = started.elapsed().as_secs_f64();
    assert!(parquet.is_ok() && csv.is_ok());
    assert!(sim.laps.len() > 950_000, "{} laps", sim.laps.len());

    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "{} laps, {} stints: simulate {simulated:.2} s, write parquet {parquet_s:.2} s, \
             write csv {csv_s:.2} s",
            sim.laps.len(),
            sim.truth.len(),
        );
    }
}
