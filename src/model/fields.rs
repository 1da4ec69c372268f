//! A finding file's fields, described once: where each is written, its
//! shape, whether a letter must have it, its limits, the checks on its
//! words, its help line, what `new` writes in it and its tracker column.
//!
//! The reader, the syntax explainer, the limits, the rules, the tracker and
//! the JSON Schema of `letterpress schema` all read this table, so adding a
//! field is a field of the struct in `model` and a row here (a test checks
//! the two agree). The only place a field's name is written as a string.

use super::{Finding, Section};

/// The most areas for improvement a letter may have.
pub const MAX_AREAS: usize = 50;
/// The most entries a list (address lines, assessed, met, cc, enclosures)
/// may have.
pub const MAX_ENTRIES: usize = 100;
/// The longest a prose field may be, in bytes: some ten printed pages.
pub const MAX_PROSE: usize = 32 << 10;
/// The longest any other text field may be, in bytes (a list entry; an
/// action may be four times this).
pub const MAX_LINE: usize = 1 << 10;

/// Every key of a finding file, for code that names one field (a check
/// across fields, a label): the one place each is spelt.
pub mod key {
    /// The `[recipient]` table.
    pub const RECIPIENT: &str = "recipient";
    /// The `[inspection]` table.
    pub const INSPECTION: &str = "inspection";
    /// The `[visit]` table.
    pub const VISIT: &str = "visit";
    /// The `[signatory]` table.
    pub const SIGNATORY: &str = "signatory";
    /// The `[area]` table.
    pub const AREA: &str = "area";
    /// `date`.
    pub const DATE: &str = "date";
    /// `status`.
    pub const STATUS: &str = "status";
    /// `template`.
    pub const TEMPLATE: &str = "template";
    /// `language`.
    pub const LANGUAGE: &str = "language";
    /// `translation`.
    pub const TRANSLATION: &str = "translation";
    /// `reference`.
    pub const REFERENCE: &str = "reference";
    /// `overall`.
    pub const OVERALL: &str = "overall";
    /// `enclosures`.
    pub const ENCLOSURES: &str = "enclosures";
    /// `cc`.
    pub const CC: &str = "cc";
    /// `name`.
    pub const NAME: &str = "name";
    /// `role`.
    pub const ROLE: &str = "role";
    /// `organisation`.
    pub const ORGANISATION: &str = "organisation";
    /// `address`.
    pub const ADDRESS: &str = "address";
    /// `salutation`.
    pub const SALUTATION: &str = "salutation";
    /// `provider`.
    pub const PROVIDER: &str = "provider";
    /// `service_area`.
    pub const SERVICE_AREA: &str = "service_area";
    /// `code`.
    pub const CODE: &str = "code";
    /// `week_commencing`.
    pub const WEEK_COMMENCING: &str = "week_commencing";
    /// `published`.
    pub const PUBLISHED: &str = "published";
    /// `from`.
    pub const FROM: &str = "from";
    /// `to`.
    pub const TO: &str = "to";
    /// `locations`.
    pub const LOCATIONS: &str = "locations";
    /// `assessed`.
    pub const ASSESSED: &str = "assessed";
    /// `met`.
    pub const MET: &str = "met";
    /// `timescale`.
    pub const TIMESCALE: &str = "timescale";
    /// `action`.
    pub const ACTION: &str = "action";
    /// `reported`.
    pub const REPORTED: &str = "reported";
    /// `judgement`.
    pub const JUDGEMENT: &str = "judgement";
    /// `progress`.
    pub const PROGRESS: &str = "progress";
}

/// Where a field is written: at the top of the file or in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Above the first `[table]` header.
    Top,
    /// `[recipient]`.
    Recipient,
    /// `[inspection]`.
    Inspection,
    /// `[visit]`.
    Visit,
    /// `[signatory]`.
    Signatory,
    /// Each `[[area]]`.
    Area,
}

impl Table {
    /// The tables, in the order a finding file writes them.
    pub const TABLES: [Table; 5] =
        [Table::Recipient, Table::Inspection, Table::Visit, Table::Signatory, Table::Area];

    /// The name its header gives it (`recipient`, `area`); empty for the top.
    pub const fn key(self) -> &'static str {
        match self {
            Table::Top => "",
            Table::Recipient => key::RECIPIENT,
            Table::Inspection => key::INSPECTION,
            Table::Visit => key::VISIT,
            Table::Signatory => key::SIGNATORY,
            Table::Area => key::AREA,
        }
    }

    /// The part of a letter a letter kind may leave out that this table is.
    pub const fn section(self) -> Option<Section> {
        match self {
            Table::Top => None,
            Table::Recipient => Some(Section::Recipient),
            Table::Inspection => Some(Section::Inspection),
            Table::Visit => Some(Section::Visit),
            Table::Signatory => Some(Section::Signatory),
            Table::Area => Some(Section::Area),
        }
    }

    /// The table's help line.
    pub const fn help(self) -> &'static str {
        match self {
            Table::Top => "One letter: its date, status and judgement, then its tables.",
            Table::Recipient => "Who the letter goes to.",
            Table::Inspection => "The inspection whose recommendations are being followed up.",
            Table::Visit => "The monitoring visit.",
            Table::Signatory => "Who signs the letter.",
            Table::Area => {
                "One [[area]] per area for improvement, in the inspection report's order."
            }
        }
    }
}

/// How a field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A TOML date without quotes: `2026-11-27`.
    Date,
    /// A month in quotes: `"2026-07"`.
    Month,
    /// One line of text.
    Line,
    /// Markdown: paragraphs, lists, emphasis.
    Prose,
    /// A list of lines: `["first", "second"]`.
    List,
    /// outstanding | good | satisfactory | inadequate, in any case.
    Judgement,
    /// "immediately" or "within N months" (or weeks), in any case.
    Timescale,
    /// draft | factual-accuracy | final.
    Status,
    /// en | cy.
    Language,
}

impl Shape {
    /// A value of this shape that reads, as the TOML line `v = VALUE` (a
    /// line, so the reader parses it borrowing nothing): the reader's
    /// stand-in for a field already reported, so that reading a table goes on.
    pub const fn stand_in(self) -> &'static str {
        match self {
            Shape::List => "v = [\"x\"]",
            Shape::Date => "v = 2000-01-01",
            Shape::Month => "v = \"2000-01\"",
            Shape::Timescale => "v = \"immediately\"",
            Shape::Judgement => "v = \"good\"",
            Shape::Status => "v = \"final\"",
            Shape::Language => "v = \"en\"",
            Shape::Line | Shape::Prose => "v = \"x\"",
        }
    }

    /// What a value looks like, for a line written with none (syntax hints).
    /// Status and language keep today's "the text" so no snapshot changes.
    pub const fn example(self) -> &'static str {
        match self {
            Shape::Date => "2026-11-27",
            Shape::Month => "\"2026-07\"",
            Shape::List => "[\"first\", \"second\"]",
            Shape::Judgement => "\"good\"",
            Shape::Timescale => "\"within 3 months\"",
            _ => "\"the text\"",
        }
    }
}

/// Whether a letter must have a field (within its table, if the table is there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every letter.
    Always,
    /// May be left out.
    Optional,
    /// When the letter's kind needs this section (`overall`).
    Kind(Section),
}

/// How much a field may hold (`finding::limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Not checked here (dates, choices, file names).
    None,
    /// Text with no invisible control character; no size limit beyond the file's.
    Text,
    /// At most [`MAX_ENTRIES`] entries of at most [`MAX_LINE`] bytes each.
    Entries,
    /// At most this many bytes.
    Bytes(usize),
}

/// What the English checks (`finding::english`) make of a field's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// Not checked.
    None,
    /// Names: accepted wherever they appear in the letter.
    Names,
    /// Plain words, spelling and grammar checked.
    Plain,
    /// Markdown prose, checked as such.
    Markdown,
}

/// A field's value in a letter, for the checks that iterate the table.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// A line or prose.
    Text(&'a str),
    /// A list of lines.
    List(&'a [String]),
    /// Anything else (dates, choices): not checked as text.
    Other,
}

/// One field of a finding file.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Where it is written.
    pub table: Table,
    /// Its key.
    pub key: &'static str,
    /// How its value is written.
    pub shape: Shape,
    /// Whether a letter must have it.
    pub need: Need,
    /// Must not be blank (a list: must not be empty): "this field must not be empty".
    pub filled: bool,
    /// A list whose entries must not be blank and are warned about when repeated.
    pub distinct: bool,
    /// How much it may hold.
    pub limit: Limit,
    /// What the English checks make of it.
    pub words: Words,
    /// The help line: the schema's description, the form's and README's.
    pub help: &'static str,
    /// What `letterpress new` writes, value and comment (`None`: commented out).
    pub scaffold: Option<&'static str>,
    /// Its column in the tracker's `Letters` or `Areas` sheet.
    pub column: Option<&'static str>,
    /// Its value in `letter` (an area's field: of area `i`); `None` if left out.
    pub get: fn(&Finding, usize) -> Option<Value<'_>>,
}

const fn field(table: Table, key: &'static str, shape: Shape) -> Field {
    Field {
        table,
        key,
        shape,
        need: Need::Always,
        filled: false,
        distinct: false,
        limit: Limit::None,
        words: Words::None,
        help: "",
        scaffold: None,
        column: None,
        get: |_, _| Some(Value::Other),
    }
}

use Limit as L;
use Shape as S;
use Table as T;
use Words as W;

/// Every field, in the order a finding file (and `import`) writes them;
/// the top-level keys in the order `check`'s hints list them.
pub const FIELDS: &[Field] = &[
    Field {
        help: "The date printed on the letter, like 2026-11-27 (no quotes); also the PDF's date.",
        scaffold: Some("2026-01-01"),
        column: Some("date"),
        ..field(T::Top, key::DATE, S::Date)
    },
    Field {
        need: Need::Optional,
        filled: true,
        help: "The wording template, templates/<name>.md.tera; the project's default if left out.",
        column: Some("template"),
        get: |f, _| f.template.as_deref().map(Value::Text),
        ..field(T::Top, key::TEMPLATE, S::Line)
    },
    Field {
        need: Need::Optional,
        help: "draft (watermarked, not signed, TODOs allowed), factual-accuracy (the copy for the provider: labelled on every page, never signed) or final (ready to sign and send).",
        scaffold: Some("\"draft\""),
        column: Some("status"),
        ..field(T::Top, key::STATUS, S::Status)
    },
    Field {
        need: Need::Optional,
        help: "The letter's language: en (English, the default) or cy (Welsh).",
        column: Some("language"),
        ..field(T::Top, key::LANGUAGE, S::Language)
    },
    Field {
        need: Need::Optional,
        help: "The same letter in the other language: its finding file, relative to this one.",
        ..field(T::Top, key::TRANSLATION, S::Line)
    },
    Field {
        need: Need::Optional,
        limit: L::Text,
        help: "The inspectorate's reference, printed under the date and in the PDF.",
        column: Some("reference"),
        get: |f, _| f.reference.as_deref().map(Value::Text),
        ..field(T::Top, key::REFERENCE, S::Line)
    },
    Field {
        need: Need::Optional,
        limit: L::Entries,
        words: W::Plain,
        help: "What is enclosed with the letter, one entry each.",
        column: Some("enclosures"),
        get: |f, _| Some(Value::List(&f.enclosures)),
        ..field(T::Top, key::ENCLOSURES, S::List)
    },
    Field {
        need: Need::Kind(Section::Overall),
        help: "The judgement of progress over all areas: outstanding, good, satisfactory or inadequate.",
        scaffold: Some("\"TODO\""),
        column: Some("overall"),
        ..field(T::Top, key::OVERALL, S::Judgement)
    },
    Field {
        need: Need::Optional,
        distinct: true,
        limit: L::Entries,
        words: W::Names,
        help: "Copies to: one entry per person, like \"Kate Lyons, DfE\".",
        scaffold: Some("[\"TODO name, organisation\"]"),
        column: Some("cc"),
        get: |f, _| Some(Value::List(&f.cc)),
        ..field(T::Top, key::CC, S::List)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The addressee's full name, like \"Anthony Douglas\".",
        column: Some("recipient name"),
        get: |f, _| Some(Value::Text(&f.recipient.name)),
        ..field(T::Recipient, key::NAME, S::Line)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Plain,
        help: "The addressee's job title, like \"Chief Executive\".",
        column: Some("recipient role"),
        get: |f, _| Some(Value::Text(&f.recipient.role)),
        ..field(T::Recipient, key::ROLE, S::Line)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The addressee's organisation, like \"Cafcass\".",
        column: Some("recipient organisation"),
        get: |f, _| Some(Value::Text(&f.recipient.organisation)),
        ..field(T::Recipient, key::ORGANISATION, S::Line)
    },
    Field {
        filled: true,
        limit: L::Entries,
        words: W::Names,
        help: "The postal address, a line each, without the name and organisation; the last line holds the postcode.",
        // The tracker spreads it over "address line 1" … "address line 7" and "postcode".
        column: Some("address line 1"),
        get: |f, _| Some(Value::List(&f.recipient.address)),
        ..field(T::Recipient, key::ADDRESS, S::List)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The greeting line, like \"Dear Mr Douglas\".",
        column: Some("salutation"),
        get: |f, _| Some(Value::Text(&f.recipient.salutation)),
        ..field(T::Recipient, key::SALUTATION, S::Line)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The inspected provider, like \"Cafcass\".",
        column: Some("provider"),
        get: |f, _| f.inspection.as_ref().map(|i| Value::Text(&i.provider)),
        ..field(T::Inspection, key::PROVIDER, S::Line)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The service area inspected, like \"Greater London service area\".",
        column: Some("service area"),
        get: |f, _| f.inspection.as_ref().map(|i| Value::Text(&i.service_area)),
        ..field(T::Inspection, key::SERVICE_AREA, S::Line)
    },
    Field {
        need: Need::Optional,
        filled: true,
        limit: L::Text,
        help: "The service area's code, like \"S3\".",
        column: Some("code"),
        get: |f, _| f.inspection.as_ref().and_then(|i| i.code.as_deref()).map(Value::Text),
        ..field(T::Inspection, key::CODE, S::Line)
    },
    Field {
        help: "The Monday of the inspection week, like 2026-06-01 (no quotes).",
        column: Some("week commencing"),
        ..field(T::Inspection, key::WEEK_COMMENCING, S::Date)
    },
    Field {
        help: "The month the inspection report was published, like \"2026-07\".",
        column: Some("published"),
        ..field(T::Inspection, key::PUBLISHED, S::Month)
    },
    Field {
        help: "The first day of the visit, like 2026-11-23 (no quotes).",
        column: Some("visit from"),
        ..field(T::Visit, key::FROM, S::Date)
    },
    Field {
        help: "The last day of the visit (the same as from for a one-day visit).",
        column: Some("visit to"),
        ..field(T::Visit, key::TO, S::Date)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Plain,
        help: "Where inspectors went, completing \"at …\".",
        column: Some("locations"),
        get: |f, _| f.visit.as_ref().map(|v| Value::Text(&v.locations)),
        ..field(T::Visit, key::LOCATIONS, S::Line)
    },
    Field {
        distinct: true,
        limit: L::Entries,
        words: W::Plain,
        help: "What inspectors assessed, one entry each (a bullet in the letter).",
        column: Some("assessed"),
        get: |f, _| f.visit.as_ref().map(|v| Value::List(&v.assessed)),
        ..field(T::Visit, key::ASSESSED, S::List)
    },
    Field {
        distinct: true,
        limit: L::Entries,
        words: W::Plain,
        help: "Whom inspectors met, one entry each (a bullet in the letter).",
        column: Some("met"),
        get: |f, _| f.visit.as_ref().map(|v| Value::List(&v.met)),
        ..field(T::Visit, key::MET, S::List)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Names,
        help: "The inspector's full name.",
        column: Some("signatory name"),
        get: |f, _| Some(Value::Text(&f.signatory.name)),
        ..field(T::Signatory, key::NAME, S::Line)
    },
    Field {
        filled: true,
        limit: L::Text,
        words: W::Plain,
        help: "The title under the name, like \"His Majesty's Inspector\".",
        column: Some("signatory role"),
        get: |f, _| Some(Value::Text(&f.signatory.role)),
        ..field(T::Signatory, key::ROLE, S::Line)
    },
    Field {
        help: "When the action was due: \"immediately\", or \"within 3 months\" or \"within 6 weeks\" with the right number.",
        scaffold: Some("\"TODO\""),
        column: Some("timescale"),
        ..field(T::Area, key::TIMESCALE, S::Timescale)
    },
    Field {
        filled: true,
        limit: L::Bytes(4 * MAX_LINE),
        words: W::Plain,
        help: "The action, completing \"ensure that …\" (a final full stop is optional).",
        column: Some("action"),
        get: |f, i| f.areas.get(i).map(|a| Value::Text(&a.action)),
        ..field(T::Area, key::ACTION, S::Line)
    },
    Field {
        help: "The progress judgement: outstanding, good, satisfactory or inadequate.",
        scaffold: Some("\"TODO\""),
        column: Some("judgement"),
        ..field(T::Area, key::JUDGEMENT, S::Judgement)
    },
    Field {
        filled: true,
        limit: L::Bytes(MAX_PROSE),
        words: W::Markdown,
        help: "What the inspection reported (Markdown), completing \"The inspection … reported that\".",
        column: Some("reported"),
        get: |f, i| f.areas.get(i).map(|a| Value::Text(&a.reported)),
        ..field(T::Area, key::REPORTED, S::Prose)
    },
    Field {
        filled: true,
        limit: L::Bytes(MAX_PROSE),
        words: W::Markdown,
        help: "The evidence for the judgement (Markdown).",
        column: Some("progress"),
        get: |f, i| f.areas.get(i).map(|a| Value::Text(&a.progress)),
        ..field(T::Area, key::PROGRESS, S::Prose)
    },
];

/// The fields of `table`, in order.
pub fn of(table: Table) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.table == table)
}

/// The keys of `table`.
pub fn keys(table: Table) -> impl Iterator<Item = &'static str> {
    of(table).map(|f| f.key)
}

/// The keys a finding file may have at its top: the top fields and the tables.
pub fn top_level_keys() -> impl Iterator<Item = &'static str> {
    keys(Table::Top).chain(Table::TABLES.iter().map(|t| t.key()))
}

/// Every value `finding` holds, field by field in the table's order (an
/// area's field once per area, with the area's index; 0 elsewhere); a field
/// left out is not there.
pub fn values(finding: &Finding) -> impl Iterator<Item = (&'static Field, usize, Value<'_>)> {
    FIELDS.iter().flat_map(move |field| {
        let count = if field.table == Table::Area { finding.areas.len() } else { 1 };
        (0..count).filter_map(move |i| Some((field, i, (field.get)(finding, i)?)))
    })
}

/// The field `key` of the table named `table` (`""` for the top, `area` for
/// an `[[area]]` whatever its index).
pub fn find(table: &str, key: &str) -> Option<&'static Field> {
    let table = table.split('[').next().unwrap_or(table);
    FIELDS.iter().find(|f| f.table.key() == table && f.key == key)
}

/// The field names of the struct `T`, as its derived `Deserialize` asks
/// for them: a deserializer that only records what `deserialize_struct` is
/// given. Empty for a type that is not a struct.
pub(crate) fn struct_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::Visitor;
    /// The deserializer's only error; it carries nothing, so asking for
    /// the fields allocates nothing (this runs for every table read).
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("only the field names were asked for")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Fields<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_fields<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
        struct_fields::<T>().to_vec()
    }

    #[test]
    fn the_table_has_every_field_serde_reads_and_no_other() {
        use crate::model::{Area, Inspection, Recipient, Signatory, Visit};
        for (table, fields) in [
            (Table::Recipient, serde_fields::<Recipient>()),
            (Table::Inspection, serde_fields::<Inspection>()),
            (Table::Visit, serde_fields::<Visit>()),
            (Table::Signatory, serde_fields::<Signatory>()),
            (Table::Area, serde_fields::<Area>()),
        ] {
            let mut described: Vec<&str> = keys(table).collect();
            let mut read = fields;
            described.sort();
            read.sort();
            assert_eq!(described, read, "{table:?}");
        }
    }

    #[test]
    fn the_top_of_a_full_letter_is_the_tables_top_level_keys() {
        let text = std::fs::read_to_string(crate::test_fixtures::demo()).unwrap();
        let mut finding = crate::finding::parse(&crate::test_fixtures::demo(), text).unwrap();
        finding.template = Some("monitoring".into());
        finding.translation = Some("other.toml".into());
        finding.reference = Some("REF".into());
        let json = serde_json::to_value(&finding).unwrap();
        let mut written: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut described: Vec<&str> = top_level_keys().collect();
        written.sort();
        described.sort();
        assert_eq!(written, described);
    }

    #[test]
    fn fields_of_the_same_name_have_the_same_shape() {
        for a in FIELDS {
            for b in FIELDS.iter().filter(|b| b.key == a.key) {
                assert_eq!(a.shape, b.shape, "{}", a.key);
            }
        }
    }
}
