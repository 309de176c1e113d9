//! One cell of an input table, and how it becomes a lap field.
//!
//! CSV gives every cell as text, Parquet gives typed values. Both readers
//! hand the lap mappers a [`Cell`], and the conversions below accept every
//! spelling the two formats use for the same thing: `12` and `12.0` for a
//! whole number (pandas writes integer columns with gaps as floats),
//! `True`, `true` and `1` for a bool, seconds or a pandas Timedelta string
//! for a time. What cannot be read becomes a [`Problem`] that says why, in
//! words that complete the sentence "column X: "value" ...".
//!
//! Gaps: an empty cell, a null, NaN and the pandas spellings `nan`, `NaN`,
//! `NaT` and `<NA>` all mean "no value".
//!
//! Text cells stay bytes until a conversion needs a `str`. Loading is
//! dominated by the twenty-odd conversions per lap, so numbers, bools and
//! times are read straight from the bytes, and only text that a lap stores
//! is checked for UTF-8.

use chrono::NaiveDate;

/// One cell as a reader found it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    /// No value.
    Null,
    /// Text, as in every CSV cell and Parquet string columns; not yet
    /// checked to be UTF-8.
    Text(&'a [u8]),
    /// A Parquet integer.
    Int(i64),
    /// A Parquet float.
    Float(f64),
    /// A Parquet bool.
    Bool(bool),
    /// A Parquet date.
    Date(NaiveDate),
    /// A Parquet duration, converted to seconds.
    Seconds(f64),
}

impl Cell<'_> {
    /// The cell as a user would see it in the file, for error messages.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Cell::Int(value) => value.to_string(),
            Cell::Float(value) | Cell::Seconds(value) => value.to_string(),
            Cell::Bool(value) => value.to_string(),
            Cell::Date(date) => date.to_string(),
        }
    }

    /// The cell with gaps made `None` and text trimmed of ASCII blanks.
    #[inline]
    fn present(self) -> Option<Self> {
        match self {
            Cell::Null => None,
            Cell::Text(bytes) => {
                let bytes = bytes.trim_ascii();
                (!is_gap_text(bytes)).then_some(Cell::Text(bytes))
            }
            Cell::Float(value) | Cell::Seconds(value) if value.is_nan() => None,
            other => Some(other),
        }
    }
}

/// Whether a text cell is one of the spellings of "no value".
#[inline]
fn is_gap_text(bytes: &[u8]) -> bool {
    match bytes.len() {
        0 => true,
        3 => matches!(bytes, b"nan" | b"NaN" | b"NAN" | b"NaT"),
        4 => bytes == b"<NA>",
        _ => false,
    }
}

/// Why a cell could not be read, ending the sentence "column X: "v" ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem(pub(crate) String);

impl Problem {
    fn new(reason: &str) -> Self {
        Problem(reason.to_string())
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|_| Problem::new("is not valid UTF-8 text"))
}

/// A cell as text; `None` for a gap.
pub(crate) fn text(cell: Cell<'_>) -> Result<Option<&str>, Problem> {
    match cell.present() {
        None => Ok(None),
        Some(Cell::Text(bytes)) => utf8(bytes).map(Some),
        Some(_) => Err(Problem::new("is not text")),
    }
}

/// A float; `None` for a gap.
pub(crate) fn float(cell: Cell<'_>) -> Result<Option<f64>, Problem> {
    match cell.present() {
        None => Ok(None),
        Some(Cell::Text(bytes)) => parse_float(bytes).and_then(finite),
        Some(Cell::Int(value)) => Ok(Some(value as f64)),
        Some(Cell::Float(value)) | Some(Cell::Seconds(value)) => finite(Some(value)),
        Some(_) => Err(Problem::new("is not a number")),
    }
}

/// Powers of ten that a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a decimal number; NaN reads as a gap.
///
/// Plain decimals such as `105.008` take a fast path: when the digits form
/// an integer below 2^53 and there are at most 22 decimals, both the
/// integer and the power of ten are exact doubles, so one division gives
/// the correctly rounded value, the same double the standard parser
/// returns. Anything else (exponents, long mantissas) goes to the standard
/// parser.
fn parse_float(bytes: &[u8]) -> Result<Option<f64>, Problem> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut decimals: Option<usize> = None;
    let mut count = 0;
    let mut plain = !digits.is_empty() && digits.len() <= 19;
    if plain {
        for &byte in digits {
            match byte {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(byte - b'0');
                    count += 1;
                    decimals = decimals.map(|d| d + 1);
                }
                b'.' if decimals.is_none() => decimals = Some(0),
                _ => {
                    plain = false;
                    break;
                }
            }
        }
    }
    let decimals = decimals.unwrap_or(0);
    if plain && count > 0 && mantissa < (1 << 53) && decimals < EXACT_POWERS_OF_TEN.len() {
        let magnitude = mantissa as f64 / EXACT_POWERS_OF_TEN[decimals];
        return Ok(Some(if negative { -magnitude } else { magnitude }));
    }

    let text = utf8(bytes).map_err(|_| Problem::new("is not a number"))?;
    match text.parse::<f64>() {
        Ok(value) if value.is_nan() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(_) => Err(Problem::new("is not a number")),
    }
}

/// Infinity is never a measurement; it is a spreadsheet's division by
/// zero, so it is reported rather than passed on.
fn finite(value: Option<f64>) -> Result<Option<f64>, Problem> {
    match value {
        Some(number) if !number.is_finite() => Err(Problem::new("is not a finite number")),
        other => Ok(other),
    }
}

/// A whole number, written as `12` or `12.0`; `None` for a gap.
pub(crate) fn whole(cell: Cell<'_>) -> Result<Option<i64>, Problem> {
    let not_whole = || Problem::new("is not a whole number");
    match cell.present() {
        None => Ok(None),
        Some(Cell::Text(bytes)) => {
            if let Some(value) = parse_whole(bytes) {
                return Ok(Some(value));
            }
            match parse_float(bytes) {
                Ok(Some(value)) => whole_float(value).map(Some).ok_or_else(not_whole),
                _ => Err(not_whole()),
            }
        }
        Some(Cell::Int(value)) => Ok(Some(value)),
        Some(Cell::Float(value)) => whole_float(value).map(Some).ok_or_else(not_whole),
        Some(_) => Err(not_whole()),
    }
}

/// `12`, `-3` or `12.0` (the way pandas writes whole floats), read
/// directly; `None` for anything else, which then goes through a float.
fn parse_whole(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    let digits = digits.strip_suffix(b".0").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut value = 0_i64;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(if negative { -value } else { value })
}

/// A float that is exactly a whole number within i64 range.
fn whole_float(value: f64) -> Option<i64> {
    let in_range = value.abs() < 9.0e15;
    (value.is_finite() && value.fract() == 0.0 && in_range).then_some(value as i64)
}

/// A whole number that must be at least `min` and fit a u32.
pub(crate) fn count(cell: Cell<'_>, min: u32) -> Result<Option<u32>, Problem> {
    match whole(cell)? {
        None => Ok(None),
        Some(value) if value < i64::from(min) => Err(Problem(format!("is less than {min}"))),
        Some(value) => u32::try_from(value)
            .map(Some)
            .map_err(|_| Problem::new("is too large")),
    }
}

/// A bool: `true`/`false` in any case, `1`/`0` (also `1.0`/`0.0`).
pub(crate) fn boolean(cell: Cell<'_>) -> Result<Option<bool>, Problem> {
    let not_bool = || Problem::new("is not true or false");
    match cell.present() {
        None => Ok(None),
        Some(Cell::Bool(value)) => Ok(Some(value)),
        Some(Cell::Int(0)) => Ok(Some(false)),
        Some(Cell::Int(1)) => Ok(Some(true)),
        Some(Cell::Float(0.0)) => Ok(Some(false)),
        Some(Cell::Float(1.0)) => Ok(Some(true)),
        Some(Cell::Text(bytes)) => {
            if bytes.eq_ignore_ascii_case(b"true") || bytes == b"1" || bytes == b"1.0" {
                Ok(Some(true))
            } else if bytes.eq_ignore_ascii_case(b"false") || bytes == b"0" || bytes == b"0.0" {
                Ok(Some(false))
            } else {
                Err(not_bool())
            }
        }
        Some(_) => Err(not_bool()),
    }
}

/// An ISO date `YYYY-MM-DD`, optionally followed by a time of day (which
/// is dropped: the event date is what matters).
pub(crate) fn date(cell: Cell<'_>) -> Result<Option<NaiveDate>, Problem> {
    let not_date = || Problem::new("is not a date (expected YYYY-MM-DD)");
    match cell.present() {
        None => Ok(None),
        Some(Cell::Date(date)) => Ok(Some(date)),
        Some(Cell::Text(bytes)) => {
            let day = match bytes.get(10) {
                Some(b'T') | Some(b' ') => &bytes[..10],
                _ => bytes,
            };
            let day = utf8(day).map_err(|_| not_date())?;
            NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| not_date())
        }
        Some(_) => Err(not_date()),
    }
}

/// A time in seconds: a float, or a pandas Timedelta string.
pub(crate) fn seconds(cell: Cell<'_>) -> Result<Option<f64>, Problem> {
    let not_time =
        || Problem::new("is not a time (expected seconds or a Timedelta like 0 days 00:01:32.123)");
    match cell.present() {
        None => Ok(None),
        Some(Cell::Seconds(value)) | Some(Cell::Float(value)) => finite(Some(value)),
        Some(Cell::Int(value)) => Ok(Some(value as f64)),
        Some(Cell::Text(bytes)) if bytes.contains(&b':') => {
            parse_timedelta_bytes(bytes).map(Some).ok_or_else(not_time)
        }
        Some(Cell::Text(bytes)) => match parse_float(bytes) {
            Ok(value) => finite(value).map_err(|_| not_time()),
            Err(_) => Err(not_time()),
        },
        Some(_) => Err(not_time()),
    }
}

/// A track status: the concatenated status digits, with the `.0` that a
/// float column adds taken off (`12.0` is "12").
pub(crate) fn track_status(cell: Cell<'_>) -> Result<Option<String>, Problem> {
    let not_status = || Problem::new("is not a track status (digits such as 1 or 24)");
    match cell.present() {
        None => Ok(None),
        Some(Cell::Int(value)) if value >= 0 => Ok(Some(value.to_string())),
        Some(Cell::Float(value)) => match whole_float(value) {
            Some(code) if code >= 0 => Ok(Some(code.to_string())),
            _ => Err(not_status()),
        },
        Some(Cell::Text(bytes)) => {
            let digits = bytes.strip_suffix(b".0").unwrap_or(bytes);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(not_status());
            }
            // ASCII digits are valid UTF-8, so this never fails.
            utf8(digits).map(|d| Some(d.to_string()))
        }
        Some(_) => Err(not_status()),
    }
}

/// Parses a pandas Timedelta string into seconds; see
/// [`parse_timedelta_bytes`].
#[cfg(test)]
pub(crate) fn parse_timedelta(text: &str) -> Option<f64> {
    parse_timedelta_bytes(text.as_bytes())
}

/// Parses the bytes of a pandas Timedelta string into seconds.
///
/// pandas writes `D days HH:MM:SS[.fffffffff]`; a negative Timedelta keeps
/// a non-negative clock and puts the sign on the days, so
/// `-1 days +23:59:59.5` is half a second before zero. Both are accepted,
/// and so is a bare `HH:MM:SS[.f]`. The sum is taken in whole nanoseconds
/// so that `0 days 00:01:32.123000` gives exactly the float `92.123`.
///
/// Every lap has a `Time` in this form, so the parser walks the bytes
/// once instead of splitting the text into pieces.
fn parse_timedelta_bytes(bytes: &[u8]) -> Option<f64> {
    let mut cursor = Cursor {
        bytes: bytes.trim_ascii(),
        at: 0,
    };

    let mut days = 0_i64;
    let has_days = cursor.bytes.contains(&b' ');
    if has_days {
        let negative = cursor.eat(b'-');
        days = cursor.number(12)?;
        if negative {
            days = -days;
        }
        cursor.eat_spaces();
        if !cursor.eat_word(b"day") {
            return None;
        }
        cursor.eat(b's');
        cursor.eat_spaces();
        cursor.eat(b'+');
    }

    let hours = cursor.number(12)?;
    let minutes = cursor.colon_then_two_digits()?;
    let seconds = cursor.colon_then_two_digits()?;
    let mut fraction_ns = 0_i64;
    if cursor.eat(b'.') {
        let start = cursor.at;
        let fraction = cursor.number(9)?;
        let width = (cursor.at - start) as u32;
        fraction_ns = fraction * 10_i64.pow(9 - width);
    }
    if cursor.at != cursor.bytes.len() || minutes >= 60 || seconds >= 60 {
        return None;
    }

    let clock_ns = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000_000 + fraction_ns;
    let total_ns = days
        .checked_mul(86_400_000_000_000)?
        .checked_add(clock_ns)?;
    Some(total_ns as f64 / 1e9)
}

/// A position in the bytes of a Timedelta string.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn eat_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    fn eat_word(&mut self, word: &[u8]) -> bool {
        let found = self.bytes[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    /// One to `max_digits` ASCII digits.
    fn number(&mut self, max_digits: usize) -> Option<i64> {
        let start = self.at;
        let mut value = 0_i64;
        while let Some(digit) = self.bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
            value = value * 10 + i64::from(digit - b'0');
            self.at += 1;
        }
        let width = self.at - start;
        (1..=max_digits).contains(&width).then_some(value)
    }

    /// `:` then exactly two digits, as in `:05`.
    fn colon_then_two_digits(&mut self) -> Option<i64> {
        if !self.eat(b':') {
            return None;
        }
        let start = self.at;
        let value = self.number(2)?;
        (self.at - start == 2).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timedelta_with_fraction() {
        assert_eq!(parse_timedelta("0 days 00:01:32.123000"), Some(92.123));
        assert_eq!(parse_timedelta("0 days 00:35:17.993000"), Some(2117.993));
    }

    #[test]
    fn timedelta_without_fraction() {
        assert_eq!(parse_timedelta("0 days 00:00:38"), Some(38.0));
        assert_eq!(parse_timedelta("01:02:03"), Some(3723.0));
    }

    #[test]
    fn timedelta_with_days() {
        assert_eq!(
            parse_timedelta("2 days 01:00:00.5"),
            Some(2.0 * 86_400.0 + 3_600.5)
        );
        assert_eq!(parse_timedelta("1 day 00:00:01"), Some(86_401.0));
    }

    #[test]
    fn timedelta_negative_keeps_pandas_meaning() {
        assert_eq!(parse_timedelta("-1 days +23:59:59.5"), Some(-0.5));
    }

    #[test]
    fn timedelta_rejects_garbage() {
        for text in [
            "abc",
            "0 days 00:61:00",
            "0 days 1:2",
            "0 hours 00:00:01",
            "0 days 00:00:1x",
        ] {
            assert_eq!(parse_timedelta(text), None, "{text}");
        }
    }

    #[test]
    fn seconds_accepts_floats_and_timedeltas() {
        assert_eq!(seconds(Cell::Text(b"105.008")), Ok(Some(105.008)));
        assert_eq!(
            seconds(Cell::Text(b"0 days 00:01:45.008000")),
            Ok(Some(105.008))
        );
        assert_eq!(seconds(Cell::Seconds(91.5)), Ok(Some(91.5)));
        assert_eq!(seconds(Cell::Text(b"NaT")), Ok(None));
        assert_eq!(seconds(Cell::Text(b"")), Ok(None));
        assert!(seconds(Cell::Text(b"fast")).is_err());
    }

    #[test]
    fn whole_numbers_written_as_floats() {
        assert_eq!(whole(Cell::Text(b"12.0")), Ok(Some(12)));
        assert_eq!(whole(Cell::Text(b"12")), Ok(Some(12)));
        assert_eq!(whole(Cell::Float(3.0)), Ok(Some(3)));
        assert!(whole(Cell::Text(b"12.5")).is_err());
        assert!(whole(Cell::Float(f64::INFINITY)).is_err());
        assert_eq!(
            count(Cell::Text(b"0"), 1),
            Err(Problem("is less than 1".into()))
        );
        assert!(count(Cell::Text(b"-3.0"), 0).is_err());
    }

    #[test]
    fn track_status_drops_float_suffix() {
        assert_eq!(track_status(Cell::Text(b"12.0")), Ok(Some("12".into())));
        assert_eq!(track_status(Cell::Text(b"1.0")), Ok(Some("1".into())));
        assert_eq!(track_status(Cell::Text(b"1")), Ok(Some("1".into())));
        assert_eq!(track_status(Cell::Text(b"12")), Ok(Some("12".into())));
        assert_eq!(track_status(Cell::Float(267.0)), Ok(Some("267".into())));
        assert_eq!(track_status(Cell::Int(4)), Ok(Some("4".into())));
        assert!(track_status(Cell::Text(b"green")).is_err());
        assert!(track_status(Cell::Float(1.5)).is_err());
    }

    #[test]
    fn bools_in_pandas_spellings() {
        assert_eq!(boolean(Cell::Text(b"True")), Ok(Some(true)));
        assert_eq!(boolean(Cell::Text(b"false")), Ok(Some(false)));
        assert_eq!(boolean(Cell::Text(b"1")), Ok(Some(true)));
        assert_eq!(boolean(Cell::Text(b"0.0")), Ok(Some(false)));
        assert_eq!(boolean(Cell::Text(b"")), Ok(None));
        assert!(boolean(Cell::Text(b"yes")).is_err());
    }

    #[test]
    fn gaps_and_numbers() {
        assert_eq!(float(Cell::Text(b"nan")), Ok(None));
        assert_eq!(float(Cell::Float(f64::NAN)), Ok(None));
        assert_eq!(float(Cell::Text(b" 91.25 ")), Ok(Some(91.25)));
        assert_eq!(
            float(Cell::Text(b"abc")),
            Err(Problem("is not a number".into()))
        );
        assert_eq!(text(Cell::Text(b"  VER ")), Ok(Some("VER")));
        assert!(text(Cell::Int(3)).is_err());
    }

    #[test]
    fn dates_with_and_without_time() {
        let day = NaiveDate::from_ymd_opt(2019, 3, 17);
        assert_eq!(date(Cell::Text(b"2019-03-17")), Ok(day));
        assert_eq!(date(Cell::Text(b"2019-03-17 05:10:00")), Ok(day));
        assert!(date(Cell::Text(b"17/03/2019")).is_err());
    }
}
