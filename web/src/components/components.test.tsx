import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppContext, type AppState } from '../hooks';
import { LangContext } from '../i18n';
import type { Lang } from '../routes';
import { countsOf } from '../logic/attainment';
import { StatusBar } from './StatusBar';
import { AssessGoalForm, BudgetLineForm, parseNumber } from './edit/forms';
import { AttainmentSummary } from '../views/Overview';

let root: HTMLElement;

function app(overrides: Partial<AppState> = {}): AppState {
  return {
    route: { view: { name: 'organizations' }, lang: 'nb' },
    liveTick: 0,
    authTick: 0,
    viewer: null,
    setMeta: () => {},
    requireSignIn: () => {},
    announce: () => {},
    refresh: () => {},
    ...overrides,
  };
}

function mount(node: preact.ComponentChildren, lang: Lang = 'nb', state = app()) {
  act(() => {
    render(
      <AppContext.Provider value={state}>
        <LangContext.Provider value={lang}>{node}</LangContext.Provider>
      </AppContext.Provider>,
      root,
    );
  });
}

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
});

const kongsberg = {
  goals: 51,
  score: 0.14705882352941177,
  counts: [
    { status: 'NOT_STARTED' as const, count: 33 },
    { status: 'IN_PROGRESS' as const, count: 8 },
    { status: 'PARTIALLY_ACHIEVED' as const, count: 5 },
    { status: 'ACHIEVED' as const, count: 5 },
    { status: 'NOT_ACHIEVED' as const, count: 0 },
    { status: 'DROPPED' as const, count: 0 },
  ],
};

describe('the stacked status bar', () => {
  it('writes every status with goals and its count, and draws one patterned segment for each', () => {
    mount(<StatusBar counts={countsOf(kongsberg)} />);
    const items = [...root.querySelectorAll('.legend li')].map((li) => [li.getAttribute('data-status'), li.textContent]);
    expect(items).toEqual([
      ['NOT_STARTED', 'Ikke startet 33'],
      ['IN_PROGRESS', 'Påbegynt 8'],
      ['PARTIALLY_ACHIEVED', 'Delvis nådd 5'],
      ['ACHIEVED', 'Nådd 5'],
    ]);
    const rects = [...root.querySelectorAll('svg.bar rect')];
    expect(rects.map((r) => r.getAttribute('fill'))).toEqual([
      'url(#status-NOT_STARTED)',
      'url(#status-IN_PROGRESS)',
      'url(#status-PARTIALLY_ACHIEVED)',
      'url(#status-ACHIEVED)',
    ]);
    expect(root.querySelector('svg.bar')!.getAttribute('aria-hidden')).toBe('true');
  });

  it('speaks nynorsk when asked', () => {
    mount(<StatusBar counts={countsOf(kongsberg)} />, 'nn');
    expect(root.querySelector('[data-status=NOT_STARTED]')!.textContent).toBe('Ikkje starta 33');
  });

  it('says so when there are no goals', () => {
    mount(<StatusBar counts={countsOf({ counts: [] })} />);
    expect(root.textContent).toBe('Ingen mål registrert.');
  });
});

describe('an area card’s figures', () => {
  it('shows the score and the change since the previous year-end in percentage points', () => {
    mount(
      <AttainmentSummary
        attainment={kongsberg}
        previous={{ ...kongsberg, score: 0.1 }}
        previousDate="2015-12-31"
      />,
    );
    expect(root.querySelector('.goal-count')!.textContent).toBe('51 mål');
    expect(root.querySelector('.score')!.textContent).toBe('14,7\u00a0%');
    expect(root.querySelector('.figures div:last-child dt')!.textContent).toBe('Endring siden 31.12.2015');
    expect(root.querySelector('.change')!.textContent).toBe('+4,7 prosentpoeng');
  });

  it('has nothing to compare with when the earlier moment had no score', () => {
    mount(<AttainmentSummary attainment={kongsberg} previous={{ ...kongsberg, score: null }} previousDate="2014-12-31" />);
    expect(root.querySelector('.change')!.textContent).toBe('ingen å sammenligne med');
  });
});

function serverAnswering(body: unknown) {
  const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(body)));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 0)));
}

describe('editing forms', () => {
  it('show a validation error next to the field the server names, in plain language', async () => {
    const fetchMock = serverAnswering({
      data: null,
      errors: [{ message: 'justification: must not be empty', extensions: { code: 'VALIDATION', field: 'justification' } }],
    });
    mount(<AssessGoalForm goalId="g1" version={7} current="IN_PROGRESS" />);
    const details = root.querySelector('details')!;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await settle();
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const textarea = root.querySelector('textarea')!;
    const error = root.querySelector('[data-field-error=justification]')!;
    expect(error.textContent).toContain('Feltet må fylles ut.');
    expect(textarea.getAttribute('aria-invalid')).toBe('true');
    expect(textarea.getAttribute('aria-describedby')).toContain(error.id);
    // The version shown when the form opened is sent as expectedVersion, with a command id;
    // opening the form asks the server nothing.
    const bodies = fetchMock.mock.calls.map((call) => JSON.parse(String(call[1].body)));
    expect(bodies).toHaveLength(1);
    const sent = bodies[0].variables.input;
    expect(bodies[0].query).toContain('assessGoal');
    expect(sent).toMatchObject({ id: 'g1', status: 'IN_PROGRESS', justification: '', expectedVersion: 7 });
    expect(sent.commandId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('send the version the reader saw when they opened the form, not one a live update showed later', async () => {
    const receipt = { position: 40, streamVersion: 9, recordedAt: '2026-01-01T00:00:00Z', duplicate: false };
    const fetchMock = serverAnswering({ data: { assessGoal: { receipt } } });
    const open = () => {
      const details = root.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    };
    const submit = async () => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
      await settle();
      const calls = fetchMock.mock.calls;
      return JSON.parse(String(calls[calls.length - 1][1].body)).variables.input.expectedVersion;
    };
    const write = async (text: string) => {
      const textarea = root.querySelector('textarea')!;
      textarea.value = text;
      textarea.dispatchEvent(new Event('input'));
      await settle();
    };
    const commandIds = () =>
      new Set(fetchMock.mock.calls.map((call) => JSON.parse(String(call[1].body)).variables.input.commandId));
    mount(<AssessGoalForm goalId="g1" version={7} current="IN_PROGRESS" />);
    open();
    // Someone else's change arrives while the form is open: the page shows version 8.
    mount(<AssessGoalForm goalId="g1" version={8} current="IN_PROGRESS" />);
    expect(await submit()).toBe(7);
    // After a save the form goes on from the version it made.
    await write('Arbeidet er i gang');
    expect(await submit()).toBe(9);
    // Opened again, it starts from what the page shows then.
    mount(<AssessGoalForm goalId="g1" version={12} current="IN_PROGRESS" />);
    open();
    await write('Arbeidet er godt i gang');
    expect(await submit()).toBe(12);
    expect(commandIds().size).toBe(3);
  });

  it('send a second click on the same values as the same command, which the server answers as a duplicate', async () => {
    const receipt = { position: 40, streamVersion: 9, recordedAt: '2026-01-01T00:00:00Z', duplicate: false };
    const fetchMock = serverAnswering({ data: { assessGoal: { receipt } } });
    mount(<AssessGoalForm goalId="g1" version={7} current="IN_PROGRESS" />);
    const submit = async () => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
      await settle();
    };
    await submit();
    await submit();
    const inputs = fetchMock.mock.calls.map((call) => JSON.parse(String(call[1].body)).variables.input);
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toEqual(inputs[0]);
    expect(inputs[1].expectedVersion).toBe(7);
  });

  it('show a conflict with someone else’s change at the top of the form and load the page again', async () => {
    const fetchMock = serverAnswering({ data: null, errors: [{ message: 'stream is at version 8, not the expected 7', extensions: { code: 'CONFLICT', currentVersion: 8 } }] });
    const refresh = vi.fn();
    mount(<AssessGoalForm goalId="g1" version={7} current="IN_PROGRESS" />, 'nb', app({ refresh }));
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(root.querySelector('.form-error')!.textContent).toContain('Noen andre har endret dette');
    expect(refresh).toHaveBeenCalled();
    // A second try is deliberate: it is based on the version the server named.
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const versions = fetchMock.mock.calls.map((call) => JSON.parse(String(call[1].body)).variables.input.expectedVersion);
    expect(versions).toEqual([7, 8]);
  });

  it('refuse an amount that is not a number before sending it', async () => {
    const fetchMock = serverAnswering({ data: {} });
    mount(<BudgetLineForm actionId="a1" version={3} period={{ start: 2016, end: 2018 }} />);
    const planned = root.querySelector<HTMLInputElement>('input[name=planned]')!;
    planned.value = 'mye';
    planned.dispatchEvent(new Event('input'));
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(root.querySelector('[data-field-error=planned]')!.textContent).toContain('Skriv et tall.');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('read amounts the Norwegian way', () => {
    expect(parseNumber('1 250 000')).toBe(1250000);
    expect(parseNumber('1\u00a0250\u00a0000')).toBe(1250000);
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber('\u22125')).toBe(-5);
    expect(parseNumber('12 kr')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
  });
});
