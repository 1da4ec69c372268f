//! Two drafts of a letter compared by the letter's structure, for
//! `letterpress diff`: the facts (every field outside the areas, as
//! [`fields::FIELDS`] describes them) before and after; the areas paired and
//! compared field by field, judgements and timescales called out, prose by
//! paragraph then word ([`prose`]); and the summary the letter computes
//! from the judgements.
//!
//! Areas are aligned on their action (the inspection report's wording,
//! which a redraft rarely touches) with Patience, so an added or removed
//! area does not shift every later one; a run of reworded actions is
//! paired by position.

pub mod prose;
pub mod redline;
pub mod tracked;

use serde_json::Value;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::model::fields::{self, Shape, Table};
use crate::model::{Finding, Summary};
use crate::wording::locale;
use prose::{Aligned, ParaDiff};

/// What changed between two drafts.
#[derive(Debug, Default)]
pub struct Comparison {
    /// The facts that differ, in the finding file's order.
    pub facts: Vec<Fact>,
    /// Every area of either draft, in the new draft's order.
    pub areas: Vec<AreaChange>,
    /// The summary of judgements, old → new, when it moved.
    pub summary: Option<(String, String)>,
}

/// A fact outside the areas that differs (a list, such as `cc`, entry by entry).
#[derive(Debug, PartialEq, Eq)]
pub struct Fact {
    /// Where it is written in a finding file: `date`, `[visit] from`.
    pub label: String,
    /// Before, or `None` where the old draft had none.
    pub old: Option<String>,
    /// After, or `None` where the new draft has none.
    pub new: Option<String>,
}

/// One area of either draft. Numbers count from 0; the letter's from 1.
#[derive(Debug)]
pub enum AreaChange {
    /// The same in both.
    Same {
        /// Its place in the new draft.
        new: usize,
    },
    /// Only in the new draft, with its fields' text (key, text).
    Added {
        /// Its place in the new draft.
        new: usize,
        /// Its fields.
        fields: Vec<(&'static str, String)>,
    },
    /// Only in the old draft, with its fields' text.
    Removed {
        /// Its place in the old draft.
        old: usize,
        /// Its fields.
        fields: Vec<(&'static str, String)>,
    },
    /// In both, changed.
    Changed {
        /// Its place in the old draft.
        old: usize,
        /// Its place in the new draft.
        new: usize,
        /// Judgements and timescales that moved: the field, old, new.
        moved: Vec<(&'static fields::Field, String, String)>,
        /// The text fields that differ, their paragraphs compared.
        prose: Vec<(&'static str, Vec<ParaDiff>)>,
    },
}

impl Comparison {
    /// Whether the two drafts say the same.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
            && self.summary.is_none()
            && self.areas.iter().all(|a| matches!(a, AreaChange::Same { .. }))
    }

    /// One line per change, as the terminal and the redline's first page
    /// list them, each with the anchor of its place in the redline.
    pub fn lines(&self) -> Vec<(String, String)> {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let mut out: Vec<(String, String)> = self
            .facts
            .iter()
            .map(|f| {
                ("facts".to_owned(), format!("{}: {} → {}", f.label, show(&f.old), show(&f.new)))
            })
            .collect();
        for area in &self.areas {
            let mut line = |text: String| out.push((anchor(area), text));
            match area {
                AreaChange::Same { .. } => {}
                AreaChange::Added { new, .. } => line(format!("Area {}: added", new + 1)),
                AreaChange::Removed { old, .. } => {
                    line(format!("Area {} of the old draft: removed", old + 1))
                }
                AreaChange::Changed { old, new, moved, prose } => {
                    let name = area_name(*old, *new);
                    for (field, a, b) in moved {
                        line(match field.shape {
                            Shape::Judgement => format!("{name}: {a} → {b}"),
                            _ => format!("{name}: {} {a} → {b}", field.key),
                        });
                    }
                    for (key, _) in prose {
                        line(format!("{name}: {key} reworded"));
                    }
                }
            }
        }
        if let Some((a, b)) = &self.summary {
            out.push(("summary".to_owned(), format!("summary: {a} → {b}")));
        }
        out
    }
}

/// "Area 3", or "Area 3 (was 4)" where an area before it came or went.
pub fn area_name(old: usize, new: usize) -> String {
    if old == new {
        format!("Area {}", new + 1)
    } else {
        format!("Area {} (was {})", new + 1, old + 1)
    }
}

/// Where an area's changes are in the redline: by its number in the new
/// draft, or in the old one for an area taken out.
pub fn anchor(area: &AreaChange) -> String {
    match area {
        AreaChange::Removed { old, .. } => format!("old-area-{}", old + 1),
        AreaChange::Same { new }
        | AreaChange::Added { new, .. }
        | AreaChange::Changed { new, .. } => {
            format!("area-{}", new + 1)
        }
    }
}

/// Compares two drafts of a letter.
pub fn compare(old: &Finding, new: &Finding) -> Comparison {
    let (old_json, new_json) = (json(old), json(new));
    let mut comparison = Comparison::default();
    for field in outside_areas() {
        let at = |v: &Value| -> Value {
            let table = field.table.key();
            let holder = if table.is_empty() { Some(v) } else { v.get(table) };
            holder.and_then(|h| h.get(field.key)).cloned().unwrap_or(Value::Null)
        };
        let label = match field.table {
            Table::Top => field.key.to_owned(),
            table => format!("[{}] {}", table.key(), field.key),
        };
        facts(&label, &at(&old_json), &at(&new_json), &mut comparison.facts);
    }
    let area_values = |v: &Value| v.get(Table::Area.key()).and_then(Value::as_array).cloned();
    let (old_areas, new_areas) =
        (area_values(&old_json).unwrap_or_default(), area_values(&new_json).unwrap_or_default());
    for pair in pair_areas(&old_areas, &new_areas) {
        comparison.areas.push(match pair {
            (Some(o), Some(n)) => area(o, n, &old_areas[o], &new_areas[n]),
            (Some(o), None) => AreaChange::Removed { old: o, fields: whole(&old_areas[o]) },
            (None, Some(n)) => AreaChange::Added { new: n, fields: whole(&new_areas[n]) },
            (None, None) => continue,
        });
    }
    let (a, b) = (summary(old), summary(new));
    if a != b {
        comparison.summary = Some((a, b));
    }
    comparison
}

/// The fields a comparison lists as facts: all but the areas'.
fn outside_areas() -> impl Iterator<Item = &'static fields::Field> {
    fields::FIELDS.iter().filter(|f| f.table != Table::Area)
}

fn json(finding: &Finding) -> Value {
    // A Finding is plain data: serialising it cannot fail.
    serde_json::to_value(finding).unwrap_or(Value::Null)
}

/// One field's difference; a list entry by entry.
fn facts(label: &str, old: &Value, new: &Value, out: &mut Vec<Fact>) {
    match (old, new) {
        (Value::Array(_) | Value::Null, Value::Array(_) | Value::Null)
            if old.is_array() || new.is_array() =>
        {
            let entries = |v: &Value| -> Vec<String> {
                v.as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default()
            };
            let (a, b) = (entries(old), entries(new));
            for op in capture_diff_slices(Algorithm::Patience, &a, &b) {
                if matches!(op, DiffOp::Equal { .. }) {
                    continue;
                }
                let side = |r: std::ops::Range<usize>, v: &[String]| {
                    (!r.is_empty()).then(|| v[r].join("; "))
                };
                out.push(Fact {
                    label: label.to_owned(),
                    old: side(op.old_range(), &a),
                    new: side(op.new_range(), &b),
                });
            }
        }
        (a, b) if a != b => out.push(Fact {
            label: label.to_owned(),
            old: (!a.is_null()).then(|| text(a)),
            new: (!b.is_null()).then(|| text(b)),
        }),
        _ => {}
    }
}

/// A field's value as a reviewer reads it.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            match (o.get("kind").and_then(Value::as_str), o.get("count"), o.get("unit")) {
                (Some("within"), Some(count), Some(Value::String(unit))) => {
                    format!("within {count} {unit}")
                }
                (Some(kind), _, _) => kind.to_owned(),
                _ => value.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// The area field areas are aligned on.
const ACTION: &str = "action";

/// Old and new area indexes paired, aligned on the action (a reworded
/// action paired by position).
fn pair_areas(old: &[Value], new: &[Value]) -> Vec<(Option<usize>, Option<usize>)> {
    let key = |areas: &[Value]| -> Vec<String> {
        areas
            .iter()
            .map(|a| a.get(ACTION).map(text).unwrap_or_default().trim().to_lowercase())
            .collect()
    };
    prose::align(&key(old), &key(new))
        .into_iter()
        .map(|aligned| match aligned {
            Aligned::Same(o, n) | Aligned::Paired(o, n) => (Some(o), Some(n)),
            Aligned::Old(o) => (Some(o), None),
            Aligned::New(n) => (None, Some(n)),
        })
        .collect()
}

/// Two versions of one area compared, field by field as the description
/// lists an area's fields.
fn area(o: usize, n: usize, old: &Value, new: &Value) -> AreaChange {
    let mut moved = Vec::new();
    let mut prose = Vec::new();
    for field in fields::of(Table::Area) {
        let get = |v: &Value| v.get(field.key).map(text).unwrap_or_default();
        let (a, b) = (get(old), get(new));
        match field.shape {
            Shape::Prose | Shape::Line if prose::paragraphs(&a) != prose::paragraphs(&b) => {
                prose.push((field.key, prose::prose(&a, &b)));
            }
            Shape::Prose | Shape::Line => {}
            _ if a != b => moved.push((field, a, b)),
            _ => {}
        }
    }
    if moved.is_empty() && prose.is_empty() {
        AreaChange::Same { new: n }
    } else {
        AreaChange::Changed { old: o, new: n, moved, prose }
    }
}

/// An area's fields, for an area shown whole.
fn whole(area: &Value) -> Vec<(&'static str, String)> {
    fields::of(Table::Area).filter_map(|f| Some((f.key, area.get(f.key).map(text)?))).collect()
}

/// The summary the letter gives: "eight satisfactory, two good and two
/// inadequate of twelve", in the letter's language.
fn summary(finding: &Finding) -> String {
    let locale = locale::locale(finding.language);
    let summary = Summary::of(finding.areas.iter().map(|a| a.judgement));
    let parts: Vec<String> = summary
        .parts
        .iter()
        .map(|p| {
            format!("{} {}", locale.number_words(p.count as u64), locale.judgement(p.judgement))
        })
        .collect();
    format!("{} of {}", parts.join(", "), locale.number_words(summary.total as u64))
}

#[cfg(test)]
mod tests;
