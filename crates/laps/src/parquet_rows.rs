//! Rows of a Parquet file.
//!
//! Only the columns a mapper uses are decoded (a column projection), in
//! batches of many rows. Before any row is read, each used column's Arrow
//! type is checked against the [`Kind`] the mapper wants, so a wrongly
//! typed column fails once with its name and type rather than on every
//! row. pandas and pyarrow write whole numbers of any width, floats,
//! strings (sometimes dictionary-encoded, for categoricals), bools, dates,
//! timestamps and, for Timedeltas, durations; all of these are read.

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int16Type,
    Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, BooleanArray, LargeStringArray, StringArray, StringViewArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::cell::Cell;
use crate::reader::{Kind, Row, RowSink};
use crate::LapsError;

/// Rows per Parquet batch; a season of laps is two or three batches.
const BATCH_ROWS: usize = 65_536;

/// Opens a Parquet file and returns its column names and reader.
pub(crate) fn open(
    path: &Path,
    file: File,
) -> Result<(Vec<String>, ParquetRecordBatchReaderBuilder<File>), LapsError> {
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| LapsError::Parquet {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let names = builder
        .schema()
        .fields()
        .iter()
        .map(|field| field.name().clone())
        .collect();
    Ok((names, builder))
}

/// One decoded Parquet column of a batch.
enum Values {
    Null,
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
    Dictionary(Vec<Option<usize>>, Box<Values>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(BooleanArray),
    Date(Vec<Option<NaiveDate>>),
    Seconds(Vec<Option<f64>>),
}

impl Values {
    fn cell(&self, index: usize) -> Cell<'_> {
        let pick = |value: Option<Cell<'static>>| value.unwrap_or(Cell::Null);
        match self {
            Values::Null => Cell::Null,
            Values::Utf8(array) => text_cell(array.is_null(index), || array.value(index)),
            Values::LargeUtf8(array) => text_cell(array.is_null(index), || array.value(index)),
            Values::Utf8View(array) => text_cell(array.is_null(index), || array.value(index)),
            Values::Dictionary(keys, values) => match keys.get(index).copied().flatten() {
                Some(key) => values.cell(key),
                None => Cell::Null,
            },
            Values::Int(values) => pick(values.get(index).copied().flatten().map(Cell::Int)),
            Values::Float(values) => pick(values.get(index).copied().flatten().map(Cell::Float)),
            Values::Bool(array) if array.is_null(index) => Cell::Null,
            Values::Bool(array) => Cell::Bool(array.value(index)),
            Values::Date(values) => pick(values.get(index).copied().flatten().map(Cell::Date)),
            Values::Seconds(values) => {
                pick(values.get(index).copied().flatten().map(Cell::Seconds))
            }
        }
    }

    /// Decodes an array of a type [`Kind::accepts`] let through.
    fn decode(array: &ArrayRef) -> Option<Values> {
        macro_rules! ints {
            ($t:ty) => {
                Values::Int(
                    array
                        .as_primitive::<$t>()
                        .iter()
                        .map(|v| v.and_then(|x| i64::try_from(x).ok()))
                        .collect(),
                )
            };
        }
        macro_rules! floats {
            ($t:ty) => {
                Values::Float(
                    array
                        .as_primitive::<$t>()
                        .iter()
                        .map(|v| v.map(f64::from))
                        .collect(),
                )
            };
        }
        macro_rules! scaled {
            ($t:ty, $variant:ident, $convert:expr) => {
                Values::$variant(
                    array
                        .as_primitive::<$t>()
                        .iter()
                        .map(|v| v.and_then($convert))
                        .collect(),
                )
            };
        }
        let nanos_per = |unit: &TimeUnit| match unit {
            TimeUnit::Second => 1_000_000_000_i64,
            TimeUnit::Millisecond => 1_000_000,
            TimeUnit::Microsecond => 1_000,
            TimeUnit::Nanosecond => 1,
        };
        Some(match array.data_type() {
            DataType::Null => Values::Null,
            DataType::Utf8 => Values::Utf8(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Values::LargeUtf8(array.as_string::<i64>().clone()),
            DataType::Utf8View => Values::Utf8View(array.as_string_view().clone()),
            DataType::Dictionary(_, _) => {
                let dictionary = array.as_any_dictionary_opt()?;
                let keys = dictionary
                    .normalized_keys()
                    .into_iter()
                    .enumerate()
                    .map(|(i, key)| (!array.is_null(i)).then_some(key))
                    .collect();
                let values = Values::decode(dictionary.values())?;
                Values::Dictionary(keys, Box::new(values))
            }
            DataType::Int8 => ints!(Int8Type),
            DataType::Int16 => ints!(Int16Type),
            DataType::Int32 => ints!(Int32Type),
            DataType::Int64 => ints!(Int64Type),
            DataType::UInt8 => ints!(UInt8Type),
            DataType::UInt16 => ints!(UInt16Type),
            DataType::UInt32 => ints!(UInt32Type),
            DataType::UInt64 => ints!(UInt64Type),
            DataType::Float16 => Values::Float(
                array
                    .as_primitive::<Float16Type>()
                    .iter()
                    .map(|v| v.map(f64::from))
                    .collect(),
            ),
            DataType::Float32 => floats!(Float32Type),
            DataType::Float64 => floats!(Float64Type),
            DataType::Boolean => Values::Bool(array.as_boolean().clone()),
            DataType::Date32 => Values::Date(
                array
                    .as_primitive::<Date32Type>()
                    .iter()
                    .map(|v| v.and_then(date_from_days))
                    .collect(),
            ),
            DataType::Date64 => Values::Date(
                array
                    .as_primitive::<Date64Type>()
                    .iter()
                    .map(|v| v.and_then(|ms| date_from_nanos(ms.checked_mul(1_000_000)?)))
                    .collect(),
            ),
            DataType::Timestamp(unit, _) => {
                let scale = nanos_per(unit);
                let convert = move |v: i64| date_from_nanos(v.checked_mul(scale)?);
                match unit {
                    TimeUnit::Second => scaled!(TimestampSecondType, Date, convert),
                    TimeUnit::Millisecond => scaled!(TimestampMillisecondType, Date, convert),
                    TimeUnit::Microsecond => scaled!(TimestampMicrosecondType, Date, convert),
                    TimeUnit::Nanosecond => scaled!(TimestampNanosecondType, Date, convert),
                }
            }
            DataType::Duration(unit) => {
                // Dividing whole units by an exact power of ten gives the
                // float nearest the true number of seconds.
                let per_second = 1e9 / nanos_per(unit) as f64;
                let convert = move |v: i64| Some(v as f64 / per_second);
                match unit {
                    TimeUnit::Second => scaled!(DurationSecondType, Seconds, convert),
                    TimeUnit::Millisecond => scaled!(DurationMillisecondType, Seconds, convert),
                    TimeUnit::Microsecond => scaled!(DurationMicrosecondType, Seconds, convert),
                    TimeUnit::Nanosecond => scaled!(DurationNanosecondType, Seconds, convert),
                }
            }
            _ => return None,
        })
    }
}

fn text_cell<'a>(is_null: bool, value: impl FnOnce() -> &'a str) -> Cell<'a> {
    if is_null {
        Cell::Null
    } else {
        Cell::Text(value().as_bytes())
    }
}

fn date_from_days(days: i32) -> Option<NaiveDate> {
    // 719,163 days separate 0001-01-01 (chrono's day 1) from 1970-01-01.
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(719_163)?)
}

fn date_from_nanos(nanos: i64) -> Option<NaiveDate> {
    let days = nanos.div_euclid(86_400_000_000_000);
    date_from_days(i32::try_from(days).ok()?)
}

struct ParquetRow<'a> {
    columns: &'a [Option<Values>],
    index: usize,
}

impl Row for ParquetRow<'_> {
    fn cell(&self, position: usize) -> Cell<'_> {
        match self.columns.get(position) {
            Some(Some(values)) => values.cell(self.index),
            _ => Cell::Null,
        }
    }
}

pub(crate) fn read<S: RowSink>(
    file: &Path,
    builder: ParquetRecordBatchReaderBuilder<File>,
    used: &[(usize, Kind)],
    sink: &mut S,
) -> Result<usize, LapsError> {
    let parquet_error = |message: String| LapsError::Parquet {
        file: file.to_path_buf(),
        message,
    };

    let schema = builder.schema().clone();
    let mut positions: Vec<usize> = Vec::with_capacity(used.len());
    for &(position, kind) in used {
        let field = schema.field(position);
        if !kind.accepts(field.data_type()) {
            return Err(LapsError::ColumnType {
                file: file.to_path_buf(),
                column: field.name().clone(),
                found: field.data_type().to_string(),
                expected: kind.expected().to_string(),
            });
        }
        positions.push(position);
    }
    positions.sort_unstable();
    positions.dedup();

    // Arrow field positions equal Parquet root column positions for the
    // flat tables read here; a projected batch keeps the file order.
    let mask = ProjectionMask::roots(builder.parquet_schema(), positions.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| parquet_error(e.to_string()))?;

    let mut columns: Vec<Option<Values>> = (0..schema.fields().len()).map(|_| None).collect();
    let mut number = 0;
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(e.to_string()))?;
        for (slot, &position) in positions.iter().enumerate() {
            let array = batch.column(slot);
            let values = Values::decode(array).ok_or_else(|| LapsError::ColumnType {
                file: file.to_path_buf(),
                column: schema.field(position).name().clone(),
                found: array.data_type().to_string(),
                expected: "a column of a simple type".to_string(),
            })?;
            columns[position] = Some(values);
        }
        for index in 0..batch.num_rows() {
            number += 1;
            sink.row(
                &ParquetRow {
                    columns: &columns,
                    index,
                },
                number,
            )?;
        }
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int32Type;
    use arrow_array::{
        BooleanArray, DictionaryArray, DurationMicrosecondArray, DurationNanosecondArray,
        Float32Array, Float64Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    };
    use parquet::arrow::ArrowWriter;

    use crate::{load_laps, Compound, LapFormat, LapSource, LoadOptions};

    use super::*;
    use crate::{FileKind, LapsError};

    fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let file = File::create(path).unwrap();
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }

    /// A FastF1 table as pyarrow writes it: durations for times, floats
    /// for whole numbers, a stored index, dictionary-encoded strings.
    fn fastf1_columns(driver: ArrayRef) -> Vec<(&'static str, ArrayRef)> {
        vec![
            (
                "__index_level_0__",
                Arc::new(Int64Array::from(vec![10, 11])),
            ),
            ("Driver", driver),
            ("LapNumber", Arc::new(Float64Array::from(vec![7.0, 8.0]))),
            ("Stint", Arc::new(Float64Array::from(vec![Some(2.0), None]))),
            (
                "Compound",
                Arc::new(StringArray::from(vec!["SOFT", "MEDIUM"])),
            ),
            ("TyreLife", Arc::new(Float32Array::from(vec![3.0, 4.0]))),
            (
                "FreshTyre",
                Arc::new(BooleanArray::from(vec![Some(false), None])),
            ),
            (
                "LapTime",
                Arc::new(DurationNanosecondArray::from(vec![
                    Some(92_123_000_000),
                    None,
                ])),
            ),
            (
                "PitInTime",
                Arc::new(DurationNanosecondArray::from(vec![
                    Some(5_000_000_000),
                    None,
                ])),
            ),
            ("TrackStatus", Arc::new(Int64Array::from(vec![12, 1]))),
            (
                "IsAccurate",
                Arc::new(BooleanArray::from(vec![true, false])),
            ),
            ("RoundNumber", Arc::new(Int64Array::from(vec![4, 4]))),
            (
                "EventName",
                Arc::new(LargeStringArray::from(vec!["Azerbaijan Grand Prix"; 2])),
            ),
            (
                "Time",
                Arc::new(DurationMicrosecondArray::from(vec![
                    3_600_000_000,
                    3_700_000_000,
                ])),
            ),
        ]
    }

    #[test]
    fn fastf1_parquet_with_durations_and_dictionaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baku_2019.parquet");
        let drivers: DictionaryArray<Int32Type> = vec!["LEC", "LEC"].into_iter().collect();
        write_parquet(&path, fastf1_columns(Arc::new(drivers)));

        let loaded = load_laps(&[LapSource::new(&path)], &LoadOptions::default()).unwrap();
        assert_eq!(loaded.files[0].kind, FileKind::Parquet);
        assert_eq!(loaded.files[0].format, LapFormat::FastF1);
        assert_eq!(loaded.laps.len(), 1);
        assert_eq!(loaded.left_out.get("missing stint"), Some(&1));

        let lap = &loaded.laps[0];
        assert_eq!(
            (lap.season, lap.round, lap.event.as_str()),
            (2019, 4, "Azerbaijan Grand Prix")
        );
        assert_eq!(
            (lap.driver.as_str(), lap.lap_number, lap.stint),
            ("LEC", 7, 2)
        );
        assert_eq!((lap.compound, lap.tire_age), (Compound::Soft, Some(3)));
        assert_eq!(lap.lap_time_s, Some(92.123));
        assert_eq!((lap.pit_in, lap.pit_out), (true, false));
        assert_eq!(lap.track_status.as_deref(), Some("12"));
        assert_eq!((lap.fresh_tire, lap.is_accurate), (Some(false), Some(true)));
    }

    #[test]
    fn parquet_column_of_wrong_type_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baku_2019.parquet");
        write_parquet(
            &path,
            fastf1_columns(Arc::new(Float64Array::from(vec![1.0, 2.0]))),
        );

        match load_laps(&[LapSource::new(&path)], &LoadOptions::default()) {
            Err(LapsError::ColumnType { column, found, .. }) => {
                assert_eq!((column.as_str(), found.as_str()), ("Driver", "Float64"));
            }
            other => panic!("expected ColumnType, got {other:?}"),
        }
    }

    #[test]
    fn duplicated_column_is_refused_only_when_used() {
        let dir = tempfile::tempdir().unwrap();
        let header = "season,round,event,driver,stint,lap_number,compound";
        let ignored = dir.path().join("ignored.csv");
        std::fs::write(
            &ignored,
            format!("{header},x,x\n2019,1,X,HAM,1,1,SOFT,1,2\n"),
        )
        .unwrap();
        let loaded = load_laps(&[LapSource::new(&ignored)], &LoadOptions::default()).unwrap();
        assert_eq!(loaded.laps.len(), 1);

        let used = dir.path().join("used.csv");
        std::fs::write(
            &used,
            format!("{header},driver\n2019,1,X,HAM,1,1,SOFT,VER\n"),
        )
        .unwrap();
        let result = load_laps(&[LapSource::new(&used)], &LoadOptions::default());
        assert!(
            matches!(result, Err(LapsError::DuplicateColumn { column, .. }) if column == "driver")
        );
    }

    #[test]
    fn unknown_extension_is_refused() {
        let result = load_laps(&[LapSource::new("laps.xlsx")], &LoadOptions::default());
        assert!(matches!(result, Err(LapsError::UnknownFormat { .. })));
    }
}
