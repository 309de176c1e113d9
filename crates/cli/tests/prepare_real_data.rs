//! End to end through the binary: `tiredeg prepare` on the five real
//! FastF1 seasons in `shared/data/f1-laps`.
//!
//! The stint values below were computed by `scripts/reference_targets.py`,
//! an independent standard-library reading of SPEC sections 2 and 3 that
//! shares no code with tiredeg; the row counts by counting the CSV rows
//! and the rows without a stint number.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The real data sits in `shared/` beside the checkout, in CI too.
fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/f1-laps");
    assert!(
        dir.is_dir(),
        "{} not found: the real FastF1 seasons are needed",
        dir.display()
    );
    dir
}

/// A stint as the reference script computed it.
struct Expected {
    season: &'static str,
    round: &'static str,
    driver: &'static str,
    stint: &'static str,
    clean_laps: usize,
    cliff_age: Option<f64>,
    rate: f64,
    life: f64,
}

const fn expected(
    key: (&'static str, &'static str, &'static str, &'static str),
    clean_laps: usize,
    cliff_age: Option<f64>,
    rate: f64,
    life: f64,
) -> Expected {
    Expected {
        season: key.0,
        round: key.1,
        driver: key.2,
        stint: key.3,
        clean_laps,
        cliff_age,
        rate,
        life,
    }
}

fn tiredeg() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tiredeg"))
}

/// One row of stints.csv as (column -> value).
fn stints(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(line.split(',').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn prepares_five_real_seasons() {
    let data = data_dir();
    let out = tempfile::tempdir().unwrap();
    let pattern = format!("{}/transformed_grand_prix_laps_*.csv", data.display());
    let output = tiredeg()
        .args(["-q", "prepare", "--laps", &pattern, "--csv", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "prepare failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("laps read: 111305 from 5 file(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("missing stint 344"), "{stdout}");
    assert!(
        stdout.contains("warning: the data mixes tire specification eras"),
        "{stdout}"
    );

    for file in [
        "stints.parquet",
        "samples.parquet",
        "stints.csv",
        "samples.csv",
        "prepare_report.json",
        "history.json",
        "training_config.yaml",
        "degradation_rate.svg",
        "usable_life.svg",
        "cliff_age.svg",
    ] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("prepare_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["laps"]["read"], 111305);
    assert_eq!(report["load"]["left_out"]["missing stint"], 344);
    let modelled = report["stints"]["modelled"].as_u64().unwrap();
    let rows = stints(&out.path().join("stints.csv"));
    assert_eq!(rows.len() as u64, modelled);
    // k = 0 gives one sample per modelled stint.
    assert_eq!(report["samples_per_k"]["0"].as_u64().unwrap(), modelled);

    let stints_expected = [
        expected(
            ("2019", "1", "VER", "1"),
            23,
            Some(25.0),
            -0.014083333333334431,
            25.0,
        ),
        expected(
            ("2019", "1", "VET", "2"),
            42,
            Some(37.0),
            0.04342307692307766,
            37.0,
        ),
        expected(
            ("2019", "5", "LEC", "1"),
            23,
            Some(23.0),
            0.004499999999996618,
            23.0,
        ),
        expected(
            ("2019", "1", "BOT", "2"),
            33,
            None,
            0.04967824074074033,
            40.25907460043834,
        ),
        expected(
            ("2019", "10", "BOT", "3"),
            6,
            None,
            0.667333333333327,
            2.9970029970030256,
        ),
        expected(
            ("2019", "1", "HAM", "1"),
            13,
            None,
            -0.028700000000001325,
            80.0,
        ),
    ];
    for e in stints_expected {
        let name = format!("{}/{} {} stint {}", e.season, e.round, e.driver, e.stint);
        let row = rows
            .iter()
            .find(|r| {
                r["season"] == e.season
                    && r["round"] == e.round
                    && r["driver"] == e.driver
                    && r["stint"] == e.stint
            })
            .unwrap_or_else(|| panic!("{name} not prepared"));
        assert_eq!(
            row["n_clean_laps"].parse::<usize>().unwrap(),
            e.clean_laps,
            "{name}"
        );
        assert_eq!(row["cliff"] == "true", e.cliff_age.is_some(), "{name}");
        if let Some(age) = e.cliff_age {
            assert_eq!(row["cliff_age"].parse::<f64>().unwrap(), age, "{name}");
        }
        let rate: f64 = row["degradation_rate"].parse().unwrap();
        assert!(
            (rate - e.rate).abs() < 1e-9,
            "{name}: rate {rate} != {}",
            e.rate
        );
        let life: f64 = row["usable_life"].parse().unwrap();
        assert!(
            (life - e.life).abs() < 1e-9,
            "{name}: life {life} != {}",
            e.life
        );
    }
}

#[test]
fn missing_laps_file_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let output = tiredeg()
        .args(["prepare", "--laps", "/nonexistent/laps_*.csv", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/laps_*.csv"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn malformed_lap_time_names_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let laps = dir.path().join("laps.csv");
    std::fs::write(
        &laps,
        "season,round,event,driver,stint,lap_number,compound,lap_time_s\n\
         2024,1,Test GP,AAA,1,1,SOFT,91.5\n\
         2024,1,Test GP,AAA,1,2,SOFT,fast\n",
    )
    .unwrap();
    let output = tiredeg()
        .args(["prepare", "--laps"])
        .arg(&laps)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Rows are counted from the first data row, as the loader documents.
    assert!(
        stderr.contains("laps.csv row 2, column lap_time_s: \"fast\""),
        "{stderr}"
    );
}
