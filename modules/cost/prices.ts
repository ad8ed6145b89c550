import table from "./prices.json";

/**
 * The price table of `npm run cost` (prices.json beside this file): on-demand list prices in
 * USD, each with the source it was read from. A missing Region or key is an error naming what
 * is missing and what is covered, never a zero.
 */

/** One unit price and where it comes from (a key of {@link PriceTable.sources}). */
export interface UnitPrice {
  readonly usd: number;
  readonly source: string;
}

/** Where a price was read. `unverified` prices are marked in every estimate. */
export interface PriceSource {
  readonly title: string;
  readonly url?: string;
  readonly repository?: string;
  readonly path?: string;
  readonly commit?: string;
  /** Date of the data itself (YYYY-MM-DD): AWS's publication date, or when the data was generated. */
  readonly published?: string;
  /** Date the source was read (YYYY-MM-DD). */
  readonly read: string;
  /**
   * `aws`: an AWS pricing page; `price-list`: AWS's own machine-readable price data (the Price
   * List API, or the metered unit maps behind AWS's pricing pages), read from AWS or from a
   * public copy; `secondary`: a third party quoting a price; `unverified`: not read from any
   * source. `aws` and `price-list` are AWS's own data.
   */
  readonly kind: "aws" | "price-list" | "secondary" | "unverified";
}

/** The unit prices of one Region. */
export interface RegionPrices {
  readonly natGatewayHour: UnitPrice;
  readonly natGatewayGb: UnitPrice;
  readonly publicIpv4Hour: UnitPrice;
  readonly interfaceEndpointAzHour: UnitPrice;
  readonly interfaceEndpointGb: UnitPrice;
  readonly transitGatewayAttachmentHour: UnitPrice;
  readonly transitGatewayGb: UnitPrice;
  /** Data transfer out of this Region to another Region (billed by the source Region). */
  readonly interRegionOutGb: UnitPrice;
  /** FSx for Lustre PERSISTENT_2 SSD, per GB-month of capacity, by MB/s/TiB throughput tier. */
  readonly fsxLustrePersistent2SsdGbMonth: Readonly<Record<string, UnitPrice>>;
  readonly opensearchInstanceHour: Readonly<Record<string, UnitPrice>>;
  readonly opensearchGp3GbMonth: UnitPrice;
  readonly sagemakerNotebookHour: Readonly<Record<string, UnitPrice>>;
  readonly sagemakerStorageGbMonth: UnitPrice;
  readonly fargateVcpuHour: UnitPrice;
  readonly fargateGbHour: UnitPrice;
  readonly albHour: UnitPrice;
  readonly albLcuHour: UnitPrice;
  readonly ebsGp3GbMonth: UnitPrice;
  readonly kmsKeyMonth: UnitPrice;
  readonly cloudwatchAlarmMonth: UnitPrice;
  readonly cloudwatchLogsIngestGb: UnitPrice;
  readonly route53HostedZoneMonth: UnitPrice;
  readonly ec2InstanceHour: Readonly<Record<string, UnitPrice>>;
}

/** The whole table. */
export interface PriceTable {
  /** Date the table was compiled (YYYY-MM-DD). */
  readonly compiled: string;
  readonly currency: "USD";
  /** Hours in the estimate's month (AWS's own calculator uses 730). */
  readonly hoursPerMonth: number;
  readonly sources: Readonly<Record<string, PriceSource>>;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

/** The table shipped in this repository. */
export const PRICES = table as unknown as PriceTable;

/** Keys of a Region's prices that are maps by a resource attribute (instance type, tier). */
export type KeyedPrice = "fsxLustrePersistent2SsdGbMonth" | "opensearchInstanceHour" | "sagemakerNotebookHour" | "ec2InstanceHour";
/** Keys of a Region's prices that are one unit price. */
export type FlatPrice = Exclude<keyof RegionPrices, KeyedPrice>;

/** Thrown when the table lacks a price the topology needs. */
export class MissingPriceError extends Error {}

/** Looks up prices, failing loudly on anything the table does not cover. */
export class PriceBook {
  constructor(public readonly table: PriceTable = PRICES) {}

  /** The Regions the table covers, sorted. */
  regions(): string[] {
    return Object.keys(this.table.regions).sort();
  }

  private region(region: string): RegionPrices {
    const prices = this.table.regions[region];
    if (prices === undefined) {
      throw new MissingPriceError(
        `cost: no prices for Region ${region} in modules/cost/prices.json; covered: ${this.regions().join(", ")}. ` +
          "Add the Region's prices (every key the other Regions have, each with its source) or estimate a topology in the covered Regions",
      );
    }
    return prices;
  }

  /** A flat unit price of a Region. */
  price(region: string, key: FlatPrice): UnitPrice {
    const price = this.region(region)[key];
    if (price === undefined) {
      throw new MissingPriceError(`cost: modules/cost/prices.json has no ${key} for ${region}`);
    }
    return price;
  }

  /** A unit price keyed by an attribute (instance type, throughput tier). */
  keyed(region: string, key: KeyedPrice, attribute: string): UnitPrice {
    const prices = this.region(region)[key];
    const price = prices?.[attribute];
    if (price === undefined) {
      throw new MissingPriceError(
        `cost: modules/cost/prices.json has no ${key} for "${attribute}" in ${region}; priced there: ${Object.keys(prices ?? {}).sort().join(", ") || "none"}`,
      );
    }
    return price;
  }

  /** True when the price's source was not read while the table was compiled. */
  unverified(price: UnitPrice): boolean {
    return this.table.sources[price.source]?.kind === "unverified";
  }

  /** True when the price is a third party's quote, not AWS's own data. */
  thirdParty(price: UnitPrice): boolean {
    return this.table.sources[price.source]?.kind === "secondary";
  }

  /** The mark an estimate puts after a price: `?` unverified, `~` third-party, nothing for AWS's own data. */
  mark(price: UnitPrice): string {
    return this.unverified(price) ? "?" : this.thirdParty(price) ? "~" : "";
  }
}
