//! Untrusted text stays text: property tests and an injection corpus for the
//! escapers and the Markdown converter.
//!
//! The cheap oracle is typst's own parser: escaped text must parse to nothing
//! but text, spaces and escapes (so no code, math, label, reference, comment
//! or markup can ever start), and must read back as the input. The expensive
//! oracle is a full typst layout, run on fewer cases.

use crate::layout;

use layout::layout_markdown;
use letterpress::model::MarkdownOptions;
use letterpress::wording::{escape, markdown};
use proptest::prelude::*;
use typst::syntax::{SyntaxKind, SyntaxNode, ast};

/// Characters that mean something to typst or Markdown, to make generated
/// strings hostile far more often than random Unicode would.
const RISKY: &str = "#[]$*_`<>@~'\"=-+./:;(){}\\ \n\t\u{a0}\u{202e}\u{200b}1aZé€";

fn risky_string() -> impl Strategy<Value = String> {
    let chars: Vec<char> = RISKY.chars().collect();
    prop_oneof![
        prop::collection::vec(prop::sample::select(chars), 0..40)
            .prop_map(|v| v.into_iter().collect()),
        any::<String>(),
        "(#[a-z]+\\(\"[^\"]*\"\\)|//|/\\*|\\*/|\\$[a-z]\\$|<[a-z]+>|@[a-z]+|\\\\u\\{[0-9a-f]+\\}|https?://[a-z./]+|[-+=] |[0-9]+\\. |`+|\\s)*",
    ]
}

/// Reads markup back as text, failing on anything but text, spaces and escapes.
fn plain_text_of_markup(node: &SyntaxNode, out: &mut String) -> Result<(), String> {
    match node.kind() {
        SyntaxKind::Markup => {
            for child in node.children() {
                plain_text_of_markup(child, out)?;
            }
            Ok(())
        }
        SyntaxKind::Text => {
            out.push_str(node.leaf_text());
            Ok(())
        }
        SyntaxKind::Space => {
            out.push(' ');
            Ok(())
        }
        SyntaxKind::Escape => {
            out.push_str(&node.leaf_text()[1..]);
            Ok(())
        }
        kind => Err(format!("escaped text parsed as {kind:?}: {:?}", node.leaf_text())),
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn escaped_markup_is_only_text_and_reads_back(input in risky_string()) {
        let escaped = escape::markup(&input);
        let tree = typst::syntax::parse(&escaped);
        prop_assert!(tree.errors_and_warnings().0.is_empty(), "{:?}", tree.errors_and_warnings().0);
        let mut text = String::new();
        plain_text_of_markup(&tree, &mut text).map_err(TestCaseError::fail)?;
        prop_assert_eq!(text, collapse_whitespace(&input));
    }

    #[test]
    fn escaped_strings_read_back_exactly(input in risky_string()) {
        let code = format!("#{}", escape::string(&input));
        let tree = typst::syntax::parse(&code);
        prop_assert!(tree.errors_and_warnings().0.is_empty(), "{:?}", tree.errors_and_warnings().0);
        let node = tree
            .children()
            .find(|n| n.kind() == SyntaxKind::Str)
            .ok_or_else(|| TestCaseError::fail("no string literal"))?;
        let value = node.cast::<ast::Str>().map(|s| s.get().to_string());
        prop_assert_eq!(value.as_deref(), Some(input.as_str()));
    }

    #[test]
    fn converted_markdown_always_parses(input in risky_string()) {
        let converted = markdown::to_typst(&input, Some("Lead: #x "), MarkdownOptions::default());
        let tree = typst::syntax::parse(&converted.markup);
        prop_assert!(tree.errors_and_warnings().0.is_empty(), "{:?} in\n{}", tree.errors_and_warnings().0, converted.markup);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn converted_markdown_always_compiles(input in risky_string()) {
        prop_assert!(layout_markdown(&input).is_ok(), "{:?}", layout_markdown(&input));
    }
}

#[test]
fn injection_corpus_prints_verbatim_quickly_and_reads_no_file() {
    let long_line = "#read(\"/etc/passwd\") ".repeat(5_000); // 105 KB
    let nested_list: String =
        (0..1_000).map(|depth| format!("{}- level {depth}\n", "  ".repeat(depth))).collect();
    let nested_quote = format!("{} deep", ">".repeat(1_000));
    let corpus: Vec<(&str, String)> = vec![
        ("code", "#read(\"/etc/passwd\")".into()),
        ("import", "#import \"/etc/passwd\": x".into()),
        ("package", "#import \"@preview/cetz:0.3.0\": canvas".into()),
        ("include", "#include \"/etc/hostname\"".into()),
        ("image", "#image(\"/etc/hostname\")".into()),
        ("math", "$x^2$ and $$ y $$".into()),
        ("label", "<label> and @ref and @x.y".into()),
        ("line comment", "before // after".into()),
        ("block comment", "before /* inside */ after */".into()),
        ("raw", "```typ\n#read(\"/etc/passwd\")\n```".into()),
        ("unicode escape", "\\u{1F600} and \\u{zz}".into()),
        ("bidi", "abc \u{202e}def\u{202c} \u{2066}ghi\u{2069}".into()),
        ("markup", "= heading\n- item\n+ enum\n/ term: x\n1. one".into()),
        ("brackets", "] ] [ #} {".into()),
        ("long line", long_line),
        ("nested list", nested_list),
        ("nested quote", nested_quote),
    ];
    for (name, markdown) in corpus {
        // How long each takes is bench/hostile's to measure, not a test's.
        let text = layout_markdown(&markdown).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!text.contains("root:x:0"), "{name} read /etc/passwd");
        let expected_words =
            ["#read", "#import", "#include", "#image", "$x^2$", "<label>", "//", "/*"];
        for word in expected_words {
            if markdown.contains(word) && !markdown.starts_with("```") {
                assert!(
                    text.replace(' ', "").contains(&word.replace(' ', "")),
                    "{name}: {word} not printed"
                );
            }
        }
    }
}
