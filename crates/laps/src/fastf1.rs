//! Laps in the FastF1 `Laps` layout (SPEC section 1.2).
//!
//! FastF1 is what most analysts use to fetch timing data, and its `Laps`
//! table written with pandas is the de facto lap file. Its columns map onto
//! the native schema one to one, except three things a FastF1 session
//! table does not carry: the season, the round and the event. A file of
//! several races (as in `shared/data/f1-laps`) has `RoundNumber` and
//! `EventName` columns; a single session's table has neither, and the
//! caller supplies them per file. The season comes, in that order, from a
//! `Season` or `Year` column, from the caller, or from a four-digit year in
//! the file name.
//!
//! A column beats the caller's value; the caller's value only fills gaps
//! in that column. The lap's session start time (`LapStartTime`, else
//! `Time - LapTime`) is kept beside each lap so weather can be joined.

use std::path::Path;

use crate::cell;
use crate::collect::{self, Collected, Fields, LapColumns, LeftOut};
use crate::reader::{used_columns, Header, Kind, Row};
use crate::{BadRow, Lap, LapSource, LapsError};

/// Where a season, round or event comes from for every row of a file.
#[derive(Clone)]
enum EventField<T> {
    /// A column, with the caller's value for its gaps.
    Column(usize, Option<T>),
    /// One value for the whole file.
    Fixed(T),
}

impl<T> EventField<T> {
    fn column(&self) -> Option<usize> {
        match self {
            EventField::Column(position, _) => Some(*position),
            EventField::Fixed(_) => None,
        }
    }
}

/// Header positions of the FastF1 columns, and the event fields.
#[derive(Clone)]
pub(crate) struct FastF1Columns {
    driver: usize,
    stint: usize,
    lap_number: usize,
    compound: usize,
    season: EventField<i32>,
    round: EventField<u32>,
    event: EventField<String>,
    event_date: Option<usize>,
    team: Option<usize>,
    compound_name: Option<usize>,
    tyre_life: Option<usize>,
    fresh_tyre: Option<usize>,
    lap_time: Option<usize>,
    pit_in_time: Option<usize>,
    pit_out_time: Option<usize>,
    track_status: Option<usize>,
    is_accurate: Option<usize>,
    time: Option<usize>,
    lap_start_time: Option<usize>,
    air_temp: Option<usize>,
    track_temp: Option<usize>,
    humidity: Option<usize>,
    rainfall: Option<usize>,
}

impl FastF1Columns {
    /// Resolves the columns and where the event fields come from.
    pub(crate) fn resolve(
        file: &Path,
        header: &Header,
        source: &LapSource,
    ) -> Result<FastF1Columns, LapsError> {
        let find = |name| header.find(file, name);
        let missing = |field, hint| LapsError::MissingEventField {
            file: file.to_path_buf(),
            field,
            hint,
        };

        let season_column = match find("Season")? {
            Some(position) => Some(position),
            None => find("Year")?,
        };
        let season = match (season_column, source.season) {
            (Some(position), fallback) => EventField::Column(position, fallback),
            (None, Some(season)) => EventField::Fixed(season),
            (None, None) => match year_in_file_name(file) {
                Some(year) => EventField::Fixed(year),
                None => return Err(missing("season", " and its name holds no year")),
            },
        };
        let round = match (find("RoundNumber")?, source.round) {
            (Some(position), fallback) => EventField::Column(position, fallback),
            (None, Some(round)) => EventField::Fixed(round),
            (None, None) => return Err(missing("round", " (RoundNumber)")),
        };
        let event = match (find("EventName")?, source.event.clone()) {
            (Some(position), fallback) => EventField::Column(position, fallback),
            (None, Some(event)) => EventField::Fixed(event),
            (None, None) => return Err(missing("event", " (EventName)")),
        };

        Ok(FastF1Columns {
            driver: header.require(file, "Driver")?,
            stint: header.require(file, "Stint")?,
            lap_number: header.require(file, "LapNumber")?,
            compound: header.require(file, "Compound")?,
            season,
            round,
            event,
            event_date: find("EventDate")?,
            team: find("Team")?,
            compound_name: find("CompoundName")?,
            tyre_life: find("TyreLife")?,
            fresh_tyre: find("FreshTyre")?,
            lap_time: find("LapTime")?,
            pit_in_time: find("PitInTime")?,
            pit_out_time: find("PitOutTime")?,
            track_status: find("TrackStatus")?,
            is_accurate: find("IsAccurate")?,
            time: find("Time")?,
            lap_start_time: find("LapStartTime")?,
            air_temp: find("AirTemp")?,
            track_temp: find("TrackTemp")?,
            humidity: find("Humidity")?,
            rainfall: find("Rainfall")?,
        })
    }
}

impl LapColumns for FastF1Columns {
    /// The columns read, with the kind each must hold in Parquet.
    fn used(&self) -> Vec<(usize, Kind)> {
        let optional = [
            (self.season.column(), Kind::Number),
            (self.round.column(), Kind::Number),
            (self.event.column(), Kind::Text),
            (self.event_date, Kind::Date),
            (self.team, Kind::Text),
            (self.compound_name, Kind::Text),
            (self.tyre_life, Kind::Number),
            (self.fresh_tyre, Kind::Bool),
            (self.lap_time, Kind::Time),
            (self.pit_in_time, Kind::Time),
            (self.pit_out_time, Kind::Time),
            (self.track_status, Kind::Status),
            (self.is_accurate, Kind::Bool),
            (self.time, Kind::Time),
            (self.lap_start_time, Kind::Time),
            (self.air_temp, Kind::Number),
            (self.track_temp, Kind::Number),
            (self.humidity, Kind::Number),
            (self.rainfall, Kind::Bool),
        ];
        let required = [
            (self.driver, Kind::Text),
            (self.stint, Kind::Number),
            (self.lap_number, Kind::Number),
            (self.compound, Kind::Text),
        ];
        used_columns(required, optional)
    }

    fn lap<R: Row>(&self, fields: &Fields<'_, R>, out: &mut Collected) -> Result<LeftOut, BadRow> {
        fastf1_lap(fields, self, out)
    }
}

/// The year in a file name, e.g. 2019 in `transformed_grand_prix_laps_2019.csv`:
/// a run of exactly four digits, 19xx or 20xx. A name with two different
/// such years gives none, since which one is meant cannot be told.
pub(crate) fn year_in_file_name(path: &Path) -> Option<i32> {
    let name = path.file_name()?.to_str()?.as_bytes();
    let mut found: Option<i32> = None;
    let mut start = 0;
    while start < name.len() {
        if !name[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let end = (start..name.len())
            .find(|&i| !name[i].is_ascii_digit())
            .unwrap_or(name.len());
        let run = &name[start..end];
        if run.len() == 4 && (run.starts_with(b"19") || run.starts_with(b"20")) {
            let year = std::str::from_utf8(run).ok()?.parse().ok()?;
            match found {
                Some(other) if other != year => return None,
                _ => found = Some(year),
            }
        }
        start = end;
    }
    found
}

fn fastf1_lap<R: Row>(
    fields: &Fields<'_, R>,
    c: &FastF1Columns,
    out: &mut Collected,
) -> Result<LeftOut, BadRow> {
    let season = match &c.season {
        EventField::Fixed(season) => Some(*season),
        EventField::Column(position, fallback) => {
            let year = fields.get(*position, cell::whole)?;
            match year.map(i32::try_from) {
                Some(Ok(year)) => Some(year),
                Some(Err(_)) => return Err(fields.bad(*position, "is not a year".into())),
                None => *fallback,
            }
        }
    };
    let round = match &c.round {
        EventField::Fixed(round) => Some(*round),
        EventField::Column(position, fallback) => {
            fields.get(*position, |x| cell::count(x, 0))?.or(*fallback)
        }
    };
    let event = match &c.event {
        EventField::Fixed(event) => Some(event.as_str()),
        EventField::Column(position, fallback) => {
            fields.get(*position, cell::text)?.or(fallback.as_deref())
        }
    };

    let driver = fields.get(c.driver, cell::text)?;
    let stint = fields.get(c.stint, |x| cell::count(x, 0))?;
    let lap_number = fields.get(c.lap_number, |x| cell::count(x, 1))?;
    let compound = fields.get(c.compound, collect::compound)?;
    let event_date = fields.optional(c.event_date, cell::date)?;
    let team = fields.string(c.team)?;
    let compound_code = fields.optional(c.compound_name, collect::compound_code)?;
    let tire_age = fields.optional(c.tyre_life, |x| cell::count(x, 0))?;
    let fresh_tire = fields.optional(c.fresh_tyre, cell::boolean)?;
    let lap_time_s = fields.lap_time(c.lap_time, cell::seconds)?;
    let pit_in = fields.optional(c.pit_in_time, cell::seconds)?.is_some();
    let pit_out = fields.optional(c.pit_out_time, cell::seconds)?.is_some();
    let track_status = fields.optional(c.track_status, cell::track_status)?;
    let is_accurate = fields.optional(c.is_accurate, cell::boolean)?;
    let time = fields.optional(c.time, cell::seconds)?;
    let lap_start_time = fields.optional(c.lap_start_time, cell::seconds)?;
    let air_temp_c = fields.optional(c.air_temp, cell::float)?;
    let track_temp_c = fields.optional(c.track_temp, cell::float)?;
    let humidity_pct = fields.optional(c.humidity, cell::float)?;
    let rainfall = fields.optional(c.rainfall, cell::boolean)?;

    let reason = match (season, round, event, driver, stint, lap_number, compound) {
        (None, ..) => "missing season",
        (_, None, ..) => "missing round",
        (_, _, None, ..) => "missing event",
        (_, _, _, None, ..) => "missing driver",
        (_, _, _, _, None, ..) => "missing stint",
        (_, _, _, _, _, None, _) => "missing lap_number",
        (_, _, _, _, _, _, None) => "missing compound",
        (
            Some(season),
            Some(round),
            Some(event),
            Some(driver),
            Some(stint),
            Some(lap_number),
            Some(compound),
        ) => {
            let start = lap_start_time.or_else(|| Some(time? - lap_time_s?));
            // Known shortcoming: FastF1's `Laps` table names no circuit,
            // so the track is the event name (as SPEC 1.1 allows); a
            // `Location` from FastF1's event schedule would be better.
            let lap = Lap {
                season,
                round,
                event: event.to_string(),
                event_date,
                track: event.to_string(),
                driver: driver.to_string(),
                team,
                stint,
                lap_number,
                compound,
                compound_code,
                tire_age,
                fresh_tire,
                lap_time_s,
                pit_in,
                pit_out,
                track_status,
                is_accurate,
                air_temp_c,
                track_temp_c,
                humidity_pct,
                rainfall,
            };
            out.push(lap, start);
            return Ok(None);
        }
    };
    Ok(Some(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_from_file_name() {
        let year = |name: &str| year_in_file_name(Path::new(name));
        assert_eq!(
            year("data/transformed_grand_prix_laps_2019.csv"),
            Some(2019)
        );
        assert_eq!(year("laps-1998.parquet"), Some(1998));
        assert_eq!(year("laps.csv"), None);
        assert_eq!(year("laps_20190.csv"), None);
        assert_eq!(year("laps_2019_vs_2020.csv"), None);
        assert_eq!(year("2019/laps_2021.csv"), Some(2021));
    }
}
