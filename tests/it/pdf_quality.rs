//! The letter as a document: tagged, PDF/UA-1 conformant (checked by an
//! independent validator, page_validation), with language and metadata.

use crate::common;

use common::*;
use lopdf::{Document, Object};

fn render_demo(dir: &std::path::Path) -> std::path::PathBuf {
    let pdf = dir.join("demo.pdf");
    letterpress().arg("render").arg(demo_finding()).arg("-o").arg(&pdf).assert().success();
    pdf
}

fn info_string(doc: &Document, key: &[u8]) -> String {
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).unwrap();
    let dict = doc.get_dictionary(info).unwrap();
    let bytes = dict.get(key).and_then(Object::as_str).unwrap();
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn demo_letter_is_tagged_with_language_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(render_demo(dir.path())).unwrap();
    let catalog = doc.catalog().unwrap();
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "no structure tree");
    assert_eq!(catalog.get(b"Lang").and_then(Object::as_str).unwrap(), b"en-GB");
    let mark_info = catalog.get(b"MarkInfo").and_then(Object::as_dict).unwrap();
    assert!(mark_info.get(b"Marked").and_then(Object::as_bool).unwrap());

    assert_eq!(
        info_string(&doc, b"Title"),
        "Post inspection monitoring – Cafcass Greater London service area"
    );
    assert_eq!(info_string(&doc, b"Author"), "Stephen Hunt");
    assert!(info_string(&doc, b"Subject").contains("22-25 November 2010"));
    assert!(info_string(&doc, b"Keywords").contains("Cafcass"));
    assert!(info_string(&doc, b"CreationDate").starts_with("D:20101201"));
}

#[test]
fn every_sample_letter_passes_pdf_ua_1_validation() {
    let (out, _) = render_samples();
    let options = page_validation::ValidationOptions::default()
        .profile(page_validation::ValidationProfile::PdfUa1);
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let report = page_validation::validate_pdf_bytes(&bytes, &options).unwrap();
        let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
        assert!(report.is_compliant, "{}: {failures:#?}", path.display());
    }
}

#[test]
fn archive_copies_paper_sizes_and_page_images() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("archive.pdf");
    letterpress()
        .arg("render")
        .arg(demo_finding())
        .args(["--pdf-standard", "a-2b", "--paper", "letter", "--png", "-o"])
        .arg(&pdf)
        .assert()
        .success();
    let bytes = std::fs::read(&pdf).unwrap();
    let options = page_validation::ValidationOptions::default()
        .profile(page_validation::ValidationProfile::PdfA2b);
    let report = page_validation::validate_pdf_bytes(&bytes, &options).unwrap();
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert!(report.is_compliant, "PDF/A-2b: {failures:#?}");

    let doc = Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    let first = doc.get_dictionary(*pages.values().next().unwrap()).unwrap();
    let media_box = first.get(b"MediaBox").and_then(Object::as_array).unwrap();
    let width = media_box[2].as_float().unwrap();
    assert!((width - 612.0).abs() < 0.5, "US Letter is 612 pt wide, got {width}");
    for n in 1..=pages.len() {
        let png = std::fs::read(dir.path().join(format!("archive-{n}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "page {n} is not a PNG");
    }
    assert!(!dir.path().join(format!("archive-{}.png", pages.len() + 1)).exists());
}

#[test]
fn an_unknown_pdf_standard_is_a_usage_error() {
    letterpress()
        .arg("render")
        .arg(demo_finding())
        .args(["--pdf-standard", "a-9z"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown PDF standard `a-9z`"));
}
