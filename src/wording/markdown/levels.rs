//! A wording template's heading levels are relative: the first level it
//! uses is the letter's level 1, so a template that starts at `##` (as a
//! section of a longer document would) makes a letter whose headings PDF/UA
//! accepts, rather than failing with "the first heading must be of level 1".

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

/// Moves every heading of `events` up so that the highest is level 1.
pub(super) fn relative(events: &mut [(Event<'_>, Range<usize>)]) {
    let level = |event: &Event<'_>| match event {
        Event::Start(Tag::Heading { level, .. }) | Event::End(TagEnd::Heading(level)) => {
            Some(*level as usize)
        }
        _ => None,
    };
    let Some(top) = events.iter().filter_map(|(event, _)| level(event)).min() else { return };
    if top == 1 {
        return;
    }
    let up = |level: &mut HeadingLevel| {
        *level = HeadingLevel::try_from(*level as usize + 1 - top).unwrap_or(*level);
    };
    for (event, _) in events.iter_mut() {
        match event {
            Event::Start(Tag::Heading { level, .. }) | Event::End(TagEnd::Heading(level)) => {
                up(level);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MarkdownOptions, wording_to_typst};

    #[test]
    fn a_template_starting_at_level_two_makes_level_one_headings() {
        let typst = wording_to_typst(
            "## Subject – £\n\ntext\n\n### Area\n",
            &[],
            MarkdownOptions::default(),
        )
        .markup;
        assert!(typst.contains("#heading(level: 1, outlined: true)[Subject"), "{typst}");
        assert!(typst.contains("#heading(level: 2, outlined: true)[Area"), "{typst}");
        let same =
            wording_to_typst("# Subject\n\n## Area\n", &[], MarkdownOptions::default()).markup;
        assert!(same.contains("#heading(level: 1, outlined: true)[Subject"), "{same}");
    }
}
