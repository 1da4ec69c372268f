//! The finding file: one letter's findings as TOML, and its validation.
//!
//! The model is deserialised with serde, so type errors, unknown keys and
//! unknown judgement values come with the exact span toml knows. Checks that
//! span several fields (dates in order, at least one area) run afterwards and
//! look their spans up in the parsed document, so every problem is reported
//! with file, field and line, all in one pass.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{FileProblems, Problem, Severity};
use crate::wording::Language;

/// One post-inspection monitoring letter, as written by the inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The date printed on the letter; also the PDF's creation date.
    pub date: Date,
    /// Name of the wording template under `templates/` (without `.typ.tera`).
    pub template: Option<String>,
    /// Whether the letter is a draft or final (ready to sign and send).
    pub status: Status,
    /// The language the letter is written in.
    pub language: Language,
    /// The same letter in another language, as a finding file relative to
    /// this one: the PDF then holds this letter and, after it, the other.
    pub translation: Option<String>,
    /// The inspectorate's reference, printed under the date and in the PDF.
    pub reference: Option<String>,
    /// What is enclosed with the letter, one entry each.
    pub enclosures: Vec<String>,
    /// Who the letter goes to.
    pub recipient: Recipient,
    /// The inspection being followed up.
    pub inspection: Inspection,
    /// The monitoring visit.
    pub visit: Visit,
    /// Who signs the letter.
    pub signatory: Signatory,
    /// The inspectorate's judgement of progress over all areas.
    pub overall: Judgement,
    /// Copies to, one entry per line.
    pub cc: Vec<String>,
    /// The areas for improvement, in the order of the inspection report.
    #[serde(rename = "area")]
    pub areas: Vec<Area>,
}

/// Where a letter is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written or reviewed: watermarked, not signed, placeholders allowed.
    Draft,
    /// Ready to sign and send: no placeholders may remain.
    #[default]
    Final,
}

/// The text the scaffold of `letterpress new` marks unfinished fields with.
pub const PLACEHOLDER: &str = "TODO";

/// The addressee.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Full name, e.g. "Anthony Douglas".
    pub name: String,
    /// Job title, e.g. "Chief Executive".
    pub role: String,
    /// Organisation, e.g. "Cafcass".
    pub organisation: String,
    /// Postal address lines, without the name and organisation.
    pub address: Vec<String>,
    /// Greeting line, e.g. "Dear Mr Douglas".
    pub salutation: String,
}

/// The inspection whose recommendations are being monitored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// The inspected provider, e.g. "Cafcass".
    pub provider: String,
    /// e.g. "Greater London service area".
    pub service_area: String,
    /// The service area's code, e.g. "S3".
    #[serde(default)]
    pub code: Option<String>,
    /// Monday of the inspection week.
    pub week_commencing: Date,
    /// Month the inspection report was published, "YYYY-MM".
    pub published: YearMonth,
}

/// The monitoring visit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// First day of the visit.
    pub from: Date,
    /// Last day of the visit (the same as `from` for one day).
    pub to: Date,
    /// Where inspectors went, completing "at …".
    pub locations: String,
    /// What inspectors assessed, one bullet each.
    pub assessed: Vec<String>,
    /// Whom inspectors met, one bullet each.
    pub met: Vec<String>,
}

/// The person signing the letter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Full name.
    pub name: String,
    /// Title under the name, e.g. "Her Majesty's Inspector".
    pub role: String,
}

/// One area for improvement and the progress made on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// When the action was due.
    pub timescale: Timescale,
    /// The action, completing "ensure that …" (a final full stop is optional).
    pub action: String,
    /// What the inspection reported (Markdown), completing "… reported that".
    pub reported: String,
    /// The progress judgement.
    pub judgement: Judgement,
    /// The evidence for the judgement (Markdown).
    pub progress: String,
}

/// A progress judgement, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    /// Outstanding progress.
    Outstanding,
    /// Good progress.
    Good,
    /// Satisfactory progress.
    Satisfactory,
    /// Inadequate progress.
    Inadequate,
}

impl Judgement {
    /// Every judgement, best first.
    pub const ALL: [Judgement; 4] =
        [Judgement::Outstanding, Judgement::Good, Judgement::Satisfactory, Judgement::Inadequate];

    /// The word used in the letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Outstanding => "outstanding",
            Judgement::Good => "good",
            Judgement::Satisfactory => "satisfactory",
            Judgement::Inadequate => "inadequate",
        }
    }
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When an action had to be taken: "immediately" or "within N months/weeks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", tag = "kind", rename_all = "lowercase")]
pub enum Timescale {
    /// "ensure immediately that …"
    Immediately,
    /// "within three months ensure that …"
    Within {
        /// How many units.
        count: u32,
        /// "months" or "weeks" (singular when count is 1).
        unit: TimeUnit,
    },
}

/// Unit of a [`Timescale`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Weeks.
    Weeks,
    /// Months.
    Months,
}

impl TryFrom<String> for Timescale {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let expected = || {
            format!(
                "invalid timescale `{text}`, expected \"immediately\" or \"within N months\" (or weeks)"
            )
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["immediately"] => Ok(Timescale::Immediately),
            ["within", count, unit] => {
                let count: u32 = count.parse().map_err(|_| expected())?;
                let unit = match *unit {
                    "month" | "months" => TimeUnit::Months,
                    "week" | "weeks" => TimeUnit::Weeks,
                    _ => return Err(expected()),
                };
                if count == 0 {
                    return Err(expected());
                }
                Ok(Timescale::Within { count, unit })
            }
            _ => Err(expected()),
        }
    }
}

/// A calendar date (TOML local date, e.g. `2010-12-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "toml::value::Datetime")]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl TryFrom<toml::value::Datetime> for Date {
    type Error = String;

    fn try_from(value: toml::value::Datetime) -> Result<Self, String> {
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => {
                Ok(Date { year: i32::from(d.year), month: d.month, day: d.day })
            }
            _ => Err(format!("expected a date like 2010-12-01, found `{value}`")),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Templates see dates as ISO strings, which their date filters format.
impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A month of a year, written "YYYY-MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
}

impl TryFrom<String> for YearMonth {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let parsed = text.split_once('-').and_then(|(y, m)| {
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(y, 4) || !digits(m, 2) {
                return None;
            }
            let month: u8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            Some(YearMonth { year: y.parse().ok()?, month })
        });
        parsed.ok_or_else(|| format!("expected a month like \"2010-01\", found \"{text}\""))
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Templates see the month as the first day of it, so the same date filters
/// format it.
impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{self}-01"))
    }
}

impl Finding {
    /// Reads and validates the finding file at `path`.
    pub fn load(path: &Path) -> Result<Finding, FileProblems> {
        Finding::parse(path, read_text(path)?)
    }

    /// Parses and validates finding-file text; `path` names it in messages.
    /// Warnings are dropped; use [`check`] to see them.
    pub fn parse(path: &Path, text: String) -> Result<Finding, FileProblems> {
        match read(path, text, false) {
            (Some(finding), problems) if !problems.has_errors() => Ok(finding),
            (_, problems) => Err(problems),
        }
    }

    /// Checks what the types alone cannot: content and the order of dates.
    fn check(&self, spans: &SpanIndex<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut require = |path: &[Key<'_>], ok: bool, message: &str, hint: Option<&str>| {
            if !ok {
                let mut problem = Problem::error(Some(field_name(path)), message, spans.find(path));
                if let Some(hint) = hint {
                    problem = problem.with_hint(hint);
                }
                problems.push(problem);
            }
        };
        use Key::{Field as F, Index as I};
        if self.areas.is_empty() {
            require(
                &[F("area")],
                false,
                "the letter has no areas for improvement",
                Some("add at least one [[area]] table"),
            );
        }
        let texts: [(&[Key<'_>], &str); 12] = [
            (&[F("recipient"), F("name")], &self.recipient.name),
            (&[F("recipient"), F("role")], &self.recipient.role),
            (&[F("recipient"), F("organisation")], &self.recipient.organisation),
            (&[F("recipient"), F("salutation")], &self.recipient.salutation),
            (&[F("inspection"), F("provider")], &self.inspection.provider),
            (&[F("inspection"), F("service_area")], &self.inspection.service_area),
            (&[F("visit"), F("locations")], &self.visit.locations),
            (&[F("signatory"), F("name")], &self.signatory.name),
            (&[F("signatory"), F("role")], &self.signatory.role),
            (&[F("template")], self.template.as_deref().unwrap_or("x")),
            (&[F("inspection"), F("code")], self.inspection.code.as_deref().unwrap_or("x")),
            (
                &[F("recipient"), F("address")],
                if self.recipient.address.is_empty() { "" } else { "x" },
            ),
        ];
        for (path, text) in texts {
            require(path, !text.trim().is_empty(), "this field must not be empty", None);
        }
        for (i, area) in self.areas.iter().enumerate() {
            for (name, text) in [
                ("action", &area.action),
                ("reported", &area.reported),
                ("progress", &area.progress),
            ] {
                require(
                    &[F("area"), I(i), F(name)],
                    !text.trim().is_empty(),
                    "this field must not be empty",
                    None,
                );
            }
        }
        let block = 3 + self.recipient.address.len();
        if let Some(last) = self.recipient.address.last()
            && let Err(err) = crate::postal::check(block, last)
        {
            let path = match err {
                crate::postal::AddressError::Lines(_) => vec![F("recipient"), F("address")],
                crate::postal::AddressError::NoPostcode(_) => {
                    vec![F("recipient"), F("address"), I(self.recipient.address.len() - 1)]
                }
            };
            require(&path, false, &err.to_string(), None);
        }
        let from = &[F("visit"), F("from")][..];
        let to = &[F("visit"), F("to")][..];
        let (visit_from, visit_to) = (self.visit.from, self.visit.to);
        require(
            to,
            visit_from <= visit_to,
            &format!("the visit ends ({visit_to}) before it starts ({visit_from})"),
            Some("check visit.from and visit.to"),
        );
        let week = self.inspection.week_commencing;
        require(
            from,
            week < visit_from,
            &format!(
                "the monitoring visit ({visit_from}) is not after the inspection week ({week})"
            ),
            Some("check inspection.week_commencing and visit.from"),
        );
        require(
            &[F("date")],
            visit_to <= self.date,
            &format!("the letter is dated {} but the visit ends on {visit_to}", self.date),
            Some("a letter reports on a visit that has ended: check date and visit.to"),
        );
        problems
    }

    /// Entries that are empty or repeated, an overall judgement that does
    /// not match the areas, and Markdown the letter cannot show.
    fn check_entries_and_prose(&self, spans: &SpanIndex<'_>, warnings: bool) -> Vec<Problem> {
        use Key::{Field as F, Index as I};
        let mut problems = Vec::new();
        for (name, list) in
            [("assessed", &self.visit.assessed), ("met", &self.visit.met), ("cc", &self.cc)]
        {
            let path_of = |i| {
                if name == "cc" { vec![F("cc"), I(i)] } else { vec![F("visit"), F(name), I(i)] }
            };
            for (i, entry) in list.iter().enumerate() {
                if entry.trim().is_empty() {
                    problems.push(Problem::error(
                        Some(field_name(&path_of(i))),
                        "this entry is empty",
                        spans.find(&path_of(i)),
                    ));
                } else if list[..i].contains(entry) {
                    problems.push(Problem::warning(
                        Some(field_name(&path_of(i))),
                        format!("`{entry}` is listed twice"),
                        spans.find(&path_of(i)),
                    ));
                }
            }
        }
        let summary = crate::wording::Summary::of(self.areas.iter().map(|a| a.judgement));
        if let Some(most) = summary.parts.first()
            && summary.parts.iter().all(|p| p.count < most.count || p.judgement != self.overall)
        {
            problems.push(
                Problem::warning(
                    Some("overall".into()),
                    format!(
                        "overall judgement `{}` differs from the most common area judgement `{}` ({} of {} areas)",
                        self.overall, most.judgement, most.count, summary.total
                    ),
                    spans.find(&[F("overall")]),
                )
                .with_hint("check `overall`; the letter prints it as the overall progress"),
            );
        }
        // Converting every prose field only finds warnings.
        for (i, area) in self.areas.iter().enumerate().filter(|_| warnings) {
            for (name, prose) in [("reported", &area.reported), ("progress", &area.progress)] {
                let path = [F("area"), I(i), F(name)];
                let converted = crate::markdown::to_typst(prose, None, Default::default());
                for warning in converted.warnings {
                    let span = spans.find(&path).map(|v| spans.inside_string(v, warning.range));
                    problems.push(Problem::warning(Some(field_name(&path)), warning.message, span));
                }
            }
        }
        problems
    }
}

impl Finding {
    /// Where the translation of the finding file at `path` is, if it has one:
    /// `translation` is relative to the finding file's folder.
    pub fn translation_path(&self, path: &Path) -> Option<std::path::PathBuf> {
        Some(beside(path, self.translation.as_ref()?))
    }

    /// How `other`, this letter in another language, disagrees with it on
    /// facts that must not differ between the two versions: dates, status,
    /// reference, judgements and timescales. Prose may differ; facts may not.
    pub fn translation_mismatches(&self, other: &Finding) -> Vec<String> {
        let mut found = Vec::new();
        if self.language == other.language {
            found.push(format!(
                "the translation is in {} too; it must be in another language",
                self.language.name()
            ));
        }
        let mut same = |what: &str, here: String, there: String| {
            if here != there {
                found.push(format!("{what} is {here} here but {there} in the translation"));
            }
        };
        same("date", self.date.to_string(), other.date.to_string());
        same("status", format!("{:?}", self.status), format!("{:?}", other.status));
        same("reference", format!("{:?}", self.reference), format!("{:?}", other.reference));
        same("overall", self.overall.to_string(), other.overall.to_string());
        same("visit.from", self.visit.from.to_string(), other.visit.from.to_string());
        same("visit.to", self.visit.to.to_string(), other.visit.to.to_string());
        same(
            "inspection.week_commencing",
            self.inspection.week_commencing.to_string(),
            other.inspection.week_commencing.to_string(),
        );
        same("the number of areas", self.areas.len().to_string(), other.areas.len().to_string());
        for (i, (here, there)) in self.areas.iter().zip(&other.areas).enumerate() {
            let n = i + 1;
            same(
                &format!("area {n}'s judgement"),
                here.judgement.to_string(),
                there.judgement.to_string(),
            );
            same(
                &format!("area {n}'s timescale"),
                format!("{:?}", here.timescale),
                format!("{:?}", there.timescale),
            );
        }
        found
    }
}

/// The field serde reports missing in `message`, if that is what it says.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// A valid value for `field` of the table `key` (`visit`, `area[3]` …),
/// from the built-in sample letter: a stand-in of the right type, so that
/// reading a table can go past a field already reported.
fn sample_value(key: &str, field: &str) -> Option<toml::Spanned<toml::de::DeValue<'static>>> {
    let sample = crate::builtin::SAMPLE_LETTER;
    let root = toml::de::DeTable::parse(sample).ok()?.into_inner();
    let table_name = key.split('[').next().unwrap_or(key);
    let table = match root.get(table_name)?.get_ref() {
        toml::de::DeValue::Array(items) => items.first()?.get_ref().clone(),
        other => other.clone(),
    };
    let toml::de::DeValue::Table(table) = table else { return None };
    table.get(field).cloned()
}

/// Top-level keys of a finding file.
const TOP_LEVEL_KEYS: &[&str] = &[
    "date",
    "template",
    "status",
    "language",
    "translation",
    "reference",
    "enclosures",
    "overall",
    "cc",
    "recipient",
    "inspection",
    "visit",
    "signatory",
    "area",
];

/// Parses and validates finding-file text, collecting every problem.
///
/// Syntax errors are all reported (toml recovers after each); then every
/// section and every `[[area]]` is read on its own, so mistakes in several
/// sections are reported in one pass rather than only the first in the file,
/// and in each table every unknown key and every rejected value (serde
/// alone stops at the first); then the cross-field checks and warnings run. The finding is returned
/// when it could be read, even with warnings.
pub fn check(path: &Path, text: String) -> (Option<Finding>, FileProblems) {
    read(path, text, true)
}

/// [`check`], with or without the warnings that cost a Markdown conversion
/// of every prose field (a render drops warnings; `check` shows them).
fn read(path: &Path, text: String, warnings: bool) -> (Option<Finding>, FileProblems) {
    let (finding, mut problems) = {
        let (table, syntax) = toml::de::DeTable::parse_recoverable(&text);
        let mut problems: Vec<Problem> = syntax.iter().map(problem_from_toml).collect();
        let finding = if problems.is_empty() { read_sections(table, &mut problems) } else { None };
        if let Some(finding) = &finding {
            let spans = SpanIndex::new(&text);
            problems.extend(finding.check(&spans));
            problems.extend(finding.check_entries_and_prose(&spans, warnings));
        }
        (finding, problems)
    };
    problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    let mut finding = finding.filter(|_| problems.iter().all(|p| p.severity != Severity::Error));
    if let Some(last) = finding.as_mut().and_then(|f| f.recipient.address.last_mut())
        && let Some(normalised) = crate::postal::normalise_postcode_line(last)
    {
        *last = normalised;
    }
    (finding, FileProblems { path: path.to_path_buf(), text, problems })
}

/// Reads each top-level section on its own, collecting a problem for every
/// section that fails.
fn read_sections(
    table: toml::Spanned<toml::de::DeTable<'_>>,
    problems: &mut Vec<Problem>,
) -> Option<Finding> {
    use serde::de::IntoDeserializer;
    let mut entries: Vec<(String, toml::Spanned<toml::de::DeValue<'_>>)> = Vec::new();
    for (key, value) in table.into_inner() {
        let name = key.get_ref().to_string();
        if TOP_LEVEL_KEYS.contains(&name.as_str()) {
            entries.push((name, value));
        } else {
            let mut problem =
                Problem::error(None, format!("unknown field `{name}`"), Some(key.span()));
            problem = problem.with_hint(did_you_mean(&name, TOP_LEVEL_KEYS).unwrap_or_else(|| {
                format!("the top-level fields are {}", TOP_LEVEL_KEYS.join(", "))
            }));
            problems.push(problem);
        }
    }
    let mut take =
        |key: &str| entries.iter().position(|(k, _)| k == key).map(|i| entries.swap_remove(i).1);
    /// Reads one section; errors without a span of their own get the
    /// section's span and name.
    fn read<T: serde::de::DeserializeOwned>(
        key: &str,
        value: Option<toml::Spanned<toml::de::DeValue<'_>>>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let Some(value) = value else {
            // A misspelt key was already reported with a "did you mean".
            if !problems.iter().any(|p| p.hint.as_deref() == Some(&suggestion(key))) {
                problems.push(
                    Problem::error(Some(key.into()), format!("missing field `{key}`"), None)
                        .with_hint("add the field; the README lists every required field"),
                );
            }
            return None;
        };
        let span = value.span();
        T::deserialize(value.into_deserializer())
            .map_err(|err| {
                let mut problem = problem_from_toml(&err);
                problem.span = problem.span.or(Some(span));
                problem.field = Some(key.to_owned());
                problems.push(problem);
            })
            .ok()
    }
    let date = read::<Date>("date", take("date"), problems);
    let template = take("template").and_then(|v| read::<String>("template", Some(v), problems));
    let overall = read::<Judgement>("overall", take("overall"), problems);
    let status =
        take("status").map_or(Some(Status::Final), |v| read::<Status>("status", Some(v), problems));
    let language = take("language")
        .map_or(Some(Language::default()), |v| read::<Language>("language", Some(v), problems));
    let translation =
        take("translation").and_then(|v| read::<String>("translation", Some(v), problems));
    let reference = take("reference").and_then(|v| read::<String>("reference", Some(v), problems));
    let enclosures = take("enclosures")
        .map_or(Some(Vec::new()), |v| read::<Vec<String>>("enclosures", Some(v), problems));
    let cc = take("cc").map_or(Some(Vec::new()), |v| read::<Vec<String>>("cc", Some(v), problems));
    /// Reads one table into the struct `T`, reporting every mistake in it
    /// rather than only the first, where serde stops: every unknown key, then,
    /// one at a time, each value serde rejects, left out so that the next one
    /// is found, and each missing field. A field that is missing because its
    /// key was misspelt or its value rejected is not reported missing as well;
    /// it is filled in from the sample letter instead, because serde stops at
    /// the first missing field and would hide the next.
    fn read_table<T: serde::de::DeserializeOwned>(
        key: &str,
        value: Option<toml::Spanned<toml::de::DeValue<'_>>>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let fields = struct_fields::<T>();
        let Some(mut value) = value else { return read::<T>(key, None, problems) };
        // The fields whose mistakes are reported: not "missing" as well.
        let mut accounted: Vec<String> = Vec::new();
        if let toml::de::DeValue::Table(table) = value.get_mut() {
            let unknown: Vec<_> = table
                .iter()
                .map(|(name, _)| name)
                .filter(|name| !fields.contains(&name.get_ref().as_ref()))
                .cloned()
                .collect();
            for name in unknown {
                table.remove(name.get_ref().as_ref());
                accounted.extend(closest(name.get_ref(), fields).map(str::to_owned));
                problems.push(unknown_key(key, &name, fields));
            }
        }
        // Fields filled in from the built-in sample so that serde, which stops
        // at the first missing field, goes on to report the next one.
        let mut stand_ins: Vec<String> = Vec::new();
        loop {
            let start = problems.len();
            if let Some(read) = read::<T>(key, Some(value.clone()), problems) {
                return stand_ins.is_empty().then_some(read);
            }
            let reported: Vec<Problem> = problems.drain(start..).collect();
            let missing =
                reported.iter().find_map(|p| missing_field(&p.message)).map(str::to_owned);
            problems.extend(reported.into_iter().filter(|p| {
                !missing_field(&p.message).is_some_and(|f| accounted.iter().any(|a| a == f))
            }));
            let toml::de::DeValue::Table(table) = value.get_mut() else { return None };
            if let Some(field) = missing {
                let stand_in =
                    sample_value(key, &field).filter(|_| !table.contains_key(&*field))?;
                table.insert(toml::Spanned::new(0..0, field.clone().into()), stand_in);
                accounted.push(field.clone());
                stand_ins.push(field);
                continue;
            }
            // The key whose value serde rejected, if the error points at one.
            let at = problems[start..].iter().find_map(|p| p.span.as_ref().map(|s| s.start));
            let rejected = at.and_then(|at| {
                table
                    .iter()
                    .filter(|(name, _)| !stand_ins.iter().any(|s| s == name.get_ref()))
                    .find(|(_, v)| v.span().contains(&at))
                    .map(|(name, _)| name.get_ref().to_string())
            })?;
            table.remove(rejected.as_str());
            accounted.push(rejected);
        }
    }
    let recipient = read_table::<Recipient>("recipient", take("recipient"), problems);
    let inspection = read_table::<Inspection>("inspection", take("inspection"), problems);
    let visit = read_table::<Visit>("visit", take("visit"), problems);
    let signatory = read_table::<Signatory>("signatory", take("signatory"), problems);
    let areas = match take("area") {
        None => Some(Vec::new()),
        Some(value) => {
            let span = value.span();
            match value.into_inner() {
                toml::de::DeValue::Array(items) => {
                    let areas: Vec<Option<Area>> = items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| {
                            read_table::<Area>(&format!("area[{}]", i + 1), Some(item), problems)
                        })
                        .collect();
                    areas.into_iter().collect()
                }
                _ => {
                    problems.push(Problem::error(
                        Some("area".into()),
                        "expected [[area]] tables",
                        Some(span),
                    ));
                    None
                }
            }
        }
    };
    Some(Finding {
        date: date?,
        template,
        status: status?,
        language: language?,
        translation,
        reference,
        enclosures: enclosures?,
        recipient: recipient?,
        inspection: inspection?,
        visit: visit?,
        signatory: signatory?,
        overall: overall?,
        cc: cc?,
        areas: areas?,
    })
}

/// "did you mean `x`?" for a misspelt name, when one candidate is close.
fn did_you_mean(name: &str, candidates: &[&str]) -> Option<String> {
    closest(name, candidates).map(suggestion)
}

/// The candidate `name` is most likely a misspelling of, if any is close.
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// An unknown key `name` in the table `table`, whose fields are `fields`,
/// reported as serde would have.
fn unknown_key(
    table: &str,
    name: &toml::Spanned<std::borrow::Cow<'_, str>>,
    fields: &'static [&'static str],
) -> Problem {
    let error: serde::de::value::Error = serde::de::Error::unknown_field(name.get_ref(), fields);
    let mut problem = problem_from_message(&error.to_string(), Some(name.span()));
    problem.field = Some(table.to_owned());
    problem
}

/// The field names of the struct `T`, as its derived `Deserialize` asks
/// for them: a deserializer that only records what `deserialize_struct` is
/// given. Empty for a type that is not a struct.
fn struct_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::Visitor;
    /// The deserializer's only error; it carries nothing, so asking for
    /// the fields allocates nothing (this runs for every table read).
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("only the field names were asked for")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
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

fn suggestion(candidate: &str) -> String {
    format!("did you mean `{candidate}`?")
}

/// The disagreements between a letter and its translation (from
/// [`Finding::translation_mismatches`]), as errors on the `translation` field.
pub fn translation_problems(
    path: &Path,
    text: String,
    translation: &Path,
    mismatches: Vec<String>,
) -> FileProblems {
    let span = SpanIndex::new(&text).find(&[Key::Field("translation")]);
    let problems = mismatches
        .into_iter()
        .map(|mismatch| {
            Problem::error(Some("translation".into()), mismatch, span.clone()).with_hint(format!(
                "the two versions of a letter must agree on every fact; correct {} or this file",
                translation.display()
            ))
        })
        .collect();
    FileProblems { path: path.to_path_buf(), text, problems }
}

/// Every string in the finding file that still holds the scaffold's
/// placeholder, as errors: a final letter must not go out with a `TODO`.
pub fn placeholders(path: &Path, text: String) -> FileProblems {
    fn walk(
        value: &toml::Spanned<toml::de::DeValue<'_>>,
        name: String,
        problems: &mut Vec<Problem>,
    ) {
        match value.get_ref() {
            toml::de::DeValue::String(s) if s.contains(PLACEHOLDER) => problems.push(
                Problem::error(
                    Some(name),
                    format!("a final letter still has the placeholder {PLACEHOLDER}"),
                    Some(value.span()),
                )
                .with_hint("fill it in, or render as a draft (status = \"draft\" or --draft)"),
            ),
            toml::de::DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{name}[{}]", i + 1), problems);
                }
            }
            toml::de::DeValue::Table(table) => {
                for (key, item) in table.iter() {
                    let key = key.get_ref();
                    let name =
                        if name.is_empty() { key.to_string() } else { format!("{name}.{key}") };
                    walk(item, name, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    // Parsing again is only worth it when the placeholder can be there,
    // written out or hidden in an escape.
    let may_hold = text.contains(PLACEHOLDER) || text.contains("\\u") || text.contains("\\U");
    if may_hold && let Ok(table) = toml::de::DeTable::parse(&text) {
        for (key, value) in table.get_ref().iter() {
            walk(value, key.get_ref().to_string(), &mut problems);
        }
    }
    problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    FileProblems { path: path.to_path_buf(), text, problems }
}

/// The translation that the finding file at `path`, whose text is `text`,
/// names, without reading the rest of the letter: a watcher needs it even
/// while the letter is broken.
pub fn translation_named(path: &Path, text: &str) -> Option<std::path::PathBuf> {
    // Most letters have none: parse only when the key can be there, written
    // out or spelt with escapes in a quoted key.
    if !text.contains("translation") && !text.contains("\\u") && !text.contains("\\U") {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Named {
        translation: Option<String>,
    }
    let named: Named = toml::from_str(text).ok()?;
    Some(beside(path, &named.translation?))
}

/// `name`, relative to the folder of the finding file at `path`.
fn beside(path: &Path, name: &str) -> std::path::PathBuf {
    path.parent().unwrap_or(Path::new("")).join(name)
}

/// Reads a finding file's text, reporting a missing or unreadable file as a
/// problem of that file.
pub fn read_text(path: &Path) -> Result<String, FileProblems> {
    std::fs::read_to_string(path).map_err(|err| FileProblems {
        path: path.to_path_buf(),
        text: String::new(),
        problems: vec![Problem::error(
            None,
            format!("cannot read the finding file {}: {err}", path.display()),
            None,
        )],
    })
}

/// Turns a toml parse or deserialisation error into a located problem.
fn problem_from_toml(err: &toml::de::Error) -> Problem {
    problem_from_message(err.message(), err.span())
}

/// A problem from a toml or serde error message, in plainer words, with a
/// hint for what to do about it.
fn problem_from_message(message: &str, span: Option<Range<usize>>) -> Problem {
    let message = plain_message(message.trim_end_matches('.').replace('\n', " "));
    // serde names the unknown word and the allowed ones in backticks.
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let suggestion = match quoted.split_first() {
        Some((unknown, allowed))
            if message.starts_with("unknown field") || message.starts_with("unknown variant") =>
        {
            did_you_mean(unknown, allowed)
        }
        _ => None,
    };
    let hint = if let Some(suggestion) = suggestion {
        Some(suggestion)
    } else if let Some(key) = quoted
        .first()
        .filter(|k| message.starts_with("unknown field") && TOP_LEVEL_KEYS.contains(k))
    {
        Some(format!(
            "`{key}` is a top-level field: move it above the first [table] header, or it belongs to that table"
        ))
    } else if message.starts_with("unknown field") {
        Some("check the spelling; the README lists every field".to_owned())
    } else if message.starts_with("missing field") {
        Some("add the field; the README lists every required field".to_owned())
    } else if message.contains("unknown variant") {
        Some("use one of the listed values".to_owned())
    } else {
        None
    };
    let problem = Problem::error(None, message, span);
    match hint {
        Some(hint) => problem.with_hint(hint),
        None => problem,
    }
}

/// Says serde's and toml's type errors in the finding file's own terms.
fn plain_message(message: String) -> String {
    let judgements = Judgement::ALL.map(|j| format!("`{j}`")).join(", ");
    if message == "wanted string or table" {
        format!("expected a judgement, one of {judgements}")
    } else if message.contains("expected a TOML datetime") {
        format!(
            "{}; write a date like 2010-12-01, without quotes",
            message.replace(", expected a TOML datetime", "")
        )
    } else if message.ends_with("expected a sequence") {
        message.replace("expected a sequence", "expected a list like [\"first\", \"second\"]")
    } else {
        message
    }
}

/// One step of a path into the finding file.
#[derive(Debug, Clone, Copy)]
enum Key<'a> {
    Field(&'a str),
    Index(usize),
}

/// `area[3].judgement` style name of a path (areas counted from 1, as in the
/// letter).
fn field_name(path: &[Key<'_>]) -> String {
    let mut name = String::new();
    for key in path {
        match key {
            Key::Field(field) => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(field);
            }
            Key::Index(i) => name.push_str(&format!("[{}]", i + 1)),
        }
    }
    name
}

/// The parsed TOML document, kept to find where a field was written.
struct SpanIndex<'a> {
    text: &'a str,
    /// Parsed on the first lookup: a file without problems never needs it.
    root: std::cell::OnceCell<Option<toml::Spanned<toml::de::DeTable<'a>>>>,
}

impl<'a> SpanIndex<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, root: std::cell::OnceCell::new() }
    }

    /// Maps a byte range inside a string's content to the file, given the
    /// span of the string value (with its quotes). Exact for strings without
    /// escapes; clamped to the value otherwise.
    fn inside_string(&self, value: Range<usize>, inner: Range<usize>) -> Range<usize> {
        let raw = self.text.get(value.clone()).unwrap_or_default();
        let mut open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") { 3 } else { 1 };
        if open == 3 {
            open +=
                raw[3..].len() - raw[3..].trim_start_matches(['\r', '\n']).len().min(raw.len() - 3);
        }
        let start = (value.start + open + inner.start).min(value.end);
        let end = (value.start + open + inner.end).min(value.end).max(start);
        start..end
    }

    /// The span of the value at `path`, or of its nearest written parent.
    fn find(&self, path: &[Key<'_>]) -> Option<Range<usize>> {
        use toml::de::DeValue;
        let root = self.root.get_or_init(|| toml::de::DeTable::parse(self.text).ok()).as_ref()?;
        let mut table = Some(root.get_ref());
        let mut array = None;
        let mut span = None;
        for key in path {
            let next = match (key, table, array) {
                (Key::Field(name), Some(table), _) => {
                    table.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v)
                }
                (Key::Index(i), _, Some(items)) => {
                    let items: &toml::de::DeArray<'_> = items;
                    items.get(*i)
                }
                _ => None,
            };
            let Some(value) = next else { break };
            span = Some(value.span());
            (table, array) = match value.get_ref() {
                DeValue::Table(t) => (Some(t), None),
                DeValue::Array(a) => (None, Some(a)),
                _ => (None, None),
            };
        }
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_field_missing_after_a_rejected_one_is_reported_too() {
        // In an area (read from a list of tables): `judgement` comes before
        // `progress`, so serde alone would stop at the rejected judgement.
        let sample = crate::builtin::SAMPLE_LETTER;
        let open = sample.find("progress = \"\"\"").unwrap();
        let close = sample[open + 14..].find("\"\"\"").unwrap() + open + 17;
        let text = format!("{}{}", &sample[..open], &sample[close..]).replacen(
            "judgement = \"good\"",
            "judgement = \"great\"",
            1,
        );
        let (finding, problems) = check(Path::new("x.toml"), text);
        assert!(finding.is_none());
        let messages: Vec<&str> = problems.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("unknown variant `great`")), "{messages:?}");
        assert!(messages.contains(&"missing field `progress`"), "{messages:?}");
        assert!(!messages.contains(&"missing field `judgement`"), "{messages:?}");
    }

    #[test]
    fn the_translation_is_named_even_in_a_broken_letter_or_a_quoted_key() {
        let letter = Path::new("letters/cy/welsh.toml");
        let named = |text| translation_named(letter, text);
        let beside = Some(PathBuf::from("letters/cy/../english.toml"));
        assert_eq!(named("translation = \"../english.toml\"\noverall = \"grand\""), beside);
        assert_eq!(named("\"tr\\u0061nslation\" = \"../english.toml\""), beside);
        assert_eq!(named("overall = \"good\""), None);
        assert_eq!(named("translation = [ broken"), None);
    }

    #[test]
    fn every_table_tells_its_fields_to_the_unknown_key_check() {
        assert_eq!(struct_fields::<Signatory>(), ["name", "role"]);
        assert!(struct_fields::<Area>().contains(&"judgement"));
        for fields in
            [struct_fields::<Recipient>(), struct_fields::<Inspection>(), struct_fields::<Visit>()]
        {
            assert!(fields.len() >= 4, "{fields:?}");
        }
        // Not a struct: no fields, and `read_table` is never used for it.
        assert!(struct_fields::<String>().is_empty());
    }

    #[test]
    fn placeholders_are_found_written_out_or_escaped() {
        let found = |text: &str| placeholders(Path::new("x.toml"), text.to_owned()).problems.len();
        assert_eq!(found("a = \"TODO name\"\nb = [\"x\", \"TODO\"]"), 2);
        assert_eq!(found("a = \"\\u0054ODO name\""), 1);
        assert_eq!(found("a = \"done\"\n# TODO in a comment is not a value"), 0);
    }

    const MINIMAL: &str = r#"
date = 2010-12-01
overall = "good"
[recipient]
name = "A B"
role = "Chief Executive"
organisation = "Org"
address = ["1 Road", "Town", "AB1 2CD"]
salutation = "Dear A"
[inspection]
provider = "Org"
service_area = "North service area"
week_commencing = 2009-12-07
published = "2010-01"
[visit]
from = 2010-11-22
to = 2010-11-25
locations = "the offices"
assessed = ["files"]
met = ["managers"]
[signatory]
name = "C D"
role = "Inspector"
[[area]]
timescale = "within 3 months"
action = "x happens"
reported = "x did not happen"
judgement = "good"
progress = "It happens now."
"#;

    fn parse(text: &str) -> Result<Finding, FileProblems> {
        Finding::parse(&PathBuf::from("t.toml"), text.to_string())
    }

    #[test]
    fn parses_a_minimal_finding() {
        let finding = parse(MINIMAL).unwrap();
        assert_eq!(finding.date, Date { year: 2010, month: 12, day: 1 });
        assert_eq!(finding.inspection.published, YearMonth { year: 2010, month: 1 });
        assert_eq!(
            finding.areas[0].timescale,
            Timescale::Within { count: 3, unit: TimeUnit::Months }
        );
    }

    #[test]
    fn unknown_judgement_names_the_line_and_the_allowed_values() {
        let text = MINIMAL.replace("judgement = \"good\"", "judgement = \"grand\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("t.toml:28:13: error: unknown variant `grand`"), "{err}");
        assert!(err.contains("`satisfactory`"), "{err}");
    }

    #[test]
    fn missing_field_is_named() {
        let text = MINIMAL.replace("salutation = \"Dear A\"\n", "");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("missing field `salutation`"), "{err}");
    }

    #[test]
    fn bad_timescale_explains_the_format() {
        let text = MINIMAL.replace("within 3 months", "soonish");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("expected \"immediately\" or \"within N months\""), "{err}");
    }

    #[test]
    fn all_semantic_problems_are_reported_at_once() {
        let text = MINIMAL
            .replace("to = 2010-11-25", "to = 2010-11-20")
            .replace("name = \"C D\"", "name = \" \"")
            .replace("date = 2010-12-01", "date = 2010-11-01");
        let err = parse(&text).unwrap_err();
        let messages: Vec<_> = err.problems.iter().map(|p| p.field.clone().unwrap()).collect();
        assert_eq!(messages, ["date", "visit.to", "signatory.name"]);
        assert_eq!(err.line_col(err.problems[1].span.clone().unwrap().start), (17, 6));
    }

    #[test]
    fn mistakes_in_different_sections_are_all_reported() {
        let text = MINIMAL
            .replace("salutation = \"Dear A\"", "salutaton = \"Dear A\"")
            .replace("week_commencing = 2009-12-07", "week_commencing = \"last year\"")
            .replace("timescale = \"within 3 months\"", "timescale = \"soon\"")
            .replace("overall = \"good\"", "overall = \"excelent\"")
            .replace("[signatory]", "colour = \"blue\"\n[signatory]");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.problems.len(), 5, "{err}");
        let text = err.to_string();
        assert!(text.contains("did you mean `salutation`?"), "{text}");
        assert!(
            text.contains("did you mean `excellent`?") || text.contains("`outstanding`"),
            "{text}"
        );
    }

    #[test]
    fn warnings_do_not_stop_the_letter() {
        let text = MINIMAL
            .replace("overall = \"good\"", "overall = \"inadequate\"")
            .replace("met = [\"managers\"]", "met = [\"managers\", \"managers\"]")
            .replace("It happens now.", "It happens now. ![photo](x.png)");
        let (finding, problems) = check(&PathBuf::from("t.toml"), text);
        assert!(finding.is_some());
        let messages: Vec<_> = problems.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("differs from the most common"));
        assert!(messages[1].contains("listed twice"));
        assert!(messages[2].contains("image `x.png` cannot be shown"));
        let image = problems.problems[2].span.clone().unwrap();
        assert_eq!(&problems.text[image], "![photo](x.png)");
    }

    #[test]
    fn no_areas_is_an_error() {
        let cut = MINIMAL.find("[[area]]").unwrap();
        let err = parse(&MINIMAL[..cut]).unwrap_err().to_string();
        assert!(err.contains("no areas for improvement"), "{err}");
    }
}
