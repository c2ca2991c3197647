#!/usr/bin/env node
// The `tenantscope` command. TypeScript runs through tsx, so a fresh clone needs only `npm install`.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
