//! toml's syntax errors in words an inspector knows.
//!
//! toml describes a mistake as its grammar sees it ("string values must be
//! quoted", "duplicate key"); someone who writes letters in Word needs to hear
//! what they did ("write the date as 2026-11-27", "these are curly quotes").
//! Each error is classified by toml's message together with the line it is
//! on, and comes back with the line written as it should be where that can be
//! worked out. Two mistakes make toml read the rest of the file as something
//! else (a text block or a list never closed); each is reported once, at the
//! line that opened it, and nothing toml found after it is shown.

use std::ops::Range;

use crate::diagnostic::Problem;

use super::dates;
use crate::model::fields::{self, FIELDS, Table, key, top_level_keys};

/// Whether `name` is a table of a finding file, as headers name it.
fn is_table(name: &str) -> bool {
    Table::TABLES.iter().any(|t| t.key() == name)
}

/// What is wrong with an area's header written `[area]`.
const AREA_HEADER: &str = "each area starts with [[area]], two brackets on each side";

/// Curly quotes and other quotation marks word processors type.
const CURLY_DOUBLE: &[char] = &['“', '”', '„', '‟', '«', '»'];
const CURLY_SINGLE: &[char] = &['‘', '’', '‚', '‛'];

/// The plain-words problems for toml's syntax errors in `text`, one per
/// line, and the offset up to which toml read the file as it is meant (the
/// opening of a text block or list never closed; else its end): what toml
/// found after it is the inspector's text read as lines.
pub(super) fn problems(text: &str, errors: &[toml::de::Error]) -> (Vec<Problem>, usize) {
    if errors.is_empty() {
        return (Vec::new(), text.len());
    }
    let mut read_as_meant = text.len();
    let mut problems = Vec::new();
    // Named even after other mistakes: what toml finds after its opener
    // is only the block's text read as lines.
    let block = unclosed_block(text);
    let mut lines: Vec<usize> = Vec::new();
    // After a section header written twice, toml finds every key in it
    // written twice too: echoes of the one mistake.
    let mut repeated_section = false;
    let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    for err in errors {
        let at = text.floor_char_boundary(err.span().map_or(0, |s| s.start));
        if block.as_ref().is_some_and(|(open, _)| at >= open.start) {
            continue;
        }
        let line = Line::at(text, at);
        let is_header = line.text.trim_start().starts_with('[');
        let duplicate = err.message().starts_with("duplicate key");
        if is_header {
            repeated_section = duplicate;
        } else if repeated_section && duplicate {
            continue;
        }
        // A right `[[area]]` after an `[area]`: the mistake is that line,
        // said once, never every area after it.
        let single = (duplicate && header_of(line.text) == "[[area]]")
            .then(|| first_header(text, &line, "[area]"))
            .flatten();
        if let Some(number) = single {
            if !lines.contains(&number) {
                lines.push(number);
                let start: usize = text.split_inclusive('\n').take(number - 1).map(str::len).sum();
                let header = Line::at(text, start);
                let span = start + header.text.find('[').unwrap_or(0);
                problems.push(
                    Problem::error(None, AREA_HEADER, Some(span..start + header.text.len()))
                        .with_hint("write the line as: [[area]]"),
                );
            }
            continue;
        }
        if lines.contains(&line.number) {
            continue;
        }
        lines.push(line.number);
        let (problem, swallows) = explain(text, &line, err.message(), at, err.span());
        if swallows {
            read_as_meant = problem.span.as_ref().map_or(at, |s| s.start);
            problems.push(problem);
            break;
        }
        problems.push(problem);
    }
    if let Some((open, closes_before)) = block {
        read_as_meant = read_as_meant.min(open.start);
        let opened = Line::at(text, open.start);
        let key = opened.text.split('=').next().unwrap_or_default().trim();
        let quotes = &text[open.clone()];
        let which = if quotes == "\"\"\"" { "double" } else { "single" };
        let mut problem = Problem::error(
            None,
            format!(
                "the text block opened on line {} with {quotes} is never closed",
                opened.number
            ),
            Some(open),
        );
        problem.field = Some(key.to_owned()).filter(|k| !k.is_empty());
        problems.push(problem.with_hint(match closes_before {
            Some(line) => format!(
                "end the text with three {which} quotes {quotes} before line {line}; until then everything is read as part of it"
            ),
            None => format!("end the text with three {which} quotes {quotes}"),
        }));
    }
    (problems, read_as_meant)
}

/// One line of the file.
struct Line<'a> {
    /// 1-based.
    number: usize,
    /// Byte offset of its first character.
    start: usize,
    /// Without the line break.
    text: &'a str,
}

impl<'a> Line<'a> {
    fn at(text: &'a str, offset: usize) -> Line<'a> {
        let offset = text.floor_char_boundary(offset);
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let number = text[..start].matches('\n').count() + 1;
        Line { number, start, text: text[start..end].trim_end_matches('\r') }
    }
}

/// Explains one toml error at `at` on `line`; true when it makes toml read
/// the rest of the file wrongly, so later errors are only its echoes.
fn explain(
    text: &str,
    line: &Line<'_>,
    message: &str,
    at: usize,
    mut span: Option<Range<usize>>,
) -> (Problem, bool) {
    let unseen = unseen::control_character(line);
    if let Some(found) =
        unseen.or_else(|| message.starts_with(unseen::TOO_DEEP).then(|| unseen::too_deep(line)))
    {
        return (
            Problem::error(None, found.said, Some(found.span)).with_hint(found.fix),
            found.swallows,
        );
    }
    let column = line.text.floor_char_boundary(at.saturating_sub(line.start));
    let mut swallows = false;
    let (said, fix) = if line.text.trim_start().starts_with('[') {
        header(text, line, message)
    } else if let Some(found) = curly_quotes(line.text) {
        found
    } else if message.starts_with("missing comma") && line.text[..column].trim().is_empty() {
        // The entry after the missing comma starts this line: the comma is
        // missing at the end of the line above, or the list was never closed.
        if looks_like_toml(line.text) {
            swallows = true;
            let open = text[..at].rfind('[').unwrap_or(0);
            span = Some(open..open + 1);
            (
                format!(
                    "the list opened on line {} with [ is never closed",
                    Line::at(text, open).number
                ),
                format!(
                    "end it with ] before line {}; until then everything is read as part of it",
                    line.number
                ),
            )
        } else {
            let above = line.number.saturating_sub(1);
            (
                format!("a comma is missing at the end of line {above}"),
                "put a comma after each entry of a list".to_owned(),
            )
        }
    } else {
        assignment(text, line, message, column)
    };
    let span = span.map(|s| s.start.min(text.len())..s.end.min(text.len()));
    (Problem::error(None, said, span).with_hint(fix), swallows)
}

/// `name = value   # comment`, split at the first `=` (or `:`) before any
/// quote, and before the comment `new` writes after a value.
struct Parts<'a> {
    indent: &'a str,
    key: &'a str,
    separator: Option<char>,
    value: &'a str,
    /// The trailing comment with the space before it, or "".
    comment: &'a str,
}

fn parts(line: &str) -> Parts<'_> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let rest = line.trim_start();
    let end = rest.find(['"', '\'', '[']).unwrap_or(rest.len());
    let (key, separator, value) = match rest[..end].find(['=', ':']) {
        Some(i) => (rest[..i].trim(), rest[i..].chars().next(), rest[i + 1..].trim()),
        // No separator: the name is the first word.
        None => {
            let i = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..i], None, rest[i..].trim())
        }
    };
    let (value, comment) = split_comment(value);
    Parts { indent, key, separator, value, comment }
}

/// A line's indent as a hint shows it: a tab as spaces (the terminal would
/// show it as `\u{9}`).
fn spaced(indent: &str) -> String {
    indent.replace('\t', "    ")
}

/// A value and the comment after it (with the spaces before it). A `#`
/// after a space starts the comment where what comes before it is a whole
/// value: unquoted, or ending with the quote (or `]`) it started with; a
/// `#` inside text (`the team's #1 priority`) does not.
fn split_comment(value: &str) -> (&str, &str) {
    let closer = match value.chars().next() {
        Some(quote @ ('"' | '\'')) => Some(quote),
        Some('[') => Some(']'),
        _ => None,
    };
    for (at, _) in value.match_indices('#') {
        let before = &value[..at];
        if !before.ends_with(char::is_whitespace) {
            continue;
        }
        let kept = before.trim_end();
        let whole = match closer {
            Some(close) => kept.len() > 1 && kept.ends_with(close),
            None => true,
        };
        if whole {
            return (kept, &value[kept.len()..]);
        }
    }
    (value, "")
}

/// Says what is wrong with a `name = value` line.
fn assignment(text: &str, line: &Line<'_>, message: &str, column: usize) -> (String, String) {
    let Parts { indent, key, separator, value, comment } = parts(line.text);
    let indent = spaced(indent);
    // A comment stays a comment, after the value.
    let write =
        |key: &str, value: &str| format!("write the line as: {indent}{key} = {value}{comment}");
    let quoted = |value: &str| {
        if value.contains('"') { format!("'{value}'") } else { format!("\"{value}\"") }
    };
    if separator == Some(':') {
        return ("use = between the name and the value, not :".to_owned(), write(key, value));
    }
    if key.contains(char::is_whitespace) {
        let joined = key.split_whitespace().collect::<Vec<_>>().join("_");
        return (
            format!("the name `{key}` has a space in it: names join words with _"),
            write(&joined, value),
        );
    }
    if separator.is_none() {
        return (format!("`{key}` needs = between the name and its value"), write(key, value));
    }
    if message.starts_with("duplicate key") {
        let first = first_in_section(text, line, key)
            .map_or(String::new(), |n| format!(" (first on line {n})"));
        let hint = if fields::find(key::AREA, key).is_some() {
            "if a new area starts here, put [[area]] on the line above it; otherwise keep one of the two lines"
        } else {
            "keep one of the two lines and delete the other"
        };
        return (format!("`{key}` is written twice in the same section{first}"), hint.to_owned());
    }
    if value.is_empty() {
        return (format!("`{key}` has no value after ="), example_for(key));
    }
    if let Some(date) = dates::from_words(value.trim_matches(['"', '\''])) {
        let reason = if message.contains("invalid date") || message.contains("invalid time") {
            "a date is written year-month-day, with two digits for month and day"
        } else {
            "a date is written year-month-day"
        };
        return (format!("{reason}: write the date as {date}"), write(key, &date.to_string()));
    }
    if message.contains("invalid date") || message.contains("invalid time") {
        let why = dates::why_not(value).unwrap_or_else(|| "it is not a date".to_owned());
        return (
            format!("{value} is not a date: {why}"),
            "write the date as year-month-day, like 2026-11-27".to_owned(),
        );
    }
    // `value` is a slice of the line.
    let value_at = value.as_ptr() as usize - line.text.as_ptr() as usize;
    if value.starts_with('[') {
        return list(line.text, message, column, key, (value, comment));
    }
    if let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') {
        return string(message, quote, value, key, column.saturating_sub(value_at), &write);
    }
    if message.starts_with("string values must be quoted") {
        return (
            "text must be in straight double quotes \" \"".to_owned(),
            write(key, &quoted(value)),
        );
    }
    fallback()
}

/// A problem inside a value that starts with a quote.
fn string(
    message: &str,
    quote: char,
    value: &str,
    key: &str,
    column: usize,
    write: &dyn Fn(&str, &str) -> String,
) -> (String, String) {
    let inner = value.strip_prefix(quote).unwrap_or(value);
    if message.contains("escaped value") || message.contains("unicode") {
        return (
            "a backslash \\ in text in double quotes starts a special character".to_owned(),
            format!(
                "write \\\\ for each backslash, or put the text in single quotes: {key} = '{}'",
                inner.trim_end_matches('"')
            ),
        );
    }
    let closed = match quote {
        '"' => unescaped_quotes(inner),
        _ => inner.matches('\'').count(),
    };
    if closed == 0 {
        let fixed = format!("{quote}{}{quote}", inner.trim_end());
        return ("the text has no closing quote".to_owned(), write(key, &fixed));
    }
    if message.contains("expected newline")
        && value[value.floor_char_boundary(column)..].trim() == ","
    {
        return (
            "a comma after the value: only lists have commas".to_owned(),
            write(key, value.trim_end().trim_end_matches(',')),
        );
    }
    if message.contains("expected newline") {
        let body = value[1..].trim_end();
        let body = body.strip_suffix(quote).unwrap_or(body);
        let fixed = match quote {
            '\'' => format!("\"{}\"", body.replace('"', "\\\"")),
            _ if !body.contains('\'') => format!("'{body}'"),
            _ => format!("\"{}\"", body.replace('"', "\\\"")),
        };
        let said = match quote {
            '\'' => "an apostrophe inside a value in single quotes ends it early",
            _ => "a quote inside a value ends it early: use '…' around it or write \\\"",
        };
        return (said.to_owned(), write(key, &fixed));
    }
    fallback()
}

/// A problem inside a list `[…]` on one line.
fn list(
    line: &str,
    message: &str,
    column: usize,
    key: &str,
    (value, comment): (&str, &str),
) -> (String, String) {
    let column = line.floor_char_boundary(column);
    if message.starts_with("missing comma") {
        let fixed = format!("{}, {}", line[..column].trim_end(), &line[column..]);
        return (
            "a comma is missing between two entries of the list".to_owned(),
            format!("write the line as: {fixed}"),
        );
    }
    if message.starts_with("string values must be quoted") {
        let inner = value.trim_start_matches('[').trim_end_matches(']');
        let entries: Vec<String> = inner
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| if e.starts_with(['"', '\'']) { e.to_owned() } else { format!("\"{e}\"") })
            .collect();
        return (
            "each entry of a list must be in straight double quotes \" \"".to_owned(),
            format!("write the line as: {key} = [{}]{comment}", entries.join(", ")),
        );
    }
    fallback()
}

/// A problem on a `[table]` header line.
fn header(text: &str, line: &Line<'_>, message: &str) -> (String, String) {
    let written = line.text.trim();
    let name = written.trim_matches(['[', ']', ' ']).trim();
    let known = is_table(name);
    let right = if name == key::AREA { "[[area]]".to_owned() } else { format!("[{name}]") };
    if message.starts_with("duplicate key") && name == key::AREA {
        return (AREA_HEADER.to_owned(), "write the line as: [[area]]".to_owned());
    }
    if message.starts_with("duplicate key") {
        let first = first_header(text, line, written)
            .map_or(String::new(), |n| format!(" (first on line {n})"));
        return (
            format!("the section {written} is written twice{first}"),
            format!("put all of {written}'s lines under one {written} header"),
        );
    }
    if known && !written.ends_with(']') {
        return (
            format!("the section header {written} has no closing ]"),
            format!("write the line as: {right}"),
        );
    }
    if known && written != right {
        let why = if name == key::AREA {
            AREA_HEADER
        } else {
            "a section header has one bracket on each side"
        };
        return (why.to_owned(), format!("write the line as: {right}"));
    }
    (
        format!("`{written}` is not a section header"),
        "a section header is a name in square brackets on its own line, like [recipient] or [[area]]"
            .to_owned(),
    )
}

/// Curly quotes from a word processor where a value's quotes belong.
fn curly_quotes(line: &str) -> Option<(String, String)> {
    let Parts { indent, key, value, comment, .. } = parts(line);
    let indent = spaced(indent);
    let chars: Vec<char> = value.chars().collect();
    // A curly quote that opens or closes a value or a list entry, rather
    // than an apostrophe or a quotation inside the text.
    let delimits = |i: usize| {
        let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        matches!(before, None | Some('[' | ',')) || matches!(after, None | Some(',' | ']' | '#'))
    };
    let curly = |c: &char| CURLY_DOUBLE.contains(c) || CURLY_SINGLE.contains(c);
    if !chars.iter().enumerate().any(|(i, c)| curly(c) && delimits(i)) {
        return None;
    }
    let fixed: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| if curly(c) && delimits(i) { '"' } else { *c })
        .collect();
    Some((
        "these are curly quotes from a word processor: use straight quotes \" \"".to_owned(),
        format!("write the line as: {indent}{key} = {fixed}{comment}"),
    ))
}

/// What a value of `key` looks like, for a line with none (its shape's
/// example, `model::fields`).
fn example_for(key: &str) -> String {
    let value = FIELDS.iter().find(|f| f.key == key).map_or("\"the text\"", |f| f.shape.example());
    format!("give it a value, like: {key} = {value}")
}

/// When nothing more particular can be said.
fn fallback() -> (String, String) {
    (
        "this line is not written the way a finding file needs".to_owned(),
        "each line is a name, =, and a value: text in straight double quotes (role = \"Chief Executive\"), dates as year-month-day (date = 2026-11-27), lists in square brackets ([\"first\", \"second\"])".to_owned(),
    )
}

/// Whether `line` is a line of the finding file's own, not prose: a known
/// section header or a known name followed by `=`.
fn looks_like_toml(line: &str) -> bool {
    let line = line.trim();
    if line.starts_with('[') {
        return is_table(line.trim_matches(['[', ']', ' ']));
    }
    let Some((key, value)) = line.split_once('=') else { return false };
    let (key, value) = (key.trim(), value.trim_start());
    // A value as toml writes one, not prose that happens to hold an `=`.
    let starts_value = value.starts_with(['"', '\'', '[', '{'])
        || value.starts_with(|c: char| c.is_ascii_digit())
        || value.starts_with("true")
        || value.starts_with("false");
    if !starts_value {
        return false;
    }
    top_level_keys().any(|k| k == key) || FIELDS.iter().any(|f| f.key == key)
}

/// The line where `key` was first written in the section holding `line`.
fn first_in_section(text: &str, line: &Line<'_>, key: &str) -> Option<usize> {
    let section = text[..line.start].rfind("\n[").map_or(0, |i| i + 1);
    let first = Line::at(text, section).number;
    text[section..line.start]
        .lines()
        .position(|l| {
            let parts = parts(l);
            parts.key == key && parts.separator == Some('=')
        })
        .map(|i| first + i)
}

/// The line where the header `written` first appears before `line`.
fn first_header(text: &str, line: &Line<'_>, written: &str) -> Option<usize> {
    let written = header_of(written);
    text[..line.start].lines().position(|l| header_of(l) == written).map(|i| i + 1)
}

/// A header line without its comment (`new` writes `[[area]] # 1`).
fn header_of(line: &str) -> &str {
    line.split('#').next().unwrap_or_default().trim()
}

/// How many double quotes in `text` are not escaped with a backslash.
fn unescaped_quotes(text: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

/// A text block that is never closed where it should be: the span of its
/// opening `"""` (or `'''`), and the first line of the file's own it
/// swallowed, if any. A block is taken to be unclosed when it runs to the
/// end of the file, or when what closes it is the opening of the next block
/// (`progress = """`): toml then reads the next block's text as lines of
/// the file.
fn unclosed_block(text: &str) -> Option<(Range<usize>, Option<usize>)> {
    // The open block: where it opened, its delimiter, and the first line
    // inside it that looks like a line of the file's own.
    let mut open: Option<(usize, &str, Option<usize>)> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let mut rest = 0;
        if let Some((at, delimiter, swallowed)) = open.as_mut() {
            let own = looks_like_toml(raw);
            if own && swallowed.is_none() {
                *swallowed = Some(index + 1);
            }
            let Some(close) = closing(raw, delimiter) else { continue };
            let opens_next = own && raw[..close].trim_end().ends_with(*delimiter);
            if opens_next {
                return Some((*at..*at + 3, *swallowed));
            }
            rest = close;
            open = None;
        }
        // Outside a block: the blocks opened on this line, and whether the
        // last one is still open at its end.
        while let Some((found, delimiter)) = opening(&raw[rest..]) {
            let after = rest + found + 3;
            match closing(&raw[after..], delimiter) {
                Some(close) => rest = after + close,
                None => {
                    open = Some((start + rest + found, delimiter, None));
                    break;
                }
            }
        }
    }
    open.map(|(at, _, swallowed)| (at..at + 3, swallowed))
}

/// Where the first `"""` or `'''` outside a one-line string or comment
/// starts in `line`.
fn opening(line: &str) -> Option<(usize, &'static str)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => return None,
            b'"' | b'\'' => {
                let delimiter = if bytes[i] == b'"' { "\"\"\"" } else { "'''" };
                if line[i..].starts_with(delimiter) {
                    return Some((i, delimiter));
                }
                // A one-line string: skip to its end.
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' && quote == b'"' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// The offset just after the delimiter that closes a block in `text`.
fn closing(text: &str, delimiter: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if delimiter == "\"\"\"" && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        // Bytes, not `text[i..]`: `i` may be inside a character (`£`).
        if bytes[i..].starts_with(delimiter.as_bytes()) {
            let mut end = i + 3;
            // Up to two quotes more belong to the text.
            while end < bytes.len() && end < i + 5 && bytes[end] == delimiter.as_bytes()[0] {
                end += 1;
            }
            return Some(end);
        }
        i += 1;
    }
    None
}

mod unseen;

#[cfg(test)]
mod tests;
