//! What can go wrong when lap, weather and table files are read or written.
//!
//! Every variant names the file, and those about a value also name the
//! row, the column and the value itself, quoted, so that a user can open
//! the file and go straight to the cell.
//!
//! Row numbers count data rows from 1 and do not count the header: row 1
//! is the first row under the header, which a text editor shows on line 2
//! (for files without line breaks inside quoted cells). Parquet rows are
//! counted the same way, across row groups.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// An error reading or writing a lap, weather or keyed table file.
#[derive(Debug, thiserror::Error)]
pub enum LapsError {
    /// A cell holds a value that cannot be what its column means.
    #[error("{} row {row}, column {column}: {value:?} {reason}", file.display())]
    Malformed {
        /// The file.
        file: PathBuf,
        /// Data row number, from 1, header not counted.
        row: usize,
        /// The column name as written in the file.
        column: String,
        /// The cell as written in the file.
        value: String,
        /// What is wrong with it, as the end of a sentence.
        reason: String,
    },

    /// A column the format requires is absent from the header.
    #[error(
        "{} has no column {column:?} (columns: {})",
        file.display(),
        available.join(", ")
    )]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// The required column.
        column: String,
        /// The columns the file does have.
        available: Vec<String>,
    },

    /// A column name appears twice in the header, so which one is meant
    /// cannot be told.
    #[error("{} has the column {column:?} twice", file.display())]
    DuplicateColumn {
        /// The file.
        file: PathBuf,
        /// The repeated column name.
        column: String,
    },

    /// A Parquet column has a type that cannot hold what the column means.
    #[error(
        "{} column {column}: has type {found}, expected {expected}",
        file.display()
    )]
    ColumnType {
        /// The file.
        file: PathBuf,
        /// The column name.
        column: String,
        /// The Arrow type found.
        found: String,
        /// What the column may be.
        expected: String,
    },

    /// The file has no header or no data rows.
    #[error("{} is empty (no header or no data rows)", file.display())]
    Empty {
        /// The file.
        file: PathBuf,
    },

    /// The file could not be opened, read or written.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// The CSV reader or writer failed for a reason other than I/O.
    #[error("{}: {message}", file.display())]
    Csv {
        /// The file.
        file: PathBuf,
        /// The CSV library's description.
        message: String,
    },

    /// The Parquet or Arrow library failed.
    #[error("{}: {message}", file.display())]
    Parquet {
        /// The file.
        file: PathBuf,
        /// The library's description.
        message: String,
    },

    /// The file extension is not one the loader knows.
    #[error(
        "{}: unknown file type (expected .csv, .parquet or .pq)",
        file.display()
    )]
    UnknownFormat {
        /// The file.
        file: PathBuf,
    },

    /// A glob pattern matched no file.
    #[error("no file matches {pattern:?}")]
    NoFiles {
        /// The pattern as given.
        pattern: String,
    },

    /// A glob pattern is not valid glob syntax.
    #[error("bad file pattern {pattern:?}: {message}")]
    BadPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },

    /// A FastF1 file lacks the season, round or event and nothing else
    /// supplies it.
    #[error(
        "{} has no {field} column{hint}: pass --{field} for this file",
        file.display()
    )]
    MissingEventField {
        /// The file.
        file: PathBuf,
        /// `season`, `round` or `event`.
        field: &'static str,
        /// Extra words, e.g. that the file name holds no year.
        hint: &'static str,
    },

    /// A weather file was given for native-schema laps, which carry their
    /// own weather columns and no lap start times to join on.
    #[error(
        "{}: weather files join FastF1 laps only; {} is in the native \
         schema (put weather in its air_temp_c, track_temp_c, humidity_pct \
         and rainfall columns)",
        weather.display(),
        laps.display()
    )]
    WeatherForNativeLaps {
        /// The laps file.
        laps: PathBuf,
        /// The weather file.
        weather: PathBuf,
    },

    /// A weather file without a round column was given for laps of several
    /// races, whose session clocks cannot be told apart.
    #[error(
        "{}: has no RoundNumber column but {} holds {rounds} races; give \
         one weather file per race or add a RoundNumber column",
        weather.display(),
        laps.display()
    )]
    WeatherAmbiguous {
        /// The laps file.
        laps: PathBuf,
        /// The weather file.
        weather: PathBuf,
        /// How many (season, round) pairs the laps file holds.
        rounds: usize,
    },

    /// No lap of the laps file starts at or after the first weather sample,
    /// so the weather file almost surely belongs to another session.
    #[error(
        "{}: no lap of {} starts at or after a weather sample (is it the \
         weather of another session?)",
        weather.display(),
        laps.display()
    )]
    WeatherNoMatch {
        /// The laps file.
        laps: PathBuf,
        /// The weather file.
        weather: PathBuf,
    },

    /// A keyed table has two rows for the same key and season.
    #[error(
        "{} row {row}: {key:?}{} appears twice",
        file.display(),
        season.map(|s| format!(" in season {s}")).unwrap_or_default()
    )]
    DuplicateKey {
        /// The file.
        file: PathBuf,
        /// Data row number of the second occurrence.
        row: usize,
        /// The key value.
        key: String,
        /// The season, for a per-season row.
        season: Option<i32>,
    },
}

/// A row left out of a load because one of its cells was malformed, kept
/// so the caller can report every one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// The file.
    pub file: PathBuf,
    /// Data row number, from 1, header not counted.
    pub row: usize,
    /// The column name as written in the file.
    pub column: String,
    /// The cell as written in the file.
    pub value: String,
    /// What is wrong with it, as the end of a sentence.
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} row {}, column {}: {:?} {}",
            self.file.display(),
            self.row,
            self.column,
            self.value,
            self.reason
        )
    }
}

impl From<BadRow> for LapsError {
    fn from(bad: BadRow) -> Self {
        LapsError::Malformed {
            file: bad.file,
            row: bad.row,
            column: bad.column,
            value: bad.value,
            reason: bad.reason,
        }
    }
}
