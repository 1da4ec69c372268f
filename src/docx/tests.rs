//! The DOCX writer's own tests: bytes, language, escaping.

use super::*;
use std::io::Cursor;

fn doc(lang: &str, change: Option<Change>) -> Document {
    let para = Para::of(vec![Run {
        change, ..Run::plain("Good progress, £45 – “ŵ” 🙂 <&>\u{1}")
    }]);
    Document {
        title: "T".into(),
        author: "A".into(),
        date: "2010-12-01".into(),
        reviser: Some(("letterpress".into(), "2010-12-01".into())),
        letters: vec![Letter {
            lang: lang.into(),
            letterhead: vec!["Ofsted".into()],
            page_words: ("Page".into(), "of".into()),
            dateline: vec!["1 December 2010".into()],
            recipient: vec!["Name".into()],
            body: vec![Block::Paragraph(para)],
            sign_off: SignOff {
                closing: "Yn gywir".into(),
                unsigned: None,
                name: "N".into(),
                role: "R".into(),
            },
            enclosures: (String::new(), vec![]),
            cc: ("cc:".into(), vec!["X".into()]),
            tail: vec![],
            label: Some("Draft for factual accuracy check".into()),
        }],
    }
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    std::io::read_to_string(zip.by_name(name).unwrap()).unwrap()
}

#[test]
fn the_same_document_is_the_same_bytes_and_ids_start_again() {
    let d = doc("en-GB", Some(Change::Inserted));
    let (a, b) = (write(&d).unwrap(), write(&d).unwrap());
    assert_eq!(a, b);
    assert!(
        part(&a, "word/document.xml")
            .contains(r#"<w:ins w:id="0" w:author="letterpress" w:date="2010-12-01T00:00:00Z">"#)
    );
}

#[test]
fn a_welsh_letter_is_welsh_for_proofing_and_text_stays_text() {
    let bytes = write(&doc("cy-GB", None)).unwrap();
    assert!(part(&bytes, "word/styles.xml").contains(r#"<w:lang w:val="cy-GB""#));
    let body = part(&bytes, "word/document.xml");
    assert!(body.contains("£45 – “ŵ” 🙂 &lt;&amp;&gt;</w:t>"), "{body}");
    assert!(part(&bytes, "word/header1.xml").contains("Draft for factual accuracy check"));
}
