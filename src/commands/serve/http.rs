//! The preview's HTTP: reading a request's head, refusing what the preview
//! must not answer, and writing answers.
//!
//! The preview listens on 127.0.0.1, but any web page the inspector opens
//! can make their browser ask `http://127.0.0.1:PORT/` for it, and through
//! DNS rebinding even read the answer under its own name. So a request is
//! answered only when its `Host` is the preview's own address (`127.0.0.1`,
//! `localhost` or `[::1]` with its port); no answer carries CORS headers.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most a request's head may take; browsers send well under 2 KiB.
const MAX_HEAD: u64 = 16 * 1024;

/// The most header lines a request may have.
const MAX_HEADERS: usize = 100;

/// A request the preview will answer.
pub(super) struct Request {
    /// The URL as sent, query included.
    pub(super) url: String,
    /// `HEAD`: answer as for `GET`, without the body.
    pub(super) head_only: bool,
}

/// Why a request is not answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Not a well-formed HTTP/1 request head (or the client went away).
    Malformed,
    /// A method other than GET or HEAD.
    Method,
    /// A `Host` other than the preview's own address.
    Host,
}

impl Refusal {
    fn status(self) -> &'static str {
        match self {
            Refusal::Malformed => "400 Bad Request",
            Refusal::Method => "405 Method Not Allowed",
            Refusal::Host => "421 Misdirected Request",
        }
    }
}

/// Reads the head of the request on `stream`, for the preview on `port`.
pub(super) fn read_request(
    stream: &TcpStream,
    port: u16,
) -> std::io::Result<Result<Request, Refusal>> {
    let mut head = BufReader::new(stream.take(MAX_HEAD));
    let mut line = String::new();
    head.read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let (method, url) = match (words.next(), words.next(), words.next()) {
        (Some(method), Some(url), Some(version)) if version.starts_with("HTTP/1.") => {
            (method.to_owned(), url.to_owned())
        }
        _ => return Ok(Err(Refusal::Malformed)),
    };
    // Read the headers to the blank line, so closing the connection never
    // cuts the answer short; only Host matters.
    let mut host: Option<String> = None;
    for _ in 0..=MAX_HEADERS {
        line.clear();
        if head.read_line(&mut line)? == 0 {
            return Ok(Err(Refusal::Malformed));
        }
        let header = line.trim_end();
        if header.is_empty() {
            let head_only = match method.as_str() {
                "GET" => false,
                "HEAD" => true,
                _ => return Ok(Err(Refusal::Method)),
            };
            return Ok(match host {
                Some(host) if is_own_host(&host, port) => Ok(Request { url, head_only }),
                _ => Err(Refusal::Host),
            });
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("host")
        {
            // Two Host headers: refuse rather than guess which one counts.
            host = match host {
                None => Some(value.trim().to_ascii_lowercase()),
                Some(_) => return Ok(Err(Refusal::Host)),
            };
        }
    }
    Ok(Err(Refusal::Malformed))
}

/// Whether `host` (lower case) names the preview itself.
fn is_own_host(host: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|name| host == format!("{name}:{port}"))
}

/// Answers with `body` (or, for HEAD, only its length).
pub(super) fn respond(
    mut stream: TcpStream,
    request: &Request,
    content_type: &str,
    extra_headers: &str,
    body: &[u8],
) -> std::io::Result<()> {
    // Pages change on every render; images and PDFs are told apart by URL.
    let cache =
        if content_type.starts_with("text/html") { "Cache-Control: no-store\r\n" } else { "" };
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{cache}\
         {extra_headers}X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if request.head_only { Ok(()) } else { stream.write_all(body) }
}

/// Answers 404, with a short page saying why when there is one to say.
pub(super) fn not_found(stream: TcpStream, request: &Request, why: &str) -> std::io::Result<()> {
    error(stream, "404 Not Found", why, request.head_only)
}

/// Answers a refused request.
pub(super) fn refuse(stream: TcpStream, refusal: Refusal) -> std::io::Result<()> {
    let why = match refusal {
        Refusal::Host => "This preview only answers at its own address, 127.0.0.1 or localhost.",
        Refusal::Method | Refusal::Malformed => "",
    };
    error(stream, refusal.status(), why, false)
}

/// Answers 503: the preview has as many connections as it serves at once.
pub(super) fn busy(stream: TcpStream) -> std::io::Result<()> {
    error(stream, "503 Service Unavailable", "Too many connections; try again.", false)
}

fn error(mut stream: TcpStream, status: &str, why: &str, head_only: bool) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        why.len()
    )?;
    if head_only { Ok(()) } else { stream.write_all(why.as_bytes()) }
}

/// Counts the connections being served, up to a cap, so a flood of idle
/// connections cannot take a thread each without end.
pub(super) struct Connections {
    open: AtomicUsize,
    max: usize,
}

impl Connections {
    pub(super) const fn new(max: usize) -> Self {
        Connections { open: AtomicUsize::new(0), max }
    }

    /// A place for one more connection, held until the guard is dropped;
    /// `None` when all are taken.
    pub(super) fn enter(self: &Arc<Self>) -> Option<Entered> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < self.max).then_some(n + 1))
            .ok()
            .map(|_| Entered(Arc::clone(self)))
    }
}

/// One connection being served.
pub(super) struct Entered(Arc<Connections>);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_previews_own_address_is_its_host() {
        for host in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
            assert!(is_own_host(host, 8080), "{host}");
        }
        for host in ["evil.example", "127.0.0.1:8081", "localhost", "127.0.0.1.evil:8080", ""] {
            assert!(!is_own_host(host, 8080), "{host}");
        }
    }

    #[test]
    fn connections_past_the_cap_are_refused_until_one_closes() {
        let connections = Arc::new(Connections::new(2));
        let first = connections.enter().unwrap();
        let _second = connections.enter().unwrap();
        assert!(connections.enter().is_none());
        drop(first);
        assert!(connections.enter().is_some());
    }
}
