//! Lines: one or more series of (x, y) points, e.g. validation loss per
//! boosting round.
//!
//! Points are joined in the order given. A non-finite point breaks its
//! line rather than being skipped, so a gap in the data shows as a gap.

use crate::frame::{self, count_subtitle, Frame};
use crate::svg::series_colour;
use crate::ticks::nice_ticks;

/// Series with at most this many points also get a marker at each point,
/// so short curves show where their values are.
const MARKED: usize = 40;

/// A line chart of `series`, each (name, points). Colours and the legend
/// follow the order of the series.
///
/// Non-finite points break the line and are counted under the title. With
/// no finite point in any series the chart says "no data".
pub fn line_chart_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> String {
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let total: usize = series.iter().map(|(_, points)| points.len()).sum();
    let drawn: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|(_, points)| points.iter().copied())
        .filter(finite)
        .collect();
    let subtitle = count_subtitle(drawn.len(), total - drawn.len(), "points");
    if drawn.is_empty() {
        return frame::no_data(title, x_label, y_label, &subtitle);
    }

    let x_min = drawn.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_max = drawn.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let y_min = drawn.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let y_max = drawn.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let frame = Frame::new(
        nice_ticks(x_min, x_max, 6),
        nice_ticks(y_min, y_max, 6),
        true,
    );
    let mut svg = frame::open(title, &subtitle, true);
    frame.draw_axes(&mut svg, x_label, y_label, true);

    for (i, (_, points)) in series.iter().enumerate() {
        let colour = series_colour(i);
        for run in points.split(|p| !finite(p)) {
            let pixels: Vec<(f64, f64)> = run
                .iter()
                .map(|&(x, y)| (frame.x_px(x), frame.y_px(y)))
                .collect();
            if pixels.len() >= 2 {
                svg.polyline(&pixels, colour, 2.0);
            }
            if pixels.len() == 1 || points.len() <= MARKED {
                for &pixel in &pixels {
                    svg.circle(pixel, 2.5, colour, "");
                }
            }
        }
    }
    let names: Vec<String> = series.iter().map(|(name, _)| name.clone()).collect();
    frame.draw_legend(&mut svg, &names);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::structure_problem;

    fn curve(name: &str, n: usize, scale: f64) -> (String, Vec<(f64, f64)>) {
        let points = (0..n)
            .map(|i| (i as f64, scale / (1.0 + i as f64)))
            .collect();
        (name.to_string(), points)
    }

    #[test]
    fn one_polyline_per_series_and_a_legend_entry_each() {
        let series = vec![curve("xgboost", 100, 0.1), curve("lightgbm", 80, 0.12)];
        let svg = line_chart_svg("Validation loss", "round", "RMSE", &series);
        assert_eq!(structure_problem(&svg), None);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(">xgboost<") && svg.contains(">lightgbm<"));
        // Long series carry no markers.
        assert_eq!(svg.matches("<circle").count(), 0);
    }

    #[test]
    fn a_non_finite_point_breaks_the_line() {
        let points = vec![
            (0.0, 1.0),
            (1.0, 0.8),
            (2.0, f64::NAN),
            (3.0, 0.5),
            (4.0, 0.4),
        ];
        let svg = line_chart_svg("gap", "x", "y", &[("s".to_string(), points)]);
        assert_eq!(structure_problem(&svg), None);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("(1 non-finite points left out)"));
    }

    #[test]
    fn tiny_values_and_empty_series_are_handled() {
        let svg = line_chart_svg("tiny", "x", "y", &[curve("s", 5, 1e-4)]);
        assert_eq!(structure_problem(&svg), None);
        assert!(svg.contains(">0.00010<") || svg.contains(">0.0001<"));
        let svg = line_chart_svg("none", "x", "y", &[("s".to_string(), vec![])]);
        assert!(svg.contains(">no data<"));
        assert_eq!(structure_problem(&svg), None);
    }

    #[test]
    fn line_chart_is_deterministic() {
        let series = vec![curve("a", 30, 2.0), curve("b", 30, 3.0)];
        assert_eq!(
            line_chart_svg("d", "x", "y", &series),
            line_chart_svg("d", "x", "y", &series)
        );
    }
}
