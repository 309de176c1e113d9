//! Helpers shared by the tests of several modules: a small but realistic
//! bundle on disk, and a deep comparison of two directory trees.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{RegisterRequest, Registry};

/// Writes a bundle the way the models crate lays one out: a manifest, a
/// native model file of some size, and a nested directory.
pub(crate) fn write_bundle(dir: &Path) -> PathBuf {
    fs::create_dir_all(dir.join("features")).unwrap();
    fs::write(
        dir.join("bundle.json"),
        r#"{"model_type":"xgboost","target":"degradation_rate"}"#,
    )
    .unwrap();
    // Bytes that differ along the file, so a truncated copy is detected.
    let model: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 251) as u8).collect();
    fs::write(dir.join("model.ubj"), model).unwrap();
    fs::write(
        dir.join("features").join("names.txt"),
        "tire_age\ncompound\nstint\n",
    )
    .unwrap();
    dir.to_path_buf()
}

/// Asserts that two directory trees hold the same names and bytes.
pub(crate) fn assert_same_tree(expected: &Path, actual: &Path) {
    let names = |dir: &Path| {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let expected_names = names(expected);
    assert_eq!(expected_names, names(actual), "in {}", actual.display());

    for name in expected_names {
        let (from, to) = (expected.join(&name), actual.join(&name));
        if from.is_dir() {
            assert_same_tree(&from, &to);
        } else {
            let same = fs::read(&from).unwrap() == fs::read(&to).unwrap();
            assert!(same, "{} differs from {}", to.display(), from.display());
        }
    }
}

/// A register request with the given aliases and a typical metadata blob.
pub(crate) fn request(version: &str, aliases: &[&str]) -> RegisterRequest {
    RegisterRequest {
        version: version.to_string(),
        model_type: "xgboost".to_string(),
        metadata: serde_json::json!({
            "trained_at": "2025-03-01T10:00:00Z",
            "train_samples": 48_211,
            "metrics": { "mae": 0.081 },
        }),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        actor: Some("test".to_string()),
        reason: None,
    }
}

/// Names of the hidden (staging or trash) entries under `models/`.
pub(crate) fn hidden_entries(registry: &Registry) -> Vec<String> {
    fs::read_dir(registry.root().join("models"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

/// A fresh registry holding the given versions, without aliases.
pub(crate) fn registry_with(versions: &[&str]) -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let bundle = write_bundle(&dir.path().join("bundle"));
    let registry = Registry::open(&dir.path().join("reg")).unwrap();
    for version in versions {
        registry.register(&bundle, request(version, &[])).unwrap();
    }
    (dir, registry)
}
