//! What becomes of each row of a laps file: a lap, a lap left out, or a
//! bad row.
//!
//! The three outcomes are kept apart because they mean different things to
//! a user. A lap left out (a gap in a required column, which real timing
//! feeds have) is normal and only counted by reason. A bad row (a value
//! that cannot be what its column means) is a fault in the file: it fails
//! the load unless the user asked to skip bad rows, and then every one of
//! them is kept so the report can list them.
//!
//! One sink, [`LapSink`], reads both lap layouts: each layout's columns
//! ([`LapColumns`]) say how a row becomes a lap, and the sink does the
//! counting and the keeping that is the same for both.

use std::collections::BTreeMap;
use std::path::Path;

use crate::cell::{Cell, Problem};
use crate::reader::{Header, Kind, Row, RowSink};
use crate::{BadRow, Lap, LapsError};

/// Why a row was left out, e.g. "missing stint"; `None` when its lap was
/// kept.
pub(crate) type LeftOut = Option<&'static str>;

/// The laps of one file and what was left out of them.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) laps: Vec<Lap>,
    /// Start time of each lap in `laps`, same order.
    pub(crate) starts: Vec<Option<f64>>,
    pub(crate) left_out: BTreeMap<&'static str, usize>,
    pub(crate) bad_rows: Vec<BadRow>,
    skip_bad_rows: bool,
}

impl Collected {
    pub(crate) fn new(skip_bad_rows: bool, capacity: usize) -> Collected {
        Collected {
            laps: Vec::with_capacity(capacity),
            starts: Vec::with_capacity(capacity),
            skip_bad_rows,
            ..Collected::default()
        }
    }

    /// Keeps a lap and its session start time. The mappers push each lap
    /// straight into the vector rather than returning it, which spares
    /// copying the (large) struct through a result on every row.
    #[inline]
    pub(crate) fn push(&mut self, lap: Lap, start: Option<f64>) {
        self.laps.push(lap);
        self.starts.push(start);
    }

    /// Takes one row's outcome once its lap, if any, has been pushed.
    pub(crate) fn take(&mut self, outcome: Result<LeftOut, BadRow>) -> Result<(), LapsError> {
        match outcome {
            Ok(None) => Ok(()),
            Ok(Some(reason)) => {
                *self.left_out.entry(reason).or_insert(0) += 1;
                Ok(())
            }
            Err(bad) => self.refuse(bad),
        }
    }

    /// Adds `offset` to the row numbers of the bad rows kept.
    pub(crate) fn shift_rows(&mut self, offset: usize) {
        for bad in &mut self.bad_rows {
            bad.row += offset;
        }
    }

    /// Keeps a bad row, or fails with it when bad rows are not skipped.
    pub(crate) fn refuse(&mut self, bad: BadRow) -> Result<(), LapsError> {
        refuse(&mut self.bad_rows, self.skip_bad_rows, bad)
    }
}

/// Keeps a bad row in `bad_rows` when bad rows are skipped, else fails
/// with it. Laps and weather samples follow the same rule.
pub(crate) fn refuse(
    bad_rows: &mut Vec<BadRow>,
    skip_bad_rows: bool,
    bad: BadRow,
) -> Result<(), LapsError> {
    if skip_bad_rows {
        bad_rows.push(bad);
        Ok(())
    } else {
        Err(bad.into())
    }
}

/// The header positions of one lap layout, and how a row in it becomes a
/// lap. Implemented by the native and the FastF1 columns, so that one
/// [`LapSink`] serves both layouts.
pub(crate) trait LapColumns {
    /// The columns read, with the kind each must hold in Parquet.
    fn used(&self) -> Vec<(usize, Kind)>;

    /// Pushes the row's lap into `out`, or says why there is none.
    fn lap<R: Row>(&self, fields: &Fields<'_, R>, out: &mut Collected) -> Result<LeftOut, BadRow>;
}

/// Turns the rows of one laps file into laps, by the layout's columns.
pub(crate) struct LapSink<'a, C> {
    pub(crate) file: &'a Path,
    pub(crate) header: &'a Header,
    pub(crate) columns: C,
    pub(crate) collected: Collected,
}

impl<C: LapColumns> RowSink for LapSink<'_, C> {
    fn row<R: Row>(&mut self, row: &R, number: usize) -> Result<(), LapsError> {
        let fields = Fields::new(self.file, self.header, row, number);
        let outcome = self.columns.lap(&fields, &mut self.collected);
        self.collected.take(outcome)
    }

    fn refuse(&mut self, bad: BadRow) -> Result<(), LapsError> {
        self.collected.refuse(bad)
    }

    fn shift_rows(&mut self, offset: usize) {
        self.collected.shift_rows(offset);
    }
}

/// The cells of one row, read with the file and row number at hand so
/// that a conversion failure becomes a [`BadRow`] naming both.
pub(crate) struct Fields<'a, R> {
    pub(crate) file: &'a Path,
    pub(crate) header: &'a Header,
    pub(crate) row: &'a R,
    pub(crate) number: usize,
}

impl<'a, R: Row> Fields<'a, R> {
    /// The cells of data row `number` of `file`.
    pub(crate) fn new(
        file: &'a Path,
        header: &'a Header,
        row: &'a R,
        number: usize,
    ) -> Fields<'a, R> {
        Fields {
            file,
            header,
            row,
            number,
        }
    }

    /// The value of the column at `position`, converted.
    pub(crate) fn get<'c, T>(
        &'c self,
        position: usize,
        convert: impl FnOnce(Cell<'c>) -> Result<Option<T>, Problem>,
    ) -> Result<Option<T>, BadRow> {
        let cell = self.row.cell(position);
        convert(cell).map_err(|Problem(reason)| self.bad(position, reason))
    }

    /// Like [`Fields::get`] for a column the file may not have.
    pub(crate) fn optional<'c, T>(
        &'c self,
        position: Option<usize>,
        convert: impl FnOnce(Cell<'c>) -> Result<Option<T>, Problem>,
    ) -> Result<Option<T>, BadRow> {
        match position {
            Some(position) => self.get(position, convert),
            None => Ok(None),
        }
    }

    /// A bad row for the cell at `position`.
    pub(crate) fn bad(&self, position: usize, reason: String) -> BadRow {
        BadRow {
            file: self.file.to_path_buf(),
            row: self.number,
            column: self.header.name(position).to_string(),
            value: self.row.cell(position).display(),
            reason,
        }
    }

    /// The text of a column, owned, for the few strings a lap stores.
    pub(crate) fn string(&self, position: Option<usize>) -> Result<Option<String>, BadRow> {
        Ok(self
            .optional(position, crate::cell::text)?
            .map(str::to_string))
    }

    /// A lap time in seconds, which cannot be negative. `convert` is
    /// [`crate::cell::float`] for the native schema (a float column) and
    /// [`crate::cell::seconds`] for FastF1 (floats or Timedeltas).
    pub(crate) fn lap_time<'c>(
        &'c self,
        position: Option<usize>,
        convert: impl FnOnce(Cell<'c>) -> Result<Option<f64>, Problem>,
    ) -> Result<Option<f64>, BadRow> {
        let Some(position) = position else {
            return Ok(None);
        };
        match self.get(position, convert)? {
            Some(time) if time < 0.0 => {
                Err(self.bad(position, "is negative (a lap time cannot be)".to_string()))
            }
            time => Ok(time),
        }
    }
}

/// Reads a compound; an unknown spelling is a bad value, a gap is `None`.
pub(crate) fn compound(cell: Cell<'_>) -> Result<Option<crate::Compound>, Problem> {
    use crate::Compound;
    match crate::cell::text(cell)? {
        None => Ok(None),
        // The spellings files use, matched before the general parse.
        Some("SOFT") => Ok(Some(Compound::Soft)),
        Some("MEDIUM") => Ok(Some(Compound::Medium)),
        Some("HARD") => Ok(Some(Compound::Hard)),
        Some(text) => text.parse().map(Some).map_err(|_| {
            Problem(
                "is not a known compound (expected SOFT, MEDIUM, HARD, INTERMEDIATE, \
                 WET or UNKNOWN)"
                    .to_string(),
            )
        }),
    }
}

/// Reads an absolute compound code, upper-cased.
///
/// FastF1's `CompoundName` also holds INTERMEDIATE, WET and UNKNOWN, which
/// are not points on the dry hardness scale: those read as no code rather
/// than as a bad value, in both formats, so a FastF1 file converted to the
/// native schema loads the same way.
pub(crate) fn compound_code(cell: Cell<'_>) -> Result<Option<String>, Problem> {
    let Some(text) = crate::cell::text(cell)? else {
        return Ok(None);
    };
    if crate::compound_code_number(text).is_some() {
        return Ok(Some(text.to_ascii_uppercase()));
    }
    let not_slick = ["INTERMEDIATE", "WET", "UNKNOWN", "TEST_UNKNOWN"];
    match not_slick.iter().any(|name| text.eq_ignore_ascii_case(name)) {
        true => Ok(None),
        false => Err(Problem(
            "is not a known compound code (expected C0..C6 or HYPERSOFT, ULTRASOFT, \
             SUPERSOFT, SOFT, MEDIUM, HARD, SUPERHARD)"
                .to_string(),
        )),
    }
}
