//! A finding file's bytes as text, or why they are not: a file saved as
//! UTF-16 ("Unicode" in Notepad and Word), in Windows-1252 ("ANSI"), or a
//! Word document given a `.toml` name, each said in those words with how to
//! save it, and the line of the first character that cannot be read.

use std::path::Path;

use crate::diagnostic::{FileProblems, Problem};

/// How to save a file as UTF-8 from the programs inspectors use.
const SAVE_AS_UTF8: &str = "save the file as UTF-8: in Notepad, File > Save As and choose Encoding: UTF-8; in Word, Save As Plain Text (.txt) and choose Unicode (UTF-8), then rename it to .toml";

/// The text of a finding file read as `bytes`.
pub(super) fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, FileProblems> {
    let fail = |text: String, problem: Problem| FileProblems {
        path: path.to_path_buf(),
        text,
        problems: vec![problem],
    };
    // Plain ASCII saved as UTF-16 is valid UTF-8, with a zero byte after
    // every character.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0xFE, 0xFF])
        || bytes.iter().take(200).filter(|b| **b == 0).count() > 10;
    if utf16 {
        // Shown as the text it is, to point at its first line.
        let big_endian = bytes.starts_with(&[0xFE, 0xFF]) || bytes.first() == Some(&0);
        let units = bytes.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) }
        });
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .skip_while(|c| *c == '\u{FEFF}')
            .collect();
        let first = text.chars().next().map_or(0, char::len_utf8);
        let problem = Problem::error(
            None,
            "this file is saved as UTF-16 (\"Unicode\"), which letterpress cannot read",
            Some(0..first),
        );
        return Err(fail(text, problem.with_hint(SAVE_AS_UTF8)));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"{\\rtf") {
        let problem = Problem::error(
            None,
            "this is a Word document (or another word processor's file), not a plain-text finding file",
            None,
        );
        return Err(fail(String::new(), problem.with_hint("in Word, Save As Plain Text (.txt) and choose Unicode (UTF-8), then rename it to .toml; or start again with `letterpress new`")));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err.into_bytes(),
    };
    // Valid up to the first byte that is not: that line is shown, with each
    // unreadable byte as a replacement character rather than as itself.
    let bad = match std::str::from_utf8(&bytes) {
        Err(err) => err.valid_up_to(),
        Ok(_) => 0,
    };
    let line = bytes[..bad].iter().filter(|b| **b == b'\n').count() + 1;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let problem = Problem::error(
        None,
        format!(
            "line {line} has a character letterpress cannot read: the file is not saved as UTF-8 (perhaps as Windows-1252, \"ANSI\")"
        ),
        Some(bad..bad + '\u{FFFD}'.len_utf8()),
    );
    Err(fail(text, problem.with_hint(SAVE_AS_UTF8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(bytes: &[u8]) -> FileProblems {
        decode(Path::new("x.toml"), bytes.to_vec()).unwrap_err()
    }

    #[test]
    fn utf8_is_read_as_it_is() {
        assert_eq!(decode(Path::new("x.toml"), "a = \"é\"".into()).unwrap(), "a = \"é\"");
    }

    #[test]
    fn windows_1252_names_the_line_and_shows_no_raw_bytes() {
        let found = problem(b"a = 1\nname = \"O\x92Brien\"\n");
        let problem = &found.problems[0];
        assert!(problem.message.starts_with("line 2 has a character"), "{}", problem.message);
        assert_eq!(found.line_col(problem.span.clone().unwrap().start), (2, 10));
        assert!(found.text.contains("O\u{FFFD}Brien"));
        assert!(problem.hint.as_deref().unwrap().starts_with("save the file as UTF-8"));
    }

    #[test]
    fn utf16_and_word_documents_are_named() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a = 1\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let found = problem(&utf16);
        assert!(found.problems[0].message.contains("UTF-16"));
        assert_eq!(found.text, "a = 1\n", "shown as the text it is");
        let word = problem(b"PK\x03\x04\x14\x00\x06\x00\xff\xfe");
        assert!(word.problems[0].message.contains("Word document"));
    }
}
