import { describe, expect, test } from 'vitest';
import { evaluateKql, type Row } from './kql-eval.ts';
import { parseKql } from './kql-parse.ts';
import { KqlError } from './kql-types.ts';

const ROWS: Row[] = [
  {
    id: '/a',
    name: 'vm-b',
    type: 'microsoft.compute/virtualmachines',
    location: 'westeurope',
    properties: { hardwareProfile: { vmSize: 'D4' } },
    tags: { env: 'prod' },
  },
  {
    id: '/b',
    name: 'vm-a',
    type: 'microsoft.compute/virtualmachines',
    location: 'eastus',
    properties: { hardwareProfile: { vmSize: 'D2' } },
    tags: {},
  },
  {
    id: '/c',
    name: 'st1',
    type: 'microsoft.storage/storageaccounts',
    location: 'westeurope',
    properties: {},
    tags: { env: 'dev' },
  },
  {
    id: '/d',
    name: 'disk1',
    type: 'microsoft.compute/disks',
    location: 'eastus',
    properties: {},
    tags: null,
  },
];
const COLUMNS = ['id', 'name', 'type', 'location', 'properties', 'tags'];

function run(query: string) {
  return evaluateKql(parseKql(query), ROWS, COLUMNS);
}

describe('KQL subset', () => {
  test.each([
    ["Resources | where type =~ 'Microsoft.Compute/virtualMachines'", ['vm-b', 'vm-a']],
    ["Resources | where type == 'Microsoft.Compute/virtualMachines'", []],
    ["Resources | where type == 'microsoft.compute/virtualmachines' and location == 'eastus'", ['vm-a']],
    ["Resources | where location == 'eastus' or name == 'st1'", ['vm-a', 'st1', 'disk1']],
    [
      "Resources | where type in~ ('Microsoft.Compute/disks', 'MICROSOFT.STORAGE/STORAGEACCOUNTS')",
      ['st1', 'disk1'],
    ],
    ["Resources | where type !in ('microsoft.compute/disks')", ['vm-b', 'vm-a', 'st1']],
    ["Resources | where tags['env'] == 'prod'", ['vm-b']],
    ["Resources | where tags.env =~ 'DEV'", ['st1']],
    ["Resources | where properties.hardwareProfile.vmSize startswith 'd'", ['vm-b', 'vm-a']],
    ["Resources | where name contains 'VM' and not(location == 'eastus')", ['vm-b']],
    ['Resources | where isnotempty(tags.env)', ['vm-b', 'st1']],
    [
      "Resources | where (location == 'eastus' or location == 'x') and type =~ 'microsoft.compute/disks'",
      ['disk1'],
    ],
    ['Resources | order by name asc', ['disk1', 'st1', 'vm-a', 'vm-b']],
    ['Resources | order by name', ['vm-b', 'vm-a', 'st1', 'disk1']],
    ['Resources | sort by location asc, name desc | limit 3', ['vm-a', 'disk1', 'vm-b']],
    ['Resources | take 1', ['vm-b']],
  ])('%s', (query, names) => {
    expect(run(query).rows.map((r) => r.name)).toEqual(names);
  });

  test('project keeps only the named columns, in order, and names paths a_b_c', () => {
    const result = run('Resources | project name, vmSize = properties.hardwareProfile.vmSize, tags.env');
    expect(result.columns).toEqual(['name', 'vmSize', 'tags_env']);
    expect(result.rows[0]).toEqual({ name: 'vm-b', vmSize: 'D4', tags_env: 'prod' });
    expect(Object.keys(result.rows[3]!)).toEqual(['name', 'vmSize', 'tags_env']);
  });

  test('summarize count() by type counts each type once', () => {
    const result = run('Resources | summarize count() by type | order by type asc');
    expect(result.columns).toEqual(['type', 'count_']);
    expect(result.rows).toEqual([
      { type: 'microsoft.compute/disks', count_: 1 },
      { type: 'microsoft.compute/virtualmachines', count_: 2 },
      { type: 'microsoft.storage/storageaccounts', count_: 1 },
    ]);
  });

  test('summarize with a named count and no by gives one row', () => {
    expect(run('Resources | summarize n = count()').rows).toEqual([{ n: 4 }]);
    expect(run('Resources | count').rows).toEqual([{ Count: 4 }]);
  });

  test('limit marks the result as not pageable', () => {
    expect(run('Resources | limit 2').limited).toBe(true);
    expect(run('Resources | project id').limited).toBe(false);
  });

  test.each([
    ['Resources | extend x = 1', 'UnsupportedOperator'],
    ['Resources | where', 'ParserFailure'],
    ["Resources | where name == 'x", 'ParserFailure'],
    ['Resources | summarize avg(x) by type', 'UnknownFunction'],
    ['Resources | project nosuchcolumn', 'FailedToResolveScalarExpression'],
    ['Resources | project name | where type == "x"', 'FailedToResolveScalarExpression'],
    ['Resources | limit 2 extra', 'ParserFailure'],
  ])('%s is refused with %s', (query, code) => {
    try {
      run(query);
      expect.unreachable('query should have been refused');
    } catch (error) {
      expect(error).toBeInstanceOf(KqlError);
      expect((error as KqlError).code).toBe(code);
    }
  });
});
