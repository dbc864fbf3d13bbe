/**
 * Zips laid out like Qualtrics' downloads (java.util.zip.ZipOutputStream: flags 0x0808, the CRC-32 and sizes in a
 * signed data descriptor after the data, one central directory entry), built here byte by byte so that tests can
 * damage any part of them. `appendFile`-style writers below play a download arriving in pieces.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import type { GrowingFile } from '../../src/export/internal/growing-file.ts';

/** Offsets of the parts of a built zip (bytes). */
export interface JavaZip {
  bytes: Buffer;
  /** Where the compressed data starts and the data descriptor starts. */
  dataAt: number;
  descriptorAt: number;
  /** Where the central directory starts. */
  centralAt: number;
}

/**
 * One deflated entry `name` holding `content`. `zip64Descriptor` writes 8-byte sizes in the descriptor (what
 * ZipOutputStream does past 4 GiB) while the central directory keeps 32-bit ones.
 */
export function javaZip(name: string, content: Buffer, options: { zip64Descriptor?: boolean; level?: number } = {}): JavaZip {
  const nameBytes = Buffer.from(name, 'utf8');
  const data = deflateRawSync(content, { level: options.level ?? 1 });
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0808, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(nameBytes.length, 26);
  const descriptor = Buffer.alloc(options.zip64Descriptor ? 24 : 16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  if (options.zip64Descriptor) {
    descriptor.writeBigUInt64LE(BigInt(data.length), 8);
    descriptor.writeBigUInt64LE(BigInt(content.length), 16);
  } else {
    descriptor.writeUInt32LE(data.length, 8);
    descriptor.writeUInt32LE(content.length, 12);
  }
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0808, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const dataAt = 30 + nameBytes.length;
  const descriptorAt = dataAt + data.length;
  const centralAt = descriptorAt + descriptor.length;
  const centralBytes = Buffer.concat([central, nameBytes]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return { bytes: Buffer.concat([local, nameBytes, data, descriptor, centralBytes, end]), dataAt, descriptorAt, centralAt };
}

/** Text that deflates about as well as an export (so that it takes many reads): `rows` CSV-like lines. */
export function csvLike(rows: number): Buffer {
  const lines = ['StartDate,ResponseId,Q1,Q2'];
  let seed = 7;
  for (let i = 0; i < rows; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    lines.push(`2024-01-02 03:04:05,R_${seed.toString(36).padStart(15, '0')},${seed % 7},"text ${(seed >> 8).toString(36)}"`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/** Plays a download into `file`: a new attempt writing `path`, piece by piece, each piece reported once on disk. */
export class FakeDownload {
  written = 0;
  constructor(
    readonly file: GrowingFile,
    readonly path: string,
  ) {}

  async start(): Promise<void> {
    await writeFile(this.path, '');
    this.file.restart(this.path);
  }

  async write(piece: Buffer): Promise<void> {
    await appendFile(this.path, piece);
    this.written += piece.length;
    this.file.grew(this.written);
  }

  /** Writes `bytes` in pieces of `size`, yielding to the event loop between them. */
  async writeAll(bytes: Buffer, size: number): Promise<void> {
    for (let at = 0; at < bytes.length; at += size) {
      await this.write(bytes.subarray(at, at + size));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
