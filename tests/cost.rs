//! Regressions a benchmark would catch, checked cheaply: shared work is done
//! once per process, not once per letter.

mod common;

use letterpress::project::Project;
use letterpress::render::Renderer;
use letterpress::world::Typesetter;

#[test]
fn fonts_are_parsed_once_for_many_letters_and_renderers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for _ in 0..3 {
        // Each renderer parses its templates once; fonts stay shared.
        let renderer = Renderer::new(Project::discover(root).unwrap()).unwrap();
        for letter in ["cafcass-greater-london", "sample-northmoor", "sample-westvale"] {
            let pdf = renderer.pdf(&root.join(format!("letters/{letter}.toml"))).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
        // One letter at a time: one file store, its parsed files reused.
        assert_eq!(renderer.files().created(), 1, "parsed files were not reused");
    }
    assert_eq!(Typesetter::built(), 1, "the font book was built more than once");
    assert!(std::ptr::eq(Typesetter::shared(), Typesetter::shared()));
}

#[test]
fn reused_files_still_see_an_edited_layout() {
    let project = common::project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let renderer = Renderer::new(Project::discover(project.path()).unwrap()).unwrap();
    let before = renderer.pdf(&finding).unwrap();
    let templates = project.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let layout = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/layout.typ"),
    )
    .unwrap();
    std::fs::write(templates.join("layout.typ"), layout.replace("\"Page\"", "\"Sheet\"")).unwrap();
    let after = renderer.pdf(&finding).unwrap();
    let pdf = project.path().join("after.pdf");
    std::fs::write(&pdf, &after).unwrap();
    assert_ne!(before, after);
    assert!(common::pdf_text(&pdf).contains("Sheet 2 of 6"));
    assert_eq!(renderer.files().created(), 1);
}
