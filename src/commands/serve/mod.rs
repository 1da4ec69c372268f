//! Live preview: a local web page that shows a letter's pages and updates
//! them in place whenever the finding file, a template, the config or a font
//! changes.
//!
//! A small HTTP/1.1 server of its own on the standard library, bound to
//! 127.0.0.1 only: a thread per connection and one request per connection.
//! typst-kit's live-reloading server was used first, but it can only make
//! the page reload itself, which loses the reader's scroll position on every
//! save; and `tiny_http`, under it, runs connections on a pool that left some
//! of a page's image requests unanswered behind kept-alive connections (seen
//! in the browser test: three of six images never came).
//! Here each letter page keeps a server-sent event stream open; every render
//! sends the letter's state (render number, page count, error) and the page's
//! own script decodes the new page images and then swaps their `src` in place,
//! so the page never reloads, never blanks and stays where it was scrolled.
//! An error is shown above the last good pages (which stay, dimmed), with its
//! file, line and snippet, until it is fixed.
//!
//! Given a folder, the preview first lists its finding files (as `batch`
//! finds them); opening one renders it. On every change the letters with a
//! page open in the browser are rendered again (the one opened last first),
//! and no other, so a folder of a thousand letters costs little more than the
//! tabs open on it (each change also reads every letter of the folder for a
//! `translation` kept outside it: about 7 ms for a thousand).
//!
//! Only fixed routes exist and no path is ever built from a URL: a folder's
//! letters are looked up by comparing the URL's name with the names of the
//! files actually listed. Anything else, `..` or not, is a 404.
//!
//! Routes for one file: `/` the page, `/letter.pdf` the PDF, `/page/N.png`
//! page N, `/events` the event stream. For a folder: `/` the list, and the
//! same routes under `/letter/NAME/` for each letter.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use codespan_reporting::term::termcolor::Buffer;

use super::watch::{Update, Waker, Watch, WatchError};
use crate::diagnostic::FileProblems;
use crate::project::{LettersError, Project, ProjectError, find_findings};
use crate::render::LetterError;
use crate::typeset::{PageImages, PagePng, PngCompression};

mod folder;
mod http;
mod page;

use http::Connections;

use page::{letter_html, list_html};

/// The page images: 2 pixels per point (144 dpi) stays sharp on
/// high-density screens; each is shown once, on this machine, so it is
/// compressed fast rather than small.
const PAGE_IMAGES: PageImages =
    PageImages { pixels_per_point: 2.0, compression: PngCompression::Fast };

/// How often an idle event stream sends a comment: writing to a closed tab's
/// connection fails, which ends the thread that served it.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// How long a connection may take to send its request or take its answer,
/// so a stalled client holds a thread for no longer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections served at once: a few tabs hold an event stream
/// each and ask for a dozen images at a time; a flood of idle connections
/// beyond this is answered 503 at once instead of taking a thread each.
const MAX_CONNECTIONS: usize = 64;

/// How long the accept loop waits after failing to accept (out of file
/// descriptors, say) before trying again, rather than spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Why the preview could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP server could not start (the port is taken, say).
    #[error("cannot start the preview server: {0}")]
    Server(std::io::Error),
    /// The folder's letters could not be listed.
    #[error("{0}")]
    Letters(#[from] LettersError),
    /// Watching the inputs failed.
    #[error("{0}")]
    Watch(#[from] WatchError),
}

/// Serves a live preview of `target` (a finding file, or a folder of them)
/// on `port` (a free one if `None` or 0), calling `on_ready` with the address
/// once it listens, and `on_render` after each render with the letter's name
/// and its warnings (empty if none) or its error.
pub fn serve(
    project: impl Fn() -> Result<Project, ProjectError>,
    target: &Path,
    port: Option<u16>,
    on_ready: impl FnOnce(SocketAddr),
    on_render: &mut dyn FnMut(&str, Result<&str, &str>),
) -> Result<(), ServeError> {
    let letters = if target.is_dir() {
        // Fail now, not on the first request, if the folder is unreadable.
        find_findings(target)?;
        Letters::Folder(target.to_path_buf())
    } else {
        Letters::File(Letter {
            base: String::new(),
            label: target.display().to_string(),
            path: target.to_path_buf(),
        })
    };
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, port.unwrap_or(0))).map_err(ServeError::Server)?;
    let addr = listener.local_addr().map_err(ServeError::Server)?;

    let watch = Watch::default();
    let current = match &letters {
        Letters::File(letter) => Some(letter.clone()),
        Letters::Folder(_) => None,
    };
    // The folder page's summaries read the letters as the renders do (each
    // render says how, and until the first, a renderer made now); without a
    // project there is nothing to summarise.
    let project_now = project().ok();
    let summaries = folder::Summaries::default();
    if let Some(renderer) = project_now.clone().and_then(|p| crate::render::Renderer::new(p).ok()) {
        summaries.check_as(&renderer);
    }
    let files = project_now.map(|project| project.files);
    let preview = Arc::new(Preview {
        letters,
        files,
        summaries,
        state: Mutex::new(State {
            current,
            open: HashMap::new(),
            shown: HashMap::new(),
            renders: 0,
        }),
        changed: Condvar::new(),
        waker: watch.waker(),
    });
    let http = Arc::clone(&preview);
    let connections = Arc::new(Connections::new(MAX_CONNECTIONS));
    std::thread::spawn(move || {
        loop {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(_) => {
                    std::thread::sleep(ACCEPT_BACKOFF);
                    continue;
                }
            };
            let Some(entered) = connections.enter() else {
                let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                let _ = http::busy(stream);
                continue;
            };
            let http = Arc::clone(&http);
            // A failed answer is a browser that went away: nothing to do.
            // A thread that cannot start drops the connection.
            let _ = std::thread::Builder::new().spawn(move || {
                let _entered = entered;
                http.handle(stream, addr.port())
            });
        }
    });
    on_ready(addr);

    let mut on_update = |update: Update<'_>| {
        if let Update::Render { renderer, .. } = &update {
            preview.summaries.check_as(renderer);
        }
        for letter in preview.to_render() {
            let result = match &update {
                Update::Render { renderer, .. } => {
                    let earlier: Vec<PagePng> =
                        preview.good(&letter).map_or_else(Vec::new, |good| {
                            good.pages.into_iter().map(|p| p.png).collect()
                        });
                    crate::render::guarded(|| {
                        let prepared = renderer.prepare(&letter.path)?;
                        let document = renderer.lay_out(&prepared)?;
                        let (pdf, pages) = document.pdf_and_pages(PAGE_IMAGES, &earlier)?;
                        let mut warnings = problems_text(&prepared.warnings);
                        if let Some(warning) = renderer.page_warning(document.page_count()) {
                            warnings.push_str(&format!("warning: {warning}\n"));
                        }
                        let named = renderer.destination(
                            &letter.path,
                            &prepared.finding,
                            crate::output::Place::Given(None),
                        );
                        let file_name = named.ok().and_then(|named| {
                            Some(named.path.file_name()?.to_string_lossy().into_owned())
                        });
                        Ok(Good { pdf, pages, warnings, file_name })
                    })
                    .map_err(|err| error_text(&err))
                }
                Update::Broken(message) => Err(format!("error: {message}")),
            };
            on_render(
                &letter.label,
                result.as_ref().map(|good| good.warnings.as_str()).map_err(String::as_str),
            );
            preview.publish(&letter, result);
        }
    };
    watch.run(project, target, &mut on_update)?;
    Ok(())
}

/// What the preview was started on.
enum Letters {
    /// One finding file, served at `/`.
    File(Letter),
    /// A folder of finding files, listed at `/`, each under `/letter/NAME/`.
    Folder(PathBuf),
}

/// One letter the preview can show.
#[derive(Clone)]
pub(super) struct Letter {
    /// Where its routes start: empty for a file, `/letter/NAME` in a folder,
    /// NAME being its path in the folder without `.toml`, percent-encoded.
    pub(super) base: String,
    /// Its name for people (not escaped).
    pub(super) label: String,
    /// Its finding file.
    pub(super) path: PathBuf,
}

/// A request, once matched against the routes.
enum Route {
    List(Vec<Letter>),
    Letter(Letter, Part),
}

/// Which part of a letter a request is for.
enum Part {
    Page,
    Pdf,
    Image(usize),
    Events,
}

impl Letters {
    /// The folder's letters as they are now (files come and go while serving).
    fn list(folder: &Path) -> Vec<Letter> {
        let found = find_findings(folder).unwrap_or_default();
        found
            .into_iter()
            .filter_map(|path| {
                let relative = path.strip_prefix(folder).ok()?.to_string_lossy().into_owned();
                let name = relative.strip_suffix(".toml")?;
                Some(Letter {
                    base: format!("/letter/{}", percent_encode(name)),
                    label: relative,
                    path,
                })
            })
            .collect()
    }

    /// The route `path` (without its query) names, if any.
    fn route(&self, path: &str) -> Option<Route> {
        match self {
            Letters::File(letter) => Some(Route::Letter(letter.clone(), part(path)?)),
            Letters::Folder(folder) if path == "/" => Some(Route::List(Self::list(folder))),
            Letters::Folder(folder) => {
                let rest = path.strip_prefix("/letter/")?;
                let (name, rest) = rest.split_once('/').unwrap_or((rest, ""));
                let part = part(&format!("/{rest}"))?;
                // Only names of listed files match; the URL never becomes a path.
                let letter = Self::list(folder)
                    .into_iter()
                    .find(|letter| letter.base.strip_prefix("/letter/") == Some(name))?;
                Some(Route::Letter(letter, part))
            }
        }
    }
}

/// The part of a letter that `path`, relative to the letter's base, names.
fn part(path: &str) -> Option<Part> {
    Some(match path {
        "/" => Part::Page,
        "/letter.pdf" => Part::Pdf,
        "/events" => Part::Events,
        _ => {
            let number = path.strip_prefix("/page/")?.strip_suffix(".png")?;
            if !number.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Part::Image(number.parse().ok()?)
        }
    })
}

/// What a letter's page shows.
#[derive(Default)]
pub(super) struct Shown {
    /// The render that last changed it, so event streams know to send.
    pub(super) version: u64,
    /// The last good render, kept while the letter is broken so the page
    /// can go on showing it under the error.
    pub(super) good: Option<Rendered>,
    /// Why the letter cannot be rendered now.
    pub(super) error: Option<String>,
    /// What the last good render warned about (empty: nothing).
    pub(super) warnings: String,
}

/// A render that gave a PDF: what [`Preview::publish`] shows.
struct Good {
    pdf: Vec<u8>,
    pages: Vec<PagePng>,
    /// The letter's warnings as the terminal shows them, without colour.
    warnings: String,
    /// The name `render` would give its PDF.
    file_name: Option<String>,
}

/// A good render of a letter.
#[derive(Clone)]
pub(super) struct Rendered {
    /// Which render this was: part of the PDF's URL, so browsers never show
    /// a stale cached one.
    pub(super) number: u64,
    pub(super) pdf: Arc<[u8]>,
    pub(super) pages: Vec<Page>,
    /// The name the PDF is downloaded under: the one `render` gives it.
    pub(super) file_name: String,
}

/// A page image of a good render.
#[derive(Clone)]
pub(super) struct Page {
    pub(super) png: PagePng,
    /// The render that first drew the page as it looks now: part of its URL,
    /// so an unchanged page keeps its URL (and the browser its image) and a
    /// changed one never shows stale from a cache.
    pub(super) since: u64,
}

struct State {
    /// The letter opened last, rendered first on each change.
    current: Option<Letter>,
    /// The letters a page is open on (an event stream is connected), by
    /// base, with how many pages: each is rendered on every change too, so
    /// every open tab stays live, not only the last one opened.
    open: HashMap<String, (Letter, usize)>,
    /// What each letter shows, by base.
    shown: HashMap<String, Shown>,
    /// How many renders were published.
    renders: u64,
}

/// The preview shared between the render loop and the HTTP threads.
struct Preview {
    letters: Letters,
    /// The project's files, for the folder page's summaries.
    files: Option<crate::sandbox::Sandbox>,
    summaries: folder::Summaries,
    state: Mutex<State>,
    /// Signalled after every render, for the event streams.
    changed: Condvar,
    /// Asks the render loop for a render when another letter is opened.
    waker: Waker,
}

impl Preview {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole under the lock, so it is never torn.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a render of `letter` and tells its open pages.
    fn publish(&self, letter: &Letter, result: Result<Good, String>) {
        let mut state = self.state();
        state.renders += 1;
        let number = state.renders;
        let shown = state.shown.entry(letter.base.clone()).or_default();
        shown.version = number;
        match result {
            Ok(Good { pdf, pages: pngs, warnings, file_name }) => {
                let earlier = shown.good.as_ref().map_or(&[][..], |good| &good.pages[..]);
                let pages = pngs
                    .into_iter()
                    .map(|png| {
                        let same = earlier.iter().find(|page| page.png.key == png.key);
                        Page { since: same.map_or(number, |page| page.since), png }
                    })
                    .collect();
                let file_name = file_name.unwrap_or_else(|| download_name(letter));
                shown.good = Some(Rendered { number, pdf: pdf.into(), pages, file_name });
                shown.error = None;
                shown.warnings = warnings;
            }
            Err(text) => shown.error = Some(text),
        }
        drop(state);
        self.changed.notify_all();
    }

    /// Makes `letter` the one rendered on each change.
    fn open(&self, letter: &Letter) {
        let mut state = self.state();
        if state.current.as_ref().is_some_and(|current| current.base == letter.base) {
            return;
        }
        state.current = Some(letter.clone());
        drop(state);
        self.waker.wake();
    }

    /// The letters to render on a change: the one opened last, then every
    /// other letter a page is open on.
    fn to_render(&self) -> Vec<Letter> {
        let state = self.state();
        let current = state.current.as_ref();
        let mut others: Vec<&Letter> = state
            .open
            .values()
            .map(|(letter, _)| letter)
            .filter(|letter| current.is_none_or(|current| current.base != letter.base))
            .collect();
        others.sort_by(|a, b| a.base.cmp(&b.base));
        current.into_iter().chain(others).cloned().collect()
    }

    /// Counts a page open on `letter` until the returned guard is dropped.
    fn keep_open(&self, letter: &Letter) -> OpenPage<'_> {
        let mut state = self.state();
        state.open.entry(letter.base.clone()).or_insert_with(|| (letter.clone(), 0)).1 += 1;
        OpenPage { preview: self, base: letter.base.clone() }
    }

    /// A letter's line on the folder page.
    fn row<'a>(&self, letter: &'a Letter) -> page::Row<'a> {
        let summary = self.files.as_ref().map(|files| self.summaries.of(files, &letter.path));
        let state = self.state();
        let shown = state.shown.get(&letter.base);
        page::Row {
            letter,
            summary,
            pages: shown.and_then(|s| s.good.as_ref()).map(|good| good.pages.len()),
            failing: shown.is_some_and(|s| s.error.is_some()),
        }
    }

    /// The last good render of `letter`, if any.
    fn good(&self, letter: &Letter) -> Option<Rendered> {
        self.state().shown.get(&letter.base)?.good.clone()
    }

    /// Answers the one request of a connection to the preview on `port`.
    fn handle(&self, mut stream: TcpStream, port: u16) -> std::io::Result<()> {
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        let request = match http::read_request(&stream, port)? {
            Ok(request) => request,
            Err(refusal) => return http::refuse(stream, refusal),
        };
        let path = request.url.split(['?', '#']).next().unwrap_or_default();
        let Some(route) = self.letters.route(path) else {
            return http::not_found(stream, &request, "");
        };
        const HTML: &str = "text/html; charset=utf-8";
        let (letter, part) = match route {
            Route::List(letters) => {
                let rows: Vec<page::Row<'_>> =
                    letters.iter().map(|letter| self.row(letter)).collect();
                let html = list_html(&rows);
                return http::respond(stream, &request, HTML, "", html.as_bytes());
            }
            Route::Letter(letter, part) => (letter, part),
        };
        match part {
            Part::Page => {
                self.open(&letter);
                let folder = matches!(self.letters, Letters::Folder(_));
                let html = {
                    let state = self.state();
                    letter_html(&letter, state.shown.get(&letter.base), folder)
                };
                http::respond(stream, &request, HTML, "", html.as_bytes())
            }
            Part::Pdf => match self.good(&letter) {
                Some(rendered) => {
                    let name = header_safe(&rendered.file_name);
                    let disposition =
                        format!("Content-Disposition: inline; filename=\"{name}\"\r\n");
                    http::respond(stream, &request, "application/pdf", &disposition, &rendered.pdf)
                }
                None => {
                    let failing =
                        self.state().shown.get(&letter.base).is_some_and(|s| s.error.is_some());
                    let why = if failing {
                        "This letter has no PDF: it has errors. Open its page to see them."
                    } else {
                        "This letter has not been rendered yet. Open its page first."
                    };
                    http::not_found(stream, &request, why)
                }
            },
            Part::Image(number) => {
                let page = self
                    .good(&letter)
                    .and_then(|rendered| rendered.pages.get(number.checked_sub(1)?).cloned());
                match page {
                    Some(page) => http::respond(stream, &request, "image/png", "", &page.png.png),
                    None => http::not_found(stream, &request, ""),
                }
            }
            Part::Events if request.head_only => {
                http::respond(stream, &request, "text/event-stream", "", b"")
            }
            Part::Events => self.stream_events(&mut stream, &letter),
        }
    }

    /// Sends `letter`'s state now (if it has one) and after every change,
    /// until the page goes away.
    fn stream_events(&self, writer: &mut TcpStream, letter: &Letter) -> std::io::Result<()> {
        write!(
            writer,
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
             Connection: close\r\n\r\n"
        )?;
        let _open = self.keep_open(letter);
        let mut sent = 0;
        loop {
            let version = |state: &State| state.shown.get(&letter.base).map_or(0, |s| s.version);
            let state = self.state();
            let (state, _) = self
                .changed
                .wait_timeout_while(state, KEEPALIVE, |state| version(state) == sent)
                .unwrap_or_else(PoisonError::into_inner);
            let message = match state.shown.get(&letter.base) {
                Some(shown) if shown.version != sent => {
                    sent = shown.version;
                    format!("event: update\ndata: {}\n\n", state_json(shown))
                }
                _ => ": keep-alive\n\n".to_owned(),
            };
            drop(state);
            writer.write_all(message.as_bytes())?;
        }
    }
}

/// A page open on a letter; when its event stream ends, the letter stops
/// being rendered on changes (unless another page is open on it).
struct OpenPage<'a> {
    preview: &'a Preview,
    base: String,
}

impl Drop for OpenPage<'_> {
    fn drop(&mut self) {
        let mut state = self.preview.state();
        if let Some((_, pages)) = state.open.get_mut(&self.base) {
            *pages -= 1;
            if *pages == 0 {
                state.open.remove(&self.base);
            }
        }
    }
}

/// The state a letter's page script applies: the last good render (null
/// before the first), each page's version, and the error.
fn state_json(shown: &Shown) -> String {
    let pages: Vec<u64> = shown.good.iter().flat_map(|good| &good.pages).map(|p| p.since).collect();
    serde_json::json!({
        "render": shown.good.as_ref().map(|good| good.number),
        "pages": pages,
        "error": shown.error,
        "warnings": (!shown.warnings.is_empty()).then_some(&shown.warnings),
    })
    .to_string()
}

/// A letter's error as the terminal shows it, without colour.
fn error_text(err: &LetterError) -> String {
    let mut buffer = Buffer::no_color();
    match err.emit(&mut buffer) {
        Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
        Err(_) => format!("error: {err}"),
    }
}

/// A letter's warnings as the terminal shows them, without colour; empty
/// when there are none.
fn problems_text(problems: &FileProblems) -> String {
    if problems.problems.is_empty() {
        return String::new();
    }
    let mut buffer = Buffer::no_color();
    match problems.emit(&mut buffer) {
        Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
        Err(_) => format!("{problems}\n"),
    }
}

/// The file name a downloaded PDF gets when its own cannot be told: the
/// finding file's, as `.pdf`.
fn download_name(letter: &Letter) -> String {
    let stem = letter.path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    format!("{stem}.pdf")
}

/// `name` in plain ASCII, so no header can be broken by what it holds.
fn header_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' })
        .collect();
    if safe.trim_matches(['_', '.']).is_empty() { "letter.pdf".to_owned() } else { safe }
}

/// A letter's name as one URL path segment: every byte but ASCII letters,
/// digits and `-._~` as `%XX` (so `/` too, and nothing a browser rewrites).
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fixed_parts_exist() {
        assert!(matches!(part("/"), Some(Part::Page)));
        assert!(matches!(part("/page/12.png"), Some(Part::Image(12))));
        for path in ["/page/+1.png", "/page/-1.png", "/page/1.png/..", "/../x", "/events/", ""] {
            assert!(part(path).is_none(), "{path}");
        }
    }

    #[test]
    fn state_is_one_line_of_json() {
        let shown = Shown { version: 3, error: Some("a\nb".into()), ..Shown::default() };
        let json = state_json(&shown);
        assert!(!json.contains('\n'), "{json}");
        assert!(json.contains(r#""error":"a\nb""#) && json.contains(r#""render":null"#), "{json}");
    }
}
