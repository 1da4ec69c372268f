//! The one gate: what `check` passes renders, and what `render` refuses
//! `check` reports with the same message and place; every construct an
//! inspector can type renders; warnings reach every command; batch follows
//! every file a letter used; commands work from any folder of the project.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::*;
use predicates::str::contains;

const DEMO: &str = "letters/cafcass-greater-london.toml";

fn demo_text() -> String {
    std::fs::read_to_string(demo_finding()).unwrap()
}

/// The lines of a report that say what is wrong and where: `error: …` and
/// `┌─ file:line:col`.
fn errors_and_places(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("error") || line.starts_with("┌─"))
        .map(str::to_owned)
        .collect()
}

/// Asserts that `render` and `check` both refuse `text` (written as
/// letters/bad.toml in a copy of the project, after `prepare` ran on it),
/// with the same errors at the same places, and returns them.
fn refused_alike(text: &str, prepare: impl Fn(&Path)) -> Vec<String> {
    let project = project_copy();
    std::fs::write(project.path().join("letters/bad.toml"), text).unwrap();
    prepare(project.path());
    let render = letterpress()
        .current_dir(project.path())
        .args(["render", "letters/bad.toml", "-o", "bad.pdf"])
        .output()
        .unwrap();
    let check = letterpress()
        .current_dir(project.path())
        .args(["check", "letters/bad.toml"])
        .output()
        .unwrap();
    assert_eq!(
        render.status.code(),
        Some(1),
        "render: {}",
        String::from_utf8_lossy(&render.stderr)
    );
    assert_eq!(check.status.code(), Some(1), "check: {}", String::from_utf8_lossy(&check.stderr));
    assert!(!project.path().join("bad.pdf").exists());
    let (rendered, checked) = (errors_and_places(&render.stderr), errors_and_places(&check.stderr));
    assert!(!rendered.is_empty());
    for line in &rendered {
        assert!(checked.contains(line), "render said {line:?}; check said {checked:#?}");
    }
    rendered
}

#[test]
fn a_final_letter_with_a_placeholder_is_refused_by_check_as_by_render() {
    let text =
        demo_text().replacen("date = 2010-12-01", "date = 2010-12-01\nstatus = \"final\"", 1);
    let text = text.replace("Her Majesty's Inspector", "TODO");
    let errors = refused_alike(&text, |_| {});
    assert!(errors.iter().any(|e| e.contains("placeholder TODO")), "{errors:?}");
}

#[test]
fn an_address_too_tall_for_the_window_is_refused_at_the_address() {
    let long = "A very long address line that wraps in the window of a DL envelope";
    let address = format!("address = [\"{long}\", \"{long}\", \"{long}\", \"London, SW1P 3BT\"]");
    let text = demo_text().replacen(
        "address = [\"6th Floor\", \"Sanctuary Buildings\", \"Great Smith Street\", \"London, SW1P 3BT\"]",
        &address,
        1,
    );
    let errors = refused_alike(&text, |_| {});
    assert!(
        errors.iter().any(|e| e.contains("the recipient's address is") && e.contains("35 mm")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("letters/bad.toml:22:")),
        "not at the address: {errors:?}"
    );
}

#[test]
fn a_template_error_is_refused_by_check_as_by_render() {
    refused_alike(&demo_text(), |project| {
        let templates = project.join("templates");
        let wording = std::fs::read_dir(&templates)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with("monitoring.") && name.ends_with(".tera") && !name.contains(".cy.")
            })
            .expect("the monitoring template");
        let mut text = std::fs::read_to_string(&wording).unwrap();
        text.push_str("\n{{ letter.no_such_field }}\n");
        std::fs::write(wording, text).unwrap();
    });
}

#[test]
fn a_control_character_in_a_name_is_refused_at_the_name() {
    let text =
        demo_text().replacen("name = \"Anthony Douglas\"", "name = \"Anthony\\u0000Douglas\"", 1);
    let errors = refused_alike(&text, |_| {});
    assert!(
        errors.iter().any(|e| e.contains("invisible control character (U+0000)")),
        "{errors:?}"
    );
}

#[test]
fn a_character_the_fonts_lack_is_refused_where_it_was_typed() {
    let text = demo_text().replacen("With a few exceptions", "With a few exceptions 😀", 1);
    let errors = refused_alike(&text, |_| {});
    let line =
        demo_text().lines().position(|l| l.starts_with("With a few exceptions")).unwrap() + 1;
    assert!(errors.iter().any(|e| e.contains(&format!("letters/bad.toml:{line}:"))), "{errors:?}");
}

#[test]
fn nested_lists_task_lists_and_other_constructs_render_and_pass_check() {
    let prose = "Intro paragraph.\n\n- one\n  - two\n    - three\n      - four\n- [ ] to do\n- [x] done\n\n\
                 1. first\n   - mixed\n2. second\n\n> quoted\n> - listed in a quote\n\n\
                 | a | b |\n|:--|--:|\n| left | right |\n\n~~struck~~ and a hard  \nbreak\n\n---\n\n\
                 A note.[^1]\n\n[^1]: The footnote.\n";
    let text = demo_text().replacen(
        "With a few exceptions",
        &format!("{prose}\nWith a few exceptions"),
        1,
    );
    let project = project_copy();
    std::fs::write(project.path().join("letters/constructs.toml"), text).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/constructs.toml"])
        .assert()
        .success();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/constructs.toml", "-o", "constructs.pdf"])
        .assert()
        .success();
    let words = words(&pdf_text(&project.path().join("constructs.pdf"))).join(" ");
    for expected in [
        "one",
        "four",
        "to do",
        "done",
        "mixed",
        "listed in a quote",
        "right",
        "struck",
        "The footnote.",
    ] {
        assert!(words.contains(expected), "{expected:?} missing from {words}");
    }
}

/// The demo with raw HTML in a prose field: a warning, not an error.
fn warned() -> tempfile::TempDir {
    let project = project_copy();
    let text = demo_text().replacen("With a few exceptions", "<b>With</b> a few exceptions", 1);
    std::fs::write(project.path().join(DEMO), text).unwrap();
    project
}

#[test]
fn warnings_reach_render_batch_and_fail_with_deny_warnings() {
    let project = warned();
    letterpress()
        .current_dir(project.path())
        .args(["render", DEMO])
        .assert()
        .success()
        .stderr(contains("warning: raw HTML"))
        .stderr(contains("letters/cafcass-greater-london.toml:"));
    letterpress()
        .current_dir(project.path())
        .args(["render", DEMO, "--deny-warnings", "-o", "denied.pdf"])
        .assert()
        .code(1);
    assert!(!project.path().join("denied.pdf").exists());
    letterpress()
        .current_dir(project.path())
        .args(["batch", "-o", "out"])
        .assert()
        .success()
        .stderr(contains("warning: raw HTML"))
        .stdout(contains("1 with warnings"));
    letterpress()
        .current_dir(project.path())
        .args(["batch", "-o", "out2", "--deny-warnings"])
        .assert()
        .code(1);
}

#[test]
fn warnings_reach_watch() {
    let project = warned();
    let (_child, log) = spawn_logged(project.path(), &["watch", DEMO, "-o", "watched.pdf"]);
    // The warning itself is the event: it may be printed after "rendered".
    wait_for("the warning", Duration::from_secs(30), || {
        log.lock().unwrap().contains("warning: raw HTML")
    });
}

#[test]
fn batch_renders_again_when_a_signature_image_or_a_project_font_changes() {
    let project = project_copy();
    let image = sign_with_image(project.path());
    let batch = || {
        letterpress().current_dir(project.path()).args(["batch", "-o", "out"]).assert().success()
    };
    batch().stdout(contains("1 rendered, 0 unchanged"));
    batch().stdout(contains("0 rendered, 1 unchanged"));
    std::fs::copy(repo().join("docs/serve-preview.png"), &image).unwrap();
    batch().stdout(contains("1 rendered, 0 unchanged"));
    std::fs::create_dir_all(project.path().join("fonts")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/fonts/LiberationSerif-Regular.ttf"),
        project.path().join("fonts/LiberationSerif-Regular.ttf"),
    )
    .unwrap();
    batch().stdout(contains("1 rendered, 0 unchanged"));
    batch().stdout(contains("0 rendered, 1 unchanged"));
}

#[test]
fn a_project_without_templates_works_in_every_command() {
    let project = project_copy();
    std::fs::remove_dir_all(project.path().join("templates")).unwrap();
    letterpress().current_dir(project.path()).args(["check"]).assert().success();
    letterpress()
        .current_dir(project.path())
        .args(["render", DEMO, "-o", "a.pdf"])
        .assert()
        .success();
    letterpress()
        .current_dir(project.path())
        .args(["batch", "-o", "out"])
        .assert()
        .success()
        .stdout(contains("1 rendered"));
}

#[test]
fn check_and_batch_from_inside_letters_use_the_projects_letters() {
    let project = project_copy();
    let letters = project.path().join("letters");
    letterpress()
        .current_dir(&letters)
        .arg("check")
        .assert()
        .success()
        .stderr(contains("checked 1 finding file"));
    letterpress()
        .current_dir(&letters)
        .arg("batch")
        .assert()
        .success()
        .stdout(contains("1 rendered"));
    assert!(project.path().join("out/cafcass-greater-london.pdf").is_file());
    // Paths in messages are the project's, from any folder inside it.
    std::fs::write(letters.join("broken.toml"), "date = 27/11/2010\n").unwrap();
    letterpress()
        .current_dir(&letters)
        .arg("check")
        .assert()
        .code(1)
        .stderr(contains("letters/broken.toml"));
}
