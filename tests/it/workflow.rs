//! The letter workflow: drafts and final letters, references and
//! enclosures, postal checks on the address.

use crate::common;

use common::*;
use predicates::str::contains;

/// The demo project with the demo finding edited by `edit`.
fn demo_with(edit: impl Fn(String) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, edit(original)).unwrap();
    (project, finding)
}

/// Renders `finding` as final and as draft into `dir`; returns both PDFs.
fn render_final_and_draft(
    dir: &std::path::Path,
    finding: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (fin, draft) = (dir.join("final.pdf"), dir.join("draft.pdf"));
    render_to(finding, &fin).success();
    letterpress()
        .arg("render")
        .arg(finding)
        .arg("--draft")
        .arg("-o")
        .arg(&draft)
        .assert()
        .success();
    (fin, draft)
}

/// `letterpress render FINDING -o OUT`, to assert on.
fn render_to(finding: &std::path::Path, out: &std::path::Path) -> assert_cmd::assert::Assert {
    letterpress().arg("render").arg(finding).arg("-o").arg(out).assert()
}

fn top_level(text: String, lines: &str) -> String {
    text.replacen("overall = \"satisfactory\"", &format!("overall = \"satisfactory\"\n{lines}"), 1)
}

#[test]
fn drafts_are_watermarked_and_unsigned_and_finals_are_not() {
    let (project, finding) = demo_with(|t| t);
    let (fin, draft) = render_final_and_draft(project.path(), &finding);
    let draft_text = words(&pdf_text(&draft)).join(" ");
    let final_text = words(&pdf_text(&fin)).join(" ");
    assert!(draft_text.contains("Draft — not for circulation (rendered "), "{draft_text}");
    assert!(draft_text.contains("DRAFT"));
    assert!(draft_text.contains("Draft: not signed"));
    for marker in ["DRAFT", "not for circulation", "not signed"] {
        assert!(!final_text.contains(marker), "{marker} in the final letter");
    }
}

#[test]
fn a_final_letter_with_placeholders_is_refused_and_lists_them() {
    let (project, finding) = demo_with(|t| {
        t.replace("\"Anthony Douglas\"", "\"TODO name\"")
            .replace("role = \"Chief Executive\"", "role = \"TODO role\"")
    });
    render_to(&finding, &project.path().join("x.pdf"))
        .code(1)
        .stderr(contains("a final letter still has the placeholder TODO"))
        .stderr(contains("in `recipient.name`"))
        .stderr(contains("in `recipient.role`"));
    assert!(!project.path().join("x.pdf").exists());
    // The same file renders as a draft.
    letterpress()
        .arg("render")
        .arg(&finding)
        .arg("--draft")
        .arg("-o")
        .arg(project.path().join("x.pdf"))
        .assert()
        .success();
}

#[test]
fn reference_and_enclosures_appear_in_text_and_metadata() {
    let (project, finding) = demo_with(|t| {
        top_level(
            t,
            "reference = \"OFS/S3/2010-12\"\nenclosures = [\"Inspection report, January 2010\"]",
        )
    });
    let pdf = project.path().join("ref.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().success();
    let text = words(&pdf_text(&pdf)).join(" ");
    assert!(text.contains("Our reference: OFS/S3/2010-12"), "{text}");
    assert!(
        text.contains("Enclosures: • Inspection report, January 2010")
            || text.contains("Enclosures: Inspection report, January 2010"),
        "{text}"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let info = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference).unwrap();
    let keywords =
        doc.get_dictionary(info).unwrap().get(b"Keywords").unwrap().as_str().unwrap().to_vec();
    let keywords = String::from_utf8_lossy(&keywords).replace('\0', "");
    assert!(keywords.contains("OFS/S3/2010-12"), "{keywords}");
}

#[test]
fn addresses_are_checked_for_the_envelope_window() {
    let cases = [
        (
            "address = [\"1\", \"2\", \"3\", \"4\", \"5\", \"London, SW1P 3BT\"]",
            "the address block has 9 lines; an envelope window shows 3 to 7",
        ),
        (
            "address = [\"6th Floor\", \"Great Smith Street\", \"London\"]",
            "the last address line `London` does not end with a UK postcode",
        ),
    ];
    for (address, message) in cases {
        let (project, _finding) = demo_with(|t| {
            t.replace("address = [\"6th Floor\", \"Sanctuary Buildings\", \"Great Smith Street\", \"London, SW1P 3BT\"]", address)
        });
        letterpress()
            .current_dir(project.path())
            .args(["check", "letters/cafcass-greater-london.toml"])
            .assert()
            .code(1)
            .stderr(contains(message))
            .stderr(contains("in `recipient.address"));
    }
    // A letter abroad ends with its country.
    let (project, finding) = demo_with(|t| {
        t.replace("\"London, SW1P 3BT\"]", "\"75007 Paris\", \"France\"]")
            .replace("\"6th Floor\", ", "")
    });
    letterpress().current_dir(project.path()).arg("check").arg(&finding).assert().success();
}

#[test]
fn postcodes_are_printed_normalised() {
    let (project, finding) = demo_with(|t| t.replace("London, SW1P 3BT", "London, sw1p3bt"));
    let pdf = project.path().join("pc.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&pdf).assert().success();
    assert!(pdf_text(&pdf).contains("London, SW1P 3BT"));
}

/// How many image XObjects a PDF holds.
fn images_in(pdf: &std::path::Path) -> usize {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.objects
        .values()
        .filter(|object| {
            object.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").and_then(lopdf::Object::as_name).is_ok_and(|n| n == b"Image")
            })
        })
        .count()
}

#[test]
fn the_signature_image_is_on_final_letters_only() {
    let (project, finding) = demo_with(|t| t);
    let image = sign_with_image(project.path());
    let (fin, draft) = render_final_and_draft(project.path(), &finding);
    assert!(images_in(&fin) >= 1, "no signature image in the final letter");
    assert_eq!(images_in(&draft), 0, "a draft carries the signature image");

    // A signature that is not there is reported before anything renders.
    std::fs::remove_file(image).unwrap();
    render_to(&finding, &project.path().join("x.pdf"))
        .code(1)
        .stderr(contains("signature image for Stephen Hunt in letterpress.toml: `signatures/hunt.png` does not exist"));
}

/// Renders `finding` to `name` in the project and returns the PDF's words.
fn rendered_words(project: &tempfile::TempDir, finding: &std::path::Path, name: &str) -> String {
    let pdf = project.path().join(name);
    render_to(finding, &pdf).success();
    words(&pdf_text(&pdf)).join(" ")
}

#[test]
fn a_welsh_letter_has_welsh_wording_dates_and_numbers() {
    let (project, finding) = demo_with(|t| top_level(t, "language = \"cy\""));
    let text = rendered_words(&project, &finding, "cy.pdf");
    // Month names and number words from the Welsh locale table.
    assert!(text.contains("1 Rhagfyr 2010"), "{text}");
    assert!(text.contains("ar 22-25 Tachwedd 2010") && text.contains("ym mis Rhagfyr 2009"));
    assert!(text.contains("a nododd deuddeg maes i'w wella."));
    assert!(text.contains(
        "mewn wyth o'r deuddeg maes i'w wella, cynnydd da mewn dau a chynnydd annigonol mewn dau."
    ));
    assert!(text.contains("o fewn tri mis, sicrhau"));
    assert!(text.contains("Mae Cafcass wedi gwneud cynnydd boddhaol ar y maes hwn i'w wella."));
    assert!(text.contains("Tudalen 2 o 6"));
    // No English fixed phrase is left.
    for english in
        ["01 December", "twelve", "progress has been made by", "Page 2", "Yours sincerely"]
    {
        assert!(!text.contains(english), "{english} in the Welsh letter");
    }
}

#[test]
fn a_bilingual_letter_holds_both_versions_each_numbered_on_its_own() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let english = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    let welsh =
        top_level(english, "language = \"cy\"\ntranslation = \"cafcass-greater-london.toml\"");
    std::fs::write(letters.join("welsh.toml"), welsh).unwrap();
    let text = rendered_words(&project, &letters.join("welsh.toml"), "both.pdf");
    // The English letter starts at its date line.
    let (cy, en) = text.split_once("01 December 2010").expect("the English date line");
    assert!(cy.contains("1 Rhagfyr 2010") && cy.contains("deuddeg maes i'w wella"));
    assert!(cy.contains("Yn gywir") && !cy.contains("Yours sincerely"));
    assert!(en.contains("twelve areas for improvement") && en.contains("Yours sincerely"));
    // Each version counts its own pages (footers, which `words` drops).
    let raw = pdf_text(&project.path().join("both.pdf"));
    let (cy, en) = raw.split_once("01 December 2010").unwrap();
    assert!(cy.contains("Tudalen 6 o 6") && !cy.contains("Tudalen 7"));
    assert!(en.contains("Page 2 of 6") && en.contains("Page 6 of 6") && !en.contains("Page 7"));
    let pdf = lopdf::Document::load(project.path().join("both.pdf")).unwrap();
    assert_eq!(pdf.get_pages().len(), 12);
    // The document's language is the first version's, for screen readers.
    let lang = pdf.catalog().unwrap().get(b"Lang").unwrap().as_str().unwrap();
    assert_eq!(lang, b"cy");
}

#[test]
fn a_translation_that_disagrees_on_a_fact_is_refused() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let english = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    let welsh = top_level(
        english.replacen("judgement = \"good\"", "judgement = \"inadequate\"", 1),
        "language = \"cy\"\ntranslation = \"cafcass-greater-london.toml\"",
    );
    std::fs::write(letters.join("welsh.toml"), welsh).unwrap();
    let out = project.path().join("both.pdf");
    render_to(&letters.join("welsh.toml"), &out)
        .code(1)
        .stderr(contains("welsh.toml:"))
        .stderr(contains("in `translation`"))
        .stderr(contains("is inadequate here but good in the translation"));
    assert!(!out.exists());
}

#[test]
fn a_template_without_a_welsh_version_says_which_file_to_add() {
    let (project, finding) = demo_with(|t| top_level(t, "language = \"cy\"\ntemplate = \"brief\""));
    render_to(&finding, &project.path().join("x.pdf"))
        .code(1)
        .stderr(contains("template `brief` has no Welsh version; add templates/brief.cy.md.tera"));
}

/// The demo project with `config` appended to its letterpress.toml.
fn project_with_config(config: &str) -> tempfile::TempDir {
    let project = project_copy();
    let path = project.path().join("letterpress.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(config);
    std::fs::write(path, text).unwrap();
    project
}

#[test]
fn pdfs_are_named_by_the_pattern_and_a_collision_is_refused() {
    let project = project_with_config(
        "\n[output]\nfile_name = \"{date}-{service_area}.pdf\"\nmax_pages = 3\n",
    );
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::write(letters.join("same-area.toml"), &demo).unwrap();
    std::fs::write(
        letters.join("other-area.toml"),
        demo.replace("\"Greater London service area\"", "\"Tyne & Wear service area\""),
    )
    .unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out"])
        .assert()
        .code(1)
        .stderr(contains("FAILED letters/same-area.toml"))
        .stderr(contains(
            "out/2010-12-01-greater-london-service-area.pdf is already the PDF of letters/cafcass-greater-london.toml",
        ))
        .stderr(contains(
            "warning: letters/other-area.toml: the letter has 6 pages, more than the 3 set by max_pages in letterpress.toml",
        ));
    let mut pdfs = std::fs::read_dir(project.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pdf"))
        .collect::<Vec<_>>();
    pdfs.sort();
    assert_eq!(
        pdfs,
        ["2010-12-01-greater-london-service-area.pdf", "2010-12-01-tyne-wear-service-area.pdf"]
    );
    // The first letter's PDF is the demo's own, not the colliding copy's.
    let text = pdf_text(&project.path().join("out/2010-12-01-greater-london-service-area.pdf"));
    assert!(text.contains("Greater London"));

    // A later run does not let the colliding letter replace the PDF either.
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/same-area.toml"])
        .assert()
        .code(1)
        .stderr(contains(
            "out/2010-12-01-greater-london-service-area.pdf is the PDF of letters/cafcass-greater-london.toml; not replacing it",
        ));
    let again = pdf_text(&project.path().join("out/2010-12-01-greater-london-service-area.pdf"));
    assert_eq!(again, text, "the refused render changed the PDF");

    // A single render follows the pattern too, and may replace its own PDF.
    std::fs::remove_dir_all(project.path().join("out")).unwrap();
    for _ in 0..2 {
        letterpress()
            .current_dir(project.path())
            .args(["render", "letters/other-area.toml"])
            .assert()
            .success()
            .stderr(contains("out/2010-12-01-tyne-wear-service-area.pdf"))
            .stderr(contains("warning: letters/other-area.toml: the letter has 6 pages"));
    }
}

#[test]
fn a_bad_file_name_pattern_is_reported_in_the_config() {
    let project = project_with_config("\n[output]\nfile_name = \"{dat}.pdf\"\n");
    letterpress()
        .current_dir(project.path())
        .args(["render", "letters/cafcass-greater-london.toml"])
        .assert()
        .code(1)
        .stderr(contains("letterpress.toml:"))
        .stderr(contains("unknown placeholder `{dat}` in file name pattern"));
}

#[test]
fn an_address_too_long_for_the_envelope_window_is_refused() {
    let (project, finding) = demo_with(|t| {
        t.replace(
            "\"6th Floor\"",
            "\"6th Floor, Sanctuary Buildings, Great Smith Street, Westminster, City of London\"",
        )
    });
    let out = project.path().join("x.pdf");
    letterpress().arg("render").arg(&finding).arg("-o").arg(&out).assert().code(1).stderr(
        contains("the recipient's address is 39 mm tall but the envelope window shows 35 mm"),
    );
    assert!(!out.exists());
}

#[test]
fn check_points_at_a_broken_translation() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let english = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    let welsh = top_level(
        english.clone(),
        "language = \"cy\"\ntranslation = \"cafcass-greater-london.toml\"",
    );
    std::fs::write(letters.join("welsh.toml"), welsh).unwrap();
    std::fs::write(
        letters.join("cafcass-greater-london.toml"),
        english.replace("overall = \"satisfactory\"", "overall = \"grand\""),
    )
    .unwrap();
    letterpress()
        .current_dir(project.path())
        .args(["check", "letters/welsh.toml"])
        .assert()
        .code(1)
        .stderr(contains(
            "error: the translation letters/cafcass-greater-london.toml has 1 error(s)",
        ))
        .stderr(contains("in `translation`"))
        .stderr(contains("check it with `letterpress check letters/cafcass-greater-london.toml`"));
}
