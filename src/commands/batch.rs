//! Batch: every finding file under a folder, rendered in parallel.
//!
//! All letters share one [`Renderer`] (templates parsed once, one font book),
//! and each letter is independent: a bad finding file is reported and the
//! others are still written. PDFs mirror the input tree under the output
//! folder, named by the project's file name pattern; every letter is read
//! and named before any is rendered, so two letters that would get the same
//! PDF are reported instead of one silently replacing the other. A letter is
//! skipped when its inputs (the finding file and its translation as
//! rendered, `letterpress.toml`, every file under `templates/` and `fonts/`,
//! the embedded fonts, and every file typst read for it) hash to the same
//! fingerprint as when its PDF was written, and the PDF is still the one
//! written; the manifest in the output folder keeps both, saved as letters
//! finish. The output folder is locked for the run.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::diagnostic::{FileProblems, display_path};
use crate::output::manifest::{self, Entry, MANIFEST_FILE, Manifest};
use crate::output::{OutputError, OutputLock, OwnerRecords, Place};
use crate::project::{CONFIG_FILE, LettersError, SHARED_FOLDERS};
use crate::render::{LetterError, Renderer, Written, guarded};
use crate::sandbox::{Kind, ReadError};
use crate::typeset::digest;

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
    /// The finding file's warnings, if it has any.
    pub warnings: Option<Arc<FileProblems>>,
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
    /// The finding file's warnings, if it has any.
    warnings: Option<Arc<FileProblems>>,
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
    /// The templates or fonts folder could not be listed.
    #[error("cannot read {}: {source}", .path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template or the config could not be read.
    #[error("{0}")]
    Read(#[from] ReadError),
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
    // Before anything is typeset: the folder is writable and no other batch
    // is writing to it.
    let _lock = OutputLock::take(&options.output)?;
    let findings = crate::project::find_findings(dir)?;
    let shared = shared_fingerprint(renderer)?;
    let manifest_path = options.output.join(MANIFEST_FILE);
    let old = Manifest::load(&manifest_path)?;
    let progress = Progress::new(old.clone(), manifest_path);
    let planned =
        in_parallel(findings, options.jobs, |finding| plan(renderer, dir, finding, shared))
            .map_err(|source| BatchError::Threads { source })?;
    let owners = OwnerRecords::default();
    let plans = refuse_collisions(planned, &options.output, &owners);

    let letter = |plan: Plan| {
        let pdf = options.output.join(&plan.key);
        let mut warnings = plan.warnings;
        let (outcome, warning) = match plan.fingerprint {
            _ if cancel.load(Ordering::Relaxed) => (Outcome::NotStarted, None),
            Err(err) => {
                progress.forget(&plan.key);
                (Outcome::Failed(err), None)
            }
            Ok(base) => {
                let kept = old
                    .get(&plan.key)
                    .filter(|entry| !options.force && still_matches(renderer, base, entry, &pdf));
                let outcome = match kept {
                    Some(entry) => {
                        owners.record(&pdf, &plan.finding);
                        progress.record(&plan.key, entry.clone());
                        Ok(None)
                    }
                    None => guarded(|| {
                        renderer.render(&plan.finding, Place::Named(&pdf), None, &owners)
                    })
                    .map(|written| {
                        progress.record(&plan.key, entry_of(renderer, shared, &written));
                        // The warnings of the text rendered, which may
                        // have been edited since it was planned.
                        warnings = (!written.warnings.problems.is_empty())
                            .then(|| Arc::clone(&written.warnings));
                        Some(written.pages)
                    }),
                };
                // Caches only help the letters in flight; evicting keeps
                // memory flat however long the run.
                comemo::evict(2);
                match outcome {
                    Ok(None) => (Outcome::Unchanged, None),
                    Ok(Some(pages)) => (Outcome::Rendered, renderer.page_warning(pages)),
                    Err(err) => {
                        progress.forget(&plan.key);
                        (Outcome::Failed(err), None)
                    }
                }
            }
        };
        let result = LetterResult { finding: plan.finding, pdf, outcome, warning, warnings };
        on_done(&result);
        result
    };
    let letters = in_parallel(plans, options.jobs, letter)
        .map_err(|source| BatchError::Threads { source })?;

    // The letters that are gone from the input are dropped from the
    // manifest; those the run did not get to keep their entries.
    let mut manifest = progress.finish();
    let keys: std::collections::HashSet<String> = letters
        .iter()
        .map(|letter| {
            manifest::key(letter.pdf.strip_prefix(&options.output).unwrap_or(&letter.pdf))
        })
        .collect();
    manifest.retain(|key| keys.contains(key));
    if !letters.is_empty() {
        manifest.save(&options.output.join(MANIFEST_FILE))?;
    }
    owners.save()?;
    Ok(BatchReport { letters, elapsed: started.elapsed() })
}

/// The manifest as letters finish, saved every [`Progress::EVERY`] so that
/// a run stopped by a signal or killed loses at most the letters of the
/// last moment, never the whole run's work.
struct Progress {
    state: Mutex<(Manifest, Instant)>,
    path: PathBuf,
}

impl Progress {
    const EVERY: Duration = Duration::from_secs(1);

    fn new(start: Manifest, path: PathBuf) -> Self {
        Progress { state: Mutex::new((start, Instant::now())), path }
    }

    fn record(&self, key: &str, entry: Entry) {
        self.update(|manifest| manifest.insert(key.to_owned(), entry));
    }

    fn forget(&self, key: &str) {
        self.update(|manifest| manifest.remove(key));
    }

    fn update(&self, change: impl FnOnce(&mut Manifest)) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut state.0);
        if state.1.elapsed() >= Self::EVERY {
            // A manifest that cannot be written now is written at the end,
            // where its failure is reported.
            let _ = state.0.save(&self.path);
            state.1 = Instant::now();
        }
    }

    fn finish(self) -> Manifest {
        self.state.into_inner().unwrap_or_else(|e| e.into_inner()).0
    }
}

/// Whether the PDF at `pdf`, recorded as `entry`, is still what rendering
/// the letter (whose own inputs fingerprint to `base`) would give: the
/// files typst read then are the same now, and the PDF is the one written.
fn still_matches(renderer: &Renderer, base: u128, entry: &Entry, pdf: &Path) -> bool {
    let root = &renderer.project().root;
    let files = entry.files.iter().map(|file| {
        let path = root.join(file);
        let digest = renderer.files().digest_now(&path);
        (path, digest)
    });
    entry.inputs == manifest::hex(with_files(base, files))
        && crate::sandbox::read_file(pdf, crate::sandbox::Kind::OldPdf)
            .is_ok_and(|bytes| entry.pdf == manifest::hex(digest(&bytes)))
}

/// The manifest entry of a letter just written.
fn entry_of(renderer: &Renderer, shared: u128, written: &Written) -> Entry {
    let root = &renderer.project().root;
    let base =
        letter_fingerprint(shared, &written.inputs.text, written.inputs.translation.as_deref());
    let files = written.files_read.iter().map(|(path, digest)| (path.clone(), *digest));
    Entry {
        inputs: manifest::hex(with_files(base, files)),
        pdf: manifest::hex(digest(&written.bytes)),
        files: written
            .files_read
            .keys()
            .map(|path| manifest::key(path.strip_prefix(root).unwrap_or(path)))
            .collect(),
    }
}

/// A letter's own inputs: what all letters share, its finding file's text
/// and its translation's.
fn letter_fingerprint(shared: u128, text: &str, translation: Option<&str>) -> u128 {
    let mut hasher = SipHasher13::new();
    hasher.write_u128(shared);
    hasher.write_usize(text.len());
    hasher.write(text.as_bytes());
    if let Some(translation) = translation {
        hasher.write(translation.as_bytes());
    }
    hasher.finish128().as_u128()
}

/// `base` with the files typst read and their digests.
fn with_files(base: u128, files: impl Iterator<Item = (PathBuf, Option<u128>)>) -> u128 {
    let mut hasher = SipHasher13::new();
    hasher.write_u128(base);
    for (path, digest) in files {
        hasher.write(path.to_string_lossy().as_bytes());
        hasher.write_u128(digest.unwrap_or(0));
    }
    hasher.finish128().as_u128()
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
    let fallback = relative.with_extension(renderer.format().extension());
    let files = &renderer.project().files;
    let mut warnings = None;
    let named = guarded(|| {
        let text = crate::finding::read_text(files, &finding_path)
            .map_err(|problems| LetterError::Finding(Box::new(problems)))?;
        let (finding, found) = renderer.checked_finding(&shown, text.clone())?;
        warnings = (!found.problems.is_empty()).then(|| Arc::new(found));
        let translation = finding
            .translation_path(&finding_path)
            .and_then(|other| files.read_text(&other, Kind::Finding).ok());
        let fingerprint = letter_fingerprint(shared, &text, translation.as_deref());
        let name = renderer.destination(&finding_path, &finding, Place::Folder(folder))?.path;
        Ok((name, fingerprint))
    });
    let (key, fingerprint) = match named {
        Ok((name, fingerprint)) => (name, Ok(fingerprint)),
        Err(err) => (fallback, Err(err)),
    };
    Plan { key: manifest::key(&key), finding: finding_path, fingerprint, warnings }
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
    let mut files = vec![(project.root.join(CONFIG_FILE), Kind::Config)];
    // A project without its own templates or fonts uses the built-in ones,
    // which the version above stands for.
    for folder in SHARED_FOLDERS.map(|folder| project.root.join(folder)) {
        let walk = folder.is_dir().then(|| walkdir::WalkDir::new(&folder).sort_by_file_name());
        for entry in walk.into_iter().flatten() {
            let entry = entry
                .map_err(|err| BatchError::Folder { path: folder.clone(), source: err.into() })?;
            if entry.file_type().is_file() || entry.file_type().is_symlink() {
                let wording = entry.file_name().to_string_lossy().ends_with(".tera");
                files.push((entry.into_path(), if wording { Kind::Template } else { Kind::Asset }));
            }
        }
    }
    for (file, kind) in files {
        let bytes = project.files.read(&file, kind)?;
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    Ok(hasher.finish128().as_u128())
}
