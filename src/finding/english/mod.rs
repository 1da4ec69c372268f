//! British English spelling and grammar of the text an inspector wrote.
//!
//! Spelling is checked by spellbook (a Rust reading of Hunspell's
//! dictionaries, kept by the Helix editor's team) against SCOWL's British
//! "-ise" dictionary (`dictionary/`, with the inspection words it lacks):
//! organisation, programme, judgement, centre. A few grammar
//! slips with almost no false positives on formal prose are found by
//! [`grammar`]: a word written twice, "a"/"an" before the wrong sound, "could
//! of", "their is", "more then". README ("Why these crates") says why not Harper.
//!
//! Only what an inspector wrote is checked: a prose field's text after
//! Markdown (code, link addresses, raw HTML and web or e-mail addresses are
//! skipped), and plain fields as text. Remarks are located by byte range in
//! the field's text, like the Markdown writer's, so they reach the finding
//! file's line and column through the same span index. Words of the
//! project's word list and the letter's own names are accepted. Words in
//! capitals or with digits (`MARAC`, `S3`) are not spell-checked, as Word
//! does by default.
//!
//! The dictionary is loaded once per process, on the first text checked,
//! so a command that checks nothing pays nothing (BENCHMARKS.md, "Prose
//! checks").

mod grammar;
mod tokens;

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex, OnceLock};

use spellbook::Dictionary;

use super::ProseRemark;
use crate::model::ProseCheckConfig;

use tokens::{Token, tokens};

/// File name of a project's word list, at its root.
pub const WORDS_FILE: &str = "words.txt";

/// The checks, by the names a remark shows and `[prose_check] disable`
/// takes.
pub const RULES: &[&str] = &[
    SPELLING,
    grammar::REPEATED,
    grammar::A_AN,
    grammar::MODAL_OF,
    grammar::THEIR_THERE,
    grammar::THEN_THAN,
];

/// The rule spelling mistakes are reported under.
const SPELLING: &str = "spelling";

/// How many suggestions a hint offers.
const SUGGESTIONS: usize = 3;

/// How many different words of one text get suggestions: each costs about a
/// millisecond, and a text of hundreds of unknown names (a pasted list) is
/// not helped by hundreds of guesses.
const MAX_SUGGESTED: usize = 40;

/// The longest word given suggestions, in characters: longer than almost
/// any English word, and a suggestion's cost grows with the word's length
/// (a pasted code of a thousand letters would take seconds).
const MAX_SUGGESTED_LEN: usize = 30;

/// SCOWL's en_GB-ise dictionary with the inspection words it lacks
/// (`dictionary/inspection.txt`), read once per process.
static DICTIONARY: OnceLock<Option<Dictionary>> = OnceLock::new();

/// The dictionary, read on first use.
fn dictionary() -> Option<&'static Dictionary> {
    DICTIONARY
        .get_or_init(|| {
            let aff = include_str!("dictionary/en_GB.aff");
            let mut dictionary = Dictionary::new(aff, include_str!("dictionary/en_GB.dic")).ok()?;
            for word in include_str!("dictionary/inspection.txt").lines() {
                if !word.is_empty() && !word.starts_with('#') {
                    dictionary.add(word).ok()?;
                }
            }
            Some(dictionary)
        })
        .as_ref()
}

/// Whether the dictionary has been read: until it is, the first check in
/// a process has to wait for it, and a caller may rather run that check on
/// another thread beside its own work.
pub fn is_loaded() -> bool {
    DICTIONARY.get().is_some()
}

/// Suggestions already worked out, by word: a batch meets the same names
/// and slips in letter after letter. Cleared when it reaches its bound.
static SUGGESTED: LazyLock<Mutex<HashMap<String, Vec<String>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The most words [`SUGGESTED`] holds.
const MAX_CACHED: usize = 10_000;

/// A rule `letterpress.toml` names that is not one of [`RULES`].
#[derive(Debug, thiserror::Error)]
#[error("unknown prose check `{0}` in [prose_check] disable{1}; the checks are {list}", list = RULES.join(", "))]
pub struct UnknownRule(pub String, String);

/// The checker for one project: its word list and chosen rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct English {
    words: Words,
    /// Which of [`RULES`] run, in its order.
    on: [bool; RULES.len()],
}

impl English {
    /// A checker accepting `words`, with the rules `config` turns off.
    pub fn new(config: &ProseCheckConfig, words: Words) -> Result<English, UnknownRule> {
        let mut on = [true; RULES.len()];
        for name in &config.disable {
            let Some(at) = RULES.iter().position(|rule| rule == name) else {
                let hint = super::messages::closest(name, RULES)
                    .map(|close| format!(" (did you mean `{close}`?)"))
                    .unwrap_or_default();
                return Err(UnknownRule(name.clone(), hint));
            };
            on[at] = false;
        }
        // Load the dictionary on the other core while the caller reads and
        // lays out its first letter: `check` of one letter then does not
        // wait the 17 ms (BENCHMARKS.md). If no thread can start, the first
        // check loads it.
        if on.iter().any(|on| *on) {
            let _ = std::thread::Builder::new().spawn(dictionary);
        }
        Ok(English { words, on })
    }

    /// Remarks on a prose field's Markdown; `names` are the letter's own.
    pub fn markdown(&self, text: &str, names: &Words) -> Vec<ProseRemark> {
        let mut remarks = Vec::new();
        for run in tokens::markdown_runs(text) {
            self.check(text, run, names, &mut remarks);
        }
        remarks
    }

    /// Remarks on a plain field's text; `names` are the letter's own.
    pub fn plain(&self, text: &str, names: &Words) -> Vec<ProseRemark> {
        let mut remarks = Vec::new();
        self.check(text, 0..text.len(), names, &mut remarks);
        remarks
    }

    fn runs(&self, rule: &str) -> bool {
        RULES.iter().position(|r| *r == rule).is_some_and(|at| self.on[at])
    }

    /// Checks the words of `text[run]`, adding remarks in text order.
    fn check(
        &self,
        text: &str,
        run: std::ops::Range<usize>,
        names: &Words,
        remarks: &mut Vec<ProseRemark>,
    ) {
        let tokens: Vec<Token<'_>> = tokens(text, run).collect();
        let mut found: Vec<ProseRemark> = grammar::remarks(text, &tokens)
            .into_iter()
            .filter(|(rule, _)| self.runs(rule))
            .map(|(rule, mut remark)| {
                remark.message = format!("{} ({rule})", remark.message);
                remark
            })
            .collect();
        if self.runs(SPELLING) {
            let mut suggested = 0;
            let accepted =
                |word: &str| is_known(word) || self.words.accepts(word) || names.accepts(word);
            for token in tokens.iter().filter(|t| t.spellable()) {
                // `well-led` may be in the dictionary whole, or as its parts, and
                // `co-ordinated` as `coordinated`.
                if accepted(token.text) || accepted(&token.text.replace('-', "")) {
                    continue;
                }
                for (range, word) in token.parts() {
                    if accepted(word) {
                        continue;
                    }
                    suggested += 1;
                    let suggestions = if suggested <= MAX_SUGGESTED
                        && word.chars().nth(MAX_SUGGESTED_LEN).is_none()
                    {
                        suggest(word)
                    } else {
                        Vec::new()
                    };
                    found.push(spelling(range, word, &suggestions));
                }
            }
        }
        found.sort_by_key(|r| (r.range.start, r.range.end));
        remarks.extend(found);
    }
}

/// The most words a thread remembers the dictionary's answer for.
const MAX_KNOWN: usize = 50_000;

thread_local! {
    /// The dictionary's answers already given on this thread: a letter's
    /// words, and a batch's, repeat ("the", "children", "managers"), and a
    /// hash lookup is several times cheaper than Hunspell's affix rules
    /// (BENCHMARKS.md, "Prose checks"). Cleared when it reaches its bound.
    static KNOWN: std::cell::RefCell<HashMap<String, bool, foldhash::fast::FixedState>> =
        std::cell::RefCell::new(HashMap::default());
}

/// Whether the dictionary holds `word` (any word, when it failed to load:
/// the check is then silent rather than wrong).
fn is_known(word: &str) -> bool {
    let answer = KNOWN.with_borrow(|known| known.get(word).copied());
    answer.unwrap_or_else(|| {
        let answer = dictionary().is_none_or(|d| d.check(word));
        KNOWN.with_borrow_mut(|known| {
            if known.len() >= MAX_KNOWN {
                known.clear();
            }
            known.insert(word.to_owned(), answer);
        });
        answer
    })
}

/// The dictionary's suggestions for `word`, best first, without the
/// guesses that split it into pieces. Hunspell's n-gram search is left out:
/// it takes some thirty times as long and adds far-fetched guesses.
fn suggest(word: &str) -> Vec<String> {
    let cache = || SUGGESTED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = cache().get(word) {
        return known.clone();
    }
    let mut out = Vec::new();
    if let Some(dictionary) = dictionary() {
        dictionary.suggester().with_ngram_suggestions(false).suggest(word, &mut out);
    }
    out.retain(|s| !s.contains(' '));
    // Hunspell lists them by how it found them; the closest first reads
    // better ("acurate": `accurate` before `curate`).
    let lower = word.to_lowercase();
    let first = lower.chars().next();
    out.sort_by_key(|s| {
        let s = s.to_lowercase();
        (strsim::osa_distance(&lower, &s), s.chars().next() != first)
    });
    out.truncate(SUGGESTIONS);
    let mut cache = cache();
    if cache.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.insert(word.to_owned(), out.clone());
    out
}

/// Words accepted however the dictionary judges them: the project's word
/// list, or a letter's names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// Written with a capital: accepted as written or in capitals.
    exact: HashSet<String>,
    /// Written in lower case: accepted in any case, kept in lower case.
    any_case: HashSet<String>,
}

impl Words {
    /// The words of a list, one entry each.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list = Words::default();
        for word in words {
            list.insert(word);
        }
        list
    }

    /// These words and those of `names` (`Vince Clark Operations
    /// Director`), split where the spelling check splits words.
    pub fn with_names<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        for name in names {
            for token in tokens(name, 0..name.len()) {
                for (_, word) in token.parts() {
                    self.insert(word);
                }
            }
        }
        self
    }

    fn insert(&mut self, word: &str) {
        let word = word.trim();
        if word.chars().any(char::is_uppercase) {
            self.exact.insert(word.to_owned());
        } else if !word.is_empty() {
            self.any_case.insert(word.to_owned());
        }
    }

    /// Whether `word`, as written in a letter (a possessive `'s` allowed),
    /// is on the list.
    fn accepts(&self, word: &str) -> bool {
        let word =
            ["'s", "’s", "'", "’"].iter().find_map(|end| word.strip_suffix(end)).unwrap_or(word);
        self.exact.contains(word)
            || self.any_case.contains(&word.to_lowercase())
            || (word.chars().all(|c| !c.is_lowercase())
                && self.exact.iter().any(|w| w.to_uppercase() == word))
    }
}

/// A spelling remark on `word`, its suggestions as the hint.
fn spelling(range: std::ops::Range<usize>, word: &str, suggestions: &[String]) -> ProseRemark {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    let hint = match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    };
    // An American spelling is a word to change, never one to add to the
    // word list.
    if suggestions.iter().any(|british| is_american_of(word, british)) {
        return ProseRemark {
            range,
            message: format!("`{word}` is the American spelling ({SPELLING})"),
            hint,
            word: None,
        };
    }
    ProseRemark {
        range,
        message: format!("`{word}` is not in the British English dictionary ({SPELLING})"),
        hint,
        word: Some(word.to_owned()),
    }
}

/// Whether `word` is the American spelling of `british` (organization,
/// behavior, center, analyze, license).
fn is_american_of(word: &str, british: &str) -> bool {
    let (word, british) = (word.to_lowercase(), british.to_lowercase());
    [("iz", "is"), ("yz", "ys"), ("or", "our"), ("er", "re"), ("og", "ogue"), ("ense", "ence")]
        .iter()
        .any(|(us, gb)| word.contains(us) && word.replace(us, gb) == british)
}

#[cfg(test)]
mod tests;
