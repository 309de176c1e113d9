//! FastF1 weather samples, joined to laps as of each lap's start.
//!
//! FastF1's `weather_data` table has one sample about every minute of a
//! session, timed on the same session clock (`Time`) as the laps. A lap
//! takes the last sample at or before its start (`LapStartTime`, else
//! `Time - LapTime`): the weather the driver met when the lap began, never
//! one measured later, so nothing from the future leaks into a feature.
//!
//! Session clocks restart at zero for every race, so one weather file can
//! serve a laps file of one race only, unless it has a `RoundNumber`
//! column, in which case each lap joins the samples of its own round (the
//! laps file must then be of a single season).
//!
//! Choices made here:
//! - A lap that starts before the first sample, or has no start time,
//!   keeps whatever weather the laps file gave it (usually none).
//! - A weather file that matches no lap at all is an error, not a
//!   warning: it is almost surely the weather of another session, and a
//!   silent gap in every lap would only show up as a worse model.
//! - A sample without a time is a bad row (skipped when bad rows are).

use std::collections::BTreeSet;
use std::path::Path;

use crate::cell;
use crate::collect::{self, Collected, Fields};
use crate::reader::{used_columns, Kind, Row, RowSink, Table};
use crate::{BadRow, Lap, LapsError};

/// One weather sample.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    round: Option<u32>,
    time: f64,
    air_temp_c: Option<f64>,
    track_temp_c: Option<f64>,
    humidity_pct: Option<f64>,
    rainfall: Option<bool>,
}

/// The samples of one weather file, sorted by round and time.
#[derive(Debug)]
pub(crate) struct Weather {
    samples: Vec<Sample>,
    keyed_by_round: bool,
    pub(crate) bad_rows: Vec<BadRow>,
}

struct Columns {
    time: usize,
    round: Option<usize>,
    air_temp: Option<usize>,
    track_temp: Option<usize>,
    humidity: Option<usize>,
    rainfall: Option<usize>,
}

struct WeatherSink<'a> {
    file: &'a Path,
    header: &'a crate::reader::Header,
    columns: Columns,
    samples: Vec<Sample>,
    bad_rows: Vec<BadRow>,
    skip_bad_rows: bool,
}

impl RowSink for WeatherSink<'_> {
    fn row<R: Row>(&mut self, row: &R, number: usize) -> Result<(), LapsError> {
        let fields = Fields::new(self.file, self.header, row, number);
        match sample(&fields, &self.columns) {
            Ok(sample) => {
                self.samples.push(sample);
                Ok(())
            }
            Err(bad) => self.refuse(bad),
        }
    }

    fn refuse(&mut self, bad: BadRow) -> Result<(), LapsError> {
        collect::refuse(&mut self.bad_rows, self.skip_bad_rows, bad)
    }
}

fn sample<R: Row>(fields: &Fields<'_, R>, c: &Columns) -> Result<Sample, BadRow> {
    let time = fields.get(c.time, cell::seconds)?;
    let round = fields.optional(c.round, |x| cell::count(x, 0))?;
    let sample = Sample {
        round,
        time: time.unwrap_or(f64::NAN),
        air_temp_c: fields.optional(c.air_temp, cell::float)?,
        track_temp_c: fields.optional(c.track_temp, cell::float)?,
        humidity_pct: fields.optional(c.humidity, cell::float)?,
        rainfall: fields.optional(c.rainfall, cell::boolean)?,
    };
    if time.is_none() {
        return Err(fields.bad(
            c.time,
            "is empty (every weather sample needs a time)".into(),
        ));
    }
    if let (Some(position), None) = (c.round, round) {
        return Err(fields.bad(position, "is empty (the file is keyed by round)".into()));
    }
    Ok(sample)
}

impl Weather {
    /// Reads a FastF1 weather table (CSV or Parquet).
    pub(crate) fn read(path: &Path, skip_bad_rows: bool) -> Result<Weather, LapsError> {
        let table = Table::open(path)?;
        let header = table.header().clone();
        let find = |name| header.find(path, name);
        let columns = Columns {
            time: header.require(path, "Time")?,
            round: find("RoundNumber")?,
            air_temp: find("AirTemp")?,
            track_temp: find("TrackTemp")?,
            humidity: find("Humidity")?,
            rainfall: find("Rainfall")?,
        };
        let optional = [
            (columns.round, Kind::Number),
            (columns.air_temp, Kind::Number),
            (columns.track_temp, Kind::Number),
            (columns.humidity, Kind::Number),
            (columns.rainfall, Kind::Bool),
        ];
        let used = used_columns([(columns.time, Kind::Time)], optional);

        let keyed_by_round = columns.round.is_some();
        let mut sink = WeatherSink {
            file: path,
            header: &header,
            columns,
            samples: Vec::new(),
            bad_rows: Vec::new(),
            skip_bad_rows,
        };
        table.read(&used, &mut sink)?;

        let mut samples = sink.samples;
        samples.sort_by(|a, b| a.round.cmp(&b.round).then(a.time.total_cmp(&b.time)));
        Ok(Weather {
            samples,
            keyed_by_round,
            bad_rows: sink.bad_rows,
        })
    }

    /// Joins the laps of one part; returns how many took a sample.
    fn join_part(&self, laps: &mut [Lap], starts: &[Option<f64>]) -> usize {
        let mut matched = 0;
        for (lap, start) in laps.iter_mut().zip(starts) {
            let Some(start) = *start else { continue };
            let samples = self.samples_of(lap.round);
            let taken = samples.partition_point(|s| s.time <= start);
            let Some(sample) = taken.checked_sub(1).and_then(|i| samples.get(i)) else {
                continue;
            };
            lap.air_temp_c = sample.air_temp_c;
            lap.track_temp_c = sample.track_temp_c;
            lap.humidity_pct = sample.humidity_pct;
            lap.rainfall = sample.rainfall;
            matched += 1;
        }
        matched
    }

    /// The samples a lap of this round may take.
    ///
    /// Known shortcoming: samples are keyed by round only, so a weather
    /// file for several seasons cannot be given; a `Season` key would lift
    /// that, should a multi-season weather export ever turn up.
    fn samples_of(&self, round: u32) -> &[Sample] {
        if !self.keyed_by_round {
            return &self.samples;
        }
        let from = self.samples.partition_point(|s| s.round < Some(round));
        let to = self.samples.partition_point(|s| s.round <= Some(round));
        &self.samples[from..to]
    }

    /// Sets the weather of every lap that starts at or after a sample, and
    /// returns how many did. The laps are those of one file, read in
    /// parts; each part holds its laps' start times.
    pub(crate) fn join(
        &self,
        laps_file: &Path,
        weather_file: &Path,
        parts: &mut [Collected],
    ) -> Result<usize, LapsError> {
        let laps = || parts.iter().flat_map(|part| part.laps.iter());
        let races: BTreeSet<(i32, u32)> = laps().map(|l| (l.season, l.round)).collect();
        let seasons: BTreeSet<i32> = races.iter().map(|(season, _)| *season).collect();
        let ambiguous = if self.keyed_by_round {
            seasons.len() > 1
        } else {
            races.len() > 1
        };
        if ambiguous {
            return Err(LapsError::WeatherAmbiguous {
                laps: laps_file.to_path_buf(),
                weather: weather_file.to_path_buf(),
                rounds: races.len(),
            });
        }
        let any_lap = laps().next().is_some();

        let mut matched = 0;
        for part in parts.iter_mut() {
            matched += self.join_part(&mut part.laps, &part.starts);
        }

        if matched == 0 && any_lap {
            return Err(LapsError::WeatherNoMatch {
                laps: laps_file.to_path_buf(),
                weather: weather_file.to_path_buf(),
            });
        }
        Ok(matched)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::{load_laps, LapSource, LapsError, LoadOptions};

    const TWO_RACES: &str = "\
Time,Driver,LapTime,LapNumber,Stint,Compound,RoundNumber,EventName
0 days 01:00:00,HAM,90.0,1.0,1.0,SOFT,1,Bahrain Grand Prix
0 days 01:00:00,HAM,95.0,1.0,1.0,SOFT,2,Saudi Arabian Grand Prix
";

    fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn weather_keyed_by_round_joins_each_race_on_its_own_clock() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(dir.path(), "laps_2022.csv", TWO_RACES);
        // Both laps start at 3510 s and 3505 s of their own session.
        let weather = write(
            dir.path(),
            "weather.csv",
            "RoundNumber,Time,AirTemp,TrackTemp,Humidity,Rainfall\n\
             2,3000.0,28.0,35.0,60.0,False\n\
             1,3500.0,20.0,25.0,40.0,False\n\
             1,3000.0,19.0,24.0,41.0,True\n\
             2,3506.0,29.0,36.0,61.0,False\n",
        );
        let source = LapSource {
            weather: Some(weather),
            ..LapSource::new(&laps)
        };
        let loaded = load_laps(&[source], &LoadOptions::default()).unwrap();
        let first = &loaded.laps[0];
        let second = &loaded.laps[1];
        assert_eq!(
            (first.air_temp_c, first.rainfall),
            (Some(20.0), Some(false))
        );
        assert_eq!(
            (second.air_temp_c, second.humidity_pct),
            (Some(28.0), Some(60.0))
        );
        assert_eq!(loaded.files[0].weather_matched, 2);
    }

    #[test]
    fn weather_without_round_for_several_races_is_ambiguous() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(dir.path(), "laps_2022.csv", TWO_RACES);
        let weather = write(dir.path(), "weather.csv", "Time,AirTemp\n3000.0,20\n");
        let source = LapSource {
            weather: Some(weather),
            ..LapSource::new(&laps)
        };
        match load_laps(&[source], &LoadOptions::default()) {
            Err(LapsError::WeatherAmbiguous { rounds, .. }) => assert_eq!(rounds, 2),
            other => panic!("expected WeatherAmbiguous, got {other:?}"),
        }
    }

    #[test]
    fn weather_sample_without_time_is_a_bad_row() {
        let dir = tempfile::tempdir().unwrap();
        let laps = write(dir.path(), "laps_2022.csv", TWO_RACES);
        let weather = write(
            dir.path(),
            "weather.csv",
            "RoundNumber,Time,AirTemp\n1,,20\n1,3000,21\n2,3000,22\n",
        );
        let source = LapSource {
            weather: Some(weather),
            ..LapSource::new(&laps)
        };
        let message = load_laps(std::slice::from_ref(&source), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("weather.csv row 1, column Time"),
            "{message}"
        );

        let options = LoadOptions {
            skip_bad_rows: true,
        };
        let loaded = load_laps(&[source], &options).unwrap();
        assert_eq!(loaded.skipped_bad_rows.len(), 1);
        assert_eq!(loaded.laps[0].air_temp_c, Some(21.0));
    }
}
