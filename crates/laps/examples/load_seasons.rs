//! Times loading the five real seasons in `shared/data/f1-laps`.
//!
//! Run with `cargo run -p tiredeg-laps --example load_seasons`. It prints
//! the best of five loads of all files together (in parallel) and of each
//! file alone, since the first load also warms the page cache.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tiredeg_laps::{load_laps, LapSource, LoadOptions, LoadedLaps};

fn best_of_five(sources: &[LapSource]) -> Result<(Duration, LoadedLaps), tiredeg_laps::LapsError> {
    let mut best = Duration::MAX;
    let mut last = LoadedLaps::default();
    for _ in 0..5 {
        drop(last);
        let start = Instant::now();
        last = load_laps(sources, &LoadOptions::default())?;
        best = best.min(start.elapsed());
    }
    Ok((best, last))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/f1-laps"
    ));
    let sources: Vec<LapSource> = (2018..=2022)
        .map(|year| LapSource::new(dir.join(format!("transformed_grand_prix_laps_{year}.csv"))))
        .collect();

    let (all, loaded) = best_of_five(&sources)?;
    println!("all files: {} laps in {all:?}", loaded.laps.len());
    let mut sum = Duration::ZERO;
    for source in &sources {
        let (one, loaded) = best_of_five(std::slice::from_ref(source))?;
        sum += one;
        println!(
            "  {}: {} laps in {one:?}",
            source.path.display(),
            loaded.laps.len()
        );
    }
    println!("files one at a time: {sum:?}");
    Ok(())
}
