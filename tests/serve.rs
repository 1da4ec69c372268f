//! `letterpress serve`: the preview page shows the pages, updates itself on
//! a save (server-sent event, then a reload by the page's own script), shows
//! errors in place of the pages, and serves nothing outside its routes.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

/// A plain HTTP/1.1 GET; returns the status code and the body.
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // HTTP/1.0: a plain body, no chunked encoding.
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..head_end]);
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response[head_end + 4..].to_vec())
}

fn page(port: u16) -> String {
    String::from_utf8(get(port, "/").1).unwrap()
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_preview_shows_pages_updates_and_errors() {
    let project = project_copy();
    let finding = project.path().join("letters/cafcass-greater-london.toml");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(project.path())
        .args(["serve", "letters/cafcass-greater-london.toml", "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let _server = Server(child);
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    std::thread::spawn(move || for _ in stderr.lines() {});

    wait_for("the first render", Duration::from_secs(20), || {
        page(port).contains("/page/1.png?v=1")
    });
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
        "/letterpress.toml",
        "/page/99.png",
    ] {
        assert_eq!(get(port, path).0, 404, "{path}");
    }

    // Connected pages are told to reload when the letter changes.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(events, "GET /__events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    events.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let original = std::fs::read_to_string(&finding).unwrap();
    let saved = Instant::now();
    std::fs::write(&finding, original.replace("Dear Mr Douglas", "Dear Dr Douglas")).unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 512];
    while !seen.contains("event: reload") {
        let n = events.read(&mut buffer).expect("no reload event within 2 s");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    assert!(saved.elapsed() < Duration::from_secs(2));
    assert!(page(port).contains("/page/1.png?v=2"));

    // A broken file shows the error, with its line, in place of the pages.
    std::fs::write(&finding, original.replace("overall = \"satisfactory\"", "overall = \"grand\""))
        .unwrap();
    wait_for("the error page", Duration::from_secs(2), || {
        page(port).contains("unknown variant `grand`")
    });
    let html = page(port);
    assert!(html.contains("letters/cafcass-greater-london.toml:"), "{html}");
    assert!(!html.contains("<img"));

    // Fixing it brings the pages back.
    std::fs::write(&finding, &original).unwrap();
    wait_for("recovery", Duration::from_secs(2), || page(port).contains("/page/1.png?v=3"));

    in_chromium(port);
}

/// With Chromium on the machine (Debian package `chromium`), the real page in
/// a real browser: it shows the page images and listens for reloads. Keeps a
/// screenshot in
/// `$CARGO_TARGET_TMPDIR/serve-preview.png`. Without Chromium, says so: the HTTP-level
/// checks above still ran.
fn in_chromium(port: u16) {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        println!("chromium is not installed: the in-browser check did not run");
        return;
    }
    let run = |extra: &[String]| {
        let profile = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1000,1300",
                // The page keeps its event stream open, so it never finishes
                // loading: give the browser a fixed time instead.
                "--timeout=3000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(format!("http://127.0.0.1:{port}/"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("chromium did not finish within 60 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut dom = String::new();
        child.stdout.take().unwrap().read_to_string(&mut dom).unwrap();
        dom
    };

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-preview.png");
    run(&[format!("--screenshot={}", shot.display())]);
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));

    // The browser shows the page images. (That an open page reloads itself
    // is checked above at the protocol level: headless Chromium's --timeout
    // runs on virtual time, so a save cannot be timed into one session.)
    let dom = run(&["--dump-dom".to_owned()]);
    assert!(dom.contains("id=\"page-1\""), "no page image in the browser: {dom}");
    assert!(dom.contains("new EventSource(\"/__events\")"), "no live reload script: {dom}");
}
