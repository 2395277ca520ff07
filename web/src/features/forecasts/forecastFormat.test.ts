import { describe, expect, it } from 'vitest';
import { gapColor, monthDay, signedPercent } from './forecastFormat';

describe('forecast formatting', () => {
  it('colours a gap by how far short of the target it is', () => {
    expect(gapColor(null, 100)).toBeUndefined();
    expect(gapColor(5, 100)).toBe('teal.7');
    expect(gapColor(0, 100)).toBe('teal.7');
    expect(gapColor(-10, 100)).toBe('orange.7');
    expect(gapColor(-11, 100)).toBe('red.7');
  });

  it('signs percentages and reads months as days', () => {
    expect(signedPercent(12.345)).toBe('+12.3%');
    expect(signedPercent(-3)).toBe('−3.0%');
    expect(signedPercent(0)).toBe('0.0%');
    expect(signedPercent(null)).toBe('—');
    expect(monthDay('2030-07')).toBe('2030-07-01');
  });
});
