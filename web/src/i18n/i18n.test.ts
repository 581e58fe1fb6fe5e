import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_STATUSES, BENEFIT_STATUSES, BUDGET_CATEGORIES, GOAL_STATUSES, STAKEHOLDERS } from '../api/types';
import { LANGS } from '../routes';
import { catalogs, translate } from '.';

const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const code = sources(SRC).map((path) => readFileSync(path, 'utf8')).join('\n');

/** Keys written out in the code: t('key'), t('key', …) and the 'error.…' keys of the error mapping. */
function literalKeys(): string[] {
  const keys = new Set<string>();
  for (const m of code.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) keys.add(m[1]);
  for (const m of code.matchAll(/'(error\.[a-zA-Z]+)'/g)) keys.add(m[1]);
  return [...keys];
}

/** Keys the code builds from a prefix and a value of the API or of the page. */
const builtKeys = [
  ...GOAL_STATUSES.map((s) => `goalStatus.${s}`),
  ...ACTION_STATUSES.map((s) => `actionStatus.${s}`),
  ...BENEFIT_STATUSES.map((s) => `benefitStatus.${s}`),
  ...[...STAKEHOLDERS, 'NONE'].map((s) => `stakeholder.${s}`),
  ...BUDGET_CATEGORIES.map((s) => `budgetCategory.${s}`),
  ...['MAIN_PROJECT', 'SUB_PROJECT', 'PROGRAMME', 'MEASURE'].map((s) => `actionKind.${s}`),
  ...['EFFICIENCY', 'QUALITY', 'OTHER_ACTORS'].map((s) => `benefitCategory.${s}`),
  ...['HIGHER_IS_BETTER', 'LOWER_IS_BETTER'].map((s) => `direction.${s}`),
  ...['READER', 'EDITOR', 'AUDITOR', 'ADMIN'].map((s) => `role.${s}`),
  ...['DRAFT', 'ADOPTED', 'CLOSED'].map((s) => `strategyStatus.${s}`),
  ...LANGS.map((l) => `language.${l}`),
  ...['connecting', 'live', 'offline', 'refused'].map((s) => `live.${s}`),
  ...['baseline', 'measurement', 'target'].map((s) => `indicator.${s}`),
  ...['GoalDefined', 'GoalAssessed', 'GoalReworded', 'GoalRetired', 'GoalMerged', 'GoalSplit'].map((s) => `event.${s}`),
];

function exists(messages: Record<string, string>, key: string): boolean {
  return key in messages || (`${key}.one` in messages && `${key}.other` in messages);
}

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe('message files', () => {
  it('have exactly the same keys in bokmål, nynorsk and English', () => {
    const nb = Object.keys(catalogs.nb).sort();
    expect(Object.keys(catalogs.nn).sort()).toEqual(nb);
    expect(Object.keys(catalogs.en).sort()).toEqual(nb);
  });

  it('have every key the code uses, in every language', () => {
    const used = [...literalKeys(), ...builtKeys];
    expect(used.length).toBeGreaterThan(150);
    for (const lang of LANGS) {
      const missing = used.filter((key) => !exists(catalogs[lang], key));
      expect(missing, `missing in ${lang}.json`).toEqual([]);
    }
  });

  it('have no message the code does not use', () => {
    // Any quoted key in the code counts as a use (keys chosen by a condition, or translated outside a view).
    const quoted = [...code.matchAll(/'([a-zA-Z]+\.[\w.]+)'/g)].map((m) => m[1]);
    const used = new Set([...literalKeys(), ...builtKeys, ...quoted]);
    const unused = Object.keys(catalogs.nb).filter((key) => !used.has(key.replace(/\.(one|other)$/, '')));
    expect(unused).toEqual([]);
  });

  it('have no empty message, and the same placeholders in every language', () => {
    for (const key of Object.keys(catalogs.nb)) {
      for (const lang of LANGS) {
        expect(catalogs[lang][key].trim(), `${lang}: ${key}`).not.toBe('');
        expect(placeholders(catalogs[lang][key]), `${lang}: ${key}`).toEqual(placeholders(catalogs.nb[key]));
      }
    }
  });

  it('use the Norwegian domain words in bokmål and nynorsk', () => {
    expect(catalogs.nb['overview.heading']).toBe('Målstatus per satsingsområde');
    expect(catalogs.nb['time.validAt']).toBe('Vis status per dato');
    expect(catalogs.nb['time.asOf']).toBe('Slik det så ut da');
    expect(catalogs.nn['time.asOf']).toBe('Slik det såg ut då');
    expect(catalogs.nb['actor.hidden']).toBe('skjult');
    for (const lang of ['nb', 'nn'] as const) {
      const all = Object.values(catalogs[lang]).join(' ');
      for (const word of ['satsingsområde', 'mål', 'tiltak', 'gevinst', 'gevinstrealisering', 'vurdering']) {
        expect(all.toLowerCase(), `${lang} uses «${word}»`).toContain(word);
      }
    }
  });
});

describe('translate', () => {
  it('fills in parameters', () => {
    expect(translate('nb', 'goal.title', { number: '3.2' })).toBe('Mål 3.2');
    expect(translate('en', 'attainment.changeSince', { date: '31.12.2021' })).toBe('Change since 31.12.2021');
  });

  it('chooses singular or plural by n', () => {
    expect(translate('nb', 'choose.strategyCount', { n: 1 })).toBe('1 strategi');
    expect(translate('nb', 'choose.strategyCount', { n: 2 })).toBe('2 strategier');
    expect(translate('nn', 'choose.strategyCount', { n: 2 })).toBe('2 strategiar');
    expect(translate('en', 'attainment.goals', { n: 1 })).toBe('1 goal');
  });

  it('shows the key of a message that does not exist, so that it is noticed', () => {
    expect(translate('nb', 'no.such.key')).toBe('no.such.key');
  });
});
