//! From the command line's data flags to a prepared sample set.
//!
//! Every command that reads data takes `--data-path` (or `--laps`): either
//! laps files and glob patterns, which are loaded and prepared on the way,
//! or a directory written by `tiredeg prepare`, whose samples are read as
//! they were prepared. Both give the same [`Dataset`], so `train`,
//! `evaluate`, `compare`, `cv` and `predict` do not care which was given.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tiredeg_config::{SplitMethod, TrainingConfig};
use tiredeg_laps::{expand_globs, load_keyed_table, load_laps, LapSource, LoadOptions, LoadedLaps};
use tiredeg_prepare::{
    prepare, read_history, read_samples, History, PrepareOptions, PrepareReport, SampleSet, Tables,
};

use crate::args::{DataArgs, SplitArg};

/// Prepared samples, wherever they came from.
pub struct Dataset {
    /// The samples and their schema.
    pub samples: SampleSet,
    /// The point-in-time history after these samples' events.
    pub history: Option<History>,
    /// What preparation counted, when it is known.
    pub report: Option<PrepareReport>,
    /// What the data was, for logs and reports.
    pub description: String,
}

/// The configuration: the file given, else the defaults, with the
/// command line's split flags on top; checked.
pub fn load_config(args: &DataArgs) -> Result<TrainingConfig> {
    let mut config = match &args.config {
        Some(path) => TrainingConfig::from_file(path)?,
        None => TrainingConfig::default(),
    };
    if let Some(split) = args.split {
        config.split.method = match split {
            SplitArg::Hash => SplitMethod::Hash,
            SplitArg::Temporal => SplitMethod::Temporal,
        };
    }
    if let Some(season) = args.test_from {
        if config.split.method != SplitMethod::Temporal {
            bail!("--test-from {season} needs --split temporal");
        }
        config.split.test_from_season = Some(season);
    }
    config.validate()?;
    Ok(config)
}

/// The prepared directory named by `paths`, if it is one.
fn prepared_dir(paths: &[String]) -> Option<PathBuf> {
    match paths {
        [one] => {
            let path = Path::new(one);
            (path.is_dir() && path.join("samples.parquet").is_file()).then(|| path.to_path_buf())
        }
        _ => None,
    }
}

/// Loads laps and prepares them, or reads a prepared directory.
///
/// `prior` is the history a model knew; it feeds the history features of
/// freshly prepared laps (a prepared directory keeps the features it was
/// prepared with).
pub fn load_dataset(
    paths: &[String],
    args: &DataArgs,
    config: &TrainingConfig,
    prior: Option<&History>,
) -> Result<Dataset> {
    if let Some(dir) = prepared_dir(paths) {
        return read_prepared(&dir, args);
    }
    if let [one] = paths {
        let path = Path::new(one);
        if path.is_dir() {
            bail!(
                "{} is a directory without samples.parquet: give laps files, or a directory written by `tiredeg prepare`",
                path.display()
            );
        }
    }

    let loaded = load_lap_files(paths, args)?;
    let tables = load_tables(args)?;
    let options = PrepareOptions {
        prior,
        ..PrepareOptions::default()
    };
    let prepared = prepare(&loaded.laps, &tables, config, &options).context("preparing laps")?;
    Ok(Dataset {
        samples: prepared.samples,
        history: Some(prepared.history),
        report: Some(prepared.report),
        description: format!(
            "{} laps from {} file(s)",
            loaded.laps.len(),
            loaded.files.len()
        ),
    })
}

fn read_prepared(dir: &Path, args: &DataArgs) -> Result<Dataset> {
    if args.split.is_some() || args.test_from.is_some() {
        bail!(
            "the samples in {} were split when they were prepared; run `tiredeg prepare` again with --split, or give the laps files",
            dir.display()
        );
    }
    let samples = read_samples(&dir.join("samples.parquet"))?;
    let history_path = dir.join("history.json");
    let history = if history_path.is_file() {
        Some(read_history(&history_path)?)
    } else {
        None
    };
    let report_path = dir.join("prepare_report.json");
    let report = if report_path.is_file() {
        let text = std::fs::read_to_string(&report_path)
            .with_context(|| format!("reading {}", report_path.display()))?;
        serde_json::from_str(&text).ok()
    } else {
        None
    };
    Ok(Dataset {
        description: format!(
            "{} samples prepared in {}",
            samples.samples.len(),
            dir.display()
        ),
        samples,
        history,
        report,
    })
}

/// Expands the patterns and loads every laps file with its per-file
/// weather, season, round and event.
pub fn load_lap_files(patterns: &[String], args: &DataArgs) -> Result<LoadedLaps> {
    let paths = expand_globs(patterns)?;
    let per_file = |what: &str, given: usize| -> Result<()> {
        if given > 1 && given != paths.len() {
            bail!(
                "{given} values of {what} for {} laps files: give one per file, in the same order",
                paths.len()
            );
        }
        Ok(())
    };
    per_file("--weather", args.weather.len())?;
    per_file("--season", args.season.len())?;
    per_file("--round", args.round.len())?;
    per_file("--event", args.event.len())?;
    if paths.len() > 1 && (args.round.len() == 1 || args.event.len() == 1) {
        bail!("one --round or --event for several laps files: give one per file");
    }
    if paths.len() > 1 && args.weather.len() == 1 {
        bail!("one --weather for several laps files: give one per file");
    }

    let sources: Vec<LapSource> = paths
        .iter()
        .enumerate()
        .map(|(index, path)| LapSource {
            path: path.clone(),
            weather: pick(&args.weather, index),
            season: pick(&args.season, index),
            round: pick(&args.round, index),
            event: pick(&args.event, index),
        })
        .collect();
    let options = LoadOptions {
        skip_bad_rows: args.skip_bad_rows,
    };
    Ok(load_laps(&sources, &options)?)
}

/// The value for file `index`: one value serves every file.
fn pick<T: Clone>(values: &[T], index: usize) -> Option<T> {
    if values.len() == 1 {
        values.first().cloned()
    } else {
        values.get(index).cloned()
    }
}

/// The track and driver tables given on the command line.
pub fn load_tables(args: &DataArgs) -> Result<Tables> {
    Ok(Tables {
        tracks: args
            .tracks
            .as_deref()
            .map(|path| load_keyed_table(path, "track"))
            .transpose()?,
        drivers: args
            .drivers
            .as_deref()
            .map(|path| load_keyed_table(path, "driver"))
            .transpose()?,
    })
}
