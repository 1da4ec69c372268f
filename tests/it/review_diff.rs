//! `letterpress diff`: two drafts compared by the letter's structure. Each
//! test edits the demo letter one way and checks that the terminal output
//! names exactly that change; equal drafts exit 0, different ones 1, an
//! error 2.

use std::path::Path;

use crate::common::{demo_finding, letterpress, repo};

/// `diff OLD NEW`'s exit code and its list of changes (the lines between
/// the `---`/`+++` header and the first blank line).
fn diff(old: &Path, new: &Path) -> (i32, Vec<String>) {
    let output = letterpress().arg("diff").arg(old).arg(new).env("NO_COLOR", "1").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\x1b'), "colour in a pipe: {stdout}");
    let changes = stdout.lines().skip(2).take_while(|l| !l.is_empty()).map(str::to_owned).collect();
    (output.status.code().unwrap(), changes)
}

/// The demo letter with `edit` made, in a scratch project.
fn edited(edit: impl Fn(String) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let project = crate::common::project_copy();
    let path = project.path().join("letters/edited.toml");
    let text = std::fs::read_to_string(demo_finding()).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "the edit changed nothing");
    std::fs::write(&path, changed).unwrap();
    (project, path)
}

#[test]
fn the_same_letter_is_no_change_and_exits_0() {
    let (code, changes) = diff(&demo_finding(), &demo_finding());
    assert_eq!((code, changes), (0, Vec::<String>::new()));
}

#[test]
fn a_changed_judgement_is_named_with_the_summary() {
    let (_p, new) = edited(|t| {
        t.replacen(
            "[[area]] # 3\ntimescale = \"immediately\"",
            "[[area]] # 3\ntimescale = \"within 2 months\"",
            1,
        )
        .replacen("judgement = \"inadequate\"", "judgement = \"good\"", 1)
    });
    let (code, changes) = diff(&demo_finding(), &new);
    assert_eq!(code, 1);
    let area = changes.iter().find(|l| l.ends_with("inadequate → good")).expect("the judgement");
    assert!(area.starts_with("Area "), "{changes:?}");
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert!(
        changes.contains(&"Area 3: timescale immediately → within 2 months".to_owned()),
        "{changes:?}"
    );
    assert_eq!(
        changes.last().unwrap(),
        "summary: eight satisfactory, two good, two inadequate of twelve → \
         eight satisfactory, three good, one inadequate of twelve"
    );
}

#[test]
fn a_reworded_paragraph_is_shown_word_by_word() {
    let (_p, new) = edited(|t| t.replacen("Effective revised systems", "Effective new systems", 1));
    let output = letterpress().arg("diff").arg(demo_finding()).arg(&new).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout.contains("Area 2: progress reworded\n\nArea 2, progress:\n"), "{stdout}");
    assert!(stdout.contains("Effective [-revised-]{+new+} systems"), "{stdout}");
}

#[test]
fn a_changed_date_and_cc_list_are_facts() {
    let (_p, new) = edited(|t| {
        t.replacen("date = 2010-12-01", "date = 2010-12-02", 1).replacen(
            "  \"Kate Lyons, DfE\",\n",
            "  \"Kate Lyons, DfE\",\n  \"Siân Ŵyn – £ ’ “QA” 🙂\",\n",
            1,
        )
    });
    assert_eq!(
        diff(&demo_finding(), &new),
        (
            1,
            vec![
                "date: 2010-12-01 → 2010-12-02".to_owned(),
                "cc: (none) → Siân Ŵyn – £ ’ “QA” 🙂".to_owned()
            ]
        )
    );
}

#[test]
fn the_second_draft_names_exactly_its_changes() {
    let (code, changes) = diff(&demo_finding(), &repo().join("tests/fixtures/review/changed.toml"));
    assert_eq!(code, 1);
    assert_eq!(
        changes,
        [
            "cc: Kate Lyons, DfE → Sam Jones, DfE",
            "[visit] from: 2010-11-22 → 2010-11-23",
            "Area 2: progress reworded",
            "Area 3: satisfactory → good",
            "Area 5 of the old draft: removed",
            "Area 12: added",
        ]
    );
}

#[test]
fn a_file_at_a_git_revision_is_read_with_git() {
    let project = crate::common::project_copy();
    let dir = project.path();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "first draft"]);
    let letter = dir.join("letters/cafcass-greater-london.toml");
    let text = std::fs::read_to_string(&letter).unwrap();
    std::fs::write(&letter, text.replacen("date = 2010-12-01", "date = 2010-12-03", 1)).unwrap();
    let at_head = format!("{}@HEAD", letter.display());
    let (code, changes) = diff(Path::new(&at_head), &letter);
    assert_eq!((code, changes), (1, vec!["date: 2010-12-01 → 2010-12-03".to_owned()]));
    // A revision git does not know: exit 2, with git's reason.
    let output = letterpress()
        .arg("diff")
        .arg(format!("{}@nope", letter.display()))
        .arg(&letter)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at nope"));
}

#[test]
fn rendered_compares_the_printed_text() {
    let (_p, new) = edited(|t| t.replacen("date = 2010-12-01", "date = 2010-12-02", 1));
    let output =
        letterpress().args(["diff", "--rendered"]).arg(demo_finding()).arg(&new).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout.lines().skip(2).collect::<Vec<_>>(),
        ["[-01-]{+02+} December 2010"],
        "{stdout}"
    );
}

/// The demo and its second draft (tests/fixtures/review/changed.toml) in a
/// scratch project: old, new.
fn two_drafts() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let project = crate::common::project_copy();
    let new = project.path().join("letters/changed.toml");
    std::fs::copy(repo().join("tests/fixtures/review/changed.toml"), &new).unwrap();
    let old = project.path().join("letters/cafcass-greater-london.toml");
    (project, old, new)
}

/// `diff OLD NEW --format FORMAT -o OUT`, which exits 1: the drafts differ.
fn write_diff(old: &Path, new: &Path, format: &str, out: &Path) {
    letterpress()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--format", format, "-o"])
        .arg(out)
        .assert()
        .code(1);
}

#[test]
fn the_redline_pdf_lists_exactly_the_changes_and_marks_them_in_words() {
    let (project, old, new) = two_drafts();
    let pdf = project.path().join("out/changes.pdf");
    write_diff(&old, &new, "pdf", &pdf);
    let text = crate::common::pdf_text(&pdf);
    let start = text.find("What changed").unwrap();
    let end = text[start..].find("Facts").unwrap() + start;
    let listed: Vec<&str> = text[start + "What changed".len()..end]
        .lines()
        .map(|l| l.trim().trim_start_matches('•').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let (_, terminal) = diff(&old, &new);
    assert_eq!(listed, terminal, "{text}");
    let squashed = crate::office::squash(&text);
    for words in ["[inserted: Sam Jones, DfE", "[deleted: Kate Lyons, DfE", "Area 4: no change"] {
        assert!(squashed.contains(words), "{words} not in {squashed}");
    }
    // The same drafts, the same bytes.
    let first = std::fs::read(&pdf).unwrap();
    write_diff(&old, &new, "pdf", &pdf);
    assert_eq!(std::fs::read(&pdf).unwrap(), first);
}

#[test]
fn accepting_all_tracked_changes_gives_the_new_letter_and_rejecting_all_the_old() {
    let Some(office) = crate::office::Office::find() else { return };
    let (project, old, new) = two_drafts();
    let out = project.path().join("out");
    let redline = out.join("changes.docx");
    write_diff(&old, &new, "docx", &redline);
    for (path, name) in [(&old, "old.docx"), (&new, "new.docx")] {
        letterpress().arg("render").arg(path).arg("-o").arg(out.join(name)).assert().success();
    }
    let text = |name: &str| {
        std::fs::read_to_string(office.convert(&out.join(name), "txt:Text", "txt", &out)).unwrap()
    };
    let (accepted, rejected) = office.accepted_and_rejected(&redline, &out);
    use crate::office::squash;
    assert_eq!(squash(&accepted), squash(&text("new.docx")));
    assert_eq!(squash(&rejected), squash(&text("old.docx")));
}
