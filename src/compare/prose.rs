//! Prose compared as a reviewer reads it: paragraphs first, then the words
//! inside a changed paragraph (`similar`, Patience: anchors on words that
//! occur once, so a reworded sentence does not match stray "the"s).
//!
//! No deadline is set: a deadline makes the result depend on the machine's
//! speed, and the redline must be reproducible; paragraph-first keeps each
//! word diff to one paragraph, so it is fast anyway.

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

/// A piece of a changed paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Words both have.
    Same(String),
    /// Words only the new text has.
    Inserted(String),
    /// Words only the old text has.
    Deleted(String),
}

/// One paragraph of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParaDiff {
    /// A paragraph both have.
    Same(String),
    /// A paragraph only the new text has.
    Inserted(String),
    /// A paragraph only the old text has.
    Deleted(String),
    /// A paragraph reworded: the words that stayed, went and came.
    Changed(Vec<Piece>),
}

/// How alike two paragraphs must be (similar's ratio, 0–1) to be shown as
/// one reworded paragraph rather than one deleted and one inserted.
const REWORDED: f32 = 0.4;

/// The paragraphs of a text (blank-line separated), spacing made uniform.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Where an item of one sequence is in the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aligned {
    /// The same in both: old index, new index.
    Same(usize, usize),
    /// Changed: the old item at this place became the new one.
    Paired(usize, usize),
    /// Only in the old sequence.
    Old(usize),
    /// Only in the new sequence.
    New(usize),
}

/// Two sequences aligned on their keys with Patience (it anchors on keys
/// that occur once, so a repeated one does not pull the rest out of
/// place); within a run where they differ, items are paired by position and
/// the rest are only old or only new. Paragraphs, areas, blocks and list
/// items are all aligned this way.
pub fn align(old: &[String], new: &[String]) -> Vec<Aligned> {
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, old, new) {
        let (o, n) = (op.old_range(), op.new_range());
        if let DiffOp::Equal { .. } = op {
            out.extend(o.zip(n).map(|(o, n)| Aligned::Same(o, n)));
            continue;
        }
        let (o, n): (Vec<usize>, Vec<usize>) = (o.collect(), n.collect());
        for i in 0..o.len().max(n.len()) {
            out.push(match (o.get(i), n.get(i)) {
                (Some(&o), Some(&n)) => Aligned::Paired(o, n),
                (Some(&o), None) => Aligned::Old(o),
                (None, Some(&n)) => Aligned::New(n),
                (None, None) => continue,
            });
        }
    }
    out
}

/// Two texts compared, paragraph by paragraph.
pub fn prose(old: &str, new: &str) -> Vec<ParaDiff> {
    let (old, new) = (paragraphs(old), paragraphs(new));
    let mut out = Vec::new();
    for aligned in align(&old, &new) {
        match aligned {
            Aligned::Same(o, _) => out.push(ParaDiff::Same(old[o].clone())),
            Aligned::Old(o) => out.push(ParaDiff::Deleted(old[o].clone())),
            Aligned::New(n) => out.push(ParaDiff::Inserted(new[n].clone())),
            Aligned::Paired(o, n) => {
                let (pieces, ratio) = word_diff(&old[o], &new[n]);
                if ratio >= REWORDED {
                    out.push(ParaDiff::Changed(pieces));
                } else {
                    out.push(ParaDiff::Deleted(old[o].clone()));
                    out.push(ParaDiff::Inserted(new[n].clone()));
                }
            }
        }
    }
    out
}

/// The words of `old` and `new` compared, runs of one kind joined; and how
/// alike they are.
pub fn word_diff(old: &str, new: &str) -> (Vec<Piece>, f32) {
    let diff = TextDiff::configure().algorithm(Algorithm::Patience).diff_unicode_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        let piece = match change.tag() {
            ChangeTag::Equal => Piece::Same(text.to_owned()),
            ChangeTag::Insert => Piece::Inserted(text.to_owned()),
            ChangeTag::Delete => Piece::Deleted(text.to_owned()),
        };
        match (pieces.last_mut(), piece) {
            (Some(Piece::Same(a)), Piece::Same(b))
            | (Some(Piece::Inserted(a)), Piece::Inserted(b))
            | (Some(Piece::Deleted(a)), Piece::Deleted(b)) => a.push_str(&b),
            (_, piece) => pieces.push(piece),
        }
    }
    (tidy(pieces), diff.ratio())
}

/// A space between two changed words belongs to the change, so a reviewer
/// sees "[-was not-]{+is+}" rather than "[-was-] [-not-]{+is+}": a run of
/// changes with only spaces between them becomes one deletion and one
/// insertion. A space in between goes to a side only where that side has
/// words before and after it, so each side still reads as its text.
fn tidy(pieces: Vec<Piece>) -> Vec<Piece> {
    let is_change = |p: &Piece| !matches!(p, Piece::Same(_));
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        if !is_change(&pieces[i]) {
            out.push(pieces[i].clone());
            i += 1;
            continue;
        }
        // The group: changes, and spaces with a change on both sides.
        let start = i;
        while i < pieces.len()
            && (is_change(&pieces[i])
                || matches!(&pieces[i], Piece::Same(t) if t.trim().is_empty())
                    && pieces.get(i + 1).is_some_and(is_change))
        {
            i += 1;
        }
        let group = &pieces[start..i];
        let side = |deleted: bool| -> String {
            fn mine(p: &Piece, deleted: bool) -> Option<&str> {
                match p {
                    Piece::Deleted(t) if deleted => Some(t),
                    Piece::Inserted(t) if !deleted => Some(t),
                    _ => None,
                }
            }
            let mut text = String::new();
            for (k, piece) in group.iter().enumerate() {
                match piece {
                    Piece::Same(space) => {
                        let after = group[k + 1..].iter().any(|p| mine(p, deleted).is_some());
                        if !text.is_empty() && after {
                            text.push_str(space);
                        }
                    }
                    other => text.push_str(mine(other, deleted).unwrap_or_default()),
                }
            }
            text
        };
        let (del, ins) = (side(true), side(false));
        if !del.is_empty() {
            out.push(Piece::Deleted(del));
        }
        if !ins.is_empty() {
            out.push(Piece::Inserted(ins));
        }
    }
    out
}

/// `text` marked as deleted, as wdiff marks it.
pub fn deleted(text: &str) -> String {
    format!("[-{text}-]")
}

/// `text` marked as inserted, as wdiff marks it.
pub fn inserted(text: &str) -> String {
    format!("{{+{text}+}}")
}

/// The changed paragraphs of a comparison, one a line, with their changes
/// marked.
pub fn terminal(diff: &[ParaDiff]) -> String {
    let mut out = String::new();
    for para in diff {
        match para {
            ParaDiff::Same(_) => continue,
            ParaDiff::Inserted(t) => out.push_str(&inserted(t)),
            ParaDiff::Deleted(t) => out.push_str(&deleted(t)),
            ParaDiff::Changed(pieces) => {
                for piece in pieces {
                    match piece {
                        Piece::Same(t) => out.push_str(t),
                        Piece::Inserted(t) => out.push_str(&inserted(t)),
                        Piece::Deleted(t) => out.push_str(&deleted(t)),
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_word_is_one_deletion_and_one_insertion() {
        let d = prose("Satisfactory progress has been made.", "Good progress has been made.");
        assert_eq!(
            d,
            [ParaDiff::Changed(vec![
                Piece::Deleted("Satisfactory".into()),
                Piece::Inserted("Good".into()),
                Piece::Same(" progress has been made.".into()),
            ])]
        );
    }

    #[test]
    fn unicode_words_never_split_inside_a_character() {
        let (pieces, _) = word_diff("£5 “café” – ŵ 🙂 ok", "£6 “café” — ŵ 🙂 ok");
        let back: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Same(t) | Piece::Inserted(t) => Some(t.as_str()),
                Piece::Deleted(_) => None,
            })
            .collect();
        assert_eq!(back, "£6 “café” — ŵ 🙂 ok");
    }

    /// Old text = same + deleted; new text = same + inserted, always.
    #[test]
    fn both_texts_come_back_from_the_pieces() {
        let texts = [
            "The inspection in December 2009 reported that data was not reliable.",
            "The inspection in December 2009 reported that data is now reliable and timely.",
            "In one office, Inspectors identified two cases — £ ’ “ ” – … é ŵ 🙂.",
            "In one office visited, Inspectors identified three cases – £ ’ “ ” … é ŵ.",
            "",
            "Completely different words here",
            "With a few exceptions cases are judged satisfactory.",
            "With few exceptions cases are now judged good.",
        ];
        for old in texts {
            for new in texts {
                let (pieces, _) = word_diff(old, new);
                let side = |keep_inserted: bool| -> String {
                    pieces
                        .iter()
                        .filter_map(|p| match p {
                            Piece::Same(t) => Some(t.as_str()),
                            Piece::Inserted(t) if keep_inserted => Some(t.as_str()),
                            Piece::Deleted(t) if !keep_inserted => Some(t.as_str()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join("")
                };
                assert_eq!(side(false), old, "{old} -> {new}");
                assert_eq!(side(true), new, "{old} -> {new}");
            }
        }
    }
}
