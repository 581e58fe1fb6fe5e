//! Value types that cannot hold an invalid value: every constructor parses and
//! rejects, so the rest of the domain never re-checks them.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id. Ids come in with the command, so only callers
            /// at the edge (API, import, tests) mint them.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An organization (samarbeid); also the id of its stream.
    OrganizationId
);
id_type!(
    /// A working group (faggruppe / nettverk).
    WorkingGroupId
);
id_type!(
    /// A strategy (strategiplan).
    StrategyId
);
id_type!(
    /// A focus area (satsingsområde).
    FocusAreaId
);
id_type!(
    /// A goal (mål).
    GoalId
);
id_type!(
    /// An indicator (indikator / styringsdata).
    IndicatorId
);
id_type!(
    /// An action (tiltak).
    ActionId
);
id_type!(
    /// A benefit (gevinst).
    BenefitId
);

/// Free text with a bounded length, trimmed, never empty, without control
/// characters other than line breaks and tabs, and without invisible
/// formatting characters: a title shown to the public reads as it is stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text(String);

/// Which rules a text is held to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rules {
    /// Everything a new text must be.
    New,
    /// What a text had to be when events were first recorded: without the
    /// refusal of invisible formatting characters, which came later.
    Recorded,
}

impl Text {
    /// Longest title or name, in characters.
    pub const TITLE_MAX: usize = 300;
    /// Longest description, justification or note, in characters.
    pub const PROSE_MAX: usize = 20_000;

    /// A short, single-line text such as a name or title.
    pub fn title(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        Self::title_under(Rules::New, field, raw)
    }

    /// A longer text such as a description, justification or note.
    pub fn prose(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        Self::parse(Rules::New, field, raw, Self::PROSE_MAX)
    }

    /// A title read back from the log. The log is never rewritten, so an
    /// event recorded before invisible formatting characters were refused
    /// is read as it was written, not refused as corrupt.
    pub fn recorded_title(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        Self::title_under(Rules::Recorded, field, raw)
    }

    /// A longer text read back from the log (see `recorded_title`).
    pub fn recorded_prose(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        Self::parse(Rules::Recorded, field, raw, Self::PROSE_MAX)
    }

    fn title_under(rules: Rules, field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let text = Self::parse(rules, field, raw, Self::TITLE_MAX)?;
        if text.0.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            return Err(DomainError::invalid(field, "must be a single line"));
        }
        Ok(text)
    }

    fn parse(
        rules: Rules,
        field: &'static str,
        raw: &str,
        max: usize,
    ) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        let chars = trimmed.chars().count();
        if chars > max {
            return Err(DomainError::invalid(
                field,
                format!("is {chars} characters long; at most {max} are allowed"),
            ));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(DomainError::invalid(field, "contains control characters"));
        }
        if rules == Rules::New
            && let Some(c) = trimmed.chars().find(|&c| invisible_formatting(c))
        {
            return Err(DomainError::invalid(
                field,
                format!(
                    "contains 'U+{:04X}', an invisible formatting character that would make the text read other than it is stored",
                    u32::from(c)
                ),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Characters that change how a text reads without being seen: the
/// bidirectional embeddings, overrides, isolates and marks (which can make a
/// title read in another order than it is stored), the zero-width space and
/// word joiner, the byte order mark, invisible operators, interlinear
/// annotation and tag characters: the format characters (Unicode category
/// Cf) that Norwegian text has no use for. (Tags also spell the flags of
/// England, Scotland and Wales; those three emoji are the price.)
///
/// Left alone on purpose: the soft hyphen U+00AD, which word processors put
/// into long compounds and which shows as a hyphen at a line break, and the
/// zero-width non-joiner and joiner U+200C and U+200D, which emoji sequences
/// and some scripts need. Letters, «», –, … and æøå are ordinary text.
fn invisible_formatting(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'                     // Arabic letter mark
        | '\u{180E}'                   // Mongolian vowel separator
        | '\u{200B}'                   // zero width space
        | '\u{200E}'..='\u{200F}'      // left-to-right, right-to-left mark
        | '\u{202A}'..='\u{202E}'      // embeddings, pop, overrides
        | '\u{2060}'..='\u{2064}'      // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'      // isolates, pop
        | '\u{206A}'..='\u{206F}'      // deprecated shaping controls
        | '\u{FEFF}'                   // zero width no-break space, BOM
        | '\u{FFF9}'..='\u{FFFB}'      // interlinear annotation
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'    // tags
    )
}

/// The number of a goal within its focus area as the documents write it:
/// "2", "3.2" or "3.2.1". Each part is 1..=999.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GoalNumber(Vec<u16>);

impl GoalNumber {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        // Digits only, no sign, no leading zero: "3.02" is not "3.2".
        let part = |p: &str| {
            let well_formed = (1..=3).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_digit())
                && !p.starts_with('0');
            well_formed.then(|| p.parse::<u16>().ok()).flatten()
        };
        let parts: Option<Vec<u16>> = raw.split('.').map(part).collect();
        match parts {
            Some(parts) if (1..=3).contains(&parts.len()) => Ok(Self(parts)),
            _ => Err(DomainError::invalid(
                "number",
                format!("'{raw}' is not a goal number such as '2' or '3.2'"),
            )),
        }
    }
}

impl GoalNumber {
    /// The focus area a dotted number names ("2" of "2.1"); `None` for a
    /// number of one part, which may stand in any area.
    pub fn area_part(&self) -> Option<u16> {
        (self.0.len() > 1).then(|| self.0[0])
    }
}

impl fmt::Display for GoalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{part}")?;
        }
        Ok(())
    }
}

/// The number of a focus area within its strategy, 1..=99.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaNumber(u8);

impl AreaNumber {
    pub fn new(n: i64) -> Result<Self, DomainError> {
        match u8::try_from(n) {
            Ok(n) if (1..=99).contains(&n) => Ok(Self(n)),
            _ => Err(DomainError::invalid(
                "number",
                format!("'{n}' is not a focus area number between 1 and 99"),
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A calendar year within the range the product plans for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Year(i32);

impl Year {
    pub const MIN: i32 = 1900;
    pub const MAX: i32 = 2200;

    pub fn new(year: i64) -> Result<Self, DomainError> {
        match i32::try_from(year) {
            Ok(y) if (Self::MIN..=Self::MAX).contains(&y) => Ok(Self(y)),
            _ => Err(DomainError::invalid(
                "year",
                format!("'{year}' is outside {}..={}", Self::MIN, Self::MAX),
            )),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A span of whole years, both ends included (a strategy 2015–2018, an action 2016–2018).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub start: Year,
    pub end: Year,
}

impl Period {
    /// Longest period accepted, in years.
    pub const MAX_YEARS: i32 = 30;

    pub fn new(start: Year, end: Year) -> Result<Self, DomainError> {
        if end < start {
            return Err(DomainError::invalid(
                "period",
                format!("ends in {} before it starts in {}", end.0, start.0),
            ));
        }
        if end.0 - start.0 >= Self::MAX_YEARS {
            return Err(DomainError::invalid(
                "period",
                format!(
                    "{}–{} is longer than {} years",
                    start.0,
                    end.0,
                    Self::MAX_YEARS
                ),
            ));
        }
        Ok(Self { start, end })
    }

    pub fn contains(&self, year: Year) -> bool {
        self.start <= year && year <= self.end
    }

    pub fn contains_period(&self, other: &Period) -> bool {
        self.contains(other.start) && self.contains(other.end)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start.0, self.end.0)
    }
}

/// An amount in whole Norwegian kroner, never negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nok(i64);

impl Nok {
    /// A trillion kroner: far above any municipal budget, far below overflow
    /// when thousands of lines are summed.
    pub const MAX: i64 = 1_000_000_000_000;

    pub fn from_kroner(field: &'static str, kroner: i64) -> Result<Self, DomainError> {
        if kroner < 0 {
            return Err(DomainError::invalid(
                field,
                format!("'{kroner}' is negative"),
            ));
        }
        if kroner > Self::MAX {
            return Err(DomainError::invalid(
                field,
                format!(
                    "'{kroner}' is above the largest accepted amount {}",
                    Self::MAX
                ),
            ));
        }
        Ok(Self(kroner))
    }

    pub fn kroner(self) -> i64 {
        self.0
    }
}

/// A Norwegian municipality number (kommunenummer), four digits such as "3201".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kommunenummer(String);

impl Kommunenummer {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) && raw != "0000" {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "kommunenummer",
                format!("'{raw}' is not a four-digit municipality number"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kommunenummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A measured or planned value of an indicator: finite, within ±10^15.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Quantity(f64);

impl Quantity {
    pub const LIMIT: f64 = 1e15;

    pub fn new(field: &'static str, value: f64) -> Result<Self, DomainError> {
        if value.is_finite() && value.abs() <= Self::LIMIT {
            Ok(Self(value))
        } else {
            Err(DomainError::invalid(
                field,
                format!("'{value}' is not a finite number within ±10^15"),
            ))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// Dates the product accepts anywhere (effective dates, measurement dates, due dates).
pub fn check_date(field: &'static str, date: NaiveDate) -> Result<NaiveDate, DomainError> {
    if (Year::MIN..=Year::MAX).contains(&date.year()) {
        Ok(date)
    } else {
        Err(DomainError::invalid(
            field,
            format!(
                "'{date}' is outside the years {}..={}",
                Year::MIN,
                Year::MAX
            ),
        ))
    }
}

/// Declares a closed set of named values with their stable wire names.
macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in events and in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                match raw {
                    $($wire => Ok($name::$variant),)+
                    other => Err(DomainError::invalid(
                        stringify!($name),
                        format!("'{other}' is not one of {}", [$($wire),+].join(", ")),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set!(
    /// The assessed status of a goal (måloppnåelse).
    GoalStatus {
        NotStarted = "NOT_STARTED",
        InProgress = "IN_PROGRESS",
        PartiallyAchieved = "PARTIALLY_ACHIEVED",
        Achieved = "ACHIEVED",
        NotAchieved = "NOT_ACHIEVED",
        Dropped = "DROPPED",
    }
);

closed_set!(
    /// The status of an action (tiltak).
    ActionStatus {
        Planned = "PLANNED",
        Active = "ACTIVE",
        OnHold = "ON_HOLD",
        Completed = "COMPLETED",
        Cancelled = "CANCELLED",
    }
);

closed_set!(
    /// Where a benefit stands in its realisation (gevinstrealisering).
    BenefitStatus {
        Identified = "IDENTIFIED",
        Planned = "PLANNED",
        Realising = "REALISING",
        Realised = "REALISED",
        NotRealised = "NOT_REALISED",
    }
);

closed_set!(
    /// Where a strategy is in its life.
    StrategyStatus {
        Draft = "DRAFT",
        Adopted = "ADOPTED",
        Closed = "CLOSED",
    }
);

closed_set!(
    /// What kind of undertaking an action is.
    ActionKind {
        MainProject = "MAIN_PROJECT",
        SubProject = "SUB_PROJECT",
        Programme = "PROGRAMME",
        Measure = "MEASURE",
    }
);

closed_set!(
    /// The cost category of a budget line (budsjettpost).
    BudgetCategory {
        ProjectManagement = "PROJECT_MANAGEMENT",
        PurchasedServices = "PURCHASED_SERVICES",
        Investment = "INVESTMENT",
        Operations = "OPERATIONS",
        InternalResources = "INTERNAL_RESOURCES",
        Training = "TRAINING",
        Other = "OTHER",
    }
);

closed_set!(
    /// Who a benefit is for.
    Stakeholder {
        Citizens = "CITIZENS",
        Employees = "EMPLOYEES",
        Relatives = "RELATIVES",
        Organisation = "ORGANISATION",
        OtherActors = "OTHER_ACTORS",
    }
);

closed_set!(
    /// The kind of gain a benefit is, after DFØ's guidance.
    BenefitCategory {
        Efficiency = "EFFICIENCY",
        Quality = "QUALITY",
        OtherActors = "OTHER_ACTORS",
    }
);

closed_set!(
    /// Whether a higher or a lower indicator value is better.
    Direction {
        HigherIsBetter = "HIGHER_IS_BETTER",
        LowerIsBetter = "LOWER_IS_BETTER",
    }
);

impl GoalStatus {
    /// The contribution of one goal to the attainment score (DESIGN.md):
    /// `None` for a dropped goal, which leaves the denominator.
    pub fn score(self) -> Option<f64> {
        match self {
            GoalStatus::Achieved => Some(1.0),
            GoalStatus::PartiallyAchieved => Some(0.5),
            GoalStatus::Dropped => None,
            _ => Some(0.0),
        }
    }
}
