//! The hostile run's cases that are cheap to test (issue 30): escapes
//! through every message that quotes user text, pipes and links in each
//! output-folder role, writes through a link, images and sheets that claim
//! more than memory holds, and refusals that say what they are.

use crate::common;

use std::path::Path;
use std::process::Command as Process;
use std::time::Duration;

use common::*;
use predicates::str::contains;

/// An escape that retitles the window and clears the screen, a NUL, and a
/// line end followed by a line that looks like letterpress's own.
const HOSTILE: &str = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{0}\nchecked 1 finding file: 0 errors";

/// `HOSTILE` as a TOML basic string's contents.
const HOSTILE_TOML: &str =
    r"x\u001b]0;pwned\u0007\u001b[2J\u0000\nchecked 1 finding file: 0 errors";

/// Fails when `output` holds a raw control character (other than line ends
/// and tabs) or a line that is the forged one.
fn assert_terminal_safe(case: &str, output: &std::process::Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let raw = bytes.iter().find(|&&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f);
        assert!(
            raw.is_none(),
            "{case}: raw control byte {raw:?} on {stream}: {}",
            String::from_utf8_lossy(bytes)
        );
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.lines().any(|line| line.trim() == "checked 1 finding file: 0 errors"),
            "{case}: a forged line on {stream}: {text}"
        );
    }
}

fn run(project: &Path, args: &[&str]) -> std::process::Output {
    letterpress()
        .current_dir(project)
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

/// The command's outcome, to assert on.
fn assert_on(project: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    letterpress().current_dir(project).args(args).timeout(Duration::from_secs(120)).assert()
}

fn demo_text() -> String {
    std::fs::read_to_string(demo_finding()).unwrap()
}

const DEMO: &str = "letters/cafcass-greater-london.toml";

#[test]
fn an_escape_nul_and_line_end_never_reach_the_terminal_raw() {
    // The template a letter names.
    let project = project_copy();
    let text = demo_text().replacen(
        "\n[recipient]",
        &format!("\ntemplate = \"{HOSTILE_TOML}\"\n\n[recipient]"),
        1,
    );
    std::fs::write(project.path().join(DEMO), text).unwrap();
    for command in ["check", "render"] {
        let output = run(project.path(), &[command, DEMO]);
        assert!(!output.status.success(), "template: {command}");
        assert_terminal_safe(&format!("template, {command}"), &output);
    }

    // A `[signatures]` entry's name and path.
    let project = project_copy();
    let config = project.path().join("letterpress.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("\n[signatures]\n\"{HOSTILE_TOML}\" = \"{HOSTILE_TOML}.png\"\n"));
    std::fs::write(&config, text).unwrap();
    let output = run(project.path(), &["render", DEMO]);
    assert!(!output.status.success());
    assert_terminal_safe("signatures", &output);

    // A file name pattern.
    let project = project_copy();
    let config = project.path().join("letterpress.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[output]\nfile_name = \"{HOSTILE_TOML}{{stem}}.pdf\"\n"),
    )
    .unwrap();
    for command in ["check", "render"] {
        let output = run(project.path(), &[command, DEMO]);
        assert!(!output.status.success(), "file_name: {command}");
        assert_terminal_safe(&format!("file_name, {command}"), &output);
    }

    // A finding file's own name: shown escaped, and its PDF never named so.
    let project = project_copy();
    let name = "letters/evil\u{1b}[2J\nchecked 1 finding file: 0 errors.toml";
    std::fs::rename(project.path().join(DEMO), project.path().join(name)).unwrap();
    for args in [&["check", name][..], &["render", name], &["batch", "letters"]] {
        let output = run(project.path(), args);
        assert_terminal_safe(&format!("file name, {}", args[0]), &output);
    }
    let written: Vec<_> = std::fs::read_dir(project.path().join("out"))
        .map(|dir| dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(
        written.iter().all(|name| !name.chars().any(char::is_control)),
        "a PDF named with a control character: {written:?}"
    );

    // A file named on the command line that does not exist (an argument
    // cannot hold a NUL).
    let output = run(project.path(), &["check", &HOSTILE.replace('\0', "")]);
    assert_terminal_safe("missing file", &output);
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(Process::new("mkfifo").arg(path).status().unwrap().success());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_each_output_folder_role_fails_at_once_or_is_replaced() {
    for role in [".letterpress-sources.toml", ".letterpress-manifest.toml", ".letterpress-lock"] {
        let project = project_copy();
        mkfifo(&project.path().join("out").join(role));
        let output = run(project.path(), &["batch", "letters", "-o", "out"]);
        assert!(!output.status.success(), "{role}: {}", String::from_utf8_lossy(&output.stderr));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("named pipe") || stderr.contains("not a regular file"),
            "{role}: {stderr}"
        );
    }
    // `render` keeps the owner record too.
    let project = project_copy();
    mkfifo(&project.path().join("out/.letterpress-sources.toml"));
    assert_on(project.path(), &["render", DEMO])
        .failure()
        .stderr(contains("is a named pipe, not a file"));
    // An old PDF that is a pipe, or a link to a device, is not read: it is
    // replaced by the new PDF.
    for old in ["pipe", "device"] {
        let project = project_copy();
        let pdf = project.path().join("out/cafcass-greater-london.pdf");
        if old == "pipe" {
            mkfifo(&pdf);
        } else {
            std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink("/dev/zero", &pdf).unwrap();
        }
        assert_on(project.path(), &["batch", "letters", "-o", "out"]).success();
        assert!(std::fs::symlink_metadata(&pdf).unwrap().is_file(), "{old}");
    }
}

#[cfg(unix)]
#[test]
fn eject_never_writes_through_a_link_out_of_the_project() {
    let project = project_copy();
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(project.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(outside.path(), project.path().join("templates")).unwrap();
    assert_on(project.path(), &["templates", "--eject", "monitoring"])
        .code(1)
        .stderr(contains("leads outside the project"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// A PNG whose header claims `width` × `height` pixels (the rest is junk).
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[test]
fn a_signature_claiming_too_many_pixels_is_refused_from_its_header() {
    let project = project_copy();
    let image = sign_with_image(project.path());
    std::fs::write(&image, png_claiming(200_000, 200_000)).unwrap();
    assert_on(project.path(), &["render", DEMO])
        .code(1)
        .stderr(contains("signatures/hunt.png"))
        .stderr(contains("200000 × 200000 pixels"))
        .stderr(contains("50 megapixels"));
}

#[cfg(unix)]
#[test]
fn a_signature_that_is_a_pipe_a_folder_or_broken_says_what_it_is() {
    let cases: [(&str, &str); 3] = [
        ("pipe", "is a named pipe"),
        ("folder", "is a folder"),
        ("broken", "cannot be read as an image"),
    ];
    for (what, says) in cases {
        let project = project_copy();
        let image = sign_with_image(project.path());
        std::fs::remove_file(&image).unwrap();
        match what {
            "pipe" => mkfifo(&image),
            "folder" => std::fs::create_dir(&image).unwrap(),
            _ => std::fs::write(&image, b"\x89PNG\r\n\x1a\nnot really").unwrap(),
        }
        assert_on(project.path(), &["render", DEMO])
            .code(1)
            .stderr(contains("signature image for Stephen Hunt"))
            .stderr(contains(says));
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_letterpress_toml_says_so() {
    let project = project_copy();
    std::fs::remove_file(project.path().join("letterpress.toml")).unwrap();
    mkfifo(&project.path().join("letterpress.toml"));
    assert_on(project.path(), &["check", DEMO])
        .failure()
        .stderr(contains("is a named pipe, not a file"));
}

#[test]
fn a_layout_over_the_template_limit_is_refused() {
    let project = project_copy();
    let layout = format!("// {}\n", "x".repeat(300 << 10));
    std::fs::write(project.path().join("templates/layout.typ"), layout).unwrap();
    assert_on(project.path(), &["render", DEMO])
        .failure()
        .stderr(contains("more than the 256 KB letterpress reads for a template"));
}

#[test]
fn output_naming_a_file_says_so() {
    let project = project_copy();
    std::fs::write(project.path().join("notes"), "mine").unwrap();
    assert_on(project.path(), &["render", DEMO, "-o", "notes"])
        .failure()
        .stderr(contains("is a file or a device, not a folder"));
    assert_eq!(std::fs::read_to_string(project.path().join("notes")).unwrap(), "mine");
}

#[test]
fn a_workbook_with_a_far_cell_is_refused_before_it_is_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Letters").unwrap();
    sheet.write_string(0, 0, "letter id").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    workbook.save(&path).unwrap();
    let project = project_copy();
    assert_on(project.path(), &["import", path.to_str().unwrap()])
        .failure()
        .stderr(contains("far.xlsx"))
        .stderr(contains("1048576 rows × 16384 columns"))
        .stderr(contains("at most 2000000 cells"));
}

/// An `.ods` workbook whose only sheet holds `letter id` at A1 and `far`
/// at ALL3000, the rows and columns between written as repeats (a few
/// hundred bytes that claim 3,000,000 cells).
fn far_ods(path: &Path) {
    use std::io::Write;
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Letters"><table:table-row><table:table-cell office:value-type="string"><text:p>letter id</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="2998"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/><table:table-cell office:value-type="string"><text:p>far</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#;
    for (name, bytes) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn an_ods_sheet_with_a_far_cell_is_refused_before_it_is_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.ods");
    far_ods(&path);
    let project = project_copy();
    assert_on(project.path(), &["import", path.to_str().unwrap()])
        .failure()
        .stderr(contains("far.ods"))
        .stderr(contains("3000 rows × 1000 columns"))
        .stderr(contains("at most 2000000 cells"));
}

#[cfg(unix)]
#[test]
fn a_tracker_that_is_a_pipe_or_a_link_to_a_device_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("t.xlsx");
    mkfifo(&pipe);
    let zero = dir.path().join("z.xlsx");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let project = project_copy();
    for (path, says) in [(&pipe, "is a named pipe"), (&zero, "is a device")] {
        assert_on(project.path(), &["import", path.to_str().unwrap()])
            .failure()
            .stderr(contains(says));
    }
}

#[test]
fn text_that_runs_off_the_page_is_an_error_at_its_field() {
    let project = project_copy();
    let path = project.path().join(DEMO);
    let text = demo_text();
    let at = text.find("progress = \"\"\"").unwrap() + "progress = \"\"\"".len();
    let run = format!("\nSome words before {} and the rest.\n", "[".repeat(30_000));
    std::fs::write(&path, format!("{}{run}{}", &text[..at], &text[at..])).unwrap();
    assert_on(project.path(), &["render", DEMO])
        .code(1)
        .stderr(contains("runs off the right edge of the page"))
        .stderr(contains("cafcass-greater-london.toml"));
}
