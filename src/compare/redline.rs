//! The comparison as typst source, for the redline PDF of `diff --format
//! pdf`: page 1 lists the drafts and what changed where (each line a link
//! to its place), then the facts as a before/after table and each area,
//! unchanged ones collapsed to one line.
//!
//! Every piece of letter text goes in as a typst string literal, never as
//! markup, so nothing in a finding file can run typst code. A change is
//! never shown by colour alone (WCAG 1.4.1): insertions are underlined,
//! deletions struck through, and each is wrapped in words a screen reader
//! reads and a printout keeps, "[inserted: …]" and "[deleted: …]"; a
//! legend says so.

use std::fmt::Write as _;

use super::prose::{ParaDiff, Piece, paragraphs};
use super::{AreaChange, Comparison, anchor, area_name};
use crate::wording::escape::string as s;

/// The functions the generated source uses.
const LAYOUT: &str = r##"#let mark(word, body, line) = {
  text(size: 0.8em, weight: "bold", "[" + word + ": ")
  line(body)
  text(size: 0.8em, weight: "bold", "]")
}
#let ins(t) = mark("inserted", t, b => underline(stroke: 1.2pt, offset: 2pt, text(fill: rgb("#14532d"), b)))
#let del(t) = mark("deleted", t, b => strike(stroke: 1.2pt, text(fill: rgb("#991b1b"), b)))
#let unchanged(t) = block(inset: (left: 0.8em), text(fill: luma(70), style: "italic", t))
#let legend = block(stroke: 0.5pt + luma(150), inset: 8pt, width: 100%)[
  *How to read this comparison.* #ins("Text added in the new draft") is underlined and marked “inserted”;
  #del("text taken out") is struck through and marked “deleted”. Colour only repeats what the lines and words say.
  Unchanged areas and paragraphs are shown as one line.
]
"##;

/// One draft as page 1 lists it: its name and its dates.
pub struct Draft<'a> {
    /// As the user named it (`letters/x.toml@HEAD~1`).
    pub name: &'a str,
    /// When it was saved: the file's modification date, or the revision's.
    pub saved: &'a str,
    /// The letter's own date, as it prints it.
    pub dated: &'a str,
}

/// The typst source of the redline.
pub fn typst(c: &Comparison, old: &Draft<'_>, new: &Draft<'_>) -> String {
    let mut out = String::new();
    let title = format!("Comparison of {} and {}", old.name, new.name);
    let _ = write!(
        out,
        "#set document(title: {title})\n\
         #set text(font: \"Liberation Sans\", size: 11pt, lang: \"en\", region: \"GB\", hyphenate: false)\n\
         #set page(paper: \"a4\", margin: 2.2cm, footer: context align(center, text(size: 8pt)[Page #counter(page).display() of #counter(page).final().first()]))\n\
         #set table(stroke: 0.5pt + luma(160), inset: 6pt)\n\
         {LAYOUT}\n\
         #heading(level: 1)[Comparison of two drafts]\n\n",
        title = s(&title),
    );
    let _ = write!(
        out,
        "#table(columns: 4, table.header([], [*File*], [*Saved*], [*Letter dated*]), [Old], {}, {}, {}, [New], {}, {}, {})\n\n#legend\n\n",
        s(old.name),
        s(old.saved),
        s(old.dated),
        s(new.name),
        s(new.saved),
        s(new.dated),
    );
    out.push_str("#heading(level: 2)[What changed]\n\n");
    let lines = c.lines();
    if lines.is_empty() {
        out.push_str("#unchanged(\"Nothing: the two drafts say the same.\")\n\n");
    } else {
        out.push_str("#list(\n");
        for (target, line) in lines {
            let _ = writeln!(out, "  link(label({}), {}),", s(&target), s(&line));
        }
        out.push_str(")\n\n");
    }
    out.push_str("#heading(level: 2)[Facts]#label(\"facts\")\n\n");
    if c.facts.is_empty() {
        out.push_str(
            "#unchanged(\"No change to the date, recipient, visit, copies or enclosures.\")\n\n",
        );
    } else {
        out.push_str(
            "#table(columns: (auto, 1fr, 1fr), table.header([*Field*], [*Old*], [*New*]),\n",
        );
        for f in &c.facts {
            let cell = |v: &Option<String>, mark: &str| {
                v.as_deref().map_or("[—]".to_owned(), |t| format!("{mark}({})", s(t)))
            };
            let _ = writeln!(
                out,
                "  {}, {}, {},",
                s(&f.label),
                cell(&f.old, "del"),
                cell(&f.new, "ins")
            );
        }
        out.push_str(")\n\n");
    }
    for area in &c.areas {
        let (name, body) = match area {
            AreaChange::Same { new } => {
                let _ =
                    writeln!(out, "#unchanged({})\n", s(&format!("Area {}: no change", new + 1)));
                continue;
            }
            AreaChange::Added { new, fields } => {
                (format!("Area {} (added)", new + 1), whole(fields, "ins"))
            }
            AreaChange::Removed { old, fields } => {
                (format!("Area {} of the old draft (removed)", old + 1), whole(fields, "del"))
            }
            AreaChange::Changed { old, new, moved, prose } => {
                let mut body = String::new();
                for (field, a, b) in moved {
                    let _ = write!(body, "#{}: #del({}) #ins({})\n\n", s(field.key), s(a), s(b));
                }
                for (key, paras) in prose {
                    let _ = write!(body, "#heading(level: 3, {})\n\n", s(key));
                    body.push_str(&changed(paras));
                }
                (area_name(*old, *new), body)
            }
        };
        let _ =
            write!(out, "#heading(level: 2, {})#label({})\n\n{body}", s(&name), s(&anchor(area)));
    }
    out.push_str("#heading(level: 2)[Summary]#label(\"summary\")\n\n");
    match &c.summary {
        Some((a, b)) => {
            let _ = writeln!(out, "#del({}) #ins({})", s(a), s(b));
        }
        None => out.push_str("#unchanged(\"The summary of judgements is the same.\")\n"),
    }
    out
}

/// An area added or taken out: every field, each paragraph marked.
fn whole(fields: &[(&str, String)], mark: &str) -> String {
    let mut out = String::new();
    for (key, text) in fields {
        let _ = write!(out, "#heading(level: 3, {})\n\n", s(key));
        for para in paragraphs(text) {
            let _ = write!(out, "#{mark}({})\n\n", s(&para));
        }
    }
    out
}

/// Changed paragraphs in full; unchanged ones collapsed to a line.
fn changed(paras: &[ParaDiff]) -> String {
    let mut out = String::new();
    for para in paras {
        match para {
            ParaDiff::Same(_) => out.push_str("#unchanged(\"(a paragraph without change)\")\n\n"),
            ParaDiff::Inserted(t) => {
                let _ = write!(out, "#ins({})\n\n", s(t));
            }
            ParaDiff::Deleted(t) => {
                let _ = write!(out, "#del({})\n\n", s(t));
            }
            ParaDiff::Changed(pieces) => {
                for piece in pieces {
                    let _ = match piece {
                        Piece::Same(t) => write!(out, "#{}", s(t)),
                        Piece::Inserted(t) => write!(out, "#ins({})", s(t)),
                        Piece::Deleted(t) => write!(out, "#del({})", s(t)),
                    };
                }
                out.push_str("\n\n");
            }
        }
    }
    out
}
