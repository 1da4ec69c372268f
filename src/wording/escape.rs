//! Escaping of untrusted text for typst.
//!
//! Everything an inspector writes reaches typst through one of two sinks, and
//! this module is the only place that knows how to make text safe for each:
//!
//! - **markup** ([`markup`]): text that typst parses as markup (inside a
//!   content block `[...]` or at the top level of a document). Every character
//!   that can start a markup construct is preceded by a backslash. In typst,
//!   `\` followed by any non-whitespace character is that character literally,
//!   so over-escaping is harmless and no character can ever start code (`#`),
//!   math (`$`), a label (`<`), a reference (`@`), a comment (`//`), raw text
//!   (`` ` ``), a list marker, a URL or the end of a content block (`]`).
//!   Whitespace is never escaped (a backslash before whitespace would be a line
//!   break), and line breaks are folded into spaces so no escaped text can land
//!   at the start of a line.
//! - **string literals** ([`string`]): text placed between double quotes in
//!   typst code, such as a link target or raw code. Only `\` and `"` end or
//!   alter a string literal, plus control characters written as escapes.
//!
//! Both are total functions: every input string yields text that typst reads
//! back as exactly that input, so injection is impossible by construction
//! rather than by a list of forbidden inputs.

use std::fmt::Write;

/// Characters that get a backslash in markup.
///
/// The union of what pandoc's and cmarker's typst writers escape, plus the
/// characters that can continue an embedded expression (`(`, `.`, `;`) so text
/// that follows a `#call[...]` can never be read as part of it.
const MARKUP_SPECIAL: &[u8] = b"\\#[]$*_`<>@~'\"=-+./:;(){}";

/// What escaping does with each ASCII byte, so the common case costs one
/// table lookup: every special character is ASCII.
#[derive(Clone, Copy, PartialEq)]
enum Ascii {
    Plain,
    /// Folded into a single space (what `char::is_whitespace` says).
    Space,
    /// Gets a backslash ([`MARKUP_SPECIAL`]).
    Special,
}

const ASCII: [Ascii; 128] = {
    let mut table = [Ascii::Plain; 128];
    let mut i = 0;
    while i < MARKUP_SPECIAL.len() {
        table[MARKUP_SPECIAL[i] as usize] = Ascii::Special;
        i += 1;
    }
    let mut b = 0;
    while b < 128 {
        if (b as u8 as char).is_whitespace() {
            table[b] = Ascii::Space;
        }
        b += 1;
    }
    table
};

/// Escapes `text` so that typst markup shows it verbatim.
///
/// Line breaks and other whitespace runs become single spaces: a plain text
/// field is one run of text in the letter, and a raw newline would let the
/// next character start a heading or list.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_markup(&mut out, text);
    out
}

/// Appends the markup-escaped form of `text` to `out` (see [`markup`]).
pub fn push_markup(out: &mut String, text: &str) {
    markup_pieces(text, |piece| out.push_str(piece));
}

/// Hands the markup-escaped form of `text` to `emit`, piece by piece, so a
/// caller writing to a stream needs no string of its own (tera's escape
/// function runs for every `{{ }}` of a template).
///
/// Runs of ordinary characters go out whole; only whitespace and the
/// special characters are looked at one by one. (Prose fields are escaped on
/// every render, so this is on the edit-to-preview path.)
pub fn markup_pieces(text: &str, mut emit: impl FnMut(&str)) {
    let mut plain_from = 0;
    let mut in_space = false;
    let mut i = 0;
    while i < text.len() {
        let byte = text.as_bytes()[i];
        let (kind, width) = match ASCII.get(usize::from(byte)) {
            Some(&kind) => (kind, 1),
            None => {
                // Outside ASCII only whitespace matters; a no-break space is
                // kept as the character itself (typst's shorthand is `~`).
                let c = text[i..].chars().next().unwrap_or_default();
                let kind =
                    if c.is_whitespace() && c != '\u{a0}' { Ascii::Space } else { Ascii::Plain };
                (kind, c.len_utf8())
            }
        };
        match kind {
            Ascii::Plain => in_space = false,
            // A lone space is already what it folds to: it stays in the run.
            Ascii::Space if byte == b' ' && !in_space => in_space = true,
            Ascii::Space => {
                emit(&text[plain_from..i]);
                plain_from = i + width;
                if !in_space {
                    emit(" ");
                }
                in_space = true;
            }
            Ascii::Special => {
                emit(&text[plain_from..i]);
                emit("\\");
                plain_from = i;
                in_space = false;
            }
        }
        i += width;
    }
    emit(&text[plain_from..]);
}

/// Hands the Markdown-escaped form of `text` to `emit`: what a wording
/// template's `{{ }}` prints. Every ASCII punctuation character gets a
/// backslash (CommonMark reads `\` before any of them as that character) and
/// whitespace runs fold to one space, so a value can never start a heading, a
/// list, emphasis, a link or raw HTML, whatever it holds; the Markdown writer
/// then makes the text safe for typst as it does prose.
pub fn markdown_pieces(text: &str, mut emit: impl FnMut(&str)) {
    let mut plain_from = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if c.is_ascii_punctuation() {
            emit(&text[plain_from..i]);
            emit("\\");
            plain_from = i;
            in_space = false;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if c != ' ' || in_space {
                emit(&text[plain_from..i]);
                plain_from = i + c.len_utf8();
                if !in_space {
                    emit(" ");
                }
            }
            in_space = true;
        } else {
            in_space = false;
        }
    }
    emit(&text[plain_from..]);
}

/// Quotes `text` as a typst string literal, including the double quotes.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text as XML or HTML character data (the DOCX's parts, the preview's
/// pages): markup characters and quotes escaped, and the characters XML 1.0
/// cannot hold at all (controls but tab and line ends) left out.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_typst_trigger() {
        assert_eq!(markup(r#"#read("/etc/passwd") $x$"#), r#"\#read\(\"\/etc\/passwd\"\) \$x\$"#);
        assert_eq!(markup("@ref <l> *b* _i_"), r"\@ref \<l\> \*b\* \_i\_");
        assert_eq!(markup(r"\ [a] ~ // x"), r"\\ \[a\] \~ \/\/ x");
    }

    #[test]
    fn markup_folds_line_breaks_so_nothing_starts_a_line() {
        assert_eq!(markup("a\n= heading\n\n- item"), r"a \= heading \- item");
    }

    #[test]
    fn markup_escapes_each_special_character_wherever_it_stands() {
        for &byte in MARKUP_SPECIAL {
            let c = byte as char;
            assert_eq!(markup(&c.to_string()), format!("\\{c}"));
            assert_eq!(markup(&format!("é{c}é")), format!("é\\{c}é"));
        }
    }

    #[test]
    fn markup_folds_unicode_whitespace_but_keeps_no_break_spaces() {
        assert_eq!(markup("a\u{2003}\u{2003}\tb\u{a0}c\u{2028}"), "a b\u{a0}c ");
    }

    #[test]
    fn markup_keeps_plain_text_readable() {
        assert_eq!(markup("Dear Mr Douglas"), "Dear Mr Douglas");
        assert_eq!(markup("Cafcass’ café"), "Cafcass’ café");
    }

    fn md(text: &str) -> String {
        let mut out = String::new();
        markdown_pieces(text, |piece| out.push_str(piece));
        out
    }

    #[test]
    fn markdown_escapes_punctuation_and_folds_line_breaks() {
        assert_eq!(md("# a_b *c* <d> 1. e@f.g"), r"\# a\_b \*c\* \<d\> 1\. e\@f\.g");
        assert_eq!(md("a\n\n- b  \tc"), r"a \- b c");
        assert_eq!(md("Cafcass’ café\u{a0}x"), "Cafcass’ café\u{a0}x");
    }

    #[test]
    fn string_escapes_quotes_backslashes_and_controls() {
        assert_eq!(string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string("l1\nl2\t\u{7}"), r#""l1\nl2\t\u{7}""#);
    }
}
