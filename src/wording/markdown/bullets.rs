//! Bullets pasted from Word. Word's list items come out as lines starting
//! with `•` (or `◦`, `▪`, `·`, a dash `–`): Markdown reads them as lines of
//! one paragraph, so the letter runs the items together. Each such line gets
//! a warning at its bullet saying how to write a list. (Word's `1)` numbering
//! is Markdown's own and becomes a list as it is.)

use crate::finding::ProseRemark;

/// The characters Word's bulleted lists paste as.
const BULLETS: &[char] = &['•', '◦', '▪', '·', '–', '‣', '●', '○', '■', '□', '➢', '✓'];

/// A remark on each line of `markdown` that starts with one of Word's
/// bullets, outside fenced code.
pub(super) fn remarks(markdown: &str) -> Vec<ProseRemark> {
    let mut found = Vec::new();
    let mut offset = 0;
    let mut fenced = false;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim_start();
        if text.starts_with("```") || text.starts_with("~~~") {
            fenced = !fenced;
        }
        let Some(bullet) = text.chars().next().filter(|c| BULLETS.contains(c)) else { continue };
        let after = &text[bullet.len_utf8()..];
        if fenced || !after.starts_with([' ', '\t']) || after.trim().is_empty() {
            continue;
        }
        let at = start + line.len() - text.len();
        found.push(ProseRemark {
            range: at..at + bullet.len_utf8(),
            message: format!(
                "this line starts with `{bullet}`, a bullet from Word: the letter prints it inside the paragraph, not as a list"
            ),
            hint: Some(
                "write each item of a list on its own line starting with - and a space (- like this), with an empty line before the first"
                    .to_owned(),
            ),
            word: None,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_bullets_are_named_at_their_line_and_a_list_is_not() {
        let text =
            "We found:\n  • caseloads – £250 each\n\t◦ drift’s “cost”\n- a list\n1) numbered\n• ";
        let found = remarks(text);
        let at: Vec<&str> = found.iter().map(|r| &text[r.range.clone()]).collect();
        assert_eq!(at, ["•", "◦"]);
        assert!(found[0].message.contains("a bullet from Word"));
    }

    #[test]
    fn following_the_hint_makes_a_list() {
        let fixed = "We found:\n\n- caseloads\n- drift\n";
        assert!(remarks(fixed).is_empty());
        let typst = super::super::to_typst(fixed, None, Default::default()).markup;
        assert!(typst.contains("#list("), "{typst}");
    }
}
