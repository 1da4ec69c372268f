//! The wording's Markdown (tera's output, with prose slots) → DOCX blocks.
//!
//! A second reader of the same pulldown-cmark events `wording::markdown`
//! turns into typst (same `parser_options`), so the DOCX says exactly what
//! the PDF says. A prose slot
//! (`<letterpress-prose-N>`) is replaced by the blocks of that prose field's
//! own Markdown: inline (inside "… reported that <slot>") its first
//! paragraph continues the paragraph, as the typst markup does.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Block, Para, Run};
use crate::model::MarkdownOptions;
use crate::wording::markdown::{parser_options, slot_number};

/// The blocks of `markdown`; each slot replaced by `slots[n]`'s blocks.
pub fn blocks(markdown: &str, slots: &[&str], options: MarkdownOptions) -> Vec<Block> {
    let mut b = Builder { slots, options, ..Builder::default() };
    for event in Parser::new_ext(markdown, parser_options(options)) {
        b.event(event);
    }
    b.close_para();
    b.stack.pop().map(|c| c.blocks).unwrap_or_default()
}

#[derive(Default)]
struct Builder<'a> {
    slots: &'a [&'a str],
    options: MarkdownOptions,
    /// Open containers: the document, list items, table cells.
    stack: Vec<Container>,
    /// The paragraph (or heading) being read.
    para: Option<(Option<u8>, Vec<Run>)>,
    bold: usize,
    italic: usize,
    strike: usize,
    /// Lists being read: their start number and items.
    lists: Vec<(Option<u32>, Vec<Vec<Block>>)>,
    /// Tables being read: rows of cells of runs.
    tables: Vec<Vec<Vec<Vec<Run>>>>,
    link: Option<(String, String)>,
}

#[derive(Default)]
struct Container {
    blocks: Vec<Block>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>) {
        if self.stack.is_empty() {
            self.stack.push(Container::default());
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.text(&text),
            Event::Html(html) | Event::InlineHtml(html) => {
                match slot_number(&html).and_then(|n| self.slots.get(n)) {
                    Some(prose) => self.splice(prose),
                    None => self.text(&html),
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {}
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]")),
            Event::TaskListMarker(done) => self.text(if done { "■ " } else { "□ " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open_para(None),
            Tag::Heading { level, .. } => self.open_para(Some(level as u8)),
            Tag::List(start) => {
                self.close_para();
                self.lists.push((start.map(|n| n as u32), Vec::new()));
            }
            Tag::Item | Tag::TableCell => {
                self.close_para();
                self.stack.push(Container::default());
            }
            Tag::Table(_) => {
                self.close_para();
                self.tables.push(Vec::new());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = self.tables.last_mut() {
                    table.push(Vec::new());
                }
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } => self.link = Some((String::new(), dest_url.to_string())),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.close_para(),
            TagEnd::Item => {
                self.close_para();
                let item = self.stack.pop().unwrap_or_default().blocks;
                if let Some((_, items)) = self.lists.last_mut() {
                    items.push(item);
                }
            }
            TagEnd::List(_) => {
                if let Some((ordered, items)) = self.lists.pop() {
                    self.push(Block::List { ordered, items });
                }
            }
            TagEnd::TableCell => {
                self.close_para();
                let cell = self.stack.pop().unwrap_or_default().blocks;
                let runs = cell
                    .into_iter()
                    .flat_map(|b| match b {
                        Block::Paragraph(p) => p.runs,
                        _ => Vec::new(),
                    })
                    .collect();
                if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
                    row.push(runs);
                }
            }
            TagEnd::Table => {
                if let Some(rows) = self.tables.pop() {
                    self.push(Block::Table { rows });
                }
            }
            TagEnd::Emphasis => self.italic -= 1,
            TagEnd::Strong => self.bold -= 1,
            TagEnd::Strikethrough => self.strike -= 1,
            TagEnd::Link => {
                // On paper a link is its text: the address follows, as in the PDF.
                if let Some((text, address)) = self.link.take()
                    && text.trim() != address.trim()
                {
                    self.text(&format!(" ({address})"));
                }
            }
            _ => {}
        }
    }

    fn open_para(&mut self, heading: Option<u8>) {
        self.close_para();
        self.para = Some((heading, Vec::new()));
    }

    fn close_para(&mut self) {
        if let Some((heading, runs)) = self.para.take()
            && !runs.is_empty()
        {
            let para = Para::of(runs);
            self.push(match heading {
                Some(level) => Block::Heading { level, para },
                None => Block::Paragraph(para),
            });
        }
    }

    fn push(&mut self, block: Block) {
        if let Some(top) = self.stack.last_mut() {
            top.blocks.push(block);
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((link, _)) = &mut self.link {
            link.push_str(text);
        }
        // Text in a tight list item comes without a paragraph.
        let runs = &mut self.para.get_or_insert_with(|| (None, Vec::new())).1;
        let run = Run {
            text: text.to_owned(),
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            change: None,
        };
        match runs.last_mut() {
            Some(last)
                if (last.bold, last.italic, last.strike) == (run.bold, run.italic, run.strike) =>
            {
                last.text.push_str(text)
            }
            _ => runs.push(run),
        }
    }

    /// A prose field's blocks in place of its slot.
    fn splice(&mut self, prose: &str) {
        let mut blocks = blocks(prose, &[], self.options).into_iter();
        if let (Some((_, runs)), Some(Block::Paragraph(first))) =
            (&mut self.para, blocks.as_slice().first())
        {
            runs.extend(first.runs.iter().cloned());
            blocks.next();
        }
        let rest: Vec<Block> = blocks.collect();
        if !rest.is_empty() {
            self.close_para();
            for block in rest {
                self.push(block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: MarkdownOptions = MarkdownOptions { smart_punctuation: false };

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) | Block::Heading { para: p, .. } => {
                    p.runs.iter().map(|r| r.text.as_str()).collect()
                }
                Block::List { items, .. } => format!("list of {}", items.len()),
                Block::Table { rows } => format!("table of {}", rows.len()),
            })
            .collect()
    }

    #[test]
    fn an_inline_slot_continues_the_paragraph_and_adds_the_rest() {
        let b = blocks(
            "The inspection reported that <letterpress-prose-0>\n\nNext.",
            &["data was *poor*.\n\nSecond £ ’ ŵ 🙂."],
            OPTIONS,
        );
        assert_eq!(
            texts(&b),
            ["The inspection reported that data was poor.", "Second £ ’ ŵ 🙂.", "Next."]
        );
        let Block::Paragraph(p) = &b[0] else { panic!() };
        assert!(p.runs.iter().any(|r| r.italic && r.text == "poor"));
    }

    #[test]
    fn a_block_slot_is_its_blocks() {
        let b = blocks("# Area 1\n\n<letterpress-prose-0>\n", &["- one\n- two\n"], OPTIONS);
        assert_eq!(texts(&b), ["Area 1", "list of 2"]);
    }

    #[test]
    fn lists_nest_and_tables_keep_their_rows() {
        let b = blocks("1. a\n   - b\n2. c\n\n| x | y |\n|---|---|\n| 1 | 2 |\n", &[], OPTIONS);
        let Block::List { ordered: Some(1), items } = &b[0] else { panic!("{b:?}") };
        assert_eq!(texts(&items[0]), ["a", "list of 1"]);
        assert_eq!(texts(&b[1..]), ["table of 2"]);
    }

    proptest::proptest! {
        /// Any prose, Markdown or not, becomes blocks without a panic, and
        /// its words (outside markup) are all there.
        #[test]
        fn any_prose_becomes_blocks_keeping_its_words(
            words in proptest::collection::vec("[a-z£’“”–…éŵ🙂]{1,6}", 1..12),
            marks in proptest::collection::vec(proptest::sample::select(
                vec![" ", "\n\n", " *", "* ", "\n- ", "\n1. ", " **", "| ", "\n# ", "[", "](x) ", "~~"]), 12),
        ) {
            let text: String = words.iter().zip(&marks).map(|(w, m)| format!("{w}{m}")).collect();
            let b = blocks("Intro <letterpress-prose-0>", &[&text], OPTIONS);
            let all = format!("{b:?}");
            for word in &words {
                proptest::prop_assert!(all.contains(word.as_str()), "{word} lost from {text:?}: {all}");
            }
        }
    }
}
