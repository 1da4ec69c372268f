//! A panic is never the end of the work: a letter that makes letterpress
//! panic (a bug) is one failed letter, `watch` and `serve` keep running, and
//! a closed standard output ends a command quietly. The panic is made by the
//! debug build's test-only trigger: a finding file holding the text of
//! `LETTERPRESS_PANIC_ON` panics when it is read.

use crate::common;

use std::time::Duration;

use common::*;
use predicates::str::contains;

/// Text no letter holds but the one made to panic.
const MARKER: &str = "PANIC-HERE";

#[test]
fn a_letter_that_panics_is_one_failed_letter_in_a_batch() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::write(letters.join("copy.toml"), &demo).unwrap();
    std::fs::write(letters.join("panics.toml"), format!("# {MARKER}\n{demo}")).unwrap();
    letterpress()
        .current_dir(project.path())
        .env("LETTERPRESS_PANIC_ON", MARKER)
        .args(["batch", "letters", "-o", "out", "--jobs", "2"])
        .assert()
        .code(1)
        .stderr(contains("FAILED letters/panics.toml"))
        .stderr(contains("a bug, not a mistake in the file"))
        .stderr(contains("please report it"))
        .stdout(contains("2 rendered, 0 unchanged, 1 failed"));
    let out = project.path().join("out");
    assert!(out.join("cafcass-greater-london.pdf").is_file());
    assert!(out.join("copy.pdf").is_file());
    let written: Vec<_> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(
        !written
            .iter()
            .any(|n| n.to_string_lossy().starts_with("panics")
                || n.to_string_lossy().ends_with(".tmp")),
        "{written:?}"
    );
}

#[test]
fn check_and_render_report_a_panic_as_an_internal_error() {
    let project = project_copy();
    let demo = project.path().join("letters/cafcass-greater-london.toml");
    let text = std::fs::read_to_string(&demo).unwrap();
    std::fs::write(&demo, format!("# {MARKER}\n{text}")).unwrap();
    for command in ["check", "render"] {
        letterpress()
            .current_dir(project.path())
            .env("LETTERPRESS_PANIC_ON", MARKER)
            .args([command, "letters/cafcass-greater-london.toml"])
            .assert()
            .code(1)
            .stderr(contains("a bug, not a mistake in the file"));
    }
    assert!(!project.path().join("out").exists());
}

#[test]
fn watch_shows_a_panic_and_keeps_running() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let (_child, log) = spawn_logged_with(
        project.path(),
        &["watch", "letters/cafcass-greater-london.toml", "-o", "watched.pdf"],
        &[("LETTERPRESS_PANIC_ON", MARKER)],
    );
    let renders = || log.lock().unwrap().matches("rendered ").count();
    wait_for("the first render", Duration::from_secs(20), || renders() >= 1);
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, format!("# {MARKER}\n{original}")).unwrap();
    wait_for("the internal error", Duration::from_secs(5), || {
        log.lock().unwrap().contains("a bug, not a mistake in the file")
    });
    std::fs::write(&finding, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    wait_for("the render after the fix", Duration::from_secs(5), || renders() >= 2);
    assert!(pdf_text(&project.path().join("watched.pdf")).contains("Dear Dr Douglas"));
}

#[test]
fn serve_shows_a_panic_on_the_page_and_keeps_running() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let (_child, log) = spawn_logged_with(
        project.path(),
        &["serve", "letters/cafcass-greater-london.toml", "--port", "0"],
        &[("LETTERPRESS_PANIC_ON", MARKER)],
    );
    let renders = || log.lock().unwrap().matches("rendered ").count();
    wait_for("the first render", Duration::from_secs(20), || renders() >= 1);
    let port: u16 = {
        let log = log.lock().unwrap();
        let at = log.find("http://127.0.0.1:").unwrap() + "http://127.0.0.1:".len();
        log[at..].split('/').next().unwrap().parse().unwrap()
    };
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, format!("# {MARKER}\n{original}")).unwrap();
    wait_for("the internal error", Duration::from_secs(5), || {
        log.lock().unwrap().contains("a bug, not a mistake in the file")
    });
    assert!(crate::serve::html(port, "/").contains("a bug, not a mistake in the file"));
    std::fs::write(&finding, &original).unwrap();
    wait_for("the render after the fix", Duration::from_secs(5), || renders() >= 2);
    assert!(!crate::serve::html(port, "/").contains("a bug, not a mistake in the file"));
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    for args in [&["templates"][..], &["completions", "bash"]] {
        // The reader is gone before letterpress writes: every write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
            .current_dir(fixtures())
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
