//! A wording template's front matter: a TOML block between `+++` lines at
//! the top of the file, saying what the template is for and what kind of
//! letter it makes.

use serde::Deserialize;

use crate::model::{Check, LetterKind, Section};

/// The front matter's fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrontMatter {
    /// One line saying what the letter is, for `letterpress templates`.
    #[serde(default)]
    pub(super) about: Option<String>,
    /// The PDF's title (placeholders allowed).
    #[serde(default)]
    pub(super) title: Option<String>,
    /// The PDF's subject line (placeholders allowed).
    #[serde(default)]
    pub(super) subject: Option<String>,
    /// Extra PDF keywords (placeholders allowed).
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    needs: Option<Vec<Section>>,
    #[serde(default)]
    checks: Option<Vec<Check>>,
}

impl FrontMatter {
    /// What the template needs of a finding file; without `needs` and
    /// `checks`, what the monitoring letter needs.
    pub(super) fn kind(&self) -> LetterKind {
        let default = LetterKind::default();
        LetterKind {
            needs: self.needs.clone().unwrap_or(default.needs),
            checks: self.checks.clone().unwrap_or(default.checks),
        }
    }
}

/// A template's text split into its front matter and its body. The body
/// keeps the front matter's lines as a tera comment, so tera reports every
/// problem at the line of the file.
pub(super) struct Split {
    pub(super) front: Option<(String, usize)>,
    pub(super) body: String,
}

/// The fence that opens and closes the front matter.
const FENCE: &str = "+++";

/// Splits `text`; `Err` holds the line of an unclosed fence.
pub(super) fn split(text: &str) -> Result<Split, usize> {
    let Some((bytes, count)) = fenced(text)? else {
        return Ok(Split { front: None, body: text.to_owned() });
    };
    let first = text.split_inclusive('\n').next().unwrap_or_default().len();
    let last = text[..bytes].trim_end_matches(['\r', '\n']).rfind('\n').map_or(bytes, |at| at + 1);
    let front = text[first..last].to_owned();
    // As many lines as the front matter, and `-#}` trims the line break
    // after it, so the body starts where it did.
    let body = format!("{{#-{}-#}}\n{}", "\n".repeat(count - 1), &text[bytes..]);
    Ok(Split { front: Some((front, 2)), body })
}

/// Where a template's front matter ends: its length in bytes, fences
/// included, and in lines; `None` without one; `Err` holds the line of an
/// unclosed fence.
fn fenced(text: &str) -> Result<Option<(usize, usize)>, usize> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next().filter(|first| first.trim_end() == FENCE) else {
        return Ok(None);
    };
    let mut consumed = first.len();
    for (count, line) in (2..).zip(lines) {
        consumed += line.len();
        if line.trim_end() == FENCE {
            return Ok(Some((consumed, count)));
        }
    }
    Err(1)
}

/// How many bytes a template's front matter takes, fences included (0
/// without one, or with an unclosed one, which loading reports): what a
/// reader of the template's words skips.
pub fn front_matter_len(text: &str) -> usize {
    fenced(text).ok().flatten().map_or(0, |(bytes, _)| bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keeps_the_body_on_its_own_lines() {
        let parts = split("+++\nabout = \"x\"\n+++\nDear {{ y }}\n").unwrap();
        assert_eq!(parts.front.unwrap().0, "about = \"x\"\n");
        assert_eq!(parts.body.lines().position(|l| l.contains("Dear")), Some(3));
        assert!(parts.body.starts_with("{#-"));
        assert_eq!(split("no front matter").unwrap().body, "no front matter");
        assert!(split("+++\nabout = 1\n").is_err());
    }

    #[test]
    fn the_front_matters_length_counts_both_fences_whatever_the_line_ends() {
        let crlf = "+++\r\nabout = \"x\"\r\n+++\r\nDear";
        assert_eq!(front_matter_len(crlf), crlf.len() - "Dear".len());
        assert_eq!(split(crlf).unwrap().front.unwrap().0, "about = \"x\"\r\n");
        assert_eq!(front_matter_len("+++\n+++"), 7);
        assert_eq!(front_matter_len("+++\nabout = 1\n"), 0);
        assert_eq!(front_matter_len("Dear"), 0);
    }
}
