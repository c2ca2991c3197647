/**
 * Writes docs/checks.md from the ruleset: `npx tsx src/analyse/posture/generate-checks-doc.ts`.
 * `--check` writes nothing and exits 1 when the file is stale (CI and test/posture-docs.test.ts).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderChecksMarkdown } from './checks-doc.ts';
import { ruleset } from './ruleset.ts';

export const CHECKS_DOC = fileURLToPath(new URL('../../../docs/checks.md', import.meta.url));

export function checksDocIsCurrent(): boolean {
  const current = fs.existsSync(CHECKS_DOC) ? fs.readFileSync(CHECKS_DOC, 'utf8') : '';
  return current === renderChecksMarkdown(ruleset());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  if (process.argv.includes('--check')) {
    if (!checksDocIsCurrent()) {
      console.error('docs/checks.md is out of date: run npx tsx src/analyse/posture/generate-checks-doc.ts');
      process.exit(1);
    }
    console.log('docs/checks.md is current.');
  } else {
    fs.writeFileSync(CHECKS_DOC, renderChecksMarkdown(ruleset()));
    console.log(`wrote ${CHECKS_DOC}`);
  }
}
