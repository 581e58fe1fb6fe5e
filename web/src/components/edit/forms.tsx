// The changes an editor can make from the page: record an assessment of a
// goal, change an action's status, set a budget line, record a
// measurement of an indicator, record where a benefit's realisation stands.
// Each form names its inputs after the mutation's input fields, which is
// how a server error finds its field.

import { useState } from 'preact/hooks';
import { gql } from '../../api/client';
import {
  ASSESS_GOAL,
  CHANGE_ACTION_STATUS,
  RECORD_BENEFIT_REALISATION,
  RECORD_MEASUREMENT,
  SET_BUDGET_LINE,
  type Receipt,
} from '../../api/queries';
import {
  ACTION_STATUSES,
  BENEFIT_STATUSES,
  BUDGET_CATEGORIES,
  GOAL_STATUSES,
  type ActionStatus,
  type BenefitStatus,
  type BudgetCategory,
  type GoalStatus,
  type Period,
} from '../../api/types';
import { todayInOslo } from '../../format';
import { useApp } from '../../hooks';
import { useT } from '../../i18n';
import { EditDisclosure, Field, useEditForm } from './EditForm';

/** The date a change takes effect by default: the page's valid-at date, or today. */
function useDefaultDate(): string {
  const { route } = useApp();
  return route.validAt ?? todayInOslo();
}

/** An optional text: empty means absent. */
function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** A number typed the Norwegian way ("1 250 000", "12,5"); undefined when it is not one. */
export function parseNumber(value: string): number | undefined {
  const clean = value.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.').replace('\u2212', '-');
  if (!/^-?\d+(\.\d+)?$/.test(clean)) return undefined;
  return Number(clean);
}

async function mutate(query: string, name: string, input: object): Promise<Receipt> {
  const { data } = await gql<Record<string, { receipt: Receipt }>>(query, { input });
  return data[name].receipt;
}

function ReasonField({ form, value, onInput }: { form: ReturnType<typeof useEditForm>; value: string; onInput: (v: string) => void }) {
  const t = useT();
  return (
    <Field form={form} name="reason" label={t('edit.reason')} help={t('edit.reasonHelp')}>
      {(attrs) => <input {...attrs} type="text" value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />}
    </Field>
  );
}

function DateField(props: { form: ReturnType<typeof useEditForm>; label: string; value: string; onInput: (v: string) => void }) {
  return (
    <Field form={props.form} name="effectiveAt" label={props.label}>
      {(attrs) => (
        <input
          {...attrs}
          type="date"
          required
          value={props.value}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

const ASSESS_FIELDS = ['status', 'justification', 'effectiveAt', 'reason'] as const;

export function AssessGoalForm({ goalId, version, current }: { goalId: string; version: number; current: GoalStatus }) {
  const t = useT();
  const form = useEditForm(version, ASSESS_FIELDS);
  const [status, setStatus] = useState<GoalStatus>(current);
  const [justification, setJustification] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(useDefaultDate());
  const [reason, setReason] = useState('');
  const onSubmit = () =>
    form.submit(
      {
        id: goalId,
        status,
        justification,
        effectiveAt: effectiveAt || undefined,
        reason: optional(reason),
      },
      (input) => mutate(ASSESS_GOAL, 'assessGoal', input),
    );
  return (
    <EditDisclosure form={form} summary={t('edit.assess')} submitLabel={t('edit.assessSubmit')} onSubmit={onSubmit}>
      <Field form={form} name="status" label={t('edit.status')}>
        {(attrs) => (
          <select {...attrs} value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as GoalStatus)}>
            {GOAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`goalStatus.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="justification" label={t('edit.justification')}>
        {(attrs) => (
          <textarea
            {...attrs}
            rows={3}
            required
            value={justification}
            onInput={(e) => setJustification((e.target as HTMLTextAreaElement).value)}
          />
        )}
      </Field>
      <DateField form={form} label={t('edit.validFrom')} value={effectiveAt} onInput={setEffectiveAt} />
      <ReasonField form={form} value={reason} onInput={setReason} />
    </EditDisclosure>
  );
}

const STATUS_CHANGE_FIELDS = ['status', 'note', 'effectiveAt', 'reason'] as const;

/** What sets one status-with-a-note form apart from another. */
interface StatusChange<S extends string> {
  statuses: readonly S[];
  /** The message key prefix of the status names, e.g. `actionStatus`. */
  labels: string;
  query: string;
  mutation: string;
  summary: string;
  submitLabel: string;
}

/** A new status with a note, from a date: an action's status or a benefit's realisation. */
function StatusChangeForm<S extends string>({
  id,
  version,
  current,
  kind,
}: {
  id: string;
  version: number;
  current: S;
  kind: StatusChange<S>;
}) {
  const t = useT();
  const form = useEditForm(version, STATUS_CHANGE_FIELDS);
  const [status, setStatus] = useState<S>(current);
  const [note, setNote] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(useDefaultDate());
  const [reason, setReason] = useState('');
  const onSubmit = () =>
    form.submit(
      {
        id,
        status,
        note: optional(note),
        effectiveAt: effectiveAt || undefined,
        reason: optional(reason),
      },
      (input) => mutate(kind.query, kind.mutation, input),
    );
  return (
    <EditDisclosure form={form} summary={t(kind.summary)} submitLabel={t(kind.submitLabel)} onSubmit={onSubmit}>
      <Field form={form} name="status" label={t('edit.status')}>
        {(attrs) => (
          <select {...attrs} value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as S)}>
            {kind.statuses.map((s) => (
              <option key={s} value={s}>
                {t(`${kind.labels}.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="note" label={t('edit.note')}>
        {(attrs) => <input {...attrs} type="text" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />}
      </Field>
      <DateField form={form} label={t('edit.validFrom')} value={effectiveAt} onInput={setEffectiveAt} />
      <ReasonField form={form} value={reason} onInput={setReason} />
    </EditDisclosure>
  );
}

const ACTION_STATUS: StatusChange<ActionStatus> = {
  statuses: ACTION_STATUSES,
  labels: 'actionStatus',
  query: CHANGE_ACTION_STATUS,
  mutation: 'changeActionStatus',
  summary: 'edit.actionStatus',
  submitLabel: 'edit.actionStatusSubmit',
};

export function ActionStatusForm({ actionId, version, current }: { actionId: string; version: number; current: ActionStatus | null }) {
  return <StatusChangeForm id={actionId} version={version} current={current ?? 'PLANNED'} kind={ACTION_STATUS} />;
}

const BUDGET_FIELDS = ['year', 'category', 'planned', 'actual', 'effectiveAt', 'reason'] as const;

export function BudgetLineForm({ actionId, version, period }: { actionId: string; version: number; period: Period }) {
  const t = useT();
  const form = useEditForm(version, BUDGET_FIELDS);
  const [year, setYear] = useState(String(period.start));
  const [category, setCategory] = useState<BudgetCategory>('PROJECT_MANAGEMENT');
  const [planned, setPlanned] = useState('');
  const [actual, setActual] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(useDefaultDate());
  const [reason, setReason] = useState('');
  const onSubmit = () => {
    // Whole kroner, as the API wants them. Whether an amount is allowed
    // (not negative, a year inside the action's period …) is the server's
    // to say; here only that it is a number at all.
    const plannedKr = parseNumber(planned);
    const actualKr = actual.trim() ? parseNumber(actual) : undefined;
    if (!/^-?\d+$/.test(year.trim())) return form.reject('year', 'error.notNumber');
    if (plannedKr === undefined) return form.reject('planned', 'error.notNumber');
    if (actual.trim() && actualKr === undefined) return form.reject('actual', 'error.notNumber');
    return form.submit(
      {
        id: actionId,
        year: Number(year),
        category,
        planned: Math.round(plannedKr),
        actual: actualKr === undefined ? undefined : Math.round(actualKr),
        effectiveAt: effectiveAt || undefined,
        reason: optional(reason),
      },
      (input) => mutate(SET_BUDGET_LINE, 'setBudgetLine', input),
    );
  };
  return (
    <EditDisclosure form={form} summary={t('edit.budget')} submitLabel={t('edit.budgetSubmit')} onSubmit={onSubmit}>
      <Field form={form} name="year" label={t('edit.year')}>
        {(attrs) => (
          <input {...attrs} type="number" inputMode="numeric" required value={year} onInput={(e) => setYear((e.target as HTMLInputElement).value)} />
        )}
      </Field>
      <Field form={form} name="category" label={t('edit.category')}>
        {(attrs) => (
          <select {...attrs} value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as BudgetCategory)}>
            {BUDGET_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`budgetCategory.${c}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field form={form} name="planned" label={t('edit.planned')} help={t('edit.kronerHelp')}>
        {(attrs) => (
          <input {...attrs} type="text" inputMode="numeric" required value={planned} onInput={(e) => setPlanned((e.target as HTMLInputElement).value)} />
        )}
      </Field>
      <Field form={form} name="actual" label={t('edit.actual')} help={t('edit.kronerHelp')}>
        {(attrs) => (
          <input {...attrs} type="text" inputMode="numeric" value={actual} onInput={(e) => setActual((e.target as HTMLInputElement).value)} />
        )}
      </Field>
      <DateField form={form} label={t('edit.validFrom')} value={effectiveAt} onInput={setEffectiveAt} />
      <ReasonField form={form} value={reason} onInput={setReason} />
    </EditDisclosure>
  );
}

const MEASUREMENT_FIELDS = ['value', 'comment', 'effectiveAt', 'reason'] as const;

export function MeasurementForm({ indicatorId, version, unit }: { indicatorId: string; version: number; unit: string }) {
  const t = useT();
  const form = useEditForm(version, MEASUREMENT_FIELDS);
  const [value, setValue] = useState('');
  const [comment, setComment] = useState('');
  const [effectiveAt, setEffectiveAt] = useState(useDefaultDate());
  const [reason, setReason] = useState('');
  const onSubmit = () => {
    const number = parseNumber(value);
    if (number === undefined) return form.reject('value', 'error.notNumber');
    return form.submit(
      {
        id: indicatorId,
        value: number,
        comment: optional(comment),
        effectiveAt: effectiveAt || undefined,
        reason: optional(reason),
      },
      (input) => mutate(RECORD_MEASUREMENT, 'recordMeasurement', input),
    );
  };
  return (
    <EditDisclosure form={form} summary={t('edit.measurement')} submitLabel={t('edit.measurementSubmit')} onSubmit={onSubmit}>
      <Field form={form} name="value" label={t('edit.value', { unit })}>
        {(attrs) => (
          <input {...attrs} type="text" inputMode="decimal" required value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        )}
      </Field>
      <Field form={form} name="comment" label={t('edit.comment')}>
        {(attrs) => <input {...attrs} type="text" value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />}
      </Field>
      <DateField form={form} label={t('edit.measuredOn')} value={effectiveAt} onInput={setEffectiveAt} />
      <ReasonField form={form} value={reason} onInput={setReason} />
    </EditDisclosure>
  );
}

const BENEFIT_REALISATION: StatusChange<BenefitStatus> = {
  statuses: BENEFIT_STATUSES,
  labels: 'benefitStatus',
  query: RECORD_BENEFIT_REALISATION,
  mutation: 'recordBenefitRealisation',
  summary: 'edit.realisation',
  submitLabel: 'edit.realisationSubmit',
};

export function BenefitRealisationForm({ benefitId, version, current }: { benefitId: string; version: number; current: BenefitStatus | null }) {
  return <StatusChangeForm id={benefitId} version={version} current={current ?? 'IDENTIFIED'} kind={BENEFIT_REALISATION} />;
}
