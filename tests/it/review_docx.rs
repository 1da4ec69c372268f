//! `render --format docx` and `batch --format docx`: the editable copy, and
//! the factual-accuracy label on every page of both PDF and DOCX.

use std::io::Read;
use std::path::Path;

use crate::common::{letterpress, pdf_text, project_copy, similarity, words};
use crate::office::Office;

/// A part of a DOCX package, as text.
fn part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn render_docx(letter: &Path, out: &Path) {
    letterpress()
        .args(["render", "--format", "docx"])
        .arg(letter)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// The demo letter as the factual-accuracy copy, in the project at `dir`.
fn factual_accuracy_copy(dir: &Path) -> std::path::PathBuf {
    let letter = dir.join("letters/cafcass-greater-london.toml");
    let text = std::fs::read_to_string(&letter).unwrap();
    let text = text.replacen("\ndate = ", "\nstatus = \"factual-accuracy\"\ndate = ", 1);
    assert!(text.contains("status = \"factual-accuracy\""));
    let copy = dir.join("letters/for-checking.toml");
    std::fs::write(&copy, text).unwrap();
    copy
}

#[test]
fn the_docx_is_the_same_bytes_every_time_and_named_like_the_pdf() {
    let project = project_copy();
    let letter = project.path().join("letters/cafcass-greater-london.toml");
    let out = project.path().join("out");
    render_docx(&letter, &out);
    let docx = out.join("cafcass-greater-london.docx");
    let first = std::fs::read(&docx).unwrap();
    render_docx(&letter, &out);
    assert_eq!(std::fs::read(&docx).unwrap(), first, "DOCX bytes differ between two renders");
    let body = part(&docx, "word/document.xml");
    assert!(body.contains("Dear Mr Douglas") && body.contains(r#"w:lang w:val="en-GB""#));
    assert!(part(&docx, "word/styles.xml").contains(r#"<w:lang w:val="en-GB""#));
    // `-o NAME.docx` is a DOCX without --format; the other extension is refused.
    let named = project.path().join("named.docx");
    letterpress().arg("render").arg(&letter).arg("-o").arg(&named).assert().success();
    assert!(std::fs::read(&named).unwrap().starts_with(b"PK"));
    letterpress()
        .args(["render", "--format", "pdf"])
        .arg(&letter)
        .arg("-o")
        .arg(&named)
        .assert()
        .failure()
        .stderr(predicates::str::contains("--format pdf writes a .pdf file"));
}

#[test]
fn a_welsh_letter_is_marked_welsh_and_its_translation_english() {
    let out = tempfile::tempdir().unwrap();
    let letter = crate::common::fixtures().join("letters/sample-northmoor.cy.toml");
    let docx = out.path().join("northmoor.docx");
    render_docx(&letter, &docx);
    let body = part(&docx, "word/document.xml");
    assert!(part(&docx, "word/styles.xml").contains(r#"<w:lang w:val="cy-GB""#));
    let (welsh, english) = body.split_at(body.find(r#"w:val="en-GB""#).unwrap());
    assert!(welsh.contains(r#"w:lang w:val="cy-GB""#) && welsh.contains("Yn gywir"), "{welsh}");
    assert!(english.contains("Yours sincerely"));
}

#[test]
fn the_factual_accuracy_copy_says_so_on_every_page_and_is_never_signed() {
    let project = project_copy();
    crate::common::sign_with_image(project.path());
    let letter = factual_accuracy_copy(project.path());
    let out = project.path().join("out");
    letterpress().arg("render").arg(&letter).arg("-o").arg(&out).assert().success();
    let pdf = out.join("for-checking.pdf");
    let pages = lopdf::Document::load(&pdf).unwrap().get_pages().len();
    let text = pdf_text(&pdf);
    // The page header on every page, and once more as the letter's first line.
    assert_eq!(text.matches("Draft for factual accuracy check").count(), pages + 1, "{text}");
    assert!(text.contains("Draft: not signed"));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        !bytes.windows(b"/Subtype /Image".len()).any(|w| w == b"/Subtype /Image")
            && !bytes.windows(b"/Subtype/Image".len()).any(|w| w == b"/Subtype/Image"),
        "a signature image"
    );
    render_docx(&letter, &out);
    let docx = out.join("for-checking.docx");
    let headers: Vec<String> =
        ["word/header1.xml", "word/header2.xml"].iter().map(|h| part(&docx, h)).collect();
    assert!(headers.iter().all(|h| h.contains("Draft for factual accuracy check")));
    assert!(part(&docx, "word/document.xml").contains("Draft: not signed"));
}

#[test]
fn batch_writes_a_docx_for_every_letter() {
    let project = project_copy();
    let out = project.path().join("out");
    letterpress()
        .args(["batch", "--format", "docx", "--quiet"])
        .arg(project.path().join("letters"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("cafcass-greater-london.docx").is_file());
    assert!(!out.join("cafcass-greater-london.pdf").exists());
}

#[test]
fn libreoffice_opens_the_docx_and_it_says_what_the_pdf_says() {
    let Some(office) = Office::find() else { return };
    let project = project_copy();
    let letter = factual_accuracy_copy(project.path());
    let out = project.path().join("out");
    letterpress().arg("render").arg(&letter).arg("-o").arg(&out).assert().success();
    render_docx(&letter, &out);
    let converted = tempfile::tempdir().unwrap();
    let pdf = office.convert(&out.join("for-checking.docx"), "pdf", "pdf", converted.path());
    let ours = pdf_text(&out.join("for-checking.pdf"));
    let theirs = pdf_text(&pdf);
    let ratio = similarity(&words(&ours), &words(&theirs));
    assert!(
        ratio >= 0.95,
        "LibreOffice's PDF of the DOCX matches the letter's text only {ratio:.3}"
    );
    let pages = lopdf::Document::load(&pdf).unwrap().get_pages().len();
    assert_eq!(theirs.matches("Draft for factual accuracy check").count(), pages, "{theirs}");
}
