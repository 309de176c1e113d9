//! The prepared directory: Parquet (and CSV) tables, the report and the
//! history.
//!
//! `stints.parquet` has one row per modelled stint with its targets;
//! `samples.parquet` one row per sample: the keys (season, round, event,
//! track, driver, stint, compound, k, split, oversampled), then every
//! feature column, then the targets (degradation_rate, usable_life,
//! cliff). Both are sorted as preparation sorted them.
//!
//! Feature columns are written with the prefix `f_` (`f_tire_age_start`),
//! because feature names and key names overlap: `season` and `compound`
//! are both keys and features. Every feature column is Float64 and a
//! missing value is written as null, which pandas and pyarrow read as NaN;
//! the categorical `compound` feature is its category index. The feature
//! schema (names, kinds, categories) is also stored as JSON in the Parquet
//! schema metadata under [`SCHEMA_METADATA_KEY`], so that [`read_samples`]
//! gives back exactly the schema that was written. A CSV file has no such
//! metadata; its schema is rebuilt from the `f_` columns, with `compound`
//! categorical over SOFT, MEDIUM, HARD and every other feature numeric,
//! which is what preparation writes.
//!
//! CSV floats are written with Rust's shortest representation that reads
//! back to the same number, so CSV and Parquet hold the same values.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    UInt32Array,
};
use arrow_array::{Float32Array, LargeStringArray, UInt64Array};
use arrow_schema::{DataType, Field, Metadata, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use tiredeg_laps::Compound;

use crate::error::PrepareError;
use crate::features::COMPOUND_CATEGORIES;
use crate::history::History;
use crate::sample::{FeatureKind, FeatureSchema, Sample, SampleSet, Split};
use crate::stint::StintRecord;
use crate::Prepared;

/// Parquet schema metadata key holding the feature schema as JSON.
pub const SCHEMA_METADATA_KEY: &str = "tiredeg.feature_schema";

/// Prefix of feature columns in the sample files.
pub const FEATURE_PREFIX: &str = "f_";

const SAMPLE_KEYS: [&str; 10] = [
    "season",
    "round",
    "event",
    "track",
    "driver",
    "stint",
    "compound",
    "k",
    "split",
    "oversampled",
];

/// The files [`write_prepared`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFiles {
    /// `stints.parquet`.
    pub stints: PathBuf,
    /// `samples.parquet`.
    pub samples: PathBuf,
    /// `prepare_report.json`.
    pub report: PathBuf,
    /// `history.json`.
    pub history: PathBuf,
    /// `stints.csv`, when asked for.
    pub stints_csv: Option<PathBuf>,
    /// `samples.csv`, when asked for.
    pub samples_csv: Option<PathBuf>,
}

fn io_error(path: &Path, source: std::io::Error) -> PrepareError {
    PrepareError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn file_error(path: &Path, message: impl ToString) -> PrepareError {
    PrepareError::File {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Writes the prepared tables, the report and the history into `dir`
/// (created if needed), and the tables as CSV too when `csv` is set.
pub fn write_prepared(
    dir: &Path,
    prepared: &Prepared,
    csv: bool,
) -> Result<OutputFiles, PrepareError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let files = OutputFiles {
        stints: dir.join("stints.parquet"),
        samples: dir.join("samples.parquet"),
        report: dir.join("prepare_report.json"),
        history: dir.join("history.json"),
        stints_csv: csv.then(|| dir.join("stints.csv")),
        samples_csv: csv.then(|| dir.join("samples.csv")),
    };
    // The files are independent; writing them on two threads takes about
    // half the time of writing them one after the other.
    let (first, second) = std::thread::scope(|scope| {
        let samples = scope.spawn(|| -> Result<(), PrepareError> {
            write_samples_parquet(&files.samples, &prepared.samples)?;
            if let Some(path) = &files.samples_csv {
                write_samples_csv(path, &prepared.samples)?;
            }
            Ok(())
        });
        let rest = (|| -> Result<(), PrepareError> {
            write_stints_parquet(&files.stints, &prepared.stints)?;
            write_json(&files.report, &prepared.report)?;
            write_json(&files.history, &prepared.history)?;
            if let Some(path) = &files.stints_csv {
                write_stints_csv(path, &prepared.stints)?;
            }
            Ok(())
        })();
        let samples = samples
            .join()
            .unwrap_or_else(|_| Err(file_error(&files.samples, "the writing thread panicked")));
        (samples, rest)
    });
    first?;
    second?;
    Ok(files)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), PrepareError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| file_error(path, e))?;
    std::fs::write(path, text).map_err(|e| io_error(path, e))
}

/// Reads a history written by [`write_prepared`].
pub fn read_history(path: &Path) -> Result<History, PrepareError> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    serde_json::from_str(&text).map_err(|e| file_error(path, format!("not a history: {e}")))
}

// One column of a table being written, as Parquet and CSV both need it.
enum Column {
    Int(Vec<i32>),
    Float(Vec<Option<f64>>),
    Text(Vec<String>),
    OptionalText(Vec<Option<String>>),
    Bool(Vec<bool>),
}

impl Column {
    fn data_type(&self) -> DataType {
        match self {
            Column::Int(_) => DataType::Int32,
            Column::Float(_) => DataType::Float64,
            Column::Text(_) | Column::OptionalText(_) => DataType::Utf8,
            Column::Bool(_) => DataType::Boolean,
        }
    }

    fn nullable(&self) -> bool {
        matches!(self, Column::Float(_) | Column::OptionalText(_))
    }

    fn to_array(&self) -> ArrayRef {
        match self {
            Column::Int(v) => Arc::new(Int32Array::from(v.clone())),
            Column::Float(v) => Arc::new(Float64Array::from(v.clone())),
            Column::Text(v) => Arc::new(StringArray::from(v.clone())),
            Column::OptionalText(v) => Arc::new(StringArray::from(v.clone())),
            Column::Bool(v) => Arc::new(BooleanArray::from(v.clone())),
        }
    }

    fn cell(&self, row: usize) -> String {
        match self {
            Column::Int(v) => v[row].to_string(),
            Column::Float(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Column::Text(v) => v[row].clone(),
            Column::OptionalText(v) => v[row].clone().unwrap_or_default(),
            Column::Bool(v) => v[row].to_string(),
        }
    }
}

fn present(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

fn int(value: impl TryInto<i32>) -> i32 {
    // Every integer written (seasons, rounds, stints, lap counts, k) is far
    // below i32::MAX; saturate rather than wrap if one ever is not.
    value.try_into().unwrap_or(i32::MAX)
}

fn stint_columns(stints: &[StintRecord]) -> Vec<(String, Column)> {
    let text = |f: fn(&StintRecord) -> &str| {
        Column::Text(stints.iter().map(|s| f(s).to_string()).collect())
    };
    vec![
        (
            "season".into(),
            Column::Int(stints.iter().map(|s| s.season).collect()),
        ),
        (
            "round".into(),
            Column::Int(stints.iter().map(|s| int(s.round)).collect()),
        ),
        ("event".into(), text(|s| &s.event)),
        ("track".into(), text(|s| &s.track)),
        ("driver".into(), text(|s| &s.driver)),
        (
            "team".into(),
            Column::OptionalText(stints.iter().map(|s| s.team.clone()).collect()),
        ),
        (
            "stint".into(),
            Column::Int(stints.iter().map(|s| int(s.stint)).collect()),
        ),
        ("compound".into(), text(|s| s.compound.as_str())),
        ("split".into(), text(|s| s.split.as_str())),
        (
            "n_laps".into(),
            Column::Int(stints.iter().map(|s| int(s.n_laps)).collect()),
        ),
        (
            "n_clean_laps".into(),
            Column::Int(stints.iter().map(|s| int(s.n_clean_laps)).collect()),
        ),
        (
            "lap_start".into(),
            Column::Int(stints.iter().map(|s| int(s.lap_start)).collect()),
        ),
        (
            "tire_age_start".into(),
            Column::Float(stints.iter().map(|s| present(s.tire_age_start)).collect()),
        ),
        (
            "degradation_rate".into(),
            Column::Float(stints.iter().map(|s| present(s.degradation_rate)).collect()),
        ),
        (
            "cliff".into(),
            Column::Bool(stints.iter().map(|s| s.cliff).collect()),
        ),
        (
            "cliff_age".into(),
            Column::Float(stints.iter().map(|s| s.cliff_age).collect()),
        ),
        (
            "usable_life".into(),
            Column::Float(stints.iter().map(|s| present(s.usable_life)).collect()),
        ),
        (
            "tire_age_imputed".into(),
            Column::Bool(stints.iter().map(|s| s.tire_age_imputed).collect()),
        ),
    ]
}

fn sample_columns(set: &SampleSet) -> Vec<(String, Column)> {
    let samples = &set.samples;
    let text =
        |f: fn(&Sample) -> &str| Column::Text(samples.iter().map(|s| f(s).to_string()).collect());
    let mut columns = vec![
        (
            "season".into(),
            Column::Int(samples.iter().map(|s| s.season).collect()),
        ),
        (
            "round".into(),
            Column::Int(samples.iter().map(|s| int(s.round)).collect()),
        ),
        ("event".into(), text(|s| &s.event)),
        ("track".into(), text(|s| &s.track)),
        ("driver".into(), text(|s| &s.driver)),
        (
            "stint".into(),
            Column::Int(samples.iter().map(|s| int(s.stint)).collect()),
        ),
        ("compound".into(), text(|s| s.compound.as_str())),
        (
            "k".into(),
            Column::Int(samples.iter().map(|s| int(s.k)).collect()),
        ),
        ("split".into(), text(|s| s.split.as_str())),
        (
            "oversampled".into(),
            Column::Bool(samples.iter().map(|s| s.oversampled).collect()),
        ),
    ];
    for (index, name) in set.schema.names.iter().enumerate() {
        let values = samples
            .iter()
            .map(|s| s.features.get(index).copied().and_then(present))
            .collect();
        columns.push((format!("{FEATURE_PREFIX}{name}"), Column::Float(values)));
    }
    columns.push((
        "degradation_rate".into(),
        Column::Float(
            samples
                .iter()
                .map(|s| present(s.degradation_rate))
                .collect(),
        ),
    ));
    columns.push((
        "usable_life".into(),
        Column::Float(samples.iter().map(|s| present(s.usable_life)).collect()),
    ));
    columns.push((
        "cliff".into(),
        Column::Bool(samples.iter().map(|s| s.cliff).collect()),
    ));
    columns
}

fn write_parquet(
    path: &Path,
    columns: &[(String, Column)],
    metadata: Metadata,
) -> Result<(), PrepareError> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, column)| Field::new(name, column.data_type(), column.nullable()))
        .collect();
    let schema = Arc::new(Schema::new(fields).with_metadata(metadata));
    let arrays: Vec<ArrayRef> = columns.iter().map(|(_, c)| c.to_array()).collect();
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| file_error(path, e))?;

    let file = File::create(path).map_err(|e| io_error(path, e))?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(file, schema, Some(properties)).map_err(|e| file_error(path, e))?;
    writer.write(&batch).map_err(|e| file_error(path, e))?;
    writer.close().map_err(|e| file_error(path, e))?;
    Ok(())
}

fn write_csv(path: &Path, columns: &[(String, Column)]) -> Result<(), PrepareError> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| file_error(path, e))?;
    writer
        .write_record(columns.iter().map(|(name, _)| name.as_str()))
        .map_err(|e| file_error(path, e))?;
    let rows = columns.first().map_or(0, |(_, c)| match c {
        Column::Int(v) => v.len(),
        Column::Float(v) => v.len(),
        Column::Text(v) => v.len(),
        Column::OptionalText(v) => v.len(),
        Column::Bool(v) => v.len(),
    });
    for row in 0..rows {
        writer
            .write_record(columns.iter().map(|(_, c)| c.cell(row)))
            .map_err(|e| file_error(path, e))?;
    }
    writer.flush().map_err(|e| io_error(path, e))
}

/// Writes the stints as Parquet.
pub fn write_stints_parquet(path: &Path, stints: &[StintRecord]) -> Result<(), PrepareError> {
    write_parquet(path, &stint_columns(stints), Metadata::new())
}

/// Writes the stints as CSV.
pub fn write_stints_csv(path: &Path, stints: &[StintRecord]) -> Result<(), PrepareError> {
    write_csv(path, &stint_columns(stints))
}

/// Writes the samples as Parquet, with the feature schema in the metadata.
pub fn write_samples_parquet(path: &Path, set: &SampleSet) -> Result<(), PrepareError> {
    let schema_json = serde_json::to_string(&set.schema).map_err(|e| file_error(path, e))?;
    let metadata = Metadata::new().with(SCHEMA_METADATA_KEY, schema_json);
    write_parquet(path, &sample_columns(set), metadata)
}

/// Writes the samples as CSV.
pub fn write_samples_csv(path: &Path, set: &SampleSet) -> Result<(), PrepareError> {
    write_csv(path, &sample_columns(set))
}

// A column as read back: typed from Parquet, text from CSV.
enum ReadColumn {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

struct ReadTable {
    path: PathBuf,
    names: Vec<String>,
    columns: Vec<ReadColumn>,
    rows: usize,
}

impl ReadTable {
    fn column(&self, name: &str) -> Result<&ReadColumn, PrepareError> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
            .ok_or_else(|| file_error(&self.path, format!("no column {name:?}")))
    }

    fn value_error(&self, row: usize, column: &str, message: String) -> PrepareError {
        PrepareError::Value {
            path: self.path.display().to_string(),
            row: row + 1,
            column: column.to_string(),
            message,
        }
    }

    fn text(
        &self,
        column: &ReadColumn,
        name: &str,
        row: usize,
    ) -> Result<Option<String>, PrepareError> {
        Ok(match column {
            ReadColumn::Text(v) => v[row].clone(),
            ReadColumn::Int(v) => v[row].map(|x| x.to_string()),
            ReadColumn::Float(v) => v[row].map(|x| x.to_string()),
            ReadColumn::Bool(_) => {
                return Err(self.value_error(row, name, "expected text, found a boolean".into()))
            }
        })
    }

    fn required_text(&self, name: &str, row: usize) -> Result<String, PrepareError> {
        self.text(self.column(name)?, name, row)?
            .ok_or_else(|| self.value_error(row, name, "missing value".into()))
    }

    fn float(&self, column: &ReadColumn, name: &str, row: usize) -> Result<f64, PrepareError> {
        match column {
            ReadColumn::Float(v) => Ok(v[row].unwrap_or(f64::NAN)),
            ReadColumn::Int(v) => Ok(v[row].map_or(f64::NAN, |x| x as f64)),
            ReadColumn::Text(v) => match v[row].as_deref().map(str::trim) {
                None | Some("") => Ok(f64::NAN),
                Some(text) => text
                    .parse::<f64>()
                    .map_err(|_| self.value_error(row, name, format!("not a number: {text:?}"))),
            },
            ReadColumn::Bool(_) => {
                Err(self.value_error(row, name, "expected a number, found a boolean".into()))
            }
        }
    }

    fn integer(&self, name: &str, row: usize) -> Result<i64, PrepareError> {
        let column = self.column(name)?;
        let value = match column {
            ReadColumn::Int(v) => v[row],
            _ => {
                let x = self.float(column, name, row)?;
                (x.is_finite() && x.fract() == 0.0).then_some(x as i64)
            }
        };
        value.ok_or_else(|| self.value_error(row, name, "expected a whole number".into()))
    }

    fn boolean(&self, name: &str, row: usize) -> Result<bool, PrepareError> {
        let column = self.column(name)?;
        let value = match column {
            ReadColumn::Bool(v) => v[row],
            ReadColumn::Text(v) => match v[row].as_deref().map(|t| t.trim().to_ascii_lowercase()) {
                Some(t) if t == "true" || t == "1" => Some(true),
                Some(t) if t == "false" || t == "0" => Some(false),
                _ => None,
            },
            ReadColumn::Int(v) => v[row].map(|x| x != 0),
            ReadColumn::Float(_) => None,
        };
        value.ok_or_else(|| self.value_error(row, name, "expected true or false".into()))
    }
}

fn int_in<T: TryFrom<i64>>(table: &ReadTable, name: &str, row: usize) -> Result<T, PrepareError> {
    let value = table.integer(name, row)?;
    T::try_from(value).map_err(|_| table.value_error(row, name, format!("out of range: {value}")))
}

fn read_parquet_table(path: &Path) -> Result<(ReadTable, Option<String>), PrepareError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| file_error(path, e))?;
    let schema = builder.schema().clone();
    let schema_json = schema.metadata.get(SCHEMA_METADATA_KEY).cloned();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut columns: Vec<ReadColumn> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Boolean => ReadColumn::Bool(Vec::new()),
            DataType::Float64 | DataType::Float32 => ReadColumn::Float(Vec::new()),
            DataType::Utf8 | DataType::LargeUtf8 => ReadColumn::Text(Vec::new()),
            _ => ReadColumn::Int(Vec::new()),
        })
        .collect();
    let reader = builder.build().map_err(|e| file_error(path, e))?;
    let mut rows = 0;
    for batch in reader {
        let batch = batch.map_err(|e| file_error(path, e))?;
        for (index, column) in columns.iter_mut().enumerate() {
            append(column, batch.column(index).as_ref()).map_err(|message| {
                file_error(path, format!("column {:?}: {message}", names[index]))
            })?;
        }
        rows += batch.num_rows();
    }
    Ok((
        ReadTable {
            path: path.to_path_buf(),
            names,
            columns,
            rows,
        },
        schema_json,
    ))
}

fn append(column: &mut ReadColumn, array: &dyn Array) -> Result<(), String> {
    let any = array.as_any();
    let unsupported = || format!("unsupported type {}", array.data_type());
    match column {
        ReadColumn::Bool(values) => {
            let a = any.downcast_ref::<BooleanArray>().ok_or_else(unsupported)?;
            values.extend(a.iter());
        }
        ReadColumn::Float(values) => {
            if let Some(a) = any.downcast_ref::<Float64Array>() {
                values.extend(a.iter());
            } else if let Some(a) = any.downcast_ref::<Float32Array>() {
                values.extend(a.iter().map(|v| v.map(f64::from)));
            } else {
                return Err(unsupported());
            }
        }
        ReadColumn::Text(values) => {
            if let Some(a) = any.downcast_ref::<StringArray>() {
                values.extend(a.iter().map(|v| v.map(str::to_string)));
            } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
                values.extend(a.iter().map(|v| v.map(str::to_string)));
            } else {
                return Err(unsupported());
            }
        }
        ReadColumn::Int(values) => {
            if let Some(a) = any.downcast_ref::<Int32Array>() {
                values.extend(a.iter().map(|v| v.map(i64::from)));
            } else if let Some(a) = any.downcast_ref::<Int64Array>() {
                values.extend(a.iter());
            } else if let Some(a) = any.downcast_ref::<UInt32Array>() {
                values.extend(a.iter().map(|v| v.map(i64::from)));
            } else if let Some(a) = any.downcast_ref::<UInt64Array>() {
                values.extend(a.iter().map(|v| v.and_then(|x| i64::try_from(x).ok())));
            } else {
                return Err(unsupported());
            }
        }
    }
    Ok(())
}

fn read_csv_table(path: &Path) -> Result<ReadTable, PrepareError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| file_error(path, e))?;
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| file_error(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    let mut rows = 0;
    for record in reader.records() {
        let record = record.map_err(|e| file_error(path, e))?;
        for (index, column) in columns.iter_mut().enumerate() {
            let cell = record.get(index).unwrap_or("");
            column.push((!cell.is_empty()).then(|| cell.to_string()));
        }
        rows += 1;
    }
    Ok(ReadTable {
        path: path.to_path_buf(),
        names,
        columns: columns.into_iter().map(ReadColumn::Text).collect(),
        rows,
    })
}

/// Reads `samples.parquet` or `samples.csv` (by extension) back into a
/// sample set.
pub fn read_samples(path: &Path) -> Result<SampleSet, PrepareError> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let (table, schema_json) = if is_csv {
        (read_csv_table(path)?, None)
    } else {
        read_parquet_table(path)?
    };

    let feature_columns: Vec<usize> = table
        .names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with(FEATURE_PREFIX))
        .map(|(i, _)| i)
        .collect();
    let names: Vec<String> = feature_columns
        .iter()
        .map(|&i| table.names[i][FEATURE_PREFIX.len()..].to_string())
        .collect();
    let schema = match schema_json {
        Some(json) => {
            let schema: FeatureSchema = serde_json::from_str(&json)
                .map_err(|e| file_error(path, format!("bad feature schema metadata: {e}")))?;
            if schema.names != names || schema.kinds.len() != names.len() {
                return Err(file_error(
                    path,
                    "the feature schema in the metadata does not match the f_ columns",
                ));
            }
            schema
        }
        None => inferred_schema(names),
    };
    for key in SAMPLE_KEYS
        .iter()
        .chain(&["degradation_rate", "usable_life", "cliff"])
    {
        table.column(key)?;
    }

    let mut samples = Vec::with_capacity(table.rows);
    for row in 0..table.rows {
        let compound_text = table.required_text("compound", row)?;
        let compound = Compound::from_str(&compound_text)
            .map_err(|e| table.value_error(row, "compound", e.to_string()))?;
        let split_text = table.required_text("split", row)?;
        let split = Split::ALL
            .into_iter()
            .find(|s| s.as_str() == split_text)
            .ok_or_else(|| {
                table.value_error(
                    row,
                    "split",
                    format!("expected train, validation or test, found {split_text:?}"),
                )
            })?;
        let mut features = Vec::with_capacity(feature_columns.len());
        for &index in &feature_columns {
            features.push(table.float(&table.columns[index], &table.names[index], row)?);
        }
        samples.push(Sample {
            season: int_in(&table, "season", row)?,
            round: int_in(&table, "round", row)?,
            event: table.required_text("event", row)?,
            track: table.required_text("track", row)?,
            driver: table.required_text("driver", row)?,
            stint: int_in(&table, "stint", row)?,
            compound,
            k: int_in(&table, "k", row)?,
            split,
            oversampled: table.boolean("oversampled", row)?,
            features,
            degradation_rate: table.float(
                table.column("degradation_rate")?,
                "degradation_rate",
                row,
            )?,
            usable_life: table.float(table.column("usable_life")?, "usable_life", row)?,
            cliff: table.boolean("cliff", row)?,
        });
    }
    Ok(SampleSet { schema, samples })
}

fn inferred_schema(names: Vec<String>) -> FeatureSchema {
    let kinds = names
        .iter()
        .map(|name| {
            if name == "compound" {
                FeatureKind::Categorical(
                    COMPOUND_CATEGORIES.iter().map(|c| c.to_string()).collect(),
                )
            } else {
                FeatureKind::Numeric
            }
        })
        .collect();
    FeatureSchema { names, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{stint_laps, three_races};
    use crate::{prepare, PrepareOptions, Tables};
    use tiredeg_config::{FeatureExpression, TrainingConfig};
    use tiredeg_laps::KeyedTable;

    fn prepared() -> Prepared {
        let mut laps = three_races();
        // A SOFT stint that wears 0.05 s/lap for 10 laps, then 0.5.
        let mut cliff = stint_laps(2, "B", "LEC", 1, Compound::Soft, 2, 15, 0.05);
        for (i, lap) in cliff.iter_mut().enumerate().skip(10) {
            lap.lap_time_s = lap.lap_time_s.map(|t| t + 0.45 * (i as f64 - 9.0));
        }
        laps.extend(cliff);

        let mut tracks = KeyedTable {
            key: "track".into(),
            columns: vec!["abrasion".into()],
            ..KeyedTable::default()
        };
        tracks.rows.insert(("A".into(), None), vec![Some(3.5)]);
        let tables = Tables {
            tracks: Some(tracks),
            drivers: None,
        };
        let mut config = TrainingConfig::default();
        config.features.expressions = vec![FeatureExpression {
            name: "wear_guess".into(),
            expr: "obs_slope * (laps_remaining + 0.1)".into(),
        }];
        prepare(&laps, &tables, &config, &PrepareOptions::default()).unwrap()
    }

    fn assert_same(a: &SampleSet, b: &SampleSet) {
        assert_eq!(a.schema, b.schema);
        assert_eq!(a.samples.len(), b.samples.len());
        for (x, y) in a.samples.iter().zip(&b.samples) {
            let bits = |s: &Sample| {
                let mut v: Vec<u64> = s.features.iter().map(|f| f.to_bits()).collect();
                v.push(s.degradation_rate.to_bits());
                v.push(s.usable_life.to_bits());
                v
            };
            assert_eq!(bits(x), bits(y));
            let keys = |s: &Sample| {
                (
                    s.season,
                    s.round,
                    s.event.clone(),
                    s.track.clone(),
                    s.driver.clone(),
                    s.stint,
                    s.compound,
                    s.k,
                    s.split,
                    s.oversampled,
                    s.cliff,
                )
            };
            assert_eq!(keys(x), keys(y));
        }
    }

    #[test]
    fn samples_round_trip_through_parquet_and_csv() {
        let prepared = prepared();
        assert!(
            prepared.stints.iter().any(|s| s.cliff),
            "the test data has a cliff"
        );
        assert!(prepared.samples.samples.iter().any(|s| s.oversampled));

        let dir = tempfile::tempdir().unwrap();
        let files = write_prepared(dir.path(), &prepared, true).unwrap();
        let from_parquet = read_samples(&files.samples).unwrap();
        assert_same(&prepared.samples, &from_parquet);
        let from_csv = read_samples(files.samples_csv.as_ref().unwrap()).unwrap();
        assert_same(&prepared.samples, &from_csv);

        assert_eq!(read_history(&files.history).unwrap(), prepared.history);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&files.report).unwrap()).unwrap();
        assert_eq!(report["stints"]["modelled"], prepared.stints.len());
    }

    #[test]
    fn missing_features_are_nulls_in_parquet() {
        let prepared = prepared();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("samples.parquet");
        write_samples_parquet(&path, &prepared.samples).unwrap();

        let file = File::open(&path).unwrap();
        let mut reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let batch = reader.next().unwrap().unwrap();
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(&names[..10], &SAMPLE_KEYS);
        assert_eq!(names[10], "f_compound");
        assert_eq!(
            &names[names.len() - 3..],
            ["degradation_rate", "usable_life", "cliff"]
        );

        let column = |name: &str| {
            batch
                .column(names.iter().position(|n| *n == name).unwrap())
                .clone()
        };
        // No compound codes in the test data: every value is null.
        assert_eq!(column("f_compound_code").null_count(), batch.num_rows());
        // Track B has no table row.
        let on_b = prepared
            .samples
            .samples
            .iter()
            .filter(|s| s.track == "B")
            .count();
        assert_eq!(column("f_track_abrasion").null_count(), on_b);
    }

    #[test]
    fn stints_parquet_has_the_documented_columns() {
        let prepared = prepared();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stints.parquet");
        write_stints_parquet(&path, &prepared.stints).unwrap();

        let (table, _) = read_parquet_table(&path).unwrap();
        for name in [
            "season",
            "round",
            "event",
            "track",
            "driver",
            "stint",
            "compound",
            "n_laps",
            "n_clean_laps",
            "degradation_rate",
            "cliff",
            "cliff_age",
            "usable_life",
            "tire_age_imputed",
        ] {
            assert!(table.names.iter().any(|n| n == name), "{name}");
        }
        assert_eq!(table.rows, prepared.stints.len());
        let ReadColumn::Float(ages) = table.column("cliff_age").unwrap() else {
            panic!("cliff_age is not Float64");
        };
        let expected: Vec<Option<f64>> = prepared.stints.iter().map(|s| s.cliff_age).collect();
        assert_eq!(ages, &expected);
    }

    #[test]
    fn a_bad_csv_value_names_row_and_column() {
        let prepared = prepared();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("samples.csv");
        write_samples_csv(&path, &prepared.samples).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[2] = lines[2]
            .replacen("train", "holdout", 1)
            .replacen("validation", "holdout", 1)
            .replacen("test", "holdout", 1);
        std::fs::write(&path, lines.join("\n")).unwrap();

        let error = read_samples(&path).unwrap_err().to_string();
        assert!(
            error.contains("row 2") && error.contains("split") && error.contains("holdout"),
            "{error}"
        );
    }
}
