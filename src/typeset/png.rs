//! Pages as PNG images, for the live preview and `render --png`.

use std::sync::Arc;

use typst_layout::PagedDocument;

use super::TypstError;

/// A page as a PNG image, with the key of what it shows.
#[derive(Clone)]
pub struct PagePng {
    /// The hash of the laid-out page: pages with equal keys look the same.
    pub key: u128,
    /// The image.
    pub png: Arc<[u8]>,
}

/// How page images are made: their resolution and how hard they are
/// compressed.
#[derive(Clone, Copy, Debug)]
pub struct PageImages {
    /// Pixels per typst point: 2.0 is 144 dpi.
    pub pixels_per_point: f64,
    /// Time against size.
    pub compression: PngCompression,
}

/// How hard page images are compressed. Compressing is most of the cost of
/// a page image: rasterising a page of the demo takes 1–2.5 ms, compressing
/// it as tiny-skia does (zlib level 6, every row filtered adaptively,
/// RGBA) 14–27 ms (BENCHMARKS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PngCompression {
    /// For images shown once and replaced, as in the live preview: fdeflate
    /// with the "up" filter, 2.4–3.3 ms a page; a grey page's image is
    /// smaller than tiny-skia's, a coloured one's about twice as large.
    Fast,
    /// For images kept as files: zlib level 6, unfiltered (which compresses
    /// black text on white better than the filters), 5.5–11 ms a page; a
    /// grey page's image is about half the size of tiny-skia's, a coloured
    /// one's about the same.
    Small,
}

/// Renders every page as a PNG, on all cores. A page whose key is among
/// `earlier` (renders of an older version of the letter) is taken from
/// there: after a small edit only the pages that changed are rasterised
/// again, which is most of the cost of a live preview's render.
pub fn png_pages(
    document: &PagedDocument,
    images: PageImages,
    earlier: &[PagePng],
) -> Result<Vec<PagePng>, TypstError> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(images.pixels_per_point),
        render_bleed: false,
    };
    let render = |page: &typst_layout::Page| -> Result<PagePng, TypstError> {
        let key = typst::utils::hash128(page);
        if let Some(done) = earlier.iter().find(|done| done.key == key) {
            return Ok(done.clone());
        }
        let pixmap = typst_render::render(page, &options);
        let png = encode_opaque(pixmap.data(), pixmap.width(), pixmap.height(), images.compression)
            .unwrap_or_else(|| pixmap.encode_png())
            .map_err(|e| TypstError::plain(format!("cannot encode a page image: {e}")))?;
        Ok(PagePng { key, png: png.into() })
    };
    let pages = document.pages();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|chunk| scope.spawn(|| chunk.iter().map(render).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(pages.len());
        for worker in workers {
            let done = worker
                .join()
                .map_err(|_| TypstError::plain("a page failed to render".to_owned()))?;
            for page in done {
                out.push(page?);
            }
        }
        Ok(out)
    })
}

/// Encodes an opaque image given as RGBA bytes losslessly, in as few
/// channels as it needs: grey when every pixel is grey, as on most pages of
/// a letter, else RGB. `None` when some pixel is not opaque, to be encoded
/// with its alpha channel.
fn encode_opaque(
    rgba: &[u8],
    width: u32,
    height: u32,
    compression: PngCompression,
) -> Option<Result<Vec<u8>, png::EncodingError>> {
    let pixels = rgba.chunks_exact(4);
    if pixels.clone().any(|p| p[3] != u8::MAX) {
        return None;
    }
    let (color, samples): (_, Vec<u8>) = if pixels.clone().all(|p| p[0] == p[1] && p[1] == p[2]) {
        (png::ColorType::Grayscale, pixels.map(|p| p[0]).collect())
    } else {
        (png::ColorType::Rgb, pixels.flat_map(|p| [p[0], p[1], p[2]]).collect())
    };
    let (level, filter) = match compression {
        PngCompression::Fast => (png::Compression::Fast, png::Filter::Up),
        PngCompression::Small => (png::Compression::Balanced, png::Filter::NoFilter),
    };
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(level);
    encoder.set_filter(filter);
    let written = encoder.write_header().and_then(|mut writer| writer.write_image_data(&samples));
    Some(written.map(|()| png))
}

/// The pixels of a PNG as RGBA bytes, and the colour type it was stored in.
#[cfg(test)]
pub(crate) fn decoded(png: &[u8]) -> (png::ColorType, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    let samples = &buffer[..frame.buffer_size()];
    let rgba = match frame.color_type {
        png::ColorType::Grayscale => samples.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Rgb => samples.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::Rgba => samples.to_vec(),
        other => panic!("unexpected colour type {other:?}"),
    };
    (frame.color_type, rgba)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_images_are_encoded_losslessly_in_as_few_channels_as_they_need() {
        let grey = [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 7, 7, 7, 255];
        let mut coloured = grey;
        coloured[4] = 200;
        for compression in [PngCompression::Fast, PngCompression::Small] {
            let png = encode_opaque(&grey, 2, 2, compression).unwrap().unwrap();
            assert_eq!(decoded(&png), (png::ColorType::Grayscale, grey.to_vec()));
            let png = encode_opaque(&coloured, 2, 2, compression).unwrap().unwrap();
            assert_eq!(decoded(&png), (png::ColorType::Rgb, coloured.to_vec()));
        }
        let mut translucent = grey;
        translucent[7] = 254;
        assert!(encode_opaque(&translucent, 2, 2, PngCompression::Fast).is_none());
    }
}
