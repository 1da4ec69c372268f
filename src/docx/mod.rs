//! A letter as a Word document (WordprocessingML in a zip), written by hand.
//!
//! Why by hand and not with docx-rs: docx-rs has no `w:lang` at all (a Welsh
//! letter could not be marked Welsh for proofing), numbers tracked changes
//! from a process-wide counter (the second DOCX a process writes differs
//! from the first: not byte-identical), and adds four crates (docx-rs,
//! quick-xml 0.41, zip 8, typed-path 0.12) costing ~75 s of a cold build.
//! The parts a letter needs are a few hundred lines of XML; `zip` 9 (with
//! deflate) is already built for calamine and rust_xlsxwriter.
//!
//! Deterministic: parts in a fixed order, every zip entry dated
//! 1980-01-01 (zip's own default, set explicitly), the document's
//! created/modified dates are the letter's date, ids count from 0 per
//! document.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

mod blocks;
mod letter;
mod parts;

pub use blocks::blocks;
pub use letter::letter;
use parts::{APP, REL, ROOT_RELS, SETTINGS, XML_HEAD, content_types, core, esc, field, styles};

/// One piece of text with its emphasis (and, in a comparison, its change).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    /// A tracked change (`w:ins` / `w:del`), for `diff --format docx`.
    pub change: Option<Change>,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run { text: text.into(), ..Run::default() }
    }
}

/// A tracked change: Word and LibreOffice accept or reject each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Deleted,
}

/// How a paragraph sits on the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// Flows freely.
    #[default]
    Free,
    /// On the same page as the next paragraph (headings, the last paragraph
    /// before the sign-off, the sign-off itself): `w:keepNext` + `w:keepLines`.
    WithNext,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Right,
}

/// A paragraph: its runs, and if the whole paragraph is new or gone in a
/// comparison, that change (its paragraph mark is then tracked too, so
/// accepting a deletion removes the paragraph, not only its text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Para {
    pub runs: Vec<Run>,
    pub keep: Keep,
    pub align: Align,
    pub mark: Option<Change>,
}

impl Para {
    pub fn of(runs: Vec<Run>) -> Para {
        Para { runs, ..Para::default() }
    }
}

/// The blocks of a letter's body, as its Markdown gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading (Word's "Heading N", outline level N): kept with the next.
    Heading {
        level: u8,
        para: Para,
    },
    Paragraph(Para),
    /// A list; each item is blocks (a nested list is a block of an item).
    List {
        ordered: Option<u32>,
        items: Vec<Vec<Block>>,
    },
    /// A table: the first row is the header (repeated on each page).
    Table {
        rows: Vec<Vec<Vec<Run>>>,
    },
}

/// Who signs, as the sign-off prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    pub closing: String,
    /// A note where the signature goes ("Draft: not signed"), or `None` for
    /// empty space to sign in.
    pub unsigned: Option<String>,
    pub name: String,
    pub role: String,
}

/// One letter in one language (a bilingual letter is two, each its own
/// section with its own page numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// BCP 47 tag Word proofs with: `en-GB`, `cy-GB`.
    pub lang: String,
    /// First-page letterhead: the sender's name, then address and contacts.
    pub letterhead: Vec<String>,
    /// "Page", "of" in the letter's language, for the footer from page 2.
    pub page_words: (String, String),
    /// Right-aligned lines under the letterhead: date, reference.
    pub dateline: Vec<String>,
    pub recipient: Vec<String>,
    pub body: Vec<Block>,
    pub sign_off: SignOff,
    pub enclosures: (String, Vec<String>),
    pub cc: (String, Vec<String>),
    /// Blocks after the sign-off (a comparison's tracked copy list).
    pub tail: Vec<Block>,
    /// Printed at the top of every page, in the letter's language ("Draft
    /// for factual accuracy check").
    pub label: Option<String>,
}

impl Letter {
    /// The letter's text, a paragraph a line (a list item or a table row
    /// is a paragraph): what `diff --rendered` compares.
    pub fn paragraphs(&self) -> Vec<String> {
        fn text(runs: &[Run]) -> String {
            runs.iter()
                .map(|r| r.text.as_str())
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        }
        fn walk(blocks: &[Block], out: &mut Vec<String>) {
            for block in blocks {
                match block {
                    Block::Heading { para, .. } | Block::Paragraph(para) => {
                        out.push(text(&para.runs))
                    }
                    Block::List { items, .. } => items.iter().for_each(|item| walk(item, out)),
                    Block::Table { rows } => out.extend(rows.iter().map(|row| {
                        row.iter().map(|cell| text(cell)).collect::<Vec<_>>().join(" | ")
                    })),
                }
            }
        }
        let s = &self.sign_off;
        let mut out: Vec<String> = self.dateline.iter().chain(&self.recipient).cloned().collect();
        walk(&self.body, &mut out);
        out.extend([s.closing.clone(), s.name.clone(), s.role.clone()]);
        for (label, items) in [&self.enclosures, &self.cc] {
            if !items.is_empty() {
                out.push(label.clone());
                out.extend(items.iter().cloned());
            }
        }
        out.retain(|p| !p.is_empty());
        out
    }
}

/// The document: letters and what every page carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub author: String,
    /// The letter's date, `YYYY-MM-DD`: created and modified.
    pub date: String,
    /// Author and date of tracked changes.
    pub reviser: Option<(String, String)>,
    pub letters: Vec<Letter>,
}

/// The DOCX file's bytes.
pub fn write(doc: &Document) -> zip::result::ZipResult<Vec<u8>> {
    let mut parts = Parts::default();
    let body = parts.document(doc);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .unix_permissions(0o644);
    let mut put = |name: &str, text: &str| -> zip::result::ZipResult<()> {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
        Ok(())
    };
    put("[Content_Types].xml", &content_types(&parts))?;
    put("_rels/.rels", ROOT_RELS)?;
    put("docProps/core.xml", &core(doc))?;
    put("docProps/app.xml", APP)?;
    put("word/document.xml", &body)?;
    put("word/_rels/document.xml.rels", &parts.rels())?;
    put("word/styles.xml", &styles(doc.letters.first().map_or("en-GB", |l| &l.lang)))?;
    put("word/numbering.xml", &parts.numbering())?;
    put("word/settings.xml", SETTINGS)?;
    for (i, xml) in parts.headers.iter().enumerate() {
        put(&format!("word/header{}.xml", i + 1), xml)?;
    }
    for (i, xml) in parts.footers.iter().enumerate() {
        put(&format!("word/footer{}.xml", i + 1), xml)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// What the document part refers to, gathered while writing it.
#[derive(Default)]
struct Parts {
    headers: Vec<String>,
    footers: Vec<String>,
    /// One `w:num` per list: its start (ordered) or `None` (bullets).
    lists: Vec<Option<u32>>,
    /// The next tracked change's `w:id`.
    change_id: usize,
    reviser: (String, String),
}

impl Parts {
    fn document(&mut self, doc: &Document) -> String {
        self.reviser = doc.reviser.clone().unwrap_or_default();
        let mut out = String::from(XML_HEAD);
        out.push_str(r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#);
        for (i, letter) in doc.letters.iter().enumerate() {
            let section = self.section(letter, doc.letters.len());
            self.letter(&mut out, letter);
            if i + 1 < doc.letters.len() {
                // A section that ends here ends in this paragraph's properties.
                let _ = write!(out, "<w:p><w:pPr>{section}</w:pPr></w:p>");
            } else {
                out.push_str(&section);
            }
        }
        out.push_str("</w:body></w:document>");
        out
    }

    /// Headers, footers and page set-up of one letter's section.
    fn section(&mut self, letter: &Letter, letters: usize) -> String {
        let lang = &letter.lang;
        let label = |out: &mut String| {
            if let Some(label) = &letter.label {
                let _ = write!(
                    out,
                    r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:lang w:val="{lang}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                    esc(label)
                );
            }
        };
        let mut first = String::new();
        label(&mut first);
        for (i, line) in letter.letterhead.iter().enumerate() {
            let size = if i == 0 { r#"<w:b/><w:sz w:val="40"/>"# } else { r#"<w:sz w:val="18"/>"# };
            let _ = write!(
                first,
                r#"<w:p><w:pPr><w:spacing w:after="0"/><w:ind w:left="5300"/></w:pPr><w:r><w:rPr>{size}<w:lang w:val="{lang}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                esc(line)
            );
        }
        let mut rest = String::new();
        label(&mut rest);
        if rest.is_empty() {
            rest.push_str("<w:p/>");
        }
        let first = self.part(&first, "hdr", Side::Header);
        let rest = self.part(&rest, "hdr", Side::Header);
        let (page, of) = &letter.page_words;
        // "Page N of M" with NUMPAGES for one letter. Each letter of a
        // bilingual document counts its own pages (as the PDF does), but
        // LibreOffice leaves SECTIONPAGES at its cached value, so there the
        // footer is "Page N" alone rather than a wrong total.
        let total = if letters == 1 {
            format!(
                r#"<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {} </w:t></w:r>{}"#,
                esc(of),
                field("NUMPAGES")
            )
        } else {
            String::new()
        };
        let footer = format!(
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve">{} </w:t></w:r>{}{total}</w:p>"#,
            esc(page),
            field("PAGE"),
        );
        let empty_footer = self.part("<w:p/>", "ftr", Side::Footer);
        let footer = self.part(&footer, "ftr", Side::Footer);
        format!(
            r#"<w:sectPr><w:headerReference w:type="default" r:id="{rest}"/><w:headerReference w:type="first" r:id="{first}"/><w:footerReference w:type="default" r:id="{footer}"/><w:footerReference w:type="first" r:id="{empty_footer}"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1417" w:bottom="1361" w:left="1417" w:header="567" w:footer="567" w:gutter="0"/><w:pgNumType w:start="1"/><w:titlePg/></w:sectPr>"#
        )
    }

    /// Stores a header or footer part; returns its relationship id.
    fn part(&mut self, body: &str, root: &str, side: Side) -> String {
        let xml = format!(
            r#"{XML_HEAD}<w:{root} xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{body}</w:{root}>"#
        );
        match side {
            Side::Header => {
                self.headers.push(xml);
                format!("rIdH{}", self.headers.len())
            }
            Side::Footer => {
                self.footers.push(xml);
                format!("rIdF{}", self.footers.len())
            }
        }
    }

    fn letter(&mut self, out: &mut String, letter: &Letter) {
        let lang = letter.lang.as_str();
        for line in &letter.dateline {
            let para = Para { align: Align::Right, ..Para::of(vec![Run::plain(line)]) };
            self.para(out, &para, None, lang);
        }
        for line in &letter.recipient {
            self.para(out, &Para::of(vec![Run::plain(line)]), Some("Address"), lang);
        }
        out.push_str("<w:p/>");
        self.blocks(out, &letter.body, 0, lang);
        let s = &letter.sign_off;
        let keep = |text: &str, bold: bool| Para {
            keep: Keep::WithNext,
            ..Para::of(vec![Run { bold, ..Run::plain(text) }])
        };
        self.para(out, &keep(&s.closing, false), None, lang);
        match &s.unsigned {
            Some(note) => self.para(out, &keep(note, false), None, lang),
            None => {
                for _ in 0..3 {
                    self.para(out, &keep("", false), None, lang);
                }
            }
        }
        self.para(out, &keep(&s.name, true), None, lang);
        self.para(out, &Para::of(vec![Run::plain(&s.role)]), None, lang);
        for (label, items) in [&letter.enclosures, &letter.cc] {
            if items.is_empty() {
                continue;
            }
            out.push_str("<w:p/>");
            self.para(out, &Para::of(vec![Run::plain(label)]), None, lang);
            for item in items {
                self.para(out, &Para::of(vec![Run::plain(item)]), Some("Address"), lang);
            }
        }
        self.blocks(out, &letter.tail, 0, lang);
    }

    fn blocks(&mut self, out: &mut String, blocks: &[Block], depth: usize, lang: &str) {
        for block in blocks {
            match block {
                Block::Heading { level, para } => {
                    let style = format!("Heading{}", level.clamp(&1, &3));
                    let para = Para { keep: Keep::WithNext, ..para.clone() };
                    self.para(out, &para, Some(&style), lang);
                }
                Block::Paragraph(para) => self.para(out, para, None, lang),
                Block::List { ordered, items } => {
                    self.lists.push(*ordered);
                    let num = self.lists.len();
                    for item in items {
                        self.item(out, item, num, depth, lang);
                    }
                }
                Block::Table { rows } => self.table(out, rows, lang),
            }
        }
    }

    /// A list item: its first paragraph carries the number; later blocks
    /// are indented under it; a nested list goes one level deeper.
    fn item(&mut self, out: &mut String, item: &[Block], num: usize, depth: usize, lang: &str) {
        let mut numbered = false;
        for block in item {
            match block {
                Block::Paragraph(para) | Block::Heading { para, .. } => {
                    let props = if numbered {
                        format!(r#"<w:ind w:left="{}"/>"#, 720 + 360 * depth)
                    } else {
                        format!(
                            r#"<w:numPr><w:ilvl w:val="{}"/><w:numId w:val="{num}"/></w:numPr>"#,
                            depth.min(8)
                        )
                    };
                    numbered = true;
                    self.para_with(out, para, Some("ListParagraph"), &props, lang);
                }
                other => self.blocks(out, std::slice::from_ref(other), depth + 1, lang),
            }
        }
    }

    fn table(&mut self, out: &mut String, rows: &[Vec<Vec<Run>>], lang: &str) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let width = 9072 / columns;
        out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:tblBorders>"#);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ =
                write!(out, r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="A0A0A0"/>"#);
        }
        out.push_str("</w:tblBorders><w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>");
        for _ in 0..columns {
            let _ = write!(out, r#"<w:gridCol w:w="{width}"/>"#);
        }
        out.push_str("</w:tblGrid>");
        for (r, row) in rows.iter().enumerate() {
            out.push_str("<w:tr>");
            if r == 0 {
                out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
            }
            for c in 0..columns {
                let _ =
                    write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>"#);
                let runs = row.get(c).cloned().unwrap_or_default();
                let runs = if r == 0 {
                    runs.into_iter().map(|run| Run { bold: true, ..run }).collect()
                } else {
                    runs
                };
                self.para(out, &Para::of(runs), None, lang);
                out.push_str("</w:tc>");
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
    }

    fn para(&mut self, out: &mut String, para: &Para, style: Option<&str>, lang: &str) {
        self.para_with(out, para, style, "", lang);
    }

    fn para_with(
        &mut self,
        out: &mut String,
        p: &Para,
        style: Option<&str>,
        extra: &str,
        lang: &str,
    ) {
        out.push_str("<w:p><w:pPr>");
        if let Some(style) = style {
            let _ = write!(out, r#"<w:pStyle w:val="{style}"/>"#);
        }
        if p.keep == Keep::WithNext {
            out.push_str("<w:keepNext/><w:keepLines/>");
        }
        out.push_str(extra);
        if p.align == Align::Right {
            out.push_str(r#"<w:jc w:val="right"/>"#);
        }
        if let Some(change) = p.mark {
            let mark = self.change_tag(change, "");
            let _ = write!(out, "<w:rPr>{mark}</w:rPr>");
        }
        out.push_str("</w:pPr>");
        for run in &p.runs {
            self.run(out, run, lang);
        }
        out.push_str("</w:p>");
    }

    /// `<w:ins …/>` or `<w:del …/>`, empty (a paragraph mark) or opening.
    fn change_tag(&mut self, change: Change, end: &str) -> String {
        let (author, date) = &self.reviser;
        let id = self.change_id;
        self.change_id += 1;
        let tag = match change {
            Change::Inserted => "ins",
            Change::Deleted => "del",
        };
        let close = if end.is_empty() { "/" } else { "" };
        format!(
            r#"<w:{tag} w:id="{id}" w:author="{}" w:date="{date}T00:00:00Z"{close}>"#,
            esc(author)
        )
    }

    fn run(&mut self, out: &mut String, run: &Run, lang: &str) {
        if run.text.is_empty() {
            return;
        }
        let open = run.change.map(|c| (self.change_tag(c, "open"), c));
        if let Some((tag, _)) = &open {
            out.push_str(tag);
        }
        out.push_str("<w:r><w:rPr>");
        if run.bold {
            out.push_str("<w:b/>");
        }
        if run.italic {
            out.push_str("<w:i/>");
        }
        if run.strike {
            out.push_str("<w:strike/>");
        }
        let _ = write!(out, r#"<w:lang w:val="{lang}"/></w:rPr>"#);
        let text_tag = match run.change {
            Some(Change::Deleted) => "w:delText",
            _ => "w:t",
        };
        // A line break or tab in the text is an element of its own.
        for (i, line) in run.text.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<w:br/>");
            }
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    out.push_str("<w:tab/>");
                }
                if !piece.is_empty() {
                    let _ = write!(
                        out,
                        r#"<{text_tag} xml:space="preserve">{}</{text_tag}>"#,
                        esc(piece)
                    );
                }
            }
        }
        out.push_str("</w:r>");
        if let Some((_, change)) = open {
            out.push_str(match change {
                Change::Inserted => "</w:ins>",
                Change::Deleted => "</w:del>",
            });
        }
    }

    fn rels(&self) -> String {
        let mut out = format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/><Relationship Id="rIdNumbering" Type="{REL}/numbering" Target="numbering.xml"/><Relationship Id="rIdSettings" Type="{REL}/settings" Target="settings.xml"/>"#
        );
        for i in 1..=self.headers.len() {
            let _ = write!(
                out,
                r#"<Relationship Id="rIdH{i}" Type="{REL}/header" Target="header{i}.xml"/>"#
            );
        }
        for i in 1..=self.footers.len() {
            let _ = write!(
                out,
                r#"<Relationship Id="rIdF{i}" Type="{REL}/footer" Target="footer{i}.xml"/>"#
            );
        }
        out.push_str("</Relationships>");
        out
    }

    /// Two abstract lists (bullets, decimal), and one `w:num` per list so
    /// each numbered list starts at its own number.
    fn numbering(&self) -> String {
        let mut out = format!(
            r#"{XML_HEAD}<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#
        );
        for (id, bullets) in [(0, true), (1, false)] {
            let _ = write!(
                out,
                r#"<w:abstractNum w:abstractNumId="{id}"><w:multiLevelType w:val="hybridMultilevel"/>"#
            );
            for level in 0..9 {
                let (format, text) = if bullets {
                    ("bullet", ["•", "◦", "–"][level % 3].to_owned())
                } else {
                    ("decimal", format!("%{}.", level + 1))
                };
                let indent = 720 + 360 * level;
                let _ = write!(
                    out,
                    r#"<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>"#
                );
            }
            out.push_str("</w:abstractNum>");
        }
        for (i, list) in self.lists.iter().enumerate() {
            let _ = write!(out, r#"<w:num w:numId="{}">"#, i + 1);
            match list {
                None => out.push_str(r#"<w:abstractNumId w:val="0"/>"#),
                Some(start) => {
                    let _ = write!(
                        out,
                        r#"<w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>"#
                    );
                }
            }
            out.push_str("</w:num>");
        }
        out.push_str("</w:numbering>");
        out
    }
}

#[derive(Clone, Copy)]
enum Side {
    Header,
    Footer,
}

#[cfg(test)]
mod tests;
