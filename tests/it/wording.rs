//! Wording templates as an office edits them: Markdown with placeholders,
//! the page drawn by the layout, errors at the template's line, and new
//! kinds of letter with fewer fields.

use crate::common;

use common::*;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

fn render_in(project: &std::path::Path, finding: &str) -> String {
    letterpress().current_dir(project).args(["render", finding]).assert().success();
    let stem = std::path::Path::new(finding).file_stem().unwrap().to_string_lossy().into_owned();
    pdf_text(&project.join(format!("out/{stem}.pdf")))
}

/// A fresh project with the built-in templates only.
fn office() -> (tempfile::TempDir, std::path::PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    letterpress().current_dir(outside.path()).args(["init", "office"]).assert().success();
    let root = outside.path().join("office");
    (outside, root)
}

#[test]
fn an_ejected_template_is_markdown_and_prints_what_is_typed() {
    let (_outside, root) = office();
    letterpress()
        .current_dir(&root)
        .args(["templates", "--eject", "monitoring"])
        .assert()
        .success();
    let path = root.join("templates/monitoring.md.tera");
    let wording = std::fs::read_to_string(&path).unwrap();
    for typst in ["#import", "#show", "#let", "#strong", "#subject", "#bullets", "#signature", "];"]
    {
        assert!(!wording.contains(typst), "the ejected wording holds typst: {typst}");
    }
    let sentence = "Write to enquiries@ofsted.gov.uk quoting #OFS/NE/2026-11: a $0 fee covers 100% of <all> cases_now.";
    let edited = wording
        .replace("I would like to thank you", &format!("{sentence}\n\nI would like to thank you"));
    std::fs::write(&path, edited).unwrap();
    let text = render_in(&root, "letters/example.toml");
    let flat = words(&text).join(" ");
    assert!(flat.contains(sentence), "{flat}");
}

#[test]
fn the_letterhead_and_sign_off_come_from_the_project_in_every_template() {
    let project = project_copy();
    let config = project.path().join("letterpress.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, settings.replace("0300 123 1231", "0300 999 4321")).unwrap();
    let demo = std::fs::read_to_string(demo_finding()).unwrap();
    let brief = demo.replacen("\n[recipient]", "\ntemplate = \"brief\"\n\n[recipient]", 1);
    assert_ne!(brief, demo);
    std::fs::write(project.path().join("letters/brief.toml"), brief).unwrap();
    for finding in ["letters/cafcass-greater-london.toml", "letters/brief.toml"] {
        let text = render_in(project.path(), finding);
        for part in ["T 0300 999 4321", "Textphone 0161 618 8524", "enquiries@ofsted.gov.uk"] {
            assert!(text.contains(part), "{finding} has no {part}");
        }
        assert!(!text.contains("0300 123 1231"), "{finding} kept the old number");
        for part in ["Yours sincerely", "Stephen Hunt", "Her Majesty's Inspector", "cc:"] {
            assert!(text.contains(part), "{finding} has no {part}");
        }
    }
}

#[test]
fn a_broken_placeholder_is_reported_at_its_template_line() {
    let project = project_copy();
    let template = project.path().join("templates/brief.md.tera");
    let original = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        original.replace("{{ summary.total | words }}", "{{ summary.totl | words }}"),
    )
    .unwrap();
    let line = original.lines().position(|l| l.contains("summary.total | words")).unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["templates", "--check"])
        .assert()
        .code(1)
        .stdout(contains("brief\tfailed"))
        .stdout(contains("monitoring\tok"))
        .stderr(contains(format!("templates/brief.md.tera:{line}:")));
}

#[test]
fn an_old_typst_template_is_refused_with_what_to_do() {
    let project = project_copy();
    std::fs::write(project.path().join("templates/notice.typ.tera"), "#strong[x]").unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("templates/notice.typ.tera is a wording template in the old form"))
        .stderr(contains("templates/notice.md.tera"));
}

pub(crate) const NOTICE: &str = r#"+++
about = "Notice of a monitoring visit"
title = "Notice of a monitoring visit to {{ letter.recipient.organisation }}"
needs = ["visit"]
checks = []
+++
{{ letter.recipient.salutation }}

# Notice of a monitoring visit

Inspectors will visit {{ letter.recipient.organisation }} on {{ letter.visit.from | date_range(to=letter.visit.to) }} at {{ letter.visit.locations }}.

They would like to meet:
{% for who in letter.visit.met %}
- {{ who }}
{%- endfor %}

Please reply to *this office* within 5 days.
"#;

pub(crate) const NOTICE_FINDING: &str = r#"date = 2026-06-01
template = "notice"
cc = ["Chair of the Board"]

[recipient]
name = "Jo Bloggs"
role = "Director"
organisation = "Northmoor Services"
address = ["1 High Street", "Northtown", "NT1 1AA"]
salutation = "Dear Jo Bloggs"

[visit]
from = 2026-06-08
to = 2026-06-09
locations = "the Northtown office"
assessed = ["case files"]
met = ["the director", "social workers"]

[signatory]
name = "Sam Inspector"
role = "His Majesty's Inspector"
"#;

#[test]
fn a_letter_kind_with_fewer_fields_gets_the_whole_page() {
    let project = project_copy();
    std::fs::write(project.path().join("templates/notice.md.tera"), NOTICE).unwrap();
    std::fs::write(project.path().join("letters/notice.toml"), NOTICE_FINDING).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/notice.toml"])
        .assert()
        .success();
    let text = render_in(project.path(), "letters/notice.toml");
    let flat = words(&text).join(" ");
    for part in [
        "Ofsted",
        "T 0300 123 1231",
        "Textphone 0161 618 8524",
        "Northmoor Services",
        "01 June 2026",
        "Notice of a monitoring visit",
        "Inspectors will visit Northmoor Services on 8-9 June 2026 at the Northtown office.",
        "social workers",
        "Yours sincerely",
        "Sam Inspector",
        "Chair of the Board",
    ] {
        assert!(flat.contains(part), "no {part:?} in {flat}");
    }
    letterpress()
        .current_dir(project.path())
        .arg("templates")
        .assert()
        .success()
        .stdout(contains("notice\tproject\tNotice of a monitoring visit"));

    // The monitoring letter still needs every section.
    let monitoring = NOTICE_FINDING.replace("template = \"notice\"\n", "");
    std::fs::write(project.path().join("letters/notice.toml"), monitoring).unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/notice.toml"])
        .assert()
        .code(1)
        .stderr(contains("missing field `inspection`"));
}

#[test]
fn a_template_using_a_field_it_does_not_need_is_told_at_its_line() {
    let project = project_copy();
    let notice = NOTICE.replace("# Notice", "{{ letter.inspection.provider }}\n\n# Notice");
    std::fs::write(project.path().join("templates/notice.md.tera"), &notice).unwrap();
    std::fs::write(project.path().join("letters/notice.toml"), NOTICE_FINDING).unwrap();
    let line = notice.lines().position(|l| l.contains("letter.inspection")).unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/notice.toml"])
        .assert()
        .code(1)
        .stderr(contains(format!("templates/notice.md.tera:{line}:")));
}

#[test]
fn a_link_in_prose_prints_its_address() {
    let project = project_copy();
    let demo = std::fs::read_to_string(demo_finding()).unwrap();
    let edited = demo.replacen(
        "progress = \"\"\"\n",
        "progress = \"\"\"\nSee [the guidance](https://www.gov.uk/guidance/cafcass). ",
        1,
    );
    assert_ne!(edited, demo);
    std::fs::write(project.path().join("letters/cafcass-greater-london.toml"), edited).unwrap();
    let text = render_in(project.path(), "letters/cafcass-greater-london.toml");
    let flat = words(&text).join(" ");
    assert!(flat.contains("See the guidance (https://www.gov.uk/guidance/cafcass)."), "{flat}");
}

#[test]
fn a_misspelt_name_in_a_filters_argument_is_said_in_plain_words() {
    let project = project_copy();
    let template = project.path().join("templates/brief.md.tera");
    let original = std::fs::read_to_string(&template).unwrap();
    let broken =
        original.replace("date_range(to=letter.visit.to)", "date_range(to=letter.visit.too)");
    assert_ne!(broken, original);
    std::fs::write(&template, broken).unwrap();
    let line = original.lines().position(|l| l.contains("date_range(to=")).unwrap() + 1;
    letterpress()
        .current_dir(project.path())
        .args(["templates", "--check"])
        .assert()
        .code(1)
        .stderr(contains("a name in this placeholder is not defined: check its spelling"))
        .stderr(contains(format!("templates/brief.md.tera:{line}:")))
        .stderr(contains("undefined").not());
}
