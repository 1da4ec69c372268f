//! Markdown → typst markup.
//!
//! Inspectors write prose fields in CommonMark. This module turns them into
//! typst markup that shows the same text and structure, using pulldown-cmark's
//! event stream and one small writer with an exhaustive `match` over events
//! (the shape of mdBook's `MarkdownTreeBuilder`).
//!
//! Safety rests on two rules, kept in this file and in [`super::escape`]:
//! every piece of inspector text goes through [`escape::push_markup`] or
//! [`escape::string`], and every construct the writer emits is a function call
//! in code form terminated by `;` (`#emph[...];`, `#list([..], [..]);`), so
//! nothing depends on what is at the start of a line and no following text can
//! continue a call. Raw HTML is never passed through: it is printed as text
//! and reported as a warning.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd,
};

use super::escape;
use crate::finding::ProseRemark;
use crate::model::MarkdownOptions;

mod bullets;
mod frames;
mod levels;

use frames::{Frame, Frames};

/// How deep containers (lists, quotes, emphasis …) may nest before the writer
/// stops wrapping and flattens their content.
///
/// typst refuses to lay out lists nested deeper than about 31 levels and
/// parses at most 256 nested brackets; a letter never needs more than a few
/// levels, so deeper input keeps its text but loses the extra nesting instead
/// of failing the compile.
const MAX_NESTING: usize = 16;

/// How many times text indented inside indented text is read again as
/// prose; deeper indentation is printed as plain text.
const MAX_INDENTED: usize = 8;

/// The result of converting one Markdown text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// typst markup, safe to place at the top level or inside `[...]`.
    pub markup: String,
    /// Constructs that were shown differently from what the Markdown asked.
    pub warnings: Vec<ProseRemark>,
    /// Where in `markup` the last top-level block begins: the layout keeps
    /// it with the sign-off.
    pub last_block: usize,
}

/// What a wording template's `markdown` filter leaves in the template's
/// Markdown for the `n`th prose field it inserts: raw HTML, which no escaped
/// value can form, replaced by the field's converted markup. Each prose
/// field is converted on its own, so none can change the wording around it
/// (an unclosed code fence, a footnote label used twice).
pub fn prose_slot(n: usize) -> String {
    format!("<letterpress-prose-{n}>")
}

/// The prose field a slot names, if `html` is one.
pub fn slot_number(html: &str) -> Option<usize> {
    html.trim().strip_prefix("<letterpress-prose-")?.strip_suffix('>')?.parse().ok()
}

/// Converts the Markdown a wording template produced: its headings are the
/// letter's own (in the PDF outline), and each [`prose_slot`] is replaced by
/// the markup in `slots`.
pub fn wording_to_typst(markdown: &str, slots: &[&str], options: MarkdownOptions) -> Converted {
    let mut events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(markdown, parser_options(options)).into_offset_iter().collect();
    levels::relative(&mut events);
    let context = Context { options, indented: 0, depth: 0 };
    let footnotes = footnote_definitions(markdown, &events, context);
    let mut writer = Writer::new(markdown, &footnotes, None, context);
    writer.slots = slots;
    writer.outlined = true;
    writer.out.reserve(markdown.len() + slots.iter().map(|s| s.len()).sum::<usize>());
    writer.run(&events);
    writer.finish()
}

/// Converts Markdown to typst markup.
///
/// `lead` is plain text placed at the start of the first paragraph: the
/// letter's wording often begins a sentence ("The inspection in December 2009
/// reported that") that the inspector's prose completes.
pub fn to_typst(markdown: &str, lead: Option<&str>, options: MarkdownOptions) -> Converted {
    convert(markdown, lead, Context { options, indented: 0, depth: 0 })
}

/// What a conversion inherits from the text it is part of.
#[derive(Debug, Clone, Copy)]
struct Context {
    options: MarkdownOptions,
    /// How many indented blocks around this text were read again as prose.
    indented: usize,
    /// How deep the containers around this text are nested.
    depth: usize,
}

fn convert(markdown: &str, lead: Option<&str>, context: Context) -> Converted {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(markdown, parser_options(context.options)).into_offset_iter().collect();
    let footnotes = footnote_definitions(markdown, &events, context);
    let mut writer = Writer::new(markdown, &footnotes, lead, context);
    // Escaping adds a backslash here and there: room for that up front
    // saves growing the output several times per field.
    writer.out.reserve(markdown.len() + markdown.len() / 4 + lead.map_or(0, str::len));
    writer.run(&events);
    writer.finish()
}

/// What a letter cannot show as written in `markdown`: the warnings `check`
/// reports on a prose field.
pub fn remarks(markdown: &str) -> Vec<ProseRemark> {
    let mut found = to_typst(markdown, None, MarkdownOptions::default()).warnings;
    found.extend(bullets::remarks(markdown));
    found
}

/// The one place that decides which Markdown extensions letters accept.
pub fn parser_options(options: MarkdownOptions) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Converts every footnote definition on its own, keyed by label.
///
/// typst places a footnote's text where it is referenced, while Markdown
/// defines it anywhere (usually at the end), so definitions are converted
/// first and looked up when a reference is met.
fn footnote_definitions(
    source: &str,
    events: &[(Event<'_>, Range<usize>)],
    context: Context,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let none = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i].0 {
            let end = matching_end(events, i);
            let mut writer = Writer::new(source, &none, None, context);
            writer.run(&events[i + 1..end]);
            map.entry(label.to_string()).or_insert(writer.finish().markup);
            i = end;
        }
        i += 1;
    }
    map
}

/// Index of the `End` event that closes the `Start` at `start`.
fn matching_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// Streams typst markup for a sequence of Markdown events.
struct Writer<'a> {
    /// The Markdown the events were read from.
    source: &'a str,
    out: String,
    frames: Frames,
    /// Text of the code block being read, emitted at its end.
    code: Option<String>,
    /// For an indented block (read as prose, not code): where each piece of
    /// its text is in `source`, by its offset in `code`.
    indented: Option<Vec<(usize, usize)>>,
    /// The source of the last paragraph started, to tell a list or heading
    /// that interrupts it.
    paragraph: Option<Range<usize>>,
    footnotes: &'a HashMap<String, String>,
    lead: Option<&'a str>,
    warnings: Vec<ProseRemark>,
    hidden: usize,
    context: Context,
    /// Converted prose for the slots of a wording template.
    slots: &'a [&'a str],
    /// Whether headings go into the PDF outline (the wording's do, prose's not).
    outlined: bool,
    /// The text of the link being read and the address it shows, so the
    /// address can be printed after it: on paper a link is only its text.
    link: Option<(String, String)>,
    /// Where the last top-level block begins in `out`.
    last_block: usize,
}

impl<'a> Writer<'a> {
    fn new(
        source: &'a str,
        footnotes: &'a HashMap<String, String>,
        lead: Option<&'a str>,
        context: Context,
    ) -> Self {
        Self {
            source,
            out: String::new(),
            frames: Frames { stack: vec![Frame::Block { wrapped: false, blocks: 0 }], wrapped: 0 },
            code: None,
            indented: None,
            paragraph: None,
            footnotes,
            lead,
            warnings: Vec::new(),
            hidden: 0,
            context,
            slots: &[],
            outlined: false,
            link: None,
            last_block: 0,
        }
    }

    fn run(&mut self, events: &[(Event<'_>, Range<usize>)]) {
        for (event, range) in events {
            if self.hidden > 0 {
                match event {
                    Event::Start(_) => self.hidden += 1,
                    Event::End(_) => self.hidden -= 1,
                    _ => {}
                }
                if self.hidden == 0 {
                    self.frames.pop();
                }
                continue;
            }
            self.event(event, range.clone());
        }
    }

    fn finish(mut self) -> Converted {
        if let Some(lead) = self.lead.take() {
            // Prose with no paragraph at all still gets its lead.
            escape::push_markup(&mut self.out, lead);
        }
        let mut markup = self.out;
        markup.truncate(markup.trim_end().len());
        let leading = markup.len() - markup.trim_start().len();
        markup.drain(..leading);
        let last_block = self.last_block.saturating_sub(leading).min(markup.len());
        Converted { markup, warnings: self.warnings, last_block }
    }

    fn event(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => {
                if let (Some(pieces), Some(code)) = (&mut self.indented, &self.code) {
                    pieces.push((code.len(), range.start));
                }
                self.text(text);
            }
            Event::Code(code) => {
                self.inline_call(&format!("#raw({})", escape::string(code)));
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(math),
            Event::Html(html) | Event::InlineHtml(html)
                if let Some(slot) = slot_number(html).and_then(|n| self.slots.get(n)) =>
            {
                self.out.push_str(slot);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.warn(
                    range,
                    "raw HTML cannot be shown in a letter; it is printed as plain text",
                );
                self.text(html);
            }
            Event::FootnoteReference(label) => match self.footnotes.get(label.as_ref()) {
                Some(body) => {
                    let call = format!("#footnote[{body}]");
                    self.inline_call(&call);
                }
                None => self.text(&format!("[^{label}]")),
            },
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.inline_call("#linebreak()"),
            Event::Rule => {
                self.begin_block();
                self.out.push_str("#line(length: 100%);");
            }
            // Boxes the shipped fonts have (☐ and ☒ are not in Liberation).
            Event::TaskListMarker(done) => self.text(if *done { "■ " } else { "□ " }),
        }
    }

    fn start(&mut self, tag: &Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.paragraph = Some(range);
                self.begin_block();
                if let Some(lead) = self.lead.take() {
                    escape::push_markup(&mut self.out, lead);
                }
                self.frames.push(Frame::Inline { wrapped: false });
            }
            // A wording template's headings are the letter's (subject,
            // areas). A heading inside a prose field is printed as a bold
            // line of its own: the letter's headings give its structure, and
            // a prose `#####` under them would skip levels, which PDF/UA
            // forbids.
            Tag::Heading { level, .. } => {
                self.interrupts(&range, "a heading");
                if self.source[range.clone()].trim_end().contains('\n') {
                    self.warn(
                        range.clone(),
                        "the line of --- or === under this text makes it a heading: if you meant a line across the page, leave a blank line above the dashes",
                    );
                }
                self.begin_block();
                if self.outlined {
                    let open = format!("#heading(level: {}, outlined: true)[", *level as usize);
                    self.open_inline(&open);
                } else {
                    self.open_inline("#strong[");
                }
            }
            Tag::BlockQuote(kind) => {
                self.begin_block();
                let wrapped = self.can_nest();
                if wrapped {
                    self.out.push_str("#quote(block: true)[");
                }
                self.frames.push(Frame::Block { wrapped, blocks: 0 });
                if let Some(kind) = kind {
                    self.open_inline("#strong[");
                    self.text(alert_title(*kind));
                    self.end_inline();
                    self.out.push(' ');
                }
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => {
                // Indenting prose (to tidy the file) never makes it code:
                // the text is read again as prose at its end; a list right
                // under it interrupts it as it would a paragraph.
                self.paragraph = Some(range);
                self.begin_block();
                self.code = Some(String::new());
                self.indented = Some(Vec::new());
            }
            Tag::CodeBlock(kind) => {
                self.begin_block();
                if let CodeBlockKind::Fenced(info) = kind
                    && let Some(lang) = info.split_whitespace().next()
                {
                    self.out
                        .push_str(&format!("#raw(block: true, lang: {}, ", escape::string(lang)));
                } else {
                    self.out.push_str("#raw(block: true, ");
                }
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.begin_block();
                self.frames.push(Frame::Inline { wrapped: false });
            }
            Tag::List(start) => {
                self.interrupts(&range, "a list");
                self.begin_block();
                let wrapped = self.can_nest();
                if wrapped {
                    match start {
                        Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                        None => self.out.push_str("#list("),
                    }
                }
                self.frames.push(Frame::Arguments { wrapped });
            }
            Tag::Item | Tag::TableCell => {
                let wrapped =
                    matches!(self.frames.last(), Some(Frame::Arguments { wrapped: true }));
                if wrapped {
                    self.out.push('[');
                } else {
                    self.begin_block();
                }
                self.frames.push(Frame::Block { wrapped, blocks: 0 });
            }
            Tag::FootnoteDefinition(_) | Tag::MetadataBlock(_) => {
                self.frames.push(Frame::Hidden);
                self.hidden = 1;
            }
            Tag::DefinitionList => self.frames.push(Frame::Block { wrapped: false, blocks: 0 }),
            Tag::DefinitionListTitle => {
                self.begin_block();
                self.open_inline("#strong[");
            }
            Tag::DefinitionListDefinition => {
                self.begin_block();
                self.frames.push(Frame::Block { wrapped: false, blocks: 0 });
            }
            Tag::Table(alignments) => {
                self.begin_block();
                let wrapped = self.can_nest();
                if wrapped {
                    let aligns: Vec<&str> = alignments.iter().map(|a| align_name(*a)).collect();
                    self.out.push_str(&format!(
                        "#table(columns: {}, align: ({},), ",
                        alignments.len().max(1),
                        aligns.join(", ")
                    ));
                }
                self.frames.push(Frame::Arguments { wrapped });
            }
            Tag::TableHead => {
                let wrapped =
                    matches!(self.frames.last(), Some(Frame::Arguments { wrapped: true }));
                if wrapped {
                    self.out.push_str("table.header(");
                }
                self.frames.push(Frame::Arguments { wrapped });
            }
            Tag::TableRow => {}
            Tag::Emphasis => self.open_inline("#emph["),
            Tag::Strong => self.open_inline("#strong["),
            Tag::Strikethrough => self.open_inline("#strike["),
            Tag::Superscript => self.open_inline("#super["),
            Tag::Subscript => self.open_inline("#sub["),
            Tag::Link { link_type, dest_url, .. } => {
                let url = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                if url.is_empty() {
                    self.frames.push(Frame::Inline { wrapped: false });
                } else if !is_allowed_link(&url) {
                    self.warn(
                        range,
                        &format!(
                            "the link `{url}` is not a web, e-mail or phone address; only its text is printed"
                        ),
                    );
                    self.frames.push(Frame::Inline { wrapped: false });
                } else {
                    self.open_inline(&format!("#link({})[", escape::string(&url)));
                    self.link = Some((String::new(), dest_url.to_string()));
                }
            }
            Tag::Image { dest_url, .. } => {
                self.warn(
                    range,
                    &format!(
                        "image `{dest_url}` cannot be shown in a letter; its description is printed instead"
                    ),
                );
                self.frames.push(Frame::Inline { wrapped: false });
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::CodeBlock if self.indented.is_some() => self.indented_prose(),
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                self.out.push_str(&escape::string(&code));
                self.out.push_str(");");
            }
            TagEnd::TableRow => {}
            TagEnd::Item | TagEnd::TableCell => {
                if let Some(Frame::Block { wrapped: true, .. }) = self.frames.pop() {
                    self.out.push_str("], ");
                }
            }
            TagEnd::List(_) | TagEnd::Table => {
                if let Some(Frame::Arguments { wrapped: true }) = self.frames.pop() {
                    self.out.push_str(");");
                }
            }
            TagEnd::TableHead => {
                if let Some(Frame::Arguments { wrapped: true }) = self.frames.pop() {
                    self.out.push_str("), ");
                }
            }
            TagEnd::BlockQuote(_) => {
                if let Some(Frame::Block { wrapped: true, .. }) = self.frames.pop() {
                    self.out.push_str("];");
                }
            }
            TagEnd::DefinitionList | TagEnd::DefinitionListDefinition => {
                self.frames.pop();
            }
            TagEnd::Link => {
                self.end_inline();
                if let Some((text, address)) = self.link.take()
                    && !same_address(&text, &address)
                {
                    escape::push_markup(&mut self.out, &format!(" ({address})"));
                }
            }
            _ => self.end_inline(),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((link_text, _)) = &mut self.link {
            link_text.push_str(text);
        }
        match &mut self.code {
            Some(code) => code.push_str(text),
            None => escape::push_markup(&mut self.out, text),
        }
    }

    /// Emits a complete inline call such as `#raw("x")`, terminated by `;`.
    fn inline_call(&mut self, call: &str) {
        self.out.push_str(call);
        self.out.push(';');
    }

    /// Opens an inline wrapper like `#emph[`, unless nesting is too deep.
    fn open_inline(&mut self, open: &str) {
        let wrapped = self.can_nest();
        if wrapped {
            self.out.push_str(open);
        }
        self.frames.push(Frame::Inline { wrapped });
    }

    fn end_inline(&mut self) {
        if let Some(Frame::Inline { wrapped: true }) = self.frames.pop() {
            self.out.push_str("];");
        }
    }

    /// Separates a new block from the previous one in the same container.
    fn begin_block(&mut self) {
        let Some(Frame::Block { blocks, .. }) =
            self.frames.stack.iter_mut().rev().find(|f| matches!(f, Frame::Block { .. }))
        else {
            return;
        };
        if *blocks > 0 {
            self.out.push_str("\n\n");
        }
        *blocks += 1;
        if self.frames.len() == 1 {
            self.last_block = self.out.len();
        }
    }

    /// Converts the indented block just read as prose of its own, in place.
    fn indented_prose(&mut self) {
        let text = self.code.take().unwrap_or_default();
        let pieces = self.indented.take().unwrap_or_default();
        if self.context.indented >= MAX_INDENTED {
            escape::push_markup(
                &mut self.out,
                &text.split_whitespace().collect::<Vec<_>>().join(" "),
            );
            return;
        }
        let context =
            Context { indented: self.context.indented + 1, depth: self.depth(), ..self.context };
        let converted = convert(&dedent(&text), self.lead.take(), context);
        self.out.push_str(&converted.markup);
        // Each remark back at the place in this text it came from (the
        // start of the piece of text it is in: dedenting moved the rest).
        for remark in converted.warnings {
            let piece = pieces.iter().rev().find(|(at, _)| *at <= remark.range.start);
            let start = piece.map_or(0, |(_, source)| *source);
            self.warn(start..start, &remark.message);
        }
    }

    /// Warns when a list or heading starts on the line right after a
    /// paragraph, which it then ends: a wrapped line that happens to begin
    /// with `* `, `- `, `1. ` or `#`. A list after a line ending in `:` is
    /// meant.
    fn interrupts(&mut self, range: &Range<usize>, what: &str) {
        // Inside a list or a quote, a list right under a line is meant.
        let Some(paragraph) = self.paragraph.clone().filter(|_| self.frames.len() == 1) else {
            return;
        };
        let line = self.source[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let Some(before) = line.checked_sub(1) else { return };
        let previous = self.source[..before].rfind('\n').map_or(0, |i| i + 1);
        let ends_on_previous_line = paragraph.end > previous && paragraph.end <= line;
        if !ends_on_previous_line
            || (what == "a list" && self.source[previous..before].trim_end().ends_with(':'))
        {
            return;
        }
        let marker: String =
            self.source[range.start..].chars().take_while(|c| !c.is_whitespace()).collect();
        self.warn(
            range.start..range.start + marker.len(),
            &format!(
                "this line begins with {marker} and so starts {what} in the middle of the text: if it continues the sentence above, re-wrap it so {marker} does not begin the line; if {what} was meant, leave a blank line above it"
            ),
        );
    }

    /// How deeply wrapped the next container would be, counting the blocks
    /// this text is inside of (an indented block read as prose).
    fn depth(&self) -> usize {
        self.context.depth + self.frames.wrapped
    }

    fn can_nest(&self) -> bool {
        self.depth() < MAX_NESTING
    }

    fn warn(&mut self, range: Range<usize>, message: &str) {
        self.warnings.push(ProseRemark {
            range,
            message: message.to_owned(),
            hint: None,
            word: None,
        });
    }
}

/// `text` without the indentation all its lines share: how an indented
/// block of prose is read again (public for the CommonMark test).
pub fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let cut = line.len() - line.trim_start_matches([' ', '\t']).len();
        out.push_str(&line[cut.min(indent)..]);
    }
    out
}

/// Whether a link's text is its address already (give or take the scheme,
/// `mailto:` and a final `/`), so printing the address would repeat it.
fn same_address(text: &str, address: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim();
        let s = ["https://", "http://", "mailto:"]
            .iter()
            .fold(s, |s, p| s.strip_prefix(p).unwrap_or(s));
        s.strip_suffix('/').unwrap_or(s).to_lowercase()
    };
    bare(text) == bare(address)
}

fn align_name(alignment: Alignment) -> &'static str {
    match alignment {
        Alignment::None | Alignment::Left => "left",
        Alignment::Center => "center",
        Alignment::Right => "right",
    }
}

fn alert_title(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "Note:",
        BlockQuoteKind::Tip => "Tip:",
        BlockQuoteKind::Important => "Important:",
        BlockQuoteKind::Warning => "Warning:",
        BlockQuoteKind::Caution => "Caution:",
    }
}

/// Whether a link may become a link in the PDF: a web page, an e-mail
/// address or a phone number. Anything else (`javascript:`, `file:`, a
/// relative path) means nothing on paper and may do harm in a PDF reader.
fn is_allowed_link(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https" | "mailto" | "tel"))
}

#[cfg(test)]
mod tests;
