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

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::diagnostic::display_path;
use crate::output::manifest::{self, MANIFEST_FILE, Manifest};
use crate::output::{OutputError, OwnerRecords, Place};
use crate::project::{CONFIG_FILE, LettersError};
use crate::render::{LetterError, Renderer};

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

/// Why a batch could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The input folder could not be listed.
    #[error("{0}")]
    Letters(#[from] LettersError),
    /// The templates or the config could not be read.
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
    /// The manifest or an owner record could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
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
    let findings = crate::project::find_findings(dir)?;
    let shared = shared_fingerprint(renderer)?;
    let manifest_path = options.output.join(MANIFEST_FILE);
    let old = Manifest::load(&manifest_path);
    let new = Mutex::new(Manifest::default());
    let planned =
        in_parallel(findings, options.jobs, |finding| plan(renderer, dir, finding, shared))
            .map_err(|source| BatchError::Threads { source })?;
    let owners = OwnerRecords::default();
    let plans = refuse_collisions(planned, &options.output, &owners);

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
                    match renderer.render(&plan.finding, Place::Named(&pdf), None, &owners) {
                        Ok(written) => (Outcome::Rendered, Some(written.pages)),
                        Err(err) => (Outcome::Failed(err), None),
                    }
                };
                if matches!(outcome, Outcome::Unchanged) {
                    owners.record(&pdf, &plan.finding);
                }
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
        let key = manifest::key(letter.pdf.strip_prefix(&options.output).unwrap_or(&letter.pdf));
        if matches!(letter.outcome, Outcome::NotStarted)
            && let Some(old) = old.get(&key)
        {
            manifest.insert(key, old);
        }
    }
    if !letters.is_empty() {
        manifest.save(&manifest_path)?;
    }
    owners.save()?;
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
            let name = renderer.destination(&finding_path, &finding, Place::Folder(folder))?.path;
            Ok((name, hasher.finish128().as_u128()))
        });
    let (key, fingerprint) = match named {
        Ok((name, fingerprint)) => (name, Ok(fingerprint)),
        Err(err) => (fallback, Err(err)),
    };
    Plan { key: manifest::key(&key), finding: finding_path, fingerprint }
}

/// Fails every letter whose PDF name another letter (earlier in file order,
/// or in an earlier run, as `owners` records) already has, naming both: two
/// letters must never overwrite each other.
fn refuse_collisions(mut plans: Vec<Plan>, output: &Path, owners: &OwnerRecords) -> Vec<Plan> {
    let mut named: HashMap<String, PathBuf> = HashMap::new();
    for plan in &mut plans {
        if plan.fingerprint.is_err() {
            continue;
        }
        let pdf = output.join(&plan.key);
        if let Err(err) = owners.check(&pdf, &plan.finding) {
            plan.fingerprint = Err(err.into());
            continue;
        }
        match named.get(&plan.key) {
            Some(owner) => {
                plan.fingerprint = Err(LetterError::Output(OutputError::Taken {
                    finding: display_path(&plan.finding),
                    message: format!(
                        "{} is already the PDF of {}; make the file name pattern in {CONFIG_FILE} tell them apart (e.g. add {{stem}})",
                        display_path(&pdf).display(),
                        display_path(owner).display()
                    ),
                }));
            }
            None => {
                named.insert(plan.key.clone(), plan.finding.clone());
            }
        }
    }
    plans
}

/// Hash of every input all letters share.
fn shared_fingerprint(renderer: &Renderer) -> Result<u128, BatchError> {
    let project = renderer.project();
    let mut hasher = SipHasher13::new();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write(renderer.settings_key().as_bytes());
    for font in crate::typeset::EMBEDDED_FONTS {
        hasher.write(font);
    }
    let mut files = vec![project.root.join(CONFIG_FILE)];
    let templates = project.templates_dir();
    // A project without its own templates uses the built-in ones, which the
    // version above stands for.
    let own_templates = templates.is_dir().then(|| walkdir::WalkDir::new(&templates));
    for entry in own_templates.into_iter().flat_map(|walk| walk.sort_by_file_name()) {
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
