//! The commands that make files for the user to edit: `init`, `new` and
//! `templates --eject`. None of them ever replaces an existing file.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use super::failure::{CreateError, Failure};
use crate::commands::schema::Which;
use crate::diagnostic::display_path;
use crate::model::Language;
use crate::output::OutputError;
use crate::project::builtin::{self, ScaffoldOptions};
use crate::project::{Project, schema_directive};
use crate::render::Renderer;
use crate::wording::Templates;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

pub(super) fn init(dir: &Path) -> Result<ExitCode, Failure> {
    let existing: Vec<String> = builtin::PROJECT_SKELETON
        .iter()
        .map(|file| dir.join(file.path))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Failure::Refused(format!(
            "not overwriting existing files: {}",
            existing.join(", ")
        )));
    }
    for file in builtin::PROJECT_SKELETON {
        create_new(&dir.join(file.path), file.contents)?;
    }
    write_schemas(&Project::at(dir)?, Which::Missing)?;
    tell!(
        "created a letterpress project in {}\nnext: edit letterpress.toml, then run `letterpress render letters/example.toml`",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `letterpress schema`: every template's schema, saying which changed.
pub(super) fn schema(project: Option<&Path>) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let written = write_schemas(&project, Which::All)?;
    if written.is_empty() {
        tell!("the schemas in {}/ are up to date", crate::project::SCHEMAS);
    }
    for path in written {
        tell!("wrote {}", display_path(&path).display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the project's schemas (`which` of them); the files written.
fn write_schemas(project: &Project, which: Which) -> Result<Vec<PathBuf>, Failure> {
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown)
            .map_err(crate::render::SetupError::from)?;
    Ok(crate::commands::schema::write(&project.root, &templates, which)?)
}

/// Lists every wording template (built-in and the project's) with what it
/// is for, and the layout.
pub(super) fn templates(project: Option<&Path>) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let templates =
        Templates::load(&project.files, &project.templates_dir(), project.config.markdown)
            .map_err(crate::render::SetupError::from)?;
    for info in templates.all() {
        let origin = match (info.own, builtin::template(&builtin::wording_path(&info.name))) {
            (true, Some(_)) => "project, overrides built-in",
            (true, None) => "project",
            (false, _) => "built-in",
        };
        show!("{}\t{origin}\t{}", info.name, info.about);
    }
    let own_layout = project.root.join(builtin::LAYOUT).is_file();
    let origin = if own_layout { "project, overrides built-in" } else { "built-in" };
    show!("layout\t{origin}\tthe page: letterhead, address, date, sign-off, page numbers (typst)");
    Ok(ExitCode::SUCCESS)
}

/// Copies a built-in template into the project, named as finding files
/// name it (`monitoring`) or by its file name (`monitoring.md.tera`).
pub(super) fn eject(project: Option<&Path>, name: &str) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let path = match name {
        "layout" | "layout.typ" => builtin::LAYOUT.to_owned(),
        name if name.ends_with(crate::wording::TEMPLATE_SUFFIX) => format!("templates/{name}"),
        name => builtin::wording_path(name),
    };
    let Some(file) = builtin::template(&path) else {
        let mut names: Vec<&str> = builtin::TEMPLATES
            .iter()
            .filter_map(|f| {
                f.path.strip_prefix("templates/")?.strip_suffix(crate::wording::TEMPLATE_SUFFIX)
            })
            .collect();
        names.push("layout");
        return Err(Failure::Refused(format!(
            "no built-in template `{name}`; built-in: {}",
            names.join(", ")
        )));
    };
    let target = project.root.join(file.path);
    refuse_a_folder_leading_out(&project.root, &target)?;
    create_new(&target, file.contents)?;
    tell!("copied {name} to {}; edit it there", display_path(&target).display());
    Ok(ExitCode::SUCCESS)
}

/// Refuses to write `target` when its folder is (or goes through) a link
/// leading outside the project: letterpress reads nothing through such a
/// link, so it must not write through one either.
fn refuse_a_folder_leading_out(root: &Path, target: &Path) -> Result<(), Failure> {
    let Some(folder) = target.parent() else { return Ok(()) };
    // The nearest part of the folder that exists is what a write would go through.
    let existing = folder.ancestors().find(|dir| dir.exists()).unwrap_or(root);
    match std::fs::canonicalize(existing) {
        Ok(real) if real.starts_with(root) => Ok(()),
        _ => Err(Failure::Refused(format!(
            "{} leads outside the project {} (it is a link); letterpress writes only inside the project: \
             make it a real folder",
            display_path(existing).display(),
            root.display()
        ))),
    }
}

/// Words and lays out an example letter with every template of the
/// project; exit code 1 if any fails.
pub(super) fn check_templates(project: Option<&Path>) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let renderer = Renderer::new(project)?;
    let mut failed = 0;
    let mut err = StandardStream::stderr(ColorChoice::Auto);
    for (name, result) in renderer.check_templates() {
        match result {
            Ok(()) => show!("{name}\tok"),
            Err(error) => {
                failed += 1;
                show!("{name}\tfailed");
                let _ = error.emit(&mut err);
            }
        }
    }
    if failed > 0 {
        return Err(Failure::Refused(format!("{failed} template(s) failed the check")));
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds `words` to the word list of the project of the first of `paths`
/// (or the one named), saying which were new.
pub(super) fn add_words(
    project: Option<&Path>,
    paths: &[std::path::PathBuf],
    words: &[String],
) -> Result<(), Failure> {
    if words.is_empty() {
        return Ok(());
    }
    let start = match paths.first() {
        Some(path) if path.is_dir() => path.as_path(),
        Some(path) => path.parent().unwrap_or(Path::new(".")),
        None => Path::new("."),
    };
    let project = super::project_for(project, start)?;
    let added = crate::project::words::add(&project.files, words)?;
    let list = display_path(&project.root.join(crate::project::WORDS_FILE));
    if added.is_empty() {
        tell!("{} already holds {}", list.display(), words.join(", "));
    } else {
        tell!("added {} to {}", added.join(", "), list.display());
    }
    Ok(())
}

/// What `new` was asked for beyond the path.
pub(super) struct NewArgs<'a> {
    /// How many `[[area]]` tables.
    pub(super) areas: usize,
    /// The wording template to name.
    pub(super) template: Option<&'a str>,
    /// The letter's language.
    pub(super) language: Language,
}

pub(super) fn new_finding(
    project: Option<&Path>,
    path: &Path,
    args: &NewArgs<'_>,
) -> Result<ExitCode, Failure> {
    // `letters/north` would be a file batch and check never look at.
    let path = if path.extension().is_some_and(|e| e == "toml") {
        path.to_path_buf()
    } else {
        let mut name = path.as_os_str().to_owned();
        name.push(".toml");
        PathBuf::from(name)
    };
    // The folder may not exist yet: the project is the one holding the
    // nearest folder that does.
    let parent = path
        .ancestors()
        .skip(1)
        .find(|a| a.as_os_str().is_empty() || a.is_dir())
        .unwrap_or(Path::new(""));
    let existing = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    // The project one is working in; outside any, the one the path is in.
    let project = super::project_for(project, Path::new("."))
        .or_else(|_| super::project_for(project, existing))?;
    let outside = || {
        Failure::Refused(format!(
            "{} is outside the project {}; create finding files inside it, in letters/",
            path.display(),
            project.root.display()
        ))
    };
    let rest = path.strip_prefix(parent).map_err(|_| outside())?;
    let inside = std::fs::canonicalize(existing).is_ok_and(|dir| dir.starts_with(&project.root))
        && rest.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(outside());
    }
    if let Some(name) = args.template {
        known_template(&project.root, name, args.language)?;
    }
    let now = crate::wording::locale::now_utc();
    let today = crate::wording::locale::parse_iso_date(&now[..10])
        .ok_or_else(|| Failure::Refused(format!("the clock gives no date: {now}")))?;
    let options = ScaffoldOptions {
        today,
        areas: args.areas,
        template: args.template,
        language: args.language,
    };
    let template = args.template.unwrap_or(&project.config.default_template);
    let directive = schema_directive(&project.root, &path, template);
    create_new(&path, format!("{directive}{}", builtin::scaffold(&options)))?;
    write_schemas(&project, Which::Missing)?;
    tell!("created {}; fill in the TODOs, then run: letterpress check {0}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Refuses a template the project does not have in the letter's language.
fn known_template(root: &Path, name: &str, language: Language) -> Result<(), Failure> {
    let file = |name: &str, language: Language| match language {
        Language::English => format!("templates/{name}.md.tera"),
        other => format!("templates/{name}.{}.md.tera", other.code()),
    };
    let exists = |path: &str| builtin::template(path).is_some() || root.join(path).is_file();
    if exists(&file(name, language)) {
        return Ok(());
    }
    let mut names: Vec<String> = builtin::TEMPLATES
        .iter()
        .map(|f| f.path.to_owned())
        .chain(
            std::fs::read_dir(root.join("templates"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| format!("templates/{}", e.file_name().to_string_lossy())),
        )
        .filter_map(|p| Some(p.strip_prefix("templates/")?.strip_suffix(".md.tera")?.to_owned()))
        .filter(|n| !n.contains('.') && exists(&file(n, language)))
        .collect();
    names.sort();
    names.dedup();
    Err(Failure::Refused(format!(
        "no template `{name}` in {}; available: {}",
        language.name(),
        names.join(", ")
    )))
}

pub(super) fn new_tracker(path: &Path) -> Result<ExitCode, Failure> {
    create_new(path, crate::import::empty_tracker()?)?;
    tell!(
        "created {}; fill in its TODO cells (or replace the example), then run: letterpress import {0}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file, creating its folder; never replaces an existing file,
/// even one that appears between a check and the write.
fn create_new(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), CreateError> {
    let failed =
        |source| CreateError::Output(OutputError::Write { path: path.to_path_buf(), source });
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| {
            CreateError::Output(OutputError::Write { path: dir.to_path_buf(), source })
        })?;
    }
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    match file.and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_ref())) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(CreateError::Exists(path.to_path_buf()))
        }
        Err(source) => Err(failed(source)),
    }
}
