//! Benchmark: training time of each model type on a prepared directory,
//! and prediction speed of a saved and reloaded bundle (all three heads).
//!
//! ```sh
//! cargo run -p tiredeg-models --example bench_bundle -- PREPARED_DIR
//! ```
//!
//! Prints figures; asserts nothing. Threads follow `training.threads` of
//! the default configuration (0: all cores).

use std::path::PathBuf;
use std::time::Instant;

use tiredeg_config::TrainingConfig;
use tiredeg_models::{train_bundle_with, Matrix, ModelBundle, ModelType, TrainOptions};
use tiredeg_prepare::{read_samples, SampleSet, Split};

#[allow(clippy::print_stdout)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: bench_bundle PREPARED_DIR (written by `tiredeg prepare`)")?,
    );
    let samples = read_samples(&dir.join("samples.parquet"))?;
    let config = TrainingConfig::default();
    let options = TrainOptions { allow_small: true };
    let test = SampleSet {
        schema: samples.schema.clone(),
        samples: samples
            .samples
            .iter()
            .filter(|s| s.split == Split::Test && !s.oversampled)
            .cloned()
            .collect(),
    };
    let rows: Vec<&[f64]> = test.samples.iter().map(|s| s.features.as_slice()).collect();
    println!(
        "{} samples ({} test) from {}",
        samples.samples.len(),
        test.samples.len(),
        dir.display()
    );
    println!(
        "{:<10} {:>10} {:>16} {:>16} {:>14}",
        "model", "train (s)", "one row (us)", "batch (ms)", "rows/s"
    );

    for model_type in [ModelType::Xgboost, ModelType::Lightgbm, ModelType::Ensemble] {
        let started = Instant::now();
        let bundle = train_bundle_with(&samples, model_type, &config, &options, &mut |_| {})?;
        let train_s = started.elapsed().as_secs_f64();

        let saved = tempfile::tempdir()?;
        bundle.save(saved.path())?;
        let loaded = ModelBundle::load(saved.path())?;

        // Warm up, then time single rows round-robin over the test rows.
        for row in rows.iter().take(50) {
            loaded.predict_row(row)?;
        }
        let calls = 2000;
        let started = Instant::now();
        for i in 0..calls {
            loaded.predict_row(rows[i % rows.len()])?;
        }
        let one_row_us = started.elapsed().as_secs_f64() * 1e6 / calls as f64;

        let matrix = Matrix::from_rows(test.schema.len(), &rows)?;
        let started = Instant::now();
        let batches = 5;
        for _ in 0..batches {
            loaded.predict_matrix(&test.schema, &matrix)?;
        }
        let batch_s = started.elapsed().as_secs_f64() / batches as f64;
        println!(
            "{:<10} {:>10.2} {:>16.1} {:>16.2} {:>14.0}",
            model_type.as_str(),
            train_s,
            one_row_us,
            batch_s * 1e3,
            rows.len() as f64 / batch_s
        );
    }
    Ok(())
}
