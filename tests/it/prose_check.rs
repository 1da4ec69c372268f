//! British English prose checks through `check`: slips reported at their
//! line and column with the fix, British spellings left alone, the word
//! list and `--add-word`, and a Welsh letter not checked as English.

use crate::common::*;
use std::time::Duration;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

/// The demo letter in a scratch project, with `from` replaced by `to`.
fn planted(replacements: &[(&str, &str)]) -> (tempfile::TempDir, String) {
    let dir = project_copy();
    let path = dir.path().join("letters/cafcass-greater-london.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&path, &text).unwrap();
    (dir, text)
}

/// `file:line:column` of the first `needle` in `text`, as `check` prints it.
fn place(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not planted"));
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("letters/cafcass-greater-london.toml:{line}:{column}")
}

fn check(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = letterpress().current_dir(dir).arg("check").args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn planted_slips_are_reported_at_their_place_with_the_fix() {
    let (dir, text) = planted(&[
        (
            "Effective revised systems and processes are now in place.",
            "Effective revised systems are now in place and and we recieve an significant number of reports.",
        ),
        (
            "action = \"performance management information",
            "action = \"performance managment information",
        ),
        (
            "The changes include",
            "The organisation's programme shows behaviour, judgement, a centre, colour and a catalogue we recognise. The changes include",
        ),
    ]);
    let (code, stderr) = check(dir.path(), &["letters/cafcass-greater-london.toml"]);
    assert_eq!(code, Some(0), "warnings alone pass: {stderr}");
    for (word, fix) in [
        ("recieve", "`receive`"),
        ("managment", "`management`"),
        ("an significant", "`a significant`"),
    ] {
        let at = place(&text, word);
        let report = stderr.split("warning: ").find(|w| w.contains(&at));
        let report = report.unwrap_or_else(|| panic!("nothing at {at} for {word}:\n{stderr}"));
        assert!(report.contains(fix), "{word} without {fix}: {report}");
    }
    assert!(stderr.contains("and and"), "the repeated word: {stderr}");
    for british in ["organisation", "programme", "behaviour", "judgement", "centre", "colour"] {
        assert!(!stderr.contains(&format!("`{british}`")), "{british} reported: {stderr}");
    }
    assert!(!stderr.contains("`catalogue`") && !stderr.contains("`recognise`"), "{stderr}");
    // The first spelling warning names the word list and how to add to it.
    assert!(stderr.contains("words.txt: `letterpress check --add-word"), "{stderr}");

    let (code, _) = check(dir.path(), &["--deny-warnings", "letters/cafcass-greater-london.toml"]);
    assert_eq!(code, Some(1));
}

#[test]
fn a_word_added_to_the_word_list_is_no_longer_reported() {
    let (dir, _) = planted(&[("The changes include", "Ms Quenby said the changes include")]);
    let finding = "letters/cafcass-greater-london.toml";
    let (_, before) = check(dir.path(), &[finding]);
    assert!(before.contains("`Quenby` is not in the British English dictionary"), "{before}");
    letterpress()
        .current_dir(dir.path())
        .args(["check", "--deny-warnings", "--add-word", "Quenby", finding])
        .assert()
        .stderr(contains("added Quenby to words.txt"))
        .stderr(contains("Quenby` is not").not());
    let words = std::fs::read_to_string(dir.path().join("words.txt")).unwrap();
    assert!(words.ends_with("\nQuenby\n"), "{words}");
    // Two words, or none, are no word to add: refused, the list unchanged.
    letterpress()
        .current_dir(dir.path())
        .args(["check", "--add-word", "Ms Quenby", finding])
        .assert()
        .code(1)
        .stderr(contains("is not a word to add"));
    assert_eq!(std::fs::read_to_string(dir.path().join("words.txt")).unwrap(), words);
}

#[test]
fn a_welsh_letter_gets_no_english_remarks_and_checks_can_be_turned_off() {
    let (code, stderr) = check(&fixtures(), &["letters/sample-northmoor.cy.toml"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
    assert!(stderr.contains("1 letter in Welsh was not checked for them"), "{stderr}");

    let (dir, _) =
        planted(&[("performance management information", "performance managment information")]);
    let config = dir.path().join("letterpress.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[prose_check]\nenabled = false\n")).unwrap();
    let (_, stderr) = check(dir.path(), &["letters/cafcass-greater-london.toml"]);
    assert!(!stderr.contains("managment"), "{stderr}");
}

#[test]
fn watch_shows_the_slips_and_forgets_a_word_added_to_the_word_list() {
    let (dir, _) = planted(&[("The changes include", "Ms Quenby said the changes include")]);
    let (_child, log) =
        spawn_logged(dir.path(), &["watch", "letters/cafcass-greater-london.toml", "-o", "w.pdf"]);
    let renders = || log.lock().unwrap().matches("rendered ").count();
    // A render's warnings follow its `rendered` line.
    wait_for("the first render's warning", Duration::from_secs(20), || {
        log.lock().unwrap().contains("`Quenby` is not in the British English dictionary")
    });
    let words = dir.path().join("words.txt");
    let mut list = std::fs::read_to_string(&words).unwrap();
    list.push_str("Quenby\n");
    std::fs::write(&words, list).unwrap();
    wait_for("the render after the word list changed", Duration::from_secs(10), || renders() >= 2);
    // A third render (a save) ends the second's report.
    let finding = dir.path().join("letters/cafcass-greater-london.toml");
    std::fs::write(&finding, std::fs::read(&finding).unwrap()).unwrap();
    wait_for("the render after a save", Duration::from_secs(10), || renders() >= 3);
    let log = log.lock().unwrap();
    assert_eq!(log.matches("`Quenby` is not").count(), 1, "{log}");
}

#[test]
fn render_shows_the_slips_and_refuses_them_with_deny_warnings() {
    let (dir, text) =
        planted(&[("performance management information", "performance managment information")]);
    let finding = "letters/cafcass-greater-london.toml";
    let out =
        letterpress().current_dir(dir.path()).args(["render", finding, "-o", "a.pdf"]).output();
    let stderr = String::from_utf8(out.unwrap().stderr).unwrap();
    assert!(stderr.contains(&place(&text, "managment")), "{stderr}");
    assert!(dir.path().join("a.pdf").exists());
    letterpress()
        .current_dir(dir.path())
        .args(["render", "--deny-warnings", finding, "-o", "b.pdf"])
        .assert()
        .code(1)
        .stderr(contains("`managment` is not in the British English dictionary"));
    assert!(!dir.path().join("b.pdf").exists(), "a refused letter left a PDF");
}

#[test]
fn a_projects_own_wording_template_is_checked_once_at_its_line() {
    let dir = project_copy();
    let builtin = std::fs::read_to_string(repo().join("templates/monitoring.md.tera")).unwrap();
    let edited =
        builtin.replacen("I would like to thank you", "I would like to thank you warmley", 1);
    assert_ne!(edited, builtin);
    std::fs::write(dir.path().join("templates/monitoring.md.tera"), &edited).unwrap();
    let (code, stderr) = check(dir.path(), &["letters/"]);
    assert_eq!(code, Some(0), "{stderr}");
    let at = edited.find("warmley").unwrap();
    let line = edited[..at].matches('\n').count() + 1;
    assert!(stderr.contains(&format!("templates/monitoring.md.tera:{line}:")), "{stderr}");
    assert_eq!(stderr.matches("`warmley` is not").count(), 1, "{stderr}");
}
