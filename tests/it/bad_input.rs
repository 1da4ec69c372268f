//! The catalogue of broken finding files in `tests/bad-input/`: each must be
//! rejected by `check` with exactly the recorded message (`NAME.stderr`), and
//! by `render` without writing a PDF or touching the input.
//!
//! Refresh the snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test it bad_input`
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

/// What the parser calls things, which an inspector should never read.
const JARGON: &[&str] = &[
    "variant",
    "basic string",
    "unquoted key",
    "expected newline",
    "must be quoted",
    "duplicate key",
    "invalid type",
    "sequence",
    "datetime",
    "literal string",
    "stream did not contain",
];

#[test]
fn no_message_uses_the_parser_s_words() {
    for file in catalogue() {
        let snapshot = std::fs::read_to_string(file.with_extension("stderr")).unwrap();
        // The quoted lines of the file are the user's own words.
        let said: Vec<&str> = snapshot.lines().filter(|l| !l.contains(" │ ")).collect();
        for word in JARGON {
            assert!(
                !said.iter().any(|l| l.contains(word)),
                "{}: {word:?} in\n{snapshot}",
                file.display()
            );
        }
    }
}

#[test]
fn mistakes_in_how_the_file_is_written_name_their_line_and_a_fix() {
    let readme = std::fs::read_to_string(repo().join("tests/bad-input/README.md")).unwrap();
    let section = readme.split("Mistakes in how the file is written").nth(1).unwrap();
    let names: Vec<&str> =
        section.lines().filter_map(|l| l.strip_prefix("- `")?.split('`').next()).collect();
    assert!(names.len() >= 20, "only {} such mistakes", names.len());
    for name in names {
        let snapshot = std::fs::read_to_string(
            repo().join("tests/bad-input").join(name).with_extension("stderr"),
        )
        .unwrap();
        assert!(snapshot.contains(&format!("┌─ tests/bad-input/{name}:")), "no line:\n{snapshot}");
        assert!(snapshot.contains("= hint: "), "no fix:\n{snapshot}");
    }
}

#[test]
fn a_text_block_never_closed_is_one_error_at_the_line_that_opened_it() {
    let snapshot =
        std::fs::read_to_string(repo().join("tests/bad-input/text-block-never-closed.stderr"))
            .unwrap();
    assert_eq!(snapshot.matches("error:").count(), 1, "{snapshot}");
    assert!(snapshot.contains("the text block opened on line 38 with \"\"\" is never closed"));
    assert!(snapshot.contains("text-block-never-closed.toml:38:"), "{snapshot}");
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
