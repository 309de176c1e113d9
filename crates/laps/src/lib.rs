//! Lap data in, as the rest of tiredeg needs it.
//!
//! Two lap formats are read: the native schema (one row per lap, the
//! columns of [`Lap`], SPEC section 1.1) and the `Laps` table of the FastF1
//! Python library (SPEC 1.2), which is what most F1 analysts already have
//! on disk. Both come as CSV or Parquet. A FastF1 `weather_data` table can
//! be joined to each lap as of the lap's start, and track and driver
//! tables (SPEC 1.3) give numeric ratings.
//!
//! Every problem with the input is reported with the file, the row, the
//! column and the value, so a user can open the file and fix it. Rows are
//! data rows counted from 1 with the header not counted (row 1 is on line
//! 2 of a CSV file).
//!
//! How a laps file is read:
//! - the extension decides the file format (`.csv`, `.parquet`, `.pq`);
//! - the header decides the layout: FastF1 when it has `LapNumber`,
//!   `LapTime` or `Driver` (and no `lap_number`), native otherwise;
//! - a leading pandas index column and unknown columns are ignored;
//! - a missing required column fails the load, a gap in a required column
//!   leaves the lap out (counted by reason in [`LoadedLaps::left_out`]), a
//!   malformed value fails the load unless [`LoadOptions::skip_bad_rows`];
//! - FastF1 times may be seconds or pandas Timedeltas, including negative
//!   ones as pandas writes them (`-1 days +23:59:59.5` is -0.5 s); a
//!   negative *lap time* is malformed.
//!
//! The writers produce the native schema, and a written file loads back
//! into exactly the laps written:
//!
//! ```
//! use tiredeg_laps::{load_laps, write_laps_csv, Compound, Lap, LapSource, LoadOptions};
//!
//! let lap = Lap {
//!     season: 2019,
//!     round: 1,
//!     event: "Australian Grand Prix".into(),
//!     event_date: None,
//!     track: "albert_park".into(),
//!     driver: "BOT".into(),
//!     team: Some("Mercedes".into()),
//!     stint: 1,
//!     lap_number: 2,
//!     compound: Compound::Soft,
//!     compound_code: Some("C4".into()),
//!     tire_age: Some(2),
//!     fresh_tire: Some(true),
//!     lap_time_s: Some(89.123),
//!     pit_in: false,
//!     pit_out: false,
//!     track_status: Some("1".into()),
//!     is_accurate: Some(true),
//!     air_temp_c: Some(21.5),
//!     track_temp_c: None,
//!     humidity_pct: None,
//!     rainfall: Some(false),
//! };
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("laps.csv");
//! write_laps_csv(&path, std::slice::from_ref(&lap))?;
//!
//! let loaded = load_laps(&[LapSource::new(&path)], &LoadOptions::default())?;
//! assert_eq!(loaded.laps, [lap]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Known shortcomings, each also noted where it lives:
//! - CSV files are read into memory whole (a season is about 4 MB); a file
//!   of gigabytes would want a streaming reader.
//! - A weather file joins laps of one race, or of one season when it has
//!   a `RoundNumber` column; there is no season key for weather.
//! - FastF1 `Laps` tables carry no circuit id and no race date: `track` is
//!   the event name and `event_date` is empty unless the file has an
//!   `EventDate` column.

mod cell;
mod collect;
mod columns;
mod csv_rows;
mod error;
mod fastf1;
mod lap;
mod load;
mod native;
mod parquet_rows;
mod reader;
mod table;
mod table_file;
mod weather;
mod write;

pub use columns::NATIVE_COLUMNS;
pub use error::{BadRow, LapsError};
pub use lap::{compound_code_number, Compound, Lap, UnknownCompound};
pub use load::{
    expand_globs, load_laps, FileSummary, LapFormat, LapSource, LoadOptions, LoadedLaps,
};
pub use reader::FileKind;
pub use table::KeyedTable;
pub use table_file::{load_keyed_table, write_keyed_table_csv};
pub use write::{write_laps_csv, write_laps_parquet};
