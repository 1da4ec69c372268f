use super::prose::ConvertedProse;
use super::*;
use crate::model::Judgement::{self, *};
use crate::project::Project;
use crate::test_fixtures;

fn render_with(judgements: &[Judgement]) -> String {
    let project = Project::discover(&test_fixtures::root()).unwrap();
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown).unwrap();
    let mut finding =
        crate::finding::load(&test_fixtures::files(), &test_fixtures::demo()).unwrap();
    let template_area = finding.areas[0].clone();
    finding.areas = judgements
        .iter()
        .map(|j| crate::model::Area { judgement: *j, ..template_area.clone() })
        .collect();
    let source =
        templates.render("monitoring", &finding, &project.config, &Output::FINAL_A4).unwrap();
    // The wording's text is escaped for typst as prose is: `improvement\.`.
    source.replace('\\', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn unchanged_prose_is_not_converted_again() {
    let project = Project::discover(&test_fixtures::root()).unwrap();
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown).unwrap();
    let mut finding =
        crate::finding::load(&test_fixtures::files(), &test_fixtures::demo()).unwrap();
    let render = |finding: &Finding| {
        templates.render("monitoring", finding, &project.config, &Output::FINAL_A4).unwrap()
    };
    let first = render(&finding);
    let converted = templates.markdown_conversions();
    assert_eq!(converted, 2 * finding.areas.len(), "each area's two prose fields");
    assert_eq!(render(&finding), first);
    assert_eq!(templates.markdown_conversions(), converted);
    finding.areas[3].progress.push_str(" An *edit*.");
    let edited = render(&finding);
    assert_eq!(templates.markdown_conversions(), converted + 1);
    assert!(edited.contains("An #emph[edit];") && !first.contains("#emph[edit]"));
}

#[test]
fn converted_prose_stays_bounded() {
    let mut converted = ConvertedProse::default();
    converted.markup("ok", MarkdownOptions::default());
    converted.markup("ok", MarkdownOptions::default());
    assert_eq!(converted.conversions(), 1);
    let long = "x".repeat(ConvertedProse::LIMIT / 3);
    for n in 0..5 {
        converted.markup(&format!("{n}{long}"), MarkdownOptions::default());
        assert!(converted.bytes() <= ConvertedProse::LIMIT);
    }
    assert_eq!(converted.conversions(), 6);
}

#[test]
fn summary_of_the_exemplar() {
    let mut js = vec![Satisfactory; 8];
    js.extend([Inadequate, Good, Inadequate, Good]);
    let source = render_with(&js);
    assert!(source.contains(
        "judges that satisfactory progress has been made in eight of the twelve areas for \
         improvement, good progress in two and inadequate progress in two."
    ));
    assert!(source.contains("identified twelve areas for improvement."));
}

#[test]
fn summary_of_a_single_area() {
    let source = render_with(&[Good]);
    assert!(source.contains("good progress has been made in the one area for improvement."));
    assert!(source.contains("identified one area for improvement."));
}

#[test]
fn summary_when_all_areas_share_a_judgement() {
    assert!(
        render_with(&[Satisfactory; 3])
            .contains("satisfactory progress has been made in all three areas for improvement.")
    );
    assert!(
        render_with(&[Good; 2])
            .contains("good progress has been made in both areas for improvement.")
    );
}

#[test]
fn summary_of_a_tie_puts_the_better_judgement_first() {
    let source = render_with(&[Inadequate, Good, Good, Inadequate]);
    assert!(source.contains(
        "good progress has been made in two of the four areas for improvement and \
         inadequate progress in two."
    ));
}

#[test]
fn summary_of_two_judgements() {
    let source = render_with(&[Outstanding, Satisfactory, Satisfactory]);
    assert!(source.contains(
        "satisfactory progress has been made in two of the three areas for improvement and \
         outstanding progress in one."
    ));
}

#[test]
fn unknown_template_lists_the_available_ones() {
    let project = Project::discover(&test_fixtures::root()).unwrap();
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown).unwrap();
    let finding = crate::finding::load(&test_fixtures::files(), &test_fixtures::demo()).unwrap();
    let err = templates
        .render("nope", &finding, &project.config, &Output::FINAL_A4)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "unknown template `nope`; available: brief, monitoring");
}

#[test]
fn front_matter_mistakes_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let load = |text: &str| {
        std::fs::write(templates.join("notice.md.tera"), text).unwrap();
        Templates::load(
            &crate::sandbox::Sandbox::new(dir.path()).unwrap(),
            &templates,
            MarkdownOptions::default(),
        )
        .err()
        .map(|e| e.to_string())
    };
    let misspelt = load("+++\nabout = \"A notice\"\nneeds = [\"vist\"]\n+++\nDear").unwrap();
    assert!(misspelt.starts_with("templates/notice.md.tera:3: front matter: "), "{misspelt}");
    assert!(misspelt.contains("vist"), "{misspelt}");
    let unclosed = load("+++\nabout = \"A notice\"\nDear").unwrap();
    assert!(unclosed.contains("never closed"), "{unclosed}");
    assert_eq!(load("+++\nabout = \"A notice\"\nneeds = [\"visit\"]\n+++\nDear"), None);
    let templates = Templates::load(
        &crate::sandbox::Sandbox::new(dir.path()).unwrap(),
        &templates,
        MarkdownOptions::default(),
    )
    .unwrap();
    let notice = templates.all().find(|t| t.name == "notice").unwrap();
    assert_eq!((notice.about.as_str(), notice.own), ("A notice", true));
    assert!(!notice.kind.needs(crate::model::Section::Area));
    assert!(templates.kind("monitoring").needs(crate::model::Section::Area));
}
