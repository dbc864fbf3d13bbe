import { describe, expect, it } from 'vitest';
import { ownValue } from './row-codec.ts';

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
