//! Loading laps from many files at once.
//!
//! A training run reads a handful of season files, each in either lap
//! format and either file format. Each file is read on its own (the format
//! is told from the extension, the layout from the header), on as many
//! threads as there are cores, and the results are put together in the
//! order the files were given, so the outcome never depends on which
//! thread finished first. When several files fail, the error reported is
//! that of the first failing file in the given order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::collect::{Collected, LapColumns, LapSink};
use crate::columns::FASTF1_MARKERS;
use crate::fastf1::FastF1Columns;
use crate::native::NativeColumns;
use crate::reader::{FileKind, Header, Table};
use crate::weather::Weather;
use crate::{BadRow, Lap, LapsError};

/// One laps file to load, with what the file itself may not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LapSource {
    /// The laps file (.csv, .parquet or .pq).
    pub path: PathBuf,
    /// A FastF1 weather table to join to the laps (FastF1 laps only).
    pub weather: Option<PathBuf>,
    /// The season, for a FastF1 file with no season column; else taken
    /// from a year in the file name.
    pub season: Option<i32>,
    /// The round, for a FastF1 file with no `RoundNumber` column.
    pub round: Option<u32>,
    /// The event name, for a FastF1 file with no `EventName` column.
    pub event: Option<String>,
}

impl LapSource {
    /// A source with nothing but its path.
    pub fn new(path: impl Into<PathBuf>) -> LapSource {
        LapSource {
            path: path.into(),
            ..LapSource::default()
        }
    }
}

/// How strict a load is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Leave out rows with a malformed value (listing them in
    /// [`LoadedLaps::skipped_bad_rows`]) instead of failing the load.
    pub skip_bad_rows: bool,
}

/// The two lap layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LapFormat {
    /// The native schema of SPEC section 1.1 (snake_case columns).
    Native,
    /// A FastF1 `Laps` export (CamelCase columns).
    FastF1,
}

/// What was read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// The laps file.
    pub path: PathBuf,
    /// CSV or Parquet.
    pub kind: FileKind,
    /// Native or FastF1.
    pub format: LapFormat,
    /// Data rows in the file.
    pub rows: usize,
    /// Laps loaded from it.
    pub laps: usize,
    /// Rows left out for a gap in a required column.
    pub left_out: usize,
    /// Rows skipped as bad (only with [`LoadOptions::skip_bad_rows`]),
    /// weather rows included.
    pub bad_rows: usize,
    /// The weather file joined, if any.
    pub weather: Option<PathBuf>,
    /// Laps that took a weather sample.
    pub weather_matched: usize,
}

/// The laps of all files, with what was left out and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadedLaps {
    /// Every lap loaded, file by file in the order given, each file's laps
    /// in file order.
    pub laps: Vec<Lap>,
    /// One summary per file, in the order given.
    pub files: Vec<FileSummary>,
    /// Laps left out, counted by reason (e.g. "missing stint").
    pub left_out: BTreeMap<String, usize>,
    /// Every row skipped as bad, in file and row order.
    pub skipped_bad_rows: Vec<BadRow>,
}

/// One file's laps and summary, before they are put together. A large
/// file is read in parts, each with its own laps.
struct FileLoad {
    summary: FileSummary,
    parts: Vec<Collected>,
}

/// Loads laps from every source; see the crate docs for the formats.
pub fn load_laps(sources: &[LapSource], options: &LoadOptions) -> Result<LoadedLaps, LapsError> {
    let loads = load_all(sources, options);
    let mut files = Vec::with_capacity(loads.len());
    for load in loads {
        files.push(load?);
    }

    // The first part's laps become the result, so only the others are
    // copied (growing a large vector in place is usually a remap, not a
    // copy).
    let mut parts: Vec<Collected> = Vec::new();
    let mut loaded = LoadedLaps::default();
    for file in files {
        parts.extend(file.parts);
        loaded.files.push(file.summary);
    }
    let total = parts.iter().map(|p| p.laps.len()).sum::<usize>();
    if let Some(first) = parts.first_mut() {
        loaded.laps = std::mem::take(&mut first.laps);
    }
    loaded.laps.reserve_exact(total - loaded.laps.len());
    for part in parts {
        loaded.laps.extend(part.laps);
        for (reason, count) in part.left_out {
            *loaded.left_out.entry(reason.to_string()).or_insert(0) += count;
        }
        loaded.skipped_bad_rows.extend(part.bad_rows);
    }
    Ok(loaded)
}

/// Loads each source, in parallel when there are several, and returns
/// the results in source order.
fn load_all(sources: &[LapSource], options: &LoadOptions) -> Vec<Result<FileLoad, LapsError>> {
    let workers = cores().min(sources.len());
    if workers <= 1 {
        return sources.iter().map(|s| load_file(s, options)).collect();
    }

    // Workers take the next file as they free up, so one large file does
    // not hold back a thread that has a queue of small ones.
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Result<FileLoad, LapsError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(source) = sources.get(index) else {
                            break mine;
                        };
                        mine.push((index, load_file(source, options)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                // A panic in a worker is a bug, not bad input: pass it on.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, load)| load).collect()
}

/// Reads the laps of an opened file in `parts` pieces (see
/// [`Table::read_parts`]) by its layout's columns; returns the row count
/// and what each piece collected, in file order.
fn read_laps<C>(
    table: Table,
    path: &Path,
    header: &Header,
    columns: &C,
    parts: usize,
    new_collected: impl Fn() -> Collected + Sync,
) -> Result<(usize, Vec<Collected>), LapsError>
where
    C: LapColumns + Clone + Send + Sync,
{
    let make = || LapSink {
        file: path,
        header,
        columns: columns.clone(),
        collected: new_collected(),
    };
    let (rows, sinks) = table.read_parts(&columns.used(), parts, make)?;
    Ok((rows, sinks.into_iter().map(|s| s.collected).collect()))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Loads one laps file and joins its weather.
///
/// Besides the file-level parallelism of [`load_all`], a large plain CSV
/// file is cut into one piece per core. With five seasons on two cores
/// that keeps both cores busy to the end instead of leaving one idle
/// while the other reads the fifth file.
fn load_file(source: &LapSource, options: &LoadOptions) -> Result<FileLoad, LapsError> {
    let path = source.path.as_path();
    let kind = FileKind::of(path)?;
    let table = Table::open(path)?;
    let header = table.header().clone();
    let format = if FASTF1_MARKERS.iter().any(|m| header.has(m)) && !header.has("lap_number") {
        LapFormat::FastF1
    } else {
        LapFormat::Native
    };
    let parts = cores();
    // About 170 bytes per row in the FastF1 exports; a guess within a
    // factor of two spares most of the regrowing of the lap vectors.
    let capacity = match kind {
        FileKind::Csv => std::fs::metadata(path).map_or(0, |m| m.len() as usize / 170 / parts),
        FileKind::Parquet => 0,
    };
    let new_collected = || Collected::new(options.skip_bad_rows, capacity);

    let (rows, mut parts) = match format {
        LapFormat::Native => {
            if let Some(weather) = &source.weather {
                return Err(LapsError::WeatherForNativeLaps {
                    laps: path.to_path_buf(),
                    weather: weather.clone(),
                });
            }
            let columns = NativeColumns::resolve(path, &header)?;
            read_laps(table, path, &header, &columns, parts, new_collected)?
        }
        LapFormat::FastF1 => {
            let columns = FastF1Columns::resolve(path, &header, source)?;
            read_laps(table, path, &header, &columns, parts, new_collected)?
        }
    };

    let weather_matched = match &source.weather {
        Some(weather_path) => join_weather(path, weather_path, options, &mut parts)?,
        None => 0,
    };

    let summary = FileSummary {
        path: path.to_path_buf(),
        kind,
        format,
        rows,
        laps: parts.iter().map(|p| p.laps.len()).sum(),
        left_out: parts.iter().flat_map(|p| p.left_out.values()).sum(),
        bad_rows: parts.iter().map(|p| p.bad_rows.len()).sum(),
        weather: source.weather.clone(),
        weather_matched,
    };
    Ok(FileLoad { summary, parts })
}

fn join_weather(
    laps_path: &Path,
    weather_path: &Path,
    options: &LoadOptions,
    parts: &mut [Collected],
) -> Result<usize, LapsError> {
    let weather = Weather::read(weather_path, options.skip_bad_rows)?;
    let matched = weather.join(laps_path, weather_path, parts)?;
    if let Some(last) = parts.last_mut() {
        last.bad_rows.extend(weather.bad_rows);
    }
    Ok(matched)
}

/// Expands glob patterns into file paths: each pattern's matches sorted,
/// patterns in the order given, a file matched twice listed once. A
/// pattern that matches nothing is an error, so a typo is not mistaken for
/// an empty data set.
pub fn expand_globs(patterns: &[String]) -> Result<Vec<PathBuf>, LapsError> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for pattern in patterns {
        let entries = glob::glob(pattern).map_err(|e| LapsError::BadPattern {
            pattern: pattern.clone(),
            message: e.to_string(),
        })?;
        let mut matched = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| LapsError::Io {
                file: e.path().to_path_buf(),
                source: e.into(),
            })?;
            if path.is_file() {
                matched.push(path);
            }
        }
        if matched.is_empty() {
            return Err(LapsError::NoFiles {
                pattern: pattern.clone(),
            });
        }
        matched.sort();
        for path in matched {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Compound;

    const NATIVE_HEADER: &str = "season,round,event,driver,stint,lap_number,compound,lap_time_s";

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn load(path: &Path, skip_bad_rows: bool) -> Result<LoadedLaps, LapsError> {
        load_laps(&[LapSource::new(path)], &LoadOptions { skip_bad_rows })
    }

    #[test]
    fn empty_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let nothing = write(dir.path(), "nothing.csv", "");
        let header_only = write(dir.path(), "header.csv", &format!("{NATIVE_HEADER}\n"));
        for path in [nothing, header_only] {
            match load(&path, false) {
                Err(LapsError::Empty { file }) => assert_eq!(file, path),
                other => panic!("expected Empty, got {other:?}"),
            }
        }
    }

    #[test]
    fn missing_required_column_names_column_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "laps.csv",
            "season,round,event,driver,lap_number,compound\n2019,1,X,HAM,1,SOFT\n",
        );
        let error = load(&path, false).unwrap_err();
        assert!(matches!(&error, LapsError::MissingColumn { column, .. } if column == "stint"));
        let message = error.to_string();
        assert!(
            message.contains("laps.csv") && message.contains("\"stint\""),
            "{message}"
        );
    }

    #[test]
    fn non_numeric_lap_time_names_file_row_column_value() {
        let dir = tempfile::tempdir().unwrap();
        let text =
            format!("{NATIVE_HEADER}\n2019,1,X,HAM,1,1,SOFT,90.5\n2019,1,X,HAM,1,2,SOFT,abc\n");
        let path = write(dir.path(), "laps.csv", &text);
        let message = load(&path, false).unwrap_err().to_string();
        let expected = format!(
            "{} row 2, column lap_time_s: \"abc\" is not a number",
            path.display()
        );
        assert_eq!(message, expected);
    }

    #[test]
    fn negative_lap_time_is_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{NATIVE_HEADER}\n2019,1,X,HAM,1,1,SOFT,-90.5\n");
        let path = write(dir.path(), "laps.csv", &text);
        match load(&path, false) {
            Err(LapsError::Malformed {
                file,
                row,
                column,
                value,
                reason,
            }) => {
                assert_eq!((file, row), (path, 1));
                assert_eq!((column.as_str(), value.as_str()), ("lap_time_s", "-90.5"));
                assert!(reason.contains("negative"), "{reason}");
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn unknown_compound_and_lap_number_zero_are_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let compound = write(
            dir.path(),
            "compound.csv",
            &format!("{NATIVE_HEADER}\n2019,1,X,HAM,1,1,SUPERSOFTISH,90\n"),
        );
        let message = load(&compound, false).unwrap_err().to_string();
        assert!(message.contains("column compound: \"SUPERSOFTISH\" is not a known compound"));

        let lap_zero = write(
            dir.path(),
            "lap0.csv",
            &format!("{NATIVE_HEADER}\n2019,1,X,HAM,1,0,SOFT,90\n"),
        );
        let message = load(&lap_zero, false).unwrap_err().to_string();
        assert!(
            message.contains("column lap_number: \"0\" is less than 1"),
            "{message}"
        );
    }

    #[test]
    fn skipping_bad_rows_counts_them_and_keeps_gaps_apart() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{NATIVE_HEADER}\n\
             2019,1,X,HAM,1,1,SOFT,90.5\n\
             2019,1,X,HAM,1,2,SOFT,abc\n\
             2019,1,X,HAM,,3,SOFT,91\n\
             2019,1,X,HAM,1,4,PURPLE,91\n\
             2019,1,X,HAM,1,5,,91\n\
             2019,1,X,HAM,1\n"
        );
        let path = write(dir.path(), "laps.csv", &text);
        let loaded = load(&path, true).unwrap();

        assert_eq!(loaded.laps.len(), 1);
        assert_eq!(loaded.laps[0].lap_time_s, Some(90.5));
        assert_eq!(loaded.laps[0].track, "X");
        let rows: Vec<(usize, &str)> = loaded
            .skipped_bad_rows
            .iter()
            .map(|bad| (bad.row, bad.column.as_str()))
            .collect();
        assert_eq!(
            rows,
            [(2, "lap_time_s"), (4, "compound"), (6, "(whole row)")]
        );
        let left_out: Vec<(&str, usize)> = loaded
            .left_out
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        assert_eq!(left_out, [("missing compound", 1), ("missing stint", 1)]);
        assert_eq!(loaded.files[0].rows, 6);
        assert_eq!(loaded.files[0].bad_rows, 3);
        assert_eq!(loaded.files[0].left_out, 2);
    }

    #[test]
    fn invalid_utf8_is_a_bad_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("laps.csv");
        let mut bytes = format!("{NATIVE_HEADER}\n2019,1,X,").into_bytes();
        bytes.extend_from_slice(b"H\xffM,1,1,SOFT,90\n2019,1,X,HAM,1,2,SOFT,91\n");
        std::fs::write(&path, bytes).unwrap();

        let message = load(&path, false).unwrap_err().to_string();
        assert!(message.contains("row 1, column driver"), "{message}");
        let loaded = load(&path, true).unwrap();
        assert_eq!(loaded.laps.len(), 1);
        assert_eq!(loaded.laps[0].lap_number, 2);
        assert_eq!(loaded.skipped_bad_rows[0].row, 1);
    }

    /// A FastF1 `Laps` table as pandas writes it with `to_csv()`: an
    /// unnamed index column, Timedelta strings, floats for whole numbers,
    /// and no event columns (a single session's table).
    const FASTF1_RAW: &str = "\
,Time,Driver,DriverNumber,LapTime,LapNumber,Stint,PitOutTime,PitInTime,Compound,TyreLife,FreshTyre,Team,TrackStatus,IsAccurate,LapStartTime
0,0 days 00:58:03.516000,VER,1,0 days 00:01:40.236000,1.0,1.0,0 days 00:56:20.010000,,SOFT,1.0,True,Red Bull Racing,12.0,False,0 days 00:56:23.280000
1,0 days 00:59:38.000000,VER,1,0 days 00:01:34.484000,2.0,1.0,,,SOFT,2.0,True,Red Bull Racing,1.0,True,0 days 00:58:03.516000
2,0 days 01:01:13.000000,VER,1,0 days 00:01:35,3.0,1.0,,0 days 01:01:10.500000,SOFT,3.0,True,Red Bull Racing,1,True,
3,0 days 01:02:50.000000,VER,1,,4.0,,,,,,,Red Bull Racing,1,False,
";

    #[test]
    fn fastf1_raw_export_with_event_from_source_and_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "bahrain_race_2022.csv", FASTF1_RAW);
        let source = LapSource {
            round: Some(1),
            event: Some("Bahrain Grand Prix".to_string()),
            ..LapSource::new(&path)
        };
        let loaded = load_laps(&[source], &LoadOptions::default()).unwrap();

        assert_eq!(loaded.files[0].format, LapFormat::FastF1);
        assert_eq!(loaded.laps.len(), 3);
        assert_eq!(loaded.left_out.get("missing stint"), Some(&1));
        let first = &loaded.laps[0];
        assert_eq!((first.season, first.round), (2022, 1));
        assert_eq!(first.event, "Bahrain Grand Prix");
        assert_eq!(first.track, "Bahrain Grand Prix");
        assert_eq!(first.driver, "VER");
        assert_eq!(first.lap_time_s, Some(100.236));
        assert_eq!(first.track_status.as_deref(), Some("12"));
        assert_eq!((first.pit_out, first.pit_in), (true, false));
        assert_eq!(first.is_accurate, Some(false));
        assert_eq!(first.fresh_tire, Some(true));
        assert_eq!(first.compound, Compound::Soft);
        assert_eq!(loaded.laps[1].lap_number, 2);
        assert_eq!(loaded.laps[1].track_status.as_deref(), Some("1"));
        let third = &loaded.laps[2];
        assert_eq!(
            (third.lap_time_s, third.pit_in, third.tire_age),
            (Some(95.0), true, Some(3))
        );
    }

    #[test]
    fn fastf1_without_round_asks_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "race_2022.csv", FASTF1_RAW);
        let message = load(&path, false).unwrap_err().to_string();
        assert!(
            message.contains("race_2022.csv") && message.contains("--round"),
            "{message}"
        );

        let no_year = write(dir.path(), "race.csv", FASTF1_RAW);
        let source = LapSource {
            round: Some(1),
            event: Some("Bahrain Grand Prix".to_string()),
            ..LapSource::new(&no_year)
        };
        let message = load_laps(&[source], &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(message.contains("--season"), "{message}");
    }

    #[test]
    fn fastf1_non_whole_lap_number_is_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let text = FASTF1_RAW.replacen(",2.0,1.0,", ",2.5,1.0,", 1);
        let path = write(dir.path(), "race_2022.csv", &text);
        let source = LapSource {
            round: Some(1),
            event: Some("Bahrain Grand Prix".to_string()),
            ..LapSource::new(&path)
        };
        let message = load_laps(&[source], &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(message.ends_with("row 2, column LapNumber: \"2.5\" is not a whole number"));
    }

    #[test]
    fn weather_is_joined_as_of_lap_start() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(dir.path(), "race_2022.csv", FASTF1_RAW);
        // Starts: lap 1 at 3383.28 s (LapStartTime), lap 2 at 3483.516,
        // lap 3 at 3673 - 95 = 3578 (Time - LapTime).
        let weather = write(
            dir.path(),
            "weather.csv",
            ",Time,AirTemp,Humidity,Pressure,Rainfall,TrackTemp,WindDirection,WindSpeed\n\
             0,0 days 00:56:30,24.1,40.0,1010.0,False,31.0,200,1.2\n\
             1,0 days 00:57:30.000000,24.3,41.0,1010.0,False,31.5,200,1.2\n\
             2,0 days 00:59:38,24.9,42.5,1010.0,True,30.0,200,1.2\n",
        );
        let source = LapSource {
            weather: Some(weather),
            round: Some(1),
            event: Some("Bahrain Grand Prix".to_string()),
            ..LapSource::new(&laps)
        };
        let loaded = load_laps(&[source], &LoadOptions::default()).unwrap();
        let weather_of = |i: usize| {
            let lap = &loaded.laps[i];
            (
                lap.air_temp_c,
                lap.humidity_pct,
                lap.track_temp_c,
                lap.rainfall,
            )
        };

        // Lap 1 starts before the first sample: no weather.
        assert_eq!(weather_of(0), (None, None, None, None));
        assert_eq!(
            weather_of(1),
            (Some(24.3), Some(41.0), Some(31.5), Some(false))
        );
        assert_eq!(
            weather_of(2),
            (Some(24.9), Some(42.5), Some(30.0), Some(true))
        );
        assert_eq!(loaded.files[0].weather_matched, 2);
    }

    #[test]
    fn weather_that_matches_no_lap_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(dir.path(), "race_2022.csv", FASTF1_RAW);
        let weather = write(
            dir.path(),
            "weather.csv",
            "Time,AirTemp,TrackTemp,Humidity,Rainfall\n7200.0,20,25,50,False\n",
        );
        let source = LapSource {
            weather: Some(weather.clone()),
            round: Some(1),
            event: Some("Bahrain Grand Prix".to_string()),
            ..LapSource::new(&laps)
        };
        match load_laps(&[source], &LoadOptions::default()) {
            Err(LapsError::WeatherNoMatch { weather: file, .. }) => assert_eq!(file, weather),
            other => panic!("expected WeatherNoMatch, got {other:?}"),
        }
    }

    #[test]
    fn weather_for_native_laps_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(
            dir.path(),
            "laps.csv",
            &format!("{NATIVE_HEADER}\n2019,1,X,HAM,1,1,SOFT,90.5\n"),
        );
        let weather = write(dir.path(), "weather.csv", "Time,AirTemp\n1.0,20\n");
        let source = LapSource {
            weather: Some(weather),
            ..LapSource::new(&laps)
        };
        let result = load_laps(&[source], &LoadOptions::default());
        assert!(matches!(
            result,
            Err(LapsError::WeatherForNativeLaps { .. })
        ));
    }

    #[test]
    fn globs_are_sorted_and_must_match() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b_2020.csv", "a_2019.csv", "notes.txt"] {
            write(dir.path(), name, "x\n");
        }
        let pattern = format!("{}/*.csv", dir.path().display());
        let paths = expand_globs(&[pattern.clone(), pattern]).unwrap();
        let names: Vec<_> = paths.iter().filter_map(|p| p.file_name()).collect();
        assert_eq!(names, ["a_2019.csv", "b_2020.csv"]);

        let missing = format!("{}/*.parquet", dir.path().display());
        match expand_globs(std::slice::from_ref(&missing)) {
            Err(LapsError::NoFiles { pattern }) => assert_eq!(pattern, missing),
            other => panic!("expected NoFiles, got {other:?}"),
        }
    }

    fn real_data() -> Option<PathBuf> {
        let dir = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/f1-laps"
        ));
        if dir.is_dir() {
            Some(dir)
        } else {
            // Printing is the only way to tell a skipped test from a pass.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: {} is absent", dir.display());
            }
            None
        }
    }

    #[test]
    fn real_2019_season_loads_with_known_values() {
        let Some(dir) = real_data() else { return };
        let path = dir.join("transformed_grand_prix_laps_2019.csv");
        let loaded = load(&path, false).unwrap();

        assert_eq!(loaded.laps.len(), 23_675);
        assert!(loaded.left_out.is_empty(), "{:?}", loaded.left_out);
        assert_eq!(loaded.laps.iter().filter(|l| l.pit_in).count(), 690);
        assert_eq!(loaded.laps.iter().filter(|l| l.pit_out).count(), 1_065);
        assert_eq!(
            loaded
                .laps
                .iter()
                .filter(|l| l.lap_time_s.is_none())
                .count(),
            283
        );

        // Row 1: Gasly's opening lap in Melbourne, out of the pit lane.
        let first = &loaded.laps[0];
        assert_eq!((first.season, first.round), (2019, 1));
        assert_eq!(first.event, "Australian Grand Prix");
        assert_eq!(
            (first.driver.as_str(), first.stint, first.lap_number),
            ("GAS", 1, 1)
        );
        assert_eq!(first.lap_time_s, Some(105.008));
        assert_eq!((first.pit_out, first.pit_in), (true, false));
        assert_eq!(first.compound, Compound::Medium);
        assert_eq!(first.compound_code.as_deref(), Some("C3"));
        assert_eq!(first.track_status.as_deref(), Some("2"));

        // Row 22,630: Hamilton, lap 30 of Abu Dhabi, second stint on HARD.
        let ham = &loaded.laps[22_629];
        assert_eq!(
            (ham.driver.as_str(), ham.round, ham.lap_number),
            ("HAM", 21, 30)
        );
        assert_eq!(ham.event, "Abu Dhabi Grand Prix");
        assert_eq!(
            (ham.stint, ham.compound, ham.tire_age),
            (2, Compound::Hard, Some(4))
        );
        assert_eq!(ham.compound_code.as_deref(), Some("C3"));
        assert_eq!(ham.lap_time_s, Some(101.709));
        assert_eq!((ham.fresh_tire, ham.is_accurate), (Some(true), Some(true)));
        assert_eq!(ham.team.as_deref(), Some("Mercedes"));
    }

    #[test]
    fn real_five_seasons_load_with_2018_gaps_counted() {
        let Some(dir) = real_data() else { return };
        let sources: Vec<LapSource> = (2018..=2022)
            .map(|year| LapSource::new(dir.join(format!("transformed_grand_prix_laps_{year}.csv"))))
            .collect();
        let loaded = load_laps(&sources, &LoadOptions::default()).unwrap();

        // 111,649 rows; the 344 rows of 2018 without a stint are left out.
        assert_eq!(loaded.files.iter().map(|f| f.rows).sum::<usize>(), 111_649);
        assert_eq!(loaded.laps.len(), 111_305);
        assert_eq!(loaded.left_out.get("missing stint"), Some(&344));
        // The season of each file comes from its name.
        let seasons: std::collections::BTreeSet<i32> =
            loaded.laps.iter().map(|l| l.season).collect();
        assert_eq!(seasons, (2018..=2022).collect());
        assert!(loaded.laps.windows(2).all(|w| w[0].season <= w[1].season));
    }
}
