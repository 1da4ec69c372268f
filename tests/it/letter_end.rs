//! The letter ends well: wherever the prose before it makes the page break,
//! the copy list never leaves a page holding only its tail.

use crate::common::*;
use crate::layout::page_texts;

use letterpress::project::Project;
use letterpress::render::Renderer;

#[test]
fn the_cc_list_is_kept_whole_wherever_the_page_breaks() {
    let renderer = Renderer::new(Project::discover(&fixtures()).unwrap()).unwrap();
    let path = demo_finding();
    let demo = std::fs::read_to_string(&path).unwrap();
    let last = demo.rfind("\n\"\"\"").unwrap();
    let sentence = "Managers review every case that waits longer than five days. ";
    let mut pages_seen = std::collections::BTreeSet::new();
    // One more line of prose each time: the list's place on its page moves
    // down a whole page over the run.
    for lines in 0..30 {
        let mut text = demo.clone();
        let extra = sentence.repeat(lines);
        text.insert_str(last, &format!("\n\n{extra}"));
        let letter = renderer.prepare_text(&path, text).unwrap();
        let document = renderer.lay_out(&letter).unwrap();
        let pages = page_texts(document.pages());
        let holding = |name: &str| pages.iter().position(|p| p.contains(name)).unwrap();
        let (first, tail) = (holding("Annabel"), holding("Coupe"));
        pages_seen.insert(pages.len());
        assert_eq!(first, tail, "with {lines} lines more, the cc list breaks:\n{pages:#?}");
    }
    assert!(pages_seen.len() > 1, "the run never moved the list to another page");
}
