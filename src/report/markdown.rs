//! The annual report in Markdown.

use std::fmt::Write;

use super::*;

/// Text for a table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

pub fn to_markdown(report: &AnnualReport) -> String {
    let s = &report.strategy;
    let mut out = String::new();
    let organization = report
        .organization
        .as_ref()
        .map(|o| o.name.as_str())
        .unwrap_or("");
    let _ = writeln!(out, "# Statusrapport {} – {}", report.year, s.title);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{organization}. Strategiperiode {}–{}. Status per {}.",
        s.period.0,
        s.period.1,
        date(year_end(report.year))
    );
    if let Some(vision) = &s.vision {
        let _ = writeln!(out, "\n> {vision}");
    }
    let now = AnnualReport::attainment(s);
    let _ = writeln!(out, "\n## Måloppnåelse\n");
    let _ = writeln!(out, "| År (per 31.12.) | Mål | Måloppnåelse |");
    let _ = writeln!(out, "|---|---:|---:|");
    for (year, attainment) in &report.series {
        let _ = writeln!(
            out,
            "| {year} | {} | {} |",
            attainment.goals,
            percent(attainment.score)
        );
    }
    if let Some(previous) = &report.predecessor {
        let then = AnnualReport::attainment(previous);
        let _ = writeln!(
            out,
            "\nForrige strategi, {} ({}–{}): {} ved periodens slutt; denne strategien: {} per {}.",
            previous.title,
            previous.period.0,
            previous.period.1,
            percent(then.score),
            percent(now.score),
            date(year_end(report.year))
        );
    }
    let _ = writeln!(out, "\n| Status | Antall mål |\n|---|---:|");
    for status in STATUS_ORDER {
        let _ = writeln!(
            out,
            "| {} | {} |",
            goal_status_label(status.as_str()),
            now.counts.get(&status).copied().unwrap_or(0)
        );
    }

    for area in &s.areas {
        let _ = writeln!(out, "\n## {}. {}\n", area.number, area.title);
        let this = read::attainment_of(area.goals.iter());
        let before = AnnualReport::area_attainment(report.previous_year.as_ref(), area.id);
        let _ = writeln!(
            out,
            "Måloppnåelse per {}: {} (per {}: {}).",
            date(year_end(report.year)),
            percent(this.score),
            date(year_end(report.year - 1)),
            before
                .map(|b| percent(b.score))
                .unwrap_or_else(|| "–".to_owned())
        );
        if !area.goals.is_empty() {
            let _ = writeln!(
                out,
                "\n| Nr. | Mål | Status | Begrunnelse | Vurdert |\n|---|---|---|---|---|"
            );
            for goal in area.goals.iter().filter(|g| g.retired.is_none()) {
                let (status, why, when) = match goal.assessment() {
                    Some(a) => (
                        a.value.status.as_str(),
                        cell(&a.value.justification),
                        date(a.effective_at),
                    ),
                    None => ("NOT_STARTED", String::new(), String::new()),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    goal.number,
                    cell(&goal.wording),
                    goal_status_label(status),
                    why,
                    when
                );
            }
        }
        let actions = report.action_lines(area.id);
        if !actions.is_empty() {
            let _ = writeln!(
                out,
                "\n| Tiltak | Status | Budsjett {} | Regnskap {} |\n|---|---|---:|---:|",
                report.year, report.year
            );
            for action in actions {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(action.title),
                    action.status,
                    kroner(action.planned),
                    action.actual.map(kroner).unwrap_or_else(|| "–".to_owned())
                );
            }
        }
    }

    if !s.benefits.is_empty() {
        let _ = writeln!(out, "\n## Gevinster per interessent\n");
        for (stakeholder, benefits) in report.benefits_by_stakeholder() {
            let _ = writeln!(out, "**{stakeholder}:**\n");
            for (title, status) in benefits {
                let _ = writeln!(out, "- {title} ({status})");
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(
        out,
        "\n---\nBeregnet fra hendelsesloggen ved posisjon {} (kjedehash {}).",
        report.position,
        report.hash.as_deref().unwrap_or("–")
    );
    out
}
