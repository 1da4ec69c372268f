//! The filters wording templates use (see the [module doc](super)).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::locale::{self, Locale, Noun};
use super::prose::ConvertedProse;
use super::{escape, markdown};
use crate::model::{Date, Judgement, Language, MarkdownOptions};

pub(super) fn register(
    tera: &mut Tera,
    options: MarkdownOptions,
    converted: Arc<Mutex<ConvertedProse>>,
) {
    tera.register_filter("markdown", move |text: &str, _: Kwargs, _: &State| {
        let markup = converted.lock().unwrap_or_else(|e| e.into_inner()).markup(text, options);
        let n = SLOTS.with_borrow_mut(|slots| {
            slots.push(Slot { markup, markdown: text.to_owned() });
            slots.len() - 1
        });
        Value::safe_string(&markdown::prose_slot(n))
    });
    tera.register_filter("nobreak", |value: &Value, _: Kwargs, _: &State| {
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        let mut escaped = String::with_capacity(text.len());
        if value.is_safe() {
            escaped = text;
        } else {
            escape::markdown_pieces(&text, |piece| escaped.push_str(piece));
        }
        Value::safe_string(&no_break(&escaped))
    });
    tera.register_filter("words", |n: u64, _: Kwargs, state: &State| {
        TeraResult::Ok(locale(state)?.number_words(n))
    });
    tera.register_filter("count", |n: u64, kwargs: Kwargs, state: &State| {
        let name: &str = kwargs.must_get("noun")?;
        let noun = Noun::from_name(name).ok_or_else(|| {
            tera::Error::message(format!("unknown noun `{name}`; use area, week or month"))
        })?;
        TeraResult::Ok(locale(state)?.count(n, noun))
    });
    tera.register_filter("judgement", |text: &str, _: Kwargs, state: &State| {
        let judgement = Judgement::ALL
            .into_iter()
            .find(|j| j.as_str() == text)
            .ok_or_else(|| tera::Error::message(format!("`{text}` is not a judgement")))?;
        TeraResult::Ok(locale(state)?.judgement(judgement))
    });
    tera.register_filter("date", |text: &str, kwargs: Kwargs, state: &State| {
        let format: &str = kwargs.get("format")?.unwrap_or("%e %B %Y");
        locale::format_date(iso_date(text)?, format, locale(state)?)
            .map(|date| no_break(&date))
            .map_err(tera::Error::message)
    });
    tera.register_filter("date_range", |text: &str, kwargs: Kwargs, state: &State| {
        let to: &str = kwargs.must_get("to")?;
        let range = locale::format_date_range(iso_date(text)?, iso_date(to)?, locale(state)?);
        TeraResult::Ok(no_break(&range))
    });
    tera.register_filter("sentence", |text: &str, _: Kwargs, _: &State| {
        let text = text.trim_end();
        if text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
    });
}

/// One prose field a `markdown` filter left a slot for: its typst markup
/// (for the PDF) and its Markdown as written (for the DOCX, which reads the
/// same Markdown events).
pub(super) struct Slot {
    pub(super) markup: Value,
    pub(super) markdown: String,
}

thread_local! {
    /// The converted prose of the template being rendered on this thread,
    /// in the order of its slots (see [`with_prose_slots`]).
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

/// Runs `render` (a wording template's render) and returns what it made
/// with the converted prose its `markdown` filters left slots for. A
/// template renders on one thread, start to end, so the slots of letters
/// worded at once on other threads never mix.
pub(super) fn with_prose_slots<T>(render: impl FnOnce() -> T) -> (T, Vec<Slot>) {
    SLOTS.with_borrow_mut(Vec::clear);
    let made = render();
    (made, SLOTS.take())
}

/// Words joined by no-break spaces, so they stay on one line.
fn no_break(text: &str) -> String {
    text.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("\u{a0}")
}

/// The locale of the letter being rendered (English when the context has no
/// `language`, as in a template rendered on its own).
fn locale(state: &State) -> TeraResult<&'static Locale> {
    // As a `Value`: a short string is held inline, so this allocates nothing.
    let code: Option<Value> = state.get("language")?;
    match code.as_ref().map(|code| code.as_str().unwrap_or_default()) {
        None => Ok(locale::locale(Language::English)),
        Some(code) => Language::from_code(code)
            .map(locale::locale)
            .ok_or_else(|| tera::Error::message(format!("unknown language `{code}`"))),
    }
}

fn iso_date(text: &str) -> TeraResult<Date> {
    locale::parse_iso_date(text)
        .ok_or_else(|| tera::Error::message(format!("`{text}` is not a date like 2010-12-01")))
}
