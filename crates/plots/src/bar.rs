//! Grouped bars: one group per category (a compound, a value of k), one
//! bar per series (the model and each baseline) in a fixed colour.
//!
//! Series are matched across groups by name, so a group that lacks a
//! series (a baseline that does not apply to k = 0) leaves a gap in that
//! series' slot instead of shifting the other bars' colours.

use crate::frame::{self, Frame};
use crate::svg::{series_colour, Anchor};
use crate::ticks::nice_ticks;

/// Share of each group's width left empty between groups.
const GROUP_GAP: f64 = 0.25;

/// A grouped bar chart: `groups` holds (group name, [(series name,
/// value)]). Series colours and the legend follow the order in which
/// series names first appear.
///
/// The y axis always includes zero, so bar lengths compare honestly.
/// A non-finite value draws no bar and writes "n/a" in its slot. With no
/// finite value at all the chart says "no data".
pub fn bar_chart_svg(
    title: &str,
    y_label: &str,
    groups: &[(String, Vec<(String, f64)>)],
) -> String {
    let mut series: Vec<String> = Vec::new();
    for (_, bars) in groups {
        for (name, _) in bars {
            if !series.contains(name) {
                series.push(name.clone());
            }
        }
    }
    let finite: Vec<f64> = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|(_, v)| *v))
        .filter(|v| v.is_finite())
        .collect();
    if finite.is_empty() {
        return frame::no_data(title, "", y_label, "");
    }

    let min = finite.iter().copied().fold(0.0, f64::min);
    let max = finite.iter().copied().fold(0.0, f64::max);
    let y = nice_ticks(min, max, 6);
    let frame = Frame::new(nice_ticks(0.0, 1.0, 2), y, true);
    let mut svg = frame::open(title, "", true);
    frame.draw_axes(&mut svg, "", y_label, false);

    let group_width = frame.width / groups.len() as f64;
    let bar_width = group_width * (1.0 - GROUP_GAP) / series.len().max(1) as f64;
    let zero = frame.y_px(0.0);
    for (g, (group, bars)) in groups.iter().enumerate() {
        let group_left = frame.left + g as f64 * group_width + group_width * GROUP_GAP / 2.0;
        for (name, value) in bars {
            let slot = series.iter().position(|s| s == name).unwrap_or(0);
            let x = group_left + slot as f64 * bar_width;
            let centre = x + bar_width / 2.0;
            if !value.is_finite() {
                svg.text(
                    (centre, zero - 4.0),
                    Anchor::Middle,
                    "n/a",
                    "font-size=\"10\" fill=\"#666666\"",
                );
                continue;
            }
            let end = frame.y_px(*value);
            let (top, label_y) = if *value >= 0.0 {
                (end, end - 4.0)
            } else {
                (zero, end + 12.0)
            };
            svg.rect(
                x,
                top,
                bar_width,
                (end - zero).abs(),
                series_colour(slot),
                "",
            );
            svg.text(
                (centre, label_y),
                Anchor::Middle,
                &frame.y.value_label(*value),
                "font-size=\"10\"",
            );
        }
        svg.text(
            (
                frame.left + (g as f64 + 0.5) * group_width,
                frame.bottom() + 20.0,
            ),
            Anchor::Middle,
            group,
            "font-size=\"13\"",
        );
    }
    if min < 0.0 {
        svg.line((frame.left, zero), (frame.right(), zero), "#333333", "");
    }
    frame.draw_legend(&mut svg, &series);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::structure_problem;

    fn group(name: &str, bars: &[(&str, f64)]) -> (String, Vec<(String, f64)>) {
        (
            name.to_string(),
            bars.iter().map(|(s, v)| (s.to_string(), *v)).collect(),
        )
    }

    #[test]
    fn grouped_bars_have_one_rect_per_finite_value_and_a_legend() {
        let groups = vec![
            group(
                "SOFT",
                &[
                    ("model", 0.08),
                    ("compound_median", 0.1),
                    ("observed_slope", 0.12),
                ],
            ),
            group("MEDIUM", &[("model", 0.05), ("compound_median", 0.07)]),
            group("HARD", &[("model", 0.04), ("compound_median", f64::NAN)]),
        ];
        let svg = bar_chart_svg("RMSE by compound", "RMSE (s/lap)", &groups);
        assert_eq!(structure_problem(&svg), None);
        // 6 bars, 3 legend squares, the background and the plot box.
        assert_eq!(svg.matches("<rect").count(), 6 + 3 + 2);
        assert!(svg.contains(">n/a<"));
        for name in [
            "SOFT",
            "MEDIUM",
            "HARD",
            "model",
            "compound_median",
            "observed_slope",
        ] {
            assert!(svg.contains(&format!(">{name}<")), "missing {name}");
        }
    }

    #[test]
    fn series_keep_their_colour_when_a_group_lacks_one() {
        let groups = vec![
            group("k=0", &[("model", 1.0), ("compound_median", 2.0)]),
            group(
                "k=3",
                &[
                    ("model", 1.0),
                    ("observed_slope", 2.0),
                    ("compound_median", 2.0),
                ],
            ),
        ];
        let svg = bar_chart_svg("t", "y", &groups);
        // compound_median is the second series everywhere: colour 1.
        assert_eq!(svg.matches(crate::svg::PALETTE[1]).count(), 3);
        assert_eq!(svg.matches(crate::svg::PALETTE[2]).count(), 2);
    }

    #[test]
    fn negative_values_get_a_zero_line_and_labels() {
        let groups = vec![group("a", &[("r2", -0.4)]), group("b", &[("r2", 0.6)])];
        let svg = bar_chart_svg("R2", "R2", &groups);
        assert_eq!(structure_problem(&svg), None);
        assert!(svg.contains(">-0.40<"));
        assert!(svg.contains(">0.60<"));
    }

    #[test]
    fn no_finite_value_says_no_data() {
        let svg = bar_chart_svg("t", "y", &[group("a", &[("m", f64::NAN)])]);
        assert!(svg.contains(">no data<"));
        let svg = bar_chart_svg("t", "y", &[]);
        assert!(svg.contains(">no data<"));
        assert_eq!(structure_problem(&svg), None);
    }

    #[test]
    fn bar_chart_is_deterministic() {
        let groups = vec![group("a", &[("m", 0.123456), ("b", 1e-4)])];
        assert_eq!(
            bar_chart_svg("t", "y", &groups),
            bar_chart_svg("t", "y", &groups)
        );
    }
}
