//! Evaluation of tiredeg models: metrics, baselines and reports that say
//! plainly when a model is no better than a simple rule (SPEC section 6).
//!
//! [`evaluate`] takes a model's predictions for an evaluation split and
//! returns an [`EvaluationReport`]: degradation_rate RMSE, MAE and R²,
//! usable_life MAE, cliff accuracy, precision, recall and F1, overall, per
//! compound and per k, next to two baselines computed on the same samples.
//! The report serialises to a fixed JSON shape that scripts read, prints as
//! a terminal table ([`comparison_table`]) and renders as a self-contained
//! HTML page with charts ([`write_report_html`]).
//!
//! The baselines are there because a degradation model is easy to fool
//! oneself with: the rate of a compound barely changes from race to race,
//! and after three laps the observed slope is already a decent guess. A
//! model earns its place only by beating both, and every metric where it
//! does not is written out as a sentence in `verdicts`.
//!
//! Cross-validation helpers ([`event_folds`], [`summarize_folds`]) keep
//! every event in one fold, for the same reason the default split does: two
//! stints of one race share weather, track and fuel load, so splitting a
//! race would leak.

mod baseline;
mod error;
mod folds;
mod html;
mod metrics;
mod report;
mod table;

pub use baseline::{observed_slope_usable_life, CompoundMedians, OBSERVED_SLOPE_FEATURE};
pub use error::EvalError;
pub use folds::{event_folds, summarize_folds, CvBaselines, CvSubsetBaseline, CvSummary, MeanStd};
pub use html::{write_comparison_html, write_report_html};
pub use metrics::{
    cliff_metrics, mae, r2, rmse, usable_life_mae, CliffMetrics, MetricId, Metrics,
    RegressionMetrics, UsableLifeMetrics,
};
pub use report::{
    evaluate, evaluate_with_medians, Baselines, EvaluationReport, GroupReport, Predicted,
    SubsetBaseline,
};
pub use table::comparison_table;
