//! Rows of a CSV file.
//!
//! The file is read into memory whole (a season is about 4 MB). Most lap
//! files, and all of the FastF1 exports seen so far, are *plain*: no
//! quotes and no carriage returns. For those, CSV's rules reduce to
//! cutting lines at `\n` and cells at `,`, which is done here directly, in
//! one pass, several times faster than a general CSV state machine; and a
//! plain file can be cut at any line break into pieces read on separate
//! threads, which is what lets one large season use both cores. Any other
//! file goes through the `csv` crate, which handles quoting in full. Both
//! paths give the same cells (a test holds them to it).
//!
//! Blank lines are passed over in both, as the `csv` crate does, and do
//! not count as rows.

use std::path::Path;

use crate::cell::Cell;
use crate::reader::{Header, Row, RowSink};
use crate::write::csv_error;
use crate::{BadRow, LapsError};

/// Below this many bytes of rows a file is not worth cutting into pieces.
const MIN_PIECE_BYTES: usize = 1 << 20;

/// A CSV file in memory.
pub(crate) struct CsvData {
    bytes: Vec<u8>,
    /// No quotes and no carriage returns: lines and cells can be cut
    /// directly.
    plain: bool,
    /// For a plain file, where the header line is and where the rows start.
    header_line: (usize, usize),
    rows_start: usize,
}

impl CsvData {
    /// Reads a file into memory and checks whether it is plain.
    ///
    /// Known shortcoming: the whole file is held in memory, which is
    /// nothing for a season (4 MB) but would not do for a file of
    /// gigabytes; that would need the pieces read from disk in turn.
    pub(crate) fn load(path: &Path) -> Result<CsvData, LapsError> {
        let bytes = std::fs::read(path).map_err(|source| LapsError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        let plain = is_plain(&bytes);

        // The header is the first line that is not blank.
        let mut start = 0;
        while bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        Ok(CsvData {
            plain,
            header_line: (start, end),
            rows_start: (end + 1).min(bytes.len()),
            bytes,
        })
    }

    /// The header's column names, trimmed.
    pub(crate) fn names(&self, path: &Path) -> Result<Vec<String>, LapsError> {
        let to_name = |cell: &[u8]| String::from_utf8_lossy(cell).trim().to_string();
        if self.plain {
            let (start, end) = self.header_line;
            return Ok(self.bytes[start..end]
                .split(|&b| b == b',')
                .map(to_name)
                .collect());
        }
        let mut reader = csv::ReaderBuilder::new().from_reader(&self.bytes[..]);
        let names = reader.byte_headers().map_err(|e| csv_error(path, e))?;
        Ok(names.iter().map(to_name).collect())
    }

    /// Feeds every data row to the sink and returns how many there were.
    pub(crate) fn rows<S: RowSink>(
        &self,
        file: &Path,
        header: &Header,
        sink: &mut S,
    ) -> Result<usize, LapsError> {
        if self.plain {
            read_plain(file, header, &self.bytes[self.rows_start..], sink)
        } else {
            read_quoted(file, header, &self.bytes, sink)
        }
    }

    /// The rows of a plain file cut at line breaks into up to `parts`
    /// pieces of about equal size; `None` for a file that is not plain or
    /// too small to be worth it.
    pub(crate) fn split(&self, parts: usize) -> Option<Vec<&[u8]>> {
        let rows = &self.bytes[self.rows_start..];
        let parts = parts.min(rows.len() / MIN_PIECE_BYTES);
        if !self.plain || parts < 2 {
            return None;
        }
        let mut pieces = Vec::with_capacity(parts);
        let mut start = 0;
        for part in 1..parts {
            let target = (rows.len() * part / parts).max(start);
            let cut = rows[target..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rows.len(), |i| target + i + 1);
            pieces.push(&rows[start..cut]);
            start = cut;
        }
        pieces.push(&rows[start..]);
        Some(pieces)
    }
}

/// Reads pieces of a plain file on one thread each. Each piece counts its
/// rows from 1; the counts of the pieces before it are added afterwards,
/// to its sink's kept rows and to its error, so every row number is the
/// row's place in the whole file.
pub(crate) fn read_pieces<S, F>(
    file: &Path,
    header: &Header,
    pieces: &[&[u8]],
    make: F,
) -> Result<(usize, Vec<S>), LapsError>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    let results: Vec<(Result<usize, LapsError>, S)> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|piece| {
                let make = &make;
                scope.spawn(move || {
                    let mut sink = make();
                    let rows = read_plain(file, header, piece, &mut sink);
                    (rows, sink)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                // A panic while reading is a bug, not bad input: pass it on.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });

    let mut offset = 0;
    let mut sinks = Vec::with_capacity(results.len());
    for (rows, mut sink) in results {
        match rows {
            Ok(rows) => {
                sink.shift_rows(offset);
                offset += rows;
                sinks.push(sink);
            }
            Err(error) => return Err(shift_error(error, offset)),
        }
    }
    Ok((offset, sinks))
}

fn shift_error(error: LapsError, offset: usize) -> LapsError {
    match error {
        LapsError::Malformed {
            file,
            row,
            column,
            value,
            reason,
        } => LapsError::Malformed {
            file,
            row: row + offset,
            column,
            value,
            reason,
        },
        other => other,
    }
}

/// A row of a plain file: the line's bytes and where each cell ends.
struct PlainRow<'a> {
    data: &'a [u8],
    start: usize,
    ends: &'a [usize],
}

impl Row for PlainRow<'_> {
    #[inline]
    fn cell(&self, position: usize) -> Cell<'_> {
        let Some(&end) = self.ends.get(position) else {
            return Cell::Null;
        };
        let from = match position {
            0 => self.start,
            _ => self.ends[position - 1] + 1,
        };
        Cell::Text(&self.data[from..end])
    }
}

/// Whether a file has neither quotes nor carriage returns.
///
/// Blocks are folded without an early exit, which the compiler turns into
/// wide compares; a block with a hit ends the scan.
fn is_plain(bytes: &[u8]) -> bool {
    bytes.chunks(4096).all(|block| {
        let hits = block.iter().fold(0_u8, |hits, &b| {
            hits | u8::from(b == b'"') | u8::from(b == b'\r')
        });
        hits == 0
    })
}

/// Bytes per word in the separator search.
const WORD: usize = 8;

/// The high bit of each byte of `word` that equals `byte`, and no other.
///
/// Adding 0x7F to the low seven bits of a byte sets its high bit unless
/// they are all zero, without carrying into the next byte; or-ing the
/// byte back in covers a set high bit. What is left clear is a zero byte
/// of `word ^ byte`, that is, a byte equal to `byte`.
#[inline]
fn equal_bytes(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN)
}

/// Cuts plain rows into cells in one pass over the bytes.
///
/// Eight bytes are tested at a time for a comma or a line break; rows of
/// lap files hold a separator every six bytes or so, so this mostly saves
/// the per-byte branching of a byte loop.
fn read_plain<S: RowSink>(
    file: &Path,
    header: &Header,
    data: &[u8],
    sink: &mut S,
) -> Result<usize, LapsError> {
    let width = header.names.len();
    let mut ends: Vec<usize> = Vec::with_capacity(width + 1);
    let mut number = 0;
    let mut start = 0;

    let mut emit = |start: usize, ends: &[usize], number: &mut usize| {
        let blank = ends.len() == 1 && ends[0] == start;
        if blank {
            return Ok(());
        }
        *number += 1;
        if ends.len() != width {
            let line = &data[start..ends[ends.len() - 1]];
            return sink.refuse(wrong_width(file, *number, line, ends.len(), width));
        }
        let row = PlainRow { data, start, ends };
        sink.row(&row, *number)
    };

    let mut separator = |at: usize, number: &mut usize| {
        ends.push(at);
        if data[at] == b'\n' {
            emit(start, &ends, number)?;
            ends.clear();
            start = at + 1;
        }
        Ok::<(), LapsError>(())
    };

    let words = data.chunks_exact(WORD);
    let tail = words.remainder();
    for (index, word) in words.enumerate() {
        let mut bytes = [0_u8; WORD];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        let mut hits = equal_bytes(word, b',') | equal_bytes(word, b'\n');
        while hits != 0 {
            let at = index * WORD + (hits.trailing_zeros() / 8) as usize;
            separator(at, &mut number)?;
            hits &= hits - 1;
        }
    }
    let tail_start = data.len() - tail.len();
    for (offset, &byte) in tail.iter().enumerate() {
        if byte == b',' || byte == b'\n' {
            separator(tail_start + offset, &mut number)?;
        }
    }

    if start < data.len() {
        ends.push(data.len());
        emit(start, &ends, &mut number)?;
    }
    Ok(number)
}

/// Reads rows with the `csv` crate, for files with quotes or `\r`.
fn read_quoted<S: RowSink>(
    file: &Path,
    header: &Header,
    bytes: &[u8],
    sink: &mut S,
) -> Result<usize, LapsError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut number = 0;
    let width = header.names.len();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(file, e))?
    {
        number += 1;
        if record.len() != width {
            let line: Vec<u8> = record.iter().collect::<Vec<_>>().join(&b","[..]);
            sink.refuse(wrong_width(file, number, &line, record.len(), width))?;
            continue;
        }
        sink.row(&QuotedRow { record: &record }, number)?;
    }
    Ok(number)
}

struct QuotedRow<'a> {
    record: &'a csv::ByteRecord,
}

impl Row for QuotedRow<'_> {
    fn cell(&self, position: usize) -> Cell<'_> {
        match self.record.get(position) {
            None => Cell::Null,
            Some(bytes) => Cell::Text(bytes),
        }
    }
}

/// A row whose cell count differs from the header's: its cells would land
/// in the wrong columns, so it is refused as a whole.
fn wrong_width(file: &Path, row: usize, line: &[u8], cells: usize, width: usize) -> BadRow {
    let mut value = String::from_utf8_lossy(line).into_owned();
    if value.len() > 80 {
        let cut = (0..=80)
            .rev()
            .find(|&i| value.is_char_boundary(i))
            .unwrap_or(0);
        value.truncate(cut);
        value.push_str("...");
    }
    BadRow {
        file: file.to_path_buf(),
        row,
        column: "(whole row)".to_string(),
        value,
        reason: format!("has {cells} cells but the header has {width}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{load_laps, LapSource, LoadOptions, LoadedLaps};

    fn real_2019() -> Option<Vec<u8>> {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/f1-laps/transformed_grand_prix_laps_2019.csv"
        ));
        let bytes = std::fs::read(&path).ok();
        if bytes.is_none() {
            // Printing is the only way to tell a skipped test from a pass.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: {} is absent", path.display());
            }
        }
        bytes
    }

    fn load_bytes(
        dir: &Path,
        name: &str,
        bytes: &[u8],
        skip: bool,
    ) -> Result<LoadedLaps, LapsError> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let options = LoadOptions {
            skip_bad_rows: skip,
        };
        load_laps(&[LapSource::new(path)], &options)
    }

    #[test]
    fn separator_search_finds_every_comma_and_line_break() {
        let text = b"ab,c\n,,xyz,\n12345678,9";
        let word = |at: usize| {
            let mut bytes = [0_u8; 8];
            bytes.copy_from_slice(&text[at..at + 8]);
            u64::from_le_bytes(bytes)
        };
        let found: Vec<usize> = (0..text.len() / 8)
            .flat_map(|w| {
                let mut hits = equal_bytes(word(w * 8), b',') | equal_bytes(word(w * 8), b'\n');
                let mut positions = Vec::new();
                while hits != 0 {
                    positions.push(w * 8 + (hits.trailing_zeros() / 8) as usize);
                    hits &= hits - 1;
                }
                positions
            })
            .collect();
        let expected: Vec<usize> = (0..text.len() / 8 * 8)
            .filter(|&i| text[i] == b',' || text[i] == b'\n')
            .collect();
        assert_eq!(found, expected);
        assert!(is_plain(text));
        assert!(!is_plain(b"a,\"b\"\n"));
        assert!(!is_plain(b"a,b\r\n"));
    }

    /// Keeps the row numbers it sees, to check how pieces are counted.
    struct Numbers {
        rows: Vec<usize>,
        refused: Vec<usize>,
    }

    impl RowSink for Numbers {
        fn row<R: Row>(&mut self, _row: &R, number: usize) -> Result<(), LapsError> {
            self.rows.push(number);
            Ok(())
        }

        fn refuse(&mut self, bad: BadRow) -> Result<(), LapsError> {
            self.refused.push(bad.row);
            Ok(())
        }

        fn shift_rows(&mut self, offset: usize) {
            self.rows.iter_mut().for_each(|row| *row += offset);
            self.refused.iter_mut().for_each(|row| *row += offset);
        }
    }

    #[test]
    fn pieces_cut_at_line_breaks_and_number_rows_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        // 3 MB of rows, every 1000th one short of a cell.
        let mut text = String::from("a,b,c\n");
        for row in 1..=300_000 {
            if row % 1000 == 0 {
                text.push_str("1,2\n");
            } else {
                text.push_str(&format!("{row},xx,{}\n", row % 7));
            }
        }
        std::fs::write(&path, &text).unwrap();

        let data = CsvData::load(&path).unwrap();
        let header = Header::new(data.names(&path).unwrap());
        let pieces = data.split(3).unwrap();
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|piece| piece.ends_with(b"\n")));
        let make = || Numbers {
            rows: Vec::new(),
            refused: Vec::new(),
        };
        let (rows, sinks) = read_pieces(&path, &header, &pieces, make).unwrap();

        assert_eq!(rows, 300_000);
        let seen: Vec<usize> = sinks.iter().flat_map(|s| s.rows.iter().copied()).collect();
        let refused: Vec<usize> = sinks
            .iter()
            .flat_map(|s| s.refused.iter().copied())
            .collect();
        let expected_refused: Vec<usize> = (1..=300).map(|k| k * 1000).collect();
        assert_eq!(refused, expected_refused);
        assert_eq!(seen.len(), 300_000 - 300);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(seen.last(), Some(&299_999));
    }

    #[test]
    fn plain_and_quoted_paths_give_the_same_laps() {
        let Some(bytes) = real_2019() else { return };
        let dir = tempfile::tempdir().unwrap();
        // Quoting one header cell sends the same data through the csv crate.
        let quoted = String::from_utf8(bytes.clone())
            .unwrap()
            .replacen("Driver", "\"Driver\"", 1);

        let plain = load_bytes(dir.path(), "plain_2019.csv", &bytes, false).unwrap();
        let general = load_bytes(dir.path(), "quoted_2019.csv", quoted.as_bytes(), false).unwrap();
        assert_eq!(plain.laps.len(), 23_675);
        assert_eq!(plain.laps, general.laps);
        assert_eq!(plain.left_out, general.left_out);
    }

    #[test]
    fn row_numbers_count_from_the_start_of_the_file_across_pieces() {
        let Some(bytes) = real_2019() else { return };
        let dir = tempfile::tempdir().unwrap();
        // Data row 20,000 is line 20,001; break its LapTime (4th cell).
        let text = String::from_utf8(bytes).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = lines[20_000].split(',').collect();
        cells[3] = "fast";
        lines[20_000] = cells.join(",");
        let broken = lines.join("\n") + "\n";

        let message = load_bytes(dir.path(), "broken_2019.csv", broken.as_bytes(), false)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("row 20000, column LapTime: \"fast\""),
            "{message}"
        );

        let skipped = load_bytes(dir.path(), "broken_2019.csv", broken.as_bytes(), true).unwrap();
        assert_eq!(skipped.laps.len(), 23_674);
        let rows: Vec<usize> = skipped.skipped_bad_rows.iter().map(|b| b.row).collect();
        assert_eq!(rows, [20_000]);
    }

    #[test]
    fn crlf_lines_blank_lines_and_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let lf = "season,round,event,driver,stint,lap_number,compound\n\
                  2019,1,X,HAM,1,1,SOFT\n\n2019,1,X,HAM,1,2,SOFT";
        let crlf = format!("\u{feff}{}\r\n", lf.replace('\n', "\r\n"));

        let from_lf = load_bytes(dir.path(), "lf.csv", lf.as_bytes(), false).unwrap();
        let from_crlf = load_bytes(dir.path(), "crlf.csv", crlf.as_bytes(), false).unwrap();
        assert_eq!(from_lf.laps.len(), 2);
        assert_eq!(from_lf.files[0].rows, 2);
        assert_eq!(from_lf.laps, from_crlf.laps);
    }
}
