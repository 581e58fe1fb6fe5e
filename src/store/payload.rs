//! The stored form of every domain `Event`: one versioned JSON payload type per
//! event type, with its JSON Schema and its meaning.
//!
//! The domain derives no serde, so this module owns the wire shape: `encode`
//! turns an `Event` into `(event_type, schema_version, payload)`, and `decode`
//! turns a stored row back into an `Event` through the domain's parsing
//! constructors, so a stored value the domain would refuse is refused here too.
//!
//! A persisted payload shape never changes. To change one, bump the type's
//! `VERSION`, edit its struct, and add an `Upcaster` from the old version to
//! `UPCASTERS`: stored events are never rewritten, they are upcast as they are
//! read. `events/` holds the generated catalogue (`cargo test` keeps it in step).

use chrono::NaiveDate;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::{
    self, ActionId, ActionKind, ActionStatus, AreaNumber, BenefitCategory, BenefitId,
    BenefitStatus, BudgetCategory, Direction, DomainError, Event, FocusAreaId, GoalId, GoalNumber,
    GoalStatus, IndicatorId, Kommunenummer, Nok, OrganizationId, Quantity, Stakeholder, StrategyId,
    Text, WorkingGroupId, Year,
};

/// An event ready to store: its type name, payload schema version and compact JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub event_type: &'static str,
    pub schema_version: u32,
    pub payload: String,
}

/// Rewrites a stored payload of `event_type` at `from_version` into the shape of
/// `from_version + 1`. Upcasters chain until the current version is reached.
#[derive(Clone, Copy, Debug)]
pub struct Upcaster {
    pub event_type: &'static str,
    pub from_version: u32,
    pub upcast: fn(Value) -> Result<Value, String>,
}

/// Upcasters for stored versions older than the current one; empty while every type is at version 1.
pub static UPCASTERS: &[Upcaster] = &[];

/// One event type at its current version, as listed in `events/`.
#[derive(Clone, Debug)]
pub struct CatalogueEntry {
    pub event_type: &'static str,
    pub schema_version: u32,
    /// What the event means to a user, in one line.
    pub meaning: &'static str,
    /// The JSON Schema of the payload.
    pub schema: Value,
}

/// Why a stored payload could not be read back as an event.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("event type '{event_type}' is unknown")]
    UnknownType { event_type: String },
    /// Stored by a newer build than this one.
    #[error(
        "event type '{event_type}' version {version} is newer than this build knows (version {current})"
    )]
    NewerVersion {
        event_type: String,
        version: u32,
        current: u32,
    },
    /// An older version with no upcaster to carry it forward.
    #[error("event type '{event_type}' version {version} is unknown: no upcaster from it")]
    NoUpcaster { event_type: String, version: u32 },
    #[error("upcasting event type '{event_type}' from version {from_version} failed: {message}")]
    UpcastFailed {
        event_type: String,
        from_version: u32,
        message: String,
    },
    /// Not JSON, or not the shape of the payload type.
    #[error("payload of event type '{event_type}' version {version} is malformed")]
    Malformed {
        event_type: String,
        version: u32,
        #[source]
        source: serde_json::Error,
    },
    /// Well-formed, but holds a value the domain cannot construct.
    #[error("payload of event type '{event_type}' holds a value the domain refuses")]
    Refused {
        event_type: String,
        #[source]
        source: DomainError,
    },
}

/// The stored form of an event.
pub fn encode(event: &Event) -> Encoded {
    match event {
        Event::OrganizationRegistered { id, name } => encoded(&OrganizationRegistered {
            id: id.0,
            name: name.to_string(),
        }),
        Event::OrganizationRenamed { id, name } => encoded(&OrganizationRenamed {
            id: id.0,
            name: name.to_string(),
        }),
        Event::MemberJoined {
            organization,
            kommunenummer,
            name,
        } => encoded(&MemberJoined {
            organization: organization.0,
            kommunenummer: kommunenummer.to_string(),
            name: name.to_string(),
        }),
        Event::MemberLeft {
            organization,
            kommunenummer,
        } => encoded(&MemberLeft {
            organization: organization.0,
            kommunenummer: kommunenummer.to_string(),
        }),
        Event::WorkingGroupFormed {
            id,
            organization,
            name,
        } => encoded(&WorkingGroupFormed {
            id: id.0,
            organization: organization.0,
            name: name.to_string(),
        }),
        Event::WorkingGroupRenamed { id, name } => encoded(&WorkingGroupRenamed {
            id: id.0,
            name: name.to_string(),
        }),
        Event::WorkingGroupDisbanded { id } => encoded(&WorkingGroupDisbanded { id: id.0 }),
        Event::StrategyDrafted {
            id,
            organization,
            title,
            period,
            vision,
            predecessor,
        } => encoded(&StrategyDrafted {
            id: id.0,
            organization: organization.0,
            title: title.to_string(),
            period: period.into(),
            vision: vision.as_ref().map(Text::to_string),
            predecessor: predecessor.map(|p| p.0),
        }),
        Event::StrategyRevised {
            id,
            title,
            period,
            vision,
        } => encoded(&StrategyRevised {
            id: id.0,
            title: title.to_string(),
            period: period.into(),
            vision: vision.as_ref().map(Text::to_string),
        }),
        Event::StrategyAdopted { id, adopted_by } => encoded(&StrategyAdopted {
            id: id.0,
            adopted_by: adopted_by.to_string(),
        }),
        Event::StrategyClosed { id } => encoded(&StrategyClosed { id: id.0 }),
        Event::FocusAreaDefined {
            id,
            strategy,
            number,
            title,
            description,
        } => encoded(&FocusAreaDefined {
            id: id.0,
            strategy: strategy.0,
            number: number.get(),
            title: title.to_string(),
            description: description.as_ref().map(Text::to_string),
        }),
        Event::FocusAreaRevised {
            id,
            title,
            description,
        } => encoded(&FocusAreaRevised {
            id: id.0,
            title: title.to_string(),
            description: description.as_ref().map(Text::to_string),
        }),
        Event::FocusAreaRenumbered { id, number } => encoded(&FocusAreaRenumbered {
            id: id.0,
            number: number.get(),
        }),
        Event::GoalDefined {
            id,
            strategy,
            focus_area,
            number,
            wording,
            carried_over_from,
        } => encoded(&GoalDefined {
            id: id.0,
            strategy: strategy.0,
            focus_area: focus_area.0,
            number: number.to_string(),
            wording: wording.to_string(),
            carried_over_from: carried_over_from.map(|g| g.0),
        }),
        Event::GoalMerged { id, into } => encoded(&GoalMerged {
            id: id.0,
            into: into.0,
        }),
        Event::GoalSplit { id, into } => encoded(&GoalSplit {
            id: id.0,
            into: into.iter().map(|g| g.0).collect(),
        }),
        Event::GoalReworded { id, wording } => encoded(&GoalReworded {
            id: id.0,
            wording: wording.to_string(),
        }),
        Event::GoalRetired { id } => encoded(&GoalRetired { id: id.0 }),
        Event::GoalAssessed {
            id,
            status,
            justification,
        } => encoded(&GoalAssessed {
            id: id.0,
            status: status.as_str().to_owned(),
            justification: justification.to_string(),
        }),
        Event::IndicatorDefined {
            id,
            subject,
            name,
            unit,
            direction,
            baseline,
            update_every_days,
        } => encoded(&IndicatorDefined {
            id: id.0,
            subject: subject.into(),
            name: name.to_string(),
            unit: unit.to_string(),
            direction: direction.as_str().to_owned(),
            baseline: baseline.as_ref().map(Measurement::from),
            update_every_days: *update_every_days,
        }),
        Event::IndicatorTargetSet { id, value, due } => encoded(&IndicatorTargetSet {
            id: id.0,
            value: value.get(),
            due: *due,
        }),
        Event::MeasurementRecorded { id, value, comment } => encoded(&MeasurementRecorded {
            id: id.0,
            value: value.get(),
            comment: comment.as_ref().map(Text::to_string),
        }),
        Event::ActionPlanned {
            id,
            strategy,
            kind,
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            goals,
            decommissioning,
        } => encoded(&ActionPlanned {
            id: id.0,
            strategy: strategy.0,
            kind: kind.as_str().to_owned(),
            title: title.to_string(),
            description: description.as_ref().map(Text::to_string),
            owner: owner.map(|o| o.0),
            focus_area: focus_area.map(|a| a.0),
            members_involved: members_involved.iter().map(|k| k.to_string()).collect(),
            period: period.into(),
            goals: goals.iter().map(|g| g.0).collect(),
            decommissioning: *decommissioning,
        }),
        Event::ActionRevised {
            id,
            title,
            description,
            owner,
            focus_area,
            members_involved,
            period,
            decommissioning,
        } => encoded(&ActionRevised {
            id: id.0,
            title: title.to_string(),
            description: description.as_ref().map(Text::to_string),
            owner: owner.map(|o| o.0),
            focus_area: focus_area.map(|a| a.0),
            members_involved: members_involved.iter().map(|k| k.to_string()).collect(),
            period: period.into(),
            decommissioning: *decommissioning,
        }),
        Event::ActionLinkedToGoal { id, goal } => encoded(&ActionLinkedToGoal {
            id: id.0,
            goal: goal.0,
        }),
        Event::ActionUnlinkedFromGoal { id, goal } => encoded(&ActionUnlinkedFromGoal {
            id: id.0,
            goal: goal.0,
        }),
        Event::ActionStatusChanged { id, status, note } => encoded(&ActionStatusChanged {
            id: id.0,
            status: status.as_str().to_owned(),
            note: note.as_ref().map(Text::to_string),
        }),
        Event::BudgetLineSet {
            id,
            year,
            category,
            planned,
            actual,
        } => encoded(&BudgetLineSet {
            id: id.0,
            year: year.get(),
            category: category.as_str().to_owned(),
            planned: planned.kroner(),
            actual: actual.map(Nok::kroner),
        }),
        Event::BenefitIdentified {
            id,
            strategy,
            action,
            stakeholder,
            category,
            title,
            description,
            priced,
            disbenefit,
            unexpected,
            responsible,
            due,
        } => encoded(&BenefitIdentified {
            id: id.0,
            strategy: strategy.0,
            action: action.map(|a| a.0),
            stakeholder: stakeholder.as_str().to_owned(),
            category: category.as_str().to_owned(),
            title: title.to_string(),
            description: description.as_ref().map(Text::to_string),
            priced: *priced,
            disbenefit: *disbenefit,
            unexpected: *unexpected,
            responsible: responsible.as_ref().map(Text::to_string),
            due: *due,
        }),
        Event::BenefitRealisationRecorded { id, status, note } => {
            encoded(&BenefitRealisationRecorded {
                id: id.0,
                status: status.as_str().to_owned(),
                note: note.as_ref().map(Text::to_string),
            })
        }
    }
}

/// Reads a stored event back, upcasting older versions with `UPCASTERS`.
pub fn decode(event_type: &str, schema_version: u32, payload: &str) -> Result<Event, PayloadError> {
    decode_with(UPCASTERS, event_type, schema_version, payload)
}

/// Reads a stored event back, upcasting older versions with the given upcasters
/// one version at a time (v1 → v2 → …) until the current version.
pub fn decode_with(
    upcasters: &[Upcaster],
    event_type: &str,
    schema_version: u32,
    payload: &str,
) -> Result<Event, PayloadError> {
    let kind = kind_of(event_type).ok_or_else(|| PayloadError::UnknownType {
        event_type: event_type.to_owned(),
    })?;
    if schema_version > kind.version {
        return Err(PayloadError::NewerVersion {
            event_type: event_type.to_owned(),
            version: schema_version,
            current: kind.version,
        });
    }
    let malformed = |source| PayloadError::Malformed {
        event_type: event_type.to_owned(),
        version: schema_version,
        source,
    };
    let read = if schema_version == kind.version {
        // The current shape: straight from the text to the payload struct,
        // without building a `Value` tree first.
        (kind.read_str)(payload)
    } else {
        upcast(upcasters, kind, event_type, schema_version, payload)?
    };
    read.map_err(malformed)?
        .map_err(|source| PayloadError::Refused {
            event_type: event_type.to_owned(),
            source,
        })
}

/// Reads an older version's payload as a `Value`, carries it forward one
/// version at a time, and reads the result as the current payload struct.
fn upcast(
    upcasters: &[Upcaster],
    kind: &Kind,
    event_type: &str,
    schema_version: u32,
    payload: &str,
) -> Result<Read, PayloadError> {
    let malformed = |source| PayloadError::Malformed {
        event_type: event_type.to_owned(),
        version: schema_version,
        source,
    };
    let mut value: Value = serde_json::from_str(payload).map_err(malformed)?;
    let mut version = schema_version;
    while version < kind.version {
        let upcaster = upcasters
            .iter()
            .find(|u| u.event_type == event_type && u.from_version == version)
            .ok_or_else(|| PayloadError::NoUpcaster {
                event_type: event_type.to_owned(),
                version,
            })?;
        value = (upcaster.upcast)(value).map_err(|message| PayloadError::UpcastFailed {
            event_type: event_type.to_owned(),
            from_version: version,
            message,
        })?;
        version += 1;
    }
    Ok((kind.read)(value))
}

/// The version new events of this type are stored at; `None` for an unknown type.
pub fn current_version(event_type: &str) -> Option<u32> {
    kind_of(event_type).map(|kind| kind.version)
}

/// Every event type at its current version, sorted by type name.
pub fn catalogue() -> Vec<CatalogueEntry> {
    let mut entries: Vec<CatalogueEntry> = KINDS
        .iter()
        .map(|kind| CatalogueEntry {
            event_type: kind.event_type,
            schema_version: kind.version,
            meaning: kind.meaning,
            schema: (kind.schema)(),
        })
        .collect();
    entries.sort_by_key(|entry| entry.event_type);
    entries
}

/// A payload type: the current shape of one event type.
trait Payload: Serialize + DeserializeOwned + JsonSchema {
    /// The persisted type name, equal to `Event::type_name`. Never changes.
    const EVENT_TYPE: &'static str;
    /// The schema version this struct describes.
    const VERSION: u32;
    /// What the event means to a user, in one line.
    const MEANING: &'static str;

    /// The domain event, built through the domain's parsing constructors.
    fn into_event(self) -> Result<Event, DomainError>;
}

fn encoded<P: Payload>(payload: &P) -> Encoded {
    Encoded {
        event_type: P::EVENT_TYPE,
        schema_version: P::VERSION,
        // Field order is the struct's declaration order, so the bytes (which
        // the hash chain covers) are deterministic. Serializing plain structs
        // of strings, numbers and bools to a String cannot fail.
        payload: serde_json::to_string(payload).expect("a payload struct serializes to JSON"),
    }
}

/// What the store knows about one event type.
struct Kind {
    event_type: &'static str,
    version: u32,
    meaning: &'static str,
    schema: fn() -> Value,
    read: fn(Value) -> Read,
    read_str: fn(&str) -> Read,
}

/// A payload read as its struct (or not: malformed), then as the domain
/// event (or not: a value the domain refuses).
type Read = Result<Result<Event, DomainError>, serde_json::Error>;

fn kind_of(event_type: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| kind.event_type == event_type)
}

fn schema_of<P: Payload>() -> Value {
    schemars::schema_for!(P).to_value()
}

fn read<P: Payload>(value: Value) -> Read {
    serde_json::from_value::<P>(value).map(P::into_event)
}

fn read_str<P: Payload>(payload: &str) -> Read {
    serde_json::from_str::<P>(payload).map(P::into_event)
}

/// Builds the table of kinds from the payload structs, each named after its
/// event type. The exhaustive `match` makes a new `Event` variant without an
/// entry here a compile error, so `decode` and `catalogue` cannot miss one.
macro_rules! kinds {
    ($($name:ident),+ $(,)?) => {
        static KINDS: &[Kind] = &[$(Kind {
            event_type: $name::EVENT_TYPE,
            version: $name::VERSION,
            meaning: $name::MEANING,
            schema: schema_of::<$name>,
            read: read::<$name>,
            read_str: read_str::<$name>,
        }),+];

        #[allow(dead_code)]
        fn every_event_type_has_a_payload(event: &Event) {
            match event {
                $(Event::$name { .. } => {})+
            }
        }
    };
}

kinds![
    OrganizationRegistered,
    OrganizationRenamed,
    MemberJoined,
    MemberLeft,
    WorkingGroupFormed,
    WorkingGroupRenamed,
    WorkingGroupDisbanded,
    StrategyDrafted,
    StrategyRevised,
    StrategyAdopted,
    StrategyClosed,
    FocusAreaDefined,
    FocusAreaRevised,
    FocusAreaRenumbered,
    GoalDefined,
    GoalMerged,
    GoalSplit,
    GoalReworded,
    GoalRetired,
    GoalAssessed,
    IndicatorDefined,
    IndicatorTargetSet,
    MeasurementRecorded,
    ActionPlanned,
    ActionRevised,
    ActionLinkedToGoal,
    ActionUnlinkedFromGoal,
    ActionStatusChanged,
    BudgetLineSet,
    BenefitIdentified,
    BenefitRealisationRecorded,
];

// ---------------------------------------------------------------------------
// Closed sets. Payloads hold their wire names as strings; the schema lists the
// allowed names, taken from the domain's `ALL` so the two cannot drift apart.

trait ClosedSet: Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
}

macro_rules! closed_sets {
    ($($set:ident),+ $(,)?) => {$(
        impl ClosedSet for $set {
            const ALL: &'static [Self] = $set::ALL;
            fn as_str(self) -> &'static str {
                $set::as_str(self)
            }
        }
    )+};
}

closed_sets![
    GoalStatus,
    ActionStatus,
    BenefitStatus,
    ActionKind,
    BudgetCategory,
    Stakeholder,
    BenefitCategory,
    Direction,
];

/// Schema of a string holding one of a closed set's wire names.
fn wire_name<T: ClosedSet>(_: &mut SchemaGenerator) -> Schema {
    let names: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
    json_schema!({ "type": "string", "enum": names })
}

// ---------------------------------------------------------------------------
// Parts shared by several payloads.

/// A span of whole years, both ends included.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// The first year.
    pub start: i32,
    /// The last year, not before the first and less than 30 years after it.
    pub end: i32,
}

impl From<&domain::Period> for Period {
    fn from(period: &domain::Period) -> Self {
        Self {
            start: period.start.get(),
            end: period.end.get(),
        }
    }
}

impl Period {
    fn parse(self) -> Result<domain::Period, DomainError> {
        domain::Period::new(Year::new(self.start.into())?, Year::new(self.end.into())?)
    }
}

/// What an indicator measures, written `{"goal": id}` or `{"benefit": id}`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum IndicatorSubject {
    /// The indicator measures progress on this goal.
    Goal(Uuid),
    /// The indicator measures the realisation of this benefit.
    Benefit(Uuid),
}

impl From<&domain::IndicatorSubject> for IndicatorSubject {
    fn from(subject: &domain::IndicatorSubject) -> Self {
        match subject {
            domain::IndicatorSubject::Goal(goal) => Self::Goal(goal.0),
            domain::IndicatorSubject::Benefit(benefit) => Self::Benefit(benefit.0),
        }
    }
}

impl From<IndicatorSubject> for domain::IndicatorSubject {
    fn from(subject: IndicatorSubject) -> Self {
        match subject {
            IndicatorSubject::Goal(goal) => Self::Goal(GoalId(goal)),
            IndicatorSubject::Benefit(benefit) => Self::Benefit(BenefitId(benefit)),
        }
    }
}

/// A value measured at a date.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Measurement {
    /// The measured value, in the indicator's unit.
    pub value: f64,
    /// The date it was measured.
    pub on: NaiveDate,
}

impl From<&domain::Measurement> for Measurement {
    fn from(measurement: &domain::Measurement) -> Self {
        Self {
            value: measurement.value.get(),
            on: measurement.on,
        }
    }
}

impl Measurement {
    fn parse(self) -> Result<domain::Measurement, DomainError> {
        Ok(domain::Measurement {
            value: Quantity::new("baseline.value", self.value)?,
            on: self.on,
        })
    }
}

fn optional<T>(
    field: &'static str,
    raw: Option<String>,
    parse: fn(&'static str, &str) -> Result<T, DomainError>,
) -> Result<Option<T>, DomainError> {
    raw.map(|raw| parse(field, &raw)).transpose()
}

fn kommunenumre(raw: &[String]) -> Result<Vec<Kommunenummer>, DomainError> {
    raw.iter().map(|k| Kommunenummer::parse(k)).collect()
}

// ---------------------------------------------------------------------------
// The payloads, in the order of `Event`.

/// An organization (samarbeid) was registered.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationRegistered {
    /// The organization's id, also its stream id.
    pub id: Uuid,
    /// Its name, one line.
    pub name: String,
}

impl Payload for OrganizationRegistered {
    const EVENT_TYPE: &'static str = "OrganizationRegistered";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an organization (samarbeid) of municipalities was registered under a name; members, working groups and strategies belong to it";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::OrganizationRegistered {
            id: OrganizationId(self.id),
            name: Text::recorded_title("name", &self.name)?,
        })
    }
}

/// An organization was given a new name.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationRenamed {
    /// The organization's id.
    pub id: Uuid,
    /// Its new name, one line.
    pub name: String,
}

impl Payload for OrganizationRenamed {
    const EVENT_TYPE: &'static str = "OrganizationRenamed";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "an organization was given a new name, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::OrganizationRenamed {
            id: OrganizationId(self.id),
            name: Text::recorded_title("name", &self.name)?,
        })
    }
}

/// A municipality joined an organization as a member.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberJoined {
    /// The organization joined.
    pub organization: Uuid,
    /// The municipality's four-digit number, such as "3905".
    pub kommunenummer: String,
    /// The municipality's name, one line.
    pub name: String,
}

impl Payload for MemberJoined {
    const EVENT_TYPE: &'static str = "MemberJoined";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a municipality (by kommunenummer and name) became a member of the organization, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::MemberJoined {
            organization: OrganizationId(self.organization),
            kommunenummer: Kommunenummer::parse(&self.kommunenummer)?,
            name: Text::recorded_title("name", &self.name)?,
        })
    }
}

/// A municipality left an organization.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemberLeft {
    /// The organization left.
    pub organization: Uuid,
    /// The municipality's four-digit number, such as "3905".
    pub kommunenummer: String,
}

impl Payload for MemberLeft {
    const EVENT_TYPE: &'static str = "MemberLeft";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a municipality stopped being a member of the organization, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::MemberLeft {
            organization: OrganizationId(self.organization),
            kommunenummer: Kommunenummer::parse(&self.kommunenummer)?,
        })
    }
}

/// A working group was formed in an organization.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkingGroupFormed {
    /// The working group's id, also its stream id.
    pub id: Uuid,
    /// The organization it belongs to.
    pub organization: Uuid,
    /// Its name, one line.
    pub name: String,
}

impl Payload for WorkingGroupFormed {
    const EVENT_TYPE: &'static str = "WorkingGroupFormed";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "a working group (faggruppe or nettverk) was formed in an organization; it can own actions";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::WorkingGroupFormed {
            id: WorkingGroupId(self.id),
            organization: OrganizationId(self.organization),
            name: Text::recorded_title("name", &self.name)?,
        })
    }
}

/// A working group was given a new name.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkingGroupRenamed {
    /// The working group's id.
    pub id: Uuid,
    /// Its new name, one line.
    pub name: String,
}

impl Payload for WorkingGroupRenamed {
    const EVENT_TYPE: &'static str = "WorkingGroupRenamed";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "a working group was given a new name, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::WorkingGroupRenamed {
            id: WorkingGroupId(self.id),
            name: Text::recorded_title("name", &self.name)?,
        })
    }
}

/// A working group was disbanded.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkingGroupDisbanded {
    /// The working group's id.
    pub id: Uuid,
}

impl Payload for WorkingGroupDisbanded {
    const EVENT_TYPE: &'static str = "WorkingGroupDisbanded";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a working group was disbanded, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::WorkingGroupDisbanded {
            id: WorkingGroupId(self.id),
        })
    }
}

/// A strategy was drafted.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyDrafted {
    /// The strategy's id, also its stream id.
    pub id: Uuid,
    /// The organization whose strategy it is.
    pub organization: Uuid,
    /// Its title, one line.
    pub title: String,
    /// The years it covers.
    pub period: Period,
    /// Its vision statement, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
    /// The strategy it succeeds, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predecessor: Option<Uuid>,
}

impl Payload for StrategyDrafted {
    const EVENT_TYPE: &'static str = "StrategyDrafted";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a strategy (strategiplan) was drafted for an organization with a title, a period of years, an optional vision and optionally the strategy it succeeds";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::StrategyDrafted {
            id: StrategyId(self.id),
            organization: OrganizationId(self.organization),
            title: Text::recorded_title("title", &self.title)?,
            period: self.period.parse()?,
            vision: optional("vision", self.vision, Text::recorded_prose)?,
            predecessor: self.predecessor.map(StrategyId),
        })
    }
}

/// A strategy's title, period and vision were revised.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyRevised {
    /// The strategy's id.
    pub id: Uuid,
    /// Its title, one line.
    pub title: String,
    /// The years it covers.
    pub period: Period,
    /// Its vision statement; absent means it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vision: Option<String>,
}

impl Payload for StrategyRevised {
    const EVENT_TYPE: &'static str = "StrategyRevised";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a strategy's title, period and vision were replaced by the ones given (an absent vision removes it)";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::StrategyRevised {
            id: StrategyId(self.id),
            title: Text::recorded_title("title", &self.title)?,
            period: self.period.parse()?,
            vision: optional("vision", self.vision, Text::recorded_prose)?,
        })
    }
}

/// A strategy was adopted.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyAdopted {
    /// The strategy's id.
    pub id: Uuid,
    /// The body that adopted it, such as a council (representantskap), one line.
    pub adopted_by: String,
}

impl Payload for StrategyAdopted {
    const EVENT_TYPE: &'static str = "StrategyAdopted";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "a strategy was adopted (vedtatt) by the named body, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::StrategyAdopted {
            id: StrategyId(self.id),
            adopted_by: Text::recorded_title("adoptedBy", &self.adopted_by)?,
        })
    }
}

/// A strategy was closed.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyClosed {
    /// The strategy's id.
    pub id: Uuid,
}

impl Payload for StrategyClosed {
    const EVENT_TYPE: &'static str = "StrategyClosed";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a strategy was closed (its period is over or it was replaced), from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::StrategyClosed {
            id: StrategyId(self.id),
        })
    }
}

/// A focus area was defined in a strategy.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FocusAreaDefined {
    /// The focus area's id, also its stream id.
    pub id: Uuid,
    /// The strategy it belongs to.
    pub strategy: Uuid,
    /// Its number within the strategy, 1 to 99.
    pub number: u8,
    /// Its title, one line.
    pub title: String,
    /// What it covers, if described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Payload for FocusAreaDefined {
    const EVENT_TYPE: &'static str = "FocusAreaDefined";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a focus area (satsingsområde) was defined in a strategy with its number, title and optional description";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::FocusAreaDefined {
            id: FocusAreaId(self.id),
            strategy: StrategyId(self.strategy),
            number: AreaNumber::new(self.number.into())?,
            title: Text::recorded_title("title", &self.title)?,
            description: optional("description", self.description, Text::recorded_prose)?,
        })
    }
}

/// A focus area's title and description were revised.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FocusAreaRevised {
    /// The focus area's id.
    pub id: Uuid,
    /// Its title, one line.
    pub title: String,
    /// What it covers; absent means no description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Payload for FocusAreaRevised {
    const EVENT_TYPE: &'static str = "FocusAreaRevised";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a focus area's title and description were replaced by the ones given (an absent description removes it)";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::FocusAreaRevised {
            id: FocusAreaId(self.id),
            title: Text::recorded_title("title", &self.title)?,
            description: optional("description", self.description, Text::recorded_prose)?,
        })
    }
}

/// A focus area was given a new number.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FocusAreaRenumbered {
    /// The focus area's id.
    pub id: Uuid,
    /// Its new number within the strategy, 1 to 99.
    pub number: u8,
}

impl Payload for FocusAreaRenumbered {
    const EVENT_TYPE: &'static str = "FocusAreaRenumbered";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a focus area was given a new number within its strategy";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::FocusAreaRenumbered {
            id: FocusAreaId(self.id),
            number: AreaNumber::new(self.number.into())?,
        })
    }
}

/// A goal was defined in a focus area.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalDefined {
    /// The goal's id, also its stream id.
    pub id: Uuid,
    /// The strategy it belongs to.
    pub strategy: Uuid,
    /// The focus area it belongs to.
    pub focus_area: Uuid,
    /// Its number as the strategy writes it: "2", "3.2" or "3.2.1".
    pub number: String,
    /// What the goal says.
    pub wording: String,
    /// The goal of an earlier strategy it continues, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<Uuid>,
}

impl Payload for GoalDefined {
    const EVENT_TYPE: &'static str = "GoalDefined";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a goal (mål) was defined in a focus area of a strategy with its number, such as '3.2', and its wording, optionally carried over from a goal of an earlier strategy";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalDefined {
            id: GoalId(self.id),
            strategy: StrategyId(self.strategy),
            focus_area: FocusAreaId(self.focus_area),
            number: GoalNumber::parse(&self.number)?,
            wording: Text::recorded_prose("wording", &self.wording)?,
            carried_over_from: self.carried_over_from.map(GoalId),
        })
    }
}

/// A goal was merged into another goal.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalMerged {
    /// The id of the goal that was merged away.
    pub id: Uuid,
    /// The goal it was merged into.
    pub into: Uuid,
}

impl Payload for GoalMerged {
    const EVENT_TYPE: &'static str = "GoalMerged";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a goal was merged with others into one new goal (defined by its own GoalDefined) and is retired from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalMerged {
            id: GoalId(self.id),
            into: GoalId(self.into),
        })
    }
}

/// A goal was split into several goals.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalSplit {
    /// The id of the goal that was split.
    pub id: Uuid,
    /// The goals it was split into, in the same focus area.
    pub into: Vec<Uuid>,
}

impl Payload for GoalSplit {
    const EVENT_TYPE: &'static str = "GoalSplit";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a goal was split into two or more new goals (each defined by its own GoalDefined) and is retired from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalSplit {
            id: GoalId(self.id),
            into: self.into.into_iter().map(GoalId).collect(),
        })
    }
}

/// A goal was reworded.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalReworded {
    /// The goal's id.
    pub id: Uuid,
    /// What the goal now says.
    pub wording: String,
}

impl Payload for GoalReworded {
    const EVENT_TYPE: &'static str = "GoalReworded";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a goal's wording was replaced, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalReworded {
            id: GoalId(self.id),
            wording: Text::recorded_prose("wording", &self.wording)?,
        })
    }
}

/// A goal was retired.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalRetired {
    /// The goal's id.
    pub id: Uuid,
}

impl Payload for GoalRetired {
    const EVENT_TYPE: &'static str = "GoalRetired";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "a goal was retired from its strategy, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalRetired {
            id: GoalId(self.id),
        })
    }
}

/// A goal's status was assessed.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoalAssessed {
    /// The goal's id.
    pub id: Uuid,
    /// The assessed status (måloppnåelse).
    #[schemars(schema_with = "wire_name::<GoalStatus>")]
    pub status: String,
    /// Why the goal has this status.
    pub justification: String,
}

impl Payload for GoalAssessed {
    const EVENT_TYPE: &'static str = "GoalAssessed";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a goal's status (måloppnåelse) was assessed, with a written justification, valid from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::GoalAssessed {
            id: GoalId(self.id),
            status: GoalStatus::parse(&self.status)?,
            justification: Text::recorded_prose("justification", &self.justification)?,
        })
    }
}

/// An indicator was defined for a goal or a benefit.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndicatorDefined {
    /// The indicator's id, also its stream id.
    pub id: Uuid,
    /// The goal or benefit it measures.
    pub subject: IndicatorSubject,
    /// Its name, one line.
    pub name: String,
    /// The unit its values are in, such as "percent" or "NOK", one line.
    pub unit: String,
    /// Whether a higher or a lower value is better.
    #[schemars(schema_with = "wire_name::<Direction>")]
    pub direction: String,
    /// The value at the start (nullpunktsmåling), if measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Measurement>,
    /// How often, in days, a new measurement is expected, if on a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_every_days: Option<u16>,
}

impl Payload for IndicatorDefined {
    const EVENT_TYPE: &'static str = "IndicatorDefined";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an indicator (indikator) was defined for a goal or a benefit with a name, a unit, which direction is better, an optional baseline (nullpunktsmåling) and an optional update interval";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::IndicatorDefined {
            id: IndicatorId(self.id),
            subject: self.subject.into(),
            name: Text::recorded_title("name", &self.name)?,
            unit: Text::recorded_title("unit", &self.unit)?,
            direction: Direction::parse(&self.direction)?,
            baseline: self.baseline.map(Measurement::parse).transpose()?,
            update_every_days: self.update_every_days,
        })
    }
}

/// A target was set for an indicator.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndicatorTargetSet {
    /// The indicator's id.
    pub id: Uuid,
    /// The value to reach, in the indicator's unit.
    pub value: f64,
    /// The date by which to reach it.
    pub due: NaiveDate,
}

impl Payload for IndicatorTargetSet {
    const EVENT_TYPE: &'static str = "IndicatorTargetSet";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "a target value for an indicator was set, to be reached by the due date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::IndicatorTargetSet {
            id: IndicatorId(self.id),
            value: Quantity::new("value", self.value)?,
            due: self.due,
        })
    }
}

/// An indicator was measured. The measurement date is the event's effective
/// date, which the envelope carries; it is not in the payload.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeasurementRecorded {
    /// The indicator's id.
    pub id: Uuid,
    /// The measured value, in the indicator's unit.
    pub value: f64,
    /// A remark on the measurement, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Payload for MeasurementRecorded {
    const EVENT_TYPE: &'static str = "MeasurementRecorded";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an indicator was measured at a value, with an optional comment; the measurement date is the event's effective date (in the envelope, not the payload)";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::MeasurementRecorded {
            id: IndicatorId(self.id),
            value: Quantity::new("value", self.value)?,
            comment: optional("comment", self.comment, Text::recorded_prose)?,
        })
    }
}

/// An action was planned in a strategy.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionPlanned {
    /// The action's id, also its stream id.
    pub id: Uuid,
    /// The strategy it belongs to.
    pub strategy: Uuid,
    /// What kind of undertaking it is.
    #[schemars(schema_with = "wire_name::<ActionKind>")]
    pub kind: String,
    /// Its title, one line.
    pub title: String,
    /// What it does, if described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The working group that owns it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Uuid>,
    /// The focus area it is reported under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_area: Option<Uuid>,
    /// The member municipalities taking part, by kommunenummer.
    pub members_involved: Vec<String>,
    /// The years it runs.
    pub period: Period,
    /// The goals it serves.
    pub goals: Vec<Uuid>,
    /// Whether it decommissions (avvikler) a system or service.
    pub decommissioning: bool,
}

impl Payload for ActionPlanned {
    const EVENT_TYPE: &'static str = "ActionPlanned";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an action (tiltak) was planned in a strategy with its kind, title, description, owning working group, the focus area it is reported under, member municipalities involved, period, the goals it serves and whether it decommissions something";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::ActionPlanned {
            id: ActionId(self.id),
            strategy: StrategyId(self.strategy),
            kind: ActionKind::parse(&self.kind)?,
            title: Text::recorded_title("title", &self.title)?,
            description: optional("description", self.description, Text::recorded_prose)?,
            owner: self.owner.map(WorkingGroupId),
            focus_area: self.focus_area.map(FocusAreaId),
            members_involved: kommunenumre(&self.members_involved)?,
            period: self.period.parse()?,
            goals: self.goals.into_iter().map(GoalId).collect(),
            decommissioning: self.decommissioning,
        })
    }
}

/// An action's particulars were revised.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionRevised {
    /// The action's id.
    pub id: Uuid,
    /// Its title, one line.
    pub title: String,
    /// What it does; absent means no description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The working group that owns it; absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Uuid>,
    /// The focus area it is reported under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_area: Option<Uuid>,
    /// The member municipalities taking part, by kommunenummer.
    pub members_involved: Vec<String>,
    /// The years it runs.
    pub period: Period,
    /// Whether it decommissions (avvikler) a system or service.
    pub decommissioning: bool,
}

impl Payload for ActionRevised {
    const EVENT_TYPE: &'static str = "ActionRevised";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an action's title, description, owner, focus area, members involved, period and decommissioning flag were replaced by the ones given (its goals are linked separately)";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::ActionRevised {
            id: ActionId(self.id),
            title: Text::recorded_title("title", &self.title)?,
            description: optional("description", self.description, Text::recorded_prose)?,
            owner: self.owner.map(WorkingGroupId),
            focus_area: self.focus_area.map(FocusAreaId),
            members_involved: kommunenumre(&self.members_involved)?,
            period: self.period.parse()?,
            decommissioning: self.decommissioning,
        })
    }
}

/// An action was linked to a goal it serves.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionLinkedToGoal {
    /// The action's id.
    pub id: Uuid,
    /// The goal it now serves.
    pub goal: Uuid,
}

impl Payload for ActionLinkedToGoal {
    const EVENT_TYPE: &'static str = "ActionLinkedToGoal";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "an action was linked to a goal it serves, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::ActionLinkedToGoal {
            id: ActionId(self.id),
            goal: GoalId(self.goal),
        })
    }
}

/// An action was unlinked from a goal.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionUnlinkedFromGoal {
    /// The action's id.
    pub id: Uuid,
    /// The goal it no longer serves.
    pub goal: Uuid,
}

impl Payload for ActionUnlinkedFromGoal {
    const EVENT_TYPE: &'static str = "ActionUnlinkedFromGoal";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "an action no longer serves a goal it was linked to, from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::ActionUnlinkedFromGoal {
            id: ActionId(self.id),
            goal: GoalId(self.goal),
        })
    }
}

/// An action's status changed.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionStatusChanged {
    /// The action's id.
    pub id: Uuid,
    /// Its new status.
    #[schemars(schema_with = "wire_name::<ActionStatus>")]
    pub status: String,
    /// A remark on the change, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Payload for ActionStatusChanged {
    const EVENT_TYPE: &'static str = "ActionStatusChanged";
    const VERSION: u32 = 1;
    const MEANING: &'static str =
        "an action's status changed, with an optional note, valid from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::ActionStatusChanged {
            id: ActionId(self.id),
            status: ActionStatus::parse(&self.status)?,
            note: optional("note", self.note, Text::recorded_prose)?,
        })
    }
}

/// A budget line of an action was set.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BudgetLineSet {
    /// The action's id.
    pub id: Uuid,
    /// The budget year.
    pub year: i32,
    /// The cost category.
    #[schemars(schema_with = "wire_name::<BudgetCategory>")]
    pub category: String,
    /// The planned amount, in whole kroner, not negative.
    pub planned: i64,
    /// The amount actually spent, in whole kroner, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<i64>,
}

impl Payload for BudgetLineSet {
    const EVENT_TYPE: &'static str = "BudgetLineSet";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "an action's budget line (budsjettpost) for a year and cost category was set to a planned and optionally an actual amount in kroner, replacing the earlier line for the same action, year and category";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::BudgetLineSet {
            id: ActionId(self.id),
            year: Year::new(self.year.into())?,
            category: BudgetCategory::parse(&self.category)?,
            planned: Nok::from_kroner("planned", self.planned)?,
            actual: self
                .actual
                .map(|kroner| Nok::from_kroner("actual", kroner))
                .transpose()?,
        })
    }
}

/// A benefit (or disbenefit) was identified in a strategy.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BenefitIdentified {
    /// The benefit's id, also its stream id.
    pub id: Uuid,
    /// The strategy it belongs to.
    pub strategy: Uuid,
    /// The action expected to bring it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Uuid>,
    /// Who the benefit is for.
    #[schemars(schema_with = "wire_name::<Stakeholder>")]
    pub stakeholder: String,
    /// The kind of gain.
    #[schemars(schema_with = "wire_name::<BenefitCategory>")]
    pub category: String,
    /// Its title, one line.
    pub title: String,
    /// What the benefit is, if described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it has been given a value in kroner (prissatt).
    pub priced: bool,
    /// Whether it is a disbenefit (ulempe) rather than a gain.
    pub disbenefit: bool,
    /// Whether it was not foreseen when the action was planned.
    pub unexpected: bool,
    /// Who is responsible for realising it, one line, if named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// When it should be realised, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

impl Payload for BenefitIdentified {
    const EVENT_TYPE: &'static str = "BenefitIdentified";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a benefit (gevinst) or disbenefit was identified in a strategy, optionally for an action: for whom, what kind, whether priced or unexpected, who is responsible and when it is due";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::BenefitIdentified {
            id: BenefitId(self.id),
            strategy: StrategyId(self.strategy),
            action: self.action.map(ActionId),
            stakeholder: Stakeholder::parse(&self.stakeholder)?,
            category: BenefitCategory::parse(&self.category)?,
            title: Text::recorded_title("title", &self.title)?,
            description: optional("description", self.description, Text::recorded_prose)?,
            priced: self.priced,
            disbenefit: self.disbenefit,
            unexpected: self.unexpected,
            responsible: optional("responsible", self.responsible, Text::recorded_title)?,
            due: self.due,
        })
    }
}

/// How far a benefit has been realised was recorded.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BenefitRealisationRecorded {
    /// The benefit's id.
    pub id: Uuid,
    /// Where the benefit stands in its realisation.
    #[schemars(schema_with = "wire_name::<BenefitStatus>")]
    pub status: String,
    /// A remark on the realisation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Payload for BenefitRealisationRecorded {
    const EVENT_TYPE: &'static str = "BenefitRealisationRecorded";
    const VERSION: u32 = 1;
    const MEANING: &'static str = "a benefit's realisation status (gevinstrealisering) was recorded, with an optional note, valid from the event's effective date";

    fn into_event(self) -> Result<Event, DomainError> {
        Ok(Event::BenefitRealisationRecorded {
            id: BenefitId(self.id),
            status: BenefitStatus::parse(&self.status)?,
            note: optional("note", self.note, Text::recorded_prose)?,
        })
    }
}

// ---------------------------------------------------------------------------
// Samples for tests.

/// One realistic event of every variant, for round-trip and schema tests.
///
/// Each sample is listed once, and the list also generates an exhaustive
/// `match` over `Event`: a variant added to `Event` without a sample here is a
/// compile error, and a variant listed twice is an unreachable-pattern warning.
#[doc(hidden)]
pub fn samples() -> Vec<Event> {
    macro_rules! one_of_each {
        ($($variant:ident $fields:tt),+ $(,)?) => {{
            #[allow(dead_code)]
            fn every_variant_has_a_sample(event: &Event) {
                match event {
                    $(Event::$variant { .. } => {})+
                }
            }
            vec![$(Event::$variant $fields),+]
        }};
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(0x5b0a_0000_0000_4000_8000_0000_0000_0000 | n)
    }
    fn title(raw: &str) -> Text {
        Text::title("sample", raw).expect("sample title is valid")
    }
    fn prose(raw: &str) -> Text {
        Text::prose("sample", raw).expect("sample prose is valid")
    }
    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("sample date is valid")
    }
    fn period(start: i64, end: i64) -> domain::Period {
        domain::Period::new(
            Year::new(start).expect("sample year"),
            Year::new(end).expect("sample year"),
        )
        .expect("sample period is valid")
    }
    fn kommune(raw: &str) -> Kommunenummer {
        Kommunenummer::parse(raw).expect("sample kommunenummer is valid")
    }
    fn kroner(field: &'static str, n: i64) -> Nok {
        Nok::from_kroner(field, n).expect("sample amount is valid")
    }
    fn quantity(value: f64) -> Quantity {
        Quantity::new("sample", value).expect("sample quantity is valid")
    }

    let organization = OrganizationId(id(1));
    let group = WorkingGroupId(id(2));
    let strategy = StrategyId(id(3));
    let earlier_strategy = StrategyId(id(4));
    let area = FocusAreaId(id(5));
    let goal = GoalId(id(6));
    let earlier_goal = GoalId(id(7));
    let indicator = IndicatorId(id(8));
    let action = ActionId(id(9));
    let benefit = BenefitId(id(10));

    one_of_each![
        OrganizationRegistered {
            id: organization,
            name: title("Digitale Vestfold"),
        },
        OrganizationRenamed {
            id: organization,
            name: title("Digitalt samarbeid i Vestfold"),
        },
        MemberJoined {
            organization,
            kommunenummer: kommune("3905"),
            name: title("Tønsberg kommune"),
        },
        MemberLeft {
            organization,
            kommunenummer: kommune("3907"),
        },
        WorkingGroupFormed {
            id: group,
            organization,
            name: title("Faggruppe for informasjonssikkerhet"),
        },
        WorkingGroupRenamed {
            id: group,
            name: title("Nettverk for informasjonssikkerhet og personvern"),
        },
        WorkingGroupDisbanded { id: group },
        StrategyDrafted {
            id: strategy,
            organization,
            title: title("Digitaliseringsstrategi 2020–2024"),
            period: period(2020, 2024),
            vision: Some(prose(
                "Innbyggerne møter én digital kommune.\nTjenestene er enkle, trygge og tilgjengelige.",
            )),
            predecessor: Some(earlier_strategy),
        },
        StrategyRevised {
            id: strategy,
            title: title("Digitaliseringsstrategi 2020–2025"),
            period: period(2020, 2025),
            vision: None,
        },
        StrategyAdopted {
            id: strategy,
            adopted_by: title("Representantskapet"),
        },
        StrategyClosed { id: strategy },
        FocusAreaDefined {
            id: area,
            strategy,
            number: AreaNumber::new(3).expect("sample area number"),
            title: title("Sammenhengende tjenester"),
            description: Some(prose("Tjenester på tvers av sektorer og forvaltningsnivå.")),
        },
        FocusAreaRevised {
            id: area,
            title: title("Sammenhengende tjenester for innbyggerne"),
            description: None,
        },
        FocusAreaRenumbered {
            id: area,
            number: AreaNumber::new(4).expect("sample area number"),
        },
        GoalDefined {
            id: goal,
            strategy,
            focus_area: area,
            number: GoalNumber::parse("3.2").expect("sample goal number"),
            wording: prose("Alle skjema som innbyggerne fyller ut, er digitale innen 2022."),
            carried_over_from: Some(earlier_goal),
        },
        GoalMerged {
            id: earlier_goal,
            into: goal,
        },
        GoalSplit {
            id: goal,
            into: vec![GoalId(id(11)), GoalId(id(12))],
        },
        GoalReworded {
            id: goal,
            wording: prose("Alle skjema er digitale og universelt utformet innen 2023."),
        },
        GoalRetired { id: goal },
        GoalAssessed {
            id: goal,
            status: GoalStatus::PartiallyAchieved,
            justification: prose("Årsrapport 2021: 41 av 60 skjema er digitale."),
        },
        IndicatorDefined {
            id: indicator,
            subject: domain::IndicatorSubject::Goal(goal),
            name: title("Andel digitale skjema"),
            unit: title("prosent"),
            direction: Direction::HigherIsBetter,
            baseline: Some(domain::Measurement {
                value: quantity(12.5),
                on: date(2020, 1, 1),
            }),
            update_every_days: Some(365),
        },
        IndicatorTargetSet {
            id: indicator,
            value: quantity(100.0),
            due: date(2022, 12, 31),
        },
        MeasurementRecorded {
            id: indicator,
            value: quantity(68.3),
            comment: Some(prose("Telt i skjemaløsningen per 31.12.")),
        },
        ActionPlanned {
            id: action,
            strategy,
            kind: ActionKind::MainProject,
            title: title("Felles skjemaløsning"),
            description: Some(prose(
                "Anskaffe og innføre én skjemaløsning for alle kommunene."
            )),
            owner: Some(group),
            focus_area: Some(area),
            members_involved: vec![kommune("3905"), kommune("3907")],
            period: period(2021, 2023),
            goals: vec![goal],
            decommissioning: false,
        },
        ActionRevised {
            id: action,
            title: title("Felles skjemaløsning og avvikling av papirskjema"),
            description: None,
            owner: None,
            focus_area: None,
            members_involved: vec![kommune("3905")],
            period: period(2021, 2024),
            decommissioning: true,
        },
        ActionLinkedToGoal { id: action, goal },
        ActionUnlinkedFromGoal {
            id: action,
            goal: earlier_goal,
        },
        ActionStatusChanged {
            id: action,
            status: ActionStatus::Active,
            note: Some(prose("Kontrakt signert.")),
        },
        BudgetLineSet {
            id: action,
            year: Year::new(2022).expect("sample year"),
            category: BudgetCategory::PurchasedServices,
            planned: kroner("planned", 1_250_000),
            actual: Some(kroner("actual", 1_180_500)),
        },
        BenefitIdentified {
            id: benefit,
            strategy,
            action: Some(action),
            stakeholder: Stakeholder::Citizens,
            category: BenefitCategory::Quality,
            title: title("Kortere saksbehandlingstid"),
            description: Some(prose(
                "Søknader kommer inn komplette og kan behandles straks."
            )),
            priced: false,
            disbenefit: false,
            unexpected: false,
            responsible: Some(title("Kommunalsjef for helse og omsorg")),
            due: Some(date(2024, 6, 30)),
        },
        BenefitRealisationRecorded {
            id: benefit,
            status: BenefitStatus::Realising,
            note: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn goal_assessed_payload(status: &str) -> String {
        json!({
            "id": "5b0a0000-0000-4000-8000-000000000006",
            "status": status,
            "justification": "Årsrapport 2021",
        })
        .to_string()
    }

    #[test]
    fn every_sample_survives_encoding_and_decoding() {
        for event in samples() {
            let encoded = encode(&event);
            let decoded = decode(encoded.event_type, encoded.schema_version, &encoded.payload)
                .unwrap_or_else(|e| panic!("{}: {e:?}", encoded.event_type));
            assert_eq!(decoded, event);
        }
    }

    #[test]
    fn an_encoded_event_is_stored_under_its_type_name_at_the_current_version() {
        for event in samples() {
            let encoded = encode(&event);
            assert_eq!(encoded.event_type, event.type_name());
            assert_eq!(
                Some(encoded.schema_version),
                current_version(event.type_name())
            );
        }
    }

    #[test]
    fn the_catalogue_lists_every_event_type_once_in_name_order() {
        let names: Vec<&str> = catalogue().iter().map(|e| e.event_type).collect();
        let mut expected: Vec<&str> = samples().iter().map(Event::type_name).collect();
        expected.sort();
        expected.dedup();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_payload_is_compact_camel_case_json_without_absent_options() {
        let event = Event::StrategyRevised {
            id: StrategyId(Uuid::nil()),
            title: Text::title("title", "Strategi").unwrap(),
            period: domain::Period::new(Year::new(2020).unwrap(), Year::new(2024).unwrap())
                .unwrap(),
            vision: None,
        };
        assert_eq!(
            encode(&event).payload,
            r#"{"id":"00000000-0000-0000-0000-000000000000","title":"Strategi","period":{"start":2020,"end":2024}}"#
        );
    }

    #[test]
    fn an_unknown_event_type_is_refused() {
        let err = decode("GoalFoo", 1, "{}").unwrap_err();
        assert!(matches!(err, PayloadError::UnknownType { .. }), "{err:?}");
        assert_eq!(err.to_string(), "event type 'GoalFoo' is unknown");
    }

    #[test]
    fn a_version_newer_than_the_code_knows_is_refused() {
        let err = decode("GoalAssessed", 2, &goal_assessed_payload("ACHIEVED")).unwrap_err();
        assert!(
            matches!(
                err,
                PayloadError::NewerVersion {
                    version: 2,
                    current: 1,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn an_older_version_without_an_upcaster_is_refused() {
        let err = decode("GoalAssessed", 0, &goal_assessed_payload("ACHIEVED")).unwrap_err();
        assert!(
            matches!(err, PayloadError::NoUpcaster { version: 0, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn malformed_json_is_refused_with_its_parse_error() {
        let err = decode("GoalAssessed", 1, "{\"id\": ").unwrap_err();
        assert!(matches!(err, PayloadError::Malformed { .. }), "{err:?}");
        let source = std::error::Error::source(&err).expect("the parse error is the source");
        assert!(source.is::<serde_json::Error>());
    }

    #[test]
    fn a_payload_with_an_unknown_field_is_refused() {
        let payload = json!({
            "id": "5b0a0000-0000-4000-8000-000000000006",
            "status": "ACHIEVED",
            "justification": "Årsrapport 2021",
            "comment": "not a field",
        });
        let err = decode("GoalAssessed", 1, &payload.to_string()).unwrap_err();
        assert!(matches!(err, PayloadError::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn a_negative_planned_amount_is_refused_by_the_domain() {
        let payload = json!({
            "id": "5b0a0000-0000-4000-8000-000000000009",
            "year": 2022,
            "category": "TRAINING",
            "planned": -5,
        });
        let err = decode("BudgetLineSet", 1, &payload.to_string()).unwrap_err();
        match &err {
            PayloadError::Refused { source, .. } => {
                assert_eq!(source, &DomainError::invalid("planned", "'-5' is negative"))
            }
            other => panic!("expected Refused, got {other:?}"),
        }
    }

    #[test]
    fn a_status_outside_the_closed_set_is_refused_by_the_domain() {
        let err = decode("GoalAssessed", 1, &goal_assessed_payload("DONE")).unwrap_err();
        assert!(matches!(err, PayloadError::Refused { .. }), "{err:?}");
    }

    /// A pretend version 0 of `GoalAssessed` named its text `comment`.
    fn rename_comment_to_justification(mut value: Value) -> Result<Value, String> {
        let object = value.as_object_mut().ok_or("payload is not an object")?;
        let comment = object.remove("comment").ok_or("'comment' is missing")?;
        object.insert("justification".to_owned(), comment);
        Ok(value)
    }

    const PRETEND_UPCASTERS: &[Upcaster] = &[Upcaster {
        event_type: "GoalAssessed",
        from_version: 0,
        upcast: rename_comment_to_justification,
    }];

    #[test]
    fn an_older_version_is_upcast_before_it_is_read() {
        let old = json!({
            "id": "5b0a0000-0000-4000-8000-000000000006",
            "status": "ACHIEVED",
            "comment": "Årsrapport 2021",
        });
        let event = decode_with(PRETEND_UPCASTERS, "GoalAssessed", 0, &old.to_string()).unwrap();
        assert_eq!(
            event,
            Event::GoalAssessed {
                id: GoalId(Uuid::from_u128(0x5b0a_0000_0000_4000_8000_0000_0000_0006)),
                status: GoalStatus::Achieved,
                justification: Text::prose("justification", "Årsrapport 2021").unwrap(),
            }
        );
    }

    #[test]
    fn a_failing_upcaster_is_reported_with_its_message() {
        let old = json!({ "id": "5b0a0000-0000-4000-8000-000000000006", "status": "ACHIEVED" });
        let err = decode_with(PRETEND_UPCASTERS, "GoalAssessed", 0, &old.to_string()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "upcasting event type 'GoalAssessed' from version 0 failed: 'comment' is missing"
        );
    }

    #[test]
    fn every_upcaster_starts_below_the_current_version_of_a_known_type() {
        for upcaster in UPCASTERS {
            let current = current_version(upcaster.event_type)
                .unwrap_or_else(|| panic!("'{}' is unknown", upcaster.event_type));
            assert!(upcaster.from_version < current);
        }
    }
}
