//! Writing laps in the native schema, to CSV and to Parquet.
//!
//! The simulator and the tests produce laps that other commands read back,
//! so a written file must load into exactly the laps that were written.
//! That fixes the details: floats use Rust's shortest round-trip
//! formatting, a `None` is an empty cell (a null in Parquet), bools are
//! `true`/`false` and dates are ISO `YYYY-MM-DD`. A float that is NaN is
//! written as a gap, because the readers take NaN as a gap anyway.

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::columns::NATIVE_COLUMNS;
use crate::{Lap, LapsError};

/// Laps per Arrow batch: large enough that per-batch costs vanish, small
/// enough that a season's laps are never all duplicated in memory at once.
const BATCH_LAPS: usize = 32_768;

/// Writes laps as a native-schema CSV file with a header row.
pub fn write_laps_csv(path: &Path, laps: &[Lap]) -> Result<(), LapsError> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| csv_error(path, e))?;
    writer
        .write_record(NATIVE_COLUMNS)
        .map_err(|e| csv_error(path, e))?;

    // One buffer per column, reused for every lap, so that formatting
    // numbers allocates nothing after the first row.
    let mut cells: [String; NATIVE_COLUMNS.len()] = Default::default();
    for lap in laps {
        lap_cells(lap, &mut cells);
        writer
            .write_record(&cells)
            .map_err(|e| csv_error(path, e))?;
    }
    writer.flush().map_err(|source| LapsError::Io {
        file: path.to_path_buf(),
        source,
    })
}

/// Fills one CSV cell per native column, in [`NATIVE_COLUMNS`] order.
fn lap_cells(lap: &Lap, cells: &mut [String; NATIVE_COLUMNS.len()]) {
    for cell in cells.iter_mut() {
        cell.clear();
    }
    // Writing into a String cannot fail, so the results are ignored.
    let _ = write!(cells[0], "{}", lap.season);
    let _ = write!(cells[1], "{}", lap.round);
    cells[2].push_str(&lap.event);
    if let Some(date) = lap.event_date {
        let _ = write!(cells[3], "{}", date.format("%Y-%m-%d"));
    }
    cells[4].push_str(&lap.track);
    cells[5].push_str(&lap.driver);
    push_opt_str(&mut cells[6], lap.team.as_deref());
    let _ = write!(cells[7], "{}", lap.stint);
    let _ = write!(cells[8], "{}", lap.lap_number);
    cells[9].push_str(lap.compound.as_str());
    push_opt_str(&mut cells[10], lap.compound_code.as_deref());
    if let Some(age) = lap.tire_age {
        let _ = write!(cells[11], "{age}");
    }
    push_opt_bool(&mut cells[12], lap.fresh_tire);
    push_opt_float(&mut cells[13], lap.lap_time_s);
    push_opt_bool(&mut cells[14], Some(lap.pit_in));
    push_opt_bool(&mut cells[15], Some(lap.pit_out));
    push_opt_str(&mut cells[16], lap.track_status.as_deref());
    push_opt_bool(&mut cells[17], lap.is_accurate);
    push_opt_float(&mut cells[18], lap.air_temp_c);
    push_opt_float(&mut cells[19], lap.track_temp_c);
    push_opt_float(&mut cells[20], lap.humidity_pct);
    push_opt_bool(&mut cells[21], lap.rainfall);
}

fn push_opt_str(cell: &mut String, value: Option<&str>) {
    if let Some(text) = value {
        cell.push_str(text);
    }
}

fn push_opt_bool(cell: &mut String, value: Option<bool>) {
    if let Some(flag) = value {
        cell.push_str(if flag { "true" } else { "false" });
    }
}

fn push_opt_float(cell: &mut String, value: Option<f64>) {
    if let Some(number) = value.filter(|v| !v.is_nan()) {
        let _ = write!(cell, "{number}");
    }
}

/// Writes laps as a native-schema Parquet file (Snappy compressed).
///
/// Integers are Int64 (what pandas makes of them anyway), the date is
/// Date32, strings are Utf8; required columns are non-nullable.
pub fn write_laps_parquet(path: &Path, laps: &[Lap]) -> Result<(), LapsError> {
    let schema = Arc::new(native_arrow_schema());
    let file = File::create(path).map_err(|source| LapsError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let parquet_error = |e: &dyn std::fmt::Display| LapsError::Parquet {
        file: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
        .map_err(|e| parquet_error(&e))?;

    for chunk in laps.chunks(BATCH_LAPS) {
        let batch = RecordBatch::try_new(schema.clone(), native_arrays(chunk))
            .map_err(|e| parquet_error(&e))?;
        writer.write(&batch).map_err(|e| parquet_error(&e))?;
    }
    writer.close().map_err(|e| parquet_error(&e))?;
    Ok(())
}

/// The Arrow schema of a native-schema Parquet file.
fn native_arrow_schema() -> Schema {
    use DataType::{Boolean, Date32, Float64, Int64, Utf8};
    let types = [
        (Int64, false),
        (Int64, false),
        (Utf8, false),
        (Date32, true),
        (Utf8, false),
        (Utf8, false),
        (Utf8, true),
        (Int64, false),
        (Int64, false),
        (Utf8, false),
        (Utf8, true),
        (Int64, true),
        (Boolean, true),
        (Float64, true),
        (Boolean, false),
        (Boolean, false),
        (Utf8, true),
        (Boolean, true),
        (Float64, true),
        (Float64, true),
        (Float64, true),
        (Boolean, true),
    ];
    let fields: Vec<Field> = NATIVE_COLUMNS
        .iter()
        .zip(types)
        .map(|(name, (data_type, nullable))| Field::new(*name, data_type, nullable))
        .collect();
    Schema::new(fields)
}

/// One Arrow array per native column, in [`NATIVE_COLUMNS`] order.
fn native_arrays(laps: &[Lap]) -> Vec<ArrayRef> {
    let ints = |f: &dyn Fn(&Lap) -> Option<i64>| -> ArrayRef {
        let mut builder = Int64Builder::with_capacity(laps.len());
        laps.iter().for_each(|lap| builder.append_option(f(lap)));
        Arc::new(builder.finish())
    };
    let texts = |f: &dyn Fn(&Lap) -> Option<&str>| -> ArrayRef {
        let mut builder = StringBuilder::with_capacity(laps.len(), laps.len() * 8);
        laps.iter().for_each(|lap| builder.append_option(f(lap)));
        Arc::new(builder.finish())
    };
    let bools = |f: &dyn Fn(&Lap) -> Option<bool>| -> ArrayRef {
        let mut builder = BooleanBuilder::with_capacity(laps.len());
        laps.iter().for_each(|lap| builder.append_option(f(lap)));
        Arc::new(builder.finish())
    };
    let floats = |f: &dyn Fn(&Lap) -> Option<f64>| -> ArrayRef {
        let mut builder = Float64Builder::with_capacity(laps.len());
        laps.iter()
            .for_each(|lap| builder.append_option(f(lap).filter(|v| !v.is_nan())));
        Arc::new(builder.finish())
    };
    let dates = {
        let mut builder = Date32Builder::with_capacity(laps.len());
        for lap in laps {
            builder.append_option(lap.event_date.map(days_since_epoch));
        }
        Arc::new(builder.finish()) as ArrayRef
    };
    vec![
        ints(&|lap| Some(i64::from(lap.season))),
        ints(&|lap| Some(i64::from(lap.round))),
        texts(&|lap| Some(lap.event.as_str())),
        dates,
        texts(&|lap| Some(lap.track.as_str())),
        texts(&|lap| Some(lap.driver.as_str())),
        texts(&|lap| lap.team.as_deref()),
        ints(&|lap| Some(i64::from(lap.stint))),
        ints(&|lap| Some(i64::from(lap.lap_number))),
        texts(&|lap| Some(lap.compound.as_str())),
        texts(&|lap| lap.compound_code.as_deref()),
        ints(&|lap| lap.tire_age.map(i64::from)),
        bools(&|lap| lap.fresh_tire),
        floats(&|lap| lap.lap_time_s),
        bools(&|lap| Some(lap.pit_in)),
        bools(&|lap| Some(lap.pit_out)),
        texts(&|lap| lap.track_status.as_deref()),
        bools(&|lap| lap.is_accurate),
        floats(&|lap| lap.air_temp_c),
        floats(&|lap| lap.track_temp_c),
        floats(&|lap| lap.humidity_pct),
        bools(&|lap| lap.rainfall),
    ]
}

/// Days from 1970-01-01, the unit of Arrow's Date32.
pub(crate) fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    // A NaiveDate spans about ±262,000 years, so the day count fits i32.
    (date - epoch).num_days() as i32
}

/// Maps a csv error to an I/O error when it is one, so that "permission
/// denied" reads as such.
pub(crate) fn csv_error(path: &Path, error: csv::Error) -> LapsError {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(source) => LapsError::Io {
            file: path.to_path_buf(),
            source,
        },
        _ => LapsError::Csv {
            file: path.to_path_buf(),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load_laps, Compound, LapSource, LoadOptions};

    /// Laps that exercise every column: gaps, awkward floats, both bools.
    fn sample_laps() -> Vec<Lap> {
        let first = Lap {
            season: 2019,
            round: 3,
            event: "Chinese Grand Prix".to_string(),
            event_date: NaiveDate::from_ymd_opt(2019, 4, 14),
            track: "shanghai".to_string(),
            driver: "HAM".to_string(),
            team: Some("Mercedes".to_string()),
            stint: 1,
            lap_number: 7,
            compound: Compound::Medium,
            compound_code: Some("C3".to_string()),
            tire_age: Some(7),
            fresh_tire: Some(true),
            lap_time_s: Some(0.1 + 0.2 + 98.0),
            pit_in: false,
            pit_out: true,
            track_status: Some("124".to_string()),
            is_accurate: Some(false),
            air_temp_c: Some(18.123_456_789_012_3),
            track_temp_c: Some(-0.0),
            humidity_pct: Some(1e-7),
            rainfall: Some(false),
        };
        let second = Lap {
            event: "Grand Prix, \"quoted\"".to_string(),
            event_date: None,
            track: "Grand Prix, \"quoted\"".to_string(),
            team: None,
            compound: Compound::Wet,
            compound_code: None,
            tire_age: None,
            fresh_tire: None,
            lap_time_s: None,
            pit_in: true,
            pit_out: false,
            track_status: None,
            is_accurate: None,
            air_temp_c: None,
            track_temp_c: None,
            humidity_pct: None,
            rainfall: Some(true),
            ..first.clone()
        };
        vec![first, second]
    }

    fn load_one(path: &Path) -> Vec<Lap> {
        let sources = [LapSource::new(path)];
        match load_laps(&sources, &LoadOptions::default()) {
            Ok(loaded) => loaded.laps,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn csv_and_parquet_round_trip_to_the_same_laps() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("laps.csv");
        let parquet_path = dir.path().join("laps.parquet");
        let laps = sample_laps();

        write_laps_csv(&csv_path, &laps).unwrap();
        write_laps_parquet(&parquet_path, &laps).unwrap();

        let from_csv = load_one(&csv_path);
        let from_parquet = load_one(&parquet_path);
        assert_eq!(from_csv, laps);
        assert_eq!(from_parquet, laps);
        // -0.0 == 0.0 for PartialEq, so check the sign survived too.
        assert!(from_csv[0].track_temp_c.unwrap().is_sign_negative());
    }

    #[test]
    fn csv_cells_are_written_as_documented() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("laps.csv");
        let laps = sample_laps();
        write_laps_csv(&path, &laps).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();

        assert_eq!(lines.next(), Some(NATIVE_COLUMNS.join(",").as_str()));
        let first = lines.next().unwrap();
        assert!(first.starts_with("2019,3,Chinese Grand Prix,2019-04-14,shanghai,HAM,"));
        let lap_time = format!(",{},", laps[0].lap_time_s.unwrap());
        assert!(first.contains(&lap_time), "{first}");
        assert!(first.ends_with(",true,124,false,18.1234567890123,-0,0.0000001,false"));
        let second = lines.next().unwrap();
        assert!(
            second.ends_with(",WET,,,,,true,false,,,,,,true"),
            "{second}"
        );
    }

    #[test]
    fn nan_is_written_as_a_gap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("laps.csv");
        let mut laps = sample_laps();
        laps[0].lap_time_s = Some(f64::NAN);
        write_laps_csv(&path, &laps).unwrap();
        assert_eq!(load_one(&path)[0].lap_time_s, None);
    }
}
