//! Scatter of points, for predicted against actual values.
//!
//! With the diagonal drawn both axes share one range, because the `y = x`
//! line only reads as "perfect prediction" when a unit is the same length
//! on both axes' scales.

use crate::frame::{self, count_subtitle, Frame};
use crate::svg::series_colour;
use crate::ticks::nice_ticks;

/// Above this many points, markers are drawn smaller and fainter so that
/// dense regions show as darker rather than as a solid blob.
const DENSE: usize = 500;

/// A scatter plot of `points` as (x, y); with `diagonal` a dashed `y = x`
/// line is drawn and both axes share one range.
///
/// Points with a non-finite coordinate are left out and counted under the
/// title. With no finite point the chart says "no data".
pub fn scatter_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    points: &[(f64, f64)],
    diagonal: bool,
) -> String {
    let finite: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let mut subtitle = count_subtitle(finite.len(), points.len() - finite.len(), "points");
    if finite.is_empty() {
        return frame::no_data(title, x_label, y_label, &subtitle);
    }
    if diagonal {
        subtitle.push_str("; dashed line: y = x");
    }

    let (x_min, x_max) = bounds(finite.iter().map(|p| p.0));
    let (y_min, y_max) = bounds(finite.iter().map(|p| p.1));
    let (x, y) = if diagonal {
        let (lo, hi) = (x_min.min(y_min), x_max.max(y_max));
        (nice_ticks(lo, hi, 6), nice_ticks(lo, hi, 6))
    } else {
        (nice_ticks(x_min, x_max, 6), nice_ticks(y_min, y_max, 6))
    };

    let frame = Frame::new(x, y, false);
    let mut svg = frame::open(title, &subtitle, false);
    frame.draw_axes(&mut svg, x_label, y_label, true);
    let (radius, opacity) = if finite.len() > DENSE {
        (2.0, "0.35")
    } else {
        (3.0, "0.7")
    };
    for &(px, py) in &finite {
        svg.circle(
            (frame.x_px(px), frame.y_px(py)),
            radius,
            series_colour(0),
            &format!("fill-opacity=\"{opacity}\""),
        );
    }
    if diagonal {
        let lo = frame.x.lo.max(frame.y.lo);
        let hi = frame.x.hi.min(frame.y.hi);
        svg.line(
            (frame.x_px(lo), frame.y_px(lo)),
            (frame.x_px(hi), frame.y_px(hi)),
            "#444444",
            "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"",
        );
    }
    svg.finish()
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::structure_problem;

    #[test]
    fn scatter_draws_every_finite_point_and_the_diagonal() {
        let points = [(0.05, 0.06), (0.1, 0.09), (0.2, 0.25), (f64::NAN, 1.0)];
        let svg = scatter_svg("Pred vs actual", "actual", "predicted", &points, true);
        assert_eq!(structure_problem(&svg), None);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("n = 3 (1 non-finite points left out)"));
    }

    #[test]
    fn diagonal_runs_corner_to_corner_on_shared_axes() {
        let svg = scatter_svg("s", "a", "p", &[(0.0, 10.0), (10.0, 0.0)], true);
        // Shared axes 0..10: the line goes from the bottom-left to the
        // top-right corner of the plot area.
        let frame = Frame::new(nice_ticks(0.0, 10.0, 6), nice_ticks(0.0, 10.0, 6), false);
        let expected = format!(
            "x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"",
            crate::svg::num(frame.left),
            crate::svg::num(frame.bottom()),
            crate::svg::num(frame.right()),
            crate::svg::num(frame.top)
        );
        assert!(svg.contains(&expected), "{svg}");
    }

    #[test]
    fn without_diagonal_there_is_no_dashed_line() {
        let svg = scatter_svg("s", "a", "p", &[(1.0, 100.0), (2.0, 300.0)], false);
        assert!(!svg.contains("stroke-dasharray"));
        assert_eq!(structure_problem(&svg), None);
    }

    #[test]
    fn single_point_and_empty_input_are_handled() {
        let svg = scatter_svg("one", "a", "p", &[(-1e-4, -1e-4)], true);
        assert_eq!(structure_problem(&svg), None);
        assert_eq!(svg.matches("<circle").count(), 1);
        let svg = scatter_svg("none", "a", "p", &[], true);
        assert!(svg.contains(">no data<"));
        assert_eq!(structure_problem(&svg), None);
    }

    #[test]
    fn scatter_is_deterministic() {
        let points: Vec<(f64, f64)> = (0..200)
            .map(|i| (i as f64 / 7.0, (i as f64).sqrt()))
            .collect();
        assert_eq!(
            scatter_svg("d", "a", "p", &points, true),
            scatter_svg("d", "a", "p", &points, true)
        );
    }
}
