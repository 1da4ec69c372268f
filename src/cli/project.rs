//! The commands that make files for the user to edit: `init`, `new` and
//! `templates --eject`. None of them ever replaces an existing file.

use std::path::Path;
use std::process::ExitCode;

use super::failure::{CreateError, Failure};
use crate::diagnostic::display_path;
use crate::output::OutputError;
use crate::project::builtin;
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
    eprintln!(
        "created a letterpress project in {}\nnext: edit letterpress.toml, then run `letterpress render letters/example.toml`",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Lists every wording template (built-in and the project's) with what it
/// is for, and the layout.
pub(super) fn templates(project: Option<&Path>) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let templates = Templates::load(&project.templates_dir(), project.config.markdown)
        .map_err(crate::render::SetupError::from)?;
    for info in templates.all() {
        let origin = match (info.own, builtin::template(&builtin::wording_path(&info.name))) {
            (true, Some(_)) => "project, overrides built-in",
            (true, None) => "project",
            (false, _) => "built-in",
        };
        println!("{}\t{origin}\t{}", info.name, info.about);
    }
    let own_layout = project.root.join(builtin::LAYOUT).is_file();
    let origin = if own_layout { "project, overrides built-in" } else { "built-in" };
    println!(
        "layout\t{origin}\tthe page: letterhead, address, date, sign-off, page numbers (typst)"
    );
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
    create_new(&target, file.contents)?;
    eprintln!("copied {name} to {}; edit it there", display_path(&target).display());
    Ok(ExitCode::SUCCESS)
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
            Ok(()) => println!("{name}\tok"),
            Err(error) => {
                failed += 1;
                println!("{name}\tfailed");
                let _ = error.emit(&mut err);
            }
        }
    }
    if failed > 0 {
        return Err(Failure::Refused(format!("{failed} template(s) failed the check")));
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn new_finding(path: &Path) -> Result<ExitCode, Failure> {
    create_new(path, builtin::SCAFFOLD)?;
    eprintln!("created {}; fill in the TODOs, then run: letterpress check {0}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file, creating its folder; never replaces an existing file,
/// even one that appears between a check and the write.
fn create_new(path: &Path, contents: &str) -> Result<(), CreateError> {
    let failed =
        |source| CreateError::Output(OutputError::Write { path: path.to_path_buf(), source });
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| {
            CreateError::Output(OutputError::Write { path: dir.to_path_buf(), source })
        })?;
    }
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    match file.and_then(|mut f| std::io::Write::write_all(&mut f, contents.as_bytes())) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(CreateError::Exists(path.to_path_buf()))
        }
        Err(source) => Err(failed(source)),
    }
}
