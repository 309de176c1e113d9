//! Writing a simulation to a folder, in the files the other commands read.
//!
//! Laps go through the lap crate's own writers, so a simulated data set is
//! byte for byte what `tiredeg` would write for real laps. The truth table
//! is plain CSV with one row per stint; `sim_config.json` records what was
//! simulated, so the folder says how to make itself again. Nothing written
//! depends on the clock or on hash order: the same simulation gives the
//! same bytes.

use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use tiredeg_laps::{write_keyed_table_csv, write_laps_csv, write_laps_parquet, LapsError};

use crate::{SimConfig, Simulation, StintTruth};

/// The columns of `truth.csv`, in file order.
pub const TRUTH_COLUMNS: [&str; 22] = [
    "season",
    "round",
    "track",
    "driver",
    "stint",
    "compound",
    "compound_code",
    "first_lap",
    "last_lap",
    "start_tire_age",
    "fresh_tire",
    "track_temp_c",
    "tire_wear_rate",
    "true_degradation_rate",
    "true_cliff_age",
    "latent_cliff_age",
    "cliff_slope",
    "laps_past_cliff",
    "true_usable_life",
    "wet_event",
    "retired",
    "stint_laps",
];

/// An error configuring or writing a simulation.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A configuration field is out of range.
    #[error("sim config {field} = {value} is out of range (expected {expected})")]
    InvalidConfig {
        /// The field.
        field: &'static str,
        /// Its value, as text.
        value: String,
        /// What would be accepted.
        expected: &'static str,
    },
    /// The output folder or a file in it could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A lap or table file could not be written.
    #[error(transparent)]
    Laps(#[from] LapsError),
    /// The truth or configuration file could not be encoded.
    #[error("cannot write {}: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An output format name that is neither `csv` nor `parquet`.
    #[error("unknown output format {0:?} (expected csv or parquet)")]
    UnknownFormat(String),
}

/// The file format of the laps (the other files are always CSV or JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `laps.csv`.
    Csv,
    /// `laps.parquet` (Snappy).
    Parquet,
}

impl OutputFormat {
    /// The file extension and format name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = SimError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(OutputFormat::Csv),
            "parquet" | "pq" => Ok(OutputFormat::Parquet),
            _ => Err(SimError::UnknownFormat(text.to_string())),
        }
    }
}

/// The files a simulation was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimFiles {
    /// `laps.csv` or `laps.parquet`.
    pub laps: PathBuf,
    /// `tracks.csv`.
    pub tracks: PathBuf,
    /// `drivers.csv`.
    pub drivers: PathBuf,
    /// `truth.csv`.
    pub truth: PathBuf,
    /// `sim_config.json`.
    pub config: PathBuf,
}

/// What `sim_config.json` holds.
#[derive(Serialize)]
struct ConfigRecord<'a> {
    generator: &'static str,
    version: &'static str,
    config: &'a SimConfig,
    events: usize,
    stints: usize,
    laps: usize,
}

/// Writes the simulation into `out_dir` (created if absent); existing
/// files of the same names are replaced.
pub fn write_simulation(
    sim: &Simulation,
    out_dir: &Path,
    format: OutputFormat,
) -> Result<SimFiles, SimError> {
    fs::create_dir_all(out_dir).map_err(|source| SimError::Io {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let files = SimFiles {
        laps: out_dir.join(format!("laps.{format}")),
        tracks: out_dir.join("tracks.csv"),
        drivers: out_dir.join("drivers.csv"),
        truth: out_dir.join("truth.csv"),
        config: out_dir.join("sim_config.json"),
    };

    match format {
        OutputFormat::Csv => write_laps_csv(&files.laps, &sim.laps)?,
        OutputFormat::Parquet => write_laps_parquet(&files.laps, &sim.laps)?,
    }
    write_keyed_table_csv(&files.tracks, &sim.tracks)?;
    write_keyed_table_csv(&files.drivers, &sim.drivers)?;
    write_truth_csv(&files.truth, &sim.truth)?;
    write_config(&files.config, sim)?;
    Ok(files)
}

fn write_config(path: &Path, sim: &Simulation) -> Result<(), SimError> {
    let record = ConfigRecord {
        generator: "tiredeg-sim",
        version: env!("CARGO_PKG_VERSION"),
        config: &sim.config,
        events: sim.event_count(),
        stints: sim.truth.len(),
        laps: sim.laps.len(),
    };
    let encode = |message: String| SimError::Encode {
        path: path.to_path_buf(),
        message,
    };
    let mut text = serde_json::to_string_pretty(&record).map_err(|e| encode(e.to_string()))?;
    text.push('\n');
    fs::write(path, text).map_err(|source| SimError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes one row per stint, columns as [`TRUTH_COLUMNS`]; a `None` is an
/// empty cell.
pub fn write_truth_csv(path: &Path, truth: &[StintTruth]) -> Result<(), SimError> {
    let encode = |e: csv::Error| SimError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut writer = csv::Writer::from_path(path).map_err(encode)?;
    writer.write_record(TRUTH_COLUMNS).map_err(encode)?;
    let mut cells: [String; TRUTH_COLUMNS.len()] = Default::default();
    for stint in truth {
        truth_cells(stint, &mut cells);
        writer.write_record(&cells).map_err(encode)?;
    }
    writer.flush().map_err(|source| SimError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn truth_cells(stint: &StintTruth, cells: &mut [String; TRUTH_COLUMNS.len()]) {
    for cell in cells.iter_mut() {
        cell.clear();
    }
    let optional = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    // Writing into a String cannot fail.
    let _ = write!(cells[0], "{}", stint.season);
    let _ = write!(cells[1], "{}", stint.round);
    cells[2].push_str(&stint.track);
    cells[3].push_str(&stint.driver);
    let _ = write!(cells[4], "{}", stint.stint);
    cells[5].push_str(stint.compound.as_str());
    cells[6].push_str(stint.compound_code.as_deref().unwrap_or(""));
    let _ = write!(cells[7], "{}", stint.first_lap);
    let _ = write!(cells[8], "{}", stint.last_lap);
    let _ = write!(cells[9], "{}", stint.start_tire_age);
    let _ = write!(cells[10], "{}", stint.fresh_tire);
    let _ = write!(cells[11], "{}", stint.track_temp_c);
    let _ = write!(cells[12], "{}", stint.tire_wear_rate);
    let _ = write!(cells[13], "{}", stint.true_degradation_rate);
    cells[14] = optional(stint.true_cliff_age);
    cells[15] = optional(stint.latent_cliff_age);
    let _ = write!(cells[16], "{}", stint.cliff_slope);
    let _ = write!(cells[17], "{}", stint.laps_past_cliff);
    let _ = write!(cells[18], "{}", stint.true_usable_life);
    let _ = write!(cells[19], "{}", stint.wet_event);
    let _ = write!(cells[20], "{}", stint.retired);
    let _ = write!(cells[21], "{}", stint.last_lap - stint.first_lap + 1);
}
