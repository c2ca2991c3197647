import { once } from 'node:events';
import fs from 'node:fs';
import { z } from 'zod';
import { TenantscopeError } from '../platform/errors.ts';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot-types.ts';

const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 date-time' });

const datasetSchema = z
  .object({
    status: z.enum(['ok', 'notLicensed', 'forbidden', 'error']),
    collectedAt: isoDate,
    items: z.array(z.unknown()),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    // delta datasets only (docs/snapshot-format.md): where the next sync resumes
    deltaLink: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    deltaQuery: z.string().startsWith('/', { message: 'must be a path starting with /' }).optional(),
  })
  .refine((d) => d.status === 'ok' || d.items.length === 0, {
    message: 'a dataset that is not ok must have no items',
    path: ['items'],
  });

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT, { message: `must be "${SNAPSHOT_FORMAT}"` }),
  tenant: z.object({ tenantId: z.string().min(1), displayName: z.string().optional(), cloud: z.string() }),
  collectedAt: isoDate,
  completedAt: isoDate,
  datasets: z.record(z.string(), datasetSchema),
});

/** Checks a parsed document; the error names the JSON path of the first problem. */
export function validateSnapshot(document: unknown, source = 'snapshot'): Snapshot {
  const result = snapshotSchema.safeParse(document);
  if (result.success) return result.data as Snapshot;
  const issue = result.error.issues[0]!;
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .slice(1)
    : '(top level)';
  const message = issue.code === 'invalid_type' ? `must be ${issue.expected}` : issue.message;
  throw new TenantscopeError('TS_ERR_SNAPSHOT_INVALID', `${source}: ${where} ${message}`);
}

export function readSnapshotFile(file: string): Snapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_FILE_UNREADABLE',
      `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_SNAPSHOT_INVALID',
      `${file}: not valid JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  return validateSnapshot(document, file);
}

/**
 * Writes a snapshot item by item, so a 100,000-user tenant is never one giant string in memory.
 * The file appears only when complete (written beside it, then renamed).
 */
export async function writeSnapshotFile(file: string, snapshot: Snapshot): Promise<void> {
  const partial = `${file}.partial`;
  let out: fs.WriteStream;
  try {
    out = fs.createWriteStream(partial, { encoding: 'utf8', mode: 0o600 });
    await once(out, 'open');
  } catch (cause) {
    throw new TenantscopeError(
      'TS_ERR_FILE_UNREADABLE',
      `cannot write ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause },
    );
  }
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const { datasets, ...head } = snapshot;
  await write(`${JSON.stringify(head).slice(0, -1)},"datasets":{`);
  let firstDataset = true;
  for (const [name, dataset] of Object.entries(datasets)) {
    const { items, ...meta } = dataset;
    await write(
      `${firstDataset ? '' : ','}\n${JSON.stringify(name)}:${JSON.stringify(meta).slice(0, -1)},"items":[`,
    );
    firstDataset = false;
    for (let i = 0; i < items.length; i++) await write(`${i ? ',' : ''}\n${JSON.stringify(items[i])}`);
    await write(']}');
  }
  await write('\n}}\n');
  out.end();
  await once(out, 'finish');
  fs.renameSync(partial, file);
}
