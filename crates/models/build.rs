//! Places `libxgboost.so` where the binaries' run path looks for it.
//!
//! The xgb sys crate links XGBoost as a shared library built inside its own
//! `OUT_DIR`, which no binary would find at run time. This script runs after
//! that build (this crate depends on the sys crate directly), finds the
//! library among the sibling build directories and links (or copies) it to
//! `target/<profile>/` and `target/<profile>/deps/`, the directories named by
//! the `$ORIGIN` run path in `.cargo/config.toml`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    // OUT_DIR is target/<profile>/build/<crate>-<hash>/out.
    let Some(profile_dir) = out_dir.ancestors().nth(3) else {
        println!(
            "cargo:warning=unexpected OUT_DIR layout: {}",
            out_dir.display()
        );
        println!("cargo:rustc-env=TIREDEG_LIGHTGBM_VERSION=unknown");
        return;
    };

    let lightgbm_version = newest_build_file(
        &profile_dir.join("build"),
        "lightgbm3-sys-",
        &["out/lightgbm/VERSION.txt"],
    )
    .and_then(|path| {
        println!("cargo:rerun-if-changed={}", path.display());
        fs::read_to_string(path).ok()
    })
    .map(|text| text.trim().to_string())
    .filter(|text| !text.is_empty() && !text.contains(char::is_whitespace));
    match lightgbm_version {
        Some(version) => println!("cargo:rustc-env=TIREDEG_LIGHTGBM_VERSION={version}"),
        None => {
            println!("cargo:warning=LightGBM VERSION.txt not found; bundles will say unknown");
            println!("cargo:rustc-env=TIREDEG_LIGHTGBM_VERSION=unknown");
        }
    }

    let Some(library) = newest_build_file(
        &profile_dir.join("build"),
        "xgboost_lib-sys-",
        &["out/lib/libxgboost.so", "out/lib64/libxgboost.so"],
    ) else {
        println!(
            "cargo:warning=libxgboost.so not found under {}",
            profile_dir.display()
        );
        return;
    };
    println!("cargo:rerun-if-changed={}", library.display());

    // The binaries ask for the library by its soname (libxgboost.so.3), the
    // linker by libxgboost.so: every name in the directory is provided.
    let Some(lib_dir) = library.parent() else {
        return;
    };
    let Ok(real) = fs::canonicalize(&library) else {
        println!("cargo:warning=cannot resolve {}", library.display());
        return;
    };
    let names: Vec<std::ffi::OsString> = fs::read_dir(lib_dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name())
                .filter(|n| n.to_string_lossy().starts_with("libxgboost.so"))
                .collect()
        })
        .unwrap_or_default();
    for dir in [profile_dir.to_path_buf(), profile_dir.join("deps")] {
        for name in &names {
            let target = dir.join(name);
            if let Err(error) = link_or_copy(&real, &target) {
                println!(
                    "cargo:warning=could not place {} at {}: {error}",
                    real.display(),
                    target.display()
                );
            }
        }
    }
}

/// The most recently modified of the given files (relative paths) inside the
/// build directories of one crate (`<prefix><hash>`).
fn newest_build_file(build_dir: &Path, prefix: &str, relative: &[&str]) -> Option<PathBuf> {
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in fs::read_dir(build_dir).ok()?.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(prefix) {
            continue;
        }
        for file in relative {
            let candidate = entry.path().join(file);
            if let Ok(meta) = fs::metadata(&candidate) {
                let Ok(modified) = meta.modified() else {
                    continue;
                };
                if best.as_ref().is_none_or(|(time, _)| modified > *time) {
                    best = Some((modified, candidate));
                }
            }
        }
    }
    best.map(|(_, path)| path)
}

/// Hard-links `from` to `to` (the library is 200 MB with debug symbols;
/// a link costs nothing), copying when a link is impossible; through a
/// temporary name so a concurrent reader never sees half a file.
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    let same = match (fs::metadata(from), fs::metadata(to)) {
        (Ok(a), Ok(b)) => a.len() == b.len() && a.modified()? <= b.modified()?,
        _ => false,
    };
    if same {
        return Ok(());
    }
    let temporary = to.with_extension("tmp-link");
    let _ = fs::remove_file(&temporary);
    if fs::hard_link(from, &temporary).is_err() {
        fs::copy(from, &temporary)?;
    }
    fs::rename(&temporary, to)
}
