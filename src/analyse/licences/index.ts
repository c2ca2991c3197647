/** Licence analysis (issue 7): inventory, holders, idle accounts, overlaps, usage and waste in money. */
export { analyseLicences, LICENCE_DATASETS, type LicenceOptions } from './analyse-licences.ts';
export {
  type Book,
  type BookRow,
  type BookTotals,
  licenceBook,
  licenceTrend,
  licenceTrendFromSnapshots,
} from './book.ts';
export { CSV_TABLES, type CsvTable, csvCell, licencesCsv, toCsv } from './licence-csv.ts';
export { licencesMarkdown } from './licence-markdown.ts';
export * from './licence-types.ts';
export {
  PRICE_BOOK_FORMAT,
  type PriceBook,
  type PriceBookFile,
  type PriceEntry,
  parsePriceBook,
  priceBookFor,
  starterPriceBook,
  validatePriceBook,
} from './price-book.ts';
export {
  type CatalogueSku,
  defaultSkuCatalogue,
  parseSkuCatalogue,
  type SkuCatalogue,
  skuName,
} from './sku-catalogue.ts';
export { idleSeats, type SkuLine, skuLines, topWasteSku } from './sku-lines.ts';
