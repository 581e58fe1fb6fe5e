//! The annual report as one self-contained HTML page: styles inline, charts
//! as SVG, nothing loaded from anywhere. Every chart has a text equivalent
//! (a title, and the same numbers in a table next to it), and statuses are
//! told apart by pattern and label, not by colour alone.

use std::fmt::Write;

use crate::domain::GoalStatus;

use super::*;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Fill of a status: a colour and, for the statuses that are not reached,
/// a hatching, so that print in grey and colour-blind readers keep them apart.
fn fill(status: GoalStatus) -> &'static str {
    match status {
        GoalStatus::Achieved => "#1b7837",
        GoalStatus::PartiallyAchieved => "url(#p-partial)",
        GoalStatus::InProgress => "url(#p-progress)",
        GoalStatus::NotStarted => "#d9d9d9",
        GoalStatus::NotAchieved => "url(#p-not)",
        GoalStatus::Dropped => "#ffffff",
    }
}

const PATTERNS: &str = r##"<defs>
<pattern id="p-partial" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#7fbf7b"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1b7837" stroke-width="2"/></pattern>
<pattern id="p-progress" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fee08b"/><circle cx="3" cy="3" r="1.2" fill="#8c6d00"/></pattern>
<pattern id="p-not" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#f4a582"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b2182b" stroke-width="2"/></pattern>
</defs>"##;

/// A stacked bar of goals per status, with a legend of swatches, counts and
/// names below it (three to a row, so narrow parts keep legible labels).
fn status_bar(attainment: &Attainment, label: &str) -> String {
    let total: u32 = attainment.counts.values().sum();
    let shown: Vec<(GoalStatus, u32)> = STATUS_ORDER
        .iter()
        .map(|s| (*s, attainment.counts.get(s).copied().unwrap_or(0)))
        .filter(|(_, count)| *count > 0)
        .collect();
    let width = 480.0;
    let rows = shown.len().div_ceil(3).max(1);
    let height = 40 + 18 * rows;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>{PATTERNS}",
        esc(label),
        esc(label)
    );
    let mut x = 0.0;
    for (status, count) in &shown {
        let w = width * f64::from(*count) / f64::from(total.max(1));
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"4\" width=\"{w:.1}\" height=\"28\" fill=\"{}\" stroke=\"#333\"/>",
            fill(*status)
        );
        x += w;
    }
    for (i, (status, count)) in shown.iter().enumerate() {
        let (lx, ly) = (160.0 * (i % 3) as f64, 40.0 + 18.0 * (i / 3) as f64);
        let _ = write!(
            svg,
            "<rect x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#333\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{} {}</text>",
            fill(*status),
            lx + 16.0,
            ly + 10.0,
            count,
            esc(goal_status_label(status.as_str()))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Bars of attainment scores, one per label.
fn score_bars(bars: &[(String, Option<f64>)], label: &str) -> String {
    let height = 24.0 * bars.len() as f64 + 8.0;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 480 {height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
    for (i, (name, score)) in bars.iter().enumerate() {
        let y = 4.0 + 24.0 * i as f64;
        let w = 300.0 * score.unwrap_or(0.0);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"12\">{}</text><rect x=\"150\" y=\"{y:.1}\" width=\"300\" height=\"18\" fill=\"#f0f0f0\" stroke=\"#999\"/><rect x=\"150\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"#2166ac\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            y + 14.0,
            esc(name),
            155.0 + w,
            y + 14.0,
            esc(&percent(*score))
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn to_html(report: &AnnualReport) -> String {
    let s = &report.strategy;
    let organization = report
        .organization
        .as_ref()
        .map(|o| o.name.as_str())
        .unwrap_or("");
    let per = date(year_end(report.year));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Statusrapport {} – {}</title>\n<style>\nbody{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1a1a1a}}\ntable{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}}td.n{{text-align:right;white-space:nowrap}}caption{{text-align:left;font-weight:600}}\n.chart{{width:100%;max-width:36rem;height:auto;display:block;margin:.5rem 0}}blockquote{{border-left:4px solid #2166ac;margin:1rem 0;padding:.2rem 1rem}}footer{{margin-top:2rem;font-size:.85rem;color:#444}}\n</style>\n</head>\n<body>\n<main>\n",
        report.year,
        esc(&s.title)
    );
    let _ = writeln!(
        out,
        "<h1>Statusrapport {} – {}</h1>",
        report.year,
        esc(&s.title)
    );
    let _ = writeln!(
        out,
        "<p>{}. Strategiperiode {}–{}. Status per {per}.</p>",
        esc(organization),
        s.period.0,
        s.period.1
    );
    if let Some(vision) = &s.vision {
        let _ = writeln!(out, "<blockquote>{}</blockquote>", esc(vision));
    }

    let now = AnnualReport::attainment(s);
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"maal\"><h2 id=\"maal\">Måloppnåelse</h2>"
    );
    let mut bars: Vec<(String, Option<f64>)> = report
        .series
        .iter()
        .map(|(y, a)| (format!("31.12.{y}"), a.score))
        .collect();
    if let Some(previous) = &report.predecessor {
        bars.push((
            format!(
                "Forrige strategi ({}–{})",
                previous.period.0, previous.period.1
            ),
            AnnualReport::attainment(previous).score,
        ));
    }
    out.push_str(&score_bars(
        &bars,
        "Måloppnåelse per årsslutt i perioden, og forrige strategi ved periodens slutt",
    ));
    let _ = writeln!(
        out,
        "<table><caption>Måloppnåelse per årsslutt</caption><thead><tr><th scope=\"col\">Per</th><th scope=\"col\">Måloppnåelse</th></tr></thead><tbody>"
    );
    for (name, score) in &bars {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(name),
            percent(*score)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    out.push_str(&status_bar(&now, &format!("Mål per status per {per}")));
    let _ = writeln!(out, "</section>");

    for area in &s.areas {
        let id = format!("omraade-{}", area.number);
        let _ = writeln!(
            out,
            "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}. {}</h2>",
            area.number,
            esc(&area.title)
        );
        let this = read::attainment_of(area.goals.iter());
        let before = AnnualReport::area_attainment(report.previous_year.as_ref(), area.id);
        out.push_str(&score_bars(
            &[
                (
                    format!("31.12.{}", report.year - 1),
                    before.and_then(|b| b.score),
                ),
                (format!("31.12.{}", report.year), this.score),
            ],
            &format!("Måloppnåelse i {} mot året før", area.title),
        ));
        out.push_str(&status_bar(
            &this,
            &format!("Mål i {} per status per {per}", area.title),
        ));
        if !area.goals.is_empty() {
            let _ = writeln!(
                out,
                "<table><caption>Mål og status per {per}</caption><thead><tr><th scope=\"col\">Nr.</th><th scope=\"col\">Mål</th><th scope=\"col\">Status</th><th scope=\"col\">Begrunnelse</th><th scope=\"col\">Vurdert</th></tr></thead><tbody>"
            );
            for goal in area.goals.iter().filter(|g| g.retired.is_none()) {
                let (status, why, when) = match goal.assessment() {
                    Some(a) => (
                        a.value.status.as_str(),
                        a.value.justification.as_str(),
                        date(a.effective_at),
                    ),
                    None => ("NOT_STARTED", "", String::new()),
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&goal.number),
                    esc(&goal.wording),
                    goal_status_label(status),
                    esc(why),
                    when
                );
            }
            let _ = writeln!(out, "</tbody></table>");
        }
        let actions = report.action_lines(area.id);
        if !actions.is_empty() {
            let _ = writeln!(
                out,
                "<table><caption>Tiltak og budsjett {}</caption><thead><tr><th scope=\"col\">Tiltak</th><th scope=\"col\">Status</th><th scope=\"col\">Budsjett</th><th scope=\"col\">Regnskap</th></tr></thead><tbody>",
                report.year
            );
            for action in actions {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    esc(action.title),
                    action.status,
                    kroner(action.planned),
                    action.actual.map(kroner).unwrap_or_else(|| "–".to_owned())
                );
            }
            let _ = writeln!(out, "</tbody></table>");
        }
        let _ = writeln!(out, "</section>");
    }

    if !s.benefits.is_empty() {
        let _ = writeln!(
            out,
            "<section aria-labelledby=\"gevinster\"><h2 id=\"gevinster\">Gevinster per interessent</h2>"
        );
        for (stakeholder, benefits) in report.benefits_by_stakeholder() {
            let _ = writeln!(out, "<h3>{stakeholder}</h3><ul>");
            for (title, status) in benefits {
                let _ = writeln!(out, "<li>{} ({status})</li>", esc(title));
            }
            let _ = writeln!(out, "</ul>");
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(
        out,
        "</main>\n<footer>Beregnet fra hendelsesloggen ved posisjon {} (kjedehash <code>{}</code>).</footer>\n</body>\n</html>",
        report.position,
        report.hash.as_deref().unwrap_or("–")
    );
    out
}
