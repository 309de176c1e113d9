//! Rows of a CSV or Parquet file, one [`Cell`] at a time.
//!
//! The lap, weather and table mappers do not care which format a file is
//! in; they ask a [`Row`] for the cell of a column position they resolved
//! once from the [`Header`], and hand each row to a [`RowSink`]. The two
//! formats live in `csv_rows` and `parquet_rows`.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::cell::Cell;
use crate::columns::is_index_column;
use crate::csv_rows::CsvData;
use crate::{csv_rows, parquet_rows, BadRow, LapsError};

/// The two file formats, told apart by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Comma-separated text with a header row (`.csv`).
    Csv,
    /// Apache Parquet (`.parquet` or `.pq`).
    Parquet,
}

impl FileKind {
    /// The format of a path, from its extension (case-insensitive).
    pub fn of(path: &Path) -> Result<FileKind, LapsError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv") => Ok(FileKind::Csv),
            Some("parquet") | Some("pq") => Ok(FileKind::Parquet),
            _ => Err(LapsError::UnknownFormat {
                file: path.to_path_buf(),
            }),
        }
    }
}

/// What a mapper wants a column to hold; decides which Parquet types are
/// accepted. Text columns of any kind are accepted everywhere, since a
/// CSV-minded producer may well write numbers as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Number,
    Bool,
    Date,
    Time,
    Status,
}

impl Kind {
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Kind::Text => "a string column",
            Kind::Number => "an integer, float or string column",
            Kind::Bool => "a boolean, integer or string column",
            Kind::Date => "a date, timestamp or string column",
            Kind::Time => "a duration, float, integer or string column",
            Kind::Status => "an integer, float or string column",
        }
    }

    pub(crate) fn accepts(self, data_type: &DataType) -> bool {
        let stringy =
            |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
        if matches!(data_type, DataType::Null) || stringy(data_type) {
            return true;
        }
        if let DataType::Dictionary(_, values) = data_type {
            return stringy(values);
        }
        let integer = data_type.is_integer();
        let float = data_type.is_floating();
        match self {
            Kind::Text => false,
            Kind::Number | Kind::Status => integer || float,
            Kind::Bool => integer || matches!(data_type, DataType::Boolean),
            Kind::Date => matches!(
                data_type,
                DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _)
            ),
            Kind::Time => integer || float || matches!(data_type, DataType::Duration(_)),
        }
    }
}

/// The `used` columns to hand [`Table::read`]: every required column, then
/// those of the optional ones the file has, each with the kind it must hold.
pub(crate) fn used_columns(
    required: impl IntoIterator<Item = (usize, Kind)>,
    optional: impl IntoIterator<Item = (Option<usize>, Kind)>,
) -> Vec<(usize, Kind)> {
    let present = optional
        .into_iter()
        .filter_map(|(position, kind)| position.map(|p| (p, kind)));
    required.into_iter().chain(present).collect()
}

/// The column names of a file and where each is, with a pandas index
/// column left out.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
    positions: HashMap<String, usize>,
    duplicates: Vec<String>,
}

impl Header {
    pub(crate) fn new(mut names: Vec<String>) -> Header {
        // Spreadsheet programs start UTF-8 files with a byte order mark,
        // which would otherwise become part of the first column's name.
        if let Some(first) = names.first_mut() {
            if let Some(rest) = first.strip_prefix('\u{feff}') {
                *first = rest.to_string();
            }
        }
        let mut positions = HashMap::with_capacity(names.len());
        let mut duplicates = Vec::new();
        for (position, name) in names.iter().enumerate() {
            if is_index_column(position, name) {
                continue;
            }
            if positions.insert(name.clone(), position).is_some() {
                duplicates.push(name.clone());
            }
        }
        Header {
            names,
            positions,
            duplicates,
        }
    }

    /// Whether the header has a column of this name.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.positions.contains_key(name)
    }

    /// Where a column is, if the file has it. A name that appears twice
    /// is an error only when it is looked up, so that duplicated columns
    /// the mapper ignores do no harm.
    pub(crate) fn find(&self, file: &Path, name: &str) -> Result<Option<usize>, LapsError> {
        if self.duplicates.iter().any(|d| d == name) {
            return Err(LapsError::DuplicateColumn {
                file: file.to_path_buf(),
                column: name.to_string(),
            });
        }
        Ok(self.positions.get(name).copied())
    }

    /// Where a required column is.
    pub(crate) fn require(&self, file: &Path, name: &str) -> Result<usize, LapsError> {
        self.find(file, name)?
            .ok_or_else(|| LapsError::MissingColumn {
                file: file.to_path_buf(),
                column: name.to_string(),
                available: self.data_columns().map(str::to_string).collect(),
            })
    }

    /// The column names other than a pandas index, in file order.
    pub(crate) fn data_columns(&self) -> impl Iterator<Item = &str> {
        self.data_columns_with_positions().map(|(_, name)| name)
    }

    /// Like [`Header::data_columns`], with each column's position.
    pub(crate) fn data_columns_with_positions(&self) -> impl Iterator<Item = (usize, &str)> {
        self.names
            .iter()
            .enumerate()
            .filter(|(position, name)| !is_index_column(*position, name))
            .map(|(position, name)| (position, name.as_str()))
    }

    /// The name of the column at a position.
    pub(crate) fn name(&self, position: usize) -> &str {
        self.names.get(position).map(String::as_str).unwrap_or("")
    }
}

/// One data row: the cell at a header position.
pub(crate) trait Row {
    fn cell(&self, position: usize) -> Cell<'_>;
}

/// What a mapper does with each row. `number` is the data row number,
/// from 1, header not counted.
pub(crate) trait RowSink {
    fn row<R: Row>(&mut self, row: &R, number: usize) -> Result<(), LapsError>;

    /// A row the reader itself cannot split into cells. Sinks that may
    /// skip bad rows keep it; by default it fails the read.
    fn refuse(&mut self, bad: BadRow) -> Result<(), LapsError> {
        Err(bad.into())
    }

    /// Adds `offset` to the row numbers the sink has kept: a sink that
    /// read a later part of a file counted its rows from 1.
    fn shift_rows(&mut self, offset: usize) {
        let _ = offset;
    }
}

/// An opened file whose header has been read.
pub(crate) struct Table {
    file: PathBuf,
    header: Header,
    source: Source,
}

enum Source {
    Csv(CsvData),
    Parquet(ParquetRecordBatchReaderBuilder<File>),
}

impl Table {
    /// Opens a file and reads its header.
    pub(crate) fn open(path: &Path) -> Result<Table, LapsError> {
        let (names, source) = match FileKind::of(path)? {
            FileKind::Csv => {
                let data = CsvData::load(path)?;
                (data.names(path)?, Source::Csv(data))
            }
            FileKind::Parquet => {
                let file = File::open(path).map_err(|source| LapsError::Io {
                    file: path.to_path_buf(),
                    source,
                })?;
                let (names, builder) = parquet_rows::open(path, file)?;
                (names, Source::Parquet(builder))
            }
        };
        if names.is_empty() || names.iter().all(String::is_empty) {
            return Err(LapsError::Empty {
                file: path.to_path_buf(),
            });
        }
        Ok(Table {
            file: path.to_path_buf(),
            header: Header::new(names),
            source,
        })
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Feeds every data row to the sink, decoding only the `used`
    /// columns (header positions with the kind each must hold). Returns
    /// the number of data rows; a file with none is [`LapsError::Empty`].
    pub(crate) fn read<S: RowSink>(
        self,
        used: &[(usize, Kind)],
        sink: &mut S,
    ) -> Result<usize, LapsError> {
        let Table {
            file,
            header,
            source,
        } = self;
        let rows = match source {
            Source::Csv(data) => data.rows(&file, &header, sink)?,
            Source::Parquet(builder) => parquet_rows::read(&file, builder, used, sink)?,
        };
        if rows == 0 {
            return Err(LapsError::Empty { file });
        }
        Ok(rows)
    }

    /// Like [`Table::read`], but a large plain CSV file is cut into
    /// `parts` pieces read on as many threads, each into a sink of its
    /// own from `make`. Returns the row count and the sinks in file order,
    /// their row numbers already counted from the start of the file.
    pub(crate) fn read_parts<S, F>(
        self,
        used: &[(usize, Kind)],
        parts: usize,
        make: F,
    ) -> Result<(usize, Vec<S>), LapsError>
    where
        S: RowSink + Send,
        F: Fn() -> S + Sync,
    {
        if let Source::Csv(data) = &self.source {
            if let Some(pieces) = data.split(parts) {
                let (rows, sinks) = csv_rows::read_pieces(&self.file, &self.header, &pieces, make)?;
                if rows == 0 {
                    return Err(LapsError::Empty { file: self.file });
                }
                return Ok((rows, sinks));
            }
        }
        let mut sink = make();
        let rows = self.read(used, &mut sink)?;
        Ok((rows, vec![sink]))
    }
}
