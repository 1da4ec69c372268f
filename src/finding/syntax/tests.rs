use super::*;

/// Each problem toml's errors in `text` give: (line, message, hint).
fn explained(text: &str) -> Vec<(usize, String, String)> {
    let (_, errors) = toml::de::DeTable::parse_recoverable(text);
    assert!(!errors.is_empty(), "toml finds no mistake in {text:?}");
    problems(text, &errors)
        .0
        .into_iter()
        .map(|p| {
            let line = p.span.map_or(0, |s| Line::at(text, s.start).number);
            (line, p.message, p.hint.unwrap_or_default())
        })
        .collect()
}

/// The one problem in `text`: its message and hint.
fn one(text: &str) -> (String, String) {
    let mut found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (_, message, hint) = found.remove(0);
    (message, hint)
}

#[test]
fn a_date_written_day_first_is_given_back_year_first() {
    let (message, hint) = one("a = 1\ndate = 27/11/2026\n");
    assert_eq!(message, "a date is written year-month-day: write the date as 2026-11-27");
    assert_eq!(hint, "write the line as: date = 2026-11-27");
    let (message, _) = one("date = 2026-1-5");
    assert!(message.ends_with("write the date as 2026-01-05"), "{message}");
    let (message, hint) = one("date = 2010-02-30");
    assert_eq!(message, "2010-02-30 is not a date: February 2010 has 28 days");
    assert!(hint.contains("year-month-day"), "{hint}");
}

#[test]
fn curly_quotes_are_named_and_straightened() {
    let (message, hint) = one("role = “Chief Executive”");
    assert!(message.starts_with("these are curly quotes from a word processor"), "{message}");
    assert_eq!(hint, "write the line as: role = \"Chief Executive\"");
    let (_, hint) = one("role = ‘Her Majesty’s Inspector’");
    assert_eq!(hint, "write the line as: role = \"Her Majesty’s Inspector\"");
    let (_, hint) = one("met = [“a”, “b”]");
    assert_eq!(hint, "write the line as: met = [\"a\", \"b\"]");
}

#[test]
fn names_and_values_are_joined_by_equals() {
    let (message, hint) = one("role: \"Director\"");
    assert_eq!(message, "use = between the name and the value, not :");
    assert_eq!(hint, "write the line as: role = \"Director\"");
    let (message, hint) = one("overall \"good\"");
    assert_eq!(message, "`overall` needs = between the name and its value");
    assert_eq!(hint, "write the line as: overall = \"good\"");
    let (_, hint) = one("service area = \"x\"");
    assert_eq!(hint, "write the line as: service_area = \"x\"");
}

#[test]
fn quotes_inside_and_missing_quotes() {
    let (message, hint) = one("name = \"The \"Best\" service\"");
    assert!(message.starts_with("a quote inside a value"), "{message}");
    assert_eq!(hint, "write the line as: name = 'The \"Best\" service'");
    let (message, hint) = one("name = \"Margaret Ellery\nrole = \"x\"");
    assert_eq!(message, "the text has no closing quote");
    assert_eq!(hint, "write the line as: name = \"Margaret Ellery\"");
    let (_, hint) = one("role = Chief Executive");
    assert_eq!(hint, "write the line as: role = \"Chief Executive\"");
    let (_, hint) = one("a = 'it's'");
    assert_eq!(hint, "write the line as: a = \"it's\"");
}

#[test]
fn lists_with_a_comma_missing_or_never_closed() {
    let (message, hint) = one("address = [\"a\" \"b\"]");
    assert_eq!(message, "a comma is missing between two entries of the list");
    assert_eq!(hint, "write the line as: address = [\"a\", \"b\"]");
    let text = "[recipient]\naddress = [\"Unit 4\", \"Harbour Court\"\nsalutation = \"Dear Ms Ellery\"\n\n[inspection]\nprovider = \"Cafcass\"\n";
    let found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
    assert_eq!(found[0].1, "the list opened on line 2 with [ is never closed");
    let (_, hint) = one("met = [Head of Service]");
    assert_eq!(hint, "write the line as: met = [\"Head of Service\"]");
}

#[test]
fn an_area_written_with_one_bracket_is_named_once() {
    let text = "[area]\ntimescale = \"immediately\"\n[area]\ntimescale = \"immediately\"\n";
    let found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert_eq!(found[0].1, "each area starts with [[area]], two brackets on each side");
    let (message, hint) = one("[visit\nfrom = 1");
    assert_eq!(message, "the section header [visit has no closing ]");
    assert_eq!(hint, "write the line as: [visit]");
}

#[test]
fn a_key_written_twice_names_the_first() {
    let found = explained("[recipient]\nrole = \"a\"\nname = \"b\"\nrole = \"c\"\n");
    assert_eq!(found[0].0, 4);
    assert_eq!(found[0].1, "`role` is written twice in the same section (first on line 2)");
}

#[test]
fn an_unclosed_text_block_is_the_only_mistake_reported() {
    let text = "[[area]]\nreported = \"\"\"\nthe log was late.\n\njudgement = \"good\"\nprogress = \"\"\"\nThe log is kept: it is \"checked\" daily.\nNothing = is late.\n\"\"\"\n";
    let found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
    assert_eq!(found[0].1, "the text block opened on line 2 with \"\"\" is never closed");
    assert!(found[0].2.contains("before line 5"), "{}", found[0].2);
    // At the end of the file.
    let (message, _) = one("a = 1\nprogress = \"\"\"\ntext\n");
    assert_eq!(message, "the text block opened on line 2 with \"\"\" is never closed");
}

#[test]
fn blocks_closed_on_their_line_or_in_strings_are_not_open() {
    assert_eq!(unclosed_block("a = \"\"\"x\"\"\"\nb = 1\n"), None);
    assert_eq!(unclosed_block("a = \"say \\\"\\\"\\\"\"\nb = 1\n"), None);
    assert_eq!(unclosed_block("# \"\"\" in a comment\nb = 1\n"), None);
    assert_eq!(unclosed_block("a = '''x\n'''\nb = 1\n"), None);
    // A line of prose that looks like a line of the file, in a block that is closed.
    assert_eq!(unclosed_block("p = \"\"\"\nname = \"was\" here\n\"\"\"\ndate = 1/2/2026\n"), None);
}

#[test]
fn no_message_uses_the_parser_s_words() {
    let texts = [
        "date = 27/11/2026",
        "role = “x”",
        "[area]\na = 1\n[area]\na = 2",
        "role: \"x\"",
        "a = \"x\" y",
        "address = [\"a\" \"b\"]",
        "name = \"x",
        "a = \"tab\\q\"",
        "a = \"x\",",
        "[area]]\nb = 2",
        "x = = 2",
        "a.b = 1\na = 2",
    ];
    for text in texts {
        for (_, message, hint) in explained(text) {
            for jargon in
                ["variant", "basic string", "unquoted key", "expected newline", "must be quoted"]
            {
                assert!(!message.contains(jargon) && !hint.contains(jargon), "{text}: {message}");
            }
        }
    }
}

/// `text` with the line a "write the line as" hint is about written as it
/// says.
fn applied(text: &str) -> String {
    let found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, _, hint) = &found[0];
    let written = hint.strip_prefix("write the line as: ").unwrap_or_else(|| panic!("{hint}"));
    let mut lines: Vec<&str> = text.lines().collect();
    lines[line - 1] = written;
    lines.join("\n") + "\n"
}

#[test]
fn a_hint_keeps_the_comment_new_writes_after_a_value_a_comment() {
    let text = "[[area]]\naction = \"… across all “courts” – the \"duty\" rota\"   # completes \"ensure that …\"\n";
    let fixed = applied(text);
    assert!(fixed.contains("   # completes \"ensure that …\""), "{fixed}");
    let table: toml::Table = toml::from_str(&fixed).unwrap_or_else(|e| panic!("{e}\n{fixed}"));
    let area = &table["area"].as_array().unwrap()[0];
    assert_eq!(area["action"].as_str(), Some("… across all “courts” – the \"duty\" rota"));
}

#[test]
fn a_uk_date_on_a_commented_line_gets_the_date_hint() {
    let text = "[visit]\nfrom = 22/11/2010   # first day of the visit (year-month-day)\n";
    let (message, hint) = one(text);
    assert!(message.ends_with("write the date as 2010-11-22"), "{message}");
    assert_eq!(
        hint,
        "write the line as: from = 2010-11-22   # first day of the visit (year-month-day)"
    );
    let table: toml::Table = toml::from_str(&applied(text)).unwrap();
    assert_eq!(table["visit"]["from"].to_string(), "2010-11-22");
    let (_, hint) = one("[recipient]\nrole = Chief Executive   # their title\n");
    assert_eq!(hint, "write the line as: role = \"Chief Executive\"   # their title");
}

#[test]
fn word_characters_before_a_mistake_never_panic() {
    // The reported panic: a `£` before the mistake, inside a text block.
    let text = "a = \"\"\"\nFees of £250 – “paid” … é ŵ 😀\n\"\"\"\nrole: \"x\"\n";
    let (message, _) = one(text);
    assert_eq!(message, "use = between the name and the value, not :");
    for cut in 0..text.len() {
        if text.is_char_boundary(cut) {
            let broken = format!("{}\"{}", &text[..cut], &text[cut..]);
            let (_, errors) = toml::de::DeTable::parse_recoverable(&broken);
            let _ = problems(&broken, &errors);
        }
    }
}

#[test]
fn one_single_bracket_area_is_one_mistake_not_every_area_after_it() {
    let text = "[area]\naction = \"a\"\n\n[[area]]\naction = \"b\"\n\n[[area]]\naction = \"c\"\n";
    let found = explained(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 1);
    assert_eq!(found[0].1, AREA_HEADER);
    let table: toml::Table = toml::from_str(&applied(text)).unwrap();
    assert_eq!(table["area"].as_array().unwrap().len(), 3);
}

#[test]
fn an_unclosed_text_block_is_named_beside_an_earlier_mistake() {
    let text = "[recipient]\nrole: \"Director\"\n\n[[area]]\nprogress = \"\"\"\nFees of £250 – “paid”.\n\n[[area]]\naction = \"b\"\n";
    let found = explained(text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].1, "use = between the name and the value, not :");
    assert_eq!(found[1].0, 5);
    assert!(found[1].1.starts_with("the text block opened on line 5"), "{found:?}");
}

#[test]
fn a_tab_before_a_line_is_shown_as_spaces_in_the_hint() {
    let (_, hint) = one("[recipient]\n\trole: \"Director\"\n");
    assert_eq!(hint, "write the line as:     role = \"Director\"");
}

#[test]
fn a_raw_control_character_is_named_with_its_line_and_column() {
    let (message, hint) = one("a = 1\nrole = \"£ ’ é 🙂\u{0} Chief\"\n");
    assert_eq!(
        message,
        "line 2, column 16 holds a NUL character (U+0000, a zero byte): it cannot be seen, and a letter cannot print it"
    );
    assert_eq!(hint, "delete it; write the line as: role = \"£ ’ é 🙂 Chief\"");
    let (message, _) = one("role = \"x\u{1b}[2J\"\n");
    assert!(message.contains("column 10 holds an escape character (U+001B)"), "{message}");
}

#[test]
fn a_value_nested_thousands_deep_is_said_once_with_its_line() {
    let text = format!("a = 1\noverall = {}\nrole = \"Chief Executive\"\n", "[".repeat(3000));
    let found = explained(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, message, hint) = &found[0];
    assert_eq!(*line, 2);
    assert_eq!(
        message,
        "line 2 opens 3000 brackets [ or { inside each other, more than any value holds"
    );
    assert!(hint.ends_with("give it a value, like: overall = \"good\""), "{hint}");
}
