//! `letterpress render` end to end: the real binary on real finding files,
//! checked through the text of the PDF it writes.

use crate::common;

use common::*;
use predicates::str::contains;

#[test]
fn similarity_matches_difflib() {
    let w = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    // Expected values computed with Python's difflib.SequenceMatcher.
    assert_eq!(similarity(&w("a b c d"), &w("a b c d")), 1.0);
    assert!((similarity(&w("a b c d"), &w("a x c d")) - 0.75).abs() < 1e-9);
    assert!((similarity(&w("one two three"), &w("three two one")) - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn demo_letter_reproduces_the_exemplar() {
    // The repository's own demo, with its own config: what the README renders.
    let demo = repo().join("letters/cafcass-greater-london.toml");
    let out = tempfile::tempdir().unwrap();
    letterpress().arg("render").arg(demo).arg("-o").arg(out.path()).assert().success();
    let pdf = out.path().join("cafcass-greater-london.pdf");
    let text = pdf_text(&pdf);
    let exemplar = std::fs::read_to_string(repo().join("tests/fixtures/exemplar.txt")).unwrap();
    let score = similarity(&words(&text), &words(&exemplar));
    println!("word similarity with the exemplar: {score:.4}");
    assert!(score >= 0.98, "similarity {score:.4} is below 0.98");

    let flat = words(&text).join(" ");
    for n in 1..=12 {
        assert!(flat.contains(&format!("Area for improvement {n}:")), "heading {n} missing");
    }
    for (judgement, count) in [("Satisfactory", 8), ("Good", 2), ("Inadequate", 2)] {
        let sentence =
            format!("{judgement} progress has been made by Cafcass on this area for improvement.");
        assert_eq!(flat.matches(&sentence).count(), count, "{sentence}");
    }
    assert!(flat.contains(
        "Ofsted judges that satisfactory progress has been made in eight of the twelve areas \
         for improvement, good progress in two and inadequate progress in two. Taken together, \
         this represents satisfactory progress overall."
    ));
    assert!(flat.contains("identified twelve areas for improvement"));
    for cc in ["Annabel Burns, DfE", "Kate Lyons, DfE", "Peter Coupe Head of Service"] {
        assert!(flat.contains(cc), "cc {cc} missing");
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let out = tempfile::tempdir().unwrap();
    let first = out.path().join("first.pdf");
    let second = out.path().join("second.pdf");
    for target in [&first, &second] {
        letterpress().arg("render").arg(demo_finding()).arg("-o").arg(target).assert().success();
    }
    assert_eq!(std::fs::read(first).unwrap(), std::fs::read(second).unwrap());
}

#[test]
fn typst_syntax_in_a_field_is_printed_verbatim() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let hostile = r#"#read("/etc/passwd") $x$ @ref <l> *b* _i_ \ [a] ~"#;
    // In Markdown prose `*`, `_` and `\` mean emphasis and escapes, so the
    // prose check uses the characters that mean nothing to Markdown.
    let hostile_prose = r#"#read("/etc/passwd") $x$ @ref <l> // [a] ~ #include "/x.typ""#;
    let original = std::fs::read_to_string(&finding).unwrap();
    let edited = original.replace("\"Anthony Douglas\"", &format!("'{hostile}'"));
    // Turn the first `reported` into a literal string that starts with the prose.
    let opening = "reported = \"\"\"\n";
    let start = edited.find(opening).unwrap();
    let body = start + opening.len();
    let end = body + edited[body..].find("\"\"\"").unwrap();
    let literal = "'''";
    let edited = format!(
        "{}reported = {literal}\n{hostile_prose} {}{literal}{}",
        &edited[..start],
        &edited[body..end],
        &edited[end + 3..]
    );
    std::fs::write(&finding, edited).unwrap();

    let pdf = project.path().join("out.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().success();
    let text = words(&pdf_text(&pdf)).join(" ");
    assert_eq!(text.matches(hostile).count(), 1, "plain field not verbatim in:\n{text}");
    assert_eq!(text.matches(hostile_prose).count(), 1, "prose not verbatim in:\n{text}");
    assert!(!text.contains("root:x:0:0"), "a file was read into the letter");
}

#[test]
fn malformed_toml_names_file_and_line() {
    let project = project_copy();
    let finding = project.path().join("letters/bad.toml");
    std::fs::write(&finding, "date = 2010-12-01\n[recipient\nname = \"x\"\n").unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/bad.toml"])
        .assert()
        .code(1)
        .stderr(contains("letters/bad.toml:2:"));
    assert!(!project.path().join("out").exists());
}

#[test]
fn unknown_judgement_lists_the_allowed_values() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, original.replacen("judgement = \"good\"", "judgement = \"great\"", 1))
        .unwrap();
    let line = original.lines().position(|l| l == "judgement = \"good\"").unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains(format!("letters/cafcass-greater-london.toml:{line}:13")))
        .stderr(contains("`great` is not a judgement"))
        .stderr(contains("`satisfactory`"));
    assert!(!project.path().join("out").exists());
}

#[test]
fn missing_field_is_named() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, original.replace("salutation = \"Dear Mr Douglas\"\n", "")).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("letters/cafcass-greater-london.toml:"))
        .stderr(contains("missing field `salutation`"));
    assert!(!project.path().join("out").exists());
}

#[test]
fn missing_file_is_reported() {
    let project = project_copy();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/nope.toml"])
        .assert()
        .code(1)
        .stderr(contains("letters/nope.toml"))
        .stderr(contains("cannot read"));
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_failed_render_keeps_the_previous_pdf() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let pdf = project.path().join("letter.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().success();
    let before = std::fs::read(&pdf).unwrap();
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, original.replace("overall = \"satisfactory\"", "overall = 3"))
        .unwrap();
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().code(1);
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn template_errors_name_the_template_line() {
    let project = project_copy();
    let template = project.path().join("templates/monitoring.md.tera");
    let original = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        original.replace("letter.recipient.salutation", "letter.recipient.salute"),
    )
    .unwrap();
    let line =
        original.lines().position(|l| l.contains("letter.recipient.salutation")).unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("Field `salute` is not defined"))
        .stderr(contains(format!("templates/monitoring.md.tera:{line}:")));
    assert!(!project.path().join("out").exists());
}

#[test]
fn layout_errors_name_the_layout_line() {
    let project = project_copy();
    let layout = project.path().join("templates/layout.typ");
    let original = std::fs::read_to_string(&layout).unwrap();
    std::fs::write(&layout, original.replace("strong(name)", "strong(nmae)")).unwrap();
    let line = original.lines().position(|l| l.contains("strong(name)")).unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("unknown variable: nmae"))
        .stderr(contains(format!("templates/layout.typ:{line}:")));
    assert!(!project.path().join("out").exists());
}

/// Today's date as the scaffold writes it, read from `date -u`.
fn today() -> String {
    let out = std::process::Command::new("date").args(["-u", "+%Y-%m-%d"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn new_scaffolds_a_finding_that_asks_for_every_choice_and_never_overwrites() {
    let project = project_copy();
    let run = |path: &str| {
        let mut cmd = letterpress();
        cmd.current_dir(project.path()).args(["new", path, "--areas", "2"]);
        cmd
    };
    let before = today();
    run("letters/drafts/north").assert().success().stderr(contains("letters/drafts/north.toml"));
    let after = today();
    let path = project.path().join("letters/drafts/north.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    // First an editor's pointer to the schema, which `new` wrote if missing.
    assert!(written.starts_with("#:schema ../../schemas/monitoring.schema.json\n\n#"), "{written}");
    assert!(project.path().join("schemas/monitoring.schema.json").is_file());
    let date = written.lines().find(|l| l.starts_with("date = ")).unwrap();
    assert!(date.contains(&before) || date.contains(&after), "{date} is not today ({before})");
    assert!(written.contains("status = \"draft\""));
    assert_eq!(written.matches("\n[[area]]").count(), 2);
    for prefilled in ["\"satisfactory\"", "\"good\"", "\"immediately\""] {
        assert!(!written.contains(&format!("= {prefilled}")), "pre-filled {prefilled}");
    }
    // `check` asks for each choice still to make, and for nothing else.
    let check = || {
        let mut cmd = letterpress();
        cmd.current_dir(project.path()).args(["check", "letters/drafts/north.toml"]);
        cmd
    };
    let output = check().output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    // overall, week_commencing, published, from, to, and two areas' timescale and judgement
    assert_eq!(errors.len(), 9, "{stderr}");
    assert!(errors.iter().all(|e| *e == "error: this is still the placeholder TODO"), "{stderr}");
    assert!(stderr.contains("choose one of `outstanding`, `good`, `satisfactory`, `inadequate`"));
    // Once chosen, the draft checks clean; a final letter still refuses the prose TODOs.
    let chosen = written
        .replace("overall = \"TODO\"", "overall = \"good\"")
        .replace("judgement = \"TODO\"", "judgement = \"good\"")
        .replace("timescale = \"TODO\"", "timescale = \"within 3 months\"")
        .replace("week_commencing = \"TODO\"", "week_commencing = 2000-01-03")
        .replace("published = \"TODO\"", "published = \"2000-02\"")
        .replace("from = \"TODO\"", "from = 2000-06-05")
        .replace("to = \"TODO\"", "to = 2000-06-06");
    std::fs::write(&path, &chosen).unwrap();
    check().assert().success();
    std::fs::write(&path, chosen.replace("status = \"draft\"", "status = \"final\"")).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/drafts/north.toml"])
        .assert()
        .code(1)
        .stderr(contains("still has the placeholder TODO"));

    std::fs::write(&path, "my own draft").unwrap();
    run("letters/drafts/north.toml").assert().code(1).stderr(contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own draft");
}

#[test]
fn new_refuses_paths_outside_the_project_and_unknown_templates() {
    let project = project_copy();
    let new = |args: &[&str]| {
        let mut cmd = letterpress();
        cmd.current_dir(project.path().join("letters")).arg("new").args(args);
        cmd
    };
    new(&["../../outside"]).assert().code(1).stderr(contains("is outside the project"));
    new(&["../nowhere/../../outside"]).assert().code(1).stderr(contains("is outside the project"));
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("x.toml");
    new(&["--project", "..", outside.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(contains("is outside the project"));
    assert!(!outside.exists());
    new(&["north", "--template", "nonexistent"])
        .assert()
        .code(1)
        .stderr(contains("no template `nonexistent` in English; available: brief, monitoring"));
    new(&["north", "--template", "brief", "--language", "cy"])
        .assert()
        .code(1)
        .stderr(contains("no template `brief` in Welsh; available: monitoring"));
    new(&["north", "--template", "monitoring", "--language", "cy"]).assert().success();
    let written = std::fs::read_to_string(project.path().join("letters/north.toml")).unwrap();
    assert!(written.contains("\ntemplate = \"monitoring\""), "{written}");
    assert!(written.contains("\nlanguage = \"cy\""), "{written}");
}

#[test]
fn the_layout_cannot_read_outside_the_project_or_load_packages() {
    let project = project_copy();
    let layout = project.path().join("templates/layout.typ");
    let original = std::fs::read_to_string(&layout).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), project.path().join("link.txt"))
        .unwrap();
    let attempts = [
        ("#let leak = read(\"/link.txt\")", "failed to load file (access denied)"),
        ("#let leak = read(\"../../etc/hostname\")", "would escape the project root"),
        ("#import \"@preview/cetz:0.3.0\": canvas", "packages are not available"),
    ];
    for (code, message) in attempts {
        std::fs::write(&layout, format!("{code}\n{original}")).unwrap();
        letterpress()
            .current_dir(project.path())
            .args(["render", "letters/cafcass-greater-london.toml"])
            .assert()
            .code(1)
            .stderr(contains(message));
    }
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_second_template_gives_a_different_letter_from_the_same_finding() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(
        &finding,
        original.replacen(
            "overall = \"satisfactory\"",
            "overall = \"satisfactory\"\ntemplate = \"brief\"",
            1,
        ),
    )
    .unwrap();
    let pdf = project.path().join("brief.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().success();
    let text = words(&pdf_text(&pdf)).join(" ");
    assert!(text.contains("Summary of judgements: Cafcass Greater London service area"), "{text}");
    assert!(text.contains("the judgement on each of the twelve areas for improvement is"));
    assert_eq!(text.matches("Inadequate").count(), 2, "{text}");
    assert!(!text.contains("reported that"), "the brief letter has no findings prose");
}
