//! The commands that make files for the user to edit: `init`, `new` and
//! `templates --eject`. None of them ever replaces an existing file.

use std::path::Path;
use std::process::ExitCode;

use super::failure::{CreateError, Failure};
use crate::diagnostic::display_path;
use crate::output::OutputError;
use crate::project::builtin;

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

pub(super) fn templates(project: Option<&Path>, eject: Option<&str>) -> Result<ExitCode, Failure> {
    let project = super::project_for(project, Path::new("."))?;
    let Some(name) = eject else {
        for file in builtin::TEMPLATES {
            let own = project.root.join(file.path).is_file();
            println!(
                "{}\t{}",
                file.path,
                if own { "project (overrides built-in)" } else { "built-in" }
            );
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Some(file) = builtin::template(&format!("templates/{name}")) else {
        let names: Vec<&str> =
            builtin::TEMPLATES.iter().filter_map(|f| f.path.strip_prefix("templates/")).collect();
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

pub(super) fn new_finding(path: &Path) -> Result<ExitCode, Failure> {
    create_new(path, builtin::SCAFFOLD)?;
    eprintln!("created {}; fill in the TODOs, then run: letterpress check {0}", path.display());
    Ok(ExitCode::SUCCESS)
}

pub(super) fn new_tracker(path: &Path) -> Result<ExitCode, Failure> {
    create_new(path, crate::import::empty_tracker()?)?;
    eprintln!(
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
