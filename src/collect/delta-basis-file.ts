import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { DELTA_DATASETS, deltaBasis } from './delta-read.ts';
import { readSnapshotFile, validateSnapshot } from './snapshot-file.ts';
import type { DatasetResult, Snapshot } from './snapshot-types.ts';

/**
 * Reads from a snapshot file only what a delta sync needs: the tenant and the `users` and
 * `groups` datasets (`deltaBasis`). A 100,000-user file is ~200 MB; parsing it whole costs
 * ~600 MB of memory before the sync even starts, most of it for datasets a delta sync ignores.
 *
 * writeSnapshotFile puts the head on the first line, each dataset's head on its own line, and one
 * item per line, so the others are skipped line by line without being parsed. A file laid out any
 * other way (pretty-printed, hand-made) — or anything unexpected — falls back to reading the
 * whole file, which also gives the precise error for a malformed one.
 */
export async function readDeltaBasis(file: string): Promise<Snapshot> {
  let streamed: Snapshot | undefined;
  try {
    streamed = await streamBasis(file);
  } catch {
    streamed = undefined; // unreadable here: let the whole-file reader say exactly why
  }
  return streamed ?? deltaBasis(readSnapshotFile(file));
}

const DATASETS_OPEN = ',"datasets":{';
const ITEMS_OPEN = '"items":[';

/** undefined when the layout is not writeSnapshotFile's. */
async function streamBasis(file: string): Promise<Snapshot | undefined> {
  const lines = createInterface({
    input: fs.createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let head: Record<string, unknown> | undefined;
  const datasets: Record<string, DatasetResult> = {};
  let current: DatasetResult | undefined; // the kept dataset being read, if any
  let ended = false;
  for await (const line of lines) {
    if (ended) {
      if (line.trim() !== '') return undefined; // more after the end: not our layout
      continue;
    }
    if (!head) {
      if (!line.endsWith(DATASETS_OPEN)) return undefined;
      head = JSON.parse(`${line.slice(0, -DATASETS_OPEN.length)}}`) as Record<string, unknown>;
    } else if (line === '}}') {
      ended = true;
    } else if (line.startsWith('"')) {
      const dataset = datasetHead(line);
      if (!dataset) return undefined;
      current = DELTA_DATASETS.has(dataset.name) ? dataset.result : undefined;
      if (current) datasets[dataset.name] = current;
    } else if (line.startsWith('{')) {
      current?.items.push(itemOf(line));
    } else {
      return undefined;
    }
  }
  if (!ended || !head) return undefined;
  return validateSnapshot({ ...head, datasets }, file);
}

/** `"users":{"status":"ok",…,"items":[` (then `]}` and `,` when it has no items). */
function datasetHead(line: string): { name: string; result: DatasetResult } | undefined {
  const colon = line.indexOf('":{');
  const at = line.lastIndexOf(ITEMS_OPEN);
  if (colon < 0 || at < 0) return undefined;
  const name = JSON.parse(line.slice(0, colon + 1)) as string;
  const meta = line.slice(colon + 2, at).replace(/,$/, '');
  const result = JSON.parse(`${meta}}`) as DatasetResult;
  return { name, result: { ...result, items: [] } };
}

/**
 * One item: `{…}` then `,` when more follow, or `]}` (and `,`) when it is the dataset's last. An
 * item may itself end in `]}` (`{"a":[1]}`), so the line is parsed as it is first.
 */
function itemOf(line: string): unknown {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!text.endsWith(']}')) throw error;
    return JSON.parse(text.slice(0, -2));
  }
}
