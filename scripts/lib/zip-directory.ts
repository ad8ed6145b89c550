import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { zipSync, Zippable } from "fflate";

/** Fixed timestamp of every entry, so the same files always give the same archive (and hash). */
const EPOCH = new Date(Date.UTC(1980, 0, 1));

function collect(root: string, dir: string, into: Zippable): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      collect(root, path, into);
    } else {
      into[relative(root, path).split(sep).join("/")] = [readFileSync(path), { mtime: EPOCH }];
    }
  }
}

/**
 * Zips a directory in process (deterministic: sorted entries, fixed timestamps). Used for
 * Lambda and notebook bundles instead of cdktf's archive assets, which spawn a process per
 * asset on every synth.
 */
export function zipDirectory(dir: string, outfile: string): string {
  const entries: Zippable = {};
  collect(dir, dir, entries);
  writeFileSync(outfile, zipSync(entries, { level: 9 }));
  return outfile;
}

/** Zips `dir` to `archive` through a staging file and a rename, so readers never see half a zip. */
export function zipDirectoryAtomically(dir: string, archive: string): string {
  const staging = `${archive}.${process.pid}.tmp`;
  zipDirectory(dir, staging);
  renameSync(staging, archive);
  return archive;
}
