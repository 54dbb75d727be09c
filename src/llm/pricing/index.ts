export {
  bundledPrices,
  costOf,
  createPriceTable,
  priceFor,
  priceTableVersion,
  type Price,
  type PriceMatch,
  type PriceTable,
  type TokenUsage,
} from './table.js';
