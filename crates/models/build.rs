//! Places `libxgboost.so` where the binaries' run path looks for it.
//!
//! The xgb sys crate links XGBoost as a shared library built inside its own
//! `OUT_DIR`, which no binary would find at run time. This script runs after
//! that build (this crate depends on the sys crate directly), finds the
//! library among the sibling build directories and copies it to
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
        println!("cargo:warning=unexpected OUT_DIR layout: {}", out_dir.display());
        return;
    };
    let Some(library) = newest_xgboost(&profile_dir.join("build")) else {
        println!("cargo:warning=libxgboost.so not found under {}", profile_dir.display());
        return;
    };
    println!("cargo:rerun-if-changed={}", library.display());

    for dir in [profile_dir.to_path_buf(), profile_dir.join("deps")] {
        let target = dir.join(library.file_name().expect("a file name"));
        if let Err(error) = copy_if_changed(&library, &target) {
            println!("cargo:warning=could not copy {} to {}: {error}", library.display(), target.display());
        }
    }
}

/// The most recently built `libxgboost.so` among the sys crate's build outputs.
fn newest_xgboost(build_dir: &Path) -> Option<PathBuf> {
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in fs::read_dir(build_dir).ok()?.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with("xgboost_lib-sys-") {
            continue;
        }
        for lib_dir in ["lib", "lib64"] {
            let candidate = entry.path().join("out").join(lib_dir).join("libxgboost.so");
            if let Ok(meta) = fs::metadata(&candidate) {
                let modified = meta.modified().ok()?;
                if best.as_ref().is_none_or(|(time, _)| modified > *time) {
                    best = Some((modified, candidate));
                }
            }
        }
    }
    best.map(|(_, path)| path)
}

/// Copies through a temporary name so a concurrent reader never sees half a file.
fn copy_if_changed(from: &Path, to: &Path) -> std::io::Result<()> {
    let same = match (fs::metadata(from), fs::metadata(to)) {
        (Ok(a), Ok(b)) => a.len() == b.len() && a.modified()? <= b.modified()?,
        _ => false,
    };
    if same {
        return Ok(());
    }
    let temporary = to.with_extension("so.tmp");
    fs::copy(from, &temporary)?;
    fs::rename(&temporary, to)
}
