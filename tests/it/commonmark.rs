//! Every example of the CommonMark spec (0.31.2, from the npm package
//! `commonmark-spec`; see tests/fixtures/commonmark/README.md) goes through
//! the converter and a real typst layout. Each must compile, and the text
//! pulldown-cmark reads from it must appear, in order, in the laid-out page.

use crate::layout;

use letterpress::model::MarkdownOptions;
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

#[test]
fn every_commonmark_example_compiles_and_keeps_its_text() {
    let json = include_str!("../fixtures/commonmark/spec.json");
    let examples: Vec<Example> = serde_json::from_str(json).expect("spec.json parses");
    assert_eq!(examples.len(), 652);
    let mut failures = Vec::new();
    for example in &examples {
        match layout::layout_markdown(&example.markdown) {
            Err(err) => failures
                .push(format!("#{} ({}): typst error {err}", example.number, example.section)),
            Ok(text) => {
                let expected = expected_text(&example.markdown);
                if !in_order(&expected, &text) {
                    failures.push(format!(
                        "#{} ({}): text {expected:?} not in page text {text:?}",
                        example.number, example.section
                    ));
                }
            }
        }
    }
    println!(
        "CommonMark spec: {} of {} examples compile and keep their text",
        examples.len() - failures.len(),
        examples.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
