// The shapes of the answers the page asks for (see schema.graphql), only
// the fields it selects.

export const GOAL_STATUSES = [
  'NOT_STARTED',
  'IN_PROGRESS',
  'PARTIALLY_ACHIEVED',
  'ACHIEVED',
  'NOT_ACHIEVED',
  'DROPPED',
] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const ACTION_STATUSES = ['PLANNED', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'CANCELLED'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const BENEFIT_STATUSES = ['IDENTIFIED', 'PLANNED', 'REALISING', 'REALISED', 'NOT_REALISED'] as const;
export type BenefitStatus = (typeof BENEFIT_STATUSES)[number];

export const STAKEHOLDERS = ['CITIZENS', 'EMPLOYEES', 'RELATIVES', 'ORGANISATION', 'OTHER_ACTORS'] as const;
export type Stakeholder = (typeof STAKEHOLDERS)[number];

export const BUDGET_CATEGORIES = [
  'PROJECT_MANAGEMENT',
  'PURCHASED_SERVICES',
  'INVESTMENT',
  'OPERATIONS',
  'INTERNAL_RESOURCES',
  'TRAINING',
  'OTHER',
] as const;
export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];

export interface Period {
  start: number;
  end: number;
}

export interface StatusCount {
  status: GoalStatus;
  count: number;
}

export interface Attainment {
  goals: number;
  score: number | null;
  counts: StatusCount[];
}

export interface ComputedAt {
  position: number;
  hash: string | null;
  validAt: string;
  asOf: string | null;
}

export interface Assessment {
  status: GoalStatus;
  justification: string;
  effectiveAt: string;
  recordedAt: string;
  /** Null when the reader may not see who recorded it. */
  actor: string | null;
  reason: string | null;
  position: number;
}

export interface Measurement {
  value: number;
  on: string;
  comment: string | null;
}

export interface Target {
  due: string;
  value: number;
  setOn: string;
}

export interface Indicator {
  id: string;
  /** Its version at the answer's log position: what a change sends as `expectedVersion`. */
  version: number;
  name: string;
  unit: string;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER' | null;
  stale: boolean;
  baseline: Measurement | null;
  targets: Target[];
  measurements: Measurement[];
}

export interface StatusChange {
  status: string;
  note: string | null;
  effectiveAt: string;
  recordedAt: string;
  actor: string | null;
}

export interface BudgetTotal {
  year: number;
  planned: number;
  actual: number;
}

export interface BudgetLine {
  year: number;
  category: BudgetCategory;
  planned: number;
  actual: number | null;
  effectiveAt: string;
}

export interface Benefit {
  id: string;
  /** Its version at the answer's log position: what a change sends as `expectedVersion`. */
  version: number;
  actionId: string | null;
  stakeholder: Stakeholder | null;
  category: 'EFFICIENCY' | 'QUALITY' | 'OTHER_ACTORS' | null;
  title: string;
  description: string | null;
  priced: boolean;
  disbenefit: boolean;
  unexpected: boolean;
  responsible: string | null;
  due: string | null;
  status: BenefitStatus | null;
  realisation: StatusChange[];
  indicators: Indicator[];
}

export interface Action {
  id: string;
  /** Its version at the answer's log position: what a change sends as `expectedVersion`. */
  version: number;
  kind: 'MAIN_PROJECT' | 'SUB_PROJECT' | 'PROGRAMME' | 'MEASURE' | null;
  title: string;
  description: string | null;
  owner: { id: string; name: string } | null;
  focusAreaId: string | null;
  period: Period;
  decommissioning: boolean;
  status: ActionStatus | null;
  statusNote: string | null;
  statusSince: string;
  statusHistory: StatusChange[];
  goals: { id: string; number: string }[];
  budgetLines: BudgetLine[];
  budgetTotals: BudgetTotal[];
  benefits: Benefit[];
}

export interface GoalSummary {
  id: string;
  number: string;
  wording: string;
  status: GoalStatus;
  assessment: Assessment | null;
  retiredOn: string | null;
}

export interface Goal extends GoalSummary {
  /** Its version at the answer's log position: what a change sends as `expectedVersion`. */
  version: number;
  focusAreaNumber: number;
  assessments: Assessment[];
  carriedOverFrom: string | null;
  replacedBy: string[];
  indicators: Indicator[];
  actions: { id: string; title: string; status: ActionStatus | null }[];
}

export interface FocusAreaSummary {
  id: string;
  number: number;
  title: string;
  attainment: Attainment;
}

export interface FocusArea extends FocusAreaSummary {
  description: string | null;
  goals: (GoalSummary & { indicators: Indicator[] })[];
  actions: Action[];
  budgetTotals: BudgetTotal[];
}

export interface StrategyHeader {
  id: string;
  title: string;
  period: Period;
  vision: string | null;
  status: 'DRAFT' | 'ADOPTED' | 'CLOSED' | null;
  adoptedBy: string | null;
  adoptedOn: string | null;
  organization: { id: string; name: string; planFileUrl: string } | null;
  predecessor: { id: string; title: string } | null;
  computedAt: ComputedAt;
}

export interface LogEvent {
  position: number;
  streamVersion: number;
  eventType: string;
  payload: Record<string, unknown>;
  recordedAt: string;
  effectiveAt: string;
  actor: string | null;
  reason: string | null;
  hash: string;
}

export interface Viewer {
  signedIn: boolean;
  name: string | null;
  role: 'READER' | 'EDITOR' | 'AUDITOR' | 'ADMIN' | null;
  organizations: string[];
  seesActors: boolean;
}
