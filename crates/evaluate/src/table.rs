//! A fixed-width text table of reports for the terminal.
//!
//! Each report gives one row for the model and, indented under it, one row
//! per baseline, because baselines depend on the split they were computed
//! on and only compare fairly with the model row above them. The
//! observed_slope baseline covers fewer samples (k >= 3), so it is followed
//! by a row for the model on the same samples.

use crate::metrics::{MetricId, Metrics};
use crate::report::EvaluationReport;

/// Width of a number column, wide enough for the longest header
/// ("cliff_prec"); columns are separated by one more space.
const NUMBER_WIDTH: usize = 10;

/// The reports as a table: model rows with their baseline rows, metric
/// columns, four decimals, `-` where a metric cannot be computed.
pub fn comparison_table(reports: &[EvaluationReport]) -> String {
    let mut rows: Vec<(String, String, usize, &Metrics)> = Vec::new();
    for report in reports {
        let name = match &report.version {
            Some(version) => format!("{} {version}", report.model_type),
            None => report.model_type.clone(),
        };
        let subset = &report.baselines.observed_slope;
        rows.push((
            name,
            report.split.clone(),
            report.n_samples,
            &report.metrics,
        ));
        rows.push((
            "  compound_median".to_string(),
            report.split.clone(),
            report.n_samples,
            &report.baselines.compound_median,
        ));
        rows.push((
            "  observed_slope (k>=3)".to_string(),
            report.split.clone(),
            subset.n_samples,
            &subset.metrics,
        ));
        rows.push((
            "  model on k>=3".to_string(),
            report.split.clone(),
            subset.n_samples,
            &subset.model_on_subset,
        ));
    }

    let name_width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .chain(["model".len()])
        .max()
        .unwrap_or(5);
    let split_width = rows
        .iter()
        .map(|r| r.1.chars().count())
        .chain(["split".len()])
        .max()
        .unwrap_or(5);

    let mut out = format!(
        "{:<name_width$}  {:<split_width$}  {:>7}",
        "model", "split", "n"
    );
    for id in MetricId::ALL {
        out.push_str(&format!(" {:>NUMBER_WIDTH$}", id.short_label()));
    }
    out.push('\n');
    for (name, split, n, metrics) in rows {
        out.push_str(&format!(
            "{name:<name_width$}  {split:<split_width$}  {n:>7}"
        ));
        for id in MetricId::ALL {
            let cell = match metrics.get(id) {
                Some(value) => format!("{value:.4}"),
                None => "-".to_string(),
            };
            out.push_str(&format!(" {cell:>NUMBER_WIDTH$}"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{evaluation, perfect, run};

    #[test]
    fn table_has_a_header_and_four_rows_per_report_of_equal_width() {
        let eval = evaluation();
        let report = run(&perfect(&eval)).unwrap();
        let table = comparison_table(&[report.clone(), report]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * 4);
        assert!(lines[0].starts_with("model") && lines[0].contains("cliff_f1"));
        assert!(lines[1].starts_with("xgboost 1.2.0"));
        assert!(lines[2].starts_with("  compound_median"));
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{table}");
        // Every header is its own word.
        assert_eq!(lines[0].split_whitespace().count(), 3 + MetricId::ALL.len());
        // The perfect model's RMSE and the compound median's.
        assert!(lines[1].contains("0.0000"));
        assert!(lines[2].contains("0.0583"));
    }

    #[test]
    fn missing_metrics_show_as_dashes() {
        let eval = evaluation();
        let mut report = run(&perfect(&eval)).unwrap();
        report.baselines.observed_slope.metrics = Metrics::empty();
        let table = comparison_table(&[report]);
        let slope_row = table.lines().nth(3).unwrap_or_default();
        assert_eq!(
            slope_row.matches(" -").count(),
            MetricId::ALL.len(),
            "{table}"
        );
    }
}
