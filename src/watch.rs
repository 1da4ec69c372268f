//! Watch mode: re-render a letter whenever one of its inputs changes.
//!
//! The finding file, the project's templates, `letterpress.toml` and the
//! project's fonts are watched (their folders, so editors that save by
//! renaming a new file into place are seen too). A burst of events from one
//! save is folded into one render. A change to the finding re-renders with
//! the same [`Renderer`]; a change to templates, config or fonts rebuilds it
//! first (as zola tells content from template changes). The process stays
//! alive between renders, so typst's caches make a re-render after a small
//! edit several times faster than the first.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::project::{CONFIG_FILE, Project};
use crate::render::{Renderer, SetupError};

/// How long to wait for the rest of an editor's save burst.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What a watched input change means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// The finding file: render again.
    Finding,
    /// Templates, config or fonts: rebuild the renderer, then render.
    Project,
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
    Project(String),
}

/// Calls `on_update` to render `finding` now and after every change to its
/// inputs, until the watcher fails. `project` finds the project again when
/// its files change.
pub fn watch(
    project: impl Fn() -> Result<Project, String>,
    finding: &Path,
    on_update: &mut dyn FnMut(Update<'_>),
) -> Result<(), WatchError> {
    let root = project().map_err(WatchError::Project)?.root;
    let finding = std::fs::canonicalize(finding).unwrap_or_else(|_| finding.to_path_buf());
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender)?;
    let finding_dir = finding.parent().unwrap_or(Path::new(".")).to_path_buf();
    watcher.watch(&finding_dir, RecursiveMode::NonRecursive)?;
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in ["templates", "fonts"] {
        if root.join(dir).is_dir() {
            watcher.watch(&root.join(dir), RecursiveMode::Recursive)?;
        }
    }
    let classify = |path: &Path| -> Option<Change> {
        if path == finding {
            Some(Change::Finding)
        } else if path == root.join(CONFIG_FILE)
            || path.starts_with(root.join("templates"))
            || path.starts_with(root.join("fonts"))
        {
            Some(Change::Project)
        } else {
            None
        }
    };

    let mut renderer = load(&project, on_update);
    let mut seen = Instant::now();
    loop {
        if let Some(renderer) = &renderer {
            on_update(Update::Render { renderer, seen });
        }
        // Wait for a change to an input, then for the rest of its burst.
        let mut change = None;
        while change.is_none() {
            change = relevant(events.recv(), &classify)?;
        }
        seen = Instant::now();
        while let Ok(event) = events.recv_timeout(DEBOUNCE) {
            change = change.max(relevant(Ok(event), &classify)?);
        }
        if change == Some(Change::Project) || renderer.is_none() {
            renderer = load(&project, on_update);
        }
        comemo::evict(10);
    }
}

/// The change an event means for the letter, if any.
fn relevant(
    event: Result<notify::Result<notify::Event>, mpsc::RecvError>,
    classify: &impl Fn(&Path) -> Option<Change>,
) -> Result<Option<Change>, WatchError> {
    let event = match event {
        Ok(event) => event?,
        Err(_) => return Err(WatchError::Project("the file watcher stopped".into())),
    };
    if event.kind.is_access() {
        return Ok(None);
    }
    Ok(event.paths.iter().filter_map(|path| classify(path)).max())
}

fn load(
    project: &impl Fn() -> Result<Project, String>,
    on_update: &mut dyn FnMut(Update<'_>),
) -> Option<Renderer> {
    let loaded = project().and_then(|p| Renderer::new(p).map_err(|e: SetupError| e.to_string()));
    match loaded {
        Ok(renderer) => Some(renderer),
        Err(message) => {
            on_update(Update::Broken(&message));
            None
        }
    }
}
