//! The languages letters are written in.

use serde::{Deserialize, Serialize};

/// A language letters are written in. Everything language-specific that is
/// not a sentence of the wording (month names, numbers in words, nouns
/// counted, judgement words) lives in the wording's locale table for it, so
/// a template asks for "twelve areas" and gets "deuddeg maes i’w wella" in
/// Welsh without any `if` in the template.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Language {
    /// British English.
    #[default]
    #[serde(rename = "en")]
    English,
    /// Welsh.
    #[serde(rename = "cy")]
    Welsh,
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::English, Language::Welsh];

    /// The ISO 639-1 code (`en`, `cy`), as the finding file and typst spell it.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Welsh => "cy",
        }
    }

    /// The language's name in English, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Welsh => "Welsh",
        }
    }

    /// Finds a language by its code.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_round_trip_their_codes() {
        for language in Language::ALL {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(Language::from_code("fr"), None);
    }
}
