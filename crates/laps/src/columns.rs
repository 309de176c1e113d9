//! The column names of the two lap formats and of the weather table.
//!
//! The native names are those of SPEC section 1.1 and the fields of
//! [`crate::Lap`]; the writers emit them in this order and the readers
//! look them up by name, so the order in a file does not matter.

/// Native schema columns, in the order the writers emit them.
pub const NATIVE_COLUMNS: [&str; 22] = [
    "season",
    "round",
    "event",
    "event_date",
    "track",
    "driver",
    "team",
    "stint",
    "lap_number",
    "compound",
    "compound_code",
    "tire_age",
    "fresh_tire",
    "lap_time_s",
    "pit_in",
    "pit_out",
    "track_status",
    "is_accurate",
    "air_temp_c",
    "track_temp_c",
    "humidity_pct",
    "rainfall",
];

/// Header names by which a FastF1 `Laps` export is told from a native
/// file: FastF1 uses CamelCase, the native schema snake_case.
pub const FASTF1_MARKERS: [&str; 3] = ["LapNumber", "LapTime", "Driver"];

/// Whether a header name is a pandas index written as the first column:
/// `to_csv` leaves it unnamed, and `read_csv` then calls it `Unnamed: 0`.
pub fn is_index_column(position: usize, name: &str) -> bool {
    position == 0 && (name.is_empty() || name.starts_with("Unnamed: "))
        || name == "__index_level_0__"
}
