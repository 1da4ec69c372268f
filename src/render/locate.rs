//! Typesetting errors traced back to what the inspector wrote: typst sees
//! only the generated source, but the mistake (a character the fonts lack,
//! an address too tall for the window) is in a field of the finding file.

use std::ops::Range;

use super::{LetterError, PreparedLetter, Renderer};
use crate::diagnostic::{FileProblems, Problem, display_path};
use crate::typeset::TypstError;

impl Renderer {
    /// `err`, raised typesetting `letter`, as a problem of the finding file
    /// at the field or text it came from where that can be told; otherwise
    /// as typst reported it.
    pub(super) fn locate(&self, letter: &PreparedLetter, err: TypstError) -> LetterError {
        let text = &*letter.inputs.text;
        let message = err.message.strip_prefix("assertion failed: ").unwrap_or(&err.message);
        // Where the words around the error in the generated source were written.
        let by_words = || words_of_source_in(&letter.source, err.in_source.clone()?, text);
        let located = if let Some((field, rest)) = named_field(message) {
            crate::finding::field_span(text, field)
                .map(|span| Problem::error(Some(field.to_owned()), rest, Some(span)))
        } else if let Some(glyph) = missing_glyph(message) {
            // Typed as it is, or written as an entity (`&HilbertSpace;`):
            // then found by the words around it where typst printed it.
            let typed =
                text.find(glyph).map(|at| at..at + glyph.len()).or_else(|| entity_for(text, glyph));
            let printed = || {
                let at = err
                    .in_source
                    .clone()
                    .or_else(|| letter.source.find(glyph).map(|at| at..at + glyph.len()))?;
                words_of_source_in(&letter.source, at, text)
            };
            typed.or_else(printed).map(|span| {
                Problem::error(
                    None,
                    format!("the letter's fonts cannot print “{glyph}”"),
                    Some(span),
                )
                .with_hint("replace it, or add a font that has it to the project's fonts/ folder")
            })
        } else {
            by_words().map(|span| {
                Problem::error(None, first_line(message), Some(span)).with_hint(
                    "typesetting the letter failed on this text; if it looks right, report it \
                     with the output of `letterpress render --emit-typst`",
                )
            })
        };
        match located {
            Some(problem) => LetterError::Finding(Box::new(FileProblems {
                path: display_path(&letter.path),
                text: text.to_owned(),
                problems: vec![problem],
            })),
            None => LetterError::Typst(err),
        }
    }
}

/// A layout assertion names the field it is about first, in brackets:
/// `[recipient.address] the recipient's address is …`.
fn named_field(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix('[')?;
    let (field, rest) = rest.split_once(']')?;
    let plain = field.chars().all(|c| c.is_ascii_alphanumeric() || "._[]".contains(c));
    (plain && !field.is_empty()).then(|| (field, rest.trim_start()))
}

/// The text typst could not display with the letter's fonts, from its
/// message ``PDF/UA-1 error: the text `"…"` could not be displayed with
/// font …`` (quoted with or without the backticks).
fn missing_glyph(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("the text ")?;
    let rest = rest.strip_prefix('`').unwrap_or(rest).strip_prefix('"')?;
    let (glyph, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix('`').unwrap_or(rest);
    rest.starts_with(" could not be displayed").then_some(glyph).filter(|g| !g.is_empty())
}

/// Where `text` writes `glyph` as a Markdown entity or character
/// reference (`&HilbertSpace;`, `&#x210B;`), decoded as the prose is.
fn entity_for(text: &str, glyph: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(at) = text[from..].find('&').map(|at| from + at) {
        from = at + 1;
        let Some(end) = text[at..].find(';').map(|end| at + end + 1).filter(|&end| end - at <= 40)
        else {
            continue;
        };
        let decoded: String = pulldown_cmark::Parser::new(&text[at..end])
            .filter_map(|event| match event {
                pulldown_cmark::Event::Text(text) => Some(text.into_string()),
                _ => None,
            })
            .collect();
        if decoded == glyph {
            return Some(at..end);
        }
    }
    None
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// Where in `text` the words around `range` of the generated `source` were
/// written: the longest run of at least three of the line's words found in
/// the same order in `text` (escapes and markup between them ignored).
fn words_of_source_in(source: &str, range: Range<usize>, text: &str) -> Option<Range<usize>> {
    let start = source.get(..range.start)?.rfind('\n').map_or(0, |at| at + 1);
    let end = source[range.start..].find('\n').map_or(source.len(), |at| range.start + at);
    let line: Vec<&str> = words(&source[start..end]).map(|(word, _)| word).collect();
    let written: Vec<(&str, usize)> = words(text).collect();
    for length in (3..=line.len().min(8)).rev() {
        for window in line.windows(length) {
            let found =
                written.windows(length).find(|run| run.iter().zip(window).all(|(w, l)| w.0 == *l));
            if let Some(run) = found {
                let (last, at) = run[length - 1];
                return Some(run[0].1..at + last.len());
            }
        }
    }
    None
}

/// The words of `text` (runs of letters and digits) with their offsets.
fn words(text: &str) -> impl Iterator<Item = (&str, usize)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(move |word| (word, word.as_ptr() as usize - text.as_ptr() as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_assertion_names_its_field() {
        assert_eq!(
            named_field("[recipient.address] the address is 44 mm tall"),
            Some(("recipient.address", "the address is 44 mm tall"))
        );
        assert_eq!(named_field("[not a field] x"), None);
    }

    #[test]
    fn a_missing_glyph_is_read_from_typsts_message() {
        let message = "the text \"😀\" could not be displayed with font \"Liberation Sans\"";
        assert_eq!(missing_glyph(message), Some("😀"));
        let message = "PDF/UA-1 error: the text `\"‣\"` could not be displayed with font `\"Liberation Sans\"`";
        assert_eq!(missing_glyph(message), Some("‣"));
        assert_eq!(missing_glyph("unknown variable: x"), None);
    }

    #[test]
    fn a_glyph_written_as_an_entity_is_found() {
        let text = "progress = \"\"\"\nA &amp; B &HilbertSpace; and &#x2113;\n\"\"\"";
        assert_eq!(entity_for(text, "ℋ").map(|span| &text[span]), Some("&HilbertSpace;"));
        assert_eq!(entity_for(text, "ℓ").map(|span| &text[span]), Some("&#x2113;"));
        assert_eq!(entity_for(text, "😀"), None);
    }

    #[test]
    fn generated_words_are_found_where_they_were_written() {
        let source = "#strong[x]\nThe service\\-area data was not reliable\n";
        let text = "progress = \"\"\"\nthe service-area data was not reliable.\n\"\"\"";
        let at = source.find("data").unwrap();
        let span = words_of_source_in(source, at..at + 4, text).unwrap();
        assert_eq!(&text[span], "service-area data was not reliable");
    }
}
