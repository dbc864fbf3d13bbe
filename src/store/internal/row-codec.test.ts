import { describe, expect, it } from 'vitest';
import { isOlder, ownValue } from './row-codec.ts';

describe('isOlder', () => {
  it('is true only for a strictly earlier instant, whatever the spelling of either date', () => {
    expect(isOlder('2024-05-01T09:00:00.000Z', '2024-05-01T10:00:00.000Z')).toBe(true);
    expect(isOlder('2024-05-01T09:59:59.999Z', '2024-05-01T10:00:00Z')).toBe(true);
    expect(isOlder('2024-05-01T11:59:59+02:00', '2024-05-01T10:00:00.000Z')).toBe(true);
    expect(isOlder('2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T10:00:00.001Z', '2024-05-01T10:00:00.000Z')).toBe(false);
  });

  it('is false when either date is unknown or unreadable', () => {
    expect(isOlder(null, '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T09:00:00.000Z', null)).toBe(false);
    expect(isOlder(undefined, undefined)).toBe(false);
    expect(isOlder('yesterday', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T09:00:00.000Z', 'tomorrow')).toBe(false);
    expect(isOlder(1, 2)).toBe(false);
  });
});

describe('ownValue', () => {
  it('reads own keys only, never a member every object inherits', () => {
    const values = JSON.parse('{"constructor":"c","__proto__":null,"QID1":1}') as Record<string, string | number | null>;
    expect([ownValue(values, 'constructor'), ownValue(values, '__proto__'), ownValue(values, 'QID1')]).toEqual(['c', null, 1]);
    expect([ownValue({}, 'constructor'), ownValue({}, 'toString'), ownValue({}, '__proto__')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(ownValue(null, 'QID1')).toBeUndefined();
  });
});
