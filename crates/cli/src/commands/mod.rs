//! One module per command; [`run`] dispatches.

mod prepare;
mod registry;
mod simulate;
mod train;

use std::io::Write;

use anyhow::Result;

use crate::args::{Cli, Command, RegistryCommand};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Simulate(args) => simulate::run(&args),
        Command::Prepare(args) => prepare::run(&args),
        Command::Train(args) => train::train(&args),
        Command::Evaluate(args) => train::evaluate(&args),
        Command::Compare(args) => train::compare(&args),
        Command::Cv(args) => train::cross_validate(&args),
        Command::Predict(args) => train::predict(&args),
        Command::Registry(RegistryCommand::List { registry }) => registry::list(&registry),
        Command::Registry(RegistryCommand::Show { version, registry }) => {
            registry::show(&registry, &version)
        }
    }
}

/// Writes results for the user on standard output. A closed pipe (as in
/// `tiredeg ... | head`) is not an error worth a message.
pub fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// Writes pretty JSON to a file, creating its directory.
pub fn write_json<T: serde::Serialize>(path: &std::path::Path, value: &T) -> Result<()> {
    use anyhow::Context;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
