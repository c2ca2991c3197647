import { describe, expect, it } from 'vitest';
import { schemaProperties } from './gen-properties.ts';
import { SCHEMA_PROPERTIES } from './properties.generated.ts';
import { defaultSchemaPath } from './schema-path.ts';

describe('properties.generated.ts', () => {
  it('matches the official schema it was generated from (run gen-properties.ts when this fails)', () => {
    expect(SCHEMA_PROPERTIES).toEqual(schemaProperties(defaultSchemaPath()));
  });
});
