//! The integration tests, as one test binary (one link of typst instead of
//! one per file): each module runs the real binary, or the library, on real
//! files, and reads the PDFs back. `common` and `layout` are their helpers.

mod common;
mod layout;
mod office;

mod bad_input;
mod batch;
mod commonmark;
mod gate;
mod hardening;
mod hostile;
mod import;
mod injection;
mod letter_end;
mod mutants;
mod panics;
mod pdf_quality;
mod project;
mod prose_check;
mod render;
mod review_diff;
mod review_docx;
mod serve;
mod serve_folder;
mod watch;
mod wording;
mod workflow;
