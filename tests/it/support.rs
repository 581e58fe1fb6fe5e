//! Shared fixtures: a fresh database file per test, a clock the test turns,
//! and a small Kongsbergregionen scenario to build on.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sporbar::domain::*;
use sporbar::store::{Appended, Clock, SqliteStore, StoreError, StoreOptions, Submission};

/// A database in its own temporary folder, removed when dropped.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl TestDb {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("sporbar.db");
        Self { dir, path }
    }

    pub fn open(&self) -> SqliteStore {
        SqliteStore::open(&self.path, StoreOptions::default()).expect("store opens")
    }

    pub fn open_with_clock(&self, clock: Arc<ManualClock>) -> SqliteStore {
        SqliteStore::open(
            &self.path,
            StoreOptions {
                clock,
                ..StoreOptions::default()
            },
        )
        .expect("store opens")
    }

    /// A plain SQLite connection, as an intruder or an auditor would open it.
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).expect("plain connection")
    }
}

/// Transaction time under the test's control.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn at(rfc3339: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(instant(rfc3339))))
    }

    pub fn set(&self, rfc3339: &str) {
        *self.0.lock().unwrap() = instant(rfc3339);
    }

    pub fn advance_seconds(&self, seconds: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instant")
        .with_timezone(&Utc)
}

pub fn date(iso: &str) -> NaiveDate {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d").expect("test date")
}

pub fn midnight(iso: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date(iso).and_hms_opt(0, 0, 0).unwrap())
}

pub fn title(text: &str) -> Text {
    Text::title("title", text).unwrap()
}

pub fn prose(text: &str) -> Text {
    Text::prose("text", text).unwrap()
}

pub fn command(effective: &str, body: CommandBody) -> Command {
    Command {
        effective: date(effective),
        body,
    }
}

pub fn submit(
    store: &SqliteStore,
    effective: &str,
    body: CommandBody,
) -> Result<Appended, StoreError> {
    store.execute(Submission::new(command(effective, body), "test:fixture"))
}

/// Kongsbergregionen with its 2015–2018 strategy, focus area 1 "Digital
/// dialog", goal 1.3, and the main project with its period.
pub struct Scenario {
    pub organization: OrganizationId,
    pub strategy: StrategyId,
    pub area: FocusAreaId,
    pub goal: GoalId,
    pub action: ActionId,
}

impl Scenario {
    pub fn create(store: &SqliteStore) -> Self {
        let s = Scenario {
            organization: OrganizationId::new_random(),
            strategy: StrategyId::new_random(),
            area: FocusAreaId::new_random(),
            goal: GoalId::new_random(),
            action: ActionId::new_random(),
        };
        // Long enough for the follow-up assessments the time-travel tests
        // make up to 2021: reports take effect within a strategy's period.
        let period = Period::new(Year::new(2015).unwrap(), Year::new(2022).unwrap()).unwrap();
        let steps = [
            CommandBody::RegisterOrganization {
                id: s.organization,
                name: title("Kongsbergregionen"),
            },
            CommandBody::DraftStrategy {
                id: s.strategy,
                organization: s.organization,
                title: title("Regional digitaliseringsstrategi 2015–2018"),
                period,
                vision: Some(prose(
                    "Innbyggerne og næringslivet i Kongsbergregionen tilbys fremtidsrettede digitale tjenester.",
                )),
                predecessor: None,
            },
            CommandBody::DefineFocusArea {
                id: s.area,
                strategy: s.strategy,
                number: AreaNumber::new(1).unwrap(),
                title: title("Digital dialog"),
                description: None,
            },
            CommandBody::DefineGoal {
                id: s.goal,
                focus_area: s.area,
                number: GoalNumber::parse("3").unwrap(),
                wording: prose(
                    "Kommunene har automatiserte prosesser der tjenesteområdene henger sammen",
                ),
                carried_over_from: None,
            },
            CommandBody::PlanAction {
                id: s.action,
                strategy: s.strategy,
                kind: ActionKind::MainProject,
                title: title("Digital dialog – hovedprosjekt"),
                description: None,
                owner: None,
                focus_area: None,
                members_involved: vec![],
                period: Period::new(Year::new(2016).unwrap(), Year::new(2018).unwrap()).unwrap(),
                goals: vec![s.goal],
                decommissioning: false,
            },
        ];
        for body in steps {
            submit(store, "2015-06-01", body).expect("scenario step is accepted");
        }
        s
    }

    pub fn assess(&self, status: GoalStatus, why: &str) -> CommandBody {
        CommandBody::AssessGoal {
            id: self.goal,
            status,
            justification: prose(why),
        }
    }
}
