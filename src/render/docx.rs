//! The editable copy: a letter written as a DOCX from its wording, through
//! the same preparation (checks, translation) as its PDF.

use std::path::Path;

use super::{LetterError, PreparedLetter, Renderer, Written};
use crate::diagnostic::display_path;
use crate::model::Finding;
use crate::output::{OutputError, OwnerRecords, Place};

impl Renderer {
    /// [`Renderer::render`] for the DOCX format: prepares the letter, words
    /// it (and its translation, a section of its own) and writes the DOCX.
    pub(super) fn render_docx(
        &self,
        finding_path: &Path,
        place: Place<'_>,
        owners: &OwnerRecords,
    ) -> Result<Written, LetterError> {
        let letter = self.prepare(finding_path)?;
        let destination = self.destination(finding_path, &letter.finding, place)?;
        let bytes = self.docx(&letter)?;
        crate::output::write_pdf(&destination, finding_path, &bytes, owners)?;
        Ok(Written {
            pdf: destination.path,
            images: Vec::new(),
            pages: 0,
            files_read: Default::default(),
            inputs: letter.inputs,
            bytes,
            warnings: letter.warnings,
        })
    }

    /// The DOCX bytes of a prepared letter.
    pub fn docx(&self, letter: &PreparedLetter) -> Result<Vec<u8>, LetterError> {
        let now = crate::wording::locale::now_utc();
        let mut versions = vec![self.docx_letter(&letter.finding, true, &now)?];
        if let (Some(path), Some(text)) =
            (letter.finding.translation_path(&letter.path), &letter.inputs.translation)
        {
            let other = self.finding(&display_path(&path), text.to_string())?;
            versions.push(self.docx_letter(&other, false, &now)?);
        }
        let first = &letter.finding;
        let document = crate::docx::Document {
            title: versions.first().map(|v| v.1.clone()).unwrap_or_default(),
            author: first.signatory.name.clone(),
            date: first.date.to_string(),
            reviser: None,
            letters: versions.into_iter().map(|v| v.0).collect(),
        };
        crate::docx::write(&document).map_err(|err| {
            LetterError::Output(OutputError::Write {
                path: letter.path.clone(),
                source: std::io::Error::other(err),
            })
        })
    }

    /// A letter as its DOCX words it (the first language only): what
    /// `diff --rendered` compares and `diff --format docx` marks up.
    pub fn worded_letter(&self, finding: &Finding) -> Result<crate::docx::Letter, LetterError> {
        let now = crate::wording::locale::now_utc();
        Ok(self.docx_letter(finding, true, &now)?.0)
    }

    /// One language's DOCX letter, with the document title its wording gives.
    fn docx_letter(
        &self,
        finding: &Finding,
        primary: bool,
        now: &str,
    ) -> Result<(crate::docx::Letter, String), LetterError> {
        let config = &self.project.config;
        let name = self.template_name(finding);
        self.with_version_output(finding, primary, now, |output| {
            let wording = self.templates.wording(name, finding, config, output)?;
            let letter = crate::docx::letter(finding, config, &wording, output);
            Ok((letter, wording.title().to_owned()))
        })
    }
}
