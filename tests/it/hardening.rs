//! Hostile and faulty input: files outside the project, pipes and devices,
//! limits, terminal escapes, link schemes, the preview's HTTP, and batch
//! under concurrent runs, edits and signals.

use crate::common;

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use common::*;
use predicates::prelude::*;
use predicates::str::contains;

fn demo_text() -> String {
    std::fs::read_to_string(demo_finding()).unwrap()
}

/// The demo letter in a scratch project with `translation = "{path}"`.
fn with_translation(path: &str) -> tempfile::TempDir {
    let project = project_copy();
    let text = demo_text().replacen(
        "\n[recipient]",
        &format!("\ntranslation = \"{path}\"\n\n[recipient]"),
        1,
    );
    std::fs::write(project.path().join("letters/cafcass-greater-london.toml"), text).unwrap();
    project
}

#[test]
fn a_translation_outside_the_project_is_refused_unread() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "password = \"hunter2\"\n").unwrap();
    let project = with_translation(&secret.display().to_string());
    for command in ["render", "check"] {
        letterpress()
            .current_dir(project.path())
            .args([command, "letters/cafcass-greater-london.toml"])
            .timeout(Duration::from_secs(60))
            .assert()
            .code(1)
            .stderr(contains("is outside the project folder"))
            .stderr(contains("hunter2").not());
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_a_device_as_translation_fails_at_once() {
    let project = with_translation("pipe.toml");
    let made =
        Process::new("mkfifo").arg(project.path().join("letters/pipe.toml")).status().unwrap();
    assert!(made.success());
    for command in ["render", "check", "batch"] {
        let target =
            if command == "batch" { "letters" } else { "letters/cafcass-greater-london.toml" };
        letterpress()
            .current_dir(project.path())
            .args([command, target])
            .timeout(Duration::from_secs(60))
            .assert()
            .code(1)
            .stderr(contains("is a named pipe, not a file"));
    }
    // /dev/zero is outside the project, and a device: never read.
    let project = with_translation("/dev/zero");
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(contains("/dev/zero"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_template_is_used_inside_and_refused_outside() {
    let project = project_copy();
    let templates = project.path().join("templates");
    let wording = std::fs::read_to_string(templates.join("monitoring.md.tera")).unwrap();
    std::fs::write(
        project.path().join("house.md.tera"),
        wording.replace("I would like to thank", "We would like to thank"),
    )
    .unwrap();
    std::fs::remove_file(templates.join("monitoring.md.tera")).unwrap();
    std::os::unix::fs::symlink(
        project.path().join("house.md.tera"),
        templates.join("monitoring.md.tera"),
    )
    .unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml", "-o", "out.pdf"])
        .assert()
        .success();
    assert!(pdf_text(&project.path().join("out.pdf")).contains("We would like to thank"));

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("evil.md.tera"), "outside").unwrap();
    std::fs::remove_file(templates.join("monitoring.md.tera")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("evil.md.tera"),
        templates.join("monitoring.md.tera"),
    )
    .unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml", "-o", "out.pdf"])
        .assert()
        .code(1)
        .stderr(contains("is outside the project folder"));
}

#[test]
fn a_finding_file_over_the_size_limit_is_refused_with_both_sizes() {
    let project = project_copy();
    let big = format!("{}\n# {}\n", demo_text(), "padding ".repeat(80_000));
    std::fs::write(project.path().join("letters/big.toml"), big).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/big.toml"])
        .assert()
        .code(1)
        .stderr(contains("more than the 512 KB letterpress reads for a finding file"));
}

#[test]
fn too_many_areas_are_refused_naming_the_limit() {
    let project = project_copy();
    let text = demo_text();
    let first_area = &text[text.find("[[area]]").unwrap()..];
    let one = &first_area[..first_area[8..].find("[[area]]").unwrap() + 8];
    let many = format!("{text}\n{}", one.repeat(50));
    std::fs::write(project.path().join("letters/many.toml"), many).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/many.toml"])
        .assert()
        .code(1)
        .stderr(contains("the letter has 62 areas for improvement; at most 50 fit in a letter"));
}

#[test]
fn control_characters_in_a_file_reach_the_terminal_escaped() {
    let project = project_copy();
    let text =
        demo_text().replacen("\n[recipient]", "\n\"\\u001b]0;PWNED\\u0007\" = 1\n\n[recipient]", 1);
    std::fs::write(project.path().join("letters/escape.toml"), text).unwrap();
    let output = letterpress()
        .current_dir(project.path())
        .args(["check", "letters/escape.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}]0;PWNED\\u{7}"), "{stderr}");
}

#[test]
fn a_file_with_old_mac_line_ends_gives_a_bounded_report() {
    let project = project_copy();
    std::fs::write(project.path().join("letters/cr.toml"), demo_text().replace('\n', "\r"))
        .unwrap();
    let output = letterpress()
        .current_dir(project.path())
        .args(["check", "letters/cr.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stderr.len() < 20_000, "{} bytes of errors", output.stderr.len());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("end with a carriage return alone"), "{stderr}");
    assert!(stderr.contains("1 error"), "one error, not one per line: {stderr}");
}

#[test]
fn links_other_than_web_mail_and_phone_are_printed_as_text() {
    let project = project_copy();
    let text = demo_text().replacen(
        "progress = \"\"\"",
        "progress = \"\"\"\nSee [the notes](javascript:alert(1)) and [this](file:///etc/passwd) and [the site](https://www.gov.uk).\n",
        1,
    );
    std::fs::write(project.path().join("letters/links.toml"), text).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/links.toml"])
        .assert()
        .stderr(contains("the link `javascript:alert(1)` is not a web, e-mail or phone address"));
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/links.toml", "-o", "links.pdf"])
        .assert()
        .success();
    let pdf = std::fs::read(project.path().join("links.pdf")).unwrap();
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"javascript:") && !has(b"file:///"), "a dangerous link reached the PDF");
    assert!(has(b"https://www.gov.uk"), "the web link is kept");
}

fn batch(project: &Path) -> assert_cmd::assert::Assert {
    letterpress().current_dir(project).args(["batch", "letters", "-o", "out"]).assert()
}

#[test]
fn a_pdf_that_no_longer_matches_its_letter_is_rendered_again() {
    let project = project_copy();
    let letter = project.path().join("letters/cafcass-greater-london.toml");
    let demo = demo_text();
    batch(project.path()).success().stdout(contains("1 rendered, 0 unchanged"));
    // Rendered by hand after an edit into the batch's output, then reverted.
    std::fs::write(&letter, demo.replace("Dear Mr Douglas", "Dear Anthony")).unwrap();
    letterpress()
        .current_dir(project.path())
        .args([
            "render",
            "letters/cafcass-greater-london.toml",
            "-o",
            "out/cafcass-greater-london.pdf",
        ])
        .assert()
        .success();
    std::fs::write(&letter, &demo).unwrap();
    batch(project.path()).success().stdout(contains("1 rendered, 0 unchanged"));
    assert!(
        pdf_text(&project.path().join("out/cafcass-greater-london.pdf"))
            .contains("Dear Mr Douglas")
    );
    batch(project.path()).success().stdout(contains("0 rendered, 1 unchanged"));
}

#[test]
fn a_second_batch_into_the_same_output_is_refused_at_once() {
    let project = project_copy();
    let letters = project.path().join("letters");
    for i in 0..60 {
        std::fs::write(letters.join(format!("copy-{i:02}.toml")), demo_text()).unwrap();
    }
    let first = Process::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "1", "--quiet"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = project.path().join("out/.letterpress-lock");
    let started = Instant::now();
    while !lock.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    letterpress()
        .current_dir(project.path().join("letters"))
        .args(["batch", ".", "-o", "../out"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(3)
        .stderr(contains("another batch is writing to"));
    let mut first = first;
    assert!(first.wait().unwrap().success());
}

#[test]
fn an_unwritable_output_is_found_before_any_letter_is_typeset() {
    let project = project_copy();
    std::fs::write(project.path().join("out"), "a file, not a folder").unwrap();
    batch(project.path()).code(3).stderr(contains("cannot write"));
}

/// Runs a batch of 300 letters, stops it with `signal` once some are
/// written, and returns how many PDFs it wrote and how many the next run
/// found unchanged.
#[cfg(unix)]
fn stopped_then_resumed(signal: &str) -> (usize, usize, Option<i32>) {
    let project = project_copy();
    let letters = project.path().join("letters");
    for i in 0..300 {
        std::fs::write(letters.join(format!("copy-{i:03}.toml")), demo_text()).unwrap();
    }
    // One letter at a time, so the run is still going when it is stopped.
    let child = Process::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "1", "--quiet"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = project.path().join("out");
    let pdfs = || {
        std::fs::read_dir(&out).map_or(0, |dir| {
            dir.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "pdf")).count()
        })
    };
    // Past the first save of progress (its manifest on disk), then stop it.
    let progress = out.join(".letterpress-manifest.toml");
    wait_for("saved progress", Duration::from_secs(60), || pdfs() >= 10 && progress.exists());
    let status = Process::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let code = child.wait_with_output().unwrap().status.code();
    let written = pdfs();
    let rerun = batch(project.path()).success();
    let stdout = String::from_utf8_lossy(&rerun.get_output().stdout).into_owned();
    let unchanged = stdout
        .split(" unchanged")
        .next()
        .and_then(|before| before.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stdout}"));
    (written, unchanged, code)
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_stop_a_batch_like_ctrl_c_and_keep_its_work() {
    for signal in ["-TERM", "-HUP"] {
        let (written, unchanged, code) = stopped_then_resumed(signal);
        assert_eq!(code, Some(130), "{signal}");
        assert!(written < 300, "{signal}: the run was not stopped");
        assert_eq!(unchanged, written, "{signal}: finished letters were rendered again");
    }
}

#[cfg(unix)]
#[test]
fn kill_9_loses_at_most_the_last_moment_of_a_batch() {
    let (written, unchanged, code) = stopped_then_resumed("-KILL");
    assert_eq!(code, None, "killed by the signal");
    assert!(unchanged > 0, "all {written} letters were rendered again");
    assert!(unchanged <= written);
}

/// A stop signal ends a running batch promptly, however many letters are
/// left: once the batch has said it rendered its first letter, SIGTERM
/// ends it (the letter in flight finished, the rest skipped) well within
/// 10 s, where the whole run takes minutes.
#[cfg(unix)]
#[test]
fn sigterm_ends_a_running_batch_promptly() {
    use std::io::BufRead;
    let project = project_copy();
    let letters = project.path().join("letters");
    for i in 0..200 {
        std::fs::write(letters.join(format!("copy-{i:03}.toml")), demo_text()).unwrap();
    }
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.by_ref().map_while(Result::ok).find(|line| line.starts_with("rendered "));
    assert!(first.is_some(), "the batch ended before it rendered a letter");
    let pid = child.id().to_string();
    assert!(Process::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    // Drain its stderr so it never waits on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).count());
    let (sender, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait().map(|status| status.code())));
    match ended.recv_timeout(Duration::from_secs(10)) {
        Ok(code) => assert_eq!(code.unwrap(), Some(130)),
        Err(_) => {
            let _ = Process::new("kill").args(["-KILL", &pid]).status();
            panic!("the batch was still running 10 s after SIGTERM");
        }
    }
}
