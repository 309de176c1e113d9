//! `tiredeg`: the command line over the tiredeg libraries.
//!
//! This crate only parses arguments, calls the libraries, logs through
//! `tracing` and shows progress; every computation lives in a library crate
//! so that it can be used without the binary. Results go to standard output
//! (tables, summaries) and to files (JSON, Parquet, SVG, HTML); logs go to
//! standard error and follow `RUST_LOG` (default `info`).

mod args;
mod commands;
mod data;
mod progress;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| EnvFilter::new(if cli.quiet { "warn" } else { "info" }));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .init();

    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line per cause, outermost first: what failed, then why.
            let mut text = format!("error: {error}");
            for cause in error.chain().skip(1) {
                text.push_str(&format!("\n  caused by: {cause}"));
            }
            report_error(&text);
            ExitCode::FAILURE
        }
    }
}

/// The last word of a failed run goes to standard error unadorned, so it
/// reads the same whatever `RUST_LOG` says.
#[allow(clippy::print_stderr)]
fn report_error(text: &str) {
    eprintln!("{text}");
}
