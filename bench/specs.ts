/**
 * The authorizations the bench programs declare (each reads its list from `resources.json` in its
 * dir): every (source account, source region, aggregator account, aggregator region) key unique.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { roleIn } from "../test/harness/aws";
import { DEFAULT_REGIONS, OPT_IN_REGIONS } from "../test/harness/aws-aggregation";

export const SOURCE_REGIONS = ["eu-west-1", "us-west-2", "ap-southeast-2"] as const;
/** Aggregator accounts: 12 digits, none of them moto's source account 123456789012. */
export const AGGREGATOR_ACCOUNTS = ["111122223333", "210987654321", "444455556666", "777788889999", "999900001111"] as const;
export const AGGREGATOR_REGIONS = [
    ...["us-east-1", "us-east-2", "us-west-1", "eu-central-1", "eu-north-1", "eu-west-2", "eu-west-3", "ap-northeast-1"],
    ...["ap-northeast-2", "ap-south-1", "ap-southeast-1", "ca-central-1", "sa-east-1", "me-south-1"],
] as const;
/** Source accounts of the multi-account sections: none an aggregator account or moto's default. */
export const sourceAccounts = (a: number) => Array.from({ length: a }, (_, k) => String(500000000000 + k * 1111));
/** The organization section's source regions: the 17 every account has, then opt-in ones (one is the added region). */
export const ORGANIZATION_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];

/** The i-th aggregator key, round-robin over the accounts, then the regions. */
const aggregator = (i: number) => ({
    authorizedAccountId: AGGREGATOR_ACCOUNTS[i % AGGREGATOR_ACCOUNTS.length],
    authorizedAwsRegion: AGGREGATOR_REGIONS[Math.floor(i / AGGREGATOR_ACCOUNTS.length) % AGGREGATOR_REGIONS.length],
});

/** Tag set 1 is what a create applies; set 2 removes `team` and adds `stage`: an UntagResource and a TagResource (the most). */
const tagsOf = (i: number, set: 1 | 2) =>
    set === 1 ? { team: "platform", "cost-center": `cc-${i % 4}` } : { "cost-center": `cc-${i % 4}`, stage: "bench" };

/** N over `a` source accounts (roles; none: the stack's own) × the regions: i in account i mod A, region ⌊i/A⌋ mod 3, key ⌊i/3A⌋. */
export function specs(n: number, set: 1 | 2, a?: number) {
    const per = (a ?? 1) * SOURCE_REGIONS.length;
    if (n > per * AGGREGATOR_ACCOUNTS.length * AGGREGATOR_REGIONS.length) throw new Error(`too many authorizations: ${n}`);
    const accounts = a ? sourceAccounts(a) : [];
    return Array.from({ length: n }, (_, i) => ({
        name: a ? `lz-${i}` : `auth-${i}`,
        region: SOURCE_REGIONS[Math.floor(i / (a ?? 1)) % SOURCE_REGIONS.length],
        ...aggregator(Math.floor(i / per)),
        ...(a ? { roleArn: roleIn(accounts[i % a]) } : {}),
        tags: tagsOf(i, set),
    }));
}

/** N new authorizations from the stack's credentials in one source region (the failures section). */
export const stalledSpecs = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `f-${i}`, ...aggregator(i), region: "eu-west-1", tags: { team: "platform" } }));

/** The number of authorizations per source region of `specs(n, 1)`. */
export const perRegion = (n: number) =>
    specs(n, 1).reduce<Record<string, number>>((o, s) => ({ ...o, [s.region]: (o[s.region] ?? 0) + 1 }), {});

/** Writes the list where the copied program reads it. */
export const writeSpecs = (dir: string, list: object[]) => fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(list));
