//! A wording template's render, stopped once it has made more than a
//! letter's worth of text.
//!
//! The templates are the office's own, but a loop inside a loop (each under
//! tera's range limit) can still make gigabytes; tera writes its output as
//! it goes, so a writer that refuses past the cap stops it there.

use std::io::Write;

/// The most wording one render may make: a letter of some hundreds of
/// pages; the demo letter's wording is 10 KB.
pub(super) const MAX_WORDING: usize = 8 << 20;

/// `template` rendered with `context`, or an error naming the cap once the
/// output passes it.
pub(super) fn render(
    tera: &tera::Tera,
    template: &str,
    context: &tera::Context,
) -> Result<String, tera::Error> {
    let mut out = Capped { bytes: Vec::new(), full: false };
    match tera.render_to(template, context, &mut out) {
        Ok(()) => Ok(String::from_utf8_lossy(&out.bytes).into_owned()),
        Err(_) if out.full => Err(tera::Error::message(format!(
            "{template} made more than {} MB of wording, more than any letter holds; \
             a loop in it runs too many times",
            MAX_WORDING >> 20
        ))),
        Err(err) => Err(err),
    }
}

/// A buffer that refuses to grow past [`MAX_WORDING`].
struct Capped {
    bytes: Vec<u8>,
    /// Set when a write was refused.
    full: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_WORDING {
            self.full = true;
            return Err(std::io::Error::other("too much wording"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_loops_stop_at_the_cap() {
        let mut tera = tera::Tera::default();
        let body = "{% for i in range(end=100000) %}{% for j in range(end=100000) %}xxxxxxxx{% endfor %}{% endfor %}";
        tera.add_raw_template("t", body).unwrap();
        let err = super::render(&tera, "t", &tera::Context::new()).unwrap_err();
        assert!(err.to_string().contains("more than 8 MB of wording"), "{err}");
        tera.add_raw_template("small", "£ ’ “ é 🙂").unwrap();
        assert_eq!(super::render(&tera, "small", &tera::Context::new()).unwrap(), "£ ’ “ é 🙂");
    }
}
