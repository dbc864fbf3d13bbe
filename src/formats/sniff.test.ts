import { describe, expect, it } from 'vitest';
import { detectEncoding } from './decode.ts';
import { detectFormat, formatFromName } from './sniff.ts';

const bytes = (text: string) => Buffer.from(text);

describe('detectFormat', () => {
  it('content signatures decide first', () => {
    expect(detectFormat('x.csv', Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('csv');
    expect(detectFormat('x', Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('tsv');
    expect(detectFormat(null, bytes('$FL2@(#) SPSS DATA FILE'))).toBe('sav');
    expect(detectFormat('x.csv', bytes('<?xml version="1.0"?><Responses/>'))).toBe('xml');
    expect(detectFormat('x.ndjson', bytes('{"responses":[{"responseId":"R_1"}]}'))).toBe('json');
    expect(detectFormat(null, bytes('\uFEFF{ "responses" : []}'))).toBe('json');
    expect(detectFormat('x.json', bytes('{"responseId":"R_1","values":{}}\n{"responseId":"R_2"'))).toBe('ndjson');
    expect(detectFormat(null, bytes('{\n  "responses": [\n'))).toBe('json');
  });

  it('then the name, then tabs vs commas', () => {
    expect(detectFormat('Survey.TSV', bytes('a,b,c\n'))).toBe('tsv');
    expect(detectFormat(null, bytes('a\tb\tc,d\n'))).toBe('tsv');
    expect(detectFormat(null, bytes('a,b,c\n'))).toBe('csv');
    expect(detectFormat('x', new Uint8Array())).toBeNull();
    expect(detectFormat('x.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBeNull();
    expect(formatFromName('My Survey.spss')).toBe('sav');
    expect(formatFromName('no-extension')).toBeNull();
  });
});

describe('detectEncoding', () => {
  it('reads byte-order marks', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x41]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(detectEncoding(Buffer.from('abc'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });
});
