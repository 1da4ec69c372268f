//! Regressions a benchmark would catch, checked cheaply: shared work is done
//! once per process, not once per letter.

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
    }
    assert_eq!(Typesetter::built(), 1, "the font book was built more than once");
    assert!(std::ptr::eq(Typesetter::shared(), Typesetter::shared()));
}
