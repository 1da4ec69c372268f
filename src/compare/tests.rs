//! The comparison of the demo letter with edited copies of it: each edit,
//! and nothing else, is named.

use super::*;
use crate::model::Judgement;

fn demo() -> Finding {
    crate::finding::load(&crate::test_fixtures::files(), &crate::test_fixtures::demo()).unwrap()
}

fn lines(old: &Finding, new: &Finding) -> Vec<String> {
    compare(old, new).lines().into_iter().map(|(_, line)| line).collect()
}

#[test]
fn a_letter_compared_with_itself_has_no_change() {
    let c = compare(&demo(), &demo());
    assert!(c.is_empty() && c.lines().is_empty(), "{:?}", c.lines());
}

#[test]
fn each_edit_is_named_and_nothing_else() {
    let old = demo();
    let mut new = old.clone();
    new.areas[2].judgement = Judgement::Good;
    new.areas[1].progress = new.areas[1].progress.replace("Effective revised", "Effective new");
    new.visit.as_mut().unwrap().from.day = 23;
    new.cc.retain(|c| !c.starts_with("Kate"));
    new.cc.push("Sam Jones, DfE £ ’ é 🙂".into());
    let removed = new.areas.remove(4);
    let mut added = removed.clone();
    added.action = "leadership is ŵ “strong”.".into();
    new.areas.push(added);
    assert_eq!(
        lines(&old, &new),
        [
            "cc: Kate Lyons, DfE → (none)",
            "cc: (none) → Sam Jones, DfE £ ’ é 🙂",
            "[visit] from: 2010-11-22 → 2010-11-23",
            "Area 2: progress reworded",
            "Area 3: satisfactory → good",
            "Area 5 of the old draft: removed",
            "Area 12: added",
            "summary: eight satisfactory, two good, two inadequate of twelve → seven satisfactory, \
             three good, two inadequate of twelve",
        ]
    );
    let AreaChange::Changed { prose, .. } = &compare(&old, &new).areas[1] else { panic!() };
    assert_eq!(prose[0].0, "progress");
    let text = prose::terminal(&prose[0].1);
    assert!(text.contains("Effective [-revised-]{+new+} systems"), "{text}");
}

#[test]
fn a_changed_status_and_date_are_facts() {
    let old = demo();
    let mut new = old.clone();
    new.status = crate::model::Status::FactualAccuracy;
    new.date.day = 2;
    assert_eq!(
        lines(&old, &new),
        ["date: 2010-12-01 → 2010-12-02", "status: final → factual-accuracy"]
    );
}
