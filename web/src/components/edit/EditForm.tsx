// What every editing form shares: a disclosure that opens it, the version
// of the entity the reader saw when they opened it (sent as
// `expectedVersion`, so that a change made by someone else in the meantime
// is refused with CONFLICT rather than silently overwritten), one command
// id per change (saving the same values again, a second click, is a retry
// of the same command, which the server answers as a duplicate and appends
// nothing), and server errors placed next to the field they are about, in
// plain language.

import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, newCommandId } from '../../api/client';
import { describeError, type FieldError } from '../../api/errors';
import type { Receipt } from '../../api/queries';
import { useApp } from '../../hooks';
import { useT } from '../../i18n';

let forms = 0;

export interface EditForm {
  /** Prefix for the ids of the form's inputs. */
  prefix: string;
  errors: Record<string, FieldError>;
  formError: FieldError | null;
  busy: boolean;
  done: Receipt | null;
  /** Keeps the version on screen as the one the change is based on; called when the form opens. */
  open: () => void;
  /**
   * Sends `input` with the form's `expectedVersion` and `commandId`. The
   * same input as the last one saved is sent exactly as it was then, so the
   * server recognises the retry.
   */
  submit: <I extends object>(input: I, send: (input: I & Meta) => Promise<Receipt>) => Promise<void>;
  /** Shows an error found before sending (a number that is not one). */
  reject: (field: string, key: string) => void;
}

/** What a form adds to every command it sends. */
export interface Meta {
  expectedVersion: number;
  commandId: string;
}

/**
 * `version` is the entity's version in the answer the page shows (its
 * `version` field), so it changes when the page loads again.
 */
export function useEditForm(version: number, fields: readonly string[]): EditForm {
  const { refresh, announce } = useApp();
  const t = useT();
  const prefix = useMemo(() => `edit${++forms}`, []);
  const [errors, setErrors] = useState<Record<string, FieldError>>({});
  const [formError, setFormError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Receipt | null>(null);
  const expected = useRef(version);
  const commandId = useRef(newCommandId());
  // The last change saved, as it was sent.
  const saved = useRef<{ key: string; meta: Meta } | null>(null);

  // What the reader saw when they began writing, not what a live update
  // shows later: a change that arrives while the form is open is someone
  // else's, and saving over it must be refused.
  const open = () => {
    expected.current = version;
  };

  const submit: EditForm['submit'] = async (input, send) => {
    setBusy(true);
    setErrors({});
    setFormError(null);
    setDone(null);
    const key = JSON.stringify(input);
    const again = saved.current?.key === key ? saved.current.meta : null;
    const meta = again ?? { expectedVersion: expected.current, commandId: commandId.current };
    try {
      const receipt = await send({ ...input, ...meta });
      if (!again) {
        saved.current = { key, meta };
        expected.current = receipt.streamVersion;
        commandId.current = newCommandId();
      }
      setDone(receipt);
      announce(t('edit.saved', { position: receipt.position }));
      refresh();
    } catch (error) {
      const described = describeError(error, fields);
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        // Show the newer state and let a second try go through on purpose.
        if (error.currentVersion !== undefined) expected.current = error.currentVersion;
        refresh();
      }
      if (!(error instanceof ApiError) || error.code !== 'CONFLICT') commandId.current = newCommandId();
      if (described.field) {
        setErrors({ [described.field]: described });
        requestAnimationFrame(() => document.getElementById(`${prefix}-${described.field}`)?.focus());
      } else {
        setFormError(described);
        requestAnimationFrame(() => document.getElementById(`${prefix}-form-error`)?.focus());
      }
    } finally {
      setBusy(false);
    }
  };

  const reject = (field: string, key: string) => {
    setDone(null);
    setFormError(null);
    setErrors({ [field]: { field, key, params: {} } });
    requestAnimationFrame(() => document.getElementById(`${prefix}-${field}`)?.focus());
  };

  return { prefix, errors, formError, busy, done, open, submit, reject };
}

/** One labelled input with its help and error text wired up for assistive technology. */
export function Field(props: {
  form: EditForm;
  name: string;
  label: string;
  help?: string;
  children: (attrs: {
    id: string;
    name: string;
    'aria-invalid'?: 'true';
    'aria-describedby'?: string;
  }) => ComponentChildren;
}) {
  const t = useT();
  const { form, name } = props;
  const id = `${form.prefix}-${name}`;
  const error = form.errors[name];
  const describedBy = [props.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.help && (
        <p id={`${id}-help`} class="help">
          {props.help}
        </p>
      )}
      {props.children({
        id,
        name,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {error && (
        <p id={`${id}-error`} class="field-error" data-field-error={name}>
          {t(error.key, error.params)}
          {error.detail && <span class="detail"> ({t('error.serverSaid', { message: error.detail })})</span>}
        </p>
      )}
    </div>
  );
}

/** The disclosure around a form, its form-level error, its submit button and its success note. */
export function EditDisclosure(props: {
  form: EditForm;
  summary: string;
  submitLabel: string;
  onSubmit: () => void;
  children: ComponentChildren;
}) {
  const t = useT();
  const { form } = props;
  return (
    <details
      class="edit"
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) form.open();
      }}
    >
      <summary>{props.summary}</summary>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        {form.formError && (
          <div id={`${form.prefix}-form-error`} class="form-error" role="alert" tabIndex={-1}>
            <p>{t(form.formError.key, form.formError.params)}</p>
            {form.formError.detail && (
              <p class="detail">{t('error.serverSaid', { message: form.formError.detail })}</p>
            )}
          </div>
        )}
        {props.children}
        <button type="submit" disabled={form.busy}>
          {form.busy ? t('edit.saving') : props.submitLabel}
        </button>
        {form.done && (
          <p class="saved">
            {t(form.done.duplicate ? 'edit.duplicate' : 'edit.saved', { position: form.done.position })}
          </p>
        )}
      </form>
    </details>
  );
}
