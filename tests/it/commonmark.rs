//! Every example of the CommonMark spec (0.31.2, from the npm package
//! `commonmark-spec`; see tests/fixtures/commonmark/README.md) is rendered
//! as an area's progress inside a real letter, through the letter's own
//! PDF/UA-1 export with the shipped fonts. Each must give a PDF, and the
//! text pulldown-cmark reads from it must appear, in order, in the PDF's.

use crate::common::*;

use std::sync::Mutex;

use letterpress::model::MarkdownOptions;
use letterpress::project::Project;
use letterpress::render::{LetterError, Renderer};
use letterpress::wording::markdown::parser_options;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

#[derive(serde::Deserialize)]
struct Example {
    number: usize,
    section: String,
    markdown: String,
}

/// The visible text pulldown-cmark reads from `markdown`, with our options.
/// An indented code block is prose that was indented: its text is read
/// again as Markdown, as the converter does.
fn expected_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut indented: Option<String> = None;
    for event in Parser::new_ext(markdown, parser_options(MarkdownOptions::default())) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => indented = Some(String::new()),
            Event::End(TagEnd::CodeBlock) if indented.is_some() => {
                let block = indented.take().unwrap_or_default();
                let dedented = letterpress::wording::markdown::dedent(&block);
                text.push_str(&expected_text(&dedented));
            }
            Event::Text(t) if indented.is_some() => indented.as_mut().unwrap().push_str(&t),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => text.push_str(&t),
            _ => {}
        }
    }
    text
}

/// Whether the non-space characters of `needle` occur in order in `haystack`.
fn in_order(needle: &str, haystack: &str) -> bool {
    let mut hay = haystack.chars().filter(|c| !c.is_whitespace());
    needle.chars().filter(|c| !c.is_whitespace()).all(|c| hay.any(|h| h == c))
}

/// The fixture's demo letter cut to its first area, whose progress is
/// `markdown`: a whole letter around one example.
fn letter_with_progress(demo: &toml::Table, markdown: &str) -> String {
    let mut letter = demo.clone();
    let areas = letter.get_mut("area").and_then(|a| a.as_array_mut()).expect("areas");
    areas.truncate(1);
    let area = areas[0].as_table_mut().expect("an area is a table");
    area.insert("progress".into(), toml::Value::String(markdown.to_owned()));
    let judgement = area["judgement"].clone();
    letter.insert("overall".into(), judgement);
    toml::to_string(&letter).expect("a table serialises")
}

#[test]
fn every_commonmark_example_renders_inside_a_letter_through_the_real_export() {
    let json = include_str!("../fixtures/commonmark/spec.json");
    let examples: Vec<Example> = serde_json::from_str(json).expect("spec.json parses");
    assert_eq!(examples.len(), 652);
    let project = project_copy();
    let renderer = Renderer::new(Project::at(project.path()).unwrap()).unwrap();
    let demo: toml::Table =
        toml::from_str(&std::fs::read_to_string(demo_finding()).unwrap()).unwrap();
    let failures = Mutex::new(Vec::new());
    let unprintable = Mutex::new(Vec::new());
    let next = Mutex::new(examples.iter());
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (renderer, demo, failures, next) = (&renderer, &demo, &failures, &next);
            let unprintable = &unprintable;
            let file = project.path().join(format!("letters/example-{worker}.toml"));
            scope.spawn(move || {
                while let Some(example) = next.lock().unwrap().next() {
                    let n = example.number;
                    // Text before and after the example, each its own block.
                    let markdown =
                        format!("Example {n}.\n\n{}\n\nEnd of example {n}.", example.markdown);
                    std::fs::write(&file, letter_with_progress(demo, &markdown)).unwrap();
                    let pdf =
                        renderer.prepare(&file).and_then(|letter| renderer.lay_out(&letter)?.pdf());
                    let failure = match pdf {
                        // A character no shipped font has (ℋ, U+FFFD, Malayalam) cannot
                        // be printed under PDF/UA-1: refused at the character, in the
                        // finding file, which is the most a letter can do.
                        Err(LetterError::Finding(problems))
                            if problems.problems.iter().all(|p| {
                                p.span.is_some()
                                    && p.message.starts_with("the letter's fonts cannot print")
                            }) =>
                        {
                            unprintable.lock().unwrap().push(n);
                            None
                        }
                        Err(err) => Some(format!("{err}")),
                        Ok(pdf) => {
                            let text = pdf_extract::extract_text_from_mem(&pdf).unwrap_or_default();
                            let start = text.find(&format!("Example {n}.")).unwrap_or(text.len());
                            let end = text
                                .rfind(&format!("End of example {n}."))
                                .map_or(text.len(), |at| at + 20);
                            let expected = expected_text(&markdown);
                            let shown = &text[start..end.max(start)];
                            (!in_order(&expected, shown)).then(|| {
                                format!("text {expected:?} not in the letter's text {shown:?}")
                            })
                        }
                    };
                    if let Some(failure) = failure {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("#{n} ({}): {failure}", example.section));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let mut unprintable = unprintable.into_inner().unwrap();
    unprintable.sort();
    println!(
        "CommonMark spec: {} of {} examples render in a letter and keep their text; \
         refused at a character the fonts lack: {unprintable:?}",
        examples.len() - failures.len() - unprintable.len(),
        examples.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(unprintable, [25, 26, 27], "only the examples with ℋ, U+FFFD and Malayalam");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
