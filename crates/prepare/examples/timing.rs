//! Times `prepare` on the five real seasons in `shared/data/f1-laps`.
//!
//! Run with `cargo run -p tiredeg-prepare --example timing` (the dev
//! profile is optimised). Prints the load time, the best of five
//! preparation times (TIMING_RUNS
//! sets the number of runs;
//! TIMING_OUT=dir also writes the prepared tables there, with CSV) and the main counts.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use tiredeg_config::TrainingConfig;
use tiredeg_laps::{load_laps, LapSource, LoadOptions};
use tiredeg_prepare::{prepare, PrepareOptions, Tables};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/f1-laps"
    ));
    let sources: Vec<LapSource> = (2018..=2022)
        .map(|y| LapSource::new(dir.join(format!("transformed_grand_prix_laps_{y}.csv"))))
        .collect();

    let started = Instant::now();
    let loaded = load_laps(&sources, &LoadOptions::default())?;
    println!(
        "loaded {} laps in {:?}",
        loaded.laps.len(),
        started.elapsed()
    );

    let config = TrainingConfig::default();
    let mut best = None;
    let mut prepared = None;
    let runs: usize = std::env::var("TIMING_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for _ in 0..runs {
        let started = Instant::now();
        let result = prepare(
            &loaded.laps,
            &Tables::default(),
            &config,
            &PrepareOptions::default(),
        )?;
        let elapsed = started.elapsed();
        best = Some(best.map_or(elapsed, |b: std::time::Duration| b.min(elapsed)));
        prepared = Some(result);
    }
    let prepared = prepared.ok_or("no run")?;
    println!("prepare: best of {runs} {:?}", best.unwrap_or_default());
    let report = &prepared.report;
    println!(
        "stints found {} modelled {} (cliffs {}), samples {} -> {} after oversampling",
        report.stints.found,
        report.stints.modelled,
        report.stints.with_cliff,
        report.samples,
        report.samples_after_oversampling
    );
    println!("{}", serde_json::to_string_pretty(report)?);
    if let Ok(dir) = std::env::var("TIMING_OUT") {
        let files = tiredeg_prepare::write_prepared(std::path::Path::new(&dir), &prepared, true)?;
        println!("wrote {files:?}");
    }
    Ok(())
}
