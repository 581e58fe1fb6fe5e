//! Bad input, generated: GraphQL mutations through the real schema, raw
//! requests through the real server, plan files and action-plan sheets
//! through the importers. Every case carries at least one value that is
//! wrong (huge or empty strings, control characters, impossible or
//! out-of-range dates, negative and enormous numbers, deep nesting, ids
//! that are malformed or name nothing, the wrong type, an unknown field),
//! and must end in a typed error: no panic, no internal error, and nothing
//! appended (the log head unchanged).
//!
//! The inputs are made by a seeded generator, so a case is repeated by its
//! seed. `SPORBAR_FUZZ_CASES` sets the cases per target (small in CI; the
//! million-case run is `scripts/fuzz`), `SPORBAR_FUZZ_SEED` the first seed.
//! A run reports its figures on standard error (`--nocapture`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use sporbar::store::SqliteStore;
use uuid::Uuid;

use crate::server::{self, Server};
use crate::support::TestDb;

// ---------------------------------------------------------------------------
// The generator and the runner
// ---------------------------------------------------------------------------

/// SplitMix64: small, fast, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn uuid(&mut self) -> Uuid {
        Uuid::from_u64_pair(self.next(), self.next())
    }
}

/// Cases per target: `SPORBAR_FUZZ_CASES`, else the CI default.
fn cases(ci_default: u64) -> u64 {
    std::env::var("SPORBAR_FUZZ_CASES")
        .ok()
        .map(|c| c.parse().expect("SPORBAR_FUZZ_CASES is a number"))
        .unwrap_or(ci_default)
}

fn first_seed() -> u64 {
    std::env::var("SPORBAR_FUZZ_SEED")
        .ok()
        .map(|s| s.parse().expect("SPORBAR_FUZZ_SEED is a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// What went wrong with one case, under a signature that groups cases
/// failing for the same reason.
struct Finding {
    signature: String,
    detail: String,
}

/// Runs `cases` cases of `target`, each from its own seed, and fails with
/// every distinct finding (and a seed that repeats it).
fn run(target: &str, cases: u64, mut case: impl FnMut(&mut Rng) -> Result<String, Finding>) {
    let seed = first_seed();
    let started = Instant::now();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut findings: BTreeMap<String, (u64, u64, String)> = BTreeMap::new();
    for i in 0..cases {
        let case_seed = seed.wrapping_add(i);
        let mut rng = Rng(case_seed);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&mut rng)));
        let finding = match result {
            Ok(Ok(outcome)) => {
                *outcomes.entry(outcome).or_default() += 1;
                continue;
            }
            Ok(Err(finding)) => finding,
            Err(panic) => Finding {
                signature: "panic".into(),
                detail: panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            },
        };
        let entry = findings
            .entry(finding.signature)
            .or_insert((0, case_seed, finding.detail));
        entry.0 += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {target}: {cases} cases in {seconds:.1} s ({:.0}/s), first seed {seed}; outcomes {outcomes:?}",
        cases as f64 / seconds
    );
    if !findings.is_empty() {
        let report: Vec<String> = findings
            .iter()
            .take(25)
            .map(|(signature, (count, seed, detail))| {
                format!(
                    "{signature}: {count} cases, e.g. SPORBAR_FUZZ_SEED={seed} SPORBAR_FUZZ_CASES=1:\n    {}",
                    truncated(detail, 1500)
                )
            })
            .collect();
        panic!(
            "fuzz {target}: {} kinds of finding in {cases} cases:\n{}",
            findings.len(),
            report.join("\n")
        );
    }
}

fn truncated(text: &str, at: usize) -> String {
    if text.chars().count() <= at {
        text.to_owned()
    } else {
        format!(
            "{}… ({} characters)",
            text.chars().take(at).collect::<String>(),
            text.chars().count()
        )
    }
}

// ---------------------------------------------------------------------------
// Bad values
// ---------------------------------------------------------------------------

/// A string with a control character that is not a line break or a tab.
fn control_string(rng: &mut Rng) -> String {
    let control = *rng.pick(&[
        '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}',
        '\u{9f}',
    ]);
    // Inside the text: at either end it would be trimmed away as space.
    let mut text = "Mål for digital dialog".to_owned();
    let at = 1 + rng.below(text.chars().count() - 1);
    let at = text.char_indices().nth(at).map(|(i, _)| i).unwrap();
    text.insert(at, control);
    text
}

/// A string far longer than any field allows.
fn huge_string(rng: &mut Rng) -> String {
    let unit = *rng.pick(&["a", "ø", "🦀", "Mål ", "\u{301}"]);
    unit.repeat(20_001 + rng.below(200_000))
}

/// Dates no field accepts: impossible ones, and ones outside 1900–2200.
const BAD_DATES: &[&str] = &[
    "2021-02-29",
    "2021-02-30",
    "2021-13-01",
    "2021-00-10",
    "2021-04-31",
    "1899-12-31",
    "0001-01-01",
    "0000-01-01",
    "2201-01-01",
    "9999-12-31",
    "+10000-01-01",
    "-0001-01-01",
    "",
    "i dag",
    "2021-12-31T00:00:00Z",
    "31.12.2021",
    "2021-12-31 ",
];

const BAD_UUIDS: &[&str] = &[
    "",
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    "{00000000-0000-0000-0000-000000000000",
    "00000000-0000-0000-0000-0000000000000",
    "😀",
];

// ---------------------------------------------------------------------------
// GraphQL mutations through the schema
// ---------------------------------------------------------------------------

/// A type as introspection tells it.
#[derive(Clone, Debug)]
enum Type {
    NonNull(Box<Type>),
    List(Box<Type>),
    Named(String),
}

impl Type {
    fn from_introspection(value: &Value) -> Type {
        match value["kind"].as_str().unwrap() {
            "NON_NULL" => Type::NonNull(Box::new(Type::from_introspection(&value["ofType"]))),
            "LIST" => Type::List(Box::new(Type::from_introspection(&value["ofType"]))),
            _ => Type::Named(value["name"].as_str().unwrap().to_owned()),
        }
    }

    fn required(&self) -> bool {
        matches!(self, Type::NonNull(_))
    }

    fn inner(&self) -> &Type {
        match self {
            Type::NonNull(inner) => inner.inner(),
            other => other,
        }
    }
}

/// The mutations and the input types of the schema, by introspection.
struct Model {
    /// Mutation name and its `input` argument's type name.
    mutations: Vec<(String, String)>,
    inputs: BTreeMap<String, Vec<(String, Type)>>,
    enums: BTreeMap<String, Vec<String>>,
}

const INTROSPECTION: &str = r#"{ __schema {
    mutationType { fields { name args { name type { ...T } } } }
    types { kind name inputFields { name type { ...T } } enumValues { name } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

impl Model {
    fn from(introspection: &Value) -> Model {
        let schema = &introspection["__schema"];
        let mutations = schema["mutationType"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| {
                let args = field["args"].as_array().unwrap();
                assert_eq!(args.len(), 1, "every mutation takes one input");
                let Type::Named(input) = Type::from_introspection(&args[0]["type"]).inner().clone()
                else {
                    panic!("an input is an object")
                };
                (field["name"].as_str().unwrap().to_owned(), input)
            })
            .collect();
        let mut inputs = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for ty in schema["types"].as_array().unwrap() {
            let name = ty["name"].as_str().unwrap().to_owned();
            match ty["kind"].as_str().unwrap() {
                "INPUT_OBJECT" => {
                    let fields = ty["inputFields"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|f| {
                            (
                                f["name"].as_str().unwrap().to_owned(),
                                Type::from_introspection(&f["type"]),
                            )
                        })
                        .collect();
                    inputs.insert(name, fields);
                }
                "ENUM" => {
                    let values = ty["enumValues"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v["name"].as_str().unwrap().to_owned())
                        .collect();
                    enums.insert(name, values);
                }
                _ => {}
            }
        }
        Model {
            mutations,
            inputs,
            enums,
        }
    }
}

/// An input value, rendered either as JSON variables or as a GraphQL
/// literal in the document (where an enum is a bare name and a number
/// may be written as no JSON number can).
#[derive(Clone, Debug)]
enum Input {
    Bool(bool),
    /// A number as written: `12`, `-1`, `1e400`, `99999999999999999999`.
    Number(String),
    Str(String),
    Enum(String),
    List(Vec<Input>),
    Object(Vec<(String, Input)>),
}

impl Input {
    fn json(&self) -> Value {
        match self {
            Input::Bool(b) => json!(b),
            // What JSON cannot write (`1e400`) goes as a string: the wrong
            // type as well.
            Input::Number(text) => serde_json::from_str(text).unwrap_or_else(|_| json!(text)),
            Input::Str(s) | Input::Enum(s) => json!(s),
            Input::List(items) => Value::Array(items.iter().map(Input::json).collect()),
            Input::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, value)| (name.clone(), value.json()))
                    .collect(),
            ),
        }
    }

    fn literal(&self, out: &mut String) {
        match self {
            Input::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Input::Number(text) => out.push_str(text),
            // A GraphQL string literal escapes like a JSON one.
            Input::Str(s) => out.push_str(&json!(s).to_string()),
            Input::Enum(name) => out.push_str(name),
            Input::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.literal(out);
                }
                out.push(']');
            }
            Input::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(name);
                    out.push_str(": ");
                    value.literal(out);
                }
                out.push('}');
            }
        }
    }
}

/// What the fixture holds: ids of every entity and every command.
struct Known {
    entities: Vec<Uuid>,
    commands: Vec<Uuid>,
}

/// Makes plausible values, then spoils one.
struct Maker<'a> {
    model: &'a Model,
    known: &'a Known,
}

impl Maker<'_> {
    fn plausible(&self, rng: &mut Rng, name: &str, ty: &Type, depth: usize) -> Input {
        match ty {
            Type::NonNull(inner) => self.plausible(rng, name, inner, depth),
            Type::List(inner) => Input::List(
                (0..rng.below(3))
                    .map(|_| self.plausible(rng, name, inner, depth + 1))
                    .collect(),
            ),
            Type::Named(type_name) => match type_name.as_str() {
                "UUID" => {
                    let id = if rng.chance(85) {
                        *rng.pick(&self.known.entities)
                    } else {
                        rng.uuid()
                    };
                    Input::Str(id.to_string())
                }
                "Date" => Input::Str(format!(
                    "{}-{:02}-{:02}",
                    2015 + rng.below(11),
                    1 + rng.below(12),
                    1 + rng.below(28)
                )),
                "String" => Input::Str(self.plausible_string(rng, name)),
                "Int" => Input::Number(self.plausible_int(rng, name).to_string()),
                "Float" => Input::Number(format!("{:.1}", rng.below(20_000) as f64 / 10.0)),
                "Boolean" => Input::Bool(rng.chance(50)),
                other => {
                    if let Some(values) = self.model.enums.get(other) {
                        Input::Enum(rng.pick(values).clone())
                    } else if let Some(fields) = self.model.inputs.get(other) {
                        self.object(rng, fields, depth + 1)
                    } else {
                        panic!("no generator for the type {other}")
                    }
                }
            },
        }
    }

    fn object(&self, rng: &mut Rng, fields: &[(String, Type)], depth: usize) -> Input {
        let mut object = Vec::new();
        for (name, ty) in fields {
            if ty.required() || (depth < 3 && rng.chance(60)) {
                object.push((name.clone(), self.plausible(rng, name, ty, depth)));
            }
        }
        Input::Object(object)
    }

    fn plausible_string(&self, rng: &mut Rng, name: &str) -> String {
        match name {
            "number" => format!("{}.{}", 1 + rng.below(5), 1 + rng.below(9)),
            "kommunenummer" | "membersInvolved" => rng
                .pick(&["3006", "3048", "3050", "1804", "0301"])
                .to_string(),
            _ => format!("Tekst {} for {name}", rng.below(1000)),
        }
    }

    fn plausible_int(&self, rng: &mut Rng, name: &str) -> i64 {
        let lower = name.to_ascii_lowercase();
        if lower.contains("year") {
            2015 + rng.below(12) as i64
        } else if lower == "planned" || lower == "actual" {
            rng.below(5_000_000) as i64
        } else if lower == "expectedversion" {
            rng.below(4) as i64
        } else if lower.contains("days") {
            1 + rng.below(400) as i64
        } else {
            1 + rng.below(9) as i64
        }
    }

    /// A wrong value for a field of type `ty`: always refused, whichever
    /// field it is.
    ///
    /// `nesting` is the deepest nesting to try.
    fn spoiled(&self, rng: &mut Rng, name: &str, ty: &Type, nesting: usize) -> (Input, String) {
        let inner = ty.inner();
        if rng.chance(8) {
            // Deep nesting where a value belongs.
            let depth = 2 + rng.below(nesting);
            let mut value = Input::Number("1".into());
            for _ in 0..depth {
                value = if rng.chance(50) {
                    Input::List(vec![value])
                } else {
                    Input::Object(vec![("a".into(), value)])
                };
            }
            return (value, format!("{name}: nested {depth} deep"));
        }
        if rng.chance(5) {
            return (
                Input::Bool(true),
                format!("{name}: a boolean for {inner:?}"),
            );
        }
        let Type::Named(type_name) = inner else {
            // A list whose item is spoiled.
            let Type::List(item) = inner else {
                unreachable!()
            };
            let (bad, what) = self.spoiled(rng, name, item, nesting);
            let mut items = vec![bad];
            if rng.chance(50) {
                items.push(self.plausible(rng, name, item, 1));
            }
            return (Input::List(items), format!("{name}[]: {what}"));
        };
        match type_name.as_str() {
            "UUID" => {
                let bad = rng.pick(BAD_UUIDS).to_string();
                (Input::Str(bad.clone()), format!("{name}: uuid {bad:?}"))
            }
            "Date" => {
                if rng.chance(80) {
                    let bad = rng.pick(BAD_DATES).to_string();
                    (Input::Str(bad.clone()), format!("{name}: date {bad:?}"))
                } else {
                    (
                        Input::Number("20211231".into()),
                        format!("{name}: a number as date"),
                    )
                }
            }
            "String" => match rng.below(4) {
                0 | 1 => {
                    let bad = control_string(rng);
                    (
                        Input::Str(bad.clone()),
                        format!("{name}: control character {bad:?}"),
                    )
                }
                0..=2 => (Input::Str(huge_string(rng)), format!("{name}: huge string")),
                _ if ty.required() => {
                    let blank = rng.pick(&["", " ", "\n\t "]).to_string();
                    (Input::Str(blank), format!("{name}: blank"))
                }
                _ => (
                    Input::Number("12".into()),
                    format!("{name}: a number as string"),
                ),
            },
            "Int" => {
                let bad = rng
                    .pick(&[
                        "-1",
                        "-2147483648",
                        "-9223372036854775808",
                        // Beyond GraphQL's 32-bit Int, though a Rust i64 or
                        // u64 would hold it.
                        "2147483648",
                        "9223372036854775807",
                        "99999999999999999999",
                        "1e400",
                        "1.5",
                        "\"12\"",
                    ])
                    .to_string();
                let value = match bad.strip_prefix('"') {
                    Some(text) => Input::Str(text.trim_end_matches('"').to_owned()),
                    None => Input::Number(bad.clone()),
                };
                (value, format!("{name}: int {bad}"))
            }
            "Float" => {
                let bad = rng
                    .pick(&["1e400", "-1e400", "\"NaN\"", "\"Infinity\"", "\"1.5\""])
                    .to_string();
                let value = match bad.strip_prefix('"') {
                    Some(text) => Input::Str(text.trim_end_matches('"').to_owned()),
                    None => Input::Number(bad.clone()),
                };
                (value, format!("{name}: float {bad}"))
            }
            "Boolean" => (
                Input::Str("yes".into()),
                format!("{name}: \"yes\" as boolean"),
            ),
            other if self.model.enums.contains_key(other) => {
                let values = &self.model.enums[other];
                let bad = match rng.below(3) {
                    0 => rng.pick(values).to_lowercase(),
                    1 => format!("{}_MAYBE", rng.pick(values)),
                    _ => "".to_owned(),
                };
                (Input::Enum(bad.clone()), format!("{name}: enum {bad:?}"))
            }
            other => {
                let fields = &self.model.inputs[other];
                let Input::Object(mut object) = self.object(rng, fields, 2) else {
                    unreachable!()
                };
                match rng.below(3) {
                    0 => {
                        object.push(("noSuchField".into(), Input::Number("1".into())));
                        (Input::Object(object), format!("{name}: unknown field"))
                    }
                    1 => {
                        let required: Vec<&String> = fields
                            .iter()
                            .filter(|(_, t)| t.required())
                            .map(|(n, _)| n)
                            .collect();
                        if required.is_empty() {
                            return (Input::Str("x".into()), format!("{name}: string as object"));
                        }
                        let missing = (*rng.pick(&required)).clone();
                        object.retain(|(n, _)| *n != missing);
                        (Input::Object(object), format!("{name}: missing {missing}"))
                    }
                    _ => (Input::Str("x".into()), format!("{name}: string as object")),
                }
            }
        }
    }

    /// A mutation with its input, one field of it (or of a nested input)
    /// spoiled, or spoiled as a whole command (a used command id, a version
    /// that is not the entity's). Returns the mutation, its input type, the
    /// input and what was spoiled.
    fn case(&self, rng: &mut Rng, nesting: usize) -> (String, String, Input, String) {
        let (mutation, input_type) = rng.pick(&self.model.mutations).clone();
        let fields = &self.model.inputs[&input_type];
        let Input::Object(mut object) = self.object(rng, fields, 0) else {
            unreachable!()
        };
        let set = |object: &mut Vec<(String, Input)>, name: &str, value: Input| {
            object.retain(|(n, _)| n != name);
            object.push((name.to_owned(), value));
        };
        let what = match rng.below(20) {
            0 => {
                let id = *rng.pick(&self.known.commands);
                set(&mut object, "commandId", Input::Str(id.to_string()));
                "commandId: used by another command".to_owned()
            }
            1 => {
                let version = 1_000_000 + rng.below(1_000_000);
                set(
                    &mut object,
                    "expectedVersion",
                    Input::Number(version.to_string()),
                );
                "expectedVersion: not the entity's".to_owned()
            }
            2 => {
                // The whole input wrong.
                let whole = Type::NonNull(Box::new(Type::Named(input_type.clone())));
                let (bad, what) = self.spoiled(rng, "input", &whole, nesting);
                return (mutation, input_type, bad, what);
            }
            _ => {
                let (name, ty) = rng.pick(fields).clone();
                let (bad, what) = self.spoiled(rng, &name, &ty, nesting);
                set(&mut object, &name, bad);
                what
            }
        };
        let what = format!("{mutation}: {what}");
        (mutation, input_type, Input::Object(object), what)
    }
}

/// The codes a refusal of bad input may carry. GraphQL's own refusals
/// (an input that does not fit its type) carry none in the schema; the
/// HTTP layer labels them VALIDATION.
const TYPED: &[&str] = &[
    "VALIDATION",
    "NOT_FOUND",
    "CONFLICT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
];

/// The demo data, a schema over it for an admin, and what it holds.
struct Fixture {
    _db: TestDb,
    store: Arc<SqliteStore>,
    schema: sporbar::api::SporbarSchema,
    runtime: tokio::runtime::Runtime,
    viewer: sporbar::access::Viewer,
    known: Known,
}

impl Fixture {
    fn new() -> Fixture {
        let db = TestDb::new();
        let store = Arc::new(db.open());
        sporbar::plan::load_demo(&store, sporbar::api::today()).unwrap();
        let schema = sporbar::api::build_schema(sporbar::api::AppState::new(
            store.clone(),
            sporbar::api::Settings::default(),
        ));
        let reader = store.reader().unwrap();
        let column = |sql: &str| -> Vec<Uuid> {
            reader
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .map(|s| Uuid::parse_str(&s.unwrap()).unwrap())
                .collect()
        };
        let known = Known {
            entities: column("SELECT entity_id FROM entities"),
            commands: column("SELECT DISTINCT command_id FROM events"),
        };
        drop(reader);
        let viewer = sporbar::access::Viewer::Signed(Arc::new(sporbar::access::Identity {
            name: "fuzz".into(),
            role: sporbar::access::Role::Admin,
            organizations: vec![],
            credential: sporbar::access::Credential::Token { id: Uuid::nil() },
        }));
        Fixture {
            _db: db,
            store,
            schema,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            viewer,
            known,
        }
    }

    fn head(&self) -> u64 {
        self.store.head().unwrap().map_or(0, |(p, _)| p)
    }

    fn execute(&self, request: async_graphql::Request) -> Value {
        let response = self
            .runtime
            .block_on(self.schema.execute(request.data(self.viewer.clone())));
        serde_json::to_value(&response).unwrap()
    }
}

#[test]
fn every_mutation_with_a_bad_value_is_refused_with_a_typed_error_and_appends_nothing() {
    let fixture = Fixture::new();
    let introspection = fixture.execute(async_graphql::Request::new(INTROSPECTION));
    let model = Model::from(&introspection["data"]);
    assert!(model.mutations.len() >= 31, "{:?}", model.mutations);
    let maker = Maker {
        model: &model,
        known: &fixture.known,
    };
    let first_head = fixture.head();
    run("graphql mutations", cases(300), |rng| {
        let head = fixture.head();
        let as_literal = rng.chance(40);
        // A JSON body cannot nest deeper than serde_json's limit of 128; a
        // document can, and is refused past 64 levels before it is parsed.
        let nesting = if as_literal { 500 } else { 120 };
        let (mutation, input_type, input, what) = maker.case(rng, nesting);
        let request = if as_literal {
            let mut text = String::new();
            input.literal(&mut text);
            async_graphql::Request::new(format!(
                "mutation {{ {mutation}(input: {text}) {{ __typename }} }}"
            ))
        } else {
            async_graphql::Request::new(format!(
                "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename }} }}"
            ))
            .variables(async_graphql::Variables::from_json(
                json!({ "input": input.json() }),
            ))
        };
        let query = request.query.clone();
        let answer = fixture.execute(request);
        let signature =
            |problem: &str| format!("{problem} ({what_kind})", what_kind = kind_of(&what));
        let detail = || {
            format!(
                "{what}\n    query: {}\n    answer: {}",
                truncated(&query, 300),
                truncated(&answer.to_string(), 600)
            )
        };
        let errors = answer["errors"].as_array().cloned().unwrap_or_default();
        if errors.is_empty() {
            return Err(Finding {
                signature: signature("accepted"),
                detail: detail(),
            });
        }
        for error in &errors {
            if let Some(code) = error["extensions"]["code"].as_str()
                && !TYPED.contains(&code)
            {
                return Err(Finding {
                    signature: signature(&format!("code {code}")),
                    detail: detail(),
                });
            }
        }
        if fixture.head() != head {
            return Err(Finding {
                signature: signature("appended"),
                detail: detail(),
            });
        }
        Ok(errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or("graphql")
            .to_owned())
    });
    assert_eq!(fixture.head(), first_head);
    let report = fixture.store.verify().unwrap();
    assert!(report.problem.is_none());
}

/// "setBudgetLine: planned: int -1" → "setBudgetLine: planned: int".
fn kind_of(what: &str) -> String {
    let mut parts: Vec<&str> = what.splitn(3, ": ").collect();
    if let Some(last) = parts.last_mut() {
        *last = last.split(' ').next().unwrap_or("");
    }
    parts.join(": ")
}

// ---------------------------------------------------------------------------
// Raw requests through the real server
// ---------------------------------------------------------------------------

/// Sequences that are not UTF-8: a lone continuation byte, a truncated
/// sequence, an overlong encoding, an encoded surrogate, bytes never used.
const NOT_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xc3",
    b"\xc3\x28",
    b"\xc0\xaf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xfe",
    b"\xff",
];

/// Statuses a server may answer bad input with; never a 5xx.
const CLIENT_ERRORS: &[u16] = &[
    200, 400, 401, 403, 404, 405, 406, 408, 411, 413, 414, 415, 422, 429, 431,
];

#[test]
fn every_malformed_request_to_the_server_is_answered_with_a_client_error_and_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    sporbar::plan::load_demo(&store, sporbar::api::today()).unwrap();
    let goal: String = store
        .reader()
        .unwrap()
        .query_row(
            "SELECT entity_id FROM entities WHERE kind = 'goal' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(store);
    let token = crate::failure::admin_token(&db.path);
    let server = Server::start(&db.path);
    let head = || -> u64 {
        let conn = rusqlite::Connection::open_with_flags(
            &db.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row("SELECT coalesce(max(position), 0) FROM events", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let first_head = head();
    let unknown = Uuid::new_v4();
    // Requests that are right but for one thing: the mutations name an
    // entity that does not exist, so that no change of a byte makes them
    // acceptable.
    let corpus: Vec<String> = vec![
        json!({ "query": "{ logHead { position hash } }" }).to_string(),
        json!({ "query": "query($id: UUID!) { strategy(id: $id) { title focusAreas { goals { number status } } } }",
                "variables": { "id": unknown } })
        .to_string(),
        json!({ "query": "mutation($input: AssessGoalInput!) { assessGoal(input: $input) { receipt { position } } }",
                "variables": { "input": { "id": unknown, "status": "ACHIEVED", "justification": "Nådd", "effectiveAt": "2021-12-31" } } })
        .to_string(),
        json!({ "query": format!("mutation {{ setBudgetLine(input: {{id: \"{unknown}\", year: 2021, category: INVESTMENT, planned: 100000}}) {{ receipt {{ position }} }} }}") })
        .to_string(),
        json!({ "query": format!("mutation {{ rewordGoal(input: {{id: \"{goal}\", wording: \"Nytt\", expectedVersion: 999999}}) {{ receipt {{ position }} }} }}") })
        .to_string(),
    ];
    run("http requests", cases(150), |rng| {
        let mut body = rng.pick(&corpus).clone().into_bytes();
        let mut what = Vec::new();
        for _ in 0..1 + rng.below(3) {
            if body.is_empty() {
                body.push(b'{');
            }
            match rng.below(9) {
                0 => {
                    let at = rng.below(body.len());
                    body[at] = rng.next() as u8;
                    what.push("byte changed");
                }
                1 => {
                    let at = rng.below(body.len());
                    body.truncate(at);
                    what.push("cut short");
                }
                2 => {
                    let at = rng.below(body.len());
                    let bad = rng.pick(NOT_UTF8);
                    body.splice(at..at, bad.iter().copied());
                    what.push("not UTF-8");
                }
                3 => {
                    // Inside a string of the query: a control character,
                    // escaped as JSON allows, or raw as it forbids.
                    let at = body.iter().position(|b| *b == b'{').unwrap_or(0) + 1;
                    let bad: &[u8] = if rng.chance(50) {
                        b"\\u0000\\u001b"
                    } else {
                        b"\x00\x1b"
                    };
                    body.splice(at..at, bad.iter().copied());
                    what.push("control character");
                }
                4 => {
                    let depth = 1 + rng.below(200_000);
                    body = format!(
                        "{{\"query\": \"{{ logHead {{ position }} }}\", \"variables\": {{\"x\": {}1{}}}}}",
                        "[".repeat(depth),
                        "]".repeat(depth)
                    )
                    .into_bytes();
                    what.push("JSON nested deep");
                }
                5 => {
                    let size = if rng.chance(50) { 900_000 } else { 1_100_000 };
                    body = json!({ "query": "{ logHead { position } }", "variables": { "x": "å".repeat(size / 2) } })
                        .to_string()
                        .into_bytes();
                    what.push("huge");
                }
                6 => {
                    body = (0..rng.below(4_096)).map(|_| rng.next() as u8).collect();
                    what.push("random bytes");
                }
                7 => {
                    let depth = 1 + rng.below(5_000);
                    body = json!({ "query": format!(
                        "mutation {{ assessGoal(input: {{id: {}\"{unknown}\"{}, status: ACHIEVED, justification: \"x\"}}) {{ __typename }} }}",
                        "[".repeat(depth),
                        "]".repeat(depth)
                    ) })
                    .to_string()
                    .into_bytes();
                    what.push("document nested deep");
                }
                _ => {
                    let at = rng.below(body.len());
                    body.splice(at..at, b"}}]]\"\\".iter().copied());
                    what.push("syntax");
                }
            }
        }
        let content_type = *rng.pick(&[
            "application/json",
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/graphql",
            "",
        ]);
        let bearer = format!("Bearer {token}");
        let garbage = format!("Bearer spb_{}", "x".repeat(rng.below(10_000)));
        let authorization = match rng.below(10) {
            0 => None,
            1 => Some(garbage.as_str()),
            _ => Some(bearer.as_str()),
        };
        let mut headers = Vec::new();
        if !content_type.is_empty() {
            headers.push(("Content-Type", content_type));
        }
        if let Some(authorization) = authorization {
            headers.push(("Authorization", authorization));
        }
        let what = what.join(", ");
        let (status, answer) = match server::request(
            server.address,
            "POST",
            "/graphql",
            &headers,
            &body,
            std::time::Duration::from_secs(60),
        ) {
            Ok(answer) => answer,
            Err(error) => {
                return Err(Finding {
                    signature: format!("no answer ({what})"),
                    detail: format!("{error}; the server's log:\n{}", server.log()),
                });
            }
        };
        let detail = || {
            format!(
                "{what}: {} -> {status} {}",
                truncated(&String::from_utf8_lossy(&body), 300),
                truncated(&String::from_utf8_lossy(&answer), 300)
            )
        };
        if !CLIENT_ERRORS.contains(&status) {
            return Err(Finding {
                signature: format!("status {status}"),
                detail: detail(),
            });
        }
        if status == 200 {
            let Ok(json) = serde_json::from_slice::<Value>(&answer) else {
                return Err(Finding {
                    signature: "200 without JSON".into(),
                    detail: detail(),
                });
            };
            for error in json["errors"].as_array().into_iter().flatten() {
                if let Some(code) = error["extensions"]["code"].as_str()
                    && !TYPED.contains(&code)
                {
                    return Err(Finding {
                        signature: format!("code {code}"),
                        detail: detail(),
                    });
                }
            }
        }
        if head() != first_head {
            return Err(Finding {
                signature: "appended".into(),
                detail: detail(),
            });
        }
        Ok(status.to_string())
    });
    let (status, _) = server::request(
        server.address,
        "GET",
        "/health",
        &[],
        b"",
        std::time::Duration::from_secs(10),
    )
    .expect("the server is alive");
    assert_eq!(status, 200);
    server.kill();
    assert_eq!(head(), first_head);
}

// ---------------------------------------------------------------------------
// Plan files
// ---------------------------------------------------------------------------

/// A small plan file with one item of every kind: most cases start from
/// it, since a small file is quick to import.
const SMALL_PLAN: &str = r#"
format = 1

[organization]
key = "fuzz-samarbeid"
name = "Fuzz-samarbeidet"
registered = 2015-01-01

[[organization.members]]
kommunenummer = "3006"
name = "Kongsberg"
joined = 2015-01-01

[[organization.members]]
kommunenummer = "3048"
name = "Øvre Eiker"
joined = 2015-01-01
left = 2019-12-31

[[organization.working_groups]]
key = "helse"
name = "Helse og omsorg"
formed = 2015-01-01

[[strategies]]
key = "plan-2015-2018"
title = "Plan for digital transformasjon 2015–2018"
start_year = 2015
end_year = 2018
vision = "Innbyggerne får digitale tjenester."
drafted = 2015-03-01
adopted = { by = "Rådmannsutvalget", on = 2015-06-01 }

[[strategies.focus_areas]]
number = 1
title = "Digital dialog"
description = "Dialog med innbyggerne."

[[strategies.focus_areas.goals]]
number = "1.1"
wording = "Innbyggerne kan følge saken sin digitalt."
assessments = [
  { on = 2015-10-01, status = "PARTIALLY_ACHIEVED", justification = "Delvis på plass." },
]

[[strategies.focus_areas.goals.indicators]]
key = "digitale-saker"
name = "Andel saker fulgt digitalt"
unit = "prosent"
direction = "HIGHER_IS_BETTER"
update_every_days = 365
baseline = { value = 10, on = 2015-06-01 }
targets = [ { value = 80, due = 2018-12-31 } ]
measurements = [ { on = 2016-06-30, value = 25.5, comment = "Første måling." } ]

[[strategies.actions]]
key = "hovedprosjekt"
kind = "MAIN_PROJECT"
title = "Hovedprosjekt Digital dialog"
owner = "helse"
focus_area = 1
members_involved = ["3006"]
start_year = 2016
end_year = 2018
goals = ["1.1"]
planned = 2015-10-01
status = [ { on = 2016-01-15, status = "ACTIVE", note = "Startet." } ]
budget = [
  { year = 2016, category = "PROJECT_MANAGEMENT", planned = 200000 },
  { year = 2017, category = "INVESTMENT", planned = 50000, actual = 48000, on = 2018-02-01 },
]

[[strategies.benefits]]
key = "svar-hele-doegnet"
action = "hovedprosjekt"
stakeholder = "CITIZENS"
category = "QUALITY"
title = "Svar hele døgnet"
responsible = "Rådmannen"
due = 2018-12-31
identified = 2015-10-01
realisation = [ { on = 2017-12-31, status = "REALISING", note = "På vei." } ]
"#;

/// A step on the way to a value in a TOML document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The paths of every scalar in `value`.
fn leaves(value: &toml::Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        toml::Value::Table(table) => {
            for (key, item) in table {
                path.push(Step::Key(key.clone()));
                leaves(item, path, out);
                path.pop();
            }
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                leaves(item, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'a>(value: &'a mut toml::Value, path: &[Step]) -> &'a mut toml::Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(i) => &mut value[*i],
    })
}

/// Fields that name another item of the file.
const REFERENCES: &[&str] = &[
    "predecessor",
    "owner",
    "action",
    "carried_over_from",
    "goals",
    "members_involved",
    "focus_area",
];

/// Fields that hold whole numbers.
const WHOLE_NUMBERS: &[&str] = &[
    "format",
    "number",
    "start_year",
    "end_year",
    "year",
    "planned",
    "actual",
    "update_every_days",
];

/// Fields that must not be empty.
const REQUIRED_TEXT: &[&str] = &[
    "key",
    "name",
    "title",
    "wording",
    "justification",
    "unit",
    "by",
    "kommunenummer",
    "status",
    "kind",
    "category",
    "stakeholder",
    "direction",
];

/// A wrong value for the field `key`, whichever it is.
fn bad_toml(rng: &mut Rng, key: &str, is_number: bool) -> (toml::Value, String) {
    let date = |year: u16, month: u8, day: u8| {
        toml::Value::Datetime(toml::value::Datetime {
            date: Some(toml::value::Date { year, month, day }),
            time: None,
            offset: None,
        })
    };
    if REFERENCES.contains(&key) && rng.chance(40) {
        let bad = if key == "focus_area" {
            toml::Value::Integer(99)
        } else if key == "goals" {
            toml::Value::String("9.99".into())
        } else if key == "members_involved" {
            toml::Value::String("9999".into())
        } else {
            toml::Value::String("finnes-ikke".into())
        };
        return (bad, format!("{key}: names nothing"));
    }
    if (WHOLE_NUMBERS.contains(&key) || (key == "number" && is_number)) && rng.chance(40) {
        let bad = *rng.pick(&[-1i64, i64::MIN, i64::MAX, 1_000_000_000_001]);
        return (toml::Value::Integer(bad), format!("{key}: {bad}"));
    }
    match rng.below(9) {
        0 | 1 => (
            toml::Value::String(control_string(rng)),
            format!("{key}: control character"),
        ),
        2 => (
            toml::Value::String(huge_string(rng)),
            format!("{key}: huge string"),
        ),
        3 => (toml::Value::Float(f64::NAN), format!("{key}: nan")),
        4 => {
            let bad = *rng.pick(&[f64::INFINITY, f64::NEG_INFINITY, 1e308, -1e308]);
            (toml::Value::Float(bad), format!("{key}: float {bad}"))
        }
        5 => {
            let (year, month, day) = *rng.pick(&[
                (1899, 12, 31),
                (1, 1, 1),
                (2201, 1, 1),
                (9999, 12, 31),
                (2021, 2, 30),
                (2021, 2, 29),
                (2021, 4, 31),
            ]);
            (
                date(year, month, day),
                format!("{key}: date {year:04}-{month:02}-{day:02}"),
            )
        }
        6 => (
            toml::Value::Table(toml::Table::new()),
            format!("{key}: a table"),
        ),
        7 if REQUIRED_TEXT.contains(&key) => {
            (toml::Value::String(String::new()), format!("{key}: empty"))
        }
        _ => (
            toml::Value::Array(vec![toml::Value::Array(vec![])]),
            format!("{key}: an array"),
        ),
    }
}

#[test]
fn every_plan_file_with_a_bad_value_is_refused_with_a_typed_error_and_appends_nothing() {
    let db = TestDb::new();
    let store = db.open();
    let today = sporbar::api::today();
    sporbar::plan::load_demo(&store, today).unwrap();
    // The small file is a good one: it imports into a store of its own.
    {
        let scratch = TestDb::new();
        let report = sporbar::plan::import(&scratch.open(), "small.toml", SMALL_PLAN, today)
            .expect("the small plan file imports");
        assert!(report.events > 10, "{report:?}");
    }
    let bases: Vec<(&str, toml::Value)> = std::iter::once(("small.toml", SMALL_PLAN))
        .chain(sporbar::plan::DEMO_FILES.iter().copied())
        .map(|(name, text)| (name, toml::Value::Table(toml::from_str(text).unwrap())))
        .collect();
    // A file written back from its parse is the same plan: nothing new.
    for (name, value) in &bases[1..] {
        let text = toml::to_string(value).unwrap();
        let report = sporbar::plan::import(&store, name, &text, today).unwrap();
        assert_eq!(report.events, 0, "{name} written back");
    }
    // A file that was accepted changed the store; the next case starts
    // from a copy of the store as it was.
    drop(store);
    let pristine = std::fs::read(&db.path).unwrap();
    let fresh = || {
        let copy = TestDb::new();
        std::fs::write(&copy.path, &pristine).unwrap();
        let store = copy.open();
        (copy, store)
    };
    let (mut _copy, mut store) = fresh();
    let head = |store: &SqliteStore| store.head().unwrap().map_or(0, |(p, _)| p);
    let first_head = head(&store);
    run("plan files", cases(200), |rng| {
        // Mostly the small file: it is quick.
        let (name, base) = if rng.chance(80) {
            &bases[0]
        } else {
            rng.pick(&bases[1..])
        };
        let mut value = base.clone();
        let mut paths = Vec::new();
        leaves(&value, &mut Vec::new(), &mut paths);
        let path = rng.pick(&paths).clone();
        let key = path
            .iter()
            .rev()
            .find_map(|step| match step {
                Step::Key(key) => Some(key.clone()),
                Step::Index(_) => None,
            })
            .unwrap_or_default();
        let leaf = at(&mut value, &path);
        let (bad, what) = bad_toml(rng, &key, leaf.is_integer());
        *leaf = bad;
        let text = match toml::to_string(&value) {
            Ok(text) => text,
            // A value TOML cannot write (an impossible date) goes in as text.
            Err(_) => return Ok("unwritable".into()),
        };
        let before = head(&store);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sporbar::plan::import(&store, name, &text, today)
        }));
        let after = head(&store);
        if after != before {
            (_copy, store) = fresh();
        }
        let detail = || format!("{name}: {what}");
        match result {
            Err(_) => Err(Finding {
                signature: format!("panic ({})", kind_of(&what)),
                detail: detail(),
            }),
            Ok(Ok(report)) => Err(Finding {
                signature: format!("accepted ({})", kind_of(&what)),
                detail: format!("{}: {report:?}", detail()),
            }),
            Ok(Err(_)) if after != before => Err(Finding {
                signature: format!("appended ({})", kind_of(&what)),
                detail: detail(),
            }),
            Ok(Err(error)) => Ok(match error {
                sporbar::plan::PlanError::Parse { .. } => "parse",
                sporbar::plan::PlanError::Invalid { .. } => "invalid",
                sporbar::plan::PlanError::Store { .. } => "store",
            }
            .to_owned()),
        }
    });
    assert_eq!(head(&store), first_head);
}

/// The error of importing `text`, and the line it names.
fn plan_error(store: &SqliteStore, text: &str) -> (usize, String) {
    match sporbar::plan::import(store, "plan.toml", text, sporbar::api::today()) {
        Ok(report) => panic!("accepted: {report:?}"),
        Err(sporbar::plan::PlanError::Parse { line, message, .. }) => (line, message),
        Err(other) => panic!("not refused as it was read: {other}"),
    }
}

/// The line of `text` that `needle` is on.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("in the text")]
        .matches('\n')
        .count()
        + 1
}

/// Regression: keys were not checked, so a key with control characters,
/// spaces or capitals, or one of 200 000 characters, was taken.
#[test]
fn a_plan_file_with_a_key_that_is_not_a_key_is_refused_at_its_line() {
    let db = TestDb::new();
    let store = db.open();
    for bad in ["Helse", "helse og omsorg", r"hel\u0007se", ""] {
        let text = SMALL_PLAN.replace(r#"key = "helse""#, &format!(r#"key = "{bad}""#));
        let (line, message) = plan_error(&store, &text);
        assert_eq!(
            line,
            line_of(SMALL_PLAN, r#"key = "helse""#),
            "{bad}: {message}"
        );
        assert!(message.contains("is not a key"), "{bad}: {message}");
    }
    assert_eq!(store.head().unwrap(), None, "nothing appended");
}

/// Regression: a value of an item that is in the log already was only
/// checked if it differed from the log in a way the importer records, so
/// a member's name with a control character, a benefit identified in the
/// year 1899, an empty name or an indicator's baseline of `nan` was
/// accepted and silently ignored.
#[test]
fn a_bad_value_of_an_item_already_in_the_log_is_refused_not_ignored() {
    let db = TestDb::new();
    let store = db.open();
    let today = sporbar::api::today();
    sporbar::plan::import(&store, "plan.toml", SMALL_PLAN, today).unwrap();
    let head = store.head().unwrap();
    for (good, bad, says) in [
        (
            r#"name = "Kongsberg""#,
            r#"name = "Kongs\u001bberg""#,
            "control characters",
        ),
        (
            r#"name = "Kongsberg""#,
            r#"name = "  ""#,
            "must not be empty",
        ),
        (
            "identified = 2015-10-01",
            "identified = 1899-10-01",
            "outside the years",
        ),
        (
            "joined = 2015-01-01",
            "joined = 2201-01-01",
            "outside the years",
        ),
        ("value = 10, on", "value = nan, on", "not a finite number"),
        ("value = 10, on", "value = 1e300, on", "not a finite number"),
    ] {
        let text = SMALL_PLAN.replacen(good, bad, 1);
        let (line, message) = plan_error(&store, &text);
        assert_eq!(line, line_of(SMALL_PLAN, good), "{bad}: {message}");
        assert!(message.contains(says), "{bad}: {message}");
    }
    assert_eq!(store.head().unwrap(), head, "nothing appended");
}

#[test]
fn every_plan_file_with_bytes_changed_is_read_without_a_panic() {
    let db = TestDb::new();
    let store = db.open();
    let today = sporbar::api::today();
    sporbar::plan::load_demo(&store, today).unwrap();
    let bases: Vec<(&str, &str)> = std::iter::once(("small.toml", SMALL_PLAN))
        .chain(sporbar::plan::DEMO_FILES.iter().copied())
        .collect();
    run("plan file bytes", cases(200), |rng| {
        let (name, text) = if rng.chance(80) {
            bases[0]
        } else {
            *rng.pick(&bases[1..])
        };
        let mut bytes = text.as_bytes().to_vec();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(bytes.len());
            // Mostly on ASCII bytes and with ASCII, so that most files get
            // past UTF-8 to TOML; sometimes bytes that are not UTF-8.
            let ascii = bytes[at].is_ascii();
            match rng.below(10) {
                0..=3 if ascii => bytes[at] = (rng.next() % 0x80) as u8,
                4 | 5 if ascii => {
                    bytes.remove(at);
                }
                0..=6 => bytes
                    .splice(at..at, rng.pick(NOT_UTF8).iter().copied())
                    .for_each(drop),
                _ => {
                    let open = *rng.pick(&[&b"[["[..], b"{", b"\"", b"\"\"\"", b"'", b"=", b"\n["]);
                    bytes.splice(at..at, open.iter().copied()).for_each(drop);
                }
            }
        }
        // As `sporbar import` reads a file: UTF-8 first, then the plan.
        let Ok(text) = String::from_utf8(bytes) else {
            return Ok("not UTF-8".into());
        };
        // Planned only: a change of bytes may well be a good plan.
        match sporbar::plan::plan_commands(&store, name, &text, today) {
            Ok(_) => Ok("planned".into()),
            Err(sporbar::plan::PlanError::Parse { .. }) => Ok("parse".into()),
            Err(sporbar::plan::PlanError::Invalid { .. }) => Ok("invalid".into()),
            Err(sporbar::plan::PlanError::Store { .. }) => Err(Finding {
                signature: "store error".into(),
                detail: truncated(&text, 500),
            }),
        }
    });
}

// ---------------------------------------------------------------------------
// Action plans from spreadsheets
// ---------------------------------------------------------------------------

/// The strategy's action plan, as `sporbar export --format actions-csv`
/// writes it.
fn action_plan_csv(store: &SqliteStore, strategy: Uuid) -> String {
    use sporbar::report::tables;
    let reader = store.reader().unwrap();
    let moment = sporbar::read::Moment {
        as_of: store.head().unwrap().unwrap().0,
        valid_at: sporbar::api::today(),
    };
    let view = sporbar::read::strategy(&reader, strategy, moment)
        .unwrap()
        .unwrap();
    let organization = sporbar::read::organization(&reader, view.organization_id, moment).unwrap();
    tables::to_csv(&tables::actions(&view, organization.as_ref()))
}

/// Regression, two ways an exported action plan did not read back:
/// - an action under no focus area (none of its own, and no goals to take
///   one from) is written with an empty Satsingsområde, which the importer
///   refused ("'' is not a focus area number");
/// - an action without a focus area of its own is written with the area its
///   goals put it under, which the importer took as an area of its own and
///   recorded as a revision of the action.
#[test]
fn an_action_plan_with_actions_without_a_focus_area_of_their_own_reads_back_from_its_export() {
    use sporbar::domain::*;
    let db = TestDb::new();
    let store = db.open();
    let s = crate::support::Scenario::create(&store);
    crate::support::submit(
        &store,
        "2015-10-01",
        CommandBody::PlanAction {
            id: ActionId::new_random(),
            strategy: s.strategy,
            kind: ActionKind::Measure,
            title: crate::support::title("Felles innkjøp"),
            description: None,
            owner: None,
            focus_area: None,
            members_involved: vec![],
            period: Period::new(Year::new(2016).unwrap(), Year::new(2017).unwrap()).unwrap(),
            goals: vec![],
            decommissioning: false,
        },
    )
    .unwrap();
    let csv = action_plan_csv(&store, s.strategy.0);
    assert!(csv.contains(";Felles innkjøp;"), "{csv}");
    let report = sporbar::plan::import_sheet(
        &store,
        "actions.csv",
        csv.as_bytes(),
        s.strategy.0,
        sporbar::api::today(),
    )
    .expect("the export reads back");
    assert_eq!(report.events, 0, "{csv}");
}

#[test]
fn every_broken_action_plan_sheet_is_refused_with_a_typed_error_and_appends_nothing() {
    use sporbar::report::tables;
    let db = TestDb::new();
    let store = db.open();
    let today = sporbar::api::today();
    sporbar::plan::load_demo(&store, today).unwrap();
    let reader = store.reader().unwrap();
    let strategy: String = reader
        .query_row(
            "SELECT strategy_id FROM entities WHERE kind = 'action' \
             GROUP BY strategy_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let strategy = Uuid::parse_str(&strategy).unwrap();
    let moment = sporbar::read::Moment {
        as_of: store.head().unwrap().unwrap().0,
        valid_at: today,
    };
    let view = sporbar::read::strategy(&reader, strategy, moment)
        .unwrap()
        .unwrap();
    let organization = sporbar::read::organization(&reader, view.organization_id, moment).unwrap();
    let table = tables::actions(&view, organization.as_ref());
    drop(reader);
    let csv = tables::to_csv(&table);
    let xlsx = tables::to_xlsx(std::slice::from_ref(&table)).unwrap();
    // Written out and read back, the plan is what the log says: nothing new.
    for (name, bytes) in [("actions.csv", csv.as_bytes()), ("actions.xlsx", &xlsx[..])] {
        let report = sporbar::plan::import_sheet(&store, name, bytes, strategy, today)
            .unwrap_or_else(|e| panic!("{name} read back: {e}"));
        assert_eq!(report.events, 0, "{name} read back");
    }
    let head = || store.head().unwrap().map_or(0, |(p, _)| p);
    let first_head = head();
    run("action plan sheets", cases(200), |rng| {
        let (name, bytes, what) = match rng.below(3) {
            0 => {
                // A cell of a data row spoiled.
                let mut rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
                    .delimiter(b';')
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
                    .records()
                    .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                    .collect();
                let row = 1 + rng.below(rows.len() - 1);
                let cell = rng.below(rows[row].len());
                let (bad, what) = if rng.chance(60) {
                    (control_string(rng), "control character")
                } else {
                    (huge_string(rng), "huge string")
                };
                rows[row][cell] = bad;
                let mut writer = ::csv::WriterBuilder::new()
                    .delimiter(b';')
                    .flexible(true)
                    .from_writer(Vec::new());
                for record in &rows {
                    writer.write_record(record).unwrap();
                }
                let what = format!("cell {} (row {}): {what}", rows[0][cell], row + 1);
                ("actions.csv", writer.into_inner().unwrap(), what)
            }
            1 => {
                let mut bytes = csv.clone().into_bytes();
                let at = rng.below(bytes.len());
                bytes.splice(at..at, rng.pick(NOT_UTF8).iter().copied());
                ("actions.csv", bytes, "not UTF-8".to_owned())
            }
            _ => {
                let mut bytes = xlsx.clone();
                let what = match rng.below(3) {
                    0 => {
                        for _ in 0..1 + rng.below(8) {
                            let at = rng.below(bytes.len());
                            bytes[at] = rng.next() as u8;
                        }
                        "bytes changed"
                    }
                    1 => {
                        bytes.truncate(rng.below(bytes.len()));
                        "cut short"
                    }
                    _ => {
                        bytes = (0..rng.below(10_000)).map(|_| rng.next() as u8).collect();
                        "random bytes"
                    }
                };
                ("actions.xlsx", bytes, format!("xlsx: {what}"))
            }
        };
        let before = head();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sporbar::plan::import_sheet(&store, name, &bytes, strategy, today)
        }));
        match result {
            Err(_) => Err(Finding {
                signature: format!("panic ({})", what.split(':').next().unwrap_or_default()),
                detail: what,
            }),
            // A changed byte may land where it changes nothing (the xlsx
            // is compressed and checksummed, so it cannot change a value).
            Ok(Ok(report)) if report.events == 0 && head() == before => Ok("nothing to do".into()),
            Ok(Ok(report)) => Err(Finding {
                signature: format!("accepted ({})", what.split(':').next().unwrap_or_default()),
                detail: format!("{what}: {report:?}"),
            }),
            Ok(Err(_)) if head() != before => Err(Finding {
                signature: "appended".into(),
                detail: what,
            }),
            Ok(Err(_)) => Ok("refused".into()),
        }
    });
    assert_eq!(head(), first_head);
}
