//! Histogram: how a set of values is distributed, e.g. the residuals of a
//! model or its predicted cliff probabilities.

use crate::frame::{self, count_subtitle, Frame};
use crate::svg::series_colour;
use crate::ticks::{count_ticks, nice_ticks};

/// Most bins drawn; more would be thinner than a pixel column or two.
const MAX_BINS: usize = 200;

/// A histogram of `values` with `bins` equal-width bins spanning the
/// smallest to the largest finite value.
///
/// Non-finite values are left out and counted under the title. `bins` is
/// clamped to 1..=200; with `bins == 0` the square-root rule picks the
/// count (at most 50). When every value is the same, one bar one axis
/// step wide is centred on it, whatever `bins` says. With no finite value the
/// chart says "no data".
pub fn histogram_svg(title: &str, x_label: &str, values: &[f64], bins: usize) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let left_out = values.len() - finite.len();
    let subtitle = count_subtitle(finite.len(), left_out, "values");
    let y_label = "count";
    if finite.is_empty() {
        return frame::no_data(title, x_label, y_label, &subtitle);
    }

    let bins = if bins == 0 {
        ((finite.len() as f64).sqrt().ceil() as usize).clamp(1, 50)
    } else {
        bins.min(MAX_BINS)
    };
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let x = nice_ticks(min, max, 6);
    // With every value equal there is nothing to bin: one bar one axis
    // step wide shows the value and its count.
    let (lo, hi, bins) = if max > min {
        (min, max, bins)
    } else {
        (min - x.step / 2.0, max + x.step / 2.0, 1)
    };
    let width = (hi - lo) / bins as f64;

    let mut counts = vec![0usize; bins];
    for &v in &finite {
        // The largest value would fall just past the last bin; it belongs
        // in it, as in every histogram convention with closed last bins.
        let index = (((v - lo) / width).floor() as usize).min(bins - 1);
        counts[index] += 1;
    }
    let max_count = counts.iter().copied().max().unwrap_or(0);

    let frame = Frame::new(x, count_ticks(max_count), false);
    let mut svg = frame::open(title, &subtitle, false);
    frame.draw_axes(&mut svg, x_label, y_label, true);
    for (i, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let x0 = frame.x_px(lo + i as f64 * width);
        let x1 = frame.x_px(lo + (i + 1) as f64 * width);
        let top = frame.y_px(count as f64);
        svg.rect(
            x0,
            top,
            x1 - x0,
            frame.bottom() - top,
            series_colour(0),
            "fill-opacity=\"0.85\" stroke=\"#ffffff\" stroke-width=\"0.5\"",
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::structure_problem;

    fn bars(svg: &str) -> usize {
        svg.matches("fill-opacity=\"0.85\"").count()
    }

    #[test]
    fn histogram_is_well_formed_and_titled() {
        let values: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
        let svg = histogram_svg("Residuals <rate> & more", "error (s/lap)", &values, 10);
        assert_eq!(structure_problem(&svg), None);
        assert!(svg.contains("Residuals &lt;rate&gt; &amp; more"));
        assert!(svg.contains("n = 100"));
        assert!(bars(&svg) >= 5 && bars(&svg) <= 10);
    }

    #[test]
    fn non_finite_values_are_left_out_and_counted() {
        let values = [1.0, f64::NAN, 2.0, f64::INFINITY, 2.5];
        let svg = histogram_svg("h", "x", &values, 3);
        assert_eq!(structure_problem(&svg), None);
        assert!(svg.contains("n = 3 (2 non-finite values left out)"));
        assert!(!svg.contains("no data"));
    }

    #[test]
    fn empty_or_all_nan_input_says_no_data() {
        for values in [&[][..], &[f64::NAN, f64::NAN][..]] {
            let svg = histogram_svg("Empty", "x", values, 10);
            assert_eq!(structure_problem(&svg), None);
            assert!(svg.contains(">no data<"));
            assert!(svg.contains("<title>Empty</title>"));
        }
    }

    #[test]
    fn constant_values_fill_one_bar() {
        let svg = histogram_svg("c", "x", &[0.7; 7], 20);
        assert_eq!(structure_problem(&svg), None);
        assert_eq!(bars(&svg), 1);
        // The bar spans one axis step (0.02 of a 0.62..0.78 axis), not a
        // twentieth of it.
        let frame = Frame::new(nice_ticks(0.7, 0.7, 6), count_ticks(7), false);
        let width = frame.x_px(frame.x.lo + frame.x.step) - frame.x_px(frame.x.lo);
        assert!(
            svg.contains(&format!("width=\"{}\"", crate::svg::num(width))),
            "{svg}"
        );
    }

    #[test]
    fn bin_count_zero_picks_one_and_output_is_deterministic() {
        let values: Vec<f64> = (0..50).map(|i| i as f64 * 1e-4).collect();
        let first = histogram_svg("d", "x", &values, 0);
        assert_eq!(first, histogram_svg("d", "x", &values, 0));
        assert!(bars(&first) >= 1);
        assert_eq!(structure_problem(&first), None);
    }
}
