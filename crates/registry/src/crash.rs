//! Crash points: named places inside `register` where a test kills or
//! holds the process, to show that no interruption can break the registry.
//!
//! The hook exists only in this crate's test build. Everywhere else
//! `crash_point` is an empty inline function, so production code pays
//! nothing and no environment variable can make it abort. The tests below
//! re-run their own binary as a child process with
//! `TIREDEG_REGISTRY_CRASH_AT=<point>`; the child aborts at that point, or,
//! when `TIREDEG_REGISTRY_HOLD_FILE` names a file, creates the file and
//! waits there until the parent deletes it.
//!
//! The points, in the order `register` reaches them: `temp-created`,
//! `mid-copy` (after the first file), `copied`, `rows-inserted`,
//! `renamed`, `committed`.

/// Names the crash point to stop at (test builds only).
#[cfg(test)]
const CRASH_ENV: &str = "TIREDEG_REGISTRY_CRASH_AT";

/// When set, the crash point holds instead of aborting (test builds only).
#[cfg(test)]
const HOLD_ENV: &str = "TIREDEG_REGISTRY_HOLD_FILE";

/// Aborts or holds the process if the test environment names `point`.
#[cfg(test)]
pub(crate) fn crash_point(point: &str) {
    use std::time::{Duration, Instant};

    if std::env::var_os(CRASH_ENV).is_none_or(|at| at != point) {
        return;
    }
    let Some(flag) = std::env::var_os(HOLD_ENV) else {
        std::process::abort();
    };
    let flag = std::path::PathBuf::from(flag);
    let _ = std::fs::write(&flag, point);
    // Never outlive a parent that died without releasing us.
    let deadline = Instant::now() + Duration::from_secs(60);
    while flag.exists() {
        if Instant::now() > deadline {
            std::process::abort();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Does nothing outside this crate's tests.
#[cfg(not(test))]
#[inline(always)]
pub(crate) fn crash_point(_point: &str) {}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output, Stdio};
    use std::time::{Duration, Instant};

    use super::*;
    use crate::testutil::{assert_same_tree, hidden_entries, request, write_bundle};
    use crate::{Registry, RegistryError};

    const POINTS: [&str; 6] = [
        "temp-created",
        "mid-copy",
        "copied",
        "rows-inserted",
        "renamed",
        "committed",
    ];

    /// The body of the child process: registers each version of
    /// `CHILD_VERSIONS` with the aliases of `CHILD_ALIASES`. Ignored in a
    /// normal run; the tests start it with `--ignored --exact`.
    #[test]
    #[ignore = "run in a child process by the crash tests"]
    fn child_register() {
        let Some(root) = std::env::var_os("CHILD_ROOT") else {
            return;
        };
        let bundle = PathBuf::from(std::env::var_os("CHILD_BUNDLE").unwrap());
        let aliases = std::env::var("CHILD_ALIASES").unwrap();
        let aliases: Vec<&str> = aliases.split(',').filter(|a| !a.is_empty()).collect();
        let registry = Registry::open(Path::new(&root)).unwrap();
        for version in std::env::var("CHILD_VERSIONS").unwrap().split(',') {
            registry
                .register(&bundle, request(version, &aliases))
                .unwrap();
        }
    }

    fn child(root: &Path, bundle: &Path, versions: &str, aliases: &str) -> Command {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "crash::tests::child_register"])
            .args(["--ignored", "--nocapture", "--test-threads=1"])
            .env("CHILD_ROOT", root)
            .env("CHILD_BUNDLE", bundle)
            .env("CHILD_VERSIONS", versions)
            .env("CHILD_ALIASES", aliases)
            .env_remove(CRASH_ENV)
            .env_remove(HOLD_ENV)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn describe(output: &Output) -> String {
        let stderr = String::from_utf8_lossy(&output.stderr);
        format!("{}\n{stderr}", output.status)
    }

    /// Invariants that must hold after any interruption: no debris, every
    /// directory has a row, every alias points at a listed version.
    fn assert_consistent(registry: &Registry) {
        assert!(hidden_entries(registry).is_empty(), "debris left");
        let listed: Vec<String> = registry
            .list()
            .unwrap()
            .iter()
            .map(|r| r.version.to_string())
            .collect();
        let mut dirs: Vec<String> = std::fs::read_dir(registry.root().join("models"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        dirs.sort_by_key(|d| semver::Version::parse(d).unwrap());
        assert_eq!(dirs, listed, "directories and rows disagree");
        for (alias, version) in registry.aliases().unwrap() {
            assert!(listed.contains(&version.to_string()), "{alias} dangles");
        }
    }

    #[test]
    fn a_register_killed_at_any_point_leaves_all_or_nothing() {
        for point in POINTS {
            let dir = tempfile::tempdir().unwrap();
            let bundle = write_bundle(&dir.path().join("bundle"));
            let root = dir.path().join("reg");
            let seed = Registry::open(&root).unwrap();
            seed.register(&bundle, request("1.0.0", &["production"]))
                .unwrap();
            drop(seed);

            let output = child(&root, &bundle, "2.0.0", "production,staging")
                .env(CRASH_ENV, point)
                .output()
                .unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                let aborted = output.status.signal() == Some(6);
                assert!(
                    aborted,
                    "{point}: child did not abort: {}",
                    describe(&output)
                );
            }

            let registry = Registry::open(&root).unwrap();
            assert_consistent(&registry);
            let production = || registry.get("production").unwrap().version.to_string();
            match registry.get("2.0.0") {
                Ok(record) => {
                    assert_eq!(point, "committed", "visible after a crash at {point}");
                    assert_same_tree(&bundle, &record.path);
                    assert_eq!(record.aliases, ["production", "staging"]);
                    assert_eq!(registry.audit_trail(None).unwrap().len(), 3);
                }
                Err(RegistryError::NotFound { .. }) => {
                    assert_ne!(point, "committed", "lost after its commit");
                    assert_eq!(production(), "1.0.0", "{point}: alias moved anyway");
                    assert!(registry.get("staging").is_err(), "{point}");
                    assert_eq!(registry.audit_trail(None).unwrap().len(), 1, "{point}");

                    let again = registry
                        .register(&bundle, request("2.0.0", &["production", "staging"]))
                        .unwrap();
                    assert_same_tree(&bundle, &again.path);
                }
                Err(other) => panic!("{point}: {other}"),
            }
            assert_eq!(production(), "2.0.0", "{point}");
            assert_eq!(
                registry
                    .previous_version("production")
                    .unwrap()
                    .unwrap()
                    .major,
                1
            );
            assert_consistent(&registry);
        }
    }

    #[test]
    fn two_processes_register_at_once_and_both_land() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write_bundle(&dir.path().join("bundle"));
        let root = dir.path().join("reg");

        let versions = |major: u32| {
            (0..5)
                .map(|minor| format!("{major}.{minor}.0"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let a = child(&root, &bundle, &versions(1), "ab-a").spawn().unwrap();
        let b = child(&root, &bundle, &versions(2), "ab-b").spawn().unwrap();
        for process in [a, b] {
            let output = process.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", describe(&output));
        }

        let registry = Registry::open(&root).unwrap();
        assert_consistent(&registry);
        assert_eq!(registry.list().unwrap().len(), 10);
        let aliases = registry.aliases().unwrap();
        assert_eq!(aliases["ab-a"].to_string(), "1.4.0");
        assert_eq!(aliases["ab-b"].to_string(), "2.4.0");
        assert_eq!(registry.audit_trail(Some("ab-b")).unwrap().len(), 5);
    }

    /// Starts a child that holds at `point`, and waits until it is there.
    fn hold_child_at(point: &str, root: &Path, bundle: &Path, flag: &Path) -> std::process::Child {
        let process = child(root, bundle, "2.0.0", "production")
            .env(CRASH_ENV, point)
            .env(HOLD_ENV, flag)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !flag.exists() {
            assert!(Instant::now() < deadline, "child never reached {point}");
            std::thread::sleep(Duration::from_millis(10));
        }
        process
    }

    #[test]
    fn an_open_never_sweeps_a_live_register() {
        for point in ["copied", "renamed"] {
            let dir = tempfile::tempdir().unwrap();
            let bundle = write_bundle(&dir.path().join("bundle"));
            let root = dir.path().join("reg");
            drop(Registry::open(&root).unwrap());
            let flag = dir.path().join("flag");
            let process = hold_child_at(point, &root, &bundle, &flag);

            // The child is copying (or between rename and commit): opening
            // now must leave its work alone, waiting for its lock if held.
            let opener = std::thread::spawn({
                let root = root.clone();
                move || Registry::open(&root)
            });
            std::thread::sleep(Duration::from_millis(300));
            if point == "renamed" {
                assert!(!opener.is_finished(), "open did not wait for the lock");
                assert!(root.join("models/2.0.0").is_dir());
            }
            std::fs::remove_file(&flag).unwrap();

            let registry = opener.join().unwrap().unwrap();
            assert!(registry.recovery().removed.is_empty(), "{point}");
            assert!(registry.recovery().orphans.is_empty(), "{point}");
            let output = process.wait_with_output().unwrap();
            assert!(output.status.success(), "{point}: {}", describe(&output));

            let record = registry.get("production").unwrap();
            assert_eq!(record.version.to_string(), "2.0.0");
            assert_same_tree(&bundle, &record.path);
            assert_consistent(&registry);
        }
    }
}
