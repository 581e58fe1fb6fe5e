import { describe, expect, it } from 'vitest';
import { translator } from '../i18n';
import { describeField, describeValue, entityNames } from './ChangesSince';

const t = translator('nb');

describe('changes since an instant, in words', () => {
  it('names goals, areas, actions, benefits and indicators as the page does', () => {
    const names = entityNames(t, {
      title: 'S',
      focusAreas: [{ id: 'a', number: 3, title: 'Kompetanse' }],
      goals: [{ id: 'g', number: '3.2' }],
      actions: [{ id: 'x', title: 'Hovedprosjekt Digital dialog' }],
      benefits: [{ id: 'b', title: 'Halverte prisen', indicators: [{ id: 'i', name: 'Utgifter' }] }],
    });
    expect(Object.fromEntries(names)).toEqual({
      a: 'Satsingsområde 3: Kompetanse',
      g: 'Mål 3.2',
      x: 'Hovedprosjekt Digital dialog',
      b: 'Halverte prisen',
      i: 'Utgifter',
    });
    expect(entityNames(t, null).size).toBe(0);
  });

  it('writes assessments with their status label, budget lines as amounts, and nothing as a dash', () => {
    expect(describeValue(t, 'assessment', { status: 'ACHIEVED', justification: 'Ferdig.' })).toBe('Nådd: Ferdig.');
    expect(describeValue(t, 'status', 'PARTIALLY_ACHIEVED')).toBe('Delvis nådd');
    expect(describeValue(t, 'budget:2017:INVESTMENT', { planned: 1250000, actual: null })).toBe('Planlagt 1\u00a0250\u00a0000\u00a0kr');
    expect(describeValue(t, 'budget:2017:INVESTMENT', { planned: 100, actual: 90 })).toBe('Planlagt 100\u00a0kr, regnskap 90\u00a0kr');
    expect(describeValue(t, 'wording', 'Kommunene har …')).toBe('Kommunene har …');
    expect(describeValue(t, 'assessment', null)).toBe('–');
    expect(describeValue(t, 'other', { a: 'x'.repeat(300) })).toHaveLength(160);
  });

  it('names the fields it knows in words', () => {
    expect(describeField(t, 'assessment')).toBe('vurdering');
    expect(describeField(t, 'budget:2017:INVESTMENT')).toBe('budsjett 2017, investering');
    expect(describeField(t, 'wording')).toBe('wording');
  });
});
