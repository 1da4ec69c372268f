//! Two letters' blocks as one body of tracked changes (`diff --format
//! docx`): accepting every change gives the new letter, rejecting every
//! change the old one.
//!
//! Blocks are aligned on their text (Patience); a replaced run is paired by
//! position where the kinds match (paragraph with paragraph, list with
//! list: its items aligned the same way) and compared word by word; the
//! rest is a whole block deleted or inserted, its paragraph marks tracked
//! too, so accepting a deletion leaves no empty paragraph. Within a
//! reworded paragraph the emphasis is the new text's (the old text's for
//! deleted words): a change of emphasis alone is not tracked.

use super::prose::{Aligned, Piece, align, word_diff};
use crate::docx::{Block, Change, Para, Run};

/// The blocks of the new letter, with what differs from the old tracked.
pub fn tracked(old: &[Block], new: &[Block]) -> Vec<Block> {
    let (a, b): (Vec<String>, Vec<String>) =
        (old.iter().map(key).collect(), new.iter().map(key).collect());
    let mut out = Vec::new();
    for aligned in align(&a, &b) {
        match aligned {
            Aligned::Same(_, n) => out.push(new[n].clone()),
            Aligned::Paired(o, n) => match pair(&old[o], &new[n]) {
                Some(block) => out.push(block),
                None => {
                    out.push(whole(&old[o], Change::Deleted));
                    out.push(whole(&new[n], Change::Inserted));
                }
            },
            Aligned::Old(o) => out.push(whole(&old[o], Change::Deleted)),
            Aligned::New(n) => out.push(whole(&new[n], Change::Inserted)),
        }
    }
    out
}

/// A block's text, to align blocks on.
fn key(block: &Block) -> String {
    match block {
        Block::Heading { para, .. } | Block::Paragraph(para) => text(para),
        Block::List { items, .. } => items
            .iter()
            .map(|item| item.iter().map(key).collect::<Vec<_>>().join("\n"))
            .collect::<Vec<_>>()
            .join("\n\n"),
        Block::Table { rows } => {
            rows.iter().flatten().flatten().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\t")
        }
    }
}

fn text(para: &Para) -> String {
    para.runs.iter().map(|r| r.text.as_str()).collect()
}

/// Two blocks of one kind as one, with their word changes.
fn pair(old: &Block, new: &Block) -> Option<Block> {
    match (old, new) {
        (Block::Paragraph(x), Block::Paragraph(y)) => Some(Block::Paragraph(words(x, y))),
        (Block::Heading { para: x, .. }, Block::Heading { level, para: y }) => {
            Some(Block::Heading { level: *level, para: words(x, y) })
        }
        (Block::List { items: x, .. }, Block::List { ordered, items: y }) => {
            let (a, b): (Vec<String>, Vec<String>) = (
                x.iter().map(|i| i.iter().map(key).collect::<Vec<_>>().join("\n")).collect(),
                y.iter().map(|i| i.iter().map(key).collect::<Vec<_>>().join("\n")).collect(),
            );
            let items = align(&a, &b)
                .into_iter()
                .map(|aligned| match aligned {
                    Aligned::Same(_, n) => y[n].clone(),
                    Aligned::Paired(o, n) => tracked(&x[o], &y[n]),
                    Aligned::Old(o) => x[o].iter().map(|b| whole(b, Change::Deleted)).collect(),
                    Aligned::New(n) => y[n].iter().map(|b| whole(b, Change::Inserted)).collect(),
                })
                .collect();
            Some(Block::List { ordered: *ordered, items })
        }
        _ => None,
    }
}

/// A reworded paragraph: the words that stayed, went and came.
fn words(old: &Para, new: &Para) -> Para {
    let (pieces, _) = word_diff(&text(old), &text(new));
    let (mut at_old, mut at_new) = (0, 0);
    let mut runs = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Same(t) => {
                runs.extend(restyle(new, at_new, &t, None));
                at_old += t.len();
                at_new += t.len();
            }
            Piece::Inserted(t) => {
                runs.extend(restyle(new, at_new, &t, Some(Change::Inserted)));
                at_new += t.len();
            }
            Piece::Deleted(t) => {
                runs.extend(restyle(old, at_old, &t, Some(Change::Deleted)));
                at_old += t.len();
            }
        }
    }
    Para { runs, ..new.clone() }
}

/// `text`, found at byte `at` of `para`'s text, cut into runs of `para`'s
/// emphasis.
fn restyle(para: &Para, at: usize, text: &str, change: Option<Change>) -> Vec<Run> {
    let mut out = Vec::new();
    let (mut start, end) = (at, at + text.len());
    let mut run_start = 0;
    for run in &para.runs {
        let run_end = run_start + run.text.len();
        if run_end > start && run_start < end {
            let (from, to) = (start.max(run_start) - run_start, end.min(run_end) - run_start);
            out.push(Run { text: run.text[from..to].to_owned(), change, ..run.clone() });
            start = run_start + to;
        }
        run_start = run_end;
    }
    out
}

/// A block wholly deleted or inserted.
fn whole(block: &Block, change: Change) -> Block {
    let mark = |para: &Para| Para {
        runs: para.runs.iter().map(|r| Run { change: Some(change), ..r.clone() }).collect(),
        mark: Some(change),
        ..para.clone()
    };
    match block {
        Block::Paragraph(p) => Block::Paragraph(mark(p)),
        Block::Heading { level, para } => Block::Heading { level: *level, para: mark(para) },
        Block::List { ordered, items } => Block::List {
            ordered: *ordered,
            items: items
                .iter()
                .map(|item| item.iter().map(|b| whole(b, change)).collect())
                .collect(),
        },
        Block::Table { rows } => Block::Table {
            rows: rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|cell| {
                            cell.iter().map(|r| Run { change: Some(change), ..r.clone() }).collect()
                        })
                        .collect()
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::blocks;
    use crate::model::MarkdownOptions;

    const OPTIONS: MarkdownOptions = MarkdownOptions { smart_punctuation: false };

    /// The text Word leaves after "Accept All" (`keep` = Inserted) or
    /// "Reject All" (`keep` = Deleted): a paragraph whose mark goes goes.
    fn resolved(blocks: &[Block], keep: Change) -> Vec<String> {
        let mut out = Vec::new();
        for block in blocks {
            match block {
                Block::Paragraph(p) | Block::Heading { para: p, .. } => {
                    if p.mark.is_some_and(|m| m != keep) {
                        continue;
                    }
                    out.push(
                        p.runs
                            .iter()
                            .filter(|r| r.change.is_none_or(|c| c == keep))
                            .map(|r| r.text.as_str())
                            .collect(),
                    );
                }
                Block::List { items, .. } => {
                    items.iter().for_each(|i| out.extend(resolved(i, keep)))
                }
                Block::Table { .. } => {}
            }
        }
        out
    }

    #[test]
    fn accepting_gives_the_new_letter_and_rejecting_the_old() {
        let old = blocks(
            "# Area 1\n\nSatisfactory progress, £40.\n\nGone paragraph.\n\n- a\n- b\n\nSame.",
            &[],
            OPTIONS,
        );
        let new = blocks(
            "# Area 1\n\nGood *progress*, £45 – “ŵ” 🙂.\n\n- a\n- b changed\n- c\n\nSame.\n\nAdded.",
            &[],
            OPTIONS,
        );
        let t = tracked(&old, &new);
        assert_eq!(resolved(&t, Change::Inserted), resolved(&new, Change::Inserted));
        assert_eq!(resolved(&t, Change::Deleted), resolved(&old, Change::Deleted));
    }
}
