//! A strategy as spreadsheet tables at a moment: goals with status, actions
//! with budget per year (in the layout `import_sheet` reads, so an exported
//! action plan imports again unchanged), and benefits. Written as `.csv`
//! (semicolons, UTF-8 with a byte-order mark, as Norwegian spreadsheets
//! expect) or as one `.xlsx` workbook with a sheet per table.

use std::collections::BTreeSet;

use crate::read::{self, StrategyView};

use super::{
    action_status_label, benefit_status_label, category_label, goal_status_label, stakeholder_label,
};

/// A table: a name (the sheet's), a header row and rows.
pub struct Table {
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "MAIN_PROJECT" => "Hovedprosjekt",
        "SUB_PROJECT" => "Delprosjekt",
        "PROGRAMME" => "Program",
        _ => "Tiltak",
    }
}

pub fn goals(view: &StrategyView) -> Table {
    let header = [
        "Satsingsområde",
        "Nr.",
        "Mål",
        "Status",
        "Begrunnelse",
        "Vurdert",
    ];
    let rows = view
        .areas
        .iter()
        .flat_map(|area| {
            area.goals
                .iter()
                .filter(|g| g.retired.is_none())
                .map(move |g| (area, g))
        })
        .map(|(area, goal)| {
            let assessment = goal.assessment();
            vec![
                area.number.to_string(),
                goal.number.clone(),
                goal.wording.clone(),
                goal_status_label(
                    assessment
                        .map(|a| a.value.status.as_str())
                        .unwrap_or("NOT_STARTED"),
                )
                .to_owned(),
                assessment
                    .map(|a| a.value.justification.clone())
                    .unwrap_or_default(),
                assessment
                    .map(|a| super::date(a.effective_at))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "Mål",
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// One row per action and cost category, a budget column per year.
pub fn actions(view: &StrategyView, organization: Option<&read::OrganizationView>) -> Table {
    let years: BTreeSet<i32> = view
        .actions
        .iter()
        .flat_map(|a| a.budget.iter().map(|b| b.year))
        .collect();
    let mut header: Vec<String> = [
        "Satsingsområde",
        "Tiltak",
        "Type",
        "Mål",
        "Ansvarlig",
        "Status",
        "Fra år",
        "Til år",
        "Sanering",
        "Beskrivelse",
        "Kategori",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(years.iter().map(|y| format!("Budsjett {y}")));
    let goal_numbers = |action: &read::ActionView| {
        let mut numbers: Vec<&str> = view
            .areas
            .iter()
            .flat_map(|a| a.goals.iter())
            .filter(|g| action.goals.contains(&g.id))
            .map(|g| g.number.as_str())
            .collect();
        numbers.sort_by_key(|n| {
            n.split('.')
                .filter_map(|p| p.parse::<u32>().ok())
                .collect::<Vec<_>>()
        });
        numbers.join(", ")
    };
    let mut rows = Vec::new();
    for action in &view.actions {
        let area = read::primary_area(view, action)
            .and_then(|id| view.areas.iter().find(|a| a.id == id))
            .map(|a| a.number.to_string())
            .unwrap_or_default();
        // One row per category, in the order categories first appear.
        let mut categories: Vec<&str> = Vec::new();
        for line in &action.budget {
            if !categories.contains(&line.category.as_str()) {
                categories.push(&line.category);
            }
        }
        if categories.is_empty() {
            categories.push("OTHER");
        }
        for category in categories {
            let mut row = vec![
                area.clone(),
                action.title.clone(),
                kind_label(&action.kind).to_owned(),
                goal_numbers(action),
                action
                    .owner
                    .and_then(|o| organization?.working_groups.iter().find(|g| g.id == o))
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                action_status_label(&action.status.value.status).to_owned(),
                action.period.0.to_string(),
                action.period.1.to_string(),
                if action.decommissioning { "ja" } else { "nei" }.to_owned(),
                action.description.clone().unwrap_or_default(),
                category_label(category).to_owned(),
            ];
            row.extend(years.iter().map(|year| {
                action
                    .budget
                    .iter()
                    .find(|b| b.year == *year && b.category == category)
                    .map(|b| b.planned.to_string())
                    .unwrap_or_default()
            }));
            rows.push(row);
        }
    }
    Table {
        name: "Tiltak",
        header,
        rows,
    }
}

pub fn benefits(view: &StrategyView) -> Table {
    let header = [
        "Interessent",
        "Gevinst",
        "Kategori",
        "Status",
        "Tiltak",
        "Gevinstansvarlig",
        "Frist",
    ];
    let rows = view
        .benefits
        .iter()
        .map(|b| {
            let action = b
                .action
                .and_then(|id| view.actions.iter().find(|a| a.id == id))
                .map(|a| a.title.clone())
                .unwrap_or_default();
            vec![
                stakeholder_label(&b.stakeholder).to_owned(),
                b.title.clone(),
                match b.category.as_str() {
                    "EFFICIENCY" => "Effektivisering",
                    "QUALITY" => "Kvalitet",
                    _ => "Gevinster for andre",
                }
                .to_owned(),
                benefit_status_label(
                    b.status()
                        .map(|s| s.value.status.as_str())
                        .unwrap_or("IDENTIFIED"),
                )
                .to_owned(),
                action,
                b.responsible.clone().unwrap_or_default(),
                b.due.map(super::date).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "Gevinster",
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// A table as CSV: semicolons, a byte-order mark so spreadsheets read UTF-8.
pub fn to_csv(table: &Table) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let _ = writer.write_record(&table.header);
    for row in &table.rows {
        let _ = writer.write_record(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// The tables as one workbook, a sheet each; whole numbers stored as numbers.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name)?;
        for (c, header) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, header, &bold)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell.parse::<i64>() {
                    Ok(number) if !cell.starts_with('0') || cell == "0" => {
                        sheet.write_number(r, c, number as f64)?
                    }
                    _ => sheet.write_string(r, c, cell)?,
                };
            }
        }
    }
    workbook.save_to_buffer()
}
