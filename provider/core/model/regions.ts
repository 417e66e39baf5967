/**
 * The regions the AWS SDK's partition metadata lists, so that `us-esat-1` fails the preview with "did
 * you mean us-east-1?". The SDK exports no list, so it is read from the `partitions.js` of the
 * `@aws-sdk/core` that the Config client loads; if a future SDK moves it, only the syntax is checked.
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

/** Read once, when the module loads: the SDK's partition metadata does not change while a process runs. */
const PARTITIONS = readPartitions();

/** Undefined when it cannot be found or parsed. */
export function loadPartitions(): Partition[] | undefined {
    return PARTITIONS;
}

function readPartitions(): Partition[] | undefined {
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
        return parts.some((p) => p.id === "aws" && p.regions.includes("us-east-1")) ? parts : undefined;
    } catch {
        return undefined;
    }
}

/** Every listed region of every partition. */
export function knownRegions(): string[] | undefined {
    return loadPartitions()?.flatMap((p) => p.regions);
}

/** The partition listing `region`, else the one whose `regionRegex` matches. */
export function partitionOfRegion(region: string): Partition | undefined {
    const parts = loadPartitions() ?? [];
    return parts.find((p) => p.regions.includes(region)) ?? parts.find((p) => p.regionRegex.test(region));
}

/** Edit distance counting a transposition as one: `us-esat-1` is 1 from `us-east-1`. */
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

/** The known region `region` is a plausible typo of. */
export function closestRegion(region: string): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const r of knownRegions() ?? []) {
        const dist = distance(region, r);
        if (dist < bestDistance) [best, bestDistance] = [r, dist];
    }
    return bestDistance <= Math.max(2, Math.floor(region.length / 4)) ? best : undefined;
}

/** The region from the environment, as the AWS SDK and pulumi-aws read it. */
export function regionFromEnvironment(): string | undefined {
    return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
}
