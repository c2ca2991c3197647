/** One row of the merged catalogue (check-catalogs.md §5 describes the columns). */
export interface CatalogueRow {
  id: string;
  domain: string;
  statement: string;
  severity: string;
  api: string;
  endpoints: string[];
  logic: string;
  permissions: string[];
  minLicence: string;
  licenceNote: string;
  cis: string[];
  scuba: string[];
  scubaNote: string;
  maester: string[];
  prowler: string[];
  zta: string[];
  notes: string;
}
