//! Two mistakes toml names in its own words, which no inspector could act
//! on: a character that cannot be seen (a NUL, an escape, pasted from
//! another program or left by a broken save) and a value nested thousands
//! of brackets deep.

use std::ops::Range;

use super::{Line, example_for};

/// How toml starts its message for a value nested past its limit.
pub(super) const TOO_DEEP: &str = "cannot recurse further";

/// A problem on one line: what is wrong, the fix, where it is, and
/// whether the rest of the file is read as part of it.
pub(super) struct Found {
    pub said: String,
    pub fix: String,
    pub span: Range<usize>,
    pub swallows: bool,
}

/// The first control character on `line` other than a tab: what it is,
/// where (line and column, as the snippet cannot show it), and the line
/// without it.
pub(super) fn control_character(line: &Line<'_>) -> Option<Found> {
    let (at, c) = line.text.char_indices().find(|&(_, c)| c.is_control() && c != '\t')?;
    let column = line.text[..at].chars().count() + 1;
    let what = match c {
        '\0' => "a NUL character (U+0000, a zero byte)".to_owned(),
        '\u{1b}' => "an escape character (U+001B)".to_owned(),
        c => format!("a control character (U+{:04X})", u32::from(c)),
    };
    let without: String = line.text.chars().filter(|&c| !c.is_control() || c == '\t').collect();
    Some(Found {
        said: format!(
            "line {}, column {column} holds {what}: it cannot be seen, and a letter cannot print it",
            line.number
        ),
        fix: format!("delete it; write the line as: {}", without.trim_end()),
        span: line.start + at..line.start + at + c.len_utf8(),
        swallows: false,
    })
}

/// A value whose brackets open inside each other past toml's limit
/// (`a = [[[[[…`): how deep it goes, said as lists, and an example of
/// what the field holds. When its brackets never close on the line, the
/// rest of the file is read as part of it.
pub(super) fn too_deep(line: &Line<'_>) -> Found {
    let (key, value) = line.text.split_once('=').unwrap_or(("", line.text));
    let key = key.trim();
    let opened = value.chars().filter(|c| matches!(c, '[' | '{')).count();
    let closed = value.chars().filter(|c| matches!(c, ']' | '}')).count();
    let first = line.text.len() - value.len() + value.find(['[', '{']).unwrap_or(0);
    let fix = match key {
        "" => "a field holds text, a date or one list of text".to_owned(),
        key => format!("a field holds text, a date or one list of text: {}", example_for(key)),
    };
    Found {
        said: format!(
            "line {} opens {opened} brackets [ or {{ inside each other, more than any value holds",
            line.number
        ),
        fix,
        span: line.start + first..line.start + first + 1,
        swallows: opened > closed,
    }
}
