//! The fonts every letter can use, embedded so every machine renders alike.

/// The fonts shipped in `fonts/`, embedded in the binary.
pub(crate) static EMBEDDED_FONTS: [&[u8]; 5] = [
    include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSans-BoldItalic.ttf"),
    include_bytes!("../../fonts/LiberationMono-Regular.ttf"),
];
