//! One letter as the DOCX shows it: the frame the PDF's layout draws
//! (letterhead, date and reference, address, sign-off, enclosures and
//! copies, in the layout's words) around the wording's blocks.

use super::{Letter, SignOff, blocks::blocks};
use crate::model::{Config, Finding, Language};
use crate::wording::{Output, Wording, address, closing, contacts, labels};

/// The DOCX letter of `finding` as `wording` words it; `output` says
/// whether it is a draft or a labelled copy (then unsigned: a DOCX never
/// carries a signature image, and a label's copy is never signed).
pub fn letter(
    finding: &Finding,
    config: &Config,
    wording: &Wording,
    output: &Output<'_>,
) -> Letter {
    let language = finding.language;
    let words = labels(language);
    let sender = &config.sender;
    let mut letterhead = vec![sender.name.clone()];
    letterhead.extend(sender.address.iter().cloned());
    letterhead.extend(contacts(sender, words));
    let mut dateline = vec![wording.date_line.clone()];
    if let Some(reference) = &finding.reference {
        dateline.push(format!("{} {reference}", words.reference));
    }
    let prose: Vec<&str> = wording.prose().collect();
    // A draft's label has no clock time: the DOCX stays the same bytes.
    let label = output.label.or(output.draft.map(|_| words.draft));
    Letter {
        lang: lang_tag(language).to_owned(),
        letterhead,
        page_words: (words.page.to_owned(), words.of.to_owned()),
        dateline,
        recipient: address(finding).into_iter().map(str::to_owned).collect(),
        body: blocks(&wording.markdown, &prose, config.markdown),
        sign_off: SignOff {
            closing: closing(config, language).to_owned(),
            unsigned: label.map(|_| words.unsigned.to_owned()),
            name: finding.signatory.name.clone(),
            role: finding.signatory.role.clone(),
        },
        enclosures: (words.enclosures.to_owned(), finding.enclosures.clone()),
        cc: (words.cc.to_owned(), finding.cc.clone()),
        tail: Vec::new(),
        label: label.map(str::to_owned),
    }
}

/// The tag Word proofs a language with.
fn lang_tag(language: Language) -> &'static str {
    match language {
        Language::English => "en-GB",
        Language::Welsh => "cy-GB",
    }
}
