//! Watch mode: re-render a letter whenever one of its inputs changes.
//!
//! The finding file, the project's templates, `letterpress.toml` and the
//! project's fonts are watched (their folders, so editors that save by
//! renaming a new file into place are seen too). A burst of events from one
//! save is folded into one render: the render starts as soon as an event
//! says the save is complete (the file closed after writing, or renamed into
//! place), or after a short quiet spell when none does (a backup being made,
//! or a platform that does not report closing). A change to the finding
//! re-renders with the same [`Renderer`]; a change to templates, config or
//! fonts rebuilds it first (as zola tells content from template changes).
//! The process stays alive between renders, so typst's caches make a
//! re-render after a small edit several times faster than the first.
//!
//! A bilingual letter's translation is watched too, wherever it is kept,
//! and followed when the letter names another; in folder mode, so is every
//! letter's. So is every other project file typst read for the letter (a
//! signature image, an image the layout uses), as typst-cli watches a
//! document's dependencies.
//!
//! The watched letter may also be a folder of finding files (the preview's
//! folder mode): a change to any of them counts as a change to the letter,
//! and a [`Waker`] lets the caller ask for a render without a change, when
//! the letter it wants shown is a different one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

use crate::project::{CONFIG_FILE, Project, ProjectError, SHARED_FOLDERS, WORDS_FILE};
use crate::render::Renderer;
use crate::sandbox::{Kind, Sandbox};

/// How long to wait for the rest of an editor's save burst, unless an event
/// says the save is complete (see [`relevant`]).
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What a watched input change means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// The finding file: render again.
    Finding,
    /// Templates, config or fonts: rebuild the renderer, then render.
    Project,
}

/// What reaches the watch loop: a file system event, or a caller's wake-up.
enum Signal {
    Fs(notify::Result<notify::Event>),
    Wake,
}

/// Asks a running [`Watch`] to render again though no input changed.
#[derive(Clone)]
pub struct Waker(mpsc::Sender<Signal>);

impl Waker {
    /// Requests one more render; several requests before it starts make one.
    pub fn wake(&self) {
        // The loop has stopped only when watching failed, which it reports.
        let _ = self.0.send(Signal::Wake);
    }
}

/// A watch loop not yet running: [`Watch::waker`] can be handed out first.
pub struct Watch {
    sender: mpsc::Sender<Signal>,
    signals: mpsc::Receiver<Signal>,
}

impl Default for Watch {
    fn default() -> Self {
        let (sender, signals) = mpsc::channel();
        Self { sender, signals }
    }
}

/// What the watcher asks its handler to do.
pub enum Update<'a> {
    /// Render the letter (first time, or after a change seen at `seen`).
    Render {
        /// The project's renderer, current with its templates and config.
        renderer: &'a Renderer,
        /// When the change was seen, to report the latency.
        seen: Instant,
    },
    /// The project (templates, config, fonts) could not be loaded; nothing
    /// can be rendered until it is fixed.
    Broken(&'a str),
}

/// Why watching could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The file system watcher failed.
    #[error("cannot watch files: {0}")]
    Notify(#[from] notify::Error),
    /// The project could not be found.
    #[error("{0}")]
    Project(#[from] ProjectError),
    /// The file system watcher's thread ended.
    #[error("the file watcher stopped")]
    Stopped,
}

impl Watch {
    /// A handle that makes the running loop render again.
    pub fn waker(&self) -> Waker {
        Waker(self.sender.clone())
    }

    /// Calls `on_update` to render now and after every change to the
    /// letter's inputs, until the watcher fails. `letter` is a finding file,
    /// or a folder whose finding files (`*.toml`, at any depth) all count.
    /// `project` finds the project again when its files change.
    pub fn run(
        self,
        project: impl Fn() -> Result<Project, ProjectError>,
        letter: &Path,
        on_update: &mut dyn FnMut(Update<'_>),
    ) -> Result<(), WatchError> {
        let root = project()?.root;
        let letter = std::fs::canonicalize(letter).unwrap_or_else(|_| letter.to_path_buf());
        let folder = letter.is_dir();
        let fs_sender = self.sender.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let _ = fs_sender.send(Signal::Fs(event));
            })?;
        if folder {
            watcher.watch(&letter, RecursiveMode::Recursive)?;
        } else {
            watcher
                .watch(letter.parent().unwrap_or(Path::new(".")), RecursiveMode::NonRecursive)?;
        }
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let mut project_dirs = Vec::new();
        for dir in SHARED_FOLDERS.map(|dir| root.join(dir)) {
            if dir.is_dir() {
                watcher.watch(&dir, RecursiveMode::Recursive)?;
                project_dirs.push(dir);
            }
        }
        // A bilingual letter's other version, or a file the layout reads
        // (a signature image), may live in another folder.
        let mut outside = OutsideInputs::default();
        let change_of = |path: &Path, outside: &OutsideInputs| -> Option<Change> {
            // The word list changes the warnings, not the letter: the
            // renderer holding it is made again, as for letterpress.toml.
            if path == root.join(CONFIG_FILE)
                || path == root.join(WORDS_FILE)
                || SHARED_FOLDERS.iter().any(|dir| path.starts_with(root.join(dir)))
            {
                Some(Change::Project)
            } else if path == letter
                || (path.extension().is_some_and(|ext| ext == "toml")
                    && if folder {
                        path.starts_with(&letter)
                    } else {
                        // Another finding file beside the letter may be its
                        // translation (a bilingual letter holds both).
                        path.parent() == letter.parent()
                    })
                || outside.files.contains(path)
            {
                Some(Change::Finding)
            } else {
                None
            }
        };

        let mut renderer = load(&project, on_update);
        let mut seen = Instant::now();
        let covered = |dir: &Path| {
            dir == root
                || project_dirs.iter().any(|watched| dir.starts_with(watched))
                || if folder { dir.starts_with(&letter) } else { Some(dir) == letter.parent() }
        };
        loop {
            if let Some(renderer) = &renderer {
                on_update(Update::Render { renderer, seen });
            }
            // A folder that cannot be listed has nothing to follow; the
            // preview lists it itself and says why.
            let letters = if folder {
                crate::project::find_findings(&letter).unwrap_or_default()
            } else {
                vec![letter.clone()]
            };
            // A project that cannot be loaded has nothing rendered to follow;
            // its letterpress.toml is watched anyway.
            if let Some(renderer) = &renderer {
                let (files, read) = (&renderer.project().files, renderer.files().take_read());
                outside.follow(files, letters, read, covered, &mut watcher);
            }
            // Wait for a change to an input, then for the rest of its burst
            // unless the save is known to be complete.
            let classify = |path: &Path| change_of(path, &outside);
            let mut seen_change = Seen::default();
            while seen_change.change.is_none() {
                seen_change = relevant(self.signals.recv(), &classify)?;
            }
            seen = Instant::now();
            let mut change = seen_change.change;
            while !seen_change.complete {
                let Ok(signal) = self.signals.recv_timeout(DEBOUNCE) else { break };
                seen_change = relevant(Ok(signal), &classify)?;
                change = change.max(seen_change.change);
            }
            // What has already arrived belongs to the same save (a rename
            // comes as several events, a chmod may follow the write).
            while let Ok(signal) = self.signals.try_recv() {
                change = change.max(relevant(Ok(signal), &classify)?.change);
            }
            if change == Some(Change::Project) || renderer.is_none() {
                renderer = load(&project, on_update);
            }
            comemo::evict(10);
        }
    }
}

/// Inputs of the letter that may be kept outside the folders watched anyway:
/// the other versions of the watched bilingual letters, and the project files
/// typst read for them (signature images, images the layout uses). Each is
/// watched wherever it is kept.
#[derive(Default)]
struct OutsideInputs {
    /// The files now.
    files: BTreeSet<PathBuf>,
    /// The folders watched for them that no other watch covers.
    folders: BTreeSet<PathBuf>,
}

impl OutsideInputs {
    /// Follows the translations `letters` name now and the files typst
    /// `read` for them, moving the extra watches to where they are. No extra watch is
    /// added on a folder `covered` says is watched already (unwatching it
    /// later would stop that watch too). A folder that cannot be watched is
    /// left out: the render reports a missing file itself.
    fn follow(
        &mut self,
        files: &Sandbox,
        letters: impl IntoIterator<Item = PathBuf>,
        read: impl IntoIterator<Item = PathBuf>,
        covered: impl Fn(&Path) -> bool,
        watcher: &mut impl notify::Watcher,
    ) {
        let translations = letters.into_iter().filter_map(|letter| {
            let text = files.read_text(&letter, Kind::Finding).ok()?;
            crate::finding::translation_named(&letter, &text)
        });
        self.files = translations
            .chain(read)
            .map(|path| std::fs::canonicalize(&path).unwrap_or(path))
            .collect();
        let wanted: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|file| file.parent())
            .filter(|folder| !covered(folder))
            .map(Path::to_path_buf)
            .collect();
        for old in self.folders.difference(&wanted) {
            let _ = watcher.unwatch(old);
        }
        self.folders = wanted
            .into_iter()
            .filter(|new| {
                self.folders.contains(new)
                    || watcher.watch(new, RecursiveMode::NonRecursive).is_ok()
            })
            .collect();
    }
}

/// What one signal means for the letter.
#[derive(Debug, Default, PartialEq, Eq)]
struct Seen {
    /// The change, if the signal concerns an input.
    change: Option<Change>,
    /// Whether an input is now whole, so the rest of the burst need not be
    /// waited for: it was closed after writing (Linux reports that), or
    /// renamed into place, as editors that save atomically do; or the
    /// signal is a wake-up. An empty file is not whole: a program that
    /// empties a file and then writes it again closes it in between.
    complete: bool,
}

/// What a signal means for the letter. An input still being written, or
/// renamed away (an editor keeping a backup), is a change but not
/// complete: its new version may not be there yet.
fn relevant(
    signal: Result<Signal, mpsc::RecvError>,
    classify: &impl Fn(&Path) -> Option<Change>,
) -> Result<Seen, WatchError> {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    let event = match signal {
        Ok(Signal::Fs(event)) => event?,
        // Render again as after an edit: the renderer is still current.
        Ok(Signal::Wake) => return Ok(Seen { change: Some(Change::Finding), complete: true }),
        Err(_) => return Err(WatchError::Stopped),
    };
    let whole = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => event.paths.first(),
        // From the old path to the new one: only the new one is whole.
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => event.paths.last(),
        // Opening or reading a file (as rendering does) changes nothing.
        EventKind::Access(_) => return Ok(Seen::default()),
        _ => None,
    };
    let emptied = |path: &Path| std::fs::metadata(path).is_ok_and(|m| m.len() == 0);
    Ok(Seen {
        change: event.paths.iter().filter_map(|path| classify(path)).max(),
        complete: whole.is_some_and(|path| classify(path).is_some() && !emptied(path)),
    })
}

fn load(
    project: &impl Fn() -> Result<Project, ProjectError>,
    on_update: &mut dyn FnMut(Update<'_>),
) -> Option<Renderer> {
    // Rendering the same letters again and again: an unchanged one is not
    // parsed and worded again.
    let loaded = project()
        .map_err(|e| e.to_string())
        .and_then(|p| Renderer::new(p).map(Renderer::remembering).map_err(|e| e.to_string()));
    match loaded {
        Ok(renderer) => Some(renderer),
        Err(message) => {
            on_update(Update::Broken(&message));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RenameMode};

    /// What `kind` on `paths` means when only `letter.toml` is an input.
    fn seen(kind: EventKind, paths: &[&str]) -> Seen {
        let event = paths.iter().fold(notify::Event::new(kind), |e, p| e.add_path(p.into()));
        let classify = |path: &Path| (path == Path::new("letter.toml")).then_some(Change::Finding);
        relevant(Ok(Signal::Fs(Ok(event))), &classify).unwrap()
    }

    #[test]
    fn the_renderer_watching_keeps_unchanged_letters() {
        let root = crate::test_fixtures::root();
        let project = || Project::discover(&root);
        let renderer = load(&project, &mut |_| {}).expect("the fixture project loads");
        let demo = crate::test_fixtures::demo();
        let (first, again) = (renderer.prepare(&demo).unwrap(), renderer.prepare(&demo).unwrap());
        assert!(std::sync::Arc::ptr_eq(&first.source, &again.source), "worded again");
    }

    #[test]
    fn a_save_is_complete_once_the_letter_is_closed_or_renamed_into_place() {
        let changed = |complete| Seen { change: Some(Change::Finding), complete };
        let name = |mode| EventKind::Modify(ModifyKind::Name(mode));
        // Written in place: complete when closed after writing.
        assert_eq!(
            seen(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &["letter.toml"]),
            changed(false)
        );
        assert_eq!(
            seen(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["letter.toml"]),
            changed(true)
        );
        // Saved atomically: written elsewhere, then renamed into place.
        assert_eq!(seen(name(RenameMode::To), &["letter.toml"]), changed(true));
        assert_eq!(
            seen(name(RenameMode::Both), &[".letter.toml.tmp", "letter.toml"]),
            changed(true)
        );
        // Renamed away to keep a backup, then created again: not there yet.
        assert_eq!(seen(name(RenameMode::From), &["letter.toml"]), changed(false));
        assert_eq!(seen(name(RenameMode::Both), &["letter.toml", "letter.toml~"]), changed(false));
        assert_eq!(seen(EventKind::Create(CreateKind::File), &["letter.toml"]), changed(false));
        // Reading the letter, or writing another file, is no change.
        assert_eq!(
            seen(EventKind::Access(AccessKind::Open(AccessMode::Any)), &["letter.toml"]),
            Seen::default()
        );
        assert_eq!(
            seen(EventKind::Access(AccessKind::Close(AccessMode::Write)), &["out.pdf"]),
            Seen::default()
        );
        // Emptied, to be written again: not whole yet.
        let dir = tempfile::tempdir().unwrap();
        let emptied = dir.path().join("letter.toml");
        std::fs::write(&emptied, "").unwrap();
        let classify = |path: &Path| (path == emptied).then_some(Change::Finding);
        let closed = notify::Event::new(EventKind::Access(AccessKind::Close(AccessMode::Write)))
            .add_path(emptied.clone());
        assert_eq!(relevant(Ok(Signal::Fs(Ok(closed))), &classify).unwrap(), changed(false));
        // A caller's wake-up renders at once.
        let wake = relevant(Ok(Signal::Wake), &|_: &Path| None).unwrap();
        assert_eq!(wake, changed(true));
    }
}
