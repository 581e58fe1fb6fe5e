//! Goal attainment (måloppnåelse) of a set of goals: a count per status and
//! a score where ACHIEVED = 1, PARTIALLY_ACHIEVED = 0.5, every other status
//! 0, and DROPPED goals left out of the denominator.

use std::collections::BTreeMap;

use crate::domain::GoalStatus;

use super::GoalView;

#[derive(Clone, Debug, PartialEq)]
pub struct Attainment {
    /// Goals counted: every goal in force at the moment, retired ones left out.
    pub goals: u32,
    /// Goals per status; a goal never assessed counts as NOT_STARTED.
    pub counts: BTreeMap<GoalStatus, u32>,
    /// Between 0 and 1; `None` when no goal is in the denominator.
    pub score: Option<f64>,
}

/// Attainment of the goals in force (not retired) among `goals`.
pub fn attainment_of<'a>(goals: impl IntoIterator<Item = &'a GoalView>) -> Attainment {
    let mut counts: BTreeMap<GoalStatus, u32> = GoalStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let (mut sum, mut denominator, mut total) = (0.0, 0u32, 0u32);
    for goal in goals.into_iter().filter(|g| g.retired.is_none()) {
        let status = goal
            .assessment()
            .and_then(|a| GoalStatus::parse(&a.value.status).ok())
            .unwrap_or(GoalStatus::NotStarted);
        *counts.entry(status).or_default() += 1;
        total += 1;
        if let Some(points) = status.score() {
            sum += points;
            denominator += 1;
        }
    }
    Attainment {
        goals: total,
        counts,
        score: (denominator > 0).then(|| sum / f64::from(denominator)),
    }
}
