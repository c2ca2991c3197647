/** `tenantscope checks list [--format json|md]`: prints the posture catalogue. */
import { parseArgs } from 'node:util';
import { renderChecksJson, renderChecksMarkdown } from '../../analyse/posture/checks-doc.ts';
import { ruleset } from '../../analyse/posture/ruleset.ts';
import type { CliIo } from '../io.ts';

export const CHECKS_USAGE = `usage: tenantscope checks list [--format json|md]
  --format json   every check's metadata (id, title, area, severity, licence, datasets, permissions,
                  frameworks, remediation) as a JSON array
  --format md     the Markdown of docs/checks.md (default)`;

export async function checksCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { format?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }));
    if (values.help) {
      io.stdout(CHECKS_USAGE);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] !== 'list')
      throw new Error('expected `tenantscope checks list`');
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'md')
      throw new Error('--format must be json or md');
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}`);
    io.stderr(CHECKS_USAGE);
    return 2;
  }
  io.stdout(values.format === 'json' ? renderChecksJson(ruleset()) : renderChecksMarkdown(ruleset()));
  return 0;
}
