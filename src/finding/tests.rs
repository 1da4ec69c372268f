use std::path::{Path, PathBuf};

use super::*;
use crate::model::{Date, TimeUnit, Timescale, YearMonth};

/// What `check` says with the Markdown writer's warnings, as `render` runs it.
fn check(path: &Path, text: String) -> (Option<Finding>, FileProblems) {
    let checks = TextChecks { markdown: &crate::wording::markdown::remarks, english: None };
    super::check(path, text, &checks, &|_| crate::model::LetterKind::default())
}

#[test]
fn a_field_missing_after_a_rejected_one_is_reported_too() {
    // In an area (read from a list of tables): `judgement` comes before
    // `progress`, so serde alone would stop at the rejected judgement.
    let sample = crate::project::builtin::EXAMPLE_LETTER;
    let open = sample.find("progress = \"\"\"").unwrap();
    let close = sample[open + 14..].find("\"\"\"").unwrap() + open + 17;
    let text = format!("{}{}", &sample[..open], &sample[close..]).replacen(
        "judgement = \"good\"",
        "judgement = \"great\"",
        1,
    );
    let (finding, problems) = check(Path::new("x.toml"), text);
    assert!(finding.is_none());
    let messages: Vec<&str> = problems.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("`great` is not a judgement")), "{messages:?}");
    assert!(messages.contains(&"missing field `progress`"), "{messages:?}");
    assert!(!messages.contains(&"missing field `judgement`"), "{messages:?}");
}

#[test]
fn the_translation_is_named_even_in_a_broken_letter_or_a_quoted_key() {
    let letter = Path::new("letters/cy/welsh.toml");
    let named = |text| translation_named(letter, text);
    let beside = Some(PathBuf::from("letters/cy/../english.toml"));
    assert_eq!(named("translation = \"../english.toml\"\noverall = \"grand\""), beside);
    assert_eq!(named("\"tr\\u0061nslation\" = \"../english.toml\""), beside);
    assert_eq!(named("overall = \"good\""), None);
    assert_eq!(named("translation = [ broken"), None);
}

#[test]
fn placeholders_are_found_written_out_or_escaped() {
    let found = |text: &str| placeholders(Path::new("x.toml"), text.to_owned()).problems.len();
    assert_eq!(found("a = \"TODO name\"\nb = [\"x\", \"TODO\"]"), 2);
    assert_eq!(found("a = \"\\u0054ODO name\""), 1);
    assert_eq!(found("a = \"done\"\n# TODO in a comment is not a value"), 0);
}

const MINIMAL: &str = r#"
date = 2010-12-01
overall = "good"
[recipient]
name = "A B"
role = "Chief Executive"
organisation = "Org"
address = ["1 Road", "Town", "AB1 2CD"]
salutation = "Dear A"
[inspection]
provider = "Org"
service_area = "North service area"
week_commencing = 2009-12-07
published = "2010-01"
[visit]
from = 2010-11-22
to = 2010-11-25
locations = "the offices"
assessed = ["files"]
met = ["managers"]
[signatory]
name = "C D"
role = "Inspector"
[[area]]
timescale = "within 3 months"
action = "x happens"
reported = "x did not happen"
judgement = "good"
progress = "It happens now."
"#;

fn parse(text: &str) -> Result<Finding, FileProblems> {
    super::parse(&PathBuf::from("t.toml"), text.to_string())
}

#[test]
fn parses_a_minimal_finding() {
    let finding = parse(MINIMAL).unwrap();
    assert_eq!(finding.date, Date { year: 2010, month: 12, day: 1 });
    assert_eq!(finding.inspection.unwrap().published, YearMonth { year: 2010, month: 1 });
    assert_eq!(finding.areas[0].timescale, Timescale::Within { count: 3, unit: TimeUnit::Months });
}

#[test]
fn unknown_judgement_names_the_line_and_the_allowed_values() {
    let text = MINIMAL.replace("judgement = \"good\"", "judgement = \"grand\"");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.starts_with("t.toml:28:13: error: `grand` is not a judgement"), "{err}");
    assert!(err.contains("`satisfactory`"), "{err}");
}

#[test]
fn missing_field_is_named() {
    let text = MINIMAL.replace("salutation = \"Dear A\"\n", "");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.contains("missing field `salutation`"), "{err}");
}

#[test]
fn bad_timescale_explains_the_format() {
    let text = MINIMAL.replace("within 3 months", "soonish");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.contains("expected \"immediately\" or \"within N months\""), "{err}");
}

#[test]
fn all_semantic_problems_are_reported_at_once() {
    let text = MINIMAL
        .replace("to = 2010-11-25", "to = 2010-11-20")
        .replace("name = \"C D\"", "name = \" \"")
        .replace("date = 2010-12-01", "date = 2010-11-01");
    let err = parse(&text).unwrap_err();
    let messages: Vec<_> = err.problems.iter().map(|p| p.field.clone().unwrap()).collect();
    assert_eq!(messages, ["date", "visit.to", "signatory.name"]);
    assert_eq!(err.line_col(err.problems[1].span.clone().unwrap().start), (17, 6));
}

#[test]
fn mistakes_in_different_sections_are_all_reported() {
    let text = MINIMAL
        .replace("salutation = \"Dear A\"", "salutaton = \"Dear A\"")
        .replace("week_commencing = 2009-12-07", "week_commencing = \"last year\"")
        .replace("timescale = \"within 3 months\"", "timescale = \"soon\"")
        .replace("overall = \"good\"", "overall = \"excelent\"")
        .replace("[signatory]", "colour = \"blue\"\n[signatory]");
    let err = parse(&text).unwrap_err();
    assert_eq!(err.problems.len(), 5, "{err}");
    let text = err.to_string();
    assert!(text.contains("did you mean `salutation`?"), "{text}");
    assert!(text.contains("did you mean `excellent`?") || text.contains("`outstanding`"), "{text}");
}

#[test]
fn warnings_do_not_stop_the_letter() {
    let text = MINIMAL
        .replace("overall = \"good\"", "overall = \"inadequate\"")
        .replace("met = [\"managers\"]", "met = [\"managers\", \"managers\"]")
        .replace("It happens now.", "It happens now. ![photo](x.png)");
    let (finding, problems) = check(&PathBuf::from("t.toml"), text);
    assert!(finding.is_some());
    let messages: Vec<_> = problems.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("differs from the most common"));
    assert!(messages[1].contains("listed twice"));
    assert!(messages[2].contains("image `x.png` cannot be shown"));
    let image = problems.problems[2].span.clone().unwrap();
    assert_eq!(&problems.text[image], "![photo](x.png)");
}

#[test]
fn no_areas_is_an_error() {
    let cut = MINIMAL.find("[[area]]").unwrap();
    let err = parse(&MINIMAL[..cut]).unwrap_err().to_string();
    assert!(err.contains("no areas for improvement"), "{err}");
}

#[test]
fn a_letter_kind_without_areas_needs_no_inspection_areas_or_overall() {
    use crate::model::{LetterKind, Section};
    let mut text = MINIMAL.to_owned();
    for section in ["[inspection]", "[[area]]"] {
        let at = text.find(section).unwrap();
        let end = text[at + 1..].find("\n[").map_or(text.len(), |e| at + 1 + e);
        text.replace_range(at..end, "");
    }
    text = text.replace("overall = \"good\"\n", "");
    let notice = LetterKind { needs: vec![Section::Visit], checks: vec![] };
    let finding = super::parse_as(Path::new("t.toml"), text.clone(), &|_| notice.clone()).unwrap();
    assert!(finding.inspection.is_none() && finding.areas.is_empty() && finding.overall.is_none());
    let err = super::parse(Path::new("t.toml"), text).unwrap_err().to_string();
    for missing in ["missing field `inspection`", "missing field `overall`"] {
        assert!(err.contains(missing), "{err}");
    }
}

/// The fixture project's letter `name`, checked as `check` does, with the
/// fixture's word list or none.
fn check_english_with(
    name: &str,
    word_list: bool,
    edit: impl Fn(String) -> String,
) -> (Option<Finding>, FileProblems) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project");
    let files = crate::sandbox::Sandbox::new(&root).unwrap();
    let words = if word_list { crate::project::words::read(&files).unwrap() } else { Vec::new() };
    // The sender's name, as `Renderer` adds it.
    let words = english::Words::new(words.iter().map(String::as_str)).with_names(["Ofsted"]);
    let english = english::English::new(&crate::model::ProseCheckConfig::default(), words).unwrap();
    let text = edit(std::fs::read_to_string(root.join("letters").join(name)).unwrap());
    let checks =
        TextChecks { markdown: &crate::wording::markdown::remarks, english: Some(&english) };
    super::check(Path::new(name), text, &checks, &|_| crate::model::LetterKind::default())
}

fn check_english(name: &str, edit: impl Fn(String) -> String) -> (Option<Finding>, FileProblems) {
    check_english_with(name, true, edit)
}

#[test]
fn the_demo_letter_has_three_english_remarks_all_in_the_word_list() {
    let (finding, problems) = check_english_with("cafcass-greater-london.toml", false, |t| t);
    assert!(finding.is_some());
    let remarked: Vec<&str> =
        problems.problems.iter().map(|p| &problems.text[p.span.clone().unwrap()]).collect();
    // Two places and the title as the exemplar prints it ("Family Court
    // Advisors"; Cafcass's own word is "Adviser").
    assert_eq!(remarked, ["Croydon", "Holborn", "Advisors"], "{:#?}", problems.problems);
    let (_, problems) = check_english("cafcass-greater-london.toml", |t| t);
    assert_eq!(problems.problems, []);
}

#[test]
fn english_slips_are_located_in_prose_and_plain_fields() {
    let (_, problems) = check_english("cafcass-greater-london.toml", |text| {
        text.replacen("Effective revised", "Effective and and revised", 1).replacen(
            "is accurate and timely.\"",
            "is acurate and timely.\"",
            1,
        )
    });
    let at = |word: &str| {
        let problem = problems.problems.iter().find(|p| p.message.contains(word));
        let problem = problem.unwrap_or_else(|| panic!("{word}: {:#?}", problems.problems));
        let span = problem.span.clone().unwrap();
        (problem.field.clone().unwrap(), &problems.text[span])
    };
    assert_eq!(at("`acurate`"), ("area[2].action".to_owned(), "acurate"));
    assert_eq!(at("written twice"), ("area[2].progress".to_owned(), "and and"));
    let spelling = problems.problems.iter().find(|p| p.message.contains("acurate")).unwrap();
    let hint = spelling.hint.as_deref().unwrap();
    assert!(
        hint.starts_with("did you mean `accurate`") && hint.contains("--add-word acurate"),
        "{hint}"
    );
}

#[test]
fn a_welsh_letter_is_not_checked_as_english() {
    let (finding, problems) = check_english("sample-northmoor.cy.toml", |t| t);
    assert!(finding.is_some());
    assert_eq!(problems.problems, []);
}

#[test]
fn a_timescale_with_its_number_in_words_gets_a_did_you_mean() {
    let text = MINIMAL.replace("within 3 months", "within six months");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.contains("did you mean \"within 6 months\"?"), "{err}");
    let fixed = text.replace("within six months", "within 6 months");
    let finding = parse(&fixed).unwrap();
    assert_eq!(finding.areas[0].timescale, Timescale::Within { count: 6, unit: TimeUnit::Months });
}

#[test]
fn parts_of_the_file_the_template_does_not_use_are_named_in_a_warning() {
    use crate::model::{LetterKind, Section};
    let notice = LetterKind { needs: vec![Section::Visit, Section::Inspection], checks: vec![] };
    let checks = TextChecks { markdown: &crate::wording::markdown::remarks, english: None };
    let (finding, problems) =
        super::check(Path::new("t.toml"), MINIMAL.to_owned(), &checks, &|_| notice.clone());
    assert!(finding.is_some(), "{problems}");
    let shown = problems.to_string();
    assert!(shown.contains("warning: the letter's template does not use [[area]]"), "{shown}");
    assert!(shown.contains("does not use `overall`"), "{shown}");
    assert!(!shown.contains("`visit`") && !shown.contains("`inspection`"), "{shown}");
    assert!(problems.problems.iter().all(|p| p.span.is_some()), "{shown}");
}

#[test]
fn independent_mistakes_are_reported_in_one_run_beside_a_syntax_error() {
    let text = MINIMAL
        .replace("role = \"Chief Executive\"", "role: \"Chief Executive – £\"")
        .replace("judgement = \"good\"", "judgement = \"grand\"")
        .replace("published = \"2010-01\"", "published = \"January ’10\"");
    let err = parse(&text).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("use = between the name and the value"), "{shown}");
    assert!(shown.contains("`grand` is not a judgement"), "{shown}");
    assert!(shown.contains("found \"January ’10\" (in `inspection.published`)"), "{shown}");
    assert!(shown.contains("(in `area[1].judgement`)"), "the field, not its table: {shown}");
    assert!(
        !shown.contains("missing field"),
        "the broken line's field is no other mistake: {shown}"
    );
    assert_eq!(err.counts().0, 3, "{shown}");
}
