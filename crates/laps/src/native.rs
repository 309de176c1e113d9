//! Laps in the native schema (SPEC section 1.1).
//!
//! Column positions are resolved once from the header; each row then costs
//! one conversion per column and one allocation per stored string. A gap
//! in a required column leaves the lap out, counted as `"missing <column>"`;
//! every cell of such a row is still checked, so a malformed value is never
//! hidden behind a gap elsewhere in its row.

use std::path::Path;

use crate::cell;
use crate::collect::{self, Collected, Fields, LapColumns, LeftOut};
use crate::reader::{used_columns, Header, Kind, Row};
use crate::{BadRow, Lap, LapsError};

/// Header positions of the native columns.
#[derive(Clone)]
pub(crate) struct NativeColumns {
    season: usize,
    round: usize,
    event: usize,
    driver: usize,
    stint: usize,
    lap_number: usize,
    compound: usize,
    event_date: Option<usize>,
    track: Option<usize>,
    team: Option<usize>,
    compound_code: Option<usize>,
    tire_age: Option<usize>,
    fresh_tire: Option<usize>,
    lap_time_s: Option<usize>,
    pit_in: Option<usize>,
    pit_out: Option<usize>,
    track_status: Option<usize>,
    is_accurate: Option<usize>,
    air_temp_c: Option<usize>,
    track_temp_c: Option<usize>,
    humidity_pct: Option<usize>,
    rainfall: Option<usize>,
}

impl NativeColumns {
    /// Resolves the columns; a missing required column is an error.
    pub(crate) fn resolve(file: &Path, header: &Header) -> Result<NativeColumns, LapsError> {
        let find = |name| header.find(file, name);
        Ok(NativeColumns {
            season: header.require(file, "season")?,
            round: header.require(file, "round")?,
            event: header.require(file, "event")?,
            driver: header.require(file, "driver")?,
            stint: header.require(file, "stint")?,
            lap_number: header.require(file, "lap_number")?,
            compound: header.require(file, "compound")?,
            event_date: find("event_date")?,
            track: find("track")?,
            team: find("team")?,
            compound_code: find("compound_code")?,
            tire_age: find("tire_age")?,
            fresh_tire: find("fresh_tire")?,
            lap_time_s: find("lap_time_s")?,
            pit_in: find("pit_in")?,
            pit_out: find("pit_out")?,
            track_status: find("track_status")?,
            is_accurate: find("is_accurate")?,
            air_temp_c: find("air_temp_c")?,
            track_temp_c: find("track_temp_c")?,
            humidity_pct: find("humidity_pct")?,
            rainfall: find("rainfall")?,
        })
    }
}

impl LapColumns for NativeColumns {
    /// The columns read, with the kind each must hold in Parquet.
    fn used(&self) -> Vec<(usize, Kind)> {
        let required = [
            (self.season, Kind::Number),
            (self.round, Kind::Number),
            (self.event, Kind::Text),
            (self.driver, Kind::Text),
            (self.stint, Kind::Number),
            (self.lap_number, Kind::Number),
            (self.compound, Kind::Text),
        ];
        let optional = [
            (self.event_date, Kind::Date),
            (self.track, Kind::Text),
            (self.team, Kind::Text),
            (self.compound_code, Kind::Text),
            (self.tire_age, Kind::Number),
            (self.fresh_tire, Kind::Bool),
            (self.lap_time_s, Kind::Time),
            (self.pit_in, Kind::Bool),
            (self.pit_out, Kind::Bool),
            (self.track_status, Kind::Status),
            (self.is_accurate, Kind::Bool),
            (self.air_temp_c, Kind::Number),
            (self.track_temp_c, Kind::Number),
            (self.humidity_pct, Kind::Number),
            (self.rainfall, Kind::Bool),
        ];
        used_columns(required, optional)
    }

    fn lap<R: Row>(&self, fields: &Fields<'_, R>, out: &mut Collected) -> Result<LeftOut, BadRow> {
        native_lap(fields, self, out)
    }
}

fn native_lap<R: Row>(
    fields: &Fields<'_, R>,
    c: &NativeColumns,
    out: &mut Collected,
) -> Result<LeftOut, BadRow> {
    let season = fields.get(c.season, cell::whole)?;
    let round = fields.get(c.round, |x| cell::count(x, 0))?;
    let event = fields.get(c.event, cell::text)?;
    let driver = fields.get(c.driver, cell::text)?;
    let stint = fields.get(c.stint, |x| cell::count(x, 0))?;
    let lap_number = fields.get(c.lap_number, |x| cell::count(x, 1))?;
    let compound = fields.get(c.compound, collect::compound)?;

    let event_date = fields.optional(c.event_date, cell::date)?;
    let track = fields.optional(c.track, cell::text)?;
    let team = fields.string(c.team)?;
    let compound_code = fields.optional(c.compound_code, collect::compound_code)?;
    let tire_age = fields.optional(c.tire_age, |x| cell::count(x, 0))?;
    let fresh_tire = fields.optional(c.fresh_tire, cell::boolean)?;
    let lap_time_s = fields.lap_time(c.lap_time_s, cell::float)?;
    let pit_in = fields.optional(c.pit_in, cell::boolean)?;
    let pit_out = fields.optional(c.pit_out, cell::boolean)?;
    let track_status = fields.optional(c.track_status, cell::track_status)?;
    let is_accurate = fields.optional(c.is_accurate, cell::boolean)?;
    let air_temp_c = fields.optional(c.air_temp_c, cell::float)?;
    let track_temp_c = fields.optional(c.track_temp_c, cell::float)?;
    let humidity_pct = fields.optional(c.humidity_pct, cell::float)?;
    let rainfall = fields.optional(c.rainfall, cell::boolean)?;

    let Some(season) = season else {
        return Ok(Some("missing season"));
    };
    let season =
        i32::try_from(season).map_err(|_| fields.bad(c.season, "is not a year".to_string()))?;
    let (Some(round), Some(event), Some(driver)) = (round, event, driver) else {
        return Ok(Some(match (round, event) {
            (None, _) => "missing round",
            (_, None) => "missing event",
            _ => "missing driver",
        }));
    };
    let Some(stint) = stint else {
        return Ok(Some("missing stint"));
    };
    let Some(lap_number) = lap_number else {
        return Ok(Some("missing lap_number"));
    };
    let Some(compound) = compound else {
        return Ok(Some("missing compound"));
    };

    out.push(
        Lap {
            season,
            round,
            event: event.to_string(),
            event_date,
            track: track.unwrap_or(event).to_string(),
            driver: driver.to_string(),
            team,
            stint,
            lap_number,
            compound,
            compound_code,
            tire_age,
            fresh_tire,
            lap_time_s,
            pit_in: pit_in.unwrap_or(false),
            pit_out: pit_out.unwrap_or(false),
            track_status,
            is_accurate,
            air_temp_c,
            track_temp_c,
            humidity_pct,
            rainfall,
        },
        None,
    );
    Ok(None)
}
