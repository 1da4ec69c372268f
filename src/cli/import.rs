//! `letterpress import`: what it prints while a tracker becomes finding
//! files.

use std::path::Path;
use std::process::ExitCode;

use super::failure::Failure;
use crate::commands::schema::Which;
use crate::diagnostic::display_path;
use crate::import::{Action, Severity};
use crate::render::Renderer;

/// `import`'s own arguments.
pub(super) struct ImportArgs<'a> {
    pub(super) output: Option<&'a Path>,
    pub(super) dry_run: bool,
    pub(super) force: bool,
}

pub(super) fn import(
    project: Option<&Path>,
    tracker: &Path,
    args: &ImportArgs<'_>,
) -> Result<ExitCode, Failure> {
    let renderer = Renderer::new(super::project_for(project, Path::new("."))?)?;
    let dir =
        args.output.map_or_else(|| renderer.project().root.join("letters"), Path::to_path_buf);
    let check = |path: &Path, text: String| renderer.check_text(path, text);
    let project = renderer.project();
    let schema_line = |path: &Path, template: Option<&str>| {
        let template = template.unwrap_or(&project.config.default_template);
        crate::project::schema_directive(&project.root, path, template)
    };
    let plan = crate::import::plan(tracker, &dir, &check, &schema_line, args.force)?;
    for line in plan.warnings.lines(Severity::Warning) {
        tell!("{line}");
    }
    let mut counts = [0; 3];
    for file in &plan.files {
        let (index, verb) = match (&file.action, args.dry_run) {
            (Action::Create, false) => (0, "wrote"),
            (Action::Create, true) => (0, "would write"),
            (Action::Replace, false) => (1, "replaced"),
            (Action::Replace, true) => (1, "would replace"),
            (Action::Unchanged, _) => (2, "unchanged"),
        };
        counts[index] += 1;
        tell!("{verb} {} (from {})", display_path(&file.path).display(), file.source);
    }
    if !args.dry_run {
        plan.write()?;
        let templates = renderer.templates();
        crate::commands::schema::write(&project.root, templates, Which::Missing)?;
    }
    let [new, replaced, unchanged] = counts;
    let shown = display_path(&dir);
    tell!(
        "{} {} letter{} from {}: {new} new, {replaced} replaced, {unchanged} unchanged{}",
        if args.dry_run { "would import" } else { "imported" },
        plan.files.len(),
        if plan.files.len() == 1 { "" } else { "s" },
        display_path(tracker).display(),
        if args.dry_run { " (dry run: nothing written)" } else { "" },
    );
    if !args.dry_run && new + replaced > 0 {
        tell!("next: review them, then run: letterpress check {}", shown.display());
    }
    Ok(ExitCode::SUCCESS)
}
