//! The preview's HTML: a letter's page, with the script that keeps it
//! current, and a folder's list of letters. Every name and message is
//! escaped for HTML here.

use std::fmt::Write as _;

use super::folder::Summary;
use super::{Letter, Shown};

const STYLE: &str = "body{background:#e8e8e8;font-family:sans-serif;margin:0;padding:1rem}\
    header,ul{margin:0 auto 1rem;max-width:900px}\
    img{display:block;margin:0 auto 1rem;max-width:900px;width:100%;background:white;\
    box-shadow:0 1px 4px #0004}\
    #error{box-sizing:border-box;position:sticky;top:0;z-index:1;background:#fff3f3;border:1px solid #c00;\
    padding:1rem;max-width:900px;margin:0 auto 1rem;white-space:pre-wrap}\
    #error:not([hidden])~main{opacity:.35}li{margin:.4rem 0}\
    table{margin:0 auto;max-width:900px;width:100%;border-collapse:collapse;background:white}\
    th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ccc}\
    tr.errors td:last-child{color:#c00;font-weight:bold}tr.warnings td:last-child{color:#960}\
    #warnings{box-sizing:border-box;background:#fffbe6;border:1px solid #b80;padding:1rem;\
    max-width:900px;margin:0 auto 1rem;white-space:pre-wrap}";

/// Swaps in new page images once they have decoded, so the pages never
/// blank or change height and the scroll position holds; a late answer to an
/// older render never replaces a newer one. `data-render` on the root element
/// says which render is shown (tests and `bench/serve` wait on it).
const SCRIPT: &str = r#"
const root = document.documentElement;
function show(state) {
  const error = document.getElementById("error");
  error.textContent = state.error ?? "";
  error.hidden = state.error === null;
  const warnings = document.getElementById("warnings");
  warnings.textContent = state.warnings ?? "";
  warnings.hidden = state.warnings === null || state.error !== null;
  document.getElementById("waiting").hidden = true;
  if (state.render === null || String(state.render) === root.dataset.render) return;
  const urls = state.pages.map((version, i) => `${base}/page/${i + 1}.png?v=${version}`);
  Promise.all(urls.map(url => {
    const image = new Image();
    image.src = url;
    return image.decode().catch(() => {});
  })).then(() => {
    if (Number(root.dataset.render) > state.render) return;
    const pages = document.getElementById("pages");
    urls.forEach((url, i) => {
      let image = pages.children[i];
      if (!image) {
        image = document.createElement("img");
        image.id = `page-${i + 1}`;
        image.alt = `Page ${i + 1} of the letter`;
        pages.append(image);
      }
      image.src = url;
    });
    while (pages.children.length > urls.length) pages.lastElementChild.remove();
    document.getElementById("pdf").href = `${base}/letter.pdf?v=${state.render}`;
    root.dataset.render = state.render;
  });
}
new EventSource(`${base}/events`).addEventListener("update", event => show(JSON.parse(event.data)));
"#;

fn html_head(html: &mut String, title: &str, render: Option<u64>) {
    let render = render.map(|n| n.to_string()).unwrap_or_default();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en-GB\" data-render=\"{render}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} – letterpress</title><style>{STYLE}</style></head><body>",
        crate::wording::escape::xml(title)
    );
}

/// A letter's page: its pages as images and its error, as they are now; the
/// script keeps them current.
pub(super) fn letter_html(letter: &Letter, shown: Option<&Shown>, in_folder: bool) -> String {
    let good = shown.and_then(|shown| shown.good.as_ref());
    let error = shown.and_then(|shown| shown.error.as_deref());
    let warnings =
        shown.map(|shown| shown.warnings.as_str()).filter(|w| !w.is_empty() && error.is_none());
    let mut html = String::new();
    html_head(&mut html, &letter.label, good.map(|good| good.number));
    let base = &letter.base;
    let version = good.map(|good| format!("?v={}", good.number)).unwrap_or_default();
    let _ = write!(
        html,
        "<header><strong>{}</strong> · <a id=\"pdf\" href=\"{base}/letter.pdf{version}\">PDF</a>",
        crate::wording::escape::xml(&letter.label)
    );
    if in_folder {
        html.push_str(" · <a href=\"/\">All letters</a>");
    }
    let _ = write!(
        html,
        "</header><p id=\"waiting\"{}>Rendering…</p><pre id=\"error\"{}>{}</pre>\
         <pre id=\"warnings\" role=\"status\"{}>{}</pre><main id=\"pages\">",
        if shown.is_some() { " hidden" } else { "" },
        if error.is_some() { "" } else { " hidden" },
        crate::wording::escape::xml(error.unwrap_or_default()),
        if warnings.is_some() { "" } else { " hidden" },
        crate::wording::escape::xml(warnings.unwrap_or_default())
    );
    for (i, page) in good.iter().flat_map(|good| good.pages.iter().enumerate()) {
        let (n, since) = (i + 1, page.since);
        let _ = write!(
            html,
            "<img id=\"page-{n}\" src=\"{base}/page/{n}.png?v={since}\" alt=\"Page {n} of the letter\">"
        );
    }
    // `base` is percent-encoded, so it is safe inside a JavaScript string.
    let _ = write!(html, "</main><script>const base = \"{base}\";{SCRIPT}</script></body></html>");
    html
}

/// One letter on the folder page.
pub(super) struct Row<'a> {
    pub(super) letter: &'a Letter,
    /// What its finding file says, when the project could be read.
    pub(super) summary: Option<Summary>,
    /// Its page count, once it has been rendered in this preview.
    pub(super) pages: Option<usize>,
    /// Whether its last render in this preview failed.
    pub(super) failing: bool,
}

/// A folder's page: its letters in a table, to pick one.
pub(super) fn list_html(rows: &[Row<'_>]) -> String {
    let mut html = String::new();
    html_head(&mut html, "Letters", None);
    html.push_str("<header><strong>Letters</strong></header>");
    if rows.is_empty() {
        html.push_str(
            "<p>No finding files (<code>*.toml</code>) in this folder yet.</p></body></html>",
        );
        return html;
    }
    html.push_str(
        "<table id=\"letters\"><thead><tr><th>Letter</th><th>Service area</th><th>Date</th>\
         <th>Status</th><th>Language</th><th>Pages</th><th>Problems</th></tr></thead><tbody>",
    );
    for row in rows {
        let summary = row.summary.clone().unwrap_or_default();
        let problems = match (summary.errors, summary.warnings) {
            _ if row.failing && summary.errors == 0 => "does not render".to_owned(),
            (0, 0) => "none".to_owned(),
            (errors, warnings) => [(errors, "error"), (warnings, "warning")]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let class = if summary.errors > 0 || row.failing {
            " class=\"errors\""
        } else if summary.warnings > 0 {
            " class=\"warnings\""
        } else {
            ""
        };
        let _ = write!(
            html,
            "<tr{class}><td><a href=\"{}/\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            row.letter.base,
            crate::wording::escape::xml(&row.letter.label),
            crate::wording::escape::xml(&summary.service_area),
            crate::wording::escape::xml(&summary.date),
            crate::wording::escape::xml(&summary.status),
            crate::wording::escape::xml(&summary.language),
            row.pages.map_or_else(|| "–".to_owned(), |n| n.to_string()),
            problems,
        );
    }
    html.push_str("</tbody></table></body></html>");
    html
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::super::{Page, Rendered, percent_encode};
    use super::*;
    use crate::typeset::PagePng;

    fn letter(base: &str, label: &str) -> Letter {
        Letter { base: base.into(), label: label.into(), path: PathBuf::new() }
    }

    #[test]
    fn error_pages_escape_the_message() {
        let shown = Shown { error: Some("<script>x</script> & \"".into()), ..Shown::default() };
        let html = letter_html(&letter("", "a.toml"), Some(&shown), false);
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; &amp; &quot;"));
        assert!(!html.contains("<script>x"));
        let shown = Shown { warnings: "<b>warning</b>".into(), ..Shown::default() };
        let html = letter_html(&letter("", "a.toml"), Some(&shown), false);
        assert!(html.contains("&lt;b&gt;warning&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn letter_pages_link_every_image_with_a_cache_buster() {
        let page = |since| Page { png: PagePng { key: 0, png: Arc::from([]) }, since };
        let good = Rendered {
            number: 7,
            pdf: Arc::from([]),
            pages: vec![page(7), page(3)],
            file_name: "a.pdf".into(),
        };
        let shown = Shown { version: 7, good: Some(good), ..Shown::default() };
        let html = letter_html(&letter("/letter/a", "a.toml"), Some(&shown), true);
        assert!(html.contains("src=\"/letter/a/page/1.png?v=7\""));
        assert!(html.contains("src=\"/letter/a/page/2.png?v=3\""));
        assert!(html.contains("href=\"/letter/a/letter.pdf?v=7\""));
        assert!(!html.contains("/page/3.png"));
        assert!(html.contains("data-render=\"7\""));
    }

    #[test]
    fn folder_lists_escape_names_and_encode_links() {
        let letter = letter(
            &format!("/letter/{}", percent_encode("<b>\"x\" & 'y'/z")),
            "<b>\"x\" & 'y'/z.toml",
        );
        let summary =
            Summary { service_area: "<i>North</i>".into(), warnings: 2, ..Summary::default() };
        let row = Row { letter: &letter, summary: Some(summary), pages: Some(3), failing: false };
        let html = list_html(&[row]);
        assert!(html.contains("&lt;i&gt;North&lt;/i&gt;"), "{html}");
        assert!(html.contains("<tr class=\"warnings\">") && html.contains("2 warnings"), "{html}");
        assert!(html.contains("<td>3</td>"), "{html}");
        assert!(html.contains("href=\"/letter/%3Cb%3E%22x%22%20%26%20%27y%27%2Fz/\""), "{html}");
        assert!(html.contains("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;/z.toml"));
    }
}
