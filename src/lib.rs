//! letterpress turns an inspector's structured findings into a formal,
//! signed-off letter as a PDF.
//!
//! Data flows one way through the modules:
//! [`finding`] (the TOML model and its validation) and [`project`] (the
//! letterhead config) → [`template`] (tera wording, using [`markdown`] for
//! prose, [`escape`] for plain text and [`wording`] for numbers and dates) →
//! [`world`] (typst compile and PDF export) → [`render`] (one letter to a PDF
//! file, named by [`file_name`]) → [`batch`] (a folder of letters), [`watch`]
//! (re-render on change) and [`serve`] (live preview in the browser, of one
//! letter or a folder of them) → [`cli`].

pub mod batch;
pub mod builtin;
pub mod cli;
pub mod diagnostic;
pub mod escape;
pub mod file_name;
pub mod finding;
pub mod markdown;
pub mod owners;
pub mod postal;
pub mod project;
pub mod render;
pub mod serve;
pub mod template;
pub mod watch;
pub mod wording;
pub mod world;
