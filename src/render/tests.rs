use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::test_fixtures;
use crate::typeset::{PageImages, PngCompression, Typesetter};

fn renderer() -> Renderer {
    Renderer::new(Project::discover(&test_fixtures::root()).unwrap()).unwrap().remembering()
}

/// The renderer of the project at `dir`.
fn renderer_at(dir: &Path) -> Renderer {
    Renderer::new(Project::at(dir).unwrap()).unwrap().remembering()
}

/// The bilingual sample (the Welsh letter and its English translation),
/// copied to a project of its own so the test can edit it.
fn bilingual_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::project::CONFIG_FILE;
    std::fs::copy(test_fixtures::root().join(config), dir.path().join(config)).unwrap();
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
    std::fs::write(templates.join("layout.typ"), layout.replace("\"Page\"", "\"Sheet\"")).unwrap();
    let after = pdf(&renderer);
    assert_ne!(before, after);
    assert!(pdf_extract::extract_text_from_mem(&after).unwrap().contains("Sheet 2 of 6"));
    assert_eq!(renderer.files().created(), 1);
}
