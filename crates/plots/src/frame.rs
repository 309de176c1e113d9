//! The parts every chart shares: page size, plot area, title, axes, grid
//! and legend.
//!
//! All charts have the same size and margins so that a report page lines
//! them up in a grid. Charts with a legend get a wider right margin rather
//! than a legend over the data, because a legend drawn inside the plot area
//! hides bars or points exactly where the data is densest.

use crate::svg::{series_colour, Anchor, Svg};
use crate::ticks::Ticks;

/// Width of a chart without legend, in pixels.
pub(crate) const WIDTH: f64 = 640.0;
/// Height of every chart, in pixels.
pub(crate) const HEIGHT: f64 = 400.0;
/// Extra width on the right for a legend.
pub(crate) const LEGEND_WIDTH: f64 = 170.0;

const LEFT: f64 = 76.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 60.0;

/// Longest legend entry, in characters, before it is shortened with an
/// ellipsis; longer names would run off the page at 12 px.
const LEGEND_CHARS: usize = 22;

const AXIS_COLOUR: &str = "#333333";
const GRID_COLOUR: &str = "#e5e5e5";
const MUTED_COLOUR: &str = "#666666";

/// The plot area of one chart and the mapping from data to pixels.
pub(crate) struct Frame {
    pub(crate) left: f64,
    pub(crate) top: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) x: Ticks,
    pub(crate) y: Ticks,
}

impl Frame {
    /// A frame for a chart, with room for a legend when asked.
    pub(crate) fn new(x: Ticks, y: Ticks, legend: bool) -> Frame {
        let total = page_width(legend);
        let right = if legend { RIGHT + LEGEND_WIDTH } else { RIGHT };
        Frame {
            left: LEFT,
            top: TOP,
            width: total - LEFT - right,
            height: HEIGHT - TOP - BOTTOM,
            x,
            y,
        }
    }

    /// Pixel column of data value `v` on the x axis.
    pub(crate) fn x_px(&self, v: f64) -> f64 {
        self.left + (v - self.x.lo) / span(&self.x) * self.width
    }

    /// Pixel row of data value `v` on the y axis (up is larger).
    pub(crate) fn y_px(&self, v: f64) -> f64 {
        self.top + self.height - (v - self.y.lo) / span(&self.y) * self.height
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.top + self.height
    }

    pub(crate) fn right(&self) -> f64 {
        self.left + self.width
    }

    /// Grid lines, the axis box, tick labels and axis labels. With
    /// `numeric_x` false the x axis gets no ticks (categorical charts draw
    /// their own labels).
    pub(crate) fn draw_axes(&self, svg: &mut Svg, x_label: &str, y_label: &str, numeric_x: bool) {
        for &v in &self.y.values {
            let y = self.y_px(v);
            svg.line((self.left, y), (self.right(), y), GRID_COLOUR, "");
            svg.text(
                (self.left - 8.0, y + 4.0),
                Anchor::End,
                &self.y.label(v),
                "",
            );
        }
        if numeric_x {
            for &v in &self.x.values {
                let x = self.x_px(v);
                svg.line((x, self.top), (x, self.bottom()), GRID_COLOUR, "");
                svg.text(
                    (x, self.bottom() + 18.0),
                    Anchor::Middle,
                    &self.x.label(v),
                    "",
                );
            }
        }
        self.draw_box(svg);

        svg.text(
            (self.left + self.width / 2.0, HEIGHT - 16.0),
            Anchor::Middle,
            x_label,
            "font-size=\"13\"",
        );
        let (yx, yy) = (20.0, self.top + self.height / 2.0);
        svg.text(
            (yx, yy),
            Anchor::Middle,
            y_label,
            &format!(
                "font-size=\"13\" transform=\"rotate(-90 {} {})\"",
                crate::svg::num(yx),
                crate::svg::num(yy)
            ),
        );
    }

    fn draw_box(&self, svg: &mut Svg) {
        svg.rect(
            self.left,
            self.top,
            self.width,
            self.height,
            "none",
            &format!("stroke=\"{AXIS_COLOUR}\""),
        );
    }

    /// The legend in the right margin: one coloured square per name.
    pub(crate) fn draw_legend(&self, svg: &mut Svg, names: &[String]) {
        let x = self.right() + 16.0;
        for (i, name) in names.iter().enumerate() {
            let y = self.top + 8.0 + i as f64 * 20.0;
            svg.rect(x, y - 10.0, 12.0, 12.0, series_colour(i), "");
            svg.text((x + 18.0, y), Anchor::Start, &shorten(name), "");
        }
    }
}

/// Width of a chart page, with or without legend.
pub(crate) fn page_width(legend: bool) -> f64 {
    if legend {
        WIDTH + LEGEND_WIDTH
    } else {
        WIDTH
    }
}

/// Opens a chart: the document, its title and a muted subtitle line (counts
/// of points drawn and left out).
pub(crate) fn open(title: &str, subtitle: &str, legend: bool) -> Svg {
    let width = page_width(legend);
    let mut svg = Svg::new(width, HEIGHT, title);
    svg.text(
        (width / 2.0, 24.0),
        Anchor::Middle,
        title,
        "font-size=\"16\" font-weight=\"bold\"",
    );
    if !subtitle.is_empty() {
        svg.text(
            (width / 2.0, 42.0),
            Anchor::Middle,
            subtitle,
            &format!("font-size=\"11\" fill=\"{MUTED_COLOUR}\""),
        );
    }
    svg
}

/// A whole chart that only says "no data", with its title and axis names
/// so the reader knows which chart is empty.
pub(crate) fn no_data(title: &str, x_label: &str, y_label: &str, subtitle: &str) -> String {
    let mut svg = open(title, subtitle, false);
    let frame = Frame::new(
        crate::ticks::nice_ticks(0.0, 1.0, 2),
        crate::ticks::nice_ticks(0.0, 1.0, 2),
        false,
    );
    frame.draw_box(&mut svg);
    svg.text(
        (
            frame.left + frame.width / 2.0,
            frame.top + frame.height / 2.0,
        ),
        Anchor::Middle,
        "no data",
        &format!("font-size=\"16\" fill=\"{MUTED_COLOUR}\""),
    );
    svg.text(
        (frame.left + frame.width / 2.0, HEIGHT - 16.0),
        Anchor::Middle,
        x_label,
        "font-size=\"13\"",
    );
    let (yx, yy) = (20.0, frame.top + frame.height / 2.0);
    svg.text(
        (yx, yy),
        Anchor::Middle,
        y_label,
        &format!(
            "font-size=\"13\" transform=\"rotate(-90 {} {})\"",
            crate::svg::num(yx),
            crate::svg::num(yy)
        ),
    );
    svg.finish()
}

/// "n = 12" plus, when some input was unusable, how much was left out.
pub(crate) fn count_subtitle(drawn: usize, left_out: usize, what: &str) -> String {
    if left_out == 0 {
        format!("n = {drawn}")
    } else {
        format!("n = {drawn} ({left_out} non-finite {what} left out)")
    }
}

fn span(ticks: &Ticks) -> f64 {
    let span = ticks.hi - ticks.lo;
    if span > 0.0 {
        span
    } else {
        1.0
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= LEGEND_CHARS {
        name.to_string()
    } else {
        let kept: String = name.chars().take(LEGEND_CHARS - 1).collect();
        format!("{kept}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticks::nice_ticks;

    #[test]
    fn data_maps_onto_the_plot_area() {
        let frame = Frame::new(nice_ticks(0.0, 10.0, 6), nice_ticks(0.0, 1.0, 6), false);
        assert_eq!(frame.x_px(0.0), frame.left);
        assert_eq!(frame.x_px(10.0), frame.right());
        assert_eq!(frame.y_px(0.0), frame.bottom());
        assert_eq!(frame.y_px(1.0), frame.top);
    }

    #[test]
    fn long_legend_names_are_shortened() {
        let long = "a".repeat(40);
        assert_eq!(shorten(&long).chars().count(), LEGEND_CHARS);
        assert_eq!(shorten("model"), "model");
    }
}
