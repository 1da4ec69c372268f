//! The signature images `letterpress.toml` names, checked when a renderer
//! is set up: a missing, unreadable or oversized one is reported against
//! its `[signatures]` entry, naming the image, rather than by typst at the
//! layout line that places it.

use std::path::Path;

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};

use super::SetupError;
use crate::diagnostic::quoted;
use crate::project::Project;
use crate::sandbox::Kind;

/// Checks that every configured signature image is an image inside the
/// project that typst can read. Decoding here costs nothing later: typst
/// memoises a decoded image by its bytes, so the letter reuses it.
pub(super) fn check(project: &Project) -> Result<(), SetupError> {
    for (name, path) in &project.config.signatures {
        let fail = |reason: String| SetupError::Signature { name: name.clone(), reason };
        let relative = Path::new(path);
        let path = quoted(path);
        if relative.is_absolute()
            || relative.components().any(|c| c == std::path::Component::ParentDir)
        {
            return Err(fail(format!(
                "`{path}` must be a path inside the project, like signatures/name.png"
            )));
        }
        let extension = relative.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !matches!(extension.as_deref(), Some("png" | "jpg" | "jpeg" | "svg")) {
            return Err(fail(format!("`{path}` is not a PNG, JPEG or SVG file")));
        }
        let bytes = match project.files.read(&project.root.join(relative), Kind::Asset) {
            Ok(bytes) => bytes,
            Err(err) if err.is_not_found() => {
                return Err(fail(format!("`{path}` does not exist in {}", project.root.display())));
            }
            Err(err) => return Err(fail(err.to_string())),
        };
        if let Some(why) = crate::typeset::pixels::too_many(&bytes) {
            return Err(fail(format!("`{path}` {why}")));
        }
        let decoded = match ExchangeFormat::detect(&bytes) {
            Some(format) => RasterImage::plain(Bytes::new(bytes), format).map(drop),
            None if extension.as_deref() == Some("svg") => {
                SvgImage::new(Bytes::new(bytes)).map(drop).map_err(|err| format!("{err:?}").into())
            }
            None => Err("it is not a PNG, JPEG, GIF or WebP image".into()),
        };
        if let Err(why) = decoded {
            // A decoder's message may quote a whole line of the file.
            return Err(fail(format!("`{path}` cannot be read as an image: {}", quoted(&why))));
        }
    }
    Ok(())
}
