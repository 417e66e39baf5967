/**
 * The landing-zone benchmark (issue 10): N authorizations (default 1,000) over A source accounts
 * (default 10) × 3 source regions, each account reached through a role (moto's STS AssumeRole acts
 * in the role's account), under the real pulumi CLI against moto on loopback:
 *
 * - `up`, a no-change `preview`, `refresh`, a tag update and `destroy`, each beside the lean floor
 *   (the same N as no-op resources stored as ours is) in the same run;
 * - the same `up` under a token bucket of 10 Config calls/s per (account, region), against the rate
 *   floor (the calls served in the busiest bucket ÷ 10/s);
 * - `refresh` with 250 ms added to every AWS call, against the lean floor's refresh plus one round trip;
 * - the peak RSS of the dynamic-provider process.
 *
 * Writes its section of BENCHMARKS.md (between the landing-zone markers, replacing an earlier one).
 *
 *   node dist/bench/landing-zone.js [--n 1000] [--accounts 10] [--latency-ms 250] [--out BENCHMARKS.md] [--raw [dir]]
 *
 * `--raw` also writes every sample (each AWS call's arrival, CPU by process) to dir (default .bench-raw/, outside git).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { faults, type FaultRule } from "../test/harness/proxy";
import { REPO, type Stack } from "../test/harness/pulumi";
import { environment } from "./environment";
import { COMMANDS, measure, type CommandName, type Measure, type Variant } from "./measure";
import { brief, commandOf, REPORT, run, section as marked, writeRaw, writeSection, type Bench } from "./runner";
import { AGGREGATOR_ACCOUNTS, AGGREGATOR_REGIONS, SOURCE_REGIONS, sourceAccounts } from "./specs";
import { eachFlag, rawDir } from "./flags";
import { judge, mark, TARGETS, type Met } from "./targets";

const PROGRAMS = {
    ours: path.join(REPO, "bench/programs/landing-zone"),
    lean: path.join(REPO, "bench/programs/floor-lean"),
};
const RATE = { ratePerSecond: 10, capacity: 10 };
const SECTION = "landing-zone";

interface Options {
    n: number;
    accounts: number;
    latencyMs: number;
    out: string;
    raw?: string;
}

function parseOptions(argv: string[]): Options {
    const o: Options = { n: 1000, accounts: 10, latencyMs: 250, out: REPORT };
    eachFlag(argv, "bench/landing-zone.ts", (flag, value, int, optional) => {
        if (flag === "--n") o.n = int(value());
        else if (flag === "--accounts") o.accounts = int(value());
        else if (flag === "--latency-ms") o.latencyMs = int(value());
        else if (flag === "--out") o.out = path.resolve(value());
        else if (flag === "--raw") o.raw = rawDir(optional);
        else return false;
        return true;
    });
    return o;
}

/**
 * N authorizations: spec i lives in account i mod A, in source region ⌊i/A⌋ mod 3, and authorizes
 * aggregator key ⌊i/3A⌋ (account, region), so every (source account, source region, key) is unique.
 */
export function landingZoneSpecs(n: number, a: number, set: 1 | 2) {
    const accounts = sourceAccounts(a);
    const keys = AGGREGATOR_ACCOUNTS.length * AGGREGATOR_REGIONS.length;
    if (Math.ceil(n / (a * SOURCE_REGIONS.length)) > keys)
        throw new Error(`at most ${keys * a * SOURCE_REGIONS.length} authorizations for ${a} accounts`);
    return Array.from({ length: n }, (_, i) => {
        const j = Math.floor(i / (a * SOURCE_REGIONS.length));
        const account = accounts[i % a];
        const costCenter = `cc-${i % 4}`;
        return {
            name: `lz-${i}`,
            region: SOURCE_REGIONS[Math.floor(i / a) % SOURCE_REGIONS.length],
            authorizedAccountId: AGGREGATOR_ACCOUNTS[j % AGGREGATOR_ACCOUNTS.length],
            authorizedAwsRegion: AGGREGATOR_REGIONS[Math.floor(j / AGGREGATOR_ACCOUNTS.length)],
            roleArn: `arn:aws:iam::${account}:role/config-authorizer`,
            tags: set === 1 ? { team: "platform", "cost-center": costCenter } : { "cost-center": costCenter, stage: "bench" },
        };
    });
}

/**
 * A token bucket per (account, region) for Config calls. The account is told by the access key: each
 * role's credentials are one key in one provider process.
 */
function bucketPerAccountAndRegion(): { rule: FaultRule; served: Map<string, number> } {
    const buckets = new Map<string, { tokens: number; at: number }>();
    const served = new Map<string, number>();
    const rule: FaultRule = (call) => {
        if (call.service !== "config") return undefined;
        const key = `${call.accessKeyId}/${call.region}`;
        const t = performance.now();
        const b = buckets.get(key) ?? { tokens: RATE.capacity, at: t };
        b.tokens = Math.min(RATE.capacity, b.tokens + ((t - b.at) * RATE.ratePerSecond) / 1000);
        b.at = t;
        buckets.set(key, b);
        if (b.tokens < 1) return faults.throttle();
        b.tokens -= 1;
        served.set(key, (served.get(key) ?? 0) + 1);
        return undefined;
    };
    return { rule, served };
}

function write(stack: Stack, o: Options, set: 1 | 2): void {
    fs.writeFileSync(path.join(stack.dir, "resources.json"), JSON.stringify(landingZoneSpecs(o.n, o.accounts, set)));
}

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const mib = (kib: number) => (kib / 1024).toFixed(0);

async function main(bench: Bench): Promise<number> {
    const { log, moto, proxy, aws } = bench;
    const o = parseOptions(process.argv.slice(2));
    const env = environment();
    log(`N=${o.n} over ${o.accounts} accounts × ${SOURCE_REGIONS.length} regions; ${env.cpu}, ${env.nproc} CPUs; pulumi ${env.pulumi}`);
    const results: Measure[] = [];
    const failures: string[] = [];
    let limited: { up: Measure; floor: number; busiest: string; buckets: number } | undefined;
    const latency: Measure[] = [];
    try {
        const ours = await bench.stack(PROGRAMS.ours);
        const lean = await bench.stack(PROGRAMS.lean);
        for (const s of [ours, lean]) write(s, o, 1);
        for (const command of COMMANDS) {
            for (const [variant, stack] of [
                ["ours", ours],
                ["lean", lean],
            ] as const) {
                if (command === "update-tags") write(stack, o, 2);
                const m = await measure(aws, stack, { n: o.n, variant, command, rep: 0 }, commandOf(stack, command));
                results.push(m);
                log(brief(m));
                if (m.error) throw new Error(`${variant} ${command} failed:\n${m.error}`);
            }
        }

        await moto.reset();
        const stack = await bench.stack(PROGRAMS.ours);
        write(stack, o, 1);
        log(`up under ${RATE.ratePerSecond} Config calls/s per (account, region)`);
        const bucket = bucketPerAccountAndRegion();
        const up = await measure(aws, stack, { n: o.n, variant: "ours", command: "up", rep: -1 }, commandOf(stack, "up"), bucket.rule);
        log(brief(up));
        const [busiest, most] = [...bucket.served.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
        // The bucket starts full: its first `capacity` calls need no wait.
        limited = { up, floor: Math.max(0, most - RATE.capacity) / RATE.ratePerSecond, busiest, buckets: bucket.served.size };
        if (up.error) failures.push(`rate-limited up: ${up.error}`);

        proxy.latencyMs = o.latencyMs;
        for (const parallel of [undefined, 256]) {
            log(`refresh with ${o.latencyMs} ms added to every AWS call${parallel ? ` --parallel ${parallel}` : ""}`);
            const m = await measure(
                aws,
                stack,
                { n: o.n, variant: "ours", command: "refresh", rep: parallel ? -3 : -2 },
                commandOf(stack, "refresh", parallel),
            );
            latency.push(m);
            log(brief(m));
            if (m.error) failures.push(`refresh under latency: ${m.error}`);
        }
        proxy.latencyMs = 0;
        const d = await measure(aws, stack, { n: o.n, variant: "ours", command: "destroy", rep: -1 }, commandOf(stack, "destroy"));
        log(brief(d));
    } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
    } finally {
        proxy.latencyMs = 0;
    }
    if (o.raw) writeRaw(o.raw, SECTION, { options: o, results, limited, latency }, log);
    const markdown = section(o, env, results, limited, latency, failures, bench.seconds());
    writeSection(o.out, SECTION, markdown);
    process.stdout.write(`${markdown}\n`);
    return failures.length ? 1 : 0;
}

function section(
    o: Options,
    env: ReturnType<typeof environment>,
    results: Measure[],
    limited: { up: Measure; floor: number; busiest: string; buckets: number } | undefined,
    latency: Measure[],
    failures: string[],
    seconds: number,
): string {
    const get = (v: Variant, c: CommandName) => results.find((m) => m.variant === v && m.command === c);
    const lines = [
        `## Landing-zone scale: ${o.n} authorizations over ${o.accounts} accounts × ${SOURCE_REGIONS.length} regions`,
        "",
        `\`npm run bench\` (bench/landing-zone.ts), one run of each command, ${new Date().toISOString().slice(0, 16)}Z, ` +
            `${env.cpu}, ${env.nproc} CPUs shared with other work; pulumi ${env.pulumi}; source ${env.git}; moto on loopback through the recording proxy. ` +
            `Every authorization is created through a role in its account (\`assumeRole\`); the lean floor is the same N as no-op resources stored as ours is. ` +
            `Took ${(seconds / 60).toFixed(1)} min.`,
        "",
        "| command | ours, s | lean floor, s | ours ÷ floor | Config calls | STS calls | provider peak RSS, MiB (ours / floor) | CPU s, ours: engine / provider / moto / proxy (floor: engine / provider) |",
        "|---|---|---|---|---|---|---|---|",
    ];
    const cpu = (m: Measure, roles: (keyof Measure["cpu"])[]) => roles.map((r) => (m.cpu[r] ?? 0).toFixed(1)).join(" / ");
    for (const c of COMMANDS) {
        const a = get("ours", c);
        const b = get("lean", c);
        if (!a || !b) continue;
        lines.push(
            `| ${c} | ${a.seconds.toFixed(2)} | ${b.seconds.toFixed(2)} | **${(a.seconds / b.seconds).toFixed(2)}** | ${a.configTotal} | ${a.sts} | ${mib(a.rssKiB)} / ${mib(b.rssKiB)} | ` +
                `${cpu(a, ["engine", "provider", "moto", "proxy"])} (${cpu(b, ["engine", "provider"])}) |`,
        );
    }
    lines.push("", "Targets (bench/targets.ts):", "");
    const line = (met: Met, what: string, text: string, figures: string) => lines.push(`- **${mark(met)}** ${what}: ${text}; ${figures}`);
    for (const c of COMMANDS) {
        const a = get("ours", c);
        const b = get("lean", c);
        if (!a || !b) continue;
        const j = judge("landing-zone/lean-floor-ratio", a.seconds / b.seconds);
        line(
            j.met,
            `${c}: ${TARGETS["landing-zone/lean-floor-ratio"].what}`,
            j.text,
            `${a.seconds.toFixed(2)} s vs ${b.seconds.toFixed(2)} s`,
        );
    }
    if (limited) {
        const j = judge("landing-zone/rate-floor-ratio", limited.up.seconds / limited.floor);
        line(
            limited.up.error ? false : j.met,
            TARGETS["landing-zone/rate-floor-ratio"].what,
            j.text,
            `${limited.up.seconds.toFixed(2)} s vs ${limited.floor.toFixed(2)} s (the calls served in the busiest of ${limited.buckets} buckets, less the bucket's ${RATE.capacity}, ÷ ${RATE.ratePerSecond}/s); ` +
                `${limited.up.configTotal} Config calls, ${sum(limited.up.throttledByRegion)} throttled answers${limited.up.error ? "; FAILED" : ""}`,
        );
        const leanUp = get("lean", "up");
        if (leanUp) {
            const bound = Math.max(limited.floor, leanUp.seconds);
            lines.push(
                `  - against the larger of the rate floor and the lean floor's unlimited up (${bound.toFixed(2)} s: where the engine, not the rate, is the bound): ` +
                    `${(limited.up.seconds / bound).toFixed(2)}×; the same up without the limit took ${get("ours", "up")?.seconds.toFixed(2)} s`,
            );
        }
    }
    const floorRefresh = get("lean", "refresh");
    for (const m of latency) {
        const over = floorRefresh ? m.seconds - floorRefresh.seconds : undefined;
        const j = judge("landing-zone/latency-refresh-over-floor", over);
        const parallel = m.rep === -3 ? " with `--parallel 256`" : " at Pulumi's default parallelism";
        line(
            m.error ? false : j.met,
            `${TARGETS["landing-zone/latency-refresh-over-floor"].what} (${o.latencyMs} ms${parallel})`,
            j.text,
            `${m.seconds.toFixed(2)} s vs the floor's ${(floorRefresh?.seconds ?? NaN).toFixed(2)} s (floor + one round trip: ${((floorRefresh?.seconds ?? 0) + o.latencyMs / 1000).toFixed(2)} s); ` +
                `${m.configTotal} Config calls${m.error ? "; FAILED" : ""}`,
        );
    }
    for (const f of failures) lines.push(`- FAILED: ${f.split("\n").slice(0, 5).join(" ")}`);
    return marked(SECTION, lines.join("\n"));
}

run(SECTION, main);
