use super::*;

fn convert(md: &str) -> String {
    to_typst(md, None, MarkdownOptions::default()).markup
}

#[test]
fn paragraphs_are_separated_by_blank_lines() {
    assert_eq!(convert("one\ntwo\n\nthree"), "one two\n\nthree");
}

#[test]
fn inline_styles_are_calls_terminated_by_semicolons() {
    assert_eq!(convert("*a* **b** `c`"), "#emph[a]; #strong[b]; #raw(\"c\");");
}

#[test]
fn lists_use_function_form_and_keep_their_start() {
    assert_eq!(convert("- a\n- b"), "#list([a], [b], );");
    assert_eq!(convert("3. a\n4. b"), "#enum(start: 3, [a], [b], );");
}

#[test]
fn only_web_mail_and_phone_links_become_links() {
    for url in ["javascript:alert(1)", "file:///etc/passwd", "JavaScript:x", "page.html", "data:x"]
    {
        let converted = to_typst(&format!("[x]({url})"), None, MarkdownOptions::default());
        assert_eq!(converted.markup, "x", "{url}");
        assert_eq!(converted.warnings.len(), 1, "{url}");
    }
    for url in ["https://a.b", "HTTP://a.b", "mailto:a@b.c", "tel:+441234"] {
        assert!(convert(&format!("[x]({url})")).starts_with("#link("), "{url}");
    }
}

#[test]
fn links_pass_the_url_as_a_string() {
    assert_eq!(
        convert("[x](http://a.b/\"q)"),
        "#link(\"http://a.b/\\\"q\")[x]; \\(http\\:\\/\\/a\\.b\\/\\\"q\\)"
    );
}

#[test]
fn a_link_prints_its_address_unless_its_text_is_the_address() {
    let printed = convert("See [our guidance](https://example.org/guide).");
    assert!(
        printed.contains("our guidance]; \\(https\\:\\/\\/example\\.org\\/guide\\)"),
        "{printed}"
    );
    for same in ["<https://example.org/>", "[example.org](https://example.org)", "<a@b.org>"] {
        assert!(!convert(same).contains("\\("), "{same}: {}", convert(same));
    }
}

#[test]
fn slots_take_converted_prose_and_the_last_block_is_found() {
    let md = format!("# Head\n\nIt said {}\n\nLast one.", prose_slot(0));
    let out = wording_to_typst(&md, &["*x*\n\ny"], MarkdownOptions::default());
    assert!(out.markup.starts_with("#heading(level: 1, outlined: true)[Head];"));
    assert!(out.markup.contains("It said *x*\n\ny"), "{}", out.markup);
    assert_eq!(&out.markup[out.last_block..], "Last one\\.");
    let stray = wording_to_typst(&prose_slot(3), &[], MarkdownOptions::default());
    assert!(stray.markup.contains("letterpress"), "an unknown slot is printed as text");
}

#[test]
fn lead_starts_the_first_paragraph() {
    let out = to_typst("the text.\n\nMore.", Some("It said that "), MarkdownOptions::default());
    assert_eq!(out.markup, "It said that the text\\.\n\nMore\\.");
}

#[test]
fn html_is_printed_and_reported() {
    let out = to_typst("a <b>x</b>", None, MarkdownOptions::default());
    assert_eq!(out.markup, "a \\<b\\>x\\<\\/b\\>");
    assert_eq!(out.warnings.len(), 2);
}

#[test]
fn footnotes_are_placed_at_their_reference() {
    assert_eq!(convert("a[^1]\n\n[^1]: note"), "a#footnote[note];");
}

#[test]
fn smart_punctuation_is_an_option() {
    let smart = MarkdownOptions { smart_punctuation: true };
    assert_eq!(to_typst("\"a\" -- b", None, smart).markup, "“a” – b");
    assert_eq!(convert("\"a\" -- b"), "\\\"a\\\" \\-\\- b");
}

#[test]
fn deep_nesting_is_flattened() {
    let md = ">".repeat(100) + " deep";
    let out = convert(&md);
    assert_eq!(out.matches("#quote").count(), MAX_NESTING);
    assert!(out.contains("deep"));
}

#[test]
fn indented_prose_is_prose_not_code() {
    let out = to_typst(
        "    The log is *kept* daily.\n    It is checked.",
        None,
        MarkdownOptions::default(),
    );
    assert_eq!(out.markup, "The log is #emph[kept]; daily\\. It is checked\\.");
    assert!(!out.markup.contains("#raw"));
    // One paragraph indented among others, with the lead.
    let out = to_typst(
        "First.\n\n        Second, indented.\n\nThird.",
        Some("It said "),
        MarkdownOptions::default(),
    );
    assert_eq!(out.markup, "It said First\\.\n\nSecond, indented\\.\n\nThird\\.");
    // Indented inside a list item: still prose in the item.
    assert_eq!(convert("- a\n\n          b"), "#list([a\n\nb], );");
    // A fenced block is still code.
    assert_eq!(convert("```\nx = 1\n```"), "#raw(block: true, \"x = 1\\n\");");
}

#[test]
fn deep_indentation_stays_text() {
    let md: String = (0..40).map(|i| format!("{}line {i}\n\n", " ".repeat(4 * i))).collect();
    let out = convert(&md);
    assert!(out.contains("line 39"), "{out}");
    assert!(!out.contains("#raw"), "{out}");
}

#[test]
fn a_list_or_heading_in_the_middle_of_a_paragraph_is_warned_about() {
    let warned = |md: &str| -> Vec<String> { remarks(md).into_iter().map(|r| r.message).collect() };
    let list = warned("The service had reviewed\n* cases in the sample.");
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(list[0].starts_with("this line begins with * and so starts a list"), "{list:?}");
    let heading = warned("Managers met\n## the team weekly.");
    assert!(heading[0].contains("starts a heading"), "{heading:?}");
    let setext = warned("The duty log\n---");
    assert!(setext[0].contains("makes it a heading"), "{setext:?}");
    // Meant: after a blank line, after a colon, inside a list.
    assert!(warned("Text.\n\n* a\n* b").is_empty());
    assert!(warned("Inspectors met:\n- managers\n- staff").is_empty());
    assert!(warned("- a\n  - b").is_empty());
    assert!(warned("# Heading\n\ntext").is_empty());
    assert_eq!(warned("    The service had reviewed\n* cases.").len(), 1, "after indented prose");
    let at = remarks("The service had\n- reviewed")[0].range.clone();
    assert_eq!(at, 16..17);
}
