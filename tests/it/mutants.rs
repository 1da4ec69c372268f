//! The mistakes people make, on real letters full of what Word pastes: each
//! fixture letter (the demo among them) gets `£ ’ “ ” – … é ŵ` and an emoji
//! planted in its prose and values, then one to three of the mistakes an
//! inspector makes (a quote, bracket, `=`, `:`, comma, line break, tab or
//! BOM deleted or added, a `"""` dropped, a line written twice or lost, a UK
//! date). Every mutant must be read without a panic, and every error it gets
//! must say where it is (a place in the file, or the field it is about).
//!
//! Most mutants are checked in-process (the library, as `check` reads and
//! words a letter); a few go through the real binary (`check`, `render`,
//! and a `batch` of them beside the demo). The long run (100,000
//! cases and more) is `bench/mutants`, which runs the ignored test below
//! with `LETTERPRESS_MUTANTS` set.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use letterpress::diagnostic::Severity;
use letterpress::project::Project;
use letterpress::render::{LetterError, Renderer};

use crate::common::*;

/// What Word pastes into a letter.
const WORD: &[&str] = &["£", "’", "“", "”", "–", "…", "é", "ŵ", "😀"];
/// Word's characters in one run, as planted in prose.
const PLANTED: &str = " £250 – the provider’s “plan” … é ŵ 😀";
/// What a mistake inserts.
const INSERTS: &[&str] = &[
    "\"", "'", "[", "]", "=", ":", ",", "\n", "\t", "\u{feff}", "#", "\"\"\"", "\\", "{", "£", "’",
];

/// A small deterministic generator (xorshift64*), so a failing case is
/// found again from its number.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The fixture letters, with Word's characters in every prose line and in
/// one-line text values.
fn planted_letters() -> Vec<(PathBuf, String)> {
    let dir = fixtures().join("letters");
    let mut letters: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    letters.sort();
    letters
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, plant(&text))
        })
        .collect()
}

fn plant(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in text.lines() {
        let blocks = line.matches("\"\"\"").count();
        if in_block && blocks == 0 && !line.trim().is_empty() {
            out.push_str(line);
            out.push_str(PLANTED);
        } else if !in_block && blocks == 0 && line.ends_with('"') && line.contains("= \"") {
            // `name = "text"`: Word's characters inside the quotes.
            out.push_str(&line[..line.len() - 1]);
            out.push_str(" – é’s\"");
        } else {
            out.push_str(line);
        }
        if blocks % 2 == 1 {
            in_block = !in_block;
        }
        out.push('\n');
    }
    out
}

/// The byte offset of a random character of `text`.
fn char_at(rng: &mut Rng, text: &str) -> usize {
    let count = text.chars().count();
    text.char_indices().nth(rng.below(count + 1)).map_or(text.len(), |(i, _)| i)
}

/// One mistake, applied to `text`.
fn mutate(rng: &mut Rng, text: &mut String) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match rng.below(9) {
        0 => {
            let at = char_at(rng, text);
            if at < text.len() {
                text.remove(at);
            }
        }
        1 | 2 => {
            let at = char_at(rng, text);
            let insert = *rng.pick(INSERTS);
            text.insert_str(at, insert);
        }
        3 => {
            // Delete one of the characters people get wrong.
            let spots: Vec<usize> =
                text.match_indices(['"', '\'', '[', ']', '=', ',', '\n']).map(|(i, _)| i).collect();
            if !spots.is_empty() {
                text.remove(*rng.pick(&spots));
            }
        }
        4 => {
            let blocks: Vec<usize> = text.match_indices("\"\"\"").map(|(i, _)| i).collect();
            if !blocks.is_empty() {
                let at = *rng.pick(&blocks);
                text.replace_range(at..at + 3, "");
            }
        }
        5 => {
            let i = rng.below(lines.len());
            let mut edited: Vec<&str> = lines.clone();
            if rng.below(2) == 0 {
                edited.insert(i, lines[i]);
            } else {
                edited.remove(i);
            }
            *text = edited.concat();
        }
        6 => {
            // A UK date (or a date in words) where an ISO date was.
            let dates: Vec<usize> = text
                .match_indices("20")
                .map(|(i, _)| i)
                .filter(|&i| {
                    let b = text.as_bytes();
                    i + 10 <= b.len()
                        && text.is_char_boundary(i + 10)
                        && b[i + 4] == b'-'
                        && b[i + 7] == b'-'
                })
                .collect();
            if !dates.is_empty() {
                let at = *rng.pick(&dates);
                let iso = text[at..at + 10].to_owned();
                let uk = match rng.below(3) {
                    0 => format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4]),
                    1 => format!("\"{}/{}/{}\"", &iso[8..10], &iso[5..7], &iso[..4]),
                    _ => format!("{} November {}", &iso[8..10], &iso[..4]),
                };
                text.replace_range(at..at + 10, &uk);
            }
        }
        7 => {
            // `=` written as `:`, or straight quotes made curly, on one line.
            let i = rng.below(lines.len());
            let line = if rng.below(2) == 0 {
                lines[i].replacen(" = ", " : ", 1)
            } else {
                lines[i].replacen('"', "“", 1).replacen('"', "”", 1)
            };
            let mut edited: Vec<&str> = lines.clone();
            edited[i] = &line;
            *text = edited.concat();
        }
        _ => {
            let at = char_at(rng, text);
            let insert = *rng.pick(WORD);
            text.insert_str(at, insert);
        }
    }
}

/// Mutant number `case` of the planted letters.
fn mutant(letters: &[(PathBuf, String)], case: u64) -> (PathBuf, String) {
    let mut rng = Rng::new(case);
    let (path, text) = rng.pick(letters);
    let mut text = text.clone();
    for _ in 0..1 + rng.below(3) {
        mutate(&mut rng, &mut text);
    }
    (path.clone(), text)
}

/// What is wrong with how one mutant was handled, if anything.
fn judge(renderer: &Renderer, path: &Path, text: String) -> Option<String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let result = renderer.prepare_text(path, text);
        let mut shown = codespan_reporting::term::termcolor::Buffer::no_color();
        match &result {
            Ok(letter) => letter.warnings.emit(&mut shown).unwrap(),
            Err(err) => err.emit(&mut shown).unwrap(),
        }
        result.err()
    }));
    match outcome {
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        Ok(Some(LetterError::Finding(problems))) => problems
            .problems
            .iter()
            .find(|p| p.severity == Severity::Error && p.span.is_none() && p.field.is_none())
            .map(|p| format!("an error that says not where it is: {}", p.message)),
        Ok(_) => None,
    }
}

/// Checks `cases` mutants from number `first` in-process; each failure with
/// the mutant's number and text.
fn run(first: u64, cases: u64) -> Vec<String> {
    let renderer = Renderer::new(Project::discover(&fixtures()).unwrap()).unwrap();
    let letters = planted_letters();
    let mut failures = Vec::new();
    for case in first..first + cases {
        let (path, text) = mutant(&letters, case);
        if let Some(failure) = judge(&renderer, &path, text.clone()) {
            failures.push(format!("case {case} ({}): {failure}\n{text}", path.display()));
        }
    }
    failures
}

#[test]
fn no_mistake_in_a_letter_full_of_word_characters_panics_or_goes_unlocated() {
    let letters = planted_letters();
    assert!(letters.iter().all(|(_, text)| text.contains('£')));
    let failures = run(0, 600);
    assert!(
        failures.is_empty(),
        "{} of 600 mutants failed; first:\n{}",
        failures.len(),
        failures[0]
    );
}

#[test]
fn the_binary_checks_and_renders_mutants_with_exit_0_or_1() {
    let letters = planted_letters();
    let project = project_copy();
    for case in 0..12 {
        let (_, text) = mutant(&letters, 10_000 + case);
        let file = project.path().join("letters/mutant.toml");
        std::fs::write(&file, &text).unwrap();
        let command = if case % 3 == 0 { "render" } else { "check" };
        let out = letterpress()
            .current_dir(project.path())
            .args([command, "letters/mutant.toml"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("panicked"),
            "case {case}: {command} exited {:?}\n{stderr}\n{text}",
            out.status.code()
        );
    }
    // A batch of mutants beside the demo: each fails or renders alone.
    for case in 0..6 {
        let (_, text) = mutant(&letters, 20_000 + case);
        std::fs::write(project.path().join(format!("letters/mutant-{case}.toml")), text).unwrap();
    }
    let out = letterpress()
        .current_dir(project.path())
        .args(["batch", "letters", "-o", "out", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("panicked"), "{stderr}");
    assert!(project.path().join("out/cafcass-greater-london.pdf").is_file(), "{stderr}");
}

/// The long run: `LETTERPRESS_MUTANTS=100000 cargo test --test it -- --ignored mutants_long`
/// (`bench/mutants`); prints the counts BENCHMARKS.md records.
#[test]
#[ignore = "the long run, minutes: bench/mutants"]
fn mutants_long() {
    let cases: u64 =
        std::env::var("LETTERPRESS_MUTANTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let start = std::time::Instant::now();
    let failures = run(1_000_000, cases);
    println!(
        "mutants: {cases} cases, {} failures (panics or unlocated errors), {:.1} s",
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "first:\n{}", failures[0]);
}
