//! What the benches share: a deterministic generator of realistic strategy
//! data that goes through the real domain commands, a loader fast enough for
//! a million events, a clock that spreads transaction time over the ten
//! simulated years, and small measuring helpers.
//!
//! The generator draws everything (ids, command ids, statuses, amounts,
//! wordings) from one seeded splitmix64 stream per organization; nothing
//! comes from the OS, so the same seed gives the same commands in the same
//! order. (Event ids and hashes are the store's business: event ids are
//! random, so two loads differ in those bytes only.)
//!
//! One organization (an inter-municipal cooperation) is about 4 450 events:
//! six to ten member municipalities, four working groups, and three
//! strategies in succession (2016–2019, 2020–2023, 2024–2027), each of nine
//! focus areas with three to five goals, two actions per area with yearly
//! budget lines in two categories, one benefit per action, an indicator on
//! every goal and benefit, and — from 2016 to 2025 — quarterly assessments
//! and measurements, yearly budget actuals, status changes and benefit
//! realisation. A million events is 225 organizations, the "national
//! roll-out" scale of the design brief.

// Each bench uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sporbar::domain::*;
use sporbar::store::{Clock, Durability, SqliteStore, StoreOptions, Submission};
use uuid::Uuid;

/// Bump when the generated data changes, so cached databases are rebuilt.
pub const GENERATOR_VERSION: u32 = 1;

/// Events one organization produces, on average (measured; used to pick the
/// number of organizations for a wanted size and to pace the clock).
pub const EVENTS_PER_ORGANIZATION: u64 = 4_450;

/// First and last year with follow-up (assessments, measurements).
pub const FIRST_YEAR: i32 = 2016;
pub const LAST_YEAR: i32 = 2025;

/// True for `cargo bench` (which passes `--bench`), false for the smoke run
/// that `cargo test` does.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Whether the part named `part` runs: all parts do unless names are given
/// after `--` (`cargo bench --bench store -- rebuild`).
pub fn selected(part: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    named.is_empty() || named.iter().any(|n| n == part)
}

// ---------------------------------------------------------------------------
// Randomness: splitmix64, seeded.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A version-4 UUID from the stream.
    pub fn uuid(&mut self) -> Uuid {
        let bytes = ((self.next_u64() as u128) << 64 | self.next_u64() as u128).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

// ---------------------------------------------------------------------------
// Small constructors.

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

pub fn title(t: &str) -> Text {
    Text::title("title", t).expect("a valid title")
}

pub fn prose(t: &str) -> Text {
    Text::prose("text", t).expect("valid prose")
}

fn year(y: i32) -> Year {
    Year::new(y as i64).expect("a year in range")
}

fn nok(kroner: i64) -> Nok {
    Nok::from_kroner("amount", kroner).expect("a valid amount")
}

fn quantity(v: f64) -> Quantity {
    Quantity::new("value", v).expect("a valid quantity")
}

const AREAS: [&str; 9] = [
    "Digital kompetanse og ledelse",
    "Brukerorienterte digitale tjenester",
    "Helse og omsorg",
    "Oppvekst og utdanning",
    "Informasjonssikkerhet og personvern",
    "Felles infrastruktur og arkitektur",
    "Informasjonsforvaltning og deling",
    "Innovasjon og samarbeid med næringslivet",
    "Sanering og effektiv drift",
];

const GOAL_WORDINGS: [&str; 6] = [
    "Kommunene har nettbaserte tjenester som tilfredsstiller krav til universell utforming",
    "Innbyggerne kan kommunisere digitalt med kommunen i alle saker der det er hensiktsmessig",
    "Ansatte har tilgang til de digitale verktøyene de trenger, og kompetanse til å bruke dem",
    "Kommunene deler data og løsninger på tvers, og gjenbruker nasjonale felleskomponenter",
    "Kommunene har styringssystem for informasjonssikkerhet i tråd med nasjonale krav",
    "Pasienter og pårørende får informasjon og dialog med helsetjenesten på digitale flater",
];

const JUSTIFICATIONS: [&str; 5] = [
    "Kommunene anses å være i ferd med delvis å nå målsetningen",
    "Arbeidet er i rute etter plan; flere av kommunene har tatt løsningen i bruk",
    "Forsinket på grunn av anskaffelse; ny fremdriftsplan vedtatt i styret",
    "Målet er nådd i alle medlemskommunene, jf. årsmeldingen",
    "Tiltaket er stilt i bero i påvente av nasjonal løsning",
];

const GROUPS: [&str; 4] = ["Stab/støtte", "Teknisk", "Helse og omsorg", "Oppvekst"];

// ---------------------------------------------------------------------------
// The generator.

/// One dated command.
pub type Dated = (NaiveDate, CommandBody);

struct GoalPlan {
    id: GoalId,
    indicator: IndicatorId,
}

struct ActionPlan {
    id: ActionId,
    benefit: BenefitId,
    indicator: IndicatorId,
}

struct StrategyPlan {
    id: StrategyId,
    start: i32,
    end: i32,
    areas: Vec<(FocusAreaId, Vec<GoalPlan>, Vec<ActionPlan>)>,
}

/// One organization's whole history, produced a year at a time so that a
/// million events never sit in memory at once.
pub struct OrganizationPlan {
    rng: Rng,
    index: usize,
    id: OrganizationId,
    members: Vec<Kommunenummer>,
    groups: Vec<WorkingGroupId>,
    strategies: Vec<StrategyPlan>,
}

impl OrganizationPlan {
    pub fn new(seed: u64, index: usize) -> Self {
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let id = OrganizationId(rng.uuid());
        let members = (0..rng.between(6, 10))
            .map(|m| {
                let number = (index * 10 + m as usize) % 9_000 + 1_000;
                Kommunenummer::parse(&number.to_string()).expect("four digits")
            })
            .collect();
        let groups = (0..GROUPS.len())
            .map(|_| WorkingGroupId(rng.uuid()))
            .collect();
        let strategies = [(2016, 2019), (2020, 2023), (2024, 2027)]
            .into_iter()
            .map(|(start, end)| StrategyPlan {
                id: StrategyId(rng.uuid()),
                start,
                end,
                areas: (0..AREAS.len())
                    .map(|_| {
                        let goals = (0..rng.between(3, 5))
                            .map(|_| GoalPlan {
                                id: GoalId(rng.uuid()),
                                indicator: IndicatorId(rng.uuid()),
                            })
                            .collect();
                        let actions = (0..2)
                            .map(|_| ActionPlan {
                                id: ActionId(rng.uuid()),
                                benefit: BenefitId(rng.uuid()),
                                indicator: IndicatorId(rng.uuid()),
                            })
                            .collect();
                        (FocusAreaId(rng.uuid()), goals, actions)
                    })
                    .collect(),
            })
            .collect();
        OrganizationPlan {
            rng,
            index,
            id,
            members,
            groups,
            strategies,
        }
    }

    pub fn id(&self) -> OrganizationId {
        self.id
    }

    /// The strategies, oldest first.
    pub fn strategies(&self) -> Vec<StrategyId> {
        self.strategies.iter().map(|s| s.id).collect()
    }

    /// The commands dated in `year` (the first call, for the year before
    /// `FIRST_YEAR`, sets the organization up), oldest first; a parent is
    /// always created before its children.
    pub fn commands_in(&mut self, y: i32) -> Vec<Dated> {
        let mut out: Vec<Dated> = Vec::new();
        let rng = &mut self.rng;
        if y == FIRST_YEAR - 1 {
            let on = date(y, 9, 1);
            out.push((
                on,
                CommandBody::RegisterOrganization {
                    id: self.id,
                    name: title(&format!("Digitaliseringssamarbeid {}", self.index + 1)),
                },
            ));
            for k in &self.members {
                out.push((
                    on,
                    CommandBody::AdmitMember {
                        organization: self.id,
                        kommunenummer: k.clone(),
                        name: title(&format!("Kommune {}", k.as_str())),
                    },
                ));
            }
            for (id, name) in self.groups.iter().zip(GROUPS) {
                out.push((
                    on,
                    CommandBody::FormWorkingGroup {
                        id: *id,
                        organization: self.id,
                        name: title(name),
                    },
                ));
            }
        }
        let mut predecessor: Option<&StrategyPlan> = None;
        for s in &self.strategies {
            strategy_commands(
                rng,
                self.id,
                &self.members,
                &self.groups,
                s,
                predecessor,
                y,
                &mut out,
            );
            predecessor = Some(s);
        }
        // Stable: same-day commands keep their order, parents before children.
        out.sort_by_key(|(on, _)| *on);
        out
    }
}

#[allow(clippy::too_many_arguments)]
fn strategy_commands(
    rng: &mut Rng,
    organization: OrganizationId,
    members: &[Kommunenummer],
    groups: &[WorkingGroupId],
    s: &StrategyPlan,
    predecessor: Option<&StrategyPlan>,
    y: i32,
    out: &mut Vec<Dated>,
) {
    let drafted = date(s.start - 1, 10, 1);
    let adopted = date(s.start - 1, 12, 15);
    let closed = date(s.end + 1, 3, 31);
    if y == s.start - 1 {
        out.push((
            drafted,
            CommandBody::DraftStrategy {
                id: s.id,
                organization,
                title: title(&format!("Digitaliseringsstrategi {}–{}", s.start, s.end)),
                period: Period::new(year(s.start), year(s.end)).unwrap(),
                vision: Some(prose(
                    "Sammen skaper vi fremtidens digitale kommuner for innbyggere, næringsliv og ansatte",
                )),
                predecessor: predecessor.map(|p| p.id),
            },
        ));
        for (a, (area, goals, _)) in s.areas.iter().enumerate() {
            out.push((
                drafted,
                CommandBody::DefineFocusArea {
                    id: *area,
                    strategy: s.id,
                    number: AreaNumber::new(a as i64 + 1).unwrap(),
                    title: title(AREAS[a]),
                    description: Some(prose(
                        "Satsingsområdet beskriver hva kommunene vil oppnå i perioden, og hvorfor",
                    )),
                },
            ));
            for (g, goal) in goals.iter().enumerate() {
                // The first goal of an area carries on its predecessor's.
                let carried = predecessor.filter(|_| g == 0).map(|p| p.areas[a].1[0].id);
                out.push((
                    drafted,
                    CommandBody::DefineGoal {
                        id: goal.id,
                        focus_area: *area,
                        number: GoalNumber::parse(&format!("{}.{}", a + 1, g + 1)).unwrap(),
                        wording: prose(rng.pick::<&str>(&GOAL_WORDINGS)),
                        carried_over_from: carried,
                    },
                ));
                out.push((
                    drafted,
                    CommandBody::DefineIndicator {
                        id: goal.indicator,
                        subject: IndicatorSubject::Goal(goal.id),
                        name: title("Andel tjenester med digital selvbetjening"),
                        unit: title("prosent"),
                        direction: Direction::HigherIsBetter,
                        baseline: Some(Measurement {
                            value: quantity(rng.between(10, 40) as f64),
                            on: date(s.start - 1, 6, 30),
                        }),
                        update_every_days: Some(92),
                    },
                ));
                out.push((
                    drafted,
                    CommandBody::SetIndicatorTarget {
                        id: goal.indicator,
                        value: quantity(rng.between(60, 95) as f64),
                        due: date(s.end, 12, 31),
                    },
                ));
            }
        }
    }
    if y == s.start - 1 {
        out.push((
            adopted,
            CommandBody::AdoptStrategy {
                id: s.id,
                adopted_by: title("Styret for samarbeidet"),
            },
        ));
        for (a, (area, goals, actions)) in s.areas.iter().enumerate() {
            for (n, action) in actions.iter().enumerate() {
                let involved: Vec<Kommunenummer> =
                    members.iter().filter(|_| rng.chance(60)).cloned().collect();
                out.push((
                    adopted,
                    CommandBody::PlanAction {
                        id: action.id,
                        strategy: s.id,
                        kind: if n == 0 {
                            ActionKind::MainProject
                        } else {
                            *rng.pick(&[ActionKind::SubProject, ActionKind::Measure])
                        },
                        title: title(&format!("Tiltak {}.{}: {}", a + 1, n + 1, AREAS[a])),
                        description: Some(prose(
                            "Tiltaket gjennomføres som prosjekt med styringsgruppe og prosjektleder",
                        )),
                        owner: Some(*rng.pick(groups)),
                        focus_area: Some(*area),
                        members_involved: involved,
                        period: Period::new(year(s.start), year(s.end)).unwrap(),
                        goals: goals.iter().take(2).map(|g| g.id).collect(),
                        decommissioning: a == 8,
                    },
                ));
                // The first year's budget comes with the plan; later years'
                // as the action plan is rolled each autumn (below).
                budget_lines(rng, action.id, s.start, None, adopted, out);
                out.push((
                    adopted,
                    CommandBody::IdentifyBenefit {
                        id: action.benefit,
                        strategy: s.id,
                        action: Some(action.id),
                        stakeholder: *rng.pick(&[
                            Stakeholder::Citizens,
                            Stakeholder::Employees,
                            Stakeholder::Relatives,
                            Stakeholder::Organisation,
                        ]),
                        category: *rng
                            .pick(&[BenefitCategory::Efficiency, BenefitCategory::Quality]),
                        title: title("Redusert tidsbruk på manuell saksbehandling"),
                        description: Some(prose(
                            "Ansatte bruker mindre tid på registrering og oppfølging av saker",
                        )),
                        priced: rng.chance(50),
                        disbenefit: false,
                        unexpected: false,
                        responsible: Some(title("Kommunalsjef")),
                        due: Some(date(s.end, 12, 31)),
                    },
                ));
                out.push((
                    adopted,
                    CommandBody::DefineIndicator {
                        id: action.indicator,
                        subject: IndicatorSubject::Benefit(action.benefit),
                        name: title("Timer spart per måned"),
                        unit: title("timer"),
                        direction: Direction::HigherIsBetter,
                        baseline: Some(Measurement {
                            value: quantity(0.0),
                            on: date(s.start - 1, 12, 1),
                        }),
                        update_every_days: Some(366),
                    },
                ));
            }
        }
    } else {
        // Budget lines for the coming year, set in the autumn.
        for (_, _, actions) in &s.areas {
            for action in actions {
                let budget_year = y + 1;
                if budget_year > s.start && budget_year <= s.end {
                    budget_lines(rng, action.id, budget_year, None, date(y, 10, 1), out);
                }
            }
        }
    }
    if y < s.start || y > s.end.min(LAST_YEAR) + 1 {
        return;
    }
    let running = y <= s.end && y <= LAST_YEAR;
    for (_, goals, actions) in &s.areas {
        if running {
            for goal in goals {
                for (m, d) in [(3, 31), (6, 30), (9, 30), (12, 31)] {
                    let on = date(y, m, d);
                    let status = *rng.pick(&GoalStatus::ALL[..5]);
                    out.push((
                        on,
                        CommandBody::AssessGoal {
                            id: goal.id,
                            status,
                            justification: prose(rng.pick::<&str>(&JUSTIFICATIONS)),
                        },
                    ));
                    out.push((
                        on,
                        CommandBody::RecordMeasurement {
                            id: goal.indicator,
                            value: quantity(rng.between(20, 100) as f64),
                            comment: rng
                                .chance(25)
                                .then(|| prose("Tall fra KOSTRA og egen kartlegging")),
                        },
                    ));
                }
                // One year-end assessment in ten is corrected later.
                if rng.chance(10) {
                    out.push((
                        date(y, 12, 31),
                        CommandBody::AssessGoal {
                            id: goal.id,
                            status: GoalStatus::PartiallyAchieved,
                            justification: prose("Korrigert etter revisjonens gjennomgang"),
                        },
                    ));
                }
            }
            for action in actions {
                if y == s.start {
                    out.push((
                        date(y, 1, 15),
                        CommandBody::ChangeActionStatus {
                            id: action.id,
                            status: ActionStatus::Active,
                            note: None,
                        },
                    ));
                    out.push((
                        date(y, 3, 1),
                        CommandBody::RecordBenefitRealisation {
                            id: action.benefit,
                            status: BenefitStatus::Planned,
                            note: Some(prose("Gevinstrealiseringsplan vedtatt")),
                        },
                    ));
                }
                if y == s.start + 1 {
                    out.push((
                        date(y, 6, 1),
                        CommandBody::RecordBenefitRealisation {
                            id: action.benefit,
                            status: BenefitStatus::Realising,
                            note: None,
                        },
                    ));
                }
                out.push((
                    date(y, 12, 31),
                    CommandBody::RecordMeasurement {
                        id: action.indicator,
                        value: quantity(rng.between(0, 400) as f64),
                        comment: None,
                    },
                ));
                if y == s.end {
                    out.push((
                        date(y, 12, 31),
                        CommandBody::ChangeActionStatus {
                            id: action.id,
                            status: *rng.pick(&[
                                ActionStatus::Completed,
                                ActionStatus::Completed,
                                ActionStatus::Cancelled,
                            ]),
                            note: Some(prose("Avsluttet ved periodens slutt")),
                        },
                    ));
                }
            }
        }
        // Actuals of last year's budget, from the accounts in February.
        if y > s.start && y <= s.end + 1 && y <= LAST_YEAR {
            for action in actions {
                budget_lines(rng, action.id, y - 1, Some(()), date(y, 2, 15), out);
            }
        }
    }
    if y == s.end + 1 && y <= LAST_YEAR {
        for (_, _, actions) in &s.areas {
            for action in actions {
                out.push((
                    date(y, 3, 1),
                    CommandBody::RecordBenefitRealisation {
                        id: action.benefit,
                        status: *rng.pick(&[BenefitStatus::Realised, BenefitStatus::NotRealised]),
                        note: Some(prose("Sluttvurdering i årsmeldingen")),
                    },
                ));
            }
        }
        out.push((closed, CommandBody::CloseStrategy { id: s.id }));
    }
}

/// Two budget lines (project management, purchased services) for one year:
/// planned amounts, or with `actual` the same lines with actual spending.
fn budget_lines(
    rng: &mut Rng,
    action: ActionId,
    budget_year: i32,
    actual: Option<()>,
    on: NaiveDate,
    out: &mut Vec<Dated>,
) {
    for category in [
        BudgetCategory::ProjectManagement,
        BudgetCategory::PurchasedServices,
    ] {
        let planned = rng.between(2, 40) * 25_000;
        out.push((
            on,
            CommandBody::SetBudgetLine {
                id: action,
                year: year(budget_year),
                category,
                planned: nok(planned),
                actual: actual.map(|_| nok(planned * rng.between(70, 120) / 100)),
            },
        ));
    }
}

/// Every organization's commands for one year, organization by organization.
pub fn commands_in_year(plans: &mut [OrganizationPlan], y: i32, seed: u64) -> Vec<Submission> {
    let mut ids = Rng::new(seed ^ 0xC0FF_EE00 ^ y as u64);
    plans
        .iter_mut()
        .flat_map(|p| p.commands_in(y))
        .map(|(effective, body)| {
            Submission::new(Command { effective, body }, "bench:loader").with_command_id(ids.uuid())
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The clock: transaction time over the simulated years.

/// Each reading is a fixed step after the one before, starting on
/// 1 September of the year before `FIRST_YEAR`: loading N events with a step
/// of (ten years / N) spreads their `recorded_at` over the ten years, so an
/// as-of instant picked in those years lands anywhere in the log.
pub struct StepClock {
    next_micros: AtomicI64,
    step_micros: i64,
}

impl StepClock {
    pub fn for_events(events: u64) -> Self {
        let start = Utc.with_ymd_and_hms(FIRST_YEAR - 1, 9, 1, 8, 0, 0).unwrap();
        let span = Utc
            .with_ymd_and_hms(LAST_YEAR + 1, 3, 31, 16, 0, 0)
            .unwrap()
            - start;
        StepClock {
            next_micros: AtomicI64::new(start.timestamp_micros()),
            step_micros: (span.num_microseconds().unwrap() / events.max(1) as i64).max(1),
        }
    }
}

impl Clock for StepClock {
    fn now(&self) -> DateTime<Utc> {
        let micros = self
            .next_micros
            .fetch_add(self.step_micros, Ordering::Relaxed);
        DateTime::from_timestamp_micros(micros).expect("a time in range")
    }
}

// ---------------------------------------------------------------------------
// Loading.

/// What a load produced.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub organizations: usize,
    pub events: u64,
    /// Seconds the load took (when an earlier run's file is reused, the
    /// seconds that run took).
    pub load_seconds: f64,
    /// One strategy per organization and period, for the read benches.
    pub strategies: Vec<StrategyId>,
}

/// Organizations needed for about `events` events.
pub fn organizations_for(events: u64) -> usize {
    events.div_ceil(EVENTS_PER_ORGANIZATION).max(1) as usize
}

pub const SEED: u64 = 0x5_9095_BA12;

/// Loads `organizations` organizations into a new database at `path`, ten
/// years a year at a time, in all-or-nothing batches of 2 000 commands
/// (`execute_all`: one transaction each, no savepoint per command) with
/// `synchronous=NORMAL`. A second thread generates the next batch while the
/// writer commits the last.
pub fn load(path: &Path, organizations: usize) -> Loaded {
    let events_estimate = organizations as u64 * EVENTS_PER_ORGANIZATION;
    let store = SqliteStore::open(
        path,
        StoreOptions {
            durability: Durability::Normal,
            clock: Arc::new(StepClock::for_events(events_estimate)),
            ..StoreOptions::default()
        },
    )
    .expect("open the bench database");
    let started = Instant::now();
    let (batches, receive) = std::sync::mpsc::sync_channel::<Vec<Submission>>(2);
    let generator = std::thread::spawn(move || {
        let mut plans: Vec<OrganizationPlan> = (0..organizations)
            .map(|i| OrganizationPlan::new(SEED, i))
            .collect();
        let strategies: Vec<StrategyId> = plans.iter().flat_map(|p| p.strategies()).collect();
        for y in FIRST_YEAR - 1..=LAST_YEAR {
            let mut commands = commands_in_year(&mut plans, y, SEED);
            while !commands.is_empty() {
                let rest = commands.split_off(commands.len().min(2_000));
                batches.send(commands).expect("the loader is waiting");
                commands = rest;
            }
        }
        strategies
    });
    let mut commands = 0usize;
    for batch in receive {
        commands += batch.len();
        if let Err(error) = store.execute_all(batch) {
            panic!(
                "the generator made a command the domain refuses: {}",
                sporbar::store::error_chain(&error)
            );
        }
    }
    let strategies = generator.join().expect("the generator finished");
    let events = store.head().unwrap().map(|(p, _)| p).unwrap_or(0);
    let load_seconds = started.elapsed().as_secs_f64();
    assert!(events as usize >= commands);
    Loaded {
        path: path.to_owned(),
        organizations,
        events,
        load_seconds,
        strategies,
    }
}

/// A loaded database of about `events` events for a full run, kept under
/// the target directory and reused by later runs (the data is deterministic;
/// delete the folder to measure the load again). Smoke runs load afresh
/// into `dir`.
pub fn database(events: u64, dir: &Path) -> Loaded {
    let organizations = organizations_for(events);
    if !full_run() {
        return load(
            &dir.join(format!("bench-{organizations}.db")),
            organizations,
        );
    }
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-data");
    std::fs::create_dir_all(&cache).expect("create the bench data folder");
    let path = cache.join(format!(
        "sporbar-v{GENERATOR_VERSION}-{organizations}orgs.db"
    ));
    let done = path.with_extension("done");
    if path.exists() && done.exists() {
        let plans: Vec<_> = (0..organizations)
            .map(|i| OrganizationPlan::new(SEED, i))
            .collect();
        let store = SqliteStore::open(&path, StoreOptions::default()).unwrap();
        let events = store.head().unwrap().map(|(p, _)| p).unwrap_or(0);
        let load_seconds = std::fs::read_to_string(&done)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0.0);
        return Loaded {
            path,
            organizations,
            events,
            load_seconds,
            strategies: plans.iter().flat_map(|p| p.strategies()).collect(),
        };
    }
    for stale in [
        &path,
        &path.with_extension("db-wal"),
        &path.with_extension("db-shm"),
    ] {
        let _ = std::fs::remove_file(stale);
    }
    let loaded = load(&path, organizations);
    std::fs::write(&done, format!("{}\n", loaded.load_seconds)).unwrap();
    loaded
}

// ---------------------------------------------------------------------------
// Measuring.

/// Latency percentiles of a set of samples.
pub struct Percentiles {
    pub p50: Duration,
    pub p99: Duration,
    pub count: usize,
}

pub fn percentiles(samples: &mut [Duration]) -> Percentiles {
    assert!(!samples.is_empty(), "no samples");
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Percentiles {
        p50: at(0.50),
        p99: at(0.99),
        count: samples.len(),
    }
}

pub fn micros(d: Duration) -> u128 {
    d.as_micros()
}

/// Bytes of a database file with its WAL.
pub fn database_bytes(path: &Path) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    size(path) + size(&path.with_extension("db-wal"))
}
