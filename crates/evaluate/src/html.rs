//! Self-contained HTML pages for a report and for a comparison of reports.
//!
//! A page is one file with inline CSS and inline SVG charts (from
//! `tiredeg-plots`), so it can be mailed, archived next to a model or
//! opened from a CI artefact without a server or network access.
//!
//! The verdicts come first after the headline numbers: the question a
//! strategy engineer asks of a new model is whether it beats the simple
//! rules, and the answer should not be below the fold.

use std::path::Path;

use tiredeg_laps::Compound;
use tiredeg_plots::{bar_chart_svg, escape, histogram_svg, scatter_svg};
use tiredeg_prepare::Sample;

use crate::error::EvalError;
use crate::metrics::{MetricId, Metrics};
use crate::report::{
    check_lengths, originals_with_predictions, EvaluationReport, GroupReport, Predicted,
};

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222;max-width:1500px}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\
table{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}\
th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}\
th:first-child,td:first-child{text-align:left}th{background:#f2f2f2}\
tr.model td{font-weight:bold}.muted{color:#666;font-size:0.9em}\
.ok{color:#1a7f37}.bad{color:#b42318}\
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{max-width:100%;height:auto;border:1px solid #eee}";

/// Writes the HTML page of one report: headline metrics and baselines,
/// verdicts, per-compound and per-k tables, predicted-against-actual
/// scatters, residual and cliff probability histograms, and error bars by
/// compound and by k (model against baselines).
///
/// `eval` and `predicted` must be the samples and predictions the report
/// was computed from (oversampled copies are left out here as there).
/// Parent directories are created.
pub fn write_report_html(
    report: &EvaluationReport,
    eval: &[&Sample],
    predicted: &Predicted,
    path: &Path,
) -> Result<(), EvalError> {
    check_lengths(eval.len(), predicted)?;
    let (samples, model) = originals_with_predictions(eval, predicted)?;

    let title = format!("{} on {}", report_label(report), report.split);
    let mut page = open_page(&title);
    page.push_str(&format!(
        "<p class=\"muted\">{} evaluation samples (oversampled copies left out). \
         The observed_slope baseline applies to samples with k &gt;= 3 and is compared \
         with the model on those samples only.</p>\n",
        report.n_samples
    ));
    page.push_str(&metrics_table(&group_rows(&report_group(report))));
    page.push_str(&verdicts_html(report));

    page.push_str("<h2>Predicted against actual</h2>\n<div class=\"charts\">\n");
    let pairs = |truth: fn(&Sample) -> f64, predicted: &[f64]| -> Vec<(f64, f64)> {
        samples
            .iter()
            .zip(predicted)
            .map(|(s, &p)| (truth(s), p))
            .collect()
    };
    page.push_str(&scatter_svg(
        "degradation_rate: predicted against actual",
        "actual (s/lap)",
        "predicted (s/lap)",
        &pairs(|s| s.degradation_rate, &model.rate),
        true,
    ));
    page.push_str(&scatter_svg(
        "usable_life: predicted against actual",
        "actual (laps)",
        "predicted (laps)",
        &pairs(|s| s.usable_life, &model.life),
        true,
    ));
    let residuals: Vec<f64> = samples
        .iter()
        .zip(&model.rate)
        .map(|(s, p)| p - s.degradation_rate)
        .collect();
    page.push_str(&histogram_svg(
        "degradation_rate residual (predicted - actual)",
        "residual (s/lap)",
        &residuals,
        30,
    ));
    for (has_cliff, name) in [(true, "with a cliff"), (false, "without a cliff")] {
        let probabilities: Vec<f64> = eval
            .iter()
            .zip(&predicted.cliff_probability)
            .filter(|(s, _)| !s.oversampled && s.cliff == has_cliff)
            .map(|(_, &p)| p)
            .collect();
        page.push_str(&histogram_svg(
            &format!("cliff probability, samples {name}"),
            "predicted cliff probability",
            &probabilities,
            20,
        ));
    }
    page.push_str("</div>\n");

    let by_compound = compound_groups(report);
    let by_k = k_groups(report);
    page.push_str("<h2>Error by compound and by k</h2>\n<div class=\"charts\">\n");
    for (groups, what) in [(&by_compound, "compound"), (&by_k, "k")] {
        page.push_str(&error_bars(
            &format!("degradation_rate RMSE by {what}"),
            "RMSE (s/lap)",
            groups,
            MetricId::RateRmse,
        ));
        page.push_str(&error_bars(
            &format!("usable_life MAE by {what}"),
            "MAE (laps)",
            groups,
            MetricId::LifeMae,
        ));
    }
    page.push_str("</div>\n");

    for (groups, what) in [(&by_compound, "By compound"), (&by_k, "By k")] {
        page.push_str(&format!("<h2>{what}</h2>\n"));
        for (name, group) in groups {
            page.push_str(&format!("<h3>{}</h3>\n", escape(name)));
            page.push_str(&metrics_table(&group_rows(group)));
        }
    }
    page.push_str(DEFINITIONS);
    page.push_str("</body>\n</html>\n");
    write(path, &page)
}

/// Writes one HTML page comparing reports: a table of every model and its
/// baselines, bar charts of the main metric of each head across reports,
/// and each report's verdicts. Parent directories are created.
pub fn write_comparison_html(reports: &[EvaluationReport], path: &Path) -> Result<(), EvalError> {
    let mut page = open_page("Model comparison");
    page.push_str("<table>\n<tr><th>model</th><th>split</th>");
    page.push_str(&metric_headers());
    page.push_str("</tr>\n");
    for report in reports {
        for (i, (name, n, metrics)) in group_rows(&report_group(report)).iter().enumerate() {
            // The model row names the model; baseline rows are indented
            // under it.
            let (label, class) = if i == 0 {
                (escape(&report_label(report)), " class=\"model\"")
            } else {
                (format!("&nbsp;&nbsp;{}", escape(name)), "")
            };
            page.push_str(&format!(
                "<tr{class}><td>{label}</td><td>{}</td>{}</tr>\n",
                escape(&report.split),
                metric_cells(*n, metrics)
            ));
        }
    }
    page.push_str("</table>\n");

    let groups: Vec<(String, GroupReport)> = reports
        .iter()
        .map(|r| {
            (
                format!("{} ({})", report_label(r), r.split),
                report_group(r),
            )
        })
        .collect();
    page.push_str("<div class=\"charts\">\n");
    for (id, unit) in [
        (MetricId::RateRmse, "RMSE (s/lap)"),
        (MetricId::LifeMae, "MAE (laps)"),
        (MetricId::CliffF1, "F1"),
    ] {
        page.push_str(&error_bars(id.label(), unit, &groups, id));
    }
    page.push_str("</div>\n");

    for report in reports {
        page.push_str(&format!(
            "<h2>{} on {}</h2>\n",
            escape(&report_label(report)),
            escape(&report.split)
        ));
        page.push_str(&verdicts_html(report));
    }
    page.push_str(DEFINITIONS);
    page.push_str("</body>\n</html>\n");
    write(path, &page)
}

const DEFINITIONS: &str = "<h2>Definitions</h2>\n<ul class=\"muted\">\n\
<li>compound_median: per compound, the median over training stints of each target; \
a cliff when more than half of them had one.</li>\n\
<li>observed_slope: for k &gt;= 3, the observed Theil-Sen slope as degradation_rate, \
2.0 / max(slope, 0.005) clipped to [1, 80] as usable_life, the compound_median cliff flag.</li>\n\
<li>R2 is empty when the actual values are all equal and the predictions are not exact. \
Precision is 0 when nothing is predicted a cliff, recall 0 when there is no cliff, \
F1 0 when both are 0.</li>\n\
<li>A tie with a baseline counts as not beating it.</li>\n</ul>\n";

fn open_page(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = escape(title)
    )
}

fn report_label(report: &EvaluationReport) -> String {
    match &report.version {
        Some(version) => format!("{} {version}", report.model_type),
        None => report.model_type.clone(),
    }
}

fn report_group(report: &EvaluationReport) -> GroupReport {
    GroupReport {
        n_samples: report.n_samples,
        metrics: report.metrics.clone(),
        baselines: report.baselines.clone(),
    }
}

/// Groups in display order: compounds softest first, k ascending.
fn compound_groups(report: &EvaluationReport) -> Vec<(String, GroupReport)> {
    Compound::ALL
        .iter()
        .filter_map(|c| {
            let group = report.by_compound.get(c.as_str())?;
            Some((c.as_str().to_string(), group.clone()))
        })
        .collect()
}

fn k_groups(report: &EvaluationReport) -> Vec<(String, GroupReport)> {
    let mut groups: Vec<(usize, String, GroupReport)> = report
        .by_k
        .iter()
        .map(|(k, g)| {
            (
                k.parse().unwrap_or(usize::MAX),
                format!("k = {k}"),
                g.clone(),
            )
        })
        .collect();
    groups.sort_by_key(|g| g.0);
    groups.into_iter().map(|(_, name, g)| (name, g)).collect()
}

/// The four rows of a group: the model, both baselines, and the model on
/// the observed_slope subset.
fn group_rows(group: &GroupReport) -> Vec<(&'static str, usize, &Metrics)> {
    let subset = &group.baselines.observed_slope;
    vec![
        ("model", group.n_samples, &group.metrics),
        (
            "compound_median",
            group.n_samples,
            &group.baselines.compound_median,
        ),
        ("observed_slope (k>=3)", subset.n_samples, &subset.metrics),
        ("model on k>=3", subset.n_samples, &subset.model_on_subset),
    ]
}

fn metric_headers() -> String {
    let mut out = "<th>n</th>".to_string();
    for id in MetricId::ALL {
        out.push_str(&format!("<th>{}</th>", escape(id.label())));
    }
    out
}

fn metric_cells(n: usize, metrics: &Metrics) -> String {
    let mut out = format!("<td>{n}</td>");
    for id in MetricId::ALL {
        match metrics.get(id) {
            Some(value) => out.push_str(&format!("<td>{value:.4}</td>")),
            None => out.push_str("<td class=\"muted\">-</td>"),
        }
    }
    out
}

fn metrics_table(rows: &[(&str, usize, &Metrics)]) -> String {
    let mut out = format!("<table>\n<tr><th></th>{}</tr>\n", metric_headers());
    for (i, (name, n, metrics)) in rows.iter().enumerate() {
        let class = if i == 0 { " class=\"model\"" } else { "" };
        out.push_str(&format!(
            "<tr{class}><td>{}</td>{}</tr>\n",
            escape(name),
            metric_cells(*n, metrics)
        ));
    }
    out.push_str("</table>\n");
    out
}

fn verdicts_html(report: &EvaluationReport) -> String {
    if report.beats_baselines {
        return "<p class=\"ok\">The model beats both baselines on every metric compared.</p>\n"
            .to_string();
    }
    if report.verdicts.is_empty() {
        return "<p class=\"muted\">No metric could be compared with a baseline.</p>\n".to_string();
    }
    let mut out = "<h2>Verdicts</h2>\n<ul class=\"bad\">\n".to_string();
    for verdict in &report.verdicts {
        out.push_str(&format!("<li>{}</li>\n", escape(verdict)));
    }
    out.push_str("</ul>\n");
    out
}

/// Grouped bars of one metric: model, both baselines, model on the
/// observed_slope subset. A metric that cannot be computed becomes NaN,
/// which the chart shows as "n/a".
fn error_bars(
    title: &str,
    y_label: &str,
    groups: &[(String, GroupReport)],
    id: MetricId,
) -> String {
    let value = |m: &Metrics| m.get(id).unwrap_or(f64::NAN);
    let bars: Vec<(String, Vec<(String, f64)>)> = groups
        .iter()
        .map(|(name, g)| {
            let subset = &g.baselines.observed_slope;
            let series = vec![
                ("model".to_string(), value(&g.metrics)),
                (
                    "compound_median".to_string(),
                    value(&g.baselines.compound_median),
                ),
                ("model on k>=3".to_string(), value(&subset.model_on_subset)),
                ("observed_slope (k>=3)".to_string(), value(&subset.metrics)),
            ];
            (name.clone(), series)
        })
        .collect();
    bar_chart_svg(title, y_label, &bars)
}

fn write(path: &Path, page: &str) -> Result<(), EvalError> {
    let failed = |source| EvalError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(path, page).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{evaluation, perfect, run};

    #[test]
    fn report_page_is_written_with_inline_charts_and_tables() {
        let eval = evaluation();
        let predicted = perfect(&eval);
        let report = run(&predicted).unwrap();
        let refs: Vec<&Sample> = eval.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports").join("xgboost.html");
        write_report_html(&report, &refs, &predicted, &path).unwrap();

        let page = std::fs::read_to_string(&path).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.ends_with("</html>\n"));
        // 2 scatters, 3 histograms, 4 bar charts.
        assert_eq!(page.matches("<svg ").count(), 9);
        assert_eq!(page.matches("</svg>").count(), 9);
        assert!(page.contains("degradation_rate: predicted against actual"));
        assert!(page.contains("usable_life MAE by k"));
        assert!(page.contains("<h3>SOFT</h3>") && page.contains("<h3>k = 3</h3>"));
        assert!(page.contains("beats both baselines"));
        assert!(!page.contains("NaN"));
    }

    #[test]
    fn report_page_lists_verdicts_escaped() {
        let eval = evaluation();
        let mut predicted = perfect(&eval);
        for life in &mut predicted.usable_life {
            *life += 30.0;
        }
        let report = run(&predicted).unwrap();
        let refs: Vec<&Sample> = eval.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.html");
        write_report_html(&report, &refs, &predicted, &path).unwrap();
        let page = std::fs::read_to_string(&path).unwrap();
        assert!(page.contains("<h2>Verdicts</h2>"));
        assert!(page
            .contains("usable_life MAE 30.00 does not beat the compound_median baseline (10.00)"));
        assert!(page.contains("k &gt;= 3"));
    }

    #[test]
    fn comparison_page_has_a_row_block_and_verdicts_per_report() {
        let eval = evaluation();
        let good = run(&perfect(&eval)).unwrap();
        let mut worse_predictions = perfect(&eval);
        worse_predictions.cliff = vec![false; eval.len()];
        let mut worse = run(&worse_predictions).unwrap();
        worse.model_type = "lightgbm <v2>".to_string();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compare.html");
        write_comparison_html(&[good, worse], &path).unwrap();
        let page = std::fs::read_to_string(&path).unwrap();
        assert_eq!(page.matches("<svg ").count(), 3);
        assert_eq!(page.matches("class=\"model\"").count(), 2);
        assert!(page.contains("lightgbm &lt;v2&gt; 1.2.0"));
        assert!(page.contains("cliff F1 0 does not beat") || page.contains("cliff accuracy"));
    }

    #[test]
    fn unwritable_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let path = blocker.join("r.html");
        let err = write_comparison_html(&[], &path).unwrap_err();
        assert!(err.to_string().contains("r.html"), "{err}");
    }
}
