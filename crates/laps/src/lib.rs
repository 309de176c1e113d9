//! Lap data in, as the rest of tiredeg needs it.
//!
//! Two lap formats are read: the native schema (one row per lap, the
//! columns of [`Lap`]) and the `Laps` table of the FastF1 Python library,
//! which is what most F1 analysts already have on disk. Both come as CSV or
//! Parquet. A FastF1 `weather_data` table can be joined to each lap as of
//! the lap's start, and track and driver tables give numeric ratings.
//!
//! Every problem with the input is reported with the file, the row, the
//! column and the value, so a user can open the file and fix it.

mod lap;
mod table;

pub use lap::{compound_code_number, Compound, Lap, UnknownCompound};
pub use table::KeyedTable;
