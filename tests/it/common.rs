//! Shared helpers for the integration tests: run the real binary on real
//! files, and read the text of the PDFs it writes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (where the demo project lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tests' own project: a copy of the demo's config and letters, so no
/// test depends on what the repository's `letters/` holds.
pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/project")
}

/// The demo finding file, as the fixture project holds it.
pub fn demo_finding() -> PathBuf {
    fixtures().join("letters/cafcass-greater-london.toml")
}

/// The `letterpress` binary, ready to get arguments.
pub fn letterpress() -> Command {
    Command::cargo_bin("letterpress").expect("binary is built")
}

/// A scratch copy of the demo project (config, word list, templates and the
/// demo letter), so tests can add or break files without touching the repository.
pub fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in ["letterpress.toml", "words.txt"] {
        std::fs::copy(fixtures().join(file), dir.path().join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    for entry in std::fs::read_dir(repo().join("templates")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join("templates").join(entry.file_name())).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("letters")).unwrap();
    std::fs::copy(demo_finding(), dir.path().join("letters/cafcass-greater-london.toml")).unwrap();
    dir
}

/// The text of a PDF, extracted from the file itself, as a reader sees it:
/// the no-break spaces that keep a date on one line are spaces.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("PDF exists");
    assert!(bytes.starts_with(b"%PDF-"), "{} is not a PDF", path.display());
    pdf_extract::extract_text_from_mem(&bytes).expect("PDF text extracts").replace('\u{a0}', " ")
}

/// Words of a letter's text with layout noise removed, as the exemplar's
/// scoring does: page footers, bullets, line-end hyphenation, curly quotes
/// and the exemplar's `**` bold markers.
pub fn words(text: &str) -> Vec<String> {
    let text = text.replace("**", "").replace('\u{ad}', "");
    let text: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect();
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if is_page_footer(trimmed) {
            continue;
        }
        let line = trimmed
            .strip_prefix(['•', '‣', '◦', '⁃', '∙', '·', '–', '-'])
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .unwrap_or(trimmed);
        out.extend(line.split_whitespace().map(str::to_owned));
    }
    out
}

fn is_page_footer(line: &str) -> bool {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let num = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [n] => num(n),
        ["Page", n] => num(n),
        [n, "of" | "/", m] => num(n) && num(m),
        ["Page", n, "of" | "/", m] => num(n) && num(m),
        _ => false,
    }
}

/// difflib's `SequenceMatcher(None, a, b, autojunk=False).ratio()`:
/// 2·M / (|a| + |b|), M the total size of the matching blocks found by
/// recursively taking the longest common run.
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut b_index: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (j, word) in b.iter().enumerate() {
        b_index.entry(word).or_default().push(j);
    }
    let mut matched = 0;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = longest_match(a, &b_index, alo, ahi, blo, bhi);
        if k > 0 {
            matched += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    2.0 * matched as f64 / (a.len() + b.len()) as f64
}

fn longest_match(
    a: &[String],
    b_index: &std::collections::HashMap<&str, Vec<usize>>,
    alo: usize,
    ahi: usize,
    blo: usize,
    bhi: usize,
) -> (usize, usize, usize) {
    let (mut best_i, mut best_j, mut best_k) = (alo, blo, 0);
    let mut lengths: std::collections::HashMap<usize, usize> = Default::default();
    for (i, word) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut next = std::collections::HashMap::new();
        for &j in b_index.get(word.as_str()).into_iter().flatten() {
            if j < blo {
                continue;
            }
            if j >= bhi {
                break;
            }
            let k = lengths.get(&j.wrapping_sub(1)).copied().unwrap_or(0) + 1;
            next.insert(j, k);
            if k > best_k {
                (best_i, best_j, best_k) = (i + 1 - k, j + 1 - k, k);
            }
        }
        lengths = next;
    }
    (best_i, best_j, best_k)
}

/// Polls `done` every 10 ms; fails the test after `limit`.
pub fn wait_for(what: &str, limit: std::time::Duration, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Renders every sample letter of the fixture project with `batch` into a
/// fresh folder, returning the folder and batch's report (stderr).
pub fn render_samples() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let output = letterpress()
        .arg("batch")
        .arg(fixtures().join("letters"))
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report =
        String::from_utf8(output.stderr).unwrap() + &String::from_utf8(output.stdout).unwrap();
    (out, report)
}

/// A child process, killed when dropped (also when a test fails, so no
/// `watch` or `serve` outlives its test).
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `letterpress ARGS` running in `dir`, with everything it writes to stderr
/// gathered line by line into the returned log as it comes.
pub fn spawn_logged(
    dir: &Path,
    args: &[&str],
) -> (KillOnDrop, std::sync::Arc<std::sync::Mutex<String>>) {
    spawn_logged_with(dir, args, &[])
}

/// [`spawn_logged`] with environment variables `env` set.
pub fn spawn_logged_with(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (KillOnDrop, std::sync::Arc<std::sync::Mutex<String>>) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("letterpress"))
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    (KillOnDrop(child), log)
}

/// Gives the project at `dir` a signature image for the demo's signatory
/// (a PNG from docs/) named in its letterpress.toml; returns the image.
pub fn sign_with_image(dir: &Path) -> PathBuf {
    let image = dir.join("signatures/hunt.png");
    std::fs::create_dir_all(image.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("docs/demo-page-1.png"), &image).unwrap();
    let config = dir.join("letterpress.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[signatures]\n\"Stephen Hunt\" = \"signatures/hunt.png\"\n");
    std::fs::write(&config, text).unwrap();
    image
}
