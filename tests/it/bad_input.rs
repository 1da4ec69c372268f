//! The catalogue of broken finding files in `tests/bad-input/`: each must be
//! rejected by `check` with exactly the recorded message (`NAME.stderr`), and
//! by `render` without writing a PDF or touching the input.
//!
//! Refresh the snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test bad_input`
//! and review the diff.

use crate::common;

use std::path::PathBuf;

use common::*;

fn catalogue() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/bad-input"))
        .expect("tests/bad-input exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_broken_file_is_explained_and_nothing_is_written() {
    let files = catalogue();
    assert!(files.len() >= 30, "only {} broken files in the catalogue", files.len());
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(repo()).unwrap();
        let before = std::fs::read(file).unwrap();

        let check = letterpress().current_dir(repo()).arg("check").arg(relative).output().unwrap();
        assert_eq!(check.status.code(), Some(1), "check {}", relative.display());
        let stderr = String::from_utf8(check.stderr).unwrap();
        assert!(stderr.contains(&relative.display().to_string()), "{stderr}");
        let snapshot = file.with_extension("stderr");
        if update {
            std::fs::write(&snapshot, &stderr).unwrap();
        } else {
            let expected = std::fs::read_to_string(&snapshot)
                .unwrap_or_else(|_| panic!("no snapshot {}", snapshot.display()));
            if expected != stderr {
                mismatches.push(format!(
                    "{}:\n--- expected\n{expected}\n--- actual\n{stderr}",
                    relative.display()
                ));
            }
        }

        let out = tempfile::tempdir().unwrap();
        letterpress()
            .current_dir(repo())
            .arg("render")
            .arg(relative)
            .arg("-o")
            .arg(out.path())
            .assert()
            .code(1);
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "{}", relative.display());
        assert_eq!(std::fs::read(file).unwrap(), before, "{} was changed", relative.display());
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

#[test]
fn five_mistakes_are_reported_in_one_run() {
    let output = letterpress()
        .current_dir(repo())
        .args(["check", "tests/bad-input/five-mistakes.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches("error:").count(), 5, "{stderr}");
    assert!(stderr.contains("5 errors"), "{stderr}");
}

#[test]
fn the_sample_letters_are_clean() {
    letterpress()
        .current_dir(fixtures())
        .args(["check", "--deny-warnings", "letters"])
        .assert()
        .success()
        .stderr(predicates::str::contains("checked 6 finding files: 0 errors, 0 warnings"));
}
