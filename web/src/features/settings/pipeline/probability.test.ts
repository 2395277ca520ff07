import { beforeAll, describe, expect, it } from 'vitest';
import { configureFormat } from '../../../lib/format';
import { percentToProbability, probabilityText, probabilityToPercent } from './probability';

describe('stage win probability', () => {
  beforeAll(() => configureFormat({ locale: 'en-US', timeZone: 'UTC', currency: 'USD' }));

  it('shows a fraction as a percentage, and none as learnt', () => {
    expect(probabilityText(0.4)).toBe('40%');
    expect(probabilityText(0.1234)).toBe('12.34%');
    expect(probabilityText(1)).toBe('100%');
    expect(probabilityText(null)).toBe('Learnt from history');
  });

  it('reads a percentage back as the API’s fraction', () => {
    expect(percentToProbability(40)).toBe(0.4);
    expect(percentToProbability('12.34')).toBe(0.1234);
    expect(percentToProbability('0')).toBe(0);
    expect(percentToProbability(100)).toBe(1);
    expect(percentToProbability(101)).toBeNaN();
    expect(percentToProbability(-1)).toBeNaN();
    expect(percentToProbability('')).toBeNaN();
    expect(probabilityToPercent(percentToProbability(33.33))).toBe(33.33);
  });
});
