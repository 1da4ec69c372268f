use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::test_fixtures;
use crate::typeset::{PageImages, PngCompression, Typesetter};

fn renderer() -> Renderer {
    Renderer::new(Project::discover(&test_fixtures::root()).unwrap()).unwrap().remembering()
}

/// An empty project with the fixture project's config, for letters a test
/// writes (letters are read only inside their project).
fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::project::CONFIG_FILE;
    std::fs::copy(test_fixtures::root().join(config), dir.path().join(config)).unwrap();
    dir
}

/// The renderer of the project at `dir`.
fn renderer_at(dir: &Path) -> Renderer {
    Renderer::new(Project::at(dir).unwrap()).unwrap().remembering()
}

/// The bilingual sample (the Welsh letter and its English translation),
/// copied to a project of its own so the test can edit it.
fn bilingual_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = project_copy();
    let letters = test_fixtures::root().join("letters");
    for name in ["sample-northmoor.cy.toml", "sample-northmoor.toml"] {
        std::fs::copy(letters.join(name), dir.path().join(name)).unwrap();
    }
    let welsh = dir.path().join("sample-northmoor.cy.toml");
    let english = dir.path().join("sample-northmoor.toml");
    (dir, welsh, english)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn an_unchanged_letter_is_worded_once_and_any_edit_is_seen() {
    let (dir, welsh, english) = bilingual_copy();
    let renderer = renderer_at(dir.path());
    let first = renderer.prepare(&welsh).unwrap();
    let again = renderer.prepare(&welsh).unwrap();
    assert!(Arc::ptr_eq(&first.source, &again.source), "an unchanged letter was worded again");

    edit(&english, "Dear Ms Ellery", "Dear Mrs Ellery");
    let translation_edited = renderer.prepare(&welsh).unwrap();
    assert!(translation_edited.source.contains("Dear Mrs Ellery"));
    assert!(!first.source.contains("Dear Mrs Ellery"));

    edit(&welsh, "Annwyl", "Annwyl iawn");
    let letter_edited = renderer.prepare(&welsh).unwrap();
    assert!(letter_edited.source.contains("Annwyl iawn"));
    assert!(!translation_edited.source.contains("Annwyl iawn"));

    let once = Renderer::new(Project::at(dir.path()).unwrap()).unwrap();
    let (first, again) = (once.prepare(&welsh).unwrap(), once.prepare(&welsh).unwrap());
    assert!(!Arc::ptr_eq(&first.source, &again.source), "only a remembering renderer keeps");
    assert_eq!(first.source, again.source);

    let renderer = renderer.with_output(Paper::Letter, &[]).unwrap();
    assert!(renderer.prepare(&welsh).unwrap().source.contains("us-letter"));
    let draft = renderer.with_draft(true).prepare(&welsh).unwrap();
    assert_ne!(draft.source, letter_edited.source, "--draft must stamp the letter");
}

#[test]
fn a_draft_stamped_in_another_minute_is_worded_again() {
    let (dir, welsh, _) = bilingual_copy();
    let letter = renderer_at(dir.path()).prepare(&welsh).unwrap();
    let text = std::fs::read_to_string(&welsh).unwrap();
    let remembered = |stamp: Option<&str>| Remembered {
        text: text.clone(),
        translation: None,
        stamp: stamp.map(str::to_owned),
        letter: letter.clone(),
    };
    let mut recent = RecentLetters::default();
    let now = "2011-03-14 09:31 UTC";
    recent.remember(&welsh, remembered(None));
    assert!(recent.recall(&crate::test_fixtures::files(), &welsh, &text, now).is_some());
    assert!(recent.recall(&crate::test_fixtures::files(), &welsh, "another text", now).is_none());
    recent.remember(&welsh, remembered(Some(now)));
    assert!(
        recent.recall(&crate::test_fixtures::files(), &welsh, &text, now).is_some(),
        "the same minute's stamp is kept"
    );
    recent.remember(&welsh, remembered(Some("2011-03-14 09:30 UTC")));
    assert!(
        recent.recall(&crate::test_fixtures::files(), &welsh, &text, now).is_none(),
        "a stale draft stamp was reused"
    );
}

#[test]
fn recent_letters_stay_within_their_limit() {
    let (dir, welsh, _) = bilingual_copy();
    let letter = renderer_at(dir.path()).prepare(&welsh).unwrap();
    let text = "x".repeat(RecentLetters::LIMIT / 5);
    let mut recent = RecentLetters::default();
    for n in 0..20 {
        let path = PathBuf::from(format!("letter-{n}.toml"));
        let remembered = Remembered {
            text: text.clone(),
            translation: None,
            stamp: None,
            letter: letter.clone(),
        };
        recent.remember(&path, remembered);
        assert!(recent.bytes() <= RecentLetters::LIMIT);
        assert!(
            recent.recall(&crate::test_fixtures::files(), &path, &text, "now").is_some(),
            "the newest letter is kept"
        );
    }
}

#[test]
fn every_page_of_the_demo_comes_back_pixel_for_pixel() {
    let renderer = renderer();
    let letter = renderer.prepare(&test_fixtures::demo()).unwrap();
    let document = renderer.lay_out(&letter).unwrap();
    let images = PageImages { pixels_per_point: 1.0, compression: PngCompression::Fast };
    let (_, pngs) = document.pdf_and_pages(images, &[]).unwrap();
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(1.0),
        render_bleed: false,
    };
    let mut colour_types = Vec::new();
    for (page, png) in document.pages().pages().iter().zip(&pngs) {
        let pixmap = typst_render::render(page, &options);
        let (colour_type, rgba) = crate::typeset::decoded(&png.png);
        assert!(rgba == pixmap.data(), "a page changed in its PNG");
        colour_types.push(colour_type);
    }
    // The letterhead is in colour; the pages after it are black on white.
    assert_eq!(colour_types[0], png::ColorType::Rgb);
    assert!(colour_types[1..].iter().all(|&c| c == png::ColorType::Grayscale));
}

/// Shared work is done once per process, not once per letter: the embedded
/// fonts are parsed once, and one letter at a time uses one file store.
#[test]
fn fonts_are_parsed_once_for_many_letters_and_renderers() {
    let root = test_fixtures::root();
    for _ in 0..3 {
        // Each renderer parses its templates once; fonts stay shared.
        let renderer = Renderer::new(Project::discover(&root).unwrap()).unwrap();
        assert!(std::ptr::eq(renderer.typesetter(), Typesetter::shared()));
        for letter in ["cafcass-greater-london", "sample-northmoor", "sample-westvale"] {
            let letter = renderer.prepare(&root.join(format!("letters/{letter}.toml"))).unwrap();
            let pdf = renderer.lay_out(&letter).unwrap().pdf().unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
        // One letter at a time: one file store, its parsed files reused.
        assert_eq!(renderer.files().created(), 1, "parsed files were not reused");
    }
}

#[test]
fn reused_files_still_see_an_edited_layout() {
    let dir = tempfile::tempdir().unwrap();
    let root = test_fixtures::root();
    std::fs::copy(root.join("letterpress.toml"), dir.path().join("letterpress.toml")).unwrap();
    let finding = dir.path().join("letter.toml");
    std::fs::copy(test_fixtures::demo(), &finding).unwrap();
    let renderer = Renderer::new(Project::discover(dir.path()).unwrap()).unwrap();
    let pdf = |renderer: &Renderer| {
        renderer.lay_out(&renderer.prepare(&finding).unwrap()).unwrap().pdf().unwrap()
    };
    let before = pdf(&renderer);
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let layout = crate::project::builtin::template("templates/layout.typ").unwrap().contents;
    let edited = layout.replace("[#labels.page #n", "[Sheet #n");
    assert_ne!(edited, layout);
    std::fs::write(templates.join("layout.typ"), edited).unwrap();
    let after = pdf(&renderer);
    assert_ne!(before, after);
    assert!(pdf_extract::extract_text_from_mem(&after).unwrap().contains("Sheet 2 of 6"));
    assert_eq!(renderer.files().created(), 1);
}

/// The text of each line of each page, as typst set it: text runs on one
/// baseline, left to right, with no-break spaces read as spaces.
fn page_lines(document: &Document<'_>) -> Vec<Vec<String>> {
    use typst::layout::{Frame, FrameItem, Point};
    fn walk(frame: &Frame, at: Point, runs: &mut Vec<(i64, i64, String)>) {
        for (pos, item) in frame.items() {
            let here = at + *pos;
            match item {
                FrameItem::Group(group) => walk(&group.frame, here, runs),
                FrameItem::Text(text) => runs.push((
                    (here.y.to_pt() * 10.0).round() as i64,
                    (here.x.to_pt() * 10.0).round() as i64,
                    text.text.as_str().replace('\u{a0}', " "),
                )),
                _ => {}
            }
        }
    }
    document
        .pages()
        .pages()
        .iter()
        .map(|page| {
            let mut runs = Vec::new();
            walk(&page.frame, Point::zero(), &mut runs);
            runs.sort();
            let mut lines: Vec<(i64, String)> = Vec::new();
            for (y, _, text) in runs {
                match lines.last_mut() {
                    Some((last, line)) if *last == y => line.push_str(&text),
                    _ => lines.push((y, text)),
                }
            }
            lines.into_iter().map(|(_, line)| line).collect()
        })
        .collect()
}

/// The demo letter in a folder of its own, with `edit` applied to its text.
fn demo_edited(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let path = dir.join("letter.toml");
    std::fs::write(&path, edit(&std::fs::read_to_string(test_fixtures::demo()).unwrap())).unwrap();
    path
}

#[test]
fn the_sign_off_is_never_alone_on_its_page_wherever_the_page_breaks() {
    let dir = project_copy();
    let renderer = renderer_at(dir.path());
    let mut pages_seen = std::collections::BTreeSet::new();
    // Longer and longer last evidence moves the end of the letter down its
    // last page line by line, through the page break and onto a new page.
    for words in (230..420).step_by(5) {
        let extra = "More evidence was seen. ".repeat(words / 4) + &"Seen ".repeat(words % 4);
        let path = demo_edited(dir.path(), |text| {
            let open = text.rfind("progress = \"\"\"").expect("the last area has progress") + 14;
            let close = open + text[open..].find("\"\"\"").unwrap();
            format!("{} {extra}{}", text[..close].trim_end(), &text[close..])
        });
        let letter = renderer.prepare(&path).unwrap();
        let document = renderer.lay_out(&letter).unwrap();
        let pages = page_lines(&document);
        let (n, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| p.iter().any(|l| l == "Yours sincerely"))
            .unwrap();
        pages_seen.insert((pages.len(), n));
        let closing = page.iter().position(|l| l == "Yours sincerely").unwrap();
        assert!(
            page[..closing].iter().any(|l| l.ends_with("progress overall.")),
            "{words} words: the page of the sign-off does not end the last paragraph: {page:?}"
        );
    }
    assert!(pages_seen.len() > 1, "the letter's end never crossed a page break: {pages_seen:?}");
}

#[test]
fn dates_and_area_numbers_never_break_across_lines() {
    let months = crate::wording::locale::locale(crate::model::Language::English).months();
    let is_day = |word: &str| word.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
    let is_year = |word: &str| word.len() == 4 && word.parse::<u16>().is_ok();
    let dir = project_copy();
    let renderer = renderer_at(dir.path());
    let mut broken_before = 0;
    // A longer and longer service area moves the dates after it ("in the
    // week commencing 7 December 2009", "in December 2009") along their
    // lines, a word at a time, past every place a line could end.
    for words in 0..30 {
        let path = demo_edited(dir.path(), |text| {
            let longer = format!("service_area = \"{}", "North ".repeat(words));
            text.replacen("service_area = \"", &longer, 1)
        });
        let letter = renderer.prepare(&path).unwrap();
        let document = renderer.lay_out(&letter).unwrap();
        for page in page_lines(&document) {
            for pair in page.windows(2) {
                let (last, first) =
                    (pair[0].split_whitespace().last(), pair[1].split_whitespace().next());
                let (Some(last), Some(first)) = (last, first) else { continue };
                let split_date = (is_day(last) && months.contains(&first))
                    || (months.contains(&last) && is_year(first));
                assert!(!split_date, "{words} words: a date broke: {pair:?}");
                let line = pair[0].trim_end();
                let split_area = line.ends_with("Area for improvement");
                assert!(!split_area, "{words} words: an area number broke: {pair:?}");
                broken_before += usize::from(line.ends_with(" in") || line.ends_with("commencing"));
            }
        }
    }
    assert!(broken_before > 0, "no date ever came to the end of a line");
}
