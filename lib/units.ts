// Which currency a figure is in. Sizes and inventory count the market's base (ETH), prices, fees and PnL
// its quote (USD). The server names them when the market does; otherwise they come from the symbol
// ("ETH-USD", "BTC/USDT"), and a symbol without a pair reads as a share priced in an unnamed quote.

export interface MarketUnits {
  /** Sizes, inventory. */
  base: string;
  /** Prices, fees, PnL. */
  quote: string;
}

const PAIR = /^([A-Za-z0-9.]{1,16})[-/_:]([A-Za-z0-9.]{1,16})$/;

export function unitsOf(symbol: string | undefined, named: { baseCurrency?: string | null; quoteCurrency?: string | null } = {}): MarketUnits {
  const pair = symbol ? PAIR.exec(symbol.trim()) : null;
  return {
    base: named.baseCurrency || (pair ? pair[1]!.toUpperCase() : symbol?.trim() || "units"),
    quote: named.quoteCurrency || (pair ? pair[2]!.toUpperCase() : "quote"),
  };
}
