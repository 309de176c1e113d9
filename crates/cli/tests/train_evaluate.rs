//! End to end through the binary: simulate, prepare, train, evaluate,
//! predict and the registry, run from a scratch directory with no
//! LD_LIBRARY_PATH, as a user would run an installed `tiredeg`.

use std::path::Path;
use std::process::{Command, Output};

fn tiredeg(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiredeg"))
        .args(args)
        .current_dir(cwd)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("TIREDEG_REGISTRY")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn ok(cwd: &Path, args: &[&str]) -> String {
    let output = tiredeg(cwd, args);
    assert!(
        output.status.success(),
        "tiredeg {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn train_evaluate_predict_and_registry() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    // Few rounds and one thread: the test checks the plumbing, not the
    // quality, and must not compete for cores with the other tests.
    std::fs::write(
        cwd.join("fast.yaml"),
        "training:\n  n_estimators: 40\n  early_stopping_rounds: 10\n  threads: 1\n",
    )
    .unwrap();

    ok(
        cwd,
        &["simulate", "--stints", "700", "--seed", "3", "--out", "sim"],
    );
    ok(
        cwd,
        &[
            "prepare",
            "--laps",
            "sim/laps.parquet",
            "--tracks",
            "sim/tracks.csv",
            "--drivers",
            "sim/drivers.csv",
            "--config",
            "fast.yaml",
            "--out",
            "prepared",
        ],
    );

    // Fewer than 1,000 stints is refused unless asked for.
    let refused = tiredeg(
        cwd,
        &[
            "train",
            "--model-type",
            "xgboost",
            "--data-path",
            "prepared",
            "--config",
            "fast.yaml",
            "--no-optimize",
            "--version",
            "1.0.0",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-small"));

    let trained = ok(
        cwd,
        &[
            "train",
            "--model-type",
            "ensemble",
            "--data-path",
            "prepared",
            "--config",
            "fast.yaml",
            "--no-optimize",
            "--version",
            "1.0.0",
            "--alias",
            "staging",
            "--allow-small",
            "--report",
            "reports/train.json",
        ],
    );
    assert!(
        trained.contains("registered ensemble 1.0.0 as staging"),
        "{trained}"
    );
    let report = json(&cwd.join("reports/train.json"));
    for key in [
        "model_type",
        "version",
        "split",
        "n_samples",
        "metrics",
        "baselines",
        "by_compound",
        "by_k",
    ] {
        assert!(report.get(key).is_some(), "report lacks {key}");
    }
    assert_eq!(report["model_type"], "ensemble");
    assert_eq!(report["split"], "test");
    for (head, metric) in [
        ("degradation_rate", "rmse"),
        ("degradation_rate", "mae"),
        ("degradation_rate", "r2"),
        ("usable_life", "mae"),
        ("cliff", "accuracy"),
        ("cliff", "f1"),
    ] {
        assert!(
            report["metrics"][head][metric].is_number(),
            "{head}.{metric}"
        );
        assert!(
            report["baselines"]["compound_median"][head].is_object(),
            "{head}"
        );
    }
    assert!(cwd.join("reports/train.html").is_file());

    // The same version again, and a malformed one, are refused.
    for version in ["1.0.0", "1.0"] {
        let again = tiredeg(
            cwd,
            &[
                "train",
                "--model-type",
                "xgboost",
                "--data-path",
                "prepared",
                "--config",
                "fast.yaml",
                "--no-optimize",
                "--version",
                version,
                "--allow-small",
            ],
        );
        assert!(!again.status.success(), "version {version} accepted");
        assert!(String::from_utf8_lossy(&again.stderr).contains(version));
    }

    // Evaluating by alias reproduces the training report's test metrics.
    ok(
        cwd,
        &[
            "evaluate",
            "--version",
            "staging",
            "--data-path",
            "prepared",
            "--output",
            "reports/eval.json",
        ],
    );
    let evaluation = json(&cwd.join("reports/eval.json"));
    assert_eq!(evaluation["version"], "1.0.0");
    assert_eq!(evaluation["n_samples"], report["n_samples"]);
    assert_eq!(evaluation["metrics"], report["metrics"]);

    let listed = ok(cwd, &["registry", "list"]);
    assert!(
        listed.contains("1.0.0") && listed.contains("staging"),
        "{listed}"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(cwd, &["registry", "show", "staging"])).unwrap();
    assert_eq!(shown["version"], "1.0.0");
    assert_eq!(shown["model_type"], "ensemble");

    ok(
        cwd,
        &[
            "predict",
            "--version",
            "1.0.0",
            "--data-path",
            "prepared",
            "--output",
            "predictions.csv",
        ],
    );
    let predictions = std::fs::read_to_string(cwd.join("predictions.csv")).unwrap();
    let mut lines = predictions.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with("degradation_rate,usable_life,cliff_probability,cliff"));
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    let life: f64 = first[8].parse().unwrap();
    assert!(life.is_finite());
    let probability: f64 = first[9].parse().unwrap();
    assert!((0.0..=1.0).contains(&probability));
}

#[test]
fn unknown_model_type_and_missing_version_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad_type = tiredeg(
        dir.path(),
        &[
            "train",
            "--model-type",
            "catboost",
            "--data-path",
            "x",
            "--version",
            "1.0.0",
        ],
    );
    assert!(!bad_type.status.success());
    let stderr = String::from_utf8_lossy(&bad_type.stderr);
    assert!(
        stderr.contains("catboost") && stderr.contains("xgboost"),
        "{stderr}"
    );

    let missing = tiredeg(
        dir.path(),
        &["evaluate", "--version", "9.9.9", "--data-path", "x"],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("9.9.9"));
}
