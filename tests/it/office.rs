//! LibreOffice as the tests' real office suite: it opens the DOCX files
//! letterpress writes, converts them, and accepts or rejects their tracked
//! changes. Where it is not installed each test says it skipped (or fails,
//! with LETTERPRESS_REQUIRE_LIBREOFFICE=1, as CI sets where it installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

/// LibreOffice, with a profile of its own: soffice hands a job to an
/// instance already running on the same profile, so tests running at once
/// would collide.
pub struct Office {
    profile: tempfile::TempDir,
}

impl Office {
    /// LibreOffice if `soffice` and its Python bridge (python3-uno) are
    /// installed, or `None` after saying why.
    pub fn find() -> Option<Office> {
        let works = |program: &str, args: &[&str]| {
            Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
        };
        if !(works("soffice", &["--version"]) && works("/usr/bin/python3", &["-c", "import uno"])) {
            assert!(
                std::env::var_os("LETTERPRESS_REQUIRE_LIBREOFFICE").is_none_or(|v| v != "1"),
                "LETTERPRESS_REQUIRE_LIBREOFFICE=1 but LibreOffice is missing \
                 (apt-get install libreoffice-writer-nogui python3-uno)"
            );
            println!("skipped: LibreOffice (soffice and python3-uno) is not installed");
            return None;
        }
        Some(Office { profile: tempfile::tempdir().unwrap() })
    }

    /// `soffice --convert-to FILTER` of `docx` into `out`; the file written.
    pub fn convert(&self, docx: &Path, filter: &str, extension: &str, out: &Path) -> PathBuf {
        let status = Command::new("soffice")
            .arg(format!("-env:UserInstallation=file://{}", self.profile.path().display()))
            .args(["--headless", "--convert-to", filter, "--outdir"])
            .arg(out)
            .arg(docx)
            .output()
            .unwrap();
        assert!(status.status.success(), "soffice failed on {}: {status:?}", docx.display());
        out.join(docx.file_stem().unwrap()).with_extension(extension)
    }

    /// The text Word's "Accept All" and "Reject All" leave, in one soffice run.
    pub fn accepted_and_rejected(&self, docx: &Path, out: &Path) -> (String, String) {
        let (accepted, rejected) = (out.join("accepted.txt"), out.join("rejected.txt"));
        let status = Command::new("/usr/bin/python3")
            .arg(crate::common::repo().join("tests/lo_redlines.py"))
            .arg("accept")
            .args([docx, &accepted])
            .arg("reject")
            .args([docx, &rejected])
            .status()
            .unwrap();
        assert!(status.success(), "LibreOffice could not accept or reject the changes");
        let read = |path: &Path| std::fs::read_to_string(path).unwrap();
        (read(&accepted), read(&rejected))
    }
}

/// Text with its spacing (and a byte-order mark) made uniform, to compare.
pub fn squash(text: &str) -> String {
    text.replace('\u{feff}', "").split_whitespace().collect::<Vec<_>>().join(" ")
}
