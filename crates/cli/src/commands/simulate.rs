//! `tiredeg simulate`: laps with a known truth.

use anyhow::Result;
use tiredeg_sim::{simulate, write_simulation, OutputFormat, SimConfig};

use super::say;
use crate::args::{FileFormat, SimulateArgs};

/// Simulates and writes laps, tables and truth.
pub fn run(args: &SimulateArgs) -> Result<()> {
    let config = SimConfig {
        stints: args.stints,
        seed: args.seed,
        ..SimConfig::default()
    };
    let started = std::time::Instant::now();
    let simulation = simulate(&config);
    let format = match args.format {
        FileFormat::Csv => OutputFormat::Csv,
        FileFormat::Parquet => OutputFormat::Parquet,
    };
    let files = write_simulation(&simulation, &args.out, format)?;
    tracing::info!(
        "simulated {} laps in {} stints over {} events in {:.2} s",
        simulation.laps.len(),
        simulation.truth.len(),
        simulation.event_count(),
        started.elapsed().as_secs_f64()
    );
    say(&format!(
        "laps:    {}\ntracks:  {}\ndrivers: {}\ntruth:   {}",
        files.laps.display(),
        files.tracks.display(),
        files.drivers.display(),
        files.truth.display()
    ));
    Ok(())
}
