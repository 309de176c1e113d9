//! Progress bars for long work.
//!
//! Libraries report progress through callbacks; this module turns those
//! into `indicatif` bars on standard error. Bars hide themselves when
//! standard error is not a terminal, so logs and CI output stay clean.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `total` steps with a message.
pub fn bar(total: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(
        "{msg:24} [{bar:32}] {pos}/{len} {elapsed_precise} (eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(message.to_string());
    bar
}
