import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { ExportFileError, isDataEntryName } from '../../formats/index.ts';

/**
 * Reads every data entry of the zip at `path` to its end and checks its CRC-32 and size against the central
 * directory, so that a corrupt download is caught (and downloaded again) before anything is parsed or moved into
 * place. Constant memory; costs one decompression pass. Throws `ExportFileError` naming the file.
 */
export async function verifyZip(path: string, signal?: AbortSignal): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (err) {
    throw new ExportFileError(path, `is not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      if (!isDataEntryName(entry.fileName)) continue;
      let crc = 0;
      let bytes = 0;
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream) {
        if (signal?.aborted) {
          stream.destroy();
          return;
        }
        crc = crc32(chunk as Buffer, crc);
        bytes += (chunk as Buffer).length;
      }
      if (crc >>> 0 !== entry.crc32 >>> 0 || bytes !== entry.uncompressedSize) {
        throw new ExportFileError(`${path}!${entry.fileName}`, `is corrupt (CRC-32 or size does not match the zip directory)`);
      }
    }
  } catch (err) {
    if (err instanceof ExportFileError) throw err;
    throw new ExportFileError(path, `is a corrupt zip archive (${(err as Error).message})`, { cause: err });
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
