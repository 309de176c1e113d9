//! End to end through the binary: `tiredeg prepare` on the five real
//! FastF1 seasons in `shared/data/f1-laps`.
//!
//! The stint values below were computed by `scripts/reference_targets.py`,
//! an independent standard-library reading of SPEC sections 2 and 3 that
//! shares no code with tiredeg; the row counts by counting the CSV rows
//! and the rows without a stint number.

use std::path::{Path, PathBuf};
use std::process::Command;

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/f1-laps");
    dir.is_dir().then_some(dir)
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
    let Some(data) = data_dir() else {
        eprintln!("shared/data/f1-laps not found; skipping");
        return;
    };
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
    assert!(stdout.contains("laps read: 111305 from 5 file(s)"), "{stdout}");
    assert!(stdout.contains("missing stint 344"), "{stdout}");
    assert!(stdout.contains("warning: the data mixes tire specification eras"), "{stdout}");

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

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("prepare_report.json")).unwrap())
            .unwrap();
    assert_eq!(report["laps"]["read"], 111305);
    assert_eq!(report["load"]["left_out"]["missing stint"], 344);
    let modelled = report["stints"]["modelled"].as_u64().unwrap();
    let rows = stints(&out.path().join("stints.csv"));
    assert_eq!(rows.len() as u64, modelled);
    // k = 0 gives one sample per modelled stint.
    assert_eq!(report["samples_per_k"]["0"].as_u64().unwrap(), modelled);

    // (season, round, driver, stint) -> (clean laps, cliff age, rate, life)
    let expected: [(&str, &str, &str, &str, usize, Option<f64>, f64, f64); 6] = [
        ("2019", "1", "VER", "1", 23, Some(25.0), -0.014083333333334431, 25.0),
        ("2019", "1", "VET", "2", 42, Some(37.0), 0.04342307692307766, 37.0),
        ("2019", "5", "LEC", "1", 23, Some(23.0), 0.004499999999996618, 23.0),
        ("2019", "1", "BOT", "2", 33, None, 0.04967824074074033, 40.25907460043834),
        ("2019", "10", "BOT", "3", 6, None, 0.667333333333327, 2.9970029970030256),
        ("2019", "1", "HAM", "1", 13, None, -0.028700000000001325, 80.0),
    ];
    for (season, round, driver, stint, clean, cliff_age, rate, life) in expected {
        let row = rows
            .iter()
            .find(|r| r["season"] == season && r["round"] == round && r["driver"] == driver && r["stint"] == stint)
            .unwrap_or_else(|| panic!("stint {season}/{round} {driver} {stint} not prepared"));
        assert_eq!(row["n_clean_laps"].parse::<usize>().unwrap(), clean, "{driver} {stint}");
        assert_eq!(row["cliff"] == "true", cliff_age.is_some(), "{driver} {stint}");
        if let Some(age) = cliff_age {
            assert_eq!(row["cliff_age"].parse::<f64>().unwrap(), age);
        }
        let got_rate: f64 = row["degradation_rate"].parse().unwrap();
        assert!((got_rate - rate).abs() < 1e-9, "{driver} {stint}: rate {got_rate} != {rate}");
        let got_life: f64 = row["usable_life"].parse().unwrap();
        assert!((got_life - life).abs() < 1e-9, "{driver} {stint}: life {got_life} != {life}");
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
