//! `tiredeg prepare`: laps to stints, samples, a report and plots.

use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::json;
use tiredeg_prepare::{prepare, write_prepared, PrepareOptions, PrepareReport, Prepared};

use super::{say, write_json};
use crate::args::PrepareArgs;
use crate::data::{load_config, load_lap_files, load_tables};

/// Loads, prepares and writes; prints a summary.
pub fn run(args: &PrepareArgs) -> Result<()> {
    let started = Instant::now();
    let config = load_config(&args.data)?;
    let loaded = load_lap_files(&args.laps, &args.data)?;
    let tables = load_tables(&args.data)?;
    let loaded_at = started.elapsed();

    let prepared = prepare(&loaded.laps, &tables, &config, &PrepareOptions::default())
        .context("preparing laps")?;
    let prepared_at = started.elapsed();

    let files = write_prepared(&args.out, &prepared, args.csv)?;
    // The report of the preparation, with what the loader left out before
    // preparation saw the laps.
    let mut report = serde_json::to_value(&prepared.report)?;
    report["load"] = json!({
        "files": loaded.files.iter().map(|f| json!({
            "path": f.path.display().to_string(),
            "format": format!("{:?}", f.format),
            "rows": f.rows,
            "laps": f.laps,
            "left_out": f.left_out,
            "bad_rows": f.bad_rows,
            "weather": f.weather.as_ref().map(|w| w.display().to_string()),
            "weather_matched": f.weather_matched,
        })).collect::<Vec<_>>(),
        "left_out": loaded.left_out,
        "skipped_bad_rows": loaded.skipped_bad_rows.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
    });
    write_json(&files.report, &report)?;
    std::fs::write(args.out.join("training_config.yaml"), config.to_yaml())
        .with_context(|| format!("writing the config beside {}", args.out.display()))?;
    write_target_plots(&args.out, &prepared)?;
    let written_at = started.elapsed();

    tracing::info!(
        "read {:.3} s, prepared {:.3} s, written {:.3} s",
        loaded_at.as_secs_f64(),
        (prepared_at - loaded_at).as_secs_f64(),
        (written_at - prepared_at).as_secs_f64()
    );
    let left_out: usize = loaded.left_out.values().sum();
    say(&format!(
        "laps read: {} from {} file(s); left out by the loader: {left_out}{}",
        loaded.laps.len(),
        loaded.files.len(),
        reasons(loaded.left_out.iter().map(|(k, v)| (k.as_str(), *v)))
    ));
    if !loaded.skipped_bad_rows.is_empty() {
        say(&format!(
            "bad rows skipped: {}",
            loaded.skipped_bad_rows.len()
        ));
    }
    say(&summary(&prepared.report));
    say(&format!("written to {}", args.out.display()));
    Ok(())
}

fn reasons<'a>(counts: impl Iterator<Item = (&'a str, usize)>) -> String {
    let parts: Vec<String> = counts
        .filter(|(_, n)| *n > 0)
        .map(|(reason, n)| format!("{reason} {n}"))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The terminal summary of a preparation.
pub fn summary(report: &PrepareReport) -> String {
    let mut lines = Vec::new();
    let laps = &report.laps;
    lines.push(format!(
        "laps not clean: no time {}, first lap {}, pit {}, not green {}, not accurate {}, slow {}",
        laps.no_lap_time,
        laps.first_lap,
        laps.pit_lap,
        laps.not_green,
        laps.not_accurate,
        laps.slow_lap
    ));
    let stints = &report.stints;
    let non_slick: usize = stints.non_slick_compound.values().sum();
    lines.push(format!(
        "stints: {} found, {} modelled; left out: non-slick {non_slick}, too few clean laps {}, no tire-age spread {}; tire age imputed {}, with cliff {}",
        stints.found,
        stints.modelled,
        stints.too_few_clean_laps,
        stints.no_tire_age_spread,
        stints.tire_age_imputed,
        stints.with_cliff
    ));
    let per_k: Vec<String> = report
        .samples_per_k
        .iter()
        .map(|(k, n)| format!("k={k}: {n}"))
        .collect();
    lines.push(format!(
        "samples: {} ({}); {} after oversampling",
        report.samples,
        per_k.join(", "),
        report.samples_after_oversampling
    ));
    lines.push(format!(
        "{:<11} {:>6} {:>7} {:>7} {:>22} {:>8}",
        "split", "events", "stints", "cliffs", "SOFT/MEDIUM/HARD", "samples"
    ));
    for split in &report.splits {
        let c = &split.stint_compounds;
        lines.push(format!(
            "{:<11} {:>6} {:>7} {:>7} {:>22} {:>8}",
            split.split.as_str(),
            split.events,
            split.stints,
            split.cliffs,
            format!("{}/{}/{}", c.soft, c.medium, c.hard),
            split.samples_after_oversampling
        ));
    }
    let missing: Vec<String> = report
        .missing_per_feature
        .iter()
        .filter(|m| m.missing > 0)
        .map(|m| format!("{} {:.0}%", m.feature, m.share * 100.0))
        .collect();
    if !missing.is_empty() {
        lines.push(format!("missing values: {}", missing.join(", ")));
    }
    for warning in &report.warnings {
        lines.push(format!("warning: {warning}"));
    }
    lines.join("\n")
}

/// One SVG histogram per target beside the tables.
fn write_target_plots(dir: &std::path::Path, prepared: &Prepared) -> Result<()> {
    let rates: Vec<f64> = prepared.stints.iter().map(|s| s.degradation_rate).collect();
    let lives: Vec<f64> = prepared.stints.iter().map(|s| s.usable_life).collect();
    let cliff_ages: Vec<f64> = prepared.stints.iter().filter_map(|s| s.cliff_age).collect();
    let plots = [
        (
            "degradation_rate.svg",
            tiredeg_plots::histogram_svg(
                "Degradation rate per stint",
                "degradation rate (s/lap)",
                &rates,
                40,
            ),
        ),
        (
            "usable_life.svg",
            tiredeg_plots::histogram_svg("Usable life per stint", "usable life (laps)", &lives, 40),
        ),
        (
            "cliff_age.svg",
            tiredeg_plots::histogram_svg(
                "Cliff age of stints with a cliff",
                "tire age at the cliff (laps)",
                &cliff_ages,
                30,
            ),
        ),
    ];
    for (name, svg) in plots {
        let path = dir.join(name);
        std::fs::write(&path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
