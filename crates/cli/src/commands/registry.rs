//! `tiredeg registry list|show`.

use std::path::Path;

use anyhow::Result;
use tiredeg_registry::Registry;

use super::say;

fn metric(record: &serde_json::Value, head: &str, name: &str) -> String {
    record["metrics"][head][name]
        .as_f64()
        .map(|v| format!("{v:.4}"))
        .unwrap_or_else(|| "-".to_string())
}

/// Every version with aliases and headline test metrics.
pub fn list(root: &Path) -> Result<()> {
    let registry = Registry::open(root)?;
    let records = registry.list()?;
    if records.is_empty() {
        say(&format!("no models registered in {}", root.display()));
        return Ok(());
    }
    say(&format!(
        "{:<10} {:<9} {:<20} {:>9} {:>9} {:>8} {:<25}",
        "version", "type", "aliases", "rate RMSE", "life MAE", "cliff F1", "registered"
    ));
    for record in records {
        say(&format!(
            "{:<10} {:<9} {:<20} {:>9} {:>9} {:>8} {:<25}",
            record.version.to_string(),
            record.model_type,
            record.aliases.join(","),
            metric(&record.metadata, "degradation_rate", "rmse"),
            metric(&record.metadata, "usable_life", "mae"),
            metric(&record.metadata, "cliff", "f1"),
            record.registered_at
        ));
    }
    Ok(())
}

/// One version or alias in full, as JSON.
pub fn show(root: &Path, version: &str) -> Result<()> {
    let registry = Registry::open(root)?;
    let record = registry.get(version)?;
    say(&serde_json::to_string_pretty(&record)?);
    Ok(())
}
