//! The filters wording templates use (see the [module doc](super)).

use std::sync::{Arc, Mutex};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::escape;
use super::locale::{self, Locale, Noun};
use super::prose::ConvertedProse;
use crate::model::{Date, Judgement, Language, MarkdownOptions};

pub(super) fn register(
    tera: &mut Tera,
    options: MarkdownOptions,
    converted: Arc<Mutex<ConvertedProse>>,
) {
    tera.register_filter("markdown", move |text: &str, kwargs: Kwargs, _: &State| {
        let lead: Option<&str> = kwargs.get("lead")?;
        let mut converted = converted.lock().unwrap_or_else(|e| e.into_inner());
        TeraResult::Ok(converted.markup(text, lead, options))
    });
    tera.register_filter("typst_str", |text: &str, _: Kwargs, _: &State| {
        Value::safe_string(&escape::string(text))
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
        locale::format_date(iso_date(text)?, format, locale(state)?).map_err(tera::Error::message)
    });
    tera.register_filter("date_range", |text: &str, kwargs: Kwargs, state: &State| {
        let to: &str = kwargs.must_get("to")?;
        TeraResult::Ok(locale::format_date_range(iso_date(text)?, iso_date(to)?, locale(state)?))
    });
    tera.register_filter("typst_date", |text: &str, _: Kwargs, _: &State| {
        let d = iso_date(text)?;
        TeraResult::Ok(Value::safe_string(&format!(
            "datetime(year: {}, month: {}, day: {})",
            d.year, d.month, d.day
        )))
    });
    tera.register_filter("sentence", |text: &str, _: Kwargs, _: &State| {
        let text = text.trim_end();
        if text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
    });
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
