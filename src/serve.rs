//! Live preview: a local web page that shows the letter's pages and updates
//! itself whenever the finding file, a template, the config or a font
//! changes.
//!
//! Built on typst-kit's live-reloading HTTP server (tiny_http, bound to
//! 127.0.0.1 only, server-sent events to reload the page). The page lists the
//! pages as PNG images and links the PDF; when the letter has an error, the
//! page shows the error, with its file, line and snippet, until it is fixed.
//! Only the routes below exist, so no file is ever served from disk and any
//! other path, `..` or not, is a 404.
//!
//! Routes: `/` the page, `/letter.pdf` the PDF, `/page/N.png` page N.

use std::fmt::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use codespan_reporting::term::termcolor::Buffer;
use typst::foundations::Bytes;
use typst_kit::server::{HttpBody, HttpServer};

use crate::project::Project;
use crate::render::{LetterError, Renderer};
use crate::watch::{self, Update, WatchError};

/// Resolution of the page images: 2 pixels per point (144 dpi) stays sharp
/// on high-density screens.
const PIXELS_PER_POINT: f64 = 2.0;

/// Why the preview could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP server could not start.
    #[error("cannot start the preview server: {0}")]
    Server(String),
    /// Watching the inputs failed.
    #[error("{0}")]
    Watch(#[from] WatchError),
}

/// What the preview currently shows.
enum Shown {
    /// The letter: its PDF and page images, and which render this is.
    Letter { pdf: Bytes, pages: Vec<Bytes>, generation: usize },
    /// Why the letter cannot be shown.
    Error(String),
}

/// Serves a live preview of `finding` on `port` (a free one if `None` or 0),
/// calling `on_ready` with the address once it listens, and `on_render` after
/// each render (with the error text, if any).
pub fn serve(
    project: impl Fn() -> Result<Project, String>,
    finding: &Path,
    port: Option<u16>,
    on_ready: impl FnOnce(SocketAddr),
    on_render: &mut dyn FnMut(Result<(), &str>),
) -> Result<(), ServeError> {
    let port = match port {
        Some(port) if port != 0 => port,
        _ => free_port().map_err(|e| ServeError::Server(e.to_string()))?,
    };
    let title = finding.display().to_string();
    let server =
        HttpServer::new(&title, Some(port), true).map_err(|e| ServeError::Server(e.to_string()))?;
    on_ready(server.addr());
    let mut generation = 0;
    let mut on_update = |update: Update<'_>| {
        let shown = match update {
            Update::Render { renderer, .. } => match render(renderer, finding) {
                Ok((pdf, pages)) => {
                    generation += 1;
                    Shown::Letter { pdf, pages, generation }
                }
                Err(err) => Shown::Error(error_text(&err)),
            },
            Update::Broken(message) => Shown::Error(format!("error: {message}")),
        };
        on_render(match &shown {
            Shown::Letter { .. } => Ok(()),
            Shown::Error(text) => Err(text),
        });
        publish(&server, &title, shown);
    };
    watch::watch(project, finding, &mut on_update)?;
    Ok(())
}

/// Lays the letter out once and exports both the PDF and the page images.
fn render(renderer: &Renderer, finding: &Path) -> Result<(Bytes, Vec<Bytes>), LetterError> {
    let (pdf, pages) = renderer.pdf_and_pages(finding, PIXELS_PER_POINT)?;
    Ok((Bytes::new(pdf), pages.into_iter().map(Bytes::new).collect()))
}

/// Swaps what the server shows; connected pages reload themselves.
fn publish(server: &HttpServer, title: &str, shown: Shown) {
    let page = page_html(title, &shown);
    let shown = Arc::new(shown);
    server.set_router(move |route| {
        if route == "/" {
            return Some(HttpBody::Html(page.clone()));
        }
        let Shown::Letter { pdf, pages, .. } = &*shown else { return None };
        if route == "/letter.pdf" {
            return Some(HttpBody::Raw(pdf.clone()));
        }
        let number: usize = route.strip_prefix("/page/")?.strip_suffix(".png")?.parse().ok()?;
        pages.get(number.checked_sub(1)?).cloned().map(HttpBody::Raw)
    });
}

/// The preview page: the pages as images, or the error.
fn page_html(title: &str, shown: &Shown) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{} – letterpress</title>\
         <style>body{{background:#e8e8e8;font-family:sans-serif;margin:0;padding:1rem}}\
         header{{margin:0 auto 1rem;max-width:900px}}img{{display:block;margin:0 auto 1rem;\
         max-width:900px;width:100%;background:white;box-shadow:0 1px 4px #0004}}\
         pre{{background:#fff3f3;border:1px solid #c00;padding:1rem;max-width:900px;margin:auto;\
         white-space:pre-wrap}}</style></head><body><header><strong>{}</strong>",
        escape_html(title),
        escape_html(title)
    );
    match shown {
        Shown::Letter { pages, generation, .. } => {
            let _ = write!(html, " · <a href=\"/letter.pdf?v={generation}\">PDF</a></header>");
            for n in 1..=pages.len() {
                let _ = write!(
                    html,
                    "<img id=\"page-{n}\" src=\"/page/{n}.png?v={generation}\" alt=\"Page {n} of the letter\">"
                );
            }
        }
        Shown::Error(text) => {
            let _ = write!(html, "</header><pre id=\"error\">{}</pre>", escape_html(text));
        }
    }
    html.push_str("</body></html>");
    html
}

/// A letter's error as the terminal shows it, without colour.
fn error_text(err: &LetterError) -> String {
    match err {
        LetterError::Finding(problems) => {
            let mut buffer = Buffer::no_color();
            match problems.emit(&mut buffer) {
                Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
                Err(_) => problems.to_string(),
            }
        }
        other => format!("error: {other}"),
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A port nobody listens on, from the operating system.
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_escape_the_message() {
        let html = page_html("a.toml", &Shown::Error("<script>x</script> & \"".into()));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; &amp; &quot;"));
        assert!(!html.contains("<script>x"));
    }

    #[test]
    fn letter_pages_link_every_image_with_a_cache_buster() {
        let shown = Shown::Letter {
            pdf: Bytes::new(vec![]),
            pages: vec![Bytes::new(vec![]); 2],
            generation: 7,
        };
        let html = page_html("a.toml", &shown);
        assert!(html.contains("src=\"/page/1.png?v=7\""));
        assert!(html.contains("src=\"/page/2.png?v=7\""));
        assert!(!html.contains("/page/3.png"));
    }
}
