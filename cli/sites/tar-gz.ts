/**
 * The regular files of a gzipped tar archive (ustar / GNU / pax, as `git archive` and GitHub's
 * "Download ZIP"-sibling `archive/refs/heads/main.tar.gz` write them), in memory. Enough to read a
 * repository snapshot's `sites/*.yaml`; no links, no sparse files.
 */
import { gunzipSync } from "node:zlib";

export interface TarFile {
  readonly path: string;
  readonly data: Buffer;
}

const text = (block: Buffer, start: number, length: number): string => {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
};

/** Files of `archive` (gzip magic required) for which `wanted(path)` is true. Throws on a damaged archive. */
export function tarGzFiles(archive: Buffer, wanted: (path: string) => boolean): TarFile[] {
  const tar = gunzipSync(archive);
  const files: TarFile[] = [];
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size)) throw new Error(`damaged tar header at byte ${offset}`);
    const type = String.fromCharCode(header[156] || 0x30);
    // POSIX ustar/pax only ("ustar\0"): GNU headers ("ustar  \0") keep atime/ctime at byte 345.
    const prefix = header.toString("latin1", 257, 263) === "ustar\0" ? text(header, 345, 155) : "";
    const name = longName ?? paxPath ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = text(body, 0, body.length);
      continue;
    }
    if (type === "x") {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))?.[1];
      continue;
    }
    if (type === "g") continue; // global pax header (git archive's commit id)
    longName = undefined;
    paxPath = undefined;
    if ((type === "0" || type === "\0") && wanted(name)) files.push({ path: name, data: Buffer.from(body) });
  }
  return files;
}
