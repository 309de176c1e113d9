//! Self-contained SVG charts for tiredeg's evaluation reports.
//!
//! Every function returns one complete `<svg>` document as a string: it can
//! be written to a `.svg` file or pasted inline into an HTML page, and it
//! needs no script, no stylesheet and no font file to render. The charts are
//! the four an evaluation report needs: a histogram (residuals, predicted
//! probabilities), a scatter of predicted against actual values with the
//! `y = x` line, grouped bars (an error metric per compound, model against
//! baselines) and lines (validation loss curves).
//!
//! The crate has no dependencies on purpose. Plotting crates pull in font
//! rasterisers and image codecs to draw pixels; a report only needs vector
//! text that a browser lays out, which is a few hundred lines of string
//! building.
//!
//! Output is deterministic: the same input gives the same bytes, because
//! every coordinate is written with two decimals and every label with a
//! precision fixed by the axis step. Reports can therefore be diffed and
//! tested byte for byte.
//!
//! Non-finite values (NaN, infinities) are left out of every chart and the
//! number left out is written under the title, so a chart never hides that
//! some of its input was unusable. A chart with nothing to draw says
//! "no data" instead of drawing empty axes with made-up ranges.

mod bar;
mod frame;
mod histogram;
mod line;
mod scatter;
mod svg;
mod ticks;

pub use bar::bar_chart_svg;
pub use histogram::histogram_svg;
pub use line::line_chart_svg;
pub use scatter::scatter_svg;
pub use svg::escape;
pub use ticks::{nice_ticks, Ticks};

#[cfg(test)]
pub(crate) mod check;
