//! Postal checks on the recipient's address, as GOV.UK Notify makes them:
//! a window envelope shows 3 to 7 lines, and the last line is a UK postcode
//! or a country.

/// Lines an address block may have in an envelope window.
pub const LINES: std::ops::RangeInclusive<usize> = 3..=7;

/// Countries a letter abroad may end with (the last line of its address).
const COUNTRIES: &[&str] = &[
    "australia",
    "austria",
    "belgium",
    "canada",
    "china",
    "cyprus",
    "czech republic",
    "denmark",
    "finland",
    "france",
    "germany",
    "gibraltar",
    "greece",
    "guernsey",
    "hong kong",
    "hungary",
    "iceland",
    "india",
    "ireland",
    "isle of man",
    "italy",
    "japan",
    "jersey",
    "luxembourg",
    "malta",
    "netherlands",
    "new zealand",
    "norway",
    "pakistan",
    "poland",
    "portugal",
    "republic of ireland",
    "romania",
    "singapore",
    "south africa",
    "spain",
    "sweden",
    "switzerland",
    "united states",
    "united states of america",
    "usa",
];

/// What is wrong with an address block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Too few or too many lines for an envelope window.
    #[error(
        "the address block has {0} lines; an envelope window shows 3 to 7 (name, role and organisation included)"
    )]
    Lines(usize),
    /// The last line is neither a postcode nor a country.
    #[error(
        "the last address line `{0}` does not end with a UK postcode (like SW1P 3BT) or name a country"
    )]
    NoPostcode(String),
}

/// Checks an address block of `lines` lines ending with `last`, and returns
/// the last line with its postcode normalised (upper case, one space).
pub fn check(lines: usize, last: &str) -> Result<String, AddressError> {
    if !LINES.contains(&lines) {
        return Err(AddressError::Lines(lines));
    }
    if let Some(normalised) = normalise_postcode_line(last) {
        return Ok(normalised);
    }
    let country = last.trim().to_lowercase();
    if COUNTRIES.contains(&country.as_str()) {
        return Ok(last.to_owned());
    }
    Err(AddressError::NoPostcode(last.to_owned()))
}

/// The line with its trailing UK postcode normalised, if it ends with one:
/// `London, sw1p3bt` → `London, SW1P 3BT`.
pub fn normalise_postcode_line(line: &str) -> Option<String> {
    let trimmed = line.trim_end();
    // A postcode is at most 8 characters with its space; try the longest
    // tail that parses.
    let chars: Vec<(usize, char)> = trimmed.char_indices().collect();
    for take in (5..=8).rev() {
        let Some(&(start, _)) = chars.len().checked_sub(take).and_then(|i| chars.get(i)) else {
            continue;
        };
        let (before, tail) = trimmed.split_at(start);
        if tail.starts_with(char::is_whitespace)
            || !(before.is_empty() || before.ends_with([' ', ',']))
        {
            continue;
        }
        if let Some(postcode) = normalise_postcode(tail) {
            return Some(format!("{before}{postcode}"));
        }
    }
    None
}

/// A UK postcode in its standard form, or `None` if `text` is not one.
pub fn normalise_postcode(text: &str) -> Option<String> {
    let compact: String =
        text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = {
        let b = inward.as_bytes();
        b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
    };
    // Outward code: A9, A99, AA9, AA99, A9A, AA9A.
    let o = outward.as_bytes();
    let letters = o.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let rest = &o[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest[0].is_ascii_digit()
        && match rest.len() {
            1 => true,
            2 => rest[1].is_ascii_alphanumeric(),
            _ => false,
        };
    (inward_ok && outward_ok).then(|| format!("{outward} {inward}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_recognised_and_normalised() {
        assert_eq!(normalise_postcode("SW1P3BT").as_deref(), Some("SW1P 3BT"));
        assert_eq!(normalise_postcode("ng1 6hj").as_deref(), Some("NG1 6HJ"));
        assert_eq!(normalise_postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        assert_eq!(normalise_postcode("EC1A 1BB").as_deref(), Some("EC1A 1BB"));
        assert_eq!(normalise_postcode("London"), None);
        assert_eq!(normalise_postcode("12345"), None);
    }

    #[test]
    fn the_last_line_keeps_its_town() {
        assert_eq!(normalise_postcode_line("London, SW1P3BT").as_deref(), Some("London, SW1P 3BT"));
        assert_eq!(normalise_postcode_line("sw1p 3bt").as_deref(), Some("SW1P 3BT"));
        assert_eq!(normalise_postcode_line("London, sw1p3bt").as_deref(), Some("London, SW1P 3BT"));
        assert_eq!(normalise_postcode_line("Great Smith Street"), None);
    }

    #[test]
    fn address_blocks_are_checked() {
        assert_eq!(check(7, "London, SW1P3BT"), Ok("London, SW1P 3BT".to_owned()));
        assert_eq!(check(4, "France"), Ok("France".to_owned()));
        assert_eq!(check(2, "SW1P 3BT"), Err(AddressError::Lines(2)));
        assert_eq!(check(9, "SW1P 3BT"), Err(AddressError::Lines(9)));
        assert!(matches!(check(5, "Great Smith Street"), Err(AddressError::NoPostcode(_))));
    }
}
