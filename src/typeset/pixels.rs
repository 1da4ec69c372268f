//! How many pixels an image claims, read from its header before anything
//! decodes it.
//!
//! A PNG of a few kilobytes can say it is 200000 × 200000 pixels; decoding
//! it asks for 160 GB and the process is killed. The header is a few bytes
//! at a known place in every raster format typst reads (PNG, JPEG, GIF,
//! WebP), so the size is known before typst is given the file.

/// The most pixels an image may have: 50 megapixels, a 600 dpi scan of a
/// full A4 page twice over; a signature is a small fraction of that.
pub const MAX_PIXELS: u64 = 50_000_000;

/// Width and height as the image's header gives them, for the raster
/// formats typst decodes; `None` for anything else (SVG, a font, text) or
/// a header too short to say.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(bytes, 16)?, be32(bytes, 20)?));
    }
    if bytes.starts_with(b"GIF8") {
        return Some((u32::from(le16(bytes, 6)?), u32::from(le16(bytes, 8)?)));
    }
    if bytes.starts_with(b"\xff\xd8") {
        return jpeg(bytes);
    }
    if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return webp(bytes);
    }
    None
}

/// The frame size from a JPEG's start-of-frame segment.
fn jpeg(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while *bytes.get(at)? == 0xff && *bytes.get(at + 1)? == 0xff {
            at += 1;
        }
        if *bytes.get(at)? != 0xff {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let is_frame = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
        if is_frame {
            let height = be16(bytes, at + 5)?;
            let width = be16(bytes, at + 7)?;
            return Some((u32::from(width), u32::from(height)));
        }
        if matches!(marker, 0xd0..=0xd9 | 0x01) {
            at += 2;
            continue;
        }
        at += 2 + usize::from(be16(bytes, at + 2)?);
    }
}

/// The canvas size from a WebP's first chunk (lossy, lossless or extended).
fn webp(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            let width = u32::from(le16(bytes, 26)? & 0x3fff);
            let height = u32::from(le16(bytes, 28)? & 0x3fff);
            Some((width, height))
        }
        b"VP8L" => {
            let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        b"VP8X" => {
            let width = le24(bytes, 24)? + 1;
            let height = le24(bytes, 27)? + 1;
            Some((width, height))
        }
        _ => None,
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// Why an image is refused: its size and the limit, in words.
pub fn too_many(bytes: &[u8]) -> Option<String> {
    let (width, height) = dimensions(bytes)?;
    let pixels = u64::from(width) * u64::from(height);
    (pixels > MAX_PIXELS).then(|| {
        format!(
            "is an image of {width} × {height} pixels ({:.1} megapixels), more than the {} \
             megapixels letterpress reads: scale it down (a signature needs about 600 × 200)",
            pixels as f64 / 1e6,
            MAX_PIXELS / 1_000_000
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes
    }

    #[test]
    fn a_png_header_bomb_is_refused_from_its_header() {
        let message = too_many(&png_header(200_000, 200_000)).unwrap();
        assert!(message.contains("200000 × 200000 pixels"), "{message}");
        assert!(message.contains("50 megapixels"), "{message}");
        assert_eq!(too_many(&png_header(600, 200)), None);
        assert_eq!(too_many(&png_header(7_071, 7_071)), None);
    }

    #[test]
    fn jpeg_gif_and_webp_sizes_are_read() {
        let jpeg =
            [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x12, 0x34, 0x56, 0x78];
        assert_eq!(dimensions(&jpeg), Some((0x5678, 0x1234)));
        let gif = b"GIF89a\x10\x00\x20\x00";
        assert_eq!(dimensions(gif), Some((16, 32)));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0".to_vec();
        webp.extend([0xff, 0xff, 0, 0x0f, 0, 0]);
        assert_eq!(dimensions(&webp), Some((65536, 16)));
    }

    #[test]
    fn short_or_other_bytes_say_nothing_and_never_panic() {
        for bytes in
            [&b""[..], b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<svg/>", "£’“é🙂".as_bytes()]
        {
            assert_eq!(too_many(bytes), None);
        }
    }
}
