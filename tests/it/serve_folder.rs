//! The preview's folder page: a line for each letter with what its own page
//! would show (problems counted as its render finds them, English included,
//! each letter read as the kind its template makes), and the warnings banner.

use std::time::Duration;

use serde_json::Value;

use crate::common::*;
use crate::serve::{Events, Server, get, html, raw};

#[test]
fn warnings_show_in_the_preview_and_the_folder_page_describes_each_letter() {
    let project = project_copy();
    let letters = project.path().join("letters");
    let demo = std::fs::read_to_string(letters.join("cafcass-greater-london.toml")).unwrap();
    std::fs::write(
        letters.join("warned.toml"),
        demo.replacen("With a few exceptions", "<b>With</b> a few exceptions", 1),
    )
    .unwrap();
    std::fs::write(
        letters.join("slipped.toml"),
        demo.replacen("With a few exceptions", "With a few exeptions", 1),
    )
    .unwrap();
    std::fs::write(
        letters.join("broken.toml"),
        demo.replacen("overall = \"satisfactory\"", "overall = \"grand\"", 1),
    )
    .unwrap();
    let server = Server::start(project.path(), "letters");
    let port = server.port;

    let list = html(port, "/");
    assert!(list.contains("<table id=\"letters\">"), "{list}");
    assert!(
        list.contains("<td>Cafcass Greater London</td>") || list.contains("Greater London"),
        "{list}"
    );
    assert!(list.contains("<td>2010-12-01</td>"), "{list}");
    assert!(
        list.contains("2 warnings"),
        "the warned letter is marked (raw HTML opens and closes): {list}"
    );
    assert!(list.contains("<tr class=\"errors\">"), "the broken letter is marked: {list}");
    let slipped = list.find("slipped.toml").expect("the slipped letter is listed");
    let row = &list[slipped..list[slipped..].find("</tr>").map_or(list.len(), |e| slipped + e)];
    assert!(row.contains("1 warning"), "its spelling slip is counted: {row}");

    let base = "/letter/warned";
    html(port, &format!("{base}/"));
    let mut events = Events::open(port, &format!("{base}/events"));
    let state = events.next_change(&Value::Null, Duration::from_secs(60));
    assert_eq!(state["error"], Value::Null, "{state}");
    assert!(state["warnings"].as_str().is_some_and(|w| w.contains("raw HTML")), "{state}");
    let page = html(port, &format!("{base}/"));
    assert!(page.contains("<pre id=\"warnings\" role=\"status\">"), "{page}");

    // A broken letter's PDF link says why there is none.
    html(port, "/letter/broken/");
    let mut broken = Events::open(port, "/letter/broken/events");
    let state = broken.next_change(&Value::Null, Duration::from_secs(60));
    assert!(state["error"].is_string(), "{state}");
    let (status, body) = get(port, "/letter/broken/letter.pdf");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("it has errors"));
    // A good letter's PDF is downloaded under the name render gives it.
    let (head, _) =
        raw(port, &format!("HEAD {base}/letter.pdf HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
    assert!(head.contains("filename=\""), "{head}");
}

/// A letter of a kind that needs no areas, written for a project template,
/// is listed without the errors a monitoring letter would have.
#[test]
fn the_folder_page_reads_each_letter_as_its_templates_kind() {
    let project = project_copy();
    std::fs::write(project.path().join("templates/notice.md.tera"), crate::wording::NOTICE)
        .unwrap();
    std::fs::write(project.path().join("letters/notice.toml"), crate::wording::NOTICE_FINDING)
        .unwrap();
    let server = Server::start(project.path(), "letters");
    let list = html(server.port, "/");
    let at = list.find("notice.toml").expect("the notice is listed");
    let row = &list[at..list[at..].find("</tr>").map_or(list.len(), |e| at + e)];
    assert!(row.contains("none"), "the notice has no problems: {row}");
}
