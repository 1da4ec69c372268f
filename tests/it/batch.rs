//! `letterpress batch`: many letters, failures isolated, unchanged letters
//! skipped.

use crate::common;

use std::path::Path;

use common::*;
use predicates::str::contains;

/// A project with the demo letter three times (one in a subfolder) and two
/// broken finding files among them.
fn project_with_letters() -> tempfile::TempDir {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::create_dir_all(letters.join("south")).unwrap();
    std::fs::write(letters.join("south/copy.toml"), &demo).unwrap();
    std::fs::write(letters.join("zz-copy.toml"), &demo).unwrap();
    std::fs::write(letters.join("broken-syntax.toml"), "date = 2010-12-01\n[recipient\n").unwrap();
    std::fs::write(
        letters.join("south/broken-judgement.toml"),
        demo.replacen("judgement = \"good\"", "judgement = \"brilliant\"", 1),
    )
    .unwrap();
    // Not finding files: skipped.
    std::fs::write(letters.join("notes.txt"), "not a letter").unwrap();
    std::fs::create_dir_all(letters.join(".drafts")).unwrap();
    std::fs::write(letters.join(".drafts/hidden.toml"), "broken").unwrap();
    project
}

fn files_named(dir: &Path, suffix: &str) -> Vec<String> {
    walk(dir)
        .into_iter()
        .filter(|p| p.ends_with(suffix))
        .map(|p| p.strip_prefix(&format!("{}/", dir.display())).unwrap_or(&p).to_owned())
        .collect()
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn one_bad_letter_never_stops_the_others() {
    let project = project_with_letters();
    letterpress()
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "2"])
        .assert()
        .code(1)
        .stderr(contains("FAILED letters/broken-syntax.toml"))
        .stderr(contains("FAILED letters/south/broken-judgement.toml"))
        .stderr(contains("`brilliant` is not a judgement"))
        .stderr(contains("letters/broken-syntax.toml:2:"))
        .stdout(contains("3 rendered, 0 unchanged, 2 failed"));
    let out = project.path().join("out");
    assert_eq!(
        files_named(&out, ".pdf"),
        ["cafcass-greater-london.pdf", "south/copy.pdf", "zz-copy.pdf"]
    );
    for pdf in files_named(&out, ".pdf") {
        let text = pdf_text(&out.join(pdf));
        assert!(text.contains("Area for improvement 12"));
    }
    let leftovers: Vec<_> =
        walk(project.path()).into_iter().filter(|p| p.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn unchanged_letters_are_skipped_and_template_changes_rerender() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::write(letters.join("second.toml"), &demo).unwrap();
    let batch = || {
        let mut cmd = letterpress();
        cmd.current_dir(project.path()).args(["batch", "letters", "-o", "out"]);
        cmd
    };
    batch().assert().success().stdout(contains("2 rendered, 0 unchanged, 0 failed"));
    batch().assert().success().stdout(contains("0 rendered, 2 unchanged, 0 failed"));

    // A changed finding re-renders only that letter.
    std::fs::write(letters.join("second.toml"), demo.replace("Dear Mr Douglas", "Dear Anthony"))
        .unwrap();
    batch().assert().success().stdout(contains("1 rendered, 1 unchanged, 0 failed"));
    let text = pdf_text(&project.path().join("out/second.pdf"));
    assert!(text.contains("Dear Anthony"));

    // A changed template re-renders every letter.
    let template = project.path().join("templates/monitoring.md.tera");
    let wording = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, wording.replace("I would like to thank", "We would like to thank"))
        .unwrap();
    batch().assert().success().stdout(contains("2 rendered, 0 unchanged, 0 failed"));
    assert!(pdf_text(&project.path().join("out/second.pdf")).contains("We would like to thank"));

    // A deleted PDF is rendered again; --force renders everything.
    std::fs::remove_file(project.path().join("out/second.pdf")).unwrap();
    batch().assert().success().stdout(contains("1 rendered, 1 unchanged, 0 failed"));
    batch().arg("--force").assert().success().stdout(contains("2 rendered, 0 unchanged, 0 failed"));
}

#[test]
fn an_empty_folder_says_so() {
    let project = project_copy();
    std::fs::create_dir_all(project.path().join("empty")).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["batch", "empty"])
        .assert()
        .success()
        .stderr(contains("no finding files"));
}

#[test]
fn ctrl_c_leaves_only_whole_pdfs() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    for i in 0..150 {
        std::fs::write(letters.join(format!("copy-{i:03}.toml")), &demo).unwrap();
    }
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "2", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first PDFs appear, then interrupt mid-run.
    let out = project.path().join("out");
    let started = std::time::Instant::now();
    while files_named(&out, ".pdf").len() < 3 && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    assert!(stdout.contains("not started (interrupted)"), "{stdout}");
    let pdfs = files_named(&out, ".pdf");
    assert!(pdfs.len() < 151, "the run was not interrupted");
    for pdf in &pdfs {
        let bytes = std::fs::read(out.join(pdf)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{pdf} is not a PDF");
        assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"), "{pdf} is cut short");
    }
    let leftovers: Vec<_> =
        walk(project.path()).into_iter().filter(|p| p.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The next run renders only what the interrupted one did not.
    letterpress()
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out"])
        .assert()
        .success()
        .stdout(contains(format!("{} unchanged", pdfs.len())));
}

#[test]
fn all_sample_letters_render() {
    let (out, report) = render_samples();
    assert!(report.contains("6 rendered, 0 unchanged, 0 failed"), "{report}");
    for name in ["cafcass-greater-london", "sample-northmoor", "sample-southfield"] {
        let text = pdf_text(&out.path().join(format!("{name}.pdf")));
        assert!(text.contains("Yours sincerely"), "{name}");
    }
    // The Welsh sample is bilingual: the Welsh letter, then the English one.
    let text = words(&pdf_text(&out.path().join("sample-northmoor.cy.pdf"))).join(" ");
    let (welsh, english) = text.split_once("03 February 2012").expect("the English date line");
    assert!(welsh.contains("3 Chwefror 2012") && welsh.contains("o fewn chwe wythnos, sicrhau"));
    assert!(welsh.contains("a nododd un maes i'w wella."), "{welsh}");
    assert!(welsh.contains("Yn gywir") && english.contains("Yours sincerely"));
}

#[test]
fn the_report_ends_on_stdout_with_the_failed_letters_and_names_stale_pdfs() {
    let project = project_with_letters();
    let letters = project.path().join("letters");
    let batch = || {
        letterpress()
            .current_dir(project.path())
            .args(["batch", "letters", "-o", "out", "--jobs", "2"])
            .output()
            .unwrap()
    };
    batch();
    // A letter that rendered before and now fails leaves a stale PDF.
    std::fs::write(letters.join("zz-copy.toml"), "date = 2010-12-01\n[recipient\n").unwrap();
    let output = batch();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let summary = lines.iter().position(|l| l.contains(" rendered, ")).expect("the summary");
    let rest: Vec<&str> =
        lines[summary + 1..].iter().copied().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(
        rest,
        [
            "failed: letters/broken-syntax.toml",
            "failed: letters/south/broken-judgement.toml",
            "failed: letters/zz-copy.toml",
        ],
        "{stdout}"
    );
    assert!(stdout.contains("stale: out/zz-copy.pdf is from an earlier run"), "{stdout}");
}

#[test]
fn an_error_every_letter_shares_is_shown_once() {
    let project = project_with_letters();
    let template = project.path().join("templates/monitoring.md.tera");
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("\n{{ letter.no_such_field }}\n");
    std::fs::write(&template, text).unwrap();
    let output = letterpress()
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--jobs", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("(the same error for 3 letters)"), "{stderr}");
    assert_eq!(stderr.matches("is not defined").count(), 1, "{stderr}");
}

#[test]
fn a_finding_file_notepad_saved_as_toml_txt_is_named_not_skipped() {
    let project = project_copy();
    let letters = project.path().join("letters");
    std::fs::rename(letters.join("cafcass-greater-london.toml"), letters.join("notes.toml.txt"))
        .unwrap();
    for command in ["check", "batch"] {
        letterpress()
            .current_dir(project.path())
            .args([command, "letters"])
            .assert()
            .code(1)
            .stderr(contains("letters/notes.toml.txt"))
            .stderr(contains("rename it to notes.toml"));
    }
}
