//! The lap record every other part of tiredeg works on.
//!
//! One `Lap` is one row of the native schema: the columns a strategy
//! engineer's timing feed gives for one driver on one lap. Optional columns
//! are `Option`s, because real feeds leave gaps and a gap must stay a gap
//! (the models take missing values as they are).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The tire compound relative to the event (Pirelli brings three slicks to
/// each race and names them SOFT, MEDIUM and HARD), or a wet-weather tire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Compound {
    /// The softest of the three slicks of the event.
    Soft,
    /// The middle slick.
    Medium,
    /// The hardest slick.
    Hard,
    /// Intermediate (light wet) tire.
    Intermediate,
    /// Full wet tire.
    Wet,
    /// The feed did not know the compound.
    Unknown,
}

impl Compound {
    /// All compounds, in the order reports list them.
    pub const ALL: [Compound; 6] = [
        Compound::Soft,
        Compound::Medium,
        Compound::Hard,
        Compound::Intermediate,
        Compound::Wet,
        Compound::Unknown,
    ];

    /// The three slicks, the only compounds that are modelled.
    pub const SLICKS: [Compound; 3] = [Compound::Soft, Compound::Medium, Compound::Hard];

    /// The upper-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Compound::Soft => "SOFT",
            Compound::Medium => "MEDIUM",
            Compound::Hard => "HARD",
            Compound::Intermediate => "INTERMEDIATE",
            Compound::Wet => "WET",
            Compound::Unknown => "UNKNOWN",
        }
    }

    /// Whether this is a wet-weather tire (INTERMEDIATE or WET).
    pub fn is_wet(self) -> bool {
        matches!(self, Compound::Intermediate | Compound::Wet)
    }
}

impl fmt::Display for Compound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A compound name that is not one of the known spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown compound {0:?} (expected SOFT, MEDIUM, HARD, INTERMEDIATE, WET or UNKNOWN)")]
pub struct UnknownCompound(pub String);

impl FromStr for Compound {
    type Err = UnknownCompound;

    /// Case-insensitive. FastF1 writes `TEST_UNKNOWN` for test sets of
    /// unknown compound; it reads as `UNKNOWN`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Compared without upper-casing into a new String: this runs once
        // per lap of every file loaded.
        let name = text.trim();
        let spellings = [
            ("SOFT", Compound::Soft),
            ("MEDIUM", Compound::Medium),
            ("HARD", Compound::Hard),
            ("INTERMEDIATE", Compound::Intermediate),
            ("WET", Compound::Wet),
            ("UNKNOWN", Compound::Unknown),
            ("TEST_UNKNOWN", Compound::Unknown),
        ];
        spellings
            .iter()
            .find(|(spelling, _)| name.eq_ignore_ascii_case(spelling))
            .map(|(_, compound)| *compound)
            .ok_or_else(|| UnknownCompound(text.to_string()))
    }
}

/// The absolute compound as a number on Pirelli's hardness scale: C0..C6
/// map to 0..6, and the 2018 names SUPERHARD..HYPERSOFT to 0..6.
///
/// Returns `None` for a spelling that is neither.
pub fn compound_code_number(code: &str) -> Option<u8> {
    let code = code.trim();
    let names = [
        "SUPERHARD",
        "HARD",
        "MEDIUM",
        "SOFT",
        "SUPERSOFT",
        "ULTRASOFT",
        "HYPERSOFT",
    ];
    // `C0`..`C6`, compared without allocating (this runs once per lap).
    if let [c, digit @ b'0'..=b'6'] = code.as_bytes() {
        if c.eq_ignore_ascii_case(&b'C') {
            return Some(digit - b'0');
        }
    }
    names
        .iter()
        .position(|name| code.eq_ignore_ascii_case(name))
        .and_then(|number| u8::try_from(number).ok())
}

/// One lap of one driver, in the native schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lap {
    /// Championship year.
    pub season: i32,
    /// Round number within the season.
    pub round: u32,
    /// Event name, e.g. "Bahrain Grand Prix".
    pub event: String,
    /// Race date, when known.
    pub event_date: Option<NaiveDate>,
    /// Circuit id; the event name when the file has none.
    pub track: String,
    /// Driver code.
    pub driver: String,
    /// Team name, when known.
    pub team: Option<String>,
    /// Stint number within the race.
    pub stint: u32,
    /// Race lap number, from 1.
    pub lap_number: u32,
    /// Compound relative to the event.
    pub compound: Compound,
    /// Absolute compound, upper case (C0..C6 or a 2018 name), when known.
    pub compound_code: Option<String>,
    /// Laps on the set at the end of this lap.
    pub tire_age: Option<u32>,
    /// The set was new at the start of the stint.
    pub fresh_tire: Option<bool>,
    /// Lap time in seconds; `None` means the lap has no time.
    pub lap_time_s: Option<f64>,
    /// The driver entered the pit lane on this lap.
    pub pit_in: bool,
    /// The driver left the pit lane on this lap.
    pub pit_out: bool,
    /// Concatenated track status codes seen during the lap ("1" is green).
    pub track_status: Option<String>,
    /// The timing feed marks the lap time as accurate.
    pub is_accurate: Option<bool>,
    /// Air temperature in degrees Celsius.
    pub air_temp_c: Option<f64>,
    /// Track temperature in degrees Celsius.
    pub track_temp_c: Option<f64>,
    /// Relative humidity in percent.
    pub humidity_pct: Option<f64>,
    /// Rain fell during the lap.
    pub rainfall: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_parse_in_any_case() {
        assert_eq!("SOFT".parse(), Ok(Compound::Soft));
        assert_eq!(" medium ".parse(), Ok(Compound::Medium));
        assert_eq!("Intermediate".parse(), Ok(Compound::Intermediate));
        assert_eq!("TEST_UNKNOWN".parse(), Ok(Compound::Unknown));
        let unknown: Result<Compound, _> = "HYPERSOFT".parse();
        assert_eq!(unknown, Err(UnknownCompound("HYPERSOFT".to_string())));
        for compound in Compound::ALL {
            assert_eq!(compound.as_str().parse(), Ok(compound));
        }
    }

    #[test]
    fn compound_codes_on_the_hardness_scale() {
        assert_eq!(compound_code_number("C0"), Some(0));
        assert_eq!(compound_code_number("c5"), Some(5));
        assert_eq!(compound_code_number("C6"), Some(6));
        assert_eq!(compound_code_number("SUPERHARD"), Some(0));
        assert_eq!(compound_code_number("hard"), Some(1));
        assert_eq!(compound_code_number("ULTRASOFT"), Some(5));
        assert_eq!(compound_code_number("HYPERSOFT"), Some(6));
        assert_eq!(compound_code_number("C7"), None);
        assert_eq!(compound_code_number("WET"), None);
        assert_eq!(compound_code_number(""), None);
    }
}
