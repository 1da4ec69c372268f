//! Batch: every finding file under a folder, rendered in parallel.
//!
//! All letters share one [`Renderer`] (templates parsed once, one font book),
//! and each letter is independent: a bad finding file is reported and the
//! others are still written. PDFs mirror the input tree under the output
//! folder, named by the project's file name pattern; every letter is read
//! and named before any is rendered, so two letters that would get the same
//! PDF are reported instead of one silently replacing the other. A letter is
//! skipped when its inputs (the finding file and its translation, every file
//! under `templates/`, `letterpress.toml` and the embedded fonts) hash to the
//! same fingerprint as when its PDF was written; fingerprints are kept in a
//! manifest in the output folder.

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::diagnostic::display_path;
use crate::owners::{Owners, SOURCES_FILE};
use crate::project::CONFIG_FILE;
use crate::render::{LetterError, Renderer, write_atomically, write_output};

/// Name of the fingerprint manifest inside the output folder.
pub const MANIFEST_FILE: &str = ".letterpress-manifest.toml";

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Folder the PDFs are written to, mirroring the input tree.
    pub output: PathBuf,
    /// Render every letter, even unchanged ones.
    pub force: bool,
    /// Letters rendered at once (default: one per core).
    pub jobs: Option<usize>,
}

/// What happened to one letter.
#[derive(Debug)]
pub enum Outcome {
    /// A new PDF was written.
    Rendered,
    /// Inputs unchanged since the PDF was written.
    Unchanged,
    /// The letter could not be produced; nothing was written for it.
    Failed(LetterError),
    /// The run was interrupted before this letter was started.
    NotStarted,
}

/// One letter's result.
#[derive(Debug)]
pub struct LetterResult {
    /// The finding file.
    pub finding: PathBuf,
    /// Where its PDF goes.
    pub pdf: PathBuf,
    /// What happened.
    pub outcome: Outcome,
    /// A warning about the rendered letter (e.g. it has too many pages).
    pub warning: Option<String>,
}

/// One letter read, validated and named, before anything is rendered. Only
/// the name and a fingerprint are kept, so memory stays flat however many
/// letters; rendering reads the file again.
struct Plan {
    /// The finding file.
    finding: PathBuf,
    /// Its PDF's path relative to the output folder, with `/` separators:
    /// the manifest key.
    key: String,
    /// The fingerprint of the letter's inputs, or why it cannot be rendered.
    fingerprint: Result<u128, LetterError>,
}

/// The whole run.
#[derive(Debug)]
pub struct BatchReport {
    /// Every letter, in file order.
    pub letters: Vec<LetterResult>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl BatchReport {
    /// How many letters ended with each outcome: rendered, unchanged,
    /// failed, not started.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for letter in &self.letters {
            match letter.outcome {
                Outcome::Rendered => counts.0 += 1,
                Outcome::Unchanged => counts.1 += 1,
                Outcome::Failed(_) => counts.2 += 1,
                Outcome::NotStarted => counts.3 += 1,
            }
        }
        counts
    }
}

/// Why a batch could not start.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The input folder or the templates could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Worker threads could not be started.
    #[error("cannot start worker threads: {source}")]
    Threads {
        /// Why.
        source: std::io::Error,
    },
    /// The manifest could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The manifest path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The finding files under `dir`: `*.toml` files, sorted, skipping hidden
/// files and folders and the project's own `letterpress.toml`.
pub fn find_findings(dir: &Path) -> Result<Vec<PathBuf>, BatchError> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|err| BatchError::Read {
            path: err.path().unwrap_or(dir).to_path_buf(),
            source: err.into(),
        })?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.ends_with(".toml") && name != CONFIG_FILE {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// Renders every finding file under `dir` with `jobs` worker threads.
///
/// `cancel` stops the run between letters (letters already started finish
/// and are written whole); `on_done` is called as each letter finishes, from
/// worker threads.
pub fn run(
    renderer: &Renderer,
    dir: &Path,
    options: &BatchOptions,
    cancel: &AtomicBool,
    on_done: &(dyn Fn(&LetterResult) + Sync),
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let findings = find_findings(dir)?;
    let shared = shared_fingerprint(renderer)?;
    let manifest_path = options.output.join(MANIFEST_FILE);
    let old = Manifest::load(&manifest_path);
    let new = Mutex::new(Manifest::default());
    let planned =
        in_parallel(findings, options.jobs, |finding| plan(renderer, dir, finding, shared))
            .map_err(|source| BatchError::Threads { source })?;
    let plans = refuse_collisions(planned, &options.output);

    let letter = |plan: Plan| {
        let pdf = options.output.join(&plan.key);
        let (outcome, warning) = match plan.fingerprint {
            _ if cancel.load(Ordering::Relaxed) => (Outcome::NotStarted, None),
            Err(err) => (Outcome::Failed(err), None),
            Ok(fingerprint) => {
                let unchanged =
                    !options.force && old.get(&plan.key) == Some(fingerprint) && pdf.is_file();
                let (outcome, pages) = if unchanged {
                    (Outcome::Unchanged, None)
                } else {
                    match render_one(renderer, &plan.finding, &pdf) {
                        Ok(pages) => (Outcome::Rendered, Some(pages)),
                        Err(err) => (Outcome::Failed(err), None),
                    }
                };
                if !matches!(outcome, Outcome::Failed(_)) {
                    new.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(plan.key.clone(), fingerprint);
                }
                // Caches only help the letters in flight; evicting keeps
                // memory flat however long the run.
                comemo::evict(2);
                (outcome, pages.and_then(|pages| renderer.page_warning(pages)))
            }
        };
        let result = LetterResult { finding: plan.finding, pdf, outcome, warning };
        on_done(&result);
        result
    };
    let letters = in_parallel(plans, options.jobs, letter)
        .map_err(|source| BatchError::Threads { source })?;

    let mut manifest = new.into_inner().unwrap_or_else(|e| e.into_inner());
    // Keep what the interrupted part of the run did not get to check.
    for letter in &letters {
        let key = manifest_key(letter.pdf.strip_prefix(&options.output).unwrap_or(&letter.pdf));
        if matches!(letter.outcome, Outcome::NotStarted)
            && let Some(old) = old.get(&key)
        {
            manifest.insert(key, old);
        }
    }
    if !letters.is_empty() {
        manifest.save(&manifest_path)?;
    }
    record_owners(&letters)?;
    Ok(BatchReport { letters, elapsed: started.elapsed() })
}

/// Maps `work` over `items` on `jobs` threads (one per core when `None`),
/// keeping the items' order in the result.
///
/// A plain shared queue hands out the next item: each letter is one
/// independent job of a few milliseconds, so nothing finer is needed, and
/// every compile runs at the bottom of its own thread's stack. (typst's
/// layout grows its stack on the heap when it runs low, which nested
/// work-stealing frames provoke: with rayon, 1,000 letters peaked at 690 MB.)
fn in_parallel<T: Send, R: Send>(
    items: Vec<T>,
    jobs: Option<usize>,
    work: impl Fn(T) -> R + Sync,
) -> std::io::Result<Vec<R>> {
    let threads = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, items.len().max(1));
    let count = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(count));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    // The main thread's usual stack: long letters recurse deeply.
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, || {
                        loop {
                            let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                            let Some((index, item)) = next else { break };
                            let result = work(item);
                            done.lock().unwrap_or_else(|e| e.into_inner()).push((index, result));
                        }
                    })
            })
            .collect::<std::io::Result<_>>()?;
        drop(workers);
        Ok::<_, std::io::Error>(())
    })?;
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, result)| result).collect())
}

/// Reads and validates one finding file, names its PDF (the file name
/// pattern's name, in the folder mirroring the finding's place under `dir`)
/// and fingerprints its inputs: `shared` (what all letters use), the file
/// and, for a bilingual letter, its translation.
fn plan(renderer: &Renderer, dir: &Path, finding_path: PathBuf, shared: u128) -> Plan {
    let shown = display_path(&finding_path);
    let relative = finding_path.strip_prefix(dir).unwrap_or(&finding_path);
    let folder = relative.parent().unwrap_or(Path::new(""));
    let fallback = relative.with_extension("pdf");
    let named = crate::finding::read_text(&shown)
        .map_err(|problems| LetterError::Finding(Box::new(problems)))
        .and_then(|text| {
            let mut hasher = SipHasher13::new();
            hasher.write_u128(shared);
            hasher.write(text.as_bytes());
            let finding = renderer.finding(&shown, text)?;
            if let Some(other) = finding.translation_path(&finding_path) {
                hasher.write(&std::fs::read(other).unwrap_or_default());
            }
            let name = renderer.output_path(&finding_path, &finding, Some(folder))?;
            Ok((name, hasher.finish128().as_u128()))
        });
    let (key, fingerprint) = match named {
        Ok((name, fingerprint)) => (name, Ok(fingerprint)),
        Err(err) => (fallback, Err(err)),
    };
    Plan { finding: finding_path, key: manifest_key(&key), fingerprint }
}

/// A PDF's path relative to the output folder as the manifest keys it, with
/// `/` separators on every system.
fn manifest_key(relative: &Path) -> String {
    relative.to_string_lossy().replace('\\', "/")
}

/// Fails every letter whose PDF name another letter (earlier in file order,
/// or in an earlier run) already has, naming both: two letters must never
/// overwrite each other.
fn refuse_collisions(mut plans: Vec<Plan>, output: &Path) -> Vec<Plan> {
    let mut owners: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let mut earlier: BTreeMap<PathBuf, Owners> = BTreeMap::new();
    for plan in &mut plans {
        if plan.fingerprint.is_err() {
            continue;
        }
        let pdf = output.join(&plan.key);
        let folder = pdf.parent().unwrap_or(output).to_path_buf();
        let recorded = earlier.entry(folder.clone()).or_insert_with(|| Owners::load(&folder));
        if let Err(message) = recorded.check(&pdf, &plan.finding) {
            plan.fingerprint =
                Err(LetterError::FileName { finding: display_path(&plan.finding), message });
            continue;
        }
        match owners.get(&plan.key) {
            Some(owner) => {
                plan.fingerprint = Err(LetterError::FileName {
                    finding: display_path(&plan.finding),
                    message: format!(
                        "{} is already the PDF of {}; make the file name pattern in {CONFIG_FILE} tell them apart (e.g. add {{stem}})",
                        display_path(&output.join(&plan.key)).display(),
                        display_path(owner).display()
                    ),
                });
            }
            None => {
                owners.insert(plan.key.clone(), plan.finding.clone());
            }
        }
    }
    plans
}

/// Records which finding file each PDF now on disk was written from.
fn record_owners(letters: &[LetterResult]) -> Result<(), BatchError> {
    let mut folders: BTreeMap<PathBuf, Owners> = BTreeMap::new();
    for letter in letters {
        if matches!(letter.outcome, Outcome::Rendered | Outcome::Unchanged) {
            let folder = letter.pdf.parent().unwrap_or(Path::new(".")).to_path_buf();
            let owners = folders.entry(folder.clone()).or_insert_with(|| Owners::load(&folder));
            owners.set(&letter.pdf, &letter.finding);
        }
    }
    for (folder, owners) in folders {
        owners
            .save()
            .map_err(|source| BatchError::Write { path: folder.join(SOURCES_FILE), source })?;
    }
    Ok(())
}

/// Renders one letter and writes its PDF; returns its page count.
fn render_one(renderer: &Renderer, finding_path: &Path, pdf: &Path) -> Result<usize, LetterError> {
    let letter = renderer.prepare(finding_path)?;
    let rendered = renderer.pdf_of(finding_path, &letter)?;
    write_output(pdf, &rendered.pdf)?;
    Ok(rendered.pages)
}

/// Hash of every input all letters share.
fn shared_fingerprint(renderer: &Renderer) -> Result<u128, BatchError> {
    let project = renderer.project();
    let mut hasher = SipHasher13::new();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write(renderer.settings_key().as_bytes());
    for font in crate::world::EMBEDDED_FONTS {
        hasher.write(font);
    }
    let mut files = vec![project.root.join(CONFIG_FILE)];
    let templates = project.templates_dir();
    for entry in walkdir::WalkDir::new(&templates).sort_by_file_name() {
        let entry = entry
            .map_err(|err| BatchError::Read { path: templates.clone(), source: err.into() })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    for file in files {
        let bytes = std::fs::read(&file)
            .map_err(|source| BatchError::Read { path: file.clone(), source })?;
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    Ok(hasher.finish128().as_u128())
}

/// Fingerprints of the PDFs in an output folder, keyed by relative path.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Manifest {
    letters: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the manifest; a missing or unreadable one means "render all".
    fn load(path: &Path) -> Manifest {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn get(&self, key: &str) -> Option<u128> {
        u128::from_str_radix(self.letters.get(key)?, 16).ok()
    }

    fn insert(&mut self, key: String, fingerprint: u128) {
        self.letters.insert(key, format!("{fingerprint:032x}"));
    }

    fn save(&self, path: &Path) -> Result<(), BatchError> {
        let text = toml::to_string(self).unwrap_or_default();
        write_atomically(path, text.as_bytes())
            .map_err(|source| BatchError::Write { path: path.to_path_buf(), source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_toml_files_but_not_hidden_ones_or_the_config() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["b.toml", "a.toml", "sub/c.toml", ".hidden/d.toml", ".e.toml", "f.txt"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        let found: Vec<_> = find_findings(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["a.toml", "b.toml", "sub/c.toml"]);
    }

    #[test]
    fn manifest_round_trips_fingerprints() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut manifest = Manifest::default();
        manifest.insert("a/b.pdf".into(), u128::MAX - 7);
        manifest.save(&path).unwrap();
        assert_eq!(Manifest::load(&path).get("a/b.pdf"), Some(u128::MAX - 7));
        assert_eq!(Manifest::load(&dir.path().join("missing")).get("a/b.pdf"), None);
    }
}
