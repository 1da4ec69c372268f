//! The typst source around a letter's wording: the fixed frame that calls
//! `layout.typ`'s `letter` with the letter's data, so the letterhead, the
//! address block, the date, the sign-off and the copy list are drawn by the
//! layout for every wording template alike. Every value goes in as a typst
//! string literal, never as markup or code.

use std::fmt::Write;

use super::escape::string;
use crate::model::{Config, Finding, Language, Sender};

/// The words the layout prints itself, in one language (the DOCX prints
/// the same words).
pub struct Labels {
    pub closing: &'static str,
    pub phone: &'static str,
    pub textphone: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub reference: &'static str,
    pub draft: &'static str,
    pub rendered: &'static str,
    pub watermark: &'static str,
    pub unsigned: &'static str,
    pub signature_of: &'static str,
    pub enclosures: &'static str,
    pub cc: &'static str,
    /// On every page of the copy a provider checks for factual accuracy.
    pub factual_accuracy: &'static str,
}

/// The layout's words in `language`. The Welsh is machine-drafted, like the
/// Welsh wording (see templates/monitoring.cy.md.tera).
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::English => &Labels {
            closing: "Yours sincerely",
            phone: "T",
            textphone: "Textphone",
            page: "Page",
            of: "of",
            reference: "Our reference:",
            draft: "Draft — not for circulation",
            rendered: "rendered",
            watermark: "DRAFT",
            unsigned: "Draft: not signed",
            signature_of: "Signature of",
            enclosures: "Enclosures:",
            cc: "cc:",
            factual_accuracy: "Draft for factual accuracy check",
        },
        Language::Welsh => &Labels {
            closing: "Yn gywir",
            phone: "Ffôn",
            textphone: "Ffôn testun",
            page: "Tudalen",
            of: "o",
            reference: "Ein cyfeirnod:",
            draft: "Drafft — nid i'w ddosbarthu",
            rendered: "cynhyrchwyd",
            watermark: "DRAFFT",
            unsigned: "Drafft: heb ei lofnodi",
            signature_of: "Llofnod",
            enclosures: "Amgaeedig:",
            cc: "cc:",
            factual_accuracy: "Drafft ar gyfer gwirio cywirdeb ffeithiol",
        },
    }
}

/// The parts of the frame that depend on the template: its PDF metadata.
pub(super) struct Metadata {
    pub(super) title: String,
    pub(super) subject: String,
    pub(super) keywords: Vec<String>,
}

/// Everything the frame needs besides the finding and the config.
pub(super) struct Frame<'a> {
    pub(super) output: &'a super::Output<'a>,
    pub(super) metadata: Metadata,
    /// The date as the letter prints it.
    pub(super) date_line: String,
    /// The wording as typst markup, and where its last block begins.
    pub(super) body: &'a str,
    pub(super) last_block: usize,
}

/// A typst array of string literals (with a trailing comma, so one entry is
/// still an array).
fn strings<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = String::from("(");
    for item in items {
        out.push_str(&string(item));
        out.push_str(", ");
    }
    out.push(')');
    out
}

/// Metadata is read by screen readers and search as plain text: a no-break
/// space the wording uses to keep a date on one line is a space there.
fn plain(text: &str) -> String {
    string(&text.replace('\u{a0}', " "))
}

/// The sender's phone numbers, email and web address as the letterhead
/// prints them.
pub fn contacts(sender: &Sender, labels: &Labels) -> Vec<String> {
    let mut contacts = Vec::new();
    if let Some(phone) = &sender.phone {
        contacts.push(format!("{} {phone}", labels.phone));
    }
    if let Some(textphone) = &sender.textphone {
        contacts.push(format!("{} {textphone}", labels.textphone));
    }
    contacts.extend(sender.email.iter().chain(&sender.web).cloned());
    contacts
}

/// The recipient's lines in the address block.
pub fn address(finding: &Finding) -> Vec<&str> {
    let recipient = &finding.recipient;
    let mut address = vec![recipient.name.as_str(), &recipient.role, &recipient.organisation];
    address.extend(recipient.address.iter().map(String::as_str));
    address
}

/// The closing phrase: the project's for the language, or the layout's.
pub fn closing(config: &Config, language: Language) -> &str {
    config.closing.get(language.code()).map_or(labels(language).closing, String::as_str)
}

/// The whole typst source of one letter in one language.
pub(super) fn source(finding: &Finding, config: &Config, frame: &Frame<'_>) -> String {
    let language = finding.language;
    let labels = labels(language);
    let sender = &config.sender;
    let output = frame.output;
    let contacts = contacts(sender, labels);
    let address = address(finding);
    let closing = closing(config, language);
    let mut keywords: Vec<&str> = finding.reference.iter().map(String::as_str).collect();
    keywords.push(&sender.name);
    keywords.extend(frame.metadata.keywords.iter().map(String::as_str));
    let date = finding.date;
    let (body, ending) = frame.body.split_at(frame.last_block.min(frame.body.len()));
    let mut out = String::with_capacity(frame.body.len() + 2048);
    let _ = write!(
        out,
        "#import \"/templates/layout.typ\": letter\n\
         #show: letter.with(\n\
         paper: {paper},\n\
         lang: {lang},\n\
         primary: {primary},\n\
         title: {title},\n\
         author: {author},\n\
         date: datetime(year: {year}, month: {month}, day: {day}),\n\
         description: {subject},\n\
         keywords: {keywords},\n\
         sender: (name: {sender_name}, address: {sender_address}, contacts: {contacts}),\n\
         date-line: {date_line},\n\
         reference: {reference},\n\
         draft: {draft},\n\
         recipient: {recipient},\n\
         signatory: (name: {signatory}, role: {role}),\n\
         signature: {signature},\n\
         enclosures: {enclosures},\n\
         cc: {cc},\n\
         labels: (closing: {closing}, page: {page}, of: {of}, reference: {reference_label}, \
         draft: {draft_label}, rendered: {rendered}, watermark: {watermark}, \
         unsigned: {unsigned}, enclosures: {enclosures_label}, cc: {cc_label}),\n\
         {label}ending: [{ending}],\n\
         )\n",
        paper = string(output.paper),
        lang = string(language.code()),
        primary = output.primary,
        title = plain(&frame.metadata.title),
        author = plain(&finding.signatory.name),
        year = date.year,
        month = date.month,
        day = date.day,
        subject = plain(&frame.metadata.subject),
        keywords = strings(keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty())),
        sender_name = string(&sender.name),
        sender_address = strings(sender.address.iter().map(String::as_str)),
        contacts = strings(contacts.iter().map(String::as_str)),
        date_line = string(&frame.date_line),
        reference = finding.reference.as_deref().map_or("none".to_owned(), string),
        draft = output.draft.map_or("none".to_owned(), string),
        recipient = strings(address),
        signatory = string(&finding.signatory.name),
        role = string(&finding.signatory.role),
        signature = match output.signature {
            Some(path) => format!(
                "(path: {}, alt: {})",
                string(path),
                string(&format!("{} {}", labels.signature_of, finding.signatory.name))
            ),
            None => "none".to_owned(),
        },
        enclosures = strings(finding.enclosures.iter().map(String::as_str)),
        cc = strings(finding.cc.iter().map(String::as_str)),
        closing = string(closing),
        page = string(labels.page),
        of = string(labels.of),
        reference_label = string(labels.reference),
        draft_label = string(labels.draft),
        rendered = string(labels.rendered),
        watermark = string(labels.watermark),
        unsigned = string(labels.unsigned),
        enclosures_label = string(labels.enclosures),
        cc_label = string(labels.cc),
        // Only when set: a layout ejected before the label existed still
        // renders every other letter.
        label = output.label.map_or(String::new(), |label| format!("label: {},\n", string(label))),
    );
    out.push_str(body);
    out.push('\n');
    out
}
