//! The command line, as a strategy engineer types it.
//!
//! Flags are named after the domain (`--laps`, `--model-type`, `--version`)
//! and every command that reads data accepts the same data flags, so a
//! command line that prepares data also trains and evaluates on it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Tire degradation models for race strategy.
#[derive(Debug, Parser)]
#[command(name = "tiredeg", version, about, long_about = None)]
pub struct Cli {
    /// Only warnings and errors on standard error.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write simulated laps, track and driver tables and the true
    /// degradation of every stint.
    Simulate(SimulateArgs),
    /// Turn laps into stints, targets, features and splits.
    Prepare(PrepareArgs),
    /// Train a model, evaluate it on the test split and register it.
    Train(TrainArgs),
    /// Score a registered model on data, with baselines.
    Evaluate(EvaluateArgs),
    /// Train several model types on the same splits and compare them.
    Compare(CompareArgs),
    /// Cross-validate a model type with folds grouped by event.
    Cv(CvArgs),
    /// Predict degradation, usable life and cliff with a registered model.
    Predict(PredictArgs),
    /// Inspect the model registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
}

/// Output file format of `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// Comma-separated text.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// `tiredeg simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Number of stints to simulate (approximately).
    #[arg(long, default_value_t = 3000)]
    pub stints: usize,
    /// Random seed; the same seed writes the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Laps file format.
    #[arg(long, value_enum, default_value_t = FileFormat::Parquet)]
    pub format: FileFormat,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// Where laps come from and how they are prepared; shared by every
/// command that reads data.
#[derive(Debug, Args, Clone, Default)]
pub struct DataArgs {
    /// FastF1 weather_data tables, one per laps file, in the same order.
    #[arg(long, num_args = 1..)]
    pub weather: Vec<PathBuf>,
    /// Track ratings table (CSV or Parquet, key column `track`).
    #[arg(long)]
    pub tracks: Option<PathBuf>,
    /// Driver table (CSV or Parquet, key column `driver`).
    #[arg(long)]
    pub drivers: Option<PathBuf>,
    /// Season of each laps file that has no season column.
    #[arg(long, num_args = 1..)]
    pub season: Vec<i32>,
    /// Round of each laps file that has no round column.
    #[arg(long, num_args = 1..)]
    pub round: Vec<u32>,
    /// Event name of each laps file that has no event column.
    #[arg(long, num_args = 1..)]
    pub event: Vec<String>,
    /// Training configuration (YAML); the SPEC defaults when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Split by event hash or by season.
    #[arg(long, value_enum)]
    pub split: Option<SplitArg>,
    /// Temporal split: the first test season (default: the latest).
    #[arg(long)]
    pub test_from: Option<i32>,
    /// Skip malformed rows, counting them, instead of failing.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// `--split`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// SHA-256 of the event, seeded.
    Hash,
    /// Later seasons are test.
    Temporal,
}

/// `tiredeg prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Laps files or glob patterns (native schema or FastF1, CSV or Parquet).
    #[arg(long, num_args = 1.., required = true)]
    pub laps: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Also write stints.csv and samples.csv.
    #[arg(long)]
    pub csv: bool,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// `tiredeg train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// xgboost, lightgbm or ensemble.
    #[arg(long, default_value = "ensemble")]
    pub model_type: String,
    /// Laps files, globs, or a directory written by `tiredeg prepare`.
    #[arg(long, num_args = 1.., required = true)]
    pub data_path: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Train with the configured hyperparameters, without a search.
    #[arg(long)]
    pub no_optimize: bool,
    /// Semantic version to register the model under.
    #[arg(long)]
    pub version: String,
    /// Aliases to point at the new version (e.g. staging).
    #[arg(long, num_args = 1..)]
    pub alias: Vec<String>,
    /// Train even with fewer stints than the configured minimum.
    #[arg(long)]
    pub allow_small: bool,
    /// Write the test-split report (JSON) here.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Registry directory.
    #[arg(long, default_value = "tiredeg-registry", env = "TIREDEG_REGISTRY")]
    pub registry: PathBuf,
}

/// `tiredeg evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Version or alias of a registered model.
    #[arg(long)]
    pub version: String,
    /// Laps files, globs, or a prepared directory.
    #[arg(long, num_args = 1.., required = true)]
    pub data_path: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Which samples to score: the test split, or all (auto: all when
    /// the data shares no event with the model's training data).
    #[arg(long, value_enum, default_value_t = EvalScope::Auto)]
    pub on: EvalScope,
    /// Report file (JSON); an HTML report is written beside it.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Registry directory.
    #[arg(long, default_value = "tiredeg-registry", env = "TIREDEG_REGISTRY")]
    pub registry: PathBuf,
}

/// `evaluate --on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalScope {
    /// Test split when the data overlaps the training events, else all.
    Auto,
    /// The test split only.
    Test,
    /// Every sample.
    All,
}

/// `tiredeg compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Model types to compare.
    #[arg(long, num_args = 1.., default_values_t = ["xgboost".to_string(), "lightgbm".to_string(), "ensemble".to_string()])]
    pub model_type: Vec<String>,
    /// Laps files, globs, or a prepared directory.
    #[arg(long, num_args = 1.., required = true)]
    pub data_path: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Train even with fewer stints than the configured minimum.
    #[arg(long)]
    pub allow_small: bool,
    /// Report file (JSON list); an HTML report is written beside it.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `tiredeg cv`.
#[derive(Debug, Args)]
pub struct CvArgs {
    /// Model type.
    #[arg(long, default_value = "ensemble")]
    pub model_type: String,
    /// Number of folds, grouped by event.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Laps files, globs, or a prepared directory.
    #[arg(long, num_args = 1.., required = true)]
    pub data_path: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Train even with fewer stints than the configured minimum.
    #[arg(long)]
    pub allow_small: bool,
    /// Summary file (JSON).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `tiredeg predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Version or alias of a registered model.
    #[arg(long)]
    pub version: String,
    /// Laps files, globs, or a prepared directory.
    #[arg(long, num_args = 1.., required = true)]
    pub data_path: Vec<String>,
    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,
    /// Predictions file (CSV); standard output when absent.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Registry directory.
    #[arg(long, default_value = "tiredeg-registry", env = "TIREDEG_REGISTRY")]
    pub registry: PathBuf,
}

/// `tiredeg registry ...`.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Every registered version with its aliases and headline metrics.
    List {
        /// Registry directory.
        #[arg(long, default_value = "tiredeg-registry", env = "TIREDEG_REGISTRY")]
        registry: PathBuf,
    },
    /// One version (or alias) in full.
    Show {
        /// Version or alias.
        version: String,
        /// Registry directory.
        #[arg(long, default_value = "tiredeg-registry", env = "TIREDEG_REGISTRY")]
        registry: PathBuf,
    },
}
