use super::*;

fn english() -> English {
    English::new(&ProseCheckConfig::default(), Words::new(["Cafcass", "ofsted"])).unwrap()
}

/// The words remarked on in a prose field, as written.
fn flagged(text: &str) -> Vec<&str> {
    english().markdown(text, &Words::default()).into_iter().map(|r| &text[r.range]).collect()
}

fn hints(text: &str) -> Vec<String> {
    english().markdown(text, &Words::default()).into_iter().filter_map(|r| r.hint).collect()
}

#[test]
fn british_spellings_are_accepted() {
    let text = "The organisation's programme changed staff behaviour; in our judgement the \
                centre will recognise the colour of the catalogue. Practitioners analyse, \
                travel, practise and fulfil their licence. Wellbeing and safeguarding, \
                unallocated cases and caseloads were discussed.";
    assert_eq!(flagged(text), Vec::<&str>::new());
}

#[test]
fn misspellings_are_found_with_suggestions() {
    let text = "Managers now recieve a weekly report on seperate cases.";
    assert_eq!(flagged(text), ["recieve", "seperate"]);
    assert_eq!(hints(text)[0], "did you mean `receive` or `relieve`?");
    assert!(hints(text)[1].starts_with("did you mean `separate`"), "{:?}", hints(text));
    let remark = &english().plain(text, &Words::default())[0];
    assert_eq!(remark.word.as_deref(), Some("recieve"));
    assert!(remark.message.contains("British English dictionary"), "{}", remark.message);
}

#[test]
fn american_spellings_are_remarked_on_with_the_british_one() {
    assert_eq!(flagged("The organization changed its behavior."), ["organization", "behavior"]);
    assert!(hints("The organization changed.")[0].contains("`organisation`"));
}

#[test]
fn codes_capitals_numbers_addresses_and_markdown_code_are_not_spell_checked() {
    let text = "MARAC and PPLP met in Q4; see `xyzzy` and [the report](https://exmple.org/qwrt) \
                or <https://gov.uk/qwrty>, ask name@exmple.org, visit www.qwrty.uk, on the \
                5th and 12-week review, e.g. &amp; more.\n\n```\nqwrty\n```\n\n<div>\nqwrty\n</div>\n";
    assert_eq!(flagged(text), Vec::<&str>::new());
}

#[test]
fn hyphenated_words_are_checked_by_their_parts() {
    assert_eq!(flagged("A well-led, co-ordinated, pre-proceedings service."), Vec::<&str>::new());
    assert_eq!(flagged("A well-ledd service."), ["ledd"]);
}

#[test]
fn the_word_list_and_the_letters_names_are_accepted() {
    let names = Words::default().with_names(["Naintara Khosla", "Vince O’Alridge"]);
    let text = "Cafcass’s and OFSTED's work, with Ofsted, Naintara Khosla and Mr O’Alridge.";
    assert!(english().plain(text, &names).is_empty());
    // A name of the list with capitals is not accepted in lower case.
    assert_eq!(flagged("cafcass and Khosla"), ["cafcass", "Khosla"]);
}

#[test]
fn a_word_written_twice_is_found_but_not_across_punctuation() {
    assert_eq!(flagged("The the service improved."), ["The the"]);
    assert_eq!(flagged("Staff had had training.\nIt is what that that means."), Vec::<&str>::new());
    assert_eq!(flagged("Progress is good, good and steady. So so."), ["So so"]);
    // Across a line break of the Markdown source, it is still one sentence.
    assert_eq!(flagged("Plans are in the\nthe file."), ["the\nthe"]);
}

#[test]
fn a_and_an_follow_the_sound_of_the_next_word() {
    let text = "It made an significant change and a inspection. A impact and An report.";
    assert_eq!(flagged(text), ["an significant", "a inspection", "A impact", "An report"]);
    assert_eq!(
        hints(text),
        ["write `a significant`", "write `an inspection`", "write `An impact`", "write `A report`"]
    );
    let right = "an hour, an honest view, a European, a university, a unanimous view, a one-off, \
                 a useful and a usual visit, an uninformed and an unusual plan, an update, an \
                 MP, a LSCB, an historic and a historic case, a yearly plan, grade A overall, \
                 Area A impact, an 8-week plan.";
    assert_eq!(flagged(right), Vec::<&str>::new());
}

#[test]
fn could_of_is_could_have() {
    assert_eq!(flagged("Managers could of acted sooner."), ["could of"]);
    assert_eq!(hints("Managers should of acted."), ["write `should have`"]);
    assert_eq!(flagged("Managers could of course act."), Vec::<&str>::new());
}

#[test]
fn rules_are_turned_off_by_name_and_an_unknown_name_is_refused() {
    let config = ProseCheckConfig { disable: vec!["spelling".into()], ..Default::default() };
    let english = English::new(&config, Words::default()).unwrap();
    let remarks = english.plain("We recieve an report.", &Words::default());
    assert_eq!(remarks.len(), 1);
    assert!(remarks[0].message.contains("a-an"), "{}", remarks[0].message);
    let config = ProseCheckConfig { disable: vec!["speling".into()], ..Default::default() };
    let err = English::new(&config, Words::default()).unwrap_err().to_string();
    assert!(err.contains("`speling`") && err.contains("did you mean `spelling`"), "{err}");
}

#[test]
fn remarks_are_placed_in_the_fields_text() {
    let text = "# Progress\n\n- item one is fine\n- item two has a **mistaek** in it\n";
    let remarks = english().markdown(text, &Words::default());
    assert_eq!(remarks.len(), 1);
    assert_eq!(&text[remarks[0].range.clone()], "mistaek");
}

#[test]
fn a_text_of_many_unknown_words_is_checked_with_few_suggestions() {
    let text = (0..200).map(|i| format!("qzx{}q", "v".repeat(i % 50 + 1))).collect::<Vec<_>>();
    let text = text.join(" ");
    let remarks = english().plain(&text, &Words::default());
    assert_eq!(remarks.len(), 200);
    assert!(remarks.iter().filter(|r| r.hint.is_some()).count() <= MAX_SUGGESTED);
}

#[test]
fn a_very_long_unknown_word_is_remarked_on_without_suggestions() {
    let word = "qzx".repeat(300);
    let remarks = english().plain(&format!("The {word} code."), &Words::default());
    assert_eq!(remarks.len(), 1);
    assert_eq!(remarks[0].hint, None);
}

#[test]
fn their_is_and_more_then_are_found_but_not_the_right_words() {
    let text =
        "Their is a plan and their are reviews; staff do more then before, rather then less.";
    assert_eq!(flagged(text), ["Their is", "their are", "more then", "rather then"]);
    assert_eq!(
        hints(text),
        ["write `There is`", "write `there are`", "write `more than`", "write `rather than`"]
    );
    let right = "Their plans are there. It is more than enough; staff met later then left, \
                 and there is less, then more. Their manager is new.";
    assert_eq!(flagged(right), Vec::<&str>::new());
}

#[test]
fn an_indented_paragraph_prints_as_prose_and_is_spell_checked() {
    let text = "First paragraph.\n\n    Managers now recieve a weekly report – £250.\n\nLast.";
    assert_eq!(flagged(text), ["recieve"]);
}

#[test]
fn an_american_spelling_is_never_offered_for_the_word_list() {
    for (word, british) in [("organization", "organisation"), ("behavior", "behaviour")] {
        let remark = &english().plain(&format!("The {word} changed."), &Words::default())[0];
        assert_eq!(remark.word, None, "{word}");
        assert!(remark.message.contains("American spelling"), "{}", remark.message);
        assert!(remark.hint.as_deref().unwrap_or_default().contains(british), "{remark:?}");
    }
    assert!(english().plain("The recieve.", &Words::default())[0].word.is_some());
}
