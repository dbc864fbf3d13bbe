import { describe, expect, it } from 'vitest';
import { isoFromMs, isValidTimeZone, localDateToIso, wallTimeToUtc, ZoneOffsets } from './time-zone.ts';

const offsets = new ZoneOffsets();
const iso = (text: string, zone: string) => localDateToIso(text, zone, offsets);

describe('local dates to UTC', () => {
  it('plain conversions, with and without seconds or milliseconds', () => {
    expect(iso('2020-02-10 20:44:39', 'America/Denver')).toBe('2020-02-11T03:44:39.000Z');
    expect(iso('2020-02-10 20:44', 'UTC')).toBe('2020-02-10T20:44:00.000Z');
    expect(iso('2020-02-10T20:44:39.5', 'UTC')).toBe('2020-02-10T20:44:39.500Z');
    expect(iso('2024-07-01 12:00:00', 'Asia/Kathmandu')).toBe('2024-07-01T06:15:00.000Z');
  });

  it('values that carry a zone are normalised as they are', () => {
    expect(iso('2020-02-11T03:44:39Z', 'America/Denver')).toBe('2020-02-11T03:44:39.000Z');
    expect(iso('2020-02-11T05:44:39+02:00', 'UTC')).toBe('2020-02-11T03:44:39.000Z');
  });

  it('rejects what is not a date', () => {
    for (const text of ['2020-02-30 00:00:00', '2020-13-01 00:00:00', '2020-01-01 24:00:00', '10/02/2020 20:44', '']) {
      expect(iso(text, 'UTC')).toBeNull();
    }
  });

  it('northern DST (America/Denver): the gap moves forward, the overlap takes the first', () => {
    expect(iso('2020-03-08 01:59:59', 'America/Denver')).toBe('2020-03-08T08:59:59.000Z');
    expect(iso('2020-03-08 02:30:00', 'America/Denver')).toBe('2020-03-08T09:30:00.000Z');
    expect(iso('2020-03-08 03:00:00', 'America/Denver')).toBe('2020-03-08T09:00:00.000Z');
    expect(iso('2020-11-01 00:59:59', 'America/Denver')).toBe('2020-11-01T06:59:59.000Z');
    expect(iso('2020-11-01 01:30:00', 'America/Denver')).toBe('2020-11-01T07:30:00.000Z');
    expect(iso('2020-11-01 02:00:00', 'America/Denver')).toBe('2020-11-01T09:00:00.000Z');
  });

  it('European and southern-hemisphere DST, half-hour shifts', () => {
    expect(iso('2021-03-28 02:30:00', 'Europe/Berlin')).toBe('2021-03-28T01:30:00.000Z');
    expect(iso('2021-10-31 02:30:00', 'Europe/Berlin')).toBe('2021-10-31T00:30:00.000Z');
    expect(iso('2021-10-31 03:00:00', 'Europe/Berlin')).toBe('2021-10-31T02:00:00.000Z');
    expect(iso('2021-04-04 02:30:00', 'Australia/Sydney')).toBe('2021-04-03T15:30:00.000Z'); // first 02:30 is AEDT
    expect(iso('2021-10-03 02:30:00', 'Australia/Sydney')).toBe('2021-10-02T16:30:00.000Z'); // gap: 03:30 AEDT
    expect(iso('2020-04-05 01:45:00', 'Australia/Lord_Howe')).toBe('2020-04-04T14:45:00.000Z'); // +11 before the half-hour step back
  });

  it('UTC dates written in full read as by the general conversion, two-digit years included', () => {
    const general = (text: string) => {
      const [y, mo, d, h, mi, sec] = text.split(/[- T:]/).map(Number) as [number, number, number, number, number, number];
      return new Date(Date.UTC(y, mo - 1, d, h, mi, sec)).toISOString();
    };
    const texts = ['2020-02-29 23:59:59', '2020-02-10T20:44:39', '1000-01-01 00:00:00', '9999-12-31 23:59:59', '1970-01-01 00:00:00'];
    for (const text of texts) expect(iso(text, 'UTC')).toBe(general(text));
    // Date.UTC reads years 0–99 as 1900–1999; the conversion keeps that reading.
    expect(iso('0050-06-01 12:00:00', 'UTC')).toBe('1950-06-01T12:00:00.000Z');
    expect(iso('0999-06-01 12:00:00', 'UTC')).toBe('0999-06-01T12:00:00.000Z');
    expect(iso('2021-02-29 00:00:00', 'UTC')).toBeNull();
    expect(iso('2021-01-01 00:00:60', 'UTC')).toBeNull();
  });

  it('wallTimeToUtc is the identity in UTC and knows zone names', () => {
    expect(wallTimeToUtc(Date.UTC(2024, 0, 1), 'UTC', offsets)).toBe(Date.UTC(2024, 0, 1));
    expect(isValidTimeZone('America/Denver')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('isoFromMs', () => {
  it('matches Date#toISOString, leap days and epoch edges included', () => {
    const edges = [0, -1, 951782400000, 951868799999, 4102444800000, Date.UTC(1900, 1, 28, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12)];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples = [...edges, ...Array.from({ length: 5000 }, () => Math.floor((random() - 0.3) * 6e12))];
    for (const ms of samples) expect(isoFromMs(ms)).toBe(new Date(ms).toISOString());
  });
});
