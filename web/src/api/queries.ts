// The queries and mutations the page sends. Each view asks for what it shows
// in one request, at the view's moment ($validAt, $asOf).

const ATTAINMENT = 'goals score counts { status count }';

const STRATEGY_HEADER = `
  id title period { start end } vision status adoptedBy adoptedOn
  organization { id name planFileUrl }
  predecessor { id title }
  computedAt { position hash validAt asOf }`;

const ASSESSMENT = 'status justification effectiveAt recordedAt actor reason position';

// What the editing forms change (indicators, benefits, actions, goals)
// comes with its `version` at the answer's position: a form sends it as
// `expectedVersion`, so a change made since is not overwritten unseen.
const INDICATOR = `
  id version name unit direction stale
  baseline { value on comment }
  targets { due value setOn }
  measurements { value on comment }`;

const STATUS_CHANGE = 'status note effectiveAt recordedAt actor';

const BENEFIT = `
  id version actionId stakeholder category title description priced disbenefit unexpected
  responsible due status
  realisation { ${STATUS_CHANGE} }
  indicators { ${INDICATOR} }`;

const ACTION = `
  id version kind title description owner { id name } focusAreaId period { start end }
  decommissioning status statusNote statusSince
  statusHistory { ${STATUS_CHANGE} }
  goals { id number }
  budgetLines { year category planned actual effectiveAt }
  budgetTotals { year planned actual }
  benefits { ${BENEFIT} }`;

export const ORGANIZATIONS = `query Organizations($validAt: Date, $asOf: DateTime) {
  organizations(validAt: $validAt, asOf: $asOf) {
    nodes { id name since strategies { id } }
  }
}`;

export const ORGANIZATION = `query Organization($id: UUID!, $validAt: Date, $asOf: DateTime) {
  organization(id: $id, validAt: $validAt, asOf: $asOf) {
    id name since planFileUrl
    members { kommunenummer name }
    strategies { id title period { start end } status adoptedBy adoptedOn predecessor { id title } attainment { ${ATTAINMENT} } }
    computedAt { position hash validAt asOf }
  }
}`;

export const OVERVIEW = `query Overview($id: UUID!, $validAt: Date, $asOf: DateTime, $previousYearEnd: Date!) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${STRATEGY_HEADER}
    attainment { ${ATTAINMENT} }
    focusAreas { id number title attainment { ${ATTAINMENT} } }
  }
  previous: strategy(id: $id, validAt: $previousYearEnd, asOf: $asOf) {
    attainment { ${ATTAINMENT} }
    focusAreas { id attainment { ${ATTAINMENT} } }
  }
}`;

export const AREA = `query Area($id: UUID!, $validAt: Date, $asOf: DateTime) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${STRATEGY_HEADER}
    focusAreas {
      id number title description
      attainment { ${ATTAINMENT} }
      goals { id number wording status retiredOn assessment { ${ASSESSMENT} } indicators { ${INDICATOR} } }
      actions { ${ACTION} }
      budgetTotals { year planned actual }
    }
  }
}`;

export const GOAL = `query Goal($id: UUID!, $validAt: Date, $asOf: DateTime) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${STRATEGY_HEADER}
    focusAreas {
      id number title
      goals(includeRetired: true) {
        id version number wording status retiredOn focusAreaNumber carriedOverFrom replacedBy
        assessment { ${ASSESSMENT} }
        assessments { ${ASSESSMENT} }
        indicators { ${INDICATOR} }
        actions { id title status }
      }
    }
  }
}`;

export const HISTORY = `query History($entity: UUID!, $after: String) {
  history(entityId: $entity, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { position streamVersion eventType payload recordedAt effectiveAt actor reason hash }
  }
}`;

export const ATTAINMENT_OVER_TIME = `query AttainmentOverTime($id: UUID!, $validAt: Date, $asOf: DateTime) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${STRATEGY_HEADER}
    attainment { ${ATTAINMENT} }
    attainmentByYear {
      year validAt
      attainment { ${ATTAINMENT} }
      areas { focusAreaId number title attainment { ${ATTAINMENT} } }
    }
    predecessorComparison {
      validAt
      predecessor { id title period { start end } }
      attainment { ${ATTAINMENT} }
      carriedOver {
        goal { id number wording status }
        previous { id number wording status }
      }
    }
  }
}`;

export const ACTIONS = `query Actions($id: UUID!, $validAt: Date, $asOf: DateTime) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${STRATEGY_HEADER}
    focusAreas { id number title }
    actions { ${ACTION} }
    benefits { ${BENEFIT} }
    budgetTotals { year planned actual }
  }
}`;

/** Download links of a strategy's annual reports, one per year of its period. */
export function reportLinks(years: number[]): string {
  const fields = years
    .map((y) => `html${y}: reportUrl(year: ${y}) md${y}: reportUrl(year: ${y}, format: MARKDOWN)`)
    .join('\n    ');
  return `query Reports($id: UUID!, $validAt: Date, $asOf: DateTime) {
  strategy(id: $id, validAt: $validAt, asOf: $asOf) {
    ${fields}
  }
}`;
}

export const VIEWER = `query Viewer {
  viewer { signedIn name role organizations seesActors }
}`;

export const CAN_EDIT = `query CanEdit($organization: UUID!) {
  viewer { canEdit(organization: $organization) }
}`;

const RECEIPT = 'receipt { position streamVersion recordedAt duplicate }';

export const ASSESS_GOAL = `mutation AssessGoal($input: AssessGoalInput!) {
  assessGoal(input: $input) { ${RECEIPT} }
}`;

export const CHANGE_ACTION_STATUS = `mutation ChangeActionStatus($input: ChangeActionStatusInput!) {
  changeActionStatus(input: $input) { ${RECEIPT} }
}`;

export const SET_BUDGET_LINE = `mutation SetBudgetLine($input: SetBudgetLineInput!) {
  setBudgetLine(input: $input) { ${RECEIPT} }
}`;

export const RECORD_MEASUREMENT = `mutation RecordMeasurement($input: RecordMeasurementInput!) {
  recordMeasurement(input: $input) { ${RECEIPT} }
}`;

export const RECORD_BENEFIT_REALISATION = `mutation RecordBenefitRealisation($input: RecordBenefitRealisationInput!) {
  recordBenefitRealisation(input: $input) { ${RECEIPT} }
}`;

export interface Receipt {
  position: number;
  streamVersion: number;
  recordedAt: string;
  duplicate: boolean;
}

/** What changed in a strategy between the page's as-of instant and now, with names to show for the entities. */
export const CHANGES_SINCE = `query ChangesSince($id: UUID!, $from: DateTime!, $to: DateTime!, $validAt: NaiveDate) {
  diff(strategyId: $id, from: $from, to: $to, validAt: $validAt) {
    entityId entityKind field before after effectiveAt position recordedAt actor reason
  }
  strategy(id: $id) {
    title
    focusAreas { id number title }
    goals { id number }
    actions { id title }
    benefits { id title indicators { id name } }
  }
}`;
