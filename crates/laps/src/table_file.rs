//! Reading and writing track and driver tables.
//!
//! The tables are small (one row per circuit or driver), so clarity wins
//! over speed here. Every column other than the key and `season` becomes a
//! model feature, which is why each must be numeric: a text column would
//! otherwise turn up later as a feature no model can use.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::cell;
use crate::collect::Fields;
use crate::reader::{Header, Kind, Row, RowSink, Table};
use crate::write::csv_error;
use crate::{KeyedTable, LapsError};

/// Writes a keyed table as CSV: the key column, then `season` when any row
/// has one, then the numeric columns in table order.
///
/// Rows are sorted by key and season (the all-season row first), so the
/// same table always gives the same file.
pub fn write_keyed_table_csv(path: &Path, table: &KeyedTable) -> Result<(), LapsError> {
    let has_season = table.rows.keys().any(|(_, season)| season.is_some());
    let mut writer = csv::Writer::from_path(path).map_err(|e| csv_error(path, e))?;

    let mut header = vec![table.key.as_str()];
    if has_season {
        header.push("season");
    }
    header.extend(table.columns.iter().map(String::as_str));
    writer
        .write_record(&header)
        .map_err(|e| csv_error(path, e))?;

    let mut keys: Vec<&(String, Option<i32>)> = table.rows.keys().collect();
    keys.sort();
    let mut cells: Vec<String> = Vec::with_capacity(header.len());
    for key in keys {
        cells.clear();
        cells.push(key.0.clone());
        if has_season {
            cells.push(key.1.map(|s| s.to_string()).unwrap_or_default());
        }
        let values = table.rows.get(key).map(Vec::as_slice).unwrap_or(&[]);
        for column in 0..table.columns.len() {
            let mut cell = String::new();
            if let Some(value) = values.get(column).copied().flatten() {
                let _ = write!(cell, "{value}");
            }
            cells.push(cell);
        }
        writer
            .write_record(&cells)
            .map_err(|e| csv_error(path, e))?;
    }
    writer.flush().map_err(|source| LapsError::Io {
        file: path.to_path_buf(),
        source,
    })
}

/// Reads a track or driver table from CSV or Parquet.
///
/// `key` names the key column (`track` or `driver`), which must be
/// present and filled in every row. A `season` column, when present, makes
/// rows with a season apply to that season only, and rows with an empty
/// season to every other. Every other column (a pandas index aside) must
/// hold numbers or gaps; the first cell that does not is an error naming
/// its row, column and value.
pub fn load_keyed_table(path: &Path, key: &str) -> Result<KeyedTable, LapsError> {
    let table = Table::open(path)?;
    let header = table.header().clone();
    let key_position = header.require(path, key)?;
    let season_position = if key == "season" {
        None
    } else {
        header.find(path, "season")?
    };

    let mut columns = Vec::new();
    let mut value_positions = Vec::new();
    for (position, name) in header.data_columns_with_positions() {
        if position != key_position && Some(position) != season_position {
            // Two columns of one name would be two features of one name.
            header.find(path, name)?;
            columns.push(name.to_string());
            value_positions.push(position);
        }
    }

    let mut used = vec![(key_position, Kind::Text)];
    used.extend(season_position.map(|p| (p, Kind::Number)));
    used.extend(value_positions.iter().map(|&p| (p, Kind::Number)));

    let mut sink = KeyedSink {
        file: path,
        header: &header,
        key_position,
        season_position,
        value_positions,
        table: KeyedTable {
            key: key.to_string(),
            columns,
            rows: HashMap::new(),
        },
    };
    table.read(&used, &mut sink)?;
    Ok(sink.table)
}

struct KeyedSink<'a> {
    file: &'a Path,
    header: &'a Header,
    key_position: usize,
    season_position: Option<usize>,
    value_positions: Vec<usize>,
    table: KeyedTable,
}

impl RowSink for KeyedSink<'_> {
    fn row<R: Row>(&mut self, row: &R, number: usize) -> Result<(), LapsError> {
        let fields = Fields::new(self.file, self.header, row, number);
        let Some(key) = fields.get(self.key_position, cell::text)? else {
            let reason = "is empty (every row needs a key)".to_string();
            return Err(fields.bad(self.key_position, reason).into());
        };
        let season = match fields.optional(self.season_position, cell::whole)? {
            None => None,
            Some(year) => match i32::try_from(year) {
                Ok(year) => Some(year),
                Err(_) => {
                    let position = self.season_position.unwrap_or(self.key_position);
                    return Err(fields.bad(position, "is not a year".to_string()).into());
                }
            },
        };
        let mut values = Vec::with_capacity(self.value_positions.len());
        for &position in &self.value_positions {
            values.push(fields.get(position, cell::float)?);
        }

        let row_key = (key.to_string(), season);
        if self.table.rows.contains_key(&row_key) {
            return Err(LapsError::DuplicateKey {
                file: self.file.to_path_buf(),
                row: number,
                key: row_key.0,
                season,
            });
        }
        self.table.rows.insert(row_key, values);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACKS: &str = "\
,track,season,abrasion,grip
0,bahrain,,3,4
1,bahrain,2022,5,
2,monza,,1.5,2
";

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn season_rows_override_all_season_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "tracks.csv", TRACKS);
        let table = load_keyed_table(&path, "track").unwrap();

        assert_eq!(table.columns, ["abrasion", "grip"]);
        assert_eq!(table.lookup("bahrain", 2022), Some(&[Some(5.0), None][..]));
        assert_eq!(
            table.lookup("bahrain", 2019),
            Some(&[Some(3.0), Some(4.0)][..])
        );
        assert_eq!(
            table.lookup("monza", 2022),
            Some(&[Some(1.5), Some(2.0)][..])
        );
        assert_eq!(table.lookup("imola", 2022), None);
    }

    #[test]
    fn written_table_reads_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let table = load_keyed_table(&write(dir.path(), "a.csv", TRACKS), "track").unwrap();
        let copy = dir.path().join("b.csv");
        write_keyed_table_csv(&copy, &table).unwrap();
        assert_eq!(load_keyed_table(&copy, "track").unwrap(), table);
    }

    #[test]
    fn text_in_a_numeric_column_names_row_column_value() {
        let dir = tempfile::tempdir().unwrap();
        let text = TRACKS.replace("1.5", "high");
        let path = write(dir.path(), "tracks.csv", &text);
        let message = load_keyed_table(&path, "track").unwrap_err().to_string();
        assert!(
            message.ends_with("tracks.csv row 3, column abrasion: \"high\" is not a number"),
            "{message}"
        );
    }

    #[test]
    fn duplicate_and_missing_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let twice = write(dir.path(), "twice.csv", "driver,aggression\nHAM,1\nHAM,2\n");
        match load_keyed_table(&twice, "driver") {
            Err(LapsError::DuplicateKey {
                row, key, season, ..
            }) => {
                assert_eq!((row, key.as_str(), season), (2, "HAM", None));
            }
            other => panic!("expected DuplicateKey, got {other:?}"),
        }

        let no_key = write(dir.path(), "nokey.csv", "name,aggression\nHAM,1\n");
        let result = load_keyed_table(&no_key, "driver");
        assert!(
            matches!(result, Err(LapsError::MissingColumn { column, .. }) if column == "driver")
        );

        let empty_key = write(dir.path(), "empty.csv", "driver,aggression\n,1\n");
        let message = load_keyed_table(&empty_key, "driver")
            .unwrap_err()
            .to_string();
        assert!(message.contains("row 1, column driver"), "{message}");
    }
}
