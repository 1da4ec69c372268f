//! Which finding file each PDF in an output folder was rendered from.
//!
//! With a file name pattern such as `{date}-{service_area}.pdf`, two finding
//! files can name the same PDF. Within one batch that is caught before
//! anything is written; across runs (`render a.toml`, later `render b.toml`)
//! only a record of who wrote each PDF can tell. Each output folder keeps
//! that record in a small TOML file beside its PDFs, and a letter may replace
//! a PDF only if it wrote it (or nobody is recorded).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::write_atomically;
use crate::diagnostic::display_path;

/// The record's file name, in the folder of the PDFs it describes.
pub const SOURCES_FILE: &str = ".letterpress-sources.toml";

/// The owners of the PDFs in one folder.
#[derive(Debug)]
pub(super) struct Owners {
    dir: PathBuf,
    /// PDF file name → the finding file that wrote it, relative to `dir`
    /// (so the record survives moving the whole project).
    pdfs: BTreeMap<String, PathBuf>,
    changed: bool,
    /// Why the record is there but cannot be read (a named pipe, a device,
    /// a link): no PDF in the folder is replaced while it is.
    refused: Option<String>,
}

impl Owners {
    /// The record of `dir`; a missing or unreadable one records nobody.
    pub(super) fn load(dir: &Path) -> Owners {
        use crate::sandbox::{Kind, ReadError, read_file};
        let (pdfs, refused) = match read_file(&dir.join(SOURCES_FILE), Kind::Record) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                (toml::from_str(&text).unwrap_or_default(), None)
            }
            Err(err @ (ReadError::NotAFile { .. } | ReadError::TooLarge { .. })) => (
                BTreeMap::new(),
                Some(format!(
                    "{err}; letterpress keeps its record of who wrote each PDF there: delete it"
                )),
            ),
            Err(_) => (BTreeMap::new(), None),
        };
        Owners { dir: dir.to_path_buf(), pdfs, changed: false, refused }
    }

    /// Fails, naming both, when `pdf` (a file in this folder) was written
    /// from a finding file other than `finding` and still exists.
    pub(super) fn check(&self, pdf: &Path, finding: &Path) -> Result<(), String> {
        if let Some(refused) = &self.refused {
            return Err(refused.clone());
        }
        let Some(owner) = self.pdfs.get(&file_name(pdf)) else { return Ok(()) };
        if *owner == self.relative(finding) || !pdf.exists() {
            return Ok(());
        }
        Err(format!(
            "{} is the PDF of {}; not replacing it. Make the file name pattern in {} tell the letters apart (e.g. add {{stem}}), or delete the PDF if that letter is gone",
            display_path(pdf).display(),
            display_path(&real(&self.dir.join(owner))).display(),
            crate::project::CONFIG_FILE
        ))
    }

    /// Records that `finding` wrote `pdf` (a file in this folder).
    pub(super) fn set(&mut self, pdf: &Path, finding: &Path) {
        let finding = self.relative(finding);
        if self.pdfs.get(&file_name(pdf)) != Some(&finding) {
            self.pdfs.insert(file_name(pdf), finding);
            self.changed = true;
        }
    }

    /// Writes the record back if anything changed.
    pub(super) fn save(&self) -> std::io::Result<()> {
        if !self.changed {
            return Ok(());
        }
        let text = toml::to_string(&self.pdfs).map_err(std::io::Error::other)?;
        write_atomically(&self.dir.join(SOURCES_FILE), text.as_bytes())
    }

    /// `finding` relative to this folder, from both real (canonical) paths,
    /// so the record does not depend on the folder a command was run from.
    fn relative(&self, finding: &Path) -> PathBuf {
        let (finding, dir) = (real(finding), real(&self.dir));
        let common = finding.components().zip(dir.components()).take_while(|(a, b)| a == b).count();
        let mut relative: PathBuf = dir.components().skip(common).map(|_| "..").collect();
        relative.extend(finding.components().skip(common));
        relative
    }
}

/// The path with links and `..` resolved, when it exists.
fn real(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn file_name(pdf: &Path) -> String {
    pdf.file_name().unwrap_or_default().to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_writer_may_replace_a_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        let pdf = dir.path().join("out/x.pdf");
        std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
        std::fs::write(&pdf, "%PDF-").unwrap();

        let mut owners = Owners::load(pdf.parent().unwrap());
        assert!(owners.check(&pdf, &b).is_ok(), "nobody recorded yet");
        owners.set(&pdf, &a);
        owners.save().unwrap();

        let owners = Owners::load(pdf.parent().unwrap());
        assert!(owners.check(&pdf, &a).is_ok());
        let err = owners.check(&pdf, &b).unwrap_err();
        assert!(err.contains("x.pdf is the PDF of") && err.contains("a.toml"), "{err}");
        std::fs::remove_file(&pdf).unwrap();
        assert!(owners.check(&pdf, &b).is_ok(), "a deleted PDF may be written again");
    }

    #[test]
    fn the_record_survives_moving_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("before");
        std::fs::create_dir_all(project.join("out")).unwrap();
        std::fs::write(project.join("a.toml"), "").unwrap();
        std::fs::write(project.join("out/x.pdf"), "%PDF-").unwrap();
        let mut owners = Owners::load(&project.join("out"));
        owners.set(&project.join("out/x.pdf"), &project.join("a.toml"));
        owners.save().unwrap();
        let text = std::fs::read_to_string(project.join("out").join(SOURCES_FILE)).unwrap();
        assert_eq!(text.trim(), r#""x.pdf" = "../a.toml""#);

        let moved = dir.path().join("after");
        std::fs::rename(&project, &moved).unwrap();
        let owners = Owners::load(&moved.join("out"));
        assert!(owners.check(&moved.join("out/x.pdf"), &moved.join("a.toml")).is_ok());
    }
}
