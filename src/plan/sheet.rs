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

fn kind(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "" | "tiltak" => "MEASURE",
        "hovedprosjekt" => "MAIN_PROJECT",
        "delprosjekt" => "SUB_PROJECT",
        "program" => "PROGRAMME",
        _ => return None,
    })
}

fn status(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "planlagt" => "PLANNED",
        "pågår" | "aktiv" => "ACTIVE",
        "satt på vent" | "på vent" => "ON_HOLD",
        "fullført" | "ferdig" => "COMPLETED",
        "avbrutt" => "CANCELLED",
        _ => return None,
    })
}

fn category(raw: &str) -> Option<&'static str> {
    Some(match raw.to_lowercase().as_str() {
        "" | "annet" => "OTHER",
        "prosjektledelse" | "prosjektledelse og prosesskostnader" => "PROJECT_MANAGEMENT",
        "kjøpte tjenester" => "PURCHASED_SERVICES",
        "investering" => "INVESTMENT",
        "drift" | "driftskostnader" => "OPERATIONS",
        "interne ressurser" | "frikjøp interne ressurser" => "INTERNAL_RESOURCES",
        "opplæring" | "kompetansetiltak" => "TRAINING",
        _ => return None,
    })
}

/// An action being gathered from its rows.
struct Gathered {
    first_row: usize,
    spec: ActionSpec,
    status: Option<(usize, &'static str)>,
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
        table
            .header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let required = |name: &str| {
        column(name).ok_or_else(|| sheet_error(file, 1, name, "the column is missing"))
    };
    let title_col = required("Tiltak")?;
    let area_col = required("Satsingsområde")?;
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
    let years: Vec<(usize, i64)> = table
        .header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some((i, h.strip_prefix("Budsjett ")?.trim().parse().ok()?)))
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
        let area: Option<i64> = match cell(Some(area_col)) {
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
                        "'{raw}' is not one of Planlagt, Pågår, Satt på vent, Fullført, Avbrutt"
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
                planned: PlanDate(today),
                status: Vec::new(),
                budget: Vec::new(),
            },
            status: None,
        });
        entry.spec.start_year = year(from_col, "Fra år")?;
        entry.spec.end_year = year(to_col, "Til år")?;
        if let Some(value) = status_value {
            entry.status = Some((number, value));
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
        // A sheet gives today's status: record it when it differs from the log's.
        if let Some((row, value)) = action.status {
            let known = current
                .actions
                .iter()
                .find(|a| a.id == id.0)
                .map(|a| a.status.value.status.as_str());
            if known.unwrap_or("PLANNED") != value {
                let status = domain::ActionStatus::parse(value)
                    .expect("the sheet's statuses are the domain's");
                let at = super::import::origin(
                    &Spanned::new(row_start[row]..row_start[row] + 1, ()),
                    format!("row {row} ('{key}')"),
                );
                follow_ups.push((
                    at,
                    today,
                    CommandBody::ChangeActionStatus {
                        id,
                        status,
                        note: None,
                    },
                ));
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
