//! Track and driver tables: numeric ratings keyed by track or driver.
//!
//! Both tables have one key column (`track` or `driver`), an optional
//! `season` column and any number of numeric columns. A row with a season
//! applies to that season only; a row without one applies to every season
//! that has no row of its own. The column names become model features, so
//! they are kept in file order.

use std::collections::HashMap;

/// A table of numeric attributes keyed by name and, optionally, season.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyedTable {
    /// The key column: `track` or `driver`.
    pub key: String,
    /// The numeric columns, in file order.
    pub columns: Vec<String>,
    /// Rows keyed by (key value, season); `None` is the all-season row.
    pub rows: HashMap<(String, Option<i32>), Vec<Option<f64>>>,
}

impl KeyedTable {
    /// The values for `name` in `season`: the season's own row, else the
    /// all-season row, else `None`.
    pub fn lookup(&self, name: &str, season: i32) -> Option<&[Option<f64>]> {
        self.rows
            .get(&(name.to_string(), Some(season)))
            .or_else(|| self.rows.get(&(name.to_string(), None)))
            .map(Vec::as_slice)
    }
}
