//! `check`: every problem of a letter, found by doing all that rendering it
//! would do (read, validate, word, typeset, export to the letter's PDF
//! standards, name its PDF) in memory, and writing nothing. What `render`
//! would refuse, `check` reports, with the same message and place.

use std::path::Path;

use super::{Inputs, LetterError, PreparedLetter, Renderer};
use crate::diagnostic::{FileProblems, Problem, display_path};
use crate::output::Place;
use crate::wording::TemplateError;

impl Renderer {
    /// Every problem of the finding file at `finding_path`: its own errors
    /// and warnings, then whatever would stop its render.
    pub fn check(&self, finding_path: &Path) -> FileProblems {
        match crate::finding::read_text(&self.project.files, finding_path) {
            Ok(text) => self.check_text(finding_path, text),
            Err(problems) => problems,
        }
    }

    /// [`Renderer::check`] for finding-file text not (yet) in a file:
    /// `finding_path` is where it is, or will be, written.
    pub fn check_text(&self, finding_path: &Path, text: String) -> FileProblems {
        let shown = display_path(finding_path);
        // The English checks run beside the typesetting (`beside_english`).
        let found = self.find(&shown, text.clone(), false);
        if found.0.is_none() || found.1.has_errors() {
            // Nothing to typeset: every problem at once, English included.
            return self.find(&shown, text, true).1;
        }
        let mut problems = found.1.clone();
        let rendered =
            self.prepare_found(finding_path, text, Some(found), false).and_then(|mut letter| {
                self.destination(finding_path, &letter.finding, Place::Given(None))?;
                let pages = self.beside_english(&mut letter, |letter| {
                    let document = self.lay_out(letter)?;
                    document.pdf()?;
                    Ok(document.page_count())
                });
                Ok((pages, letter.warnings))
            });
        let outcome = match rendered {
            Ok((pages, warnings)) => {
                problems.problems.clone_from(&warnings.problems);
                pages
            }
            Err(err) => Err(err),
        };
        match outcome {
            Ok(pages) => {
                if let Some(warning) = self.page_warning(pages) {
                    problems.problems.push(Problem::warning(None, warning, None));
                }
            }
            // The file's own problems (placeholders in a final letter, a
            // typesetting error traced back to a field): its warnings are
            // already listed.
            Err(LetterError::Finding(other)) => {
                let new = other.problems.into_iter().filter(|p| !problems.problems.contains(p));
                let new: Vec<Problem> = new.collect();
                problems.problems.extend(new);
            }
            Err(err) => problems.problems.push(problem_of(&problems.text, err)),
        }
        // Letters are checked one after another and share little: without
        // this, typst's caches held 900 MB after 200 letters.
        comemo::evict(2);
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
                        inputs: Inputs { text: text.as_str().into(), translation: None },
                        warnings: std::sync::Arc::new(FileProblems {
                            path: example.to_path_buf(),
                            text: String::new(),
                            problems: Vec::new(),
                        }),
                        english_apart: false,
                    };
                    self.lay_out(&letter).map(drop)
                })();
                (info.name, result)
            })
            .collect()
    }
}

/// An error that is not the finding file's own, as a problem of it.
fn problem_of(text: &str, err: LetterError) -> Problem {
    // Where a top-level key is written, for problems that belong to it.
    let key_span = |key: &str| text.find(&format!("\n{key}")).map(|at| at + 1..at + 1 + key.len());
    let field = match &err {
        LetterError::Template(
            TemplateError::Unknown { .. } | TemplateError::NoTranslation { .. },
        ) => Some("template".to_owned()),
        _ => None,
    };
    let span = field.as_ref().and_then(|_| key_span("template"));
    match err {
        LetterError::Typst(typst) => Problem::error(None, first_line(&typst.message), None)
            .with_hint(format!("typst reported:\n{}", typst.report)),
        other => Problem::error(field, other.to_string(), span),
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

impl Renderer {
    /// British English remarks on the project's own English wording
    /// templates (`templates/*.md.tera`, not the Welsh `*.cy.md.tera`),
    /// each located in its template: what `check` reports once per project.
    /// A copy of a built-in template as it was built in is not checked
    /// again: the unit tests check the built-in ones.
    pub fn template_remarks(&self) -> Vec<FileProblems> {
        let Some(english) = &self.english else { return Vec::new() };
        let mut own: Vec<String> = self
            .templates
            .all()
            .filter(|info| info.own && !info.name.contains('.'))
            .map(|info| info.name.clone())
            .collect();
        own.sort();
        own.into_iter()
            .filter_map(|name| {
                let file = format!("{name}.md.tera");
                let path = self.project.templates_dir().join(&file);
                let text =
                    self.project.files.read_text(&path, crate::sandbox::Kind::Template).ok()?;
                let builtin = crate::project::builtin::template(&format!("templates/{file}"));
                if builtin.is_some_and(|b| b.contents == text) {
                    return None;
                }
                let problems: Vec<Problem> = english
                    .markdown(&template_prose(&text), &crate::finding::english::Words::default())
                    .into_iter()
                    .map(|remark| {
                        let problem = Problem::warning(None, remark.message, Some(remark.range));
                        Problem { hint: remark.hint, ..problem }
                    })
                    .collect();
                (!problems.is_empty()).then(|| FileProblems {
                    path: display_path(&path),
                    text,
                    problems,
                })
            })
            .collect()
    }
}

/// A wording template with all but the words it prints blanked out, so
/// offsets in it are offsets in the template: its front matter becomes
/// spaces (lines kept), and each tera tag (`{{ … }}`, `{% … %}`) a `0` and
/// spaces: a token that is not a word but stands between its neighbours, as
/// the value printed there will ("a {{ x }} inspection" is not "a
/// inspection"); a comment (`{# … #}`) only spaces.
fn template_prose(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let blank = |bytes: &mut [u8], range: std::ops::Range<usize>, mark: bool| {
        for (i, byte) in bytes[range].iter_mut().enumerate() {
            if *byte != b'\n' {
                *byte = if mark && i == 0 { b'0' } else { b' ' };
            }
        }
    };
    blank(&mut bytes, 0..crate::wording::front_matter_len(text), false);
    let mut at = 0;
    while let Some(open) = text[at..].find('{').map(|i| at + i) {
        let close = match text.as_bytes().get(open + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let end = text[open + 2..].find(close).map_or(text.len(), |i| open + 2 + i + 2);
        // A comment prints nothing; a tag prints a value or text.
        blank(&mut bytes, open..end, close != "#}");
        at = end;
    }
    // Only ASCII bytes of whole tags were replaced: still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::template_prose;
    use crate::finding::english::{English, Words};

    fn english() -> English {
        English::new(&crate::model::ProseCheckConfig::default(), Words::new(["Textphone"])).unwrap()
    }

    #[test]
    fn only_a_templates_words_are_left_at_their_place() {
        let template = "+++\nabout = \"A leter\"\n+++\n{#- a coment -#}\n# Post inspecton of {{ i.code }}\n\nThis leter was sent by {{ sender.name }} {{ x }}.\n";
        let prose = template_prose(template);
        assert_eq!(prose.len(), template.len());
        let words: Vec<&str> = prose.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "#",
                "Post",
                "inspecton",
                "of",
                "0",
                "This",
                "leter",
                "was",
                "sent",
                "by",
                "0",
                "0",
                "."
            ]
        );
        let flagged: Vec<&str> = english()
            .markdown(&prose, &Words::default())
            .into_iter()
            .map(|remark| &template[remark.range])
            .collect();
        assert_eq!(flagged, ["inspecton", "leter"]);
    }

    #[test]
    fn the_built_in_english_templates_have_no_remarks() {
        let english = english();
        for file in crate::project::builtin::TEMPLATES {
            if file.path.ends_with(".md.tera") && !file.path.ends_with(".cy.md.tera") {
                let remarks = english.markdown(&template_prose(file.contents), &Words::default());
                let flagged: Vec<_> =
                    remarks.iter().map(|r| &file.contents[r.range.clone()]).collect();
                assert!(flagged.is_empty(), "{}: {flagged:?}", file.path);
            }
        }
    }
}
