/**
 * The regular files of a gzipped tar archive (GitHub's `archive/refs/heads/main.tar.gz`, `git
 * archive`, GNU tar in any format), in memory, read by node-tar (`tar`, npm's own reader): long
 * names (GNU `L`, pax `path`, ustar prefix), pax global headers, GNU incremental headers and header
 * checksums are its business, not ours. Nothing is written to disk. A path that is absolute or
 * climbs out with `..` makes the whole archive refused: a repository snapshot never has one.
 */
import { gunzipSync } from "node:zlib";
import * as tar from "tar";

export interface TarFile {
  readonly path: string;
  readonly data: Buffer;
}

/** True for a path that stays inside the archive: relative, no `..` segment. */
const inside = (p: string): boolean => !/^(\/|[A-Za-z]:)/.test(p) && !p.split(/[\\/]/).includes("..");

/** Files of `archive` (gzip magic required) for which `wanted(path)` is true. Throws one line on a damaged archive or an unsafe path. */
export function tarGzFiles(archive: Buffer, wanted: (path: string) => boolean): TarFile[] {
  if (archive[0] !== 0x1f || archive[1] !== 0x8b) throw new Error("not a gzip file");
  const files: TarFile[] = [];
  const errors: Error[] = [];
  let entries = 0;
  let unsafe: string | undefined;
  // strict: every warning (bad checksum, truncated entry, zlib error) is an error; node-tar parses
  // synchronously when given the whole buffer, so all entries are read when end() returns.
  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (entry) => {
      entries++;
      if (!inside(entry.path)) unsafe ??= entry.path;
      if (entry.type !== "File" && entry.type !== "OldFile") return entry.resume();
      if (unsafe !== undefined || !wanted(entry.path)) return entry.resume();
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.push({ path: entry.path, data: Buffer.concat(chunks) }));
    },
  });
  parser.on("error", (err: Error) => errors.push(err));
  parser.end(archive);
  if (unsafe !== undefined) throw new Error(`the archive holds ${JSON.stringify(unsafe)}, a path outside it; refused`);
  if (errors.length > 0) {
    // node-tar calls a tar of only its end blocks "Unrecognized archive format"; GNU tar reads it as empty.
    if (entries === 0 && errors.every((e) => /Unrecognized archive format/.test(e.message)) && isEmptyTar(archive)) return [];
    throw new Error(errors[0].message.split("\n")[0], { cause: errors[0] });
  }
  return files;
}

function isEmptyTar(archive: Buffer): boolean {
  try {
    return gunzipSync(archive).every((b) => b === 0);
  } catch {
    return false;
  }
}
