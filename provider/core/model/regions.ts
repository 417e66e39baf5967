/**
 * The AWS regions this provider knows, from the partition metadata the AWS SDK ships
 * (`partitions.json` of the SDK's endpoint rules: each partition's listed regions and its
 * `regionRegex`), so that `us-esat-1` fails `pulumi preview` with "did you mean us-east-1?"
 * instead of failing (or, in an emulator, succeeding) at `pulumi up`.
 *
 * The SDK bundles the metadata into `@aws-sdk/core` (`@aws-sdk/util-endpoints` now re-exports it)
 * and exports only a lookup, `partition(region)`, not the list. The list is read from the copy of
 * `@aws-sdk/core` that `@aws-sdk/client-config-service` itself loads, in the form it ships
 * (`dist-es/submodules/client/util-endpoints/lib/aws/partitions.js`, a JSON object literal). If a
 * future SDK moves it, {@link knownRegions} returns undefined and only the region syntax is checked.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Partition {
    id: string;
    regionRegex: RegExp;
    /** Listed regions, without the `*-global` pseudo-regions. */
    regions: string[];
}

const PARTITIONS_FILE = "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";

let cached: Partition[] | null | undefined;

/** Reads the SDK's partition metadata; undefined when it cannot be found or parsed. */
export function loadPartitions(): Partition[] | undefined {
    if (cached !== undefined) return cached ?? undefined;
    cached = null;
    try {
        const client = require.resolve("@aws-sdk/client-config-service");
        const core = path.dirname(require.resolve("@aws-sdk/core/package.json", { paths: [path.dirname(client)] }));
        const text = fs.readFileSync(path.join(core, PARTITIONS_FILE), "utf8");
        const m = /export const partitionsInfo = (\{[\s\S]*\});?\s*$/.exec(text);
        if (!m) return undefined;
        const info = JSON.parse(m[1]) as { partitions?: { id: string; regionRegex: string; regions: Record<string, unknown> }[] };
        const parts = (info.partitions ?? []).map((p) => ({
            id: p.id,
            regionRegex: new RegExp(p.regionRegex),
            regions: Object.keys(p.regions ?? {}).filter((r) => !r.endsWith("-global")),
        }));
        if (!parts.some((p) => p.id === "aws" && p.regions.includes("us-east-1"))) return undefined;
        cached = parts;
    } catch {
        return undefined;
    }
    return cached;
}

/** Every listed region of every partition; undefined when the SDK's metadata is not available. */
export function knownRegions(): string[] | undefined {
    return loadPartitions()?.flatMap((p) => p.regions);
}

/** The partition whose `regionRegex` matches `region` (the listed partition first). */
export function partitionOfRegion(region: string): Partition | undefined {
    const parts = loadPartitions() ?? [];
    return parts.find((p) => p.regions.includes(region)) ?? parts.find((p) => p.regionRegex.test(region));
}

/** Edit distance with adjacent transpositions (optimal string alignment): `us-esat-1` is 1 from `us-east-1`. */
export function distance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The known region closest to `region`, if one is close enough to be a plausible typo. */
export function closestRegion(region: string): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const r of knownRegions() ?? []) {
        const dist = distance(region, r);
        if (dist < bestDistance) [best, bestDistance] = [r, dist];
    }
    return bestDistance <= Math.max(2, Math.floor(region.length / 4)) ? best : undefined;
}

/**
 * The source region when a resource names none, as the AWS SDK and pulumi-aws read the environment:
 * `AWS_REGION`, then `AWS_DEFAULT_REGION`. The resource class puts the stack's `aws:region` first.
 */
export function regionFromEnvironment(): string | undefined {
    return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
