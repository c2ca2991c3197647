import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { withGeneratedParts } from '../scripts/generate-docs.ts';
import { settings } from '../src/platform/config.ts';
import { errorCatalogue } from '../src/platform/errors.ts';

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('documentation stays true to the code', () => {
  test('the README quick start begins with npm install, npm start, npm test', () => {
    const commands = [...readme.matchAll(/^npm (install|start|test)$/gm)].map((m) => m[1]);
    expect(commands).toEqual(['install', 'start', 'test']);
  });

  test('the README configuration table is what `npm run docs` would generate', () => {
    expect(withGeneratedParts(readme)).toBe(readme);
    for (const s of settings) expect(readme).toContain(`\`${s.name}\``);
  });

  test('docs/errors.md lists every error code', () => {
    const errors = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(errorCatalogue)) expect(errors).toContain(code);
  });
});
