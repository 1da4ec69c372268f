//! `letterpress serve`: the preview page shows the pages, updates them in
//! place on a save (server-sent event with the new state, then the page's own
//! script swaps the images), shows errors above the last good pages, lists a
//! folder's letters, and serves nothing outside its routes.
//!
//! With Chromium on the machine (Debian package `chromium`), the same is
//! checked in a real browser driven over the DevTools protocol, and
//! screenshots are kept under `CARGO_TARGET_TMPDIR`. Without it, that part
//! says it was skipped (or fails, with `LETTERPRESS_REQUIRE_CHROMIUM=1`).

use crate::common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

/// A plain HTTP/1.0 GET (a plain body, no chunked encoding); returns the
/// status code and the body.
pub(crate) fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..head_end]);
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response[head_end + 4..].to_vec())
}

pub(crate) fn html(port: u16, path: &str) -> String {
    let (status, body) = get(port, path);
    assert_eq!(status, 200, "{path}");
    String::from_utf8(body).unwrap()
}

/// `letterpress serve` running in a folder.
pub(crate) struct Server {
    _process: KillOnDrop,
    pub(crate) port: u16,
}

impl Server {
    pub(crate) fn start(dir: &Path, target: &str) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
            .current_dir(dir)
            .args(["serve", target, "--port", "0"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let process = KillOnDrop(child);
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        std::thread::spawn(move || for _ in stderr.lines() {});
        Server { _process: process, port }
    }
}

/// A letter's event stream, read as a browser would.
pub(crate) struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    pub(crate) fn open(port: u16, path: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").unwrap();
        Events { stream, seen: String::new() }
    }

    /// The next state sent within `limit`, if any.
    fn next_state(&mut self, limit: Duration) -> Option<Value> {
        let started = Instant::now();
        loop {
            while let Some(end) = self.seen.find("\n\n") {
                let message: String = self.seen.drain(..end + 2).collect();
                if let Some(data) = message.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return Some(serde_json::from_str(data).unwrap());
                }
            }
            let left = limit.checked_sub(started.elapsed())?;
            self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
            let mut buffer = [0u8; 4096];
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("the event stream closed"),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return None;
                }
                Err(err) => panic!("reading the event stream: {err}"),
            }
        }
    }

    /// The next state sent within `limit` that `wanted` accepts.
    fn next_where(
        &mut self,
        limit: Duration,
        what: &str,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let started = Instant::now();
        loop {
            let left = limit.checked_sub(started.elapsed());
            match left.and_then(|left| self.next_state(left)) {
                Some(state) if wanted(&state) => return state,
                Some(_) => {}
                None => panic!("no {what} within {limit:?}"),
            }
        }
    }

    /// The next state sent whose render or error differs from `last`,
    /// within `limit`.
    pub(crate) fn next_change(&mut self, last: &Value, limit: Duration) -> Value {
        self.next_where(limit, "new state", |state| {
            state["render"] != last["render"] || state["error"] != last["error"]
        })
    }

    /// The next state sent in which a page was redrawn since `last`, or
    /// with another error, within `limit`.
    fn next_page_change(&mut self, last: &Value, limit: Duration) -> Value {
        self.next_where(limit, "redrawn page", |state| {
            state["pages"] != last["pages"] || state["error"] != last["error"]
        })
    }

    /// The last state sent before the stream has been quiet for `quiet`
    /// (`last` if none was).
    fn latest(&mut self, last: Value, quiet: Duration) -> Value {
        let mut latest = last;
        while let Some(state) = self.next_state(quiet) {
            latest = state;
        }
        latest
    }
}

const BROKEN: (&str, &str) = ("overall = \"satisfactory\"", "overall = \"grand\"");

#[test]
fn the_preview_shows_pages_updates_and_errors() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let server = Server::start(project.path(), "letters/cafcass-greater-london.toml");
    let port = server.port;

    let mut events = Events::open(port, "/events");
    let first = events.next_change(&Value::Null, Duration::from_secs(60));
    assert_eq!(first["error"], Value::Null, "{first}");
    assert!(first["pages"].as_array().unwrap().len() >= 2, "{first}");
    let page = html(port, "/");
    assert!(page.contains(&format!("/page/1.png?v={}", first["pages"][0])), "{page}");
    let (status, png) = get(port, "/page/1.png");
    assert_eq!(status, 200);
    assert!(png.starts_with(b"\x89PNG"));
    let (status, pdf) = get(port, "/letter.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));

    // Nothing outside the routes, however the path is spelt.
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/page/../../../etc/passwd",
        "/page/%31.png",
        "/letterpress.toml",
        "/letters/cafcass-greater-london.toml",
        "/letter/cafcass-greater-london/",
        "/page/99.png",
        "/page/0.png",
    ] {
        assert_eq!(get(port, path).0, 404, "{path}");
    }

    // A save sends the new state to open pages.
    let original = std::fs::read_to_string(&finding).unwrap();
    std::fs::write(&finding, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    let second = events.next_change(&first, Duration::from_secs(30));
    assert_eq!(second["error"], Value::Null, "{second}");
    // Only the page that changed gets a new image.
    assert_eq!(second["pages"][0], second["render"], "{second}");
    assert_eq!(second["pages"][1], first["pages"][1], "{second}");
    assert!(html(port, "/").contains(&format!("/page/1.png?v={}", second["render"])));

    // A broken file shows the error, with its line, above the last good pages.
    std::fs::write(&finding, original.replace(BROKEN.0, BROKEN.1)).unwrap();
    let broken = events.next_change(&second, Duration::from_secs(30));
    let error = broken["error"].as_str().unwrap();
    assert!(error.contains("`grand` is not a judgement"), "{error}");
    assert!(error.contains("letters/cafcass-greater-london.toml:"), "{error}");
    assert_eq!(broken["render"], second["render"]);
    let page = html(port, "/");
    assert!(page.contains("<pre id=\"error\">"), "{page}");
    assert!(page.contains("`grand` is not a judgement"), "{page}");
    assert_eq!(get(port, "/page/1.png").0, 200, "the last good pages stay");

    // Fixing it brings new pages and hides the error.
    std::fs::write(&finding, &original).unwrap();
    let fixed = events.next_change(&broken, Duration::from_secs(30));
    assert_eq!(fixed["error"], Value::Null);
    assert!(html(port, "/").contains("<pre id=\"error\" hidden>"));

    if let Some(mut browser) = Browser::launch() {
        in_browser(&mut browser, port, &finding, &original);
    }
}

/// The real page in a real browser: it shows the pages, swaps them in place
/// on a save (no reload: a marker set in the page survives, and the scroll
/// position holds), and shows an error. Screenshots of the letter and of the
/// error are kept in `CARGO_TARGET_TMPDIR`.
fn in_browser(browser: &mut Browser, port: u16, finding: &Path, original: &str) {
    browser.navigate(&format!("http://127.0.0.1:{port}/"));
    browser.wait_until("the page images", PAGES_SHOWN, Duration::from_secs(60));
    let before = browser.eval(
        "window.__marker = 1; window.scrollTo(0, 1400); \
         [document.getElementById('page-1').src, window.scrollY]",
    );
    assert!(before[1].as_f64().unwrap() > 0.0, "the page cannot scroll: {before}");

    std::fs::write(finding, original.replace("Dear Mr Douglas", "Dear Ms Douglas")).unwrap();
    let swapped =
        format!("{PAGES_SHOWN} && document.getElementById('page-1').src !== {}", before[0]);
    browser.wait_until("the new page image", &swapped, Duration::from_secs(30));
    let after = browser.eval("[window.__marker, window.scrollY]");
    assert_eq!(after, json!([1, before[1]]), "the page reloaded or lost its place");

    std::fs::write(finding, original.replace(BROKEN.0, BROKEN.1)).unwrap();
    browser.wait_until(
        "the error",
        "!document.getElementById('error').hidden && \
         document.getElementById('error').textContent.includes('`grand` is not a judgement')",
        Duration::from_secs(30),
    );
    let shown = browser.eval(
        "window.scrollTo(0, 0); [window.__marker, document.getElementById('error').textContent, \
         document.images.length]",
    );
    assert_eq!(shown[0], 1, "the page reloaded");
    assert!(shown[1].as_str().unwrap().contains("letters/cafcass-greater-london.toml:"));
    assert!(shown[2].as_u64().unwrap() >= 2, "the last good pages went: {shown}");
    browser.screenshot("serve-error.png");

    std::fs::write(finding, original).unwrap();
    browser.wait_until(
        "recovery",
        "document.getElementById('error').hidden && window.__marker === 1",
        Duration::from_secs(30),
    );
    browser.wait_until("the fixed page", PAGES_SHOWN, Duration::from_secs(30));
    browser.screenshot("serve-preview.png");
}

/// True in the page once every page image has loaded (so the page has its
/// full height).
const PAGES_SHOWN: &str = "(document.images.length > 1 && \
                           [...document.images].every(i => i.complete && i.naturalWidth > 0))";

#[test]
fn a_folder_lists_its_letters_and_previews_the_one_picked() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::write(letters.join("north & <east>.toml"), &demo).unwrap();
    std::fs::create_dir(letters.join("2026")).unwrap();
    std::fs::write(letters.join("2026/westvale.toml"), &demo).unwrap();
    let server = Server::start(project.path(), "letters");
    let port = server.port;

    let list = html(port, "/");
    for link in [
        "<a href=\"/letter/cafcass-greater-london/\">cafcass-greater-london.toml</a>",
        "<a href=\"/letter/north%20%26%20%3Ceast%3E/\">north &amp; &lt;east&gt;.toml</a>",
        "<a href=\"/letter/2026%2Fwestvale/\">2026/westvale.toml</a>",
    ] {
        assert!(list.contains(link), "{link} not in {list}");
    }

    // Opening a letter renders it; its events bring the state.
    let base = "/letter/north%20%26%20%3Ceast%3E";
    assert!(html(port, &format!("{base}/")).contains("north &amp; &lt;east&gt;.toml"));
    let mut events = Events::open(port, &format!("{base}/events"));
    let first = events.next_change(&Value::Null, Duration::from_secs(60));
    assert_eq!(first["error"], Value::Null, "{first}");
    assert!(get(port, &format!("{base}/page/1.png")).1.starts_with(b"\x89PNG"));
    assert!(get(port, &format!("{base}/letter.pdf")).1.starts_with(b"%PDF-"));

    // Only listed names exist; no URL becomes a path.
    for path in [
        "/letter/nope/",
        "/letter/letterpress/",
        "/letter/../letterpress.toml",
        "/letter/%2e%2e%2fletterpress/",
        "/letter/..%2Fletterpress/",
        "/letter/2026/westvale/",
        "/letter/cafcass-greater-london/../../letterpress.toml",
        "/letter/cafcass-greater-london.toml/",
        "/page/1.png",
        "/letter.pdf",
    ] {
        assert_eq!(get(port, path).0, 404, "{path}");
    }

    // A template change updates the open letter.
    let template = project.path().join("templates/monitoring.md.tera");
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("\n{# touched #}\n");
    std::fs::write(&template, &text).unwrap();
    let second = events.next_change(&first, Duration::from_secs(30));
    assert_eq!(second["error"], Value::Null, "{second}");

    // Opening a second letter keeps the first one live too.
    let other = "/letter/cafcass-greater-london";
    assert!(html(port, &format!("{other}/")).contains("cafcass-greater-london.toml"));
    let mut other_events = Events::open(port, &format!("{other}/events"));
    let other_first = other_events.next_change(&Value::Null, Duration::from_secs(60));
    assert_eq!(other_first["error"], Value::Null, "{other_first}");
    let before = events.latest(second.clone(), Duration::from_millis(500));
    let north = letters.join("north & <east>.toml");
    std::fs::write(&north, demo.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    let edited = events.next_page_change(&before, Duration::from_secs(30));
    assert_eq!(edited["error"], Value::Null, "{edited}");
    assert_ne!(edited["pages"][0], before["pages"][0], "page 1 redrawn: {before} -> {edited}");

    if let Some(mut browser) = Browser::launch() {
        // Picking a letter from the list opens its live preview.
        browser.navigate(&format!("http://127.0.0.1:{port}/"));
        browser.wait_until(
            "the list",
            "document.querySelector('a[href=\"/letter/2026%2Fwestvale/\"]') !== null",
            Duration::from_secs(30),
        );
        // The click navigates away, which may cut the evaluation's answer short.
        let _ = browser
            .try_eval("document.querySelector('a[href=\"/letter/2026%2Fwestvale/\"]').click()");
        browser.wait_until("the picked letter", PAGES_SHOWN, Duration::from_secs(60));
        let before = browser.eval("window.__marker = 1; document.getElementById('page-1').src");
        assert!(before.as_str().unwrap().contains("/letter/2026%2Fwestvale/page/1.png"));

        let finding = letters.join("2026/westvale.toml");
        std::fs::write(&finding, demo.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
        let swapped =
            format!("{PAGES_SHOWN} && document.getElementById('page-1').src !== {before}");
        browser.wait_until("the new page image", &swapped, Duration::from_secs(30));
        assert_eq!(browser.eval("window.__marker"), 1, "the page reloaded");
    }
}

#[test]
fn a_folder_letter_whose_translation_is_kept_elsewhere_follows_its_edits() {
    let project = project_copy();
    let english = project.path().join("letters/cafcass-greater-london.toml");
    let original = std::fs::read_to_string(&english).unwrap();
    let welsh = original.replacen(
        "overall = \"satisfactory\"",
        "overall = \"satisfactory\"\nlanguage = \"cy\"\ntranslation = \"../cafcass-greater-london.toml\"",
        1,
    );
    std::fs::create_dir(project.path().join("letters/cy")).unwrap();
    std::fs::write(project.path().join("letters/cy/welsh.toml"), welsh).unwrap();
    let server = Server::start(project.path(), "letters/cy");
    let base = "/letter/welsh";
    assert!(html(server.port, &format!("{base}/")).contains("welsh.toml"));
    let mut events = Events::open(server.port, &format!("{base}/events"));
    let first = events.next_change(&Value::Null, Duration::from_secs(60));
    assert_eq!(first["error"], Value::Null, "{first}");
    let before = events.latest(first, Duration::from_millis(500));

    // The English version, outside the served folder, is the second letter.
    std::fs::write(&english, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    let edited = events.next_page_change(&before, Duration::from_secs(30));
    assert_eq!(edited["error"], Value::Null, "{edited}");
    let (_, pdf) = get(server.port, &format!("{base}/letter.pdf"));
    let served = project.path().join("served.pdf");
    std::fs::write(&served, pdf).unwrap();
    assert!(pdf_text(&served).contains("Dear Dr Douglas"));
}

/// Headless Chromium, driven over the DevTools protocol; killed when dropped.
struct Browser {
    _process: KillOnDrop,
    _profile: tempfile::TempDir,
    socket: tungstenite::WebSocket<TcpStream>,
    session: String,
    next_id: u64,
}

const CHROMIUM: &str = "/usr/bin/chromium";

impl Browser {
    /// A fresh browser with one blank tab, or `None` (after saying so) when
    /// Chromium is not installed and not required.
    fn launch() -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() {
            assert!(
                std::env::var_os("LETTERPRESS_REQUIRE_CHROMIUM").is_none_or(|v| v != "1"),
                "LETTERPRESS_REQUIRE_CHROMIUM=1 but {CHROMIUM} is missing (apt-get install chromium)"
            );
            println!("skipped: chromium not installed (the HTTP-level checks ran)");
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1000,1300",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Keep draining stderr so Chromium never blocks on a full pipe.
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (sender, address) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let process = KillOnDrop(child);
        let url = address
            .recv_timeout(Duration::from_secs(30))
            .expect("Chromium printed no DevTools address within 30 s");
        let mut browser = Browser {
            _process: process,
            _profile: profile,
            socket: Self::connect(&url),
            session: String::new(),
            next_id: 0,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_owned();
        Some(browser)
    }

    fn connect(url: &str) -> tungstenite::WebSocket<TcpStream> {
        let host = url.trim_start_matches("ws://").split('/').next().unwrap();
        let address = host.parse().unwrap();
        let stream = TcpStream::connect_timeout(&address, Duration::from_secs(30)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
        tungstenite::client(url, stream).expect("DevTools handshake").0
    }

    /// Sends one command (to the tab, once attached) and returns its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// Sends one command and returns its result, or the protocol's error
    /// (such as "Inspected target navigated or closed" while a page loads).
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            command["sessionId"] = json!(self.session);
        }
        self.socket.send(tungstenite::Message::text(command.to_string())).unwrap();
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < Duration::from_secs(30), "no answer to {method}");
            let message = self.socket.read().unwrap_or_else(|e| panic!("{method}: {e}"));
            let Ok(text) = message.to_text() else { continue };
            let Ok(answer) = serde_json::from_str::<Value>(text) else { continue };
            if answer["id"] == id {
                return match answer.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(answer["result"].clone()),
                };
            }
        }
    }

    /// The value of a JavaScript expression in the tab, or its exception.
    fn try_eval(&mut self, expression: &str) -> Result<Value, Value> {
        let result = self.try_call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        )?;
        match result.get("exceptionDetails") {
            Some(details) => Err(details.clone()),
            None => Ok(result["result"]["value"].clone()),
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
    }

    /// Polls `condition` in the tab every 10 ms until it is true; fails the
    /// test after `limit`. Exceptions count as false (the page may still be
    /// loading).
    fn wait_until(&mut self, what: &str, condition: &str, limit: Duration) {
        let started = Instant::now();
        loop {
            if self.try_eval(condition) == Ok(Value::Bool(true)) {
                return;
            }
            if started.elapsed() > limit {
                let page = self.try_eval("JSON.stringify([location.href, document.getElementById('pages').innerHTML, performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus, e.duration])])");
                panic!("timed out after {limit:?} waiting for {what}; the page: {page:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Keeps a PNG of the tab as `$CARGO_TARGET_TMPDIR/NAME`.
    fn screenshot(&mut self, name: &str) -> PathBuf {
        use base64::Engine as _;
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::write(&path, png).unwrap();
        println!("screenshot: {}", path.display());
        path
    }
}

/// The status line and headers, and the body, of one raw request.
pub(crate) fn raw(port: u16, request: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    (head, response.get(head_end + 4..).unwrap_or_default().to_vec())
}

#[test]
fn only_the_previews_own_host_is_answered_and_head_is_like_get() {
    let project = project_copy();
    let server = Server::start(project.path(), "letters/cafcass-greater-london.toml");
    let port = server.port;
    for host in [
        "Host: evil.example\r\n".to_owned(),
        format!("Host: evil.example:{port}\r\n"),
        String::new(),
    ] {
        let (head, _) = raw(port, &format!("GET /letter.pdf HTTP/1.1\r\n{host}\r\n"));
        assert!(head.starts_with("HTTP/1.1 421"), "{host:?}: {head}");
    }
    let (head, body) = raw(port, &format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("access-control"), "{head}");
    assert!(!body.is_empty());
    let (head, body) = raw(port, &format!("HEAD / HTTP/1.1\r\nHost: [::1]:{port}\r\n\r\n"));
    assert!(head.starts_with("HTTP/1.1 200") && head.contains("Content-Length:"), "{head}");
    assert!(body.is_empty(), "HEAD has no body");
    let (head, _) = raw(port, &format!("POST / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
    assert!(head.starts_with("HTTP/1.1 405"), "{head}");
}

#[test]
fn connections_are_capped_and_the_preview_keeps_answering() {
    let project = project_copy();
    let server = Server::start(project.path(), "letters/cafcass-greater-london.toml");
    let port = server.port;
    // Idle connections that never send a request.
    let idle: Vec<TcpStream> =
        (0..200).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
    let request = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
    let (head, _) = raw(port, &request);
    assert!(head.starts_with("HTTP/1.1 503"), "past the cap: {head}");
    // Connections are accepted in order: the answer above came after the
    // server took each idle one, so their threads are counted now.
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", server._process.0.id())) {
        let threads = tasks.count();
        assert!(threads < 100, "{threads} threads for 200 idle connections");
    }
    drop(idle);
    let started = Instant::now();
    loop {
        let (head, _) = raw(port, &request);
        if head.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still refused: {head}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
