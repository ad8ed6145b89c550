import { createReadStream } from "fs";
import { createInterface } from "readline";
import { CatalogInputError } from "./errors";
import { compareKeys } from "./keys";
import type { ObjectEntry } from "./types";

/**
 * Reading objects from a text file instead of S3: one key per line, or
 * `key<TAB>size<TAB>lastModified` (size in bytes, lastModified as ISO 8601). Blank lines are
 * skipped; a trailing `\r` is dropped.
 */

/** Parses one line of a keys file; `where` (`file:line`) names it in errors. Null for a blank line. */
export function parseKeyLine(line: string, where: string): ObjectEntry | null {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (text === "") {
    return null;
  }
  const fields = text.split("\t");
  const allowed = "a key, or key<TAB>size<TAB>lastModified (size in bytes, lastModified as ISO 8601)";
  if (fields.length === 1) {
    return { key: text, size: null, lastModified: null };
  }
  if (fields.length !== 3 || fields[0] === "") {
    throw new CatalogInputError(where, text, `has ${fields.length} tab-separated fields`, allowed);
  }
  const [key, sizeText, dateText] = fields as [string, string, string];
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new CatalogInputError(where, sizeText, "size is not a whole number of bytes", allowed);
  }
  const lastModified = Date.parse(dateText);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(dateText) || Number.isNaN(lastModified)) {
    throw new CatalogInputError(where, dateText, "lastModified is not an ISO 8601 date-time", allowed);
  }
  return { key, size: Number(sizeText), lastModified };
}

/**
 * Streams the objects of a keys file in pages, keeping those below `prefix` (other keys are
 * skipped, as a listing of the prefix would). Keys must already be in S3 order.
 */
export async function* readKeyFilePages(
  path: string,
  prefix: string,
  pageSize = 1000,
): AsyncGenerator<ObjectEntry[], void, undefined> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let page: ObjectEntry[] = [];
  let number = 0;
  for await (const line of lines) {
    number += 1;
    const entry = parseKeyLine(line, `${path}:${number}`);
    if (entry === null || !entry.key.startsWith(prefix)) {
      continue;
    }
    page.push(entry);
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) {
    yield page;
  }
}

/**
 * Like `readKeyFilePages`, for a keys file that is not in S3 order: reads the whole file,
 * sorts it in S3 (UTF-8 byte) order, then pages it. Memory grows with the file.
 */
export async function* readUnsortedKeyFilePages(
  path: string,
  prefix: string,
  pageSize = 1000,
): AsyncGenerator<ObjectEntry[], void, undefined> {
  const entries: ObjectEntry[] = [];
  for await (const page of readKeyFilePages(path, prefix, pageSize)) {
    entries.push(...page);
  }
  entries.sort((a, b) => compareKeys(a.key, b.key));
  for (let start = 0; start < entries.length; start += pageSize) {
    yield entries.slice(start, start + pageSize);
  }
}
