import { describe, expect, it } from 'vitest';
import { formatHash, isTimeTravel, parseHash, type Route, type View } from './routes';

const org = '4ffea3eb-09fa-5c31-b31f-b0d82f5dbce7';
const strategy = 'd1edb959-2e63-5795-af01-deaab12cef6c';
const area = '9fbef731-c86d-58f7-88fa-31fc1b21eacf';
const goal = '6a8ae918-9273-59c9-b967-6724089b9a46';

const views: View[] = [
  { name: 'organizations' },
  { name: 'organization', org },
  { name: 'overview', org, strategy },
  { name: 'area', org, strategy, area },
  { name: 'goal', org, strategy, area, goal },
  { name: 'attainment', org, strategy },
  { name: 'actions', org, strategy },
];

describe('the URL holds every piece of view state', () => {
  it('round-trips every view at every moment in every language', () => {
    for (const view of views) {
      for (const lang of ['nb', 'nn', 'en'] as const) {
        for (const moment of [{}, { validAt: '2021-12-31' }, { asOf: '2022-03-10T11:00:00Z' }, { validAt: '2021-12-31', asOf: '2022-03-10T11:00:00Z' }]) {
          const route: Route = { view, lang, ...moment };
          expect(parseHash(formatHash(route))).toEqual(route);
        }
      }
    }
  });

  it('writes the defaults as nothing', () => {
    expect(formatHash({ view: { name: 'overview', org, strategy }, lang: 'nb' })).toBe(`#/o/${org}/s/${strategy}`);
    expect(formatHash({ view: { name: 'organizations' }, lang: 'nb' })).toBe('#/');
  });

  it('writes the moment and language as query parameters', () => {
    const hash = formatHash({ view: { name: 'attainment', org, strategy }, lang: 'nn', validAt: '2016-12-31', asOf: '2022-01-15T10:00:00Z' });
    expect(hash).toBe(`#/o/${org}/s/${strategy}/utvikling?validAt=2016-12-31&asOf=2022-01-15T10%3A00%3A00Z&lang=nn`);
  });

  it('drops what is not valid instead of failing', () => {
    expect(parseHash('#/o/a1/s/b2?validAt=2021-02-30&asOf=yesterday&lang=de')).toEqual({
      view: { name: 'overview', org: 'a1', strategy: 'b2' },
      lang: 'nb',
    });
    expect(parseHash('')).toEqual({ view: { name: 'organizations' }, lang: 'nb' });
    expect(parseHash('#main').view).toEqual({ name: 'organizations' });
    expect(parseHash(`#/o/${org}/s/${strategy}/nothing`).view).toEqual({ name: 'overview', org, strategy });
    expect(parseHash(`#/o/${org}/s/${strategy}/omrade/${area}/mal`).view).toEqual({ name: 'overview', org, strategy });
  });

  it('accepts an as-of instant with an offset', () => {
    expect(parseHash('#/?asOf=2022-03-10T12:00:00%2B01:00').asOf).toBe('2022-03-10T12:00:00+01:00');
  });

  it('knows when the page shows another moment than now', () => {
    expect(isTimeTravel({ view: { name: 'organizations' }, lang: 'nb' })).toBe(false);
    expect(isTimeTravel({ view: { name: 'organizations' }, lang: 'nb', validAt: '2021-12-31' })).toBe(true);
    expect(isTimeTravel({ view: { name: 'organizations' }, lang: 'nb', asOf: '2022-01-01T00:00:00Z' })).toBe(true);
  });
});
