/**
 * The parts of a zip that reading an export while it downloads depends on (APPNOTE.TXT 4.3.7, 4.3.9, 4.5.3): the
 * first local file header, the data descriptor after the entry's data, and the central directory at the end.
 * Qualtrics writes one entry with java.util.zip.ZipOutputStream: flags 0x0808 (sizes in a signed data descriptor,
 * UTF-8 name), deflated, zip64 sizes past 4 GiB (test/fixtures/real/ropensci__qualtRics/*.zip).
 */
import { ExportFileError, isDataEntryName, listZipEntries } from '../../formats/index.ts';

const LOCAL_SIG = 0x04034b50;
const DESCRIPTOR_SIG = 0x08074b50;
const MAX32 = 0xffffffff;
const DEFLATE = 8;
/** Fixed part of a local file header. */
export const LOCAL_HEADER_BYTES = 30;
/** Longest data descriptor: signature, CRC-32 and two 8-byte (zip64) sizes. */
export const MAX_DESCRIPTOR_BYTES = 24;

/** The first entry of a zip as its local header describes it. */
export interface LocalEntry {
  /** Entry name (UTF-8 when flag bit 11 is set, else ASCII). */
  name: string;
  /** Offset of the compressed data in the file (bytes). */
  dataOffset: number;
  /** True when CRC-32 and sizes follow the data in a data descriptor (flag bit 3). */
  sizesInDescriptor: boolean;
  /** CRC-32 and sizes from the header; meaningful only without a descriptor. */
  crc: number;
  compressedSize: number;
  size: number;
}

/** What the start of a download says: an entry to follow, a reason not to, or that more bytes are needed. */
export type LocalHeaderCheck = { entry: LocalEntry } | { unusual: string } | { need: number };

/**
 * Reads the local header at the start of `head`. An entry is followed only when it is deflated, not encrypted,
 * names a file (not a folder or a macOS resource fork) and, without a descriptor, has 32-bit sizes; anything else
 * is `unusual` and read the ordinary way once downloaded.
 */
export function readLocalHeader(head: Buffer): LocalHeaderCheck {
  if (head.length < LOCAL_HEADER_BYTES) return { need: LOCAL_HEADER_BYTES };
  if (head.readUInt32LE(0) !== LOCAL_SIG) return { unusual: 'not a zip local file header' };
  const flags = head.readUInt16LE(6);
  const method = head.readUInt16LE(8);
  const nameLength = head.readUInt16LE(26);
  const dataOffset = LOCAL_HEADER_BYTES + nameLength + head.readUInt16LE(28);
  if (head.length < dataOffset) return { need: dataOffset };
  if (flags & 0x41) return { unusual: 'encrypted entry' };
  if (method !== DEFLATE) return { unusual: `compression method ${method}` };
  const raw = head.subarray(LOCAL_HEADER_BYTES, LOCAL_HEADER_BYTES + nameLength);
  // A name not marked UTF-8 is CP437, which is ASCII only in its lower half: leave others to yauzl's decoding.
  if (!(flags & 0x800) && raw.some((b) => b > 0x7f)) return { unusual: 'entry name in CP437' };
  const name = raw.toString(flags & 0x800 ? 'utf8' : 'latin1');
  if (name === '' || !isDataEntryName(name)) return { unusual: `first entry "${name}" is not a data file` };
  const entry: LocalEntry = {
    name,
    dataOffset,
    sizesInDescriptor: (flags & 0x08) !== 0,
    crc: head.readUInt32LE(14),
    compressedSize: head.readUInt32LE(18),
    size: head.readUInt32LE(22),
  };
  if (!entry.sizesInDescriptor && (entry.compressedSize === MAX32 || entry.size === MAX32)) return { unusual: 'zip64 sizes in the local header' };
  return { entry };
}

/** What reading the entry's data measured. */
export interface EntryTally {
  /** CRC-32 of the inflated bytes (unsigned). */
  crc: number;
  /** Inflated bytes. */
  size: number;
  /** Compressed bytes the deflate stream took. */
  compressed: number;
}

/**
 * Checks the data descriptor at the start of `bytes` (what follows the compressed data, up to 24 bytes) against
 * the tally: an optional signature, the CRC-32, then 4-byte sizes, or 8-byte ones for zip64 (ZipOutputStream
 * writes those once a size reaches 4 GiB; both are accepted when they match). Null when it matches, else the
 * problem.
 */
export function checkDescriptor(bytes: Buffer, tally: EntryTally): string | null {
  const starts = bytes.length >= 4 && bytes.readUInt32LE(0) === DESCRIPTOR_SIG ? [4, 0] : [0];
  for (const at of starts) {
    if (bytes.length < at + 12 || bytes.readUInt32LE(at) !== tally.crc >>> 0) continue;
    const small = tally.size < MAX32 && tally.compressed < MAX32;
    if (small && bytes.readUInt32LE(at + 4) === tally.compressed && bytes.readUInt32LE(at + 8) === tally.size) return null;
    if (bytes.length >= at + 20 && read64(bytes, at + 4) === tally.compressed && read64(bytes, at + 12) === tally.size) return null;
  }
  if (bytes.length < 12) return 'ends before the data descriptor of its entry (truncated zip)';
  return `CRC-32 or size does not match the data descriptor (read ${describe(tally)})`;
}

/** Checks a local header's own CRC-32 and sizes (an entry without a data descriptor). */
export function checkHeaderSizes(entry: LocalEntry, tally: EntryTally): string | null {
  if (entry.crc >>> 0 === tally.crc >>> 0 && entry.compressedSize === tally.compressed && entry.size === tally.size) return null;
  return `CRC-32 or size does not match the local file header (read ${describe(tally)})`;
}

/**
 * Checks the zip's central directory (the download complete): exactly one data entry, the one whose local header
 * is at offset 0, with the tally's CRC-32 and sizes. Throws `ExportFileError` naming `label`.
 */
export async function checkCentralDirectory(path: string, label: string, entry: LocalEntry, tally: EntryTally): Promise<void> {
  const { zip, entries: data } = await listZipEntries(path, label, {
    unreadable: 'has no readable zip directory',
    corrupt: 'has a corrupt zip directory',
  });
  zip.close();
  const [only] = data;
  if (data.length !== 1 || !only) throw new ExportFileError(label, `zip archive holds ${data.length} data files; expected one export file`);
  if (only.relativeOffsetOfLocalHeader !== 0 || only.fileName !== entry.name) {
    throw new ExportFileError(label, `the zip directory names another entry ("${only.fileName}") than the one read`);
  }
  if (only.crc32 >>> 0 !== tally.crc >>> 0 || only.compressedSize !== tally.compressed || only.uncompressedSize !== tally.size) {
    throw new ExportFileError(label, `CRC-32 or size does not match the zip directory (read ${describe(tally)})`);
  }
}

function read64(bytes: Buffer, at: number): number {
  return Number(bytes.readBigUInt64LE(at));
}

function describe(tally: EntryTally): string {
  return `CRC-32 ${(tally.crc >>> 0).toString(16).padStart(8, '0')}, ${tally.size} bytes from ${tally.compressed} compressed`;
}
