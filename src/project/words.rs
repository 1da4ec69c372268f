//! The project's word list (`words.txt`): the office's proper nouns and
//! terms that the British English spelling check accepts.
//!
//! One word a line; blank lines and lines starting with `#` are ignored.
//! `letterpress check --add-word WORD` appends to it; nothing else writes it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use crate::sandbox::{Kind, ReadError, Sandbox};

pub use crate::finding::english::WORDS_FILE;

/// The longest word accepted, in characters.
const MAX_WORD: usize = 64;

/// Why the word list could not be read or added to.
#[derive(Debug, thiserror::Error)]
pub enum WordsError {
    /// Reading it failed: outside the project, too large, not text …
    #[error("{0}")]
    Read(#[from] ReadError),
    /// Adding to it failed.
    #[error("cannot add to {}: {source}", .path.display())]
    Write {
        /// The word list.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A word given to add is not one word.
    #[error(
        "`{0}` is not a word to add: one word (letters, digits, ' or -) of at most {MAX_WORD} characters"
    )]
    NotAWord(String),
}

/// The words of the project's `words.txt` (none when there is no such
/// file), in file order, read through the project's one door.
pub fn read(files: &Sandbox) -> Result<Vec<String>, WordsError> {
    match files.read_text(&files.root().join(WORDS_FILE), Kind::WordList) {
        Ok(text) => Ok(words_of(&text).map(str::to_owned).collect()),
        Err(err) if err.is_not_found() => Ok(Vec::new()),
        Err(err) => Err(err.into()),
    }
}

/// The words of a word list's text.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Whether `word` can be a line of the word list.
fn is_word(word: &str) -> bool {
    let count = word.chars().count();
    (1..=MAX_WORD).contains(&count)
        && word.chars().any(char::is_alphabetic)
        && word.chars().all(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-'))
}

/// Appends each of `words` that the list does not hold yet to the project's
/// `words.txt`, creating it if needed; the lines already there are kept as
/// they are. Returns the words added.
pub fn add(files: &Sandbox, words: &[String]) -> Result<Vec<String>, WordsError> {
    if let Some(bad) = words.iter().find(|w| !is_word(w)) {
        return Err(WordsError::NotAWord(bad.clone()));
    }
    let path = files.root().join(WORDS_FILE);
    let io = |source| WordsError::Write { path: path.clone(), source };
    let mut known = read(files)?;
    let mut new = Vec::new();
    for word in words {
        if !known.contains(word) {
            known.push(word.clone());
            new.push(word.clone());
        }
    }
    if new.is_empty() {
        return Ok(new);
    }
    let ends_in_newline = match files.read(&path, Kind::WordList) {
        Ok(bytes) => bytes.last().is_none_or(|b| *b == b'\n'),
        Err(_) => true,
    };
    let mut text = if ends_in_newline { String::new() } else { "\n".to_owned() };
    for word in &new {
        text.push_str(word);
        text.push('\n');
    }
    // Never through a symbolic link: the list read was inside the project,
    // and what is written must be the same file.
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_not_words() {
        let text = "# the office's names\n\nCafcass\n  Archway  \n#Holborn\n";
        assert_eq!(words_of(text).collect::<Vec<_>>(), ["Cafcass", "Archway"]);
    }

    #[test]
    fn adding_keeps_the_file_and_skips_known_words() {
        let dir = tempfile::tempdir().unwrap();
        let files = Sandbox::new(dir.path()).unwrap();
        assert!(read(&files).unwrap().is_empty());
        std::fs::write(dir.path().join(WORDS_FILE), "# names\nCafcass").unwrap();
        let added = add(&files, &["Archway".into(), "Cafcass".into()]).unwrap();
        assert_eq!(added, ["Archway"]);
        let text = std::fs::read_to_string(dir.path().join(WORDS_FILE)).unwrap();
        assert_eq!(text, "# names\nCafcass\nArchway\n");
        assert!(matches!(add(&files, &["two words".into()]), Err(WordsError::NotAWord(_))));
        assert!(matches!(add(&files, &["--".into()]), Err(WordsError::NotAWord(_))));
    }

    #[test]
    fn a_word_list_outside_the_project_is_neither_read_nor_written() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "Secret\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(WORDS_FILE)).unwrap();
        let files = Sandbox::new(dir.path()).unwrap();
        assert!(matches!(read(&files), Err(WordsError::Read(ReadError::Outside { .. }))));
        assert!(add(&files, &["Archway".into()]).is_err());
        assert_eq!(std::fs::read_to_string(outside.path()).unwrap(), "Secret\n");
    }

    #[test]
    fn a_file_too_large_for_a_word_list_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = "word\n".repeat((Kind::WordList.limit() / 5 + 1) as usize);
        std::fs::write(dir.path().join(WORDS_FILE), big).unwrap();
        let files = Sandbox::new(dir.path()).unwrap();
        assert!(matches!(read(&files), Err(WordsError::Read(ReadError::TooLarge { .. }))));
    }
}
