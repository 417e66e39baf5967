/**
 * The N authorizations a benchmark stack declares: spread over three source regions and several
 * aggregator accounts and regions so that every (source region, account, aggregator region) key is
 * unique, each with two tags. Both bench programs read the same list from `resources.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_REGIONS, OPT_IN_REGIONS } from "../test/harness/aws-aggregation";

export const SOURCE_REGIONS = ["eu-west-1", "us-west-2", "ap-southeast-2"] as const;
/** Aggregator accounts: 12 digits, none of them moto's source account 123456789012. */
export const AGGREGATOR_ACCOUNTS = ["111122223333", "210987654321", "444455556666", "777788889999", "999900001111"] as const;
export const AGGREGATOR_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-2",
    "eu-west-3",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ca-central-1",
    "sa-east-1",
    "me-south-1",
] as const;
/** Source accounts for the multi-account benches: 12 digits, none of them an aggregator account or moto's default. */
export const sourceAccounts = (a: number) => Array.from({ length: a }, (_, k) => String(500000000000 + k * 1111));

/** The source regions of the organization bench, in order: the 17 every account has, then opt-in ones (one is the added region). */
export const ORGANIZATION_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];

export const MAX_N = SOURCE_REGIONS.length * AGGREGATOR_ACCOUNTS.length * AGGREGATOR_REGIONS.length;

export interface Spec {
    name: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
    region: string;
    tags: Record<string, string>;
}

/**
 * Tag set 1 is what a create applies; tag set 2 removes `team`, keeps `cost-center` and adds
 * `stage`, so that the update needs both an UntagResource and a TagResource (the most a tag
 * update can need).
 */
export type TagSet = 1 | 2;

function tagsOf(i: number, set: TagSet): Record<string, string> {
    const costCenter = `cc-${i % 4}`;
    return set === 1 ? { team: "platform", "cost-center": costCenter } : { "cost-center": costCenter, stage: "bench" };
}

export function specs(n: number, set: TagSet): Spec[] {
    if (n > MAX_N) throw new Error(`at most ${MAX_N} unique authorizations, asked for ${n}`);
    return Array.from({ length: n }, (_, i) => {
        const j = Math.floor(i / SOURCE_REGIONS.length);
        return {
            name: `auth-${i}`,
            region: SOURCE_REGIONS[i % SOURCE_REGIONS.length],
            authorizedAccountId: AGGREGATOR_ACCOUNTS[j % AGGREGATOR_ACCOUNTS.length],
            authorizedAwsRegion: AGGREGATOR_REGIONS[Math.floor(j / AGGREGATOR_ACCOUNTS.length)],
            tags: tagsOf(i, set),
        };
    });
}

/** The number of resources per source region for N authorizations. */
export function perRegion(n: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of specs(n, 1)) out[s.region] = (out[s.region] ?? 0) + 1;
    return out;
}

/** Writes the list where the copied program reads it (`<program dir>/resources.json`). */
export function writeSpecs(programDir: string, n: number, set: TagSet): void {
    fs.writeFileSync(path.join(programDir, "resources.json"), JSON.stringify(specs(n, set)));
}
