import { describe, expect, it } from 'vitest';
import { auc, brier, liftTop10, reliability } from './scoring.metrics.ts';

/** The hold-out measures on small cases worked out by hand. */
describe('hold-out quality measures', () => {
  it('AUC: the share of (won, lost) pairs ordered right, ties counting half', () => {
    // Pairs (won over lost): 0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 > both: 3 of 4.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('Brier: the mean squared error of the probabilities', () => {
    expect(brier([1, 0, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.125);
  });

  it('lift: the won rate of the top tenth over the overall rate', () => {
    const p = Array.from({ length: 20 }, (_, i) => i / 20);
    const y = p.map((_, i) => (i >= 18 || i === 3 || i === 7 ? 1 : 0));
    // Top two both won (100%) against 4 of 20 (20%) overall.
    expect(liftTop10(p, y)).toBeCloseTo(5, 10);
  });

  it('reliability: ten bins of predicted probability with their mean and observed rate', () => {
    const bins = reliability([0.05, 0.07, 0.55, 0.95, 1], [0, 1, 1, 1, 0]);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toMatchObject({ from: 0, to: 0.1, observed: 0.5, count: 2 });
    expect(bins[0]?.predicted).toBeCloseTo(0.06, 10);
    expect(bins[5]).toMatchObject({ observed: 1, count: 1 });
    expect(bins[5]?.predicted).toBeCloseTo(0.55, 10);
    expect(bins[9]).toMatchObject({ observed: 0.5, count: 2 });
    expect(bins[9]?.predicted).toBeCloseTo(0.975, 10);
    expect(bins[3]).toMatchObject({ predicted: null, observed: null, count: 0 });
  });
});
