/**
 * The main section: `up`, a no-change `preview`, `refresh`, a tag update and `destroy` of N
 * authorizations from one account beside the engine and lean floors, each command for each program
 * in turn, several runs; then `up` and `destroy` of 200 under 10 Config calls/s per region.
 *
 *   [--sizes 1,50,200] [--reps 3] [--reps-large 5] [--large-from 200] [--rate-limit-n 200 | --no-rate-limit] [--no-warmup]
 *   [--summary bench/summary.json]
 */
import * as path from "node:path";
import { ConfigServiceClient, DescribeAggregationAuthorizationsCommand } from "@aws-sdk/client-config-service";
import { CREDENTIALS_ENV } from "../test/harness/aws";
import { REPO } from "../test/harness/pulumi";
import { TYPE } from "../provider/core/model/dynamic";
import { COMMANDS, tokenBucket, type Bench, type Section, type Variant } from "./measure";
import { specs, writeSpecs } from "./specs";

const PROGRAMS: Partial<Record<Variant, string>> = {
    ours: path.join(REPO, "bench/programs/authorizations"),
    floor: path.join(REPO, "bench/programs/floor"),
    lean: path.join(REPO, "bench/programs/floor-lean"),
};
const VARIANTS = ["ours", "floor", "lean"] as const;
const TYPES = { ours: TYPE, floor: "pulumi-nodejs:dynamic/bench:Noop", lean: "pulumi-nodejs:dynamic/bench:LeanNoop" };
/** AWS-like limit of the rate-limited run: per account and region. */
const RATE = { ratePerSecond: 10, capacity: 10, service: "config" };

type Options = {
    sizes: number[];
    reps: number;
    repsLarge: number;
    largeFrom: number;
    rateLimitN?: number;
    warmup: boolean;
    summary?: string;
};

/** The round trip of one Config call through the proxy to moto: the median of 40 in a row, and calls/s 8 at a time. */
async function probe({ proxy }: Bench) {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = CREDENTIALS_ENV;
    const credentials = { accessKeyId, secretAccessKey };
    const client = new ConfigServiceClient({ region: "eu-west-1", endpoint: proxy.url, maxAttempts: 1, credentials });
    const call = () => client.send(new DescribeAggregationAuthorizationsCommand({}));
    for (let i = 0; i < 5; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
        const t = performance.now();
        await call();
        times.push(performance.now() - t);
    }
    const [t0, total] = [performance.now(), 160];
    let next = 0;
    const worker = async () => {
        while (next++ < total) await call();
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const parallelPerSecond = total / ((performance.now() - t0) / 1000);
    client.destroy();
    proxy.clear();
    return { sequentialMs: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], parallelPerSecond };
}

/** `up` (or `destroy`) of N under the rate limit, `rep` -1 (-2: a destroy without it, when that one failed). */
async function rateLimited(bench: Bench, n: number) {
    const stack = await bench.stack(PROGRAMS.ours!);
    writeSpecs(stack.dir, specs(n, 1));
    bench.log(`rate-limited: up of ${n} under ${RATE.ratePerSecond} Config calls/s per region (bucket of ${RATE.capacity})`);
    const limited = (command: "up" | "destroy", rep = -1) =>
        bench.measure(stack, { n, variant: "ours", command, rep }, rep === -1 ? tokenBucket(RATE, (c) => c.region).rule : undefined);
    const up = await limited("up");
    const inState = stack.exportState().resources.filter((r) => r.type === TYPE).length;
    const destroy = await limited("destroy");
    const cleanup = destroy.error ? await limited("destroy", -2) : undefined;
    bench.dispose(stack);
    return { n, up, inState, destroy, cleanup };
}

export const main: Section<Options> = {
    name: "main",
    defaults: { sizes: [1, 50, 200], reps: 3, repsLarge: 5, largeFrom: 200, rateLimitN: 200, warmup: true },
    flags: {
        ...{ "--sizes": ["sizes", "ints"], "--reps": ["reps", "int"], "--reps-large": ["repsLarge", "int"] },
        ...{ "--large-from": ["largeFrom", "int"], "--rate-limit-n": ["rateLimitN", "int"], "--no-rate-limit": ["rateLimitN", "unset"] },
        ...{ "--no-warmup": ["warmup", "false"], "--summary": ["summary", "path"] },
    },
    commands: COMMANDS,
    groups: (o) =>
        o.sizes.map((n) => ({
            reps: n >= o.largeFrom ? o.repsLarge : o.reps,
            runs: VARIANTS.map((variant) => ({ variant, program: PROGRAMS[variant]!, n })),
        })),
    prepare: (_, r, command) => writeSpecs(r.stack!.dir, specs(r.n, command === "update-tags" ? 2 : 1)),
    /** The `__provider` text and the whole resource in `pulumi stack export`, bytes per resource, after the first `up`. */
    state(_, r, command, rep) {
        if (command !== "up" || rep !== 0) return undefined;
        const type = TYPES[r.variant as (typeof VARIANTS)[number]];
        const resources = r.stack!.exportState().resources.filter((x) => x.type === type);
        if (resources.length !== r.n) throw new Error(`the state holds ${resources.length} resources of ${type}, expected ${r.n}`);
        const bytes = (v: unknown) => Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v ?? ""));
        const providerBytes = Math.max(...resources.map((x) => bytes(x.inputs?.__provider)));
        return { n: r.n, variant: r.variant, providerBytes, resourceBytes: Math.round(resources.reduce((a, x) => a + bytes(x), 0) / r.n) };
    },
    async before(bench, o, data) {
        const aws = (data.aws = await probe(bench));
        const trip = `${aws.sequentialMs.toFixed(1)} ms, ${aws.parallelPerSecond.toFixed(0)} calls/s 8 at a time`;
        bench.log(`AWS round trip through the proxy to moto: ${trip}`);
        if (!o.warmup) return;
        bench.log("warm-up: an untimed up and destroy of N=1 for each program");
        for (const v of VARIANTS) {
            const s = await bench.stack(PROGRAMS[v]!);
            writeSpecs(s.dir, specs(1, 1));
            await s.up();
            await s.destroy();
            bench.dispose(s);
        }
    },
    async after(bench, o, data) {
        data.rateLimit = RATE;
        if (o.rateLimitN === undefined) return;
        await bench.moto.reset();
        try {
            data.rate = await rateLimited(bench, o.rateLimitN);
        } catch (e) {
            data.failures.push(`rate-limited run: ${e instanceof Error ? e.message : String(e)}`);
        }
    },
};
