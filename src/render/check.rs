//! `check`: every problem of a letter, without writing anything.

use std::path::Path;

use super::{LetterError, PreparedLetter, Renderer};
use crate::diagnostic::{FileProblems, Problem, Severity, display_path};
use crate::wording::TemplateError;

impl Renderer {
    /// Every problem of a finding file without rendering it: the file's own
    /// errors and warnings, then whether its wording template exists and
    /// renders, and whether its translation agrees with it.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        let shown = display_path(finding_path);
        let text = match crate::finding::read_text(&shown) {
            Ok(text) => text,
            Err(problems) => return problems,
        };
        let prose = |text: &str| crate::wording::markdown::remarks(text);
        let kind_of = |name: Option<&str>| self.kind_of(name);
        let (finding, mut problems) = crate::finding::check(&shown, text, &prose, &kind_of);
        let Some(finding) = finding else { return problems };
        // Where a top-level key is written, for problems that belong to it.
        let key_span = |text: &str, key: &str| {
            text.find(&format!("\n{key}")).map(|at| at + 1..at + 1 + key.len())
        };
        let problem = match self.worded(&shown, &finding, &crate::wording::locale::now_utc()) {
            Ok(_) => return problems,
            Err(LetterError::Finding(other)) if other.path == shown => {
                problems.problems.extend(other.problems);
                return problems;
            }
            Err(LetterError::Finding(other)) => {
                let count = other.problems.iter().filter(|p| p.severity == Severity::Error).count();
                Problem::error(
                    Some("translation".to_owned()),
                    format!("the translation {} has {count} error(s)", other.path.display()),
                    key_span(&problems.text, "translation"),
                )
                .with_hint(format!("check it with `letterpress check {}`", other.path.display()))
            }
            Err(err) => {
                let field = match &err {
                    LetterError::Template(
                        TemplateError::Unknown { .. } | TemplateError::NoTranslation { .. },
                    ) => Some("template".to_owned()),
                    _ => None,
                };
                let span = field.as_ref().and_then(|_| key_span(&problems.text, "template"));
                Problem::error(field, err.to_string(), span)
            }
        };
        problems.problems.push(problem);
        problems
    }

    /// Words and lays out the built-in example letter with every wording
    /// template of the project (each language version in its language), so
    /// a broken placeholder or a field a template does not have is found
    /// before any letter uses it. Each template's name, with its error.
    pub fn check_templates(&self) -> Vec<(String, Result<(), LetterError>)> {
        let example = Path::new("letters/example.toml");
        let text = crate::project::builtin::EXAMPLE_LETTER.to_owned();
        let infos: Vec<_> = self.templates.all().cloned().collect();
        infos
            .into_iter()
            .map(|info| {
                let result = (|| {
                    let mut finding =
                        crate::finding::parse(example, text.clone()).map_err(Box::new)?;
                    let (base, code) = info.name.split_once('.').unwrap_or((&info.name, "en"));
                    finding.language = crate::model::Language::from_code(code).unwrap_or_default();
                    finding.template = Some(base.to_owned());
                    let source = self.version_source(&finding, true, "2000-01-01 00:00")?;
                    let letter = PreparedLetter {
                        path: example.to_path_buf(),
                        finding: std::sync::Arc::new(finding),
                        source: source.into(),
                    };
                    self.lay_out(&letter).map(drop)
                })();
                (info.name, result)
            })
            .collect()
    }
}
