//! `letterpress watch`: a save re-renders the PDF; a broken file is reported
//! and the last good PDF kept; fixing it recovers.

use crate::common;

use std::time::Duration;

use common::*;

#[test]
fn a_save_rerenders_and_a_broken_file_recovers() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let pdf = project.path().join("watched.pdf");
    let (_child, log) = spawn_logged(
        project.path(),
        &["watch", "letters/cafcass-greater-london.toml", "-o", "watched.pdf"],
    );
    let renders = || log.lock().unwrap().matches("rendered ").count();

    wait_for("the first render", Duration::from_secs(60), || renders() >= 1);
    assert!(pdf_text(&pdf).contains("Dear Mr Douglas"));

    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    wait_for("the re-render after a save", Duration::from_secs(60), || {
        renders() >= 2 && pdf_text(&pdf).contains("Dear Dr Douglas")
    });

    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(&finding, original.replace("overall = \"satisfactory\"", "overall = \"grand\""))
        .unwrap();
    wait_for("the error report", Duration::from_secs(60), || {
        log.lock().unwrap().contains("`grand` is not a judgement")
    });
    assert_eq!(std::fs::read(&pdf).unwrap(), good, "a broken save replaced the PDF");

    std::fs::write(&finding, &original).unwrap();
    wait_for("recovery after the fix", Duration::from_secs(60), || {
        renders() >= 3 && pdf_text(&pdf).contains("Dear Mr Douglas")
    });
}

#[test]
fn editing_the_translation_of_a_bilingual_letter_rerenders_it() {
    watch_bilingual("letters/welsh.toml", "cafcass-greater-london.toml");
}

#[test]
fn a_translation_kept_in_another_folder_is_watched_too() {
    watch_bilingual("letters/cy/welsh.toml", "../cafcass-greater-london.toml");
}

/// The demo letter, relative to a project copy.
const DEMO: &str = "letters/cafcass-greater-london.toml";

/// Runs `letterpress watch finding -o pdf` in `project`, its output
/// discarded; the process ends when the guard is dropped.
fn watch_quietly(project: &std::path::Path, finding: &str, pdf: &str) -> KillOnDrop {
    KillOnDrop(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
            .current_dir(project)
            .args(["watch", finding, "-o", pdf])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Watches a Welsh letter at `welsh` (in the project) whose translation is
/// the demo, named as `translation`, and checks that saving the demo
/// re-renders the bilingual PDF.
fn watch_bilingual(welsh: &str, translation: &str) {
    let project = project_copy();
    let english = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&english).unwrap();
    let welsh_text = original.replacen(
        "overall = \"satisfactory\"",
        &format!("overall = \"satisfactory\"\nlanguage = \"cy\"\ntranslation = \"{translation}\""),
        1,
    );
    let welsh_path = project.path().join(welsh);
    std::fs::create_dir_all(welsh_path.parent().unwrap()).unwrap();
    std::fs::write(&welsh_path, welsh_text).unwrap();
    let pdf = project.path().join("both.pdf");
    let _child = watch_quietly(project.path(), welsh, "both.pdf");
    wait_for("the first render", Duration::from_secs(60), || {
        pdf.exists() && pdf_text(&pdf).contains("Dear Mr Douglas")
    });
    std::fs::write(&english, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    wait_for("the re-render after the English file's save", Duration::from_secs(60), || {
        pdf_text(&pdf).contains("Dear Dr Douglas")
    });
}

#[test]
fn replacing_a_signature_image_rerenders_the_letter() {
    let project = project_copy();
    let image = sign_with_image(project.path());
    let pdf = project.path().join("signed.pdf");
    let _child = watch_quietly(project.path(), DEMO, "signed.pdf");
    wait_for("the first render", Duration::from_secs(60), || pdf.exists());
    let first = std::fs::read(&pdf).unwrap();
    // Saved unchanged: typst finds everything in its caches this time, and
    // what it read must still be known.
    let modified = || std::fs::metadata(&pdf).and_then(|m| m.modified()).ok();
    let before = modified();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    std::fs::write(&finding, std::fs::read(&finding).unwrap()).unwrap();
    wait_for("the render after an unchanged save", Duration::from_secs(60), || {
        modified() != before
    });
    std::fs::copy(repo().join("docs/serve-preview.png"), &image).unwrap();
    wait_for("the re-render after the signature image changed", Duration::from_secs(60), || {
        std::fs::read(&pdf).is_ok_and(|now| now != first)
    });
}

#[test]
fn a_layout_in_a_templates_folder_made_while_watching_is_watched_too() {
    let project = project_copy();
    let templates = project.path().join("templates");
    std::fs::remove_dir_all(&templates).unwrap();
    let pdf = project.path().join("laid-out.pdf");
    let _child = watch_quietly(project.path(), DEMO, "laid-out.pdf");
    wait_for("the first render", Duration::from_secs(60), || pdf.exists());
    let layout = std::fs::read_to_string(repo().join("templates/layout.typ")).unwrap();
    let relabelled = |label: &str| layout.replace("[#labels.page #n", &format!("[{label} #n"));
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("layout.typ"), relabelled("Sheet")).unwrap();
    wait_for("the render with the new layout", Duration::from_secs(60), || {
        pdf_text(&pdf).contains("Sheet 2 of 6")
    });
    std::fs::write(templates.join("layout.typ"), relabelled("Leaf")).unwrap();
    wait_for("the render after editing it", Duration::from_secs(60), || {
        pdf_text(&pdf).contains("Leaf 2 of 6")
    });
}
