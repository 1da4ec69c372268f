//! The cold-process typst floor: a fresh process that compiles one typst
//! source with typst alone (the same fonts, the same PDF/UA-1 export as
//! letterpress) and writes the PDF. `bench/run` times it against a cold
//! `letterpress render` of the letter whose source it is.
//!
//! Usage: floor ROOT SOURCE.typ OUT.pdf

use std::path::PathBuf;

use typst::foundations::Datetime;

#[path = "../benches/floor/mod.rs"]
mod floor;

/// The allocator letterpress uses, so the two processes differ only in the
/// work they do. (With the system allocator this floor is about 20 % slower.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [root, source, out] = args.as_slice() else {
        eprintln!("usage: floor ROOT SOURCE.typ OUT.pdf");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(source).expect("readable typst source");
    let options = typst_pdf::PdfOptions {
        standards: letterpress::typeset::pdf_standards(&[]).expect("PDF/UA-1"),
        timestamp: Some(typst_pdf::Timestamp::new_utc(Datetime::from_ymd(2010, 12, 1).unwrap())),
        ..Default::default()
    };
    let pdf = floor::FloorWorld::new(root).compile(&text, &options);
    std::fs::write(out, pdf).expect("writable output");
}
