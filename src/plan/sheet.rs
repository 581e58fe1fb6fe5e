//! Action plans (tiltaksplaner) from spreadsheets: `.xlsx` or `.csv` in the
//! column layout of docs/spreadsheet-format.md, with Norwegian headers as a
//! strategy group writes them. Each row is an action's budget line for one
//! cost category; its actions become ordinary commands into one strategy,
//! with the same rules, idempotence and all-or-nothing as plan files.
//! Errors name the file, the row and the column.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use toml::Spanned;
use uuid::Uuid;

use super::format::{ActionSpec, BudgetSpec, PlanDate};
use super::import::{Generator, ImportReport, PlanError, everything, submit_planned};
use crate::domain::{self, CommandBody};
use crate::read;
use crate::store::SqliteStore;

/// Ids of actions from spreadsheets: UUIDv5 in this namespace of
/// "<strategy id>/<action key>".
const NAMESPACE: Uuid = Uuid::from_u128(0x7d3c_2b9e_51a4_4f0d_9c86_e1f2_a3b4_c5d6);

/// A table read from a file: the header row and the rows below it, as text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn sheet_error(file: &str, row: usize, column: &str, message: impl Into<String>) -> PlanError {
    PlanError::Invalid {
        file: file.to_owned(),
        line: row,
        path: format!("column '{column}'"),
        message: message.into(),
    }
}

fn read_table(file: &str, bytes: &[u8]) -> Result<Table, PlanError> {
    let lower = file.to_lowercase();
    let mut rows: Vec<Vec<String>> = if lower.ends_with(".xlsx") {
        use calamine::{Reader, Xlsx};
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| sheet_error(file, 1, "-", format!("not an .xlsx workbook: {e}")))?;
        let range = workbook
            .worksheet_range_at(0)
            .ok_or_else(|| sheet_error(file, 1, "-", "the workbook has no sheet"))?
            .map_err(|e| {
                sheet_error(file, 1, "-", format!("the first sheet cannot be read: {e}"))
            })?;
        range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|cell| cell.to_string().trim().to_owned())
                    .collect()
            })
            .collect()
    } else if lower.ends_with(".csv") {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| sheet_error(file, 1, "-", "the file is not UTF-8 text"))?;
        // Spreadsheets in Norway save CSV with semicolons; take what the header uses.
        let first = text.lines().next().unwrap_or_default();
        let delimiter = if first.matches(';').count() >= first.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record =
                record.map_err(|e| sheet_error(file, i + 1, "-", format!("not a CSV row: {e}")))?;
            out.push(record.iter().map(|c| c.trim().to_owned()).collect());
        }
        out
    } else {
        return Err(sheet_error(
            file,
            1,
            "-",
            "a spreadsheet must end in .xlsx or .csv",
        ));
    };
    if rows.is_empty() {
        return Err(sheet_error(file, 1, "-", "the sheet is empty"));
    }
    let header = rows.remove(0);
    Ok(Table { header, rows })
}

/// A Norwegian amount: "1 250 000", "1250000", "1 250 000 kr", "1.250.000".
fn kroner(raw: &str) -> Option<i64> {
    let digits: String = raw
        .trim()
        .trim_end_matches("kr")
        .trim_end_matches(",-")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.'))
        .collect();
    if digits.is_empty() {
        return None;
    }
    // A whole number written as a decimal, as spreadsheets export them ("300000.0").
    let whole = digits
        .strip_suffix(",0")
        .or_else(|| digits.strip_suffix(",00"))
        .unwrap_or(&digits);
    whole.parse().ok().or_else(|| {
        raw.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0)
            .map(|f| f as i64)
    })
}

// Words of the sheet in bokmål, nynorsk and English, as strategy groups
// write them; case does not matter.

/// The headers each column may have.
const COLUMNS: &[(&str, &[&str])] = &[
    ("Tiltak", &["tiltak", "action"]),
    (
        "Satsingsområde",
        &["satsingsområde", "satsingsområde nr", "focus area"],
    ),
    ("Fra år", &["fra år", "frå år", "from year", "start year"]),
    ("Til år", &["til år", "to year", "end year"]),
    ("Nøkkel", &["nøkkel", "nøkkel (key)", "key"]),
    ("Mål", &["mål", "goals"]),
    ("Type", &["type", "kind"]),
    ("Ansvarlig", &["ansvarlig", "ansvarleg", "owner"]),
    ("Status", &["status"]),
    (
        "Status per",
        &["status per", "status frå", "status fra", "status as of"],
    ),
    (
        "Statusnotat",
        &["statusnotat", "statusmerknad", "status note"],
    ),
    ("Planlagt", &["planlagt", "planlagd", "planned"]),
    ("Kategori", &["kategori", "category"]),
    ("Beskrivelse", &["beskrivelse", "skildring", "description"]),
    ("Sanering", &["sanering", "decommissioning"]),
];

/// The prefixes of a year's budget column: `Budsjett 2017`, `Budget 2017`.
const BUDGET_PREFIXES: &[&str] = &["budsjett ", "budget "];

fn kind(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "" | "tiltak" | "measure" => "MEASURE",
        "hovedprosjekt" | "hovudprosjekt" | "main project" => "MAIN_PROJECT",
        "delprosjekt" | "sub-project" | "subproject" => "SUB_PROJECT",
        "program" | "programme" => "PROGRAMME",
        _ => return None,
    })
}

fn status(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "planlagt" | "planlagd" | "planned" => "PLANNED",
        "pågår" | "pågåande" | "aktiv" | "in progress" | "active" => "ACTIVE",
        "satt på vent" | "sett på vent" | "på vent" | "on hold" => "ON_HOLD",
        "fullført" | "ferdig" | "completed" | "done" => "COMPLETED",
        "avbrutt" | "avbroten" | "cancelled" | "canceled" => "CANCELLED",
        _ => return None,
    })
}

fn category(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "" | "annet" | "anna" | "other" => "OTHER",
        "prosjektledelse"
        | "prosjektledelse og prosesskostnader"
        | "prosjektleiing"
        | "project management" => "PROJECT_MANAGEMENT",
        "kjøpte tjenester" | "kjøpte tenester" | "purchased services" => "PURCHASED_SERVICES",
        "investering" | "investment" => "INVESTMENT",
        "drift" | "driftskostnader" | "driftskostnadar" | "operations" => "OPERATIONS",
        "interne ressurser"
        | "frikjøp interne ressurser"
        | "interne ressursar"
        | "internal resources" => "INTERNAL_RESOURCES",
        "opplæring" | "kompetansetiltak" | "training" => "TRAINING",
        _ => return None,
    })
}

/// A date as a sheet holds it: `2016-01-01`, `1.1.2016`, `01.01.2016`, or
/// a spreadsheet's date cell read as `2016-01-01 00:00:00`.
fn sheet_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let head = raw.split([' ', 'T']).next().unwrap_or(raw);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%d.%m.%Y"))
        .ok()
}

/// An action being gathered from its rows.
struct Gathered {
    first_row: usize,
    spec: ActionSpec,
    status: Option<SheetStatus>,
}

/// The status a sheet gives an action: from its `Status per` date (the
/// import day when empty), with its note.
struct SheetStatus {
    row: usize,
    status: &'static str,
    on: Option<NaiveDate>,
    note: Option<String>,
}

/// Imports the action plan in `bytes` (named `file`) into `strategy`.
pub fn import_sheet(
    store: &SqliteStore,
    file: &str,
    bytes: &[u8],
    strategy: Uuid,
    today: NaiveDate,
) -> Result<ImportReport, PlanError> {
    let table = read_table(file, bytes)?;
    let column = |name: &str| {
        let (_, names) = COLUMNS
            .iter()
            .find(|(canonical, _)| *canonical == name)
            .expect("a column of COLUMNS");
        table
            .header
            .iter()
            .position(|h| names.contains(&h.trim().to_lowercase().as_str()))
    };
    let required = |name: &str| {
        column(name).ok_or_else(|| sheet_error(file, 1, name, "the column is missing"))
    };
    // A header the sheet has that is none of its columns is refused by
    // name: what is read is stored or refused, never ignored.
    for (i, header) in table.header.iter().enumerate() {
        let lower = header.trim().to_lowercase();
        let known = lower.is_empty()
            || COLUMNS
                .iter()
                .any(|(_, names)| names.contains(&lower.as_str()))
            || BUDGET_PREFIXES.iter().any(|p| lower.starts_with(p));
        if !known {
            return Err(sheet_error(
                file,
                1,
                header,
                format!(
                    "column {} is not a column of an action plan (docs/spreadsheet-format.md lists them)",
                    i + 1
                ),
            ));
        }
    }
    let title_col = required("Tiltak")?;
    let area_col = column("Satsingsområde");
    let from_col = required("Fra år")?;
    let to_col = required("Til år")?;
    let (
        key_col,
        goals_col,
        kind_col,
        owner_col,
        status_col,
        category_col,
        description_col,
        decommissioning_col,
    ) = (
        column("Nøkkel"),
        column("Mål"),
        column("Type"),
        column("Ansvarlig"),
        column("Status"),
        column("Kategori"),
        column("Beskrivelse"),
        column("Sanering"),
    );
    let (status_on_col, status_note_col, planned_col) = (
        column("Status per"),
        column("Statusnotat"),
        column("Planlagt"),
    );
    let years: Vec<(usize, i64)> = table
        .header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let lower = h.trim().to_lowercase();
            let rest = BUDGET_PREFIXES.iter().find_map(|p| lower.strip_prefix(p))?;
            Some((i, rest.trim().parse().ok()?))
        })
        .collect();

    let reader = store.reader().map_err(|source| PlanError::Store {
        file: file.to_owned(),
        source,
    })?;
    let moment = everything();
    let current = read::strategy(&reader, strategy, moment)
        .map_err(|e| sheet_error(file, 1, "-", e.to_string()))?
        .ok_or_else(|| sheet_error(file, 1, "-", format!("strategy '{strategy}' not found")))?;
    let organization = read::organization(&reader, current.organization_id, moment)
        .map_err(|e| sheet_error(file, 1, "-", e.to_string()))?;
    drop(reader);

    // The rows as lines of a text, so a span's line is the row number.
    let mut text = String::new();
    let mut row_start = vec![0, 0];
    text.push('\n');
    let mut gathered: BTreeMap<String, Gathered> = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        let number = i + 2;
        row_start.push(text.len());
        text.push('\n');
        let cell = |c: Option<usize>| c.and_then(|c| row.get(c)).map(String::as_str).unwrap_or("");
        let title = cell(Some(title_col));
        if title.is_empty() && row.iter().all(|c| c.is_empty()) {
            continue;
        }
        if title.is_empty() {
            return Err(sheet_error(
                file,
                number,
                "Tiltak",
                "an action needs a title",
            ));
        }
        let key = if cell(key_col).is_empty() {
            title.to_lowercase()
        } else {
            cell(key_col).to_owned()
        };
        let year = |col: usize, name: &str| -> Result<i64, PlanError> {
            cell(Some(col)).parse().map_err(|_| {
                sheet_error(
                    file,
                    number,
                    name,
                    format!("'{}' is not a year", cell(Some(col))),
                )
            })
        };
        // Empty: the action is reported under no focus area of its own (its
        // goals' area counts), as the export writes such an action.
        let date = |col: Option<usize>, name: &str| -> Result<Option<NaiveDate>, PlanError> {
            match cell(col) {
                "" => Ok(None),
                raw => sheet_date(raw).map(Some).ok_or_else(|| {
                    sheet_error(
                        file,
                        number,
                        name,
                        format!("'{raw}' is not a date such as 2016-01-01 or 1.1.2016"),
                    )
                }),
            }
        };
        let area: Option<i64> = match cell(area_col) {
            "" => None,
            raw => Some(raw.parse().map_err(|_| {
                sheet_error(
                    file,
                    number,
                    "Satsingsområde",
                    format!("'{raw}' is not a focus area number"),
                )
            })?),
        };
        let kind = kind(cell(kind_col)).ok_or_else(|| {
            sheet_error(
                file,
                number,
                "Type",
                format!(
                    "'{}' is not one of Hovedprosjekt, Delprosjekt, Program, Tiltak",
                    cell(kind_col)
                ),
            )
        })?;
        let status_value = match cell(status_col) {
            "" => None,
            raw => Some(status(raw).ok_or_else(|| {
                sheet_error(
                    file,
                    number,
                    "Status",
                    format!(
                        "'{raw}' is not one of Planlagt, Pågår, Satt på vent, Fullført, Avbrutt (or their nynorsk or English words)"
                    ),
                )
            })?),
        };
        let category = category(cell(category_col)).ok_or_else(|| {
            sheet_error(
                file,
                number,
                "Kategori",
                format!("'{}' is not one of Prosjektledelse, Kjøpte tjenester, Investering, Drift, Interne ressurser, Opplæring, Annet", cell(category_col)),
            )
        })?;
        let existing_owner = || {
            let owner = current
                .actions
                .iter()
                .find(|a| a.title.eq_ignore_ascii_case(title))?
                .owner?;
            organization
                .as_ref()?
                .working_groups
                .iter()
                .find(|g| g.id == owner)
                .map(|g| g.name.clone())
        };
        let owner = match cell(owner_col) {
            "" if owner_col.is_none() => existing_owner(),
            "" => None,
            name => {
                let found = organization.as_ref().and_then(|o| {
                    o.working_groups
                        .iter()
                        .find(|g| g.name.eq_ignore_ascii_case(name))
                });
                Some(found.map(|g| g.name.clone()).ok_or_else(|| {
                    sheet_error(
                        file,
                        number,
                        "Ansvarlig",
                        format!("no working group of the organization is called '{name}'"),
                    )
                })?)
            }
        };
        // What the sheet has no column for stays as the log has it.
        let existing = current
            .actions
            .iter()
            .find(|a| cell(key_col).is_empty() && a.title.eq_ignore_ascii_case(title));
        let planned_on = date(planned_col, "Planlagt")?;
        if let (Some(on), Some(action)) = (planned_on, existing)
            && on != action.since
        {
            return Err(sheet_error(
                file,
                number,
                "Planlagt",
                format!(
                    "the log has this action planned on {}; the date an action was planned is not changed by an import",
                    action.since
                ),
            ));
        }
        let status_on = date(status_on_col, "Status per")?;
        let status_note = Some(cell(status_note_col).to_owned()).filter(|n| !n.is_empty());
        if status_value.is_none() && (status_on.is_some() || status_note.is_some()) {
            return Err(sheet_error(
                file,
                number,
                "Status",
                "a status date or note needs the status it belongs to",
            ));
        }
        // Without an area column, an action keeps the area the log gives it.
        let area = match (area_col, existing) {
            (None, Some(action)) => current
                .areas
                .iter()
                .find(|a| Some(a.id) == action.focus_area)
                .map(|a| i64::from(a.number)),
            _ => area,
        };
        let goal_numbers: Vec<String> = match (goals_col, existing) {
            (None, Some(action)) => current
                .areas
                .iter()
                .flat_map(|a| a.goals.iter())
                .filter(|g| action.goals.contains(&g.id))
                .map(|g| g.number.clone())
                .collect(),
            _ => cell(goals_col)
                .split([',', ' ', ';'])
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        // The export writes the area an action's goals put it under when it
        // has none of its own; read back, that is still none of its own.
        let derived = current
            .areas
            .iter()
            .find(|a| a.goals.iter().any(|g| goal_numbers.contains(&g.number)))
            .map(|a| i64::from(a.number));
        let area = match area {
            Some(number)
                if derived == Some(number) && existing.is_none_or(|a| a.focus_area.is_none()) =>
            {
                None
            }
            other => other,
        };
        let entry = gathered.entry(key.clone()).or_insert_with(|| Gathered {
            first_row: number,
            spec: ActionSpec {
                // An action the strategy already has under this title is that action.
                id: Some(
                    current
                        .actions
                        .iter()
                        .find(|a| cell(key_col).is_empty() && a.title.eq_ignore_ascii_case(title))
                        .map(|a| a.id)
                        .unwrap_or_else(|| {
                            Uuid::new_v5(&NAMESPACE, format!("{strategy}/{key}").as_bytes())
                        }),
                ),
                key: key.clone(),
                kind: kind.to_owned(),
                title: title.to_owned(),
                description: match description_col {
                    Some(_) => Some(cell(description_col).to_owned()).filter(|d| !d.is_empty()),
                    None => existing.and_then(|a| a.description.clone()),
                },
                owner: owner.clone(),
                focus_area: area,
                members_involved: existing
                    .map(|a| a.members_involved.clone())
                    .unwrap_or_default(),
                start_year: 0,
                end_year: 0,
                goals: goal_numbers.clone(),
                decommissioning: matches!(
                    cell(decommissioning_col).to_lowercase().as_str(),
                    "ja" | "x" | "yes"
                ),
                planned: PlanDate(planned_on.unwrap_or(today)),
                status: Vec::new(),
                budget: Vec::new(),
            },
            status: None,
        });
        entry.spec.start_year = year(from_col, "Fra år")?;
        entry.spec.end_year = year(to_col, "Til år")?;
        if let Some(value) = status_value {
            entry.status = Some(SheetStatus {
                row: number,
                status: value,
                on: status_on,
                note: status_note,
            });
        }
        for (col, year) in &years {
            let raw = cell(Some(*col));
            if raw.is_empty() {
                continue;
            }
            let planned = kroner(raw).ok_or_else(|| {
                sheet_error(
                    file,
                    number,
                    &table.header[*col],
                    format!("'{raw}' is not an amount in kroner"),
                )
            })?;
            let span = row_start[number]..row_start[number] + 1;
            entry.spec.budget.push(Spanned::new(
                span,
                BudgetSpec {
                    year: *year,
                    category: category.to_owned(),
                    planned,
                    actual: None,
                    on: None,
                },
            ));
        }
    }

    let mut generator = Generator {
        file,
        text: &text,
        today,
        org_key: strategy.to_string(),
        actor: format!("import:{file}"),
        out: Vec::new(),
        goal_ids: HashMap::new(),
    };
    let groups: HashMap<String, domain::WorkingGroupId> = organization
        .iter()
        .flat_map(|o| o.working_groups.iter())
        .map(|g| (g.name.clone(), domain::WorkingGroupId(g.id)))
        .collect();
    let goals: HashMap<String, domain::GoalId> = current
        .areas
        .iter()
        .flat_map(|a| a.goals.iter())
        .map(|g| (g.number.clone(), domain::GoalId(g.id)))
        .collect();
    let areas: HashMap<u8, domain::FocusAreaId> = current
        .areas
        .iter()
        .map(|a| (a.number, domain::FocusAreaId(a.id)))
        .collect();
    // Budget lines of an action in the order they were read, by column, so a
    // refusal of one names its column.
    let budget_columns: HashMap<String, Vec<String>> = gathered
        .iter()
        .map(|(key, g)| {
            (
                key.clone(),
                g.spec
                    .budget
                    .iter()
                    .map(|b| format!("Budsjett {}", b.get_ref().year))
                    .collect(),
            )
        })
        .collect();
    let mut follow_ups = Vec::new();
    for (key, action) in gathered {
        let first = row_start[action.first_row];
        let item = Spanned::new(first..first + 1, action.spec);
        let here = super::import::origin(&item, format!("row {} ('{key}')", action.first_row));
        let id = generator.action(
            &item,
            &here,
            "",
            domain::StrategyId(strategy),
            &groups,
            &goals,
            &areas,
            Some(&current),
            &mut follow_ups,
        )?;
        // A sheet gives the status as of its `Status per` date (the import
        // day when it gives none): recorded when status, note or date
        // differ from the log's latest.
        if let Some(sheet) = action.status {
            let known = current
                .actions
                .iter()
                .find(|a| a.id == id.0)
                .map(|a| &a.status);
            let on = sheet.on.unwrap_or(today);
            let same = match known {
                // Without a note column, the sheet says nothing of the note.
                Some(known) => {
                    known.value.status == sheet.status
                        && (status_note_col.is_none() || known.value.note == sheet.note)
                        && (sheet.on.is_none() || known.effective_at == on)
                }
                None => sheet.status == "PLANNED" && sheet.note.is_none() && sheet.on.is_none(),
            };
            if !same {
                let status = domain::ActionStatus::parse(sheet.status)
                    .expect("the sheet's statuses are the domain's");
                let row = sheet.row;
                let at = super::import::origin(
                    &Spanned::new(row_start[row]..row_start[row] + 1, ()),
                    format!("row {row} ('{key}')"),
                );
                let note = match sheet.note {
                    None => None,
                    Some(note) => Some(
                        domain::Text::prose("note", &note)
                            .map_err(|e| sheet_error(file, row, "Statusnotat", e.to_string()))?,
                    ),
                };
                follow_ups.push((at, on, CommandBody::ChangeActionStatus { id, status, note }));
            }
        }
    }
    for (at, date, body) in follow_ups {
        generator.push(&at, date, body);
    }
    let planned = std::mem::take(&mut generator.out);
    submit_planned(store, file, &text, planned).map_err(|error| match error {
        PlanError::Invalid {
            file,
            line,
            path,
            message,
        } => {
            let column = path.rsplit_once(".budget[").and_then(|(item, rest)| {
                let key = item.split_once("('")?.1.strip_suffix("')")?;
                let index: usize = rest.strip_suffix(']')?.parse().ok()?;
                budget_columns
                    .get(key)?
                    .get(index)
                    .map(|c| format!("column '{c}'"))
            });
            PlanError::Invalid {
                file,
                line,
                path: column.unwrap_or(path),
                message,
            }
        }
        other => other,
    })
}
