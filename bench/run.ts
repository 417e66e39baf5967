/**
 * `npm run bench`: times `pulumi up`, `preview` (no changes), `refresh`, a tag update and
 * `destroy` for N = 1, 50 and 200 authorizations against moto on loopback, side by side with the
 * engine floor (the same N as no-op dynamic resources) and a lean floor (the same, with the provider
 * stored as a short module text as ours is), counts the AWS calls each command makes,
 * measures the serialized provider in the state, the dynamic provider's peak RSS and the CPU time
 * of every process of a command, then runs
 * `up` and `destroy` of 200 under an AWS-like rate limit. Prints the report and writes BENCHMARKS.md.
 *
 *   node dist/bench/run.js [--sizes 1,50,200] [--reps 3] [--reps-large 5] [--large-from 200]
 *                          [--rate-limit-n 200 | --no-rate-limit] [--no-warmup] [--out BENCHMARKS.md]
 *                          [--summary bench/summary.json] [--raw [dir]]
 *
 * Beside the report it writes its summary (every figure the report shows; `npm run bench:report` renders
 * the report again from it): bench/summary.json for the default --out, else <out>.summary.json.
 * `--raw` also writes every sample (each AWS call's arrival) to dir (default .bench-raw/, outside git).
 */
import * as path from "node:path";
import { ConfigServiceClient, DescribeAggregationAuthorizationsCommand } from "@aws-sdk/client-config-service";
import { CREDENTIALS_ENV } from "../test/harness/aws";
import type { RecordingProxy } from "../test/harness/proxy";
import { REPO, type Stack } from "../test/harness/pulumi";
import { environment, loadAverage } from "./environment";
import { COMMANDS, measure, type Measure, type Variant } from "./measure";
import { writeReport, type Options, type ReportInput, type Probe, type RateLimited, type StateSize } from "./report";
import { tokenBucket } from "./rules";
import { brief, commandOf, REPORT, run, writeRaw, type Bench } from "./runner";
import { writeSpecs } from "./specs";
import { summarize, writeSummary } from "./summary";
import { TYPE } from "../provider/core/model/dynamic";
import { eachFlag, rawDir } from "./flags";

/** The committed summary of the committed report. */
const SUMMARY = path.join(REPO, "bench/summary.json");

type RunVariant = Exclude<Variant, "pulumi-aws">;
const PROGRAMS: Record<RunVariant, string> = {
    ours: path.join(REPO, "bench/programs/authorizations"),
    floor: path.join(REPO, "bench/programs/floor"),
    lean: path.join(REPO, "bench/programs/floor-lean"),
};
const VARIANTS: RunVariant[] = ["ours", "floor", "lean"];
/** The resource types in the state (ours as in sdk/authorization.ts; importing it would load @pulumi/pulumi here). */
const TYPES: Record<RunVariant, string> = {
    ours: TYPE,
    floor: "pulumi-nodejs:dynamic/bench:Noop",
    lean: "pulumi-nodejs:dynamic/bench:LeanNoop",
};
/** AWS-like limit for the rate-limited run: per account and region. */
export const RATE = { ratePerSecond: 10, capacity: 10, service: "config" };

function parseOptions(argv: string[]): Options {
    const o: Options = {
        sizes: [1, 50, 200],
        reps: 3,
        repsLarge: 5,
        largeFrom: 200,
        rateLimitN: 200,
        warmup: true,
        out: REPORT,
    };
    eachFlag(argv, "bench/run.ts", (flag, value, int, optional) => {
        if (flag === "--sizes") o.sizes = value().split(",").map(int);
        else if (flag === "--reps") o.reps = int(value());
        else if (flag === "--reps-large") o.repsLarge = int(value());
        else if (flag === "--large-from") o.largeFrom = int(value());
        else if (flag === "--rate-limit-n") o.rateLimitN = int(value());
        else if (flag === "--no-rate-limit") o.rateLimitN = undefined;
        else if (flag === "--no-warmup") o.warmup = false;
        else if (flag === "--out") o.out = path.resolve(value());
        else if (flag === "--summary") o.summary = path.resolve(value());
        else if (flag === "--raw") o.raw = rawDir(optional);
        else return false;
        return true;
    });
    return o;
}

/** Where the summary goes: bench/summary.json beside the committed report, else beside the report written. */
const summaryOf = (o: Options) => o.summary ?? (o.out === REPORT ? SUMMARY : `${o.out.replace(/\.md$/, "")}.summary.json`);

/** The `__provider` text and the whole resource in `pulumi stack export`, bytes per resource. */
async function stateSize(stack: Stack, variant: RunVariant, n: number): Promise<StateSize> {
    const resources = stack.exportState().resources.filter((r) => r.type === TYPES[variant]);
    if (resources.length !== n)
        throw new Error(`${variant}: the state holds ${resources.length} resources of ${TYPES[variant]}, expected ${n}`);
    const bytes = (v: unknown) => Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v ?? ""));
    return {
        n,
        variant,
        providerBytes: Math.max(...resources.map((r) => bytes(r.inputs?.__provider))),
        resourceBytes: Math.round(resources.reduce((a, r) => a + bytes(r), 0) / n),
    };
}

/** The round trip of one Config call through the proxy to moto: sequential, and 8 at a time. */
async function probe(proxy: RecordingProxy): Promise<Probe> {
    const client = new ConfigServiceClient({
        region: "eu-west-1",
        endpoint: proxy.url,
        maxAttempts: 1,
        credentials: { accessKeyId: CREDENTIALS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS_ENV.AWS_SECRET_ACCESS_KEY },
    });
    const call = () => client.send(new DescribeAggregationAuthorizationsCommand({}));
    for (let i = 0; i < 5; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
        const t = performance.now();
        await call();
        times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const t0 = performance.now();
    const total = 160;
    let next = 0;
    await Promise.all(
        Array.from({ length: 8 }, async () => {
            while (next++ < total) await call();
        }),
    );
    const parallelPerSecond = total / ((performance.now() - t0) / 1000);
    client.destroy();
    proxy.clear();
    return { sequentialMs: times[Math.floor(times.length / 2)], parallelPerSecond };
}

async function warmup(bench: Bench): Promise<void> {
    bench.log("warm-up: an untimed up and destroy of N=1 for each program");
    for (const v of VARIANTS) {
        const s = await bench.stack(PROGRAMS[v]);
        writeSpecs(s.dir, 1, 1);
        await s.up();
        await s.destroy();
        bench.dispose(s);
    }
}

/**
 * One N: every command for ours and the floors, interleaved command by command, `reps` times; the
 * order of the programs rotates from one run to the next, so that none always goes first.
 */
async function size(bench: Bench, n: number, reps: number, results: Measure[], states: StateSize[]): Promise<void> {
    const stacks = {} as Record<RunVariant, Stack>;
    for (const v of VARIANTS) stacks[v] = await bench.stack(PROGRAMS[v]);
    try {
        for (let rep = 0; rep < reps; rep++) {
            const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]);
            bench.log(`N=${n} rep ${rep + 1}/${reps} (${order.join(" then ")})`);
            for (const v of order) writeSpecs(stacks[v].dir, n, 1);
            for (const command of COMMANDS) {
                for (const v of order) {
                    if (command === "update-tags") writeSpecs(stacks[v].dir, n, 2);
                    const m = await measure(bench.aws, stacks[v], { n, variant: v, command, rep }, commandOf(stacks[v], command));
                    results.push(m);
                    bench.log(`  ${brief(m)}`);
                    if (m.error) throw new Error(`${v} ${command} at N=${n} failed:\n${m.error}`);
                    if (command === "up" && rep === 0) states.push(await stateSize(stacks[v], v, n));
                }
            }
        }
    } finally {
        for (const v of VARIANTS) bench.dispose(stacks[v]);
    }
}

/** `up` and `destroy` of N authorizations with a token bucket of 10 Config calls/s per region in the proxy. */
async function rateLimited(bench: Bench, n: number): Promise<RateLimited> {
    const { aws, log } = bench;
    const stack = await bench.stack(PROGRAMS.ours);
    try {
        writeSpecs(stack.dir, n, 1);
        log(`rate-limited: up of ${n} under ${RATE.ratePerSecond} Config calls/s per region (bucket of ${RATE.capacity})`);
        const up = await measure(aws, stack, { n, variant: "ours", command: "up", rep: -1 }, () => stack.up(), tokenBucket(RATE).rule);
        log(`  ${brief(up)}`);
        const inState = stack.exportState().resources.filter((r) => r.type === TYPES.ours).length;
        log(`rate-limited: destroy of ${inState} under the same limit`);
        const destroy = await measure(
            aws,
            stack,
            { n, variant: "ours", command: "destroy", rep: -1 },
            () => stack.destroy(),
            tokenBucket(RATE).rule,
        );
        log(`  ${brief(destroy)}`);
        let cleanup: Measure | undefined;
        if (destroy.error) {
            log("rate-limited destroy failed: destroying again without the limit");
            cleanup = await measure(aws, stack, { n, variant: "ours", command: "destroy", rep: -2 }, () => stack.destroy());
        }
        return { n, up, inState, destroy, cleanup };
    } finally {
        bench.dispose(stack);
    }
}

async function main(bench: Bench): Promise<number> {
    const { log, moto, proxy } = bench;
    const options = parseOptions(process.argv.slice(2));
    log(`options: ${JSON.stringify({ ...options, out: path.relative(REPO, options.out) })}`);
    const env = environment();
    const loadStart = loadAverage();
    log(`${env.cpu}, ${env.nproc} CPUs, ${env.memory}; node ${env.node}; pulumi ${env.pulumi}; moto ${env.moto}`);
    const results: Measure[] = [];
    const states: StateSize[] = [];
    const failures: string[] = [];
    let rate: RateLimited | undefined;
    const roundTrip = await probe(proxy);
    log(
        `AWS round trip through the proxy to moto: ${roundTrip.sequentialMs.toFixed(1)} ms sequential, ` +
            `${roundTrip.parallelPerSecond.toFixed(0)} calls/s 8 at a time`,
    );
    if (options.warmup) await warmup(bench);
    for (const n of options.sizes) {
        await moto.reset();
        try {
            await size(bench, n, n >= options.largeFrom ? options.repsLarge : options.reps, results, states);
        } catch (e) {
            failures.push(`N=${n}: ${e instanceof Error ? e.message : String(e)}`);
            log(`N=${n} FAILED; going on with the next size`);
        }
    }
    if (options.rateLimitN !== undefined) {
        await moto.reset();
        try {
            rate = await rateLimited(bench, options.rateLimitN);
        } catch (e) {
            failures.push(`rate-limited run: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    const benchSeconds = bench.seconds();
    const load = { start: loadStart, end: loadAverage() };
    const input: ReportInput = { env, options, aws: roundTrip, results, states, rate, failures, benchSeconds, rateLimit: RATE, load };
    if (options.raw) writeRaw(options.raw, "run", input, log);
    const summary = summarize(input, REPO);
    writeSummary(summaryOf(options), summary);
    const markdown = writeReport(summary, options.out);
    process.stdout.write(markdown);
    log(
        `wrote ${path.relative(REPO, options.out)} and ${path.relative(REPO, summaryOf(options))} in ${(benchSeconds / 60).toFixed(1)} min`,
    );
    return failures.length ? 1 : 0;
}

run("bench", main);
