//! The words of a text, where they are: the runs of a Markdown field that
//! are words an inspector wrote, and the words and other tokens of a run.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One whitespace-separated piece of a run, or a word of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token<'a> {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The text of the token.
    pub text: &'a str,
    /// A word (letters, joined by `'` or `-`) rather than an address, a
    /// number or a code, which is not checked but still stands between the
    /// words on either side.
    pub word: bool,
}

impl<'a> Token<'a> {
    /// Whether the spelling check looks at it: a word of two letters or more,
    /// not in capitals (`MARAC`).
    pub fn spellable(&self) -> bool {
        self.word && is_spellable(self.text)
    }

    /// The parts of a word joined by hyphens (`well-led`: `well`, `led`)
    /// that the spelling check looks at, with their ranges; a word without
    /// hyphens is its own part.
    pub fn parts(&self) -> impl Iterator<Item = (Range<usize>, &'a str)> + '_ {
        let text: &'a str = self.text;
        let start = self.range.start;
        let last = text.matches('-').count();
        text.split('-')
            .scan(0, move |at, part| {
                let range = start + *at..start + *at + part.len();
                *at += part.len() + 1;
                Some((range, part))
            })
            .enumerate()
            // `pre-proceedings`, `co-ordinated`: a prefix is not a word.
            .filter(move |(i, (_, part))| {
                is_spellable(part)
                    && !(*i < last && PREFIXES.contains(&part.to_lowercase().as_str()))
            })
            .map(|(_, part)| part)
    }
}

/// Prefixes written with a hyphen that the dictionary does not hold alone.
const PREFIXES: &[&str] =
    &["anti", "co", "inter", "mis", "multi", "non", "post", "pre", "re", "semi", "sub", "un"];

fn is_spellable(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        && word.chars().any(char::is_lowercase)
}

/// Whether a whitespace-separated piece is an address, a path or a code,
/// none of whose letters are words (`https://…`, `name@example.org`,
/// `ofsted.gov.uk`, `S3_final`).
fn is_address(piece: &str) -> bool {
    piece.contains("://")
        || piece.contains(['@', '/', '\\', '_', '<', '>', '=', '{', '}', '|'])
        || piece.starts_with("www.")
        || piece
            .trim_end_matches(['.', ',', ';', ':', ')'])
            .split('.')
            .filter(|s| s.len() > 1)
            .nth(1)
            .is_some()
}

/// A character that joins two parts of one word: `children's`, `well-led`.
fn joins(c: char) -> bool {
    matches!(c, '\'' | '’' | '-')
}

/// The tokens of `text[run]`: each whitespace-separated piece that is an
/// address or code as one token, and otherwise each word of it (letters
/// and digits, joined by `'`, `’` or `-`), a word with a digit (`5th`,
/// `12-week`) marked as not a word.
pub(super) fn tokens(text: &str, run: Range<usize>) -> impl Iterator<Item = Token<'_>> {
    let base = run.start;
    let slice = &text[run];
    pieces(slice).flat_map(move |(at, piece)| {
        let start = base + at;
        let found: Vec<Token<'_>> = if is_address(piece) {
            vec![Token { range: start..start + piece.len(), text: piece, word: false }]
        } else {
            words_of(piece)
                .map(|(from, word)| Token {
                    range: start + from..start + from + word.len(),
                    text: word,
                    word: !word.chars().any(|c| c.is_ascii_digit()),
                })
                .collect()
        };
        found
    })
}

/// The whitespace-separated pieces of `text`, with their offsets.
fn pieces(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(char::is_whitespace)
        .scan(0, |at, piece| {
            let start = *at;
            *at +=
                piece.len() + text[start + piece.len()..].chars().next().map_or(0, char::len_utf8);
            Some((start, piece))
        })
        .filter(|(_, piece)| !piece.is_empty())
}

/// The words of one piece: runs of letters and digits, a joining character
/// kept only between two of them.
fn words_of(piece: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut chars = piece.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = piece.len();
        while let Some((at, c)) = chars.next() {
            if c.is_alphanumeric() {
                continue;
            }
            if joins(c) && chars.peek().is_some_and(|(_, next)| next.is_alphanumeric()) {
                continue;
            }
            end = at;
            break;
        }
        Some((start, &piece[start..end]))
    })
}

/// The byte ranges of a Markdown field that hold words as written: its
/// text, not code, raw HTML or a link's address. Text next to text with
/// only white space between is one run, so "the\nthe" is seen as written
/// twice. A run that is not the source as written (an entity, `&amp;`) is
/// left out: its letters are not words.
pub(super) fn markdown_runs(markdown: &str) -> Vec<Range<usize>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut code = 0usize;
    // An indented paragraph is a code block to Markdown, but the letter
    // prints it as prose (`wording::markdown`), so its words are checked.
    let mut indented = false;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => indented = true,
            Event::End(TagEnd::CodeBlock) if indented => indented = false,
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                code = code.saturating_sub(1);
            }
            Event::Text(text) if code == 0 && markdown.get(range.clone()) == Some(&*text) => {
                match runs.last_mut() {
                    Some(last)
                        if last.end <= range.start
                            && markdown[last.end..range.start].chars().all(char::is_whitespace) =>
                    {
                        last.end = range.end;
                    }
                    _ => runs.push(range),
                }
            }
            _ => {}
        }
    }
    runs
}
