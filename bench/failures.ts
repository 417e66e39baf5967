/**
 * The failing-fast benchmark (issue 17, items 6 and 7): how long a stalled endpoint (one that accepts
 * connections and never answers, test/harness/stalled.ts) holds a run at the provider's default limits
 * (no timeout variable set, AWS_MAX_ATTEMPTS unset), under the real pulumi CLI through the Automation
 * API, with moto on loopback answering the other service:
 *
 * - `preview` and `up` (`--skip-preview`, as the Automation API runs it) of N new authorizations with a stalled STS;
 * - `up` of N new authorizations with a stalled AWS Config;
 * - the time from the first Ctrl-C (SIGINT to the CLI, the Automation API's cancellation) to the end of
 *   an `up` of 8 new authorizations stalled on either endpoint, sent when the provider first reaches it.
 *
 * Each run's outcome is checked: it fails (exit code ≠ 0), and for a stalled endpoint names the call.
 * Prints the figures and writes its section of BENCHMARKS.md (between the failures markers, replacing
 * an earlier one). A few minutes on 2 CPUs.
 *
 *   node dist/bench/failures.js [--sizes 1,8,20] [--out BENCHMARKS.md]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, type Stack, type Result } from "../test/harness/pulumi";
import { StalledServer } from "../test/harness/stalled";
import { KNOBS } from "../provider/core/aws/limits";
import { environment } from "./environment";
import { eachFlag } from "./flags";
import { REPORT, run, section as marked, writeSection, type Bench } from "./runner";
import { AGGREGATOR_ACCOUNTS, AGGREGATOR_REGIONS } from "./specs";
import { TARGETS } from "./targets";

const PROGRAM = path.join(REPO, "bench/programs/authorizations");
const SECTION = "failures";
/** What every run must stay within (issue 17). */
const BOUND_S = TARGETS["failures/seconds"].max;

interface Options {
    sizes: number[];
    out: string;
}

function parseOptions(argv: string[]): Options {
    const o: Options = { sizes: [1, 8, 20], out: REPORT };
    eachFlag(argv, "bench/failures.ts", (flag, value, int) => {
        if (flag === "--sizes") o.sizes = value().split(",").map(int);
        else if (flag === "--out") o.out = path.resolve(value());
        else return false;
        return true;
    });
    return o;
}

type Stalled = "STS" | "Config";
type Command = "preview" | "up" | "up, Ctrl-C";

interface Row {
    command: Command;
    stalled: Stalled;
    n: number;
    /** Seconds from the command's start (for Ctrl-C: from the Ctrl-C) to its end. */
    seconds: number;
    /** Seconds from the command's start to the provider's first connection to the stalled endpoint (Ctrl-C runs). */
    firstConnection?: number;
    exitCode: number;
    /** Connections the stalled endpoint accepted. */
    connections: number;
    /** The error the CLI printed, shortened. */
    outcome: string;
}

/** N new authorizations from the stack's credentials, each with its own aggregator key, in one source region. */
function specs(n: number) {
    return Array.from({ length: n }, (_, i) => ({
        name: `f-${i}`,
        authorizedAccountId: AGGREGATOR_ACCOUNTS[i % AGGREGATOR_ACCOUNTS.length],
        authorizedAwsRegion: AGGREGATOR_REGIONS[Math.floor(i / AGGREGATOR_ACCOUNTS.length) % AGGREGATOR_REGIONS.length],
        region: "eu-west-1",
        tags: { team: "platform" },
    }));
}

/** The error the CLI printed (the first naming a call, else the first other than the summary), shortened; or what the preview ended with. */
function outcomeOf(r: Result): string {
    const lines = (r.stdout + "\n" + r.stderr).split("\n").map((l) => l.trim());
    const errors = lines.filter((l) => /^error: /.test(l));
    const diag =
        errors.find((l) => /did not answer/.test(l)) ??
        errors.find((l) => l !== "error: update failed" && l !== "error: preview failed") ??
        errors[0] ??
        (r.code === 0 ? "none: the preview passed, the ARNs shown as unknown" : "(no error line)");
    // Of a stalled call's message, the part that says which call, how long and how many attempts.
    const stalled = /(AWS (?:STS|Config) did not answer \S+) \(region [^,]+, endpoint [^)]+\) (.*?attempts?)/.exec(diag);
    if (stalled) return `${diag.startsWith("error: creating") ? "creating …: " : ""}${stalled[1]} (…) ${stalled[2]}`;
    return diag.length > 220 ? `${diag.slice(0, 220)}…` : diag;
}

async function newStack(bench: Bench, n: number, stalled: StalledServer, which: Stalled): Promise<Stack> {
    const stack = await bench.stack(PROGRAM);
    Object.assign(stack.env, which === "STS" ? { AWS_ENDPOINT_URL_STS: stalled.url } : { AWS_ENDPOINT_URL_CONFIG_SERVICE: stalled.url });
    fs.writeFileSync(path.join(stack.dir, "resources.json"), JSON.stringify(specs(n)));
    return stack;
}

async function timedRun(bench: Bench, command: "preview" | "up", which: Stalled, n: number): Promise<Row> {
    const stalled = await StalledServer.start();
    try {
        const stack = await newStack(bench, n, stalled, which);
        const started = performance.now();
        const r = command === "preview" ? await stack.preview({ allowFail: true }) : await stack.up({ allowFail: true });
        const seconds = (performance.now() - started) / 1000;
        return { command, stalled: which, n, seconds, exitCode: r.code, connections: stalled.connections, outcome: outcomeOf(r) };
    } finally {
        await stalled.stop();
    }
}

async function ctrlC(bench: Bench, which: Stalled, n: number): Promise<Row> {
    const stalled = await StalledServer.start();
    try {
        const stack = await newStack(bench, n, stalled, which);
        const ctrl = new AbortController();
        const started = performance.now();
        const run = stack.up({ allowFail: true, signal: ctrl.signal });
        while (stalled.connections === 0 && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
        const firstConnection = (performance.now() - started) / 1000;
        const interrupted = performance.now();
        ctrl.abort();
        const r = await run;
        const seconds = (performance.now() - interrupted) / 1000;
        return {
            command: "up, Ctrl-C",
            stalled: which,
            n,
            seconds,
            firstConnection,
            exitCode: r.code,
            connections: stalled.connections,
            outcome: outcomeOf(r),
        };
    } finally {
        await stalled.stop();
    }
}

function section(rows: Row[], env: ReturnType<typeof environment>, minutes: number): string {
    const d = (k: keyof typeof KNOBS) => KNOBS[k].default;
    const lines = [
        "## Failing fast: a stalled endpoint and the first Ctrl-C",
        "",
        `\`npm run bench:failures\` (bench/failures.ts), one run of each, ${env.date.slice(0, 16)}Z, ${env.cpu}, ${env.nproc} CPUs shared with other work; ` +
            `pulumi ${env.pulumi}; source ${env.git}. The stalled endpoint (test/harness/stalled.ts) accepts every connection and never answers; ` +
            `the other service is moto on loopback. The provider's defaults: ${d("maxAttempts")} attempts, connect timeout ${d("connectTimeoutMs") / 1000} s, ` +
            `request timeout ${d("requestTimeoutMs") / 1000} s, operation deadline ${d("operationTimeoutMs") / 1000} s. ` +
            "`up` is the Automation API's (`--skip-preview`); a terminal's `pulumi up` runs the preview first, so it takes the sum of the two rows. " +
            `Target: every run ends within ${BOUND_S} s (issue 17), whatever N. Took ${minutes.toFixed(1)} min.`,
        "",
        `| command | stalled | N new | time, s | within ${BOUND_S} s | exit code | connections to the stalled endpoint | the error printed |`,
        "|---|---|---|---|---|---|---|---|",
    ];
    for (const r of rows) {
        const time =
            r.command === "up, Ctrl-C"
                ? `${r.seconds.toFixed(1)} after the Ctrl-C (sent ${r.firstConnection!.toFixed(1)} s in)`
                : r.seconds.toFixed(1);
        lines.push(
            `| ${r.command} | ${r.stalled} | ${r.n} | ${time} | ${r.seconds <= BOUND_S ? "yes" : "**no**"} | ${r.exitCode} | ${r.connections} | ${r.outcome.replace(/\|/g, "\\|")} |`,
        );
    }
    lines.push(
        "",
        "Before (issue 17, the 0.1.0 defaults of 30 s per request and 300 s per operation, a failed account lookup not remembered): " +
            "a preview with a stalled STS took a request timeout per new resource that did not share a lookup in flight; " +
            "an `up` with a stalled AWS Config failed only after 8 attempts × 30 s; the first Ctrl-C could wait up to the 300 s deadline.",
    );
    return marked(SECTION, lines.join("\n"));
}

async function main(bench: Bench): Promise<number> {
    const { log } = bench;
    const o = parseOptions(process.argv.slice(2));
    const env = environment();
    const rows: Row[] = [];
    const add = (r: Row) => {
        rows.push(r);
        log(
            `${r.command} stalled ${r.stalled} N=${r.n}: ${r.seconds.toFixed(1)} s${r.firstConnection !== undefined ? ` after the Ctrl-C` : ""}, ` +
                `exit ${r.exitCode}, ${r.connections} connection(s); ${r.outcome}`,
        );
    };
    for (const n of o.sizes) add(await timedRun(bench, "preview", "STS", n));
    for (const n of o.sizes) add(await timedRun(bench, "up", "STS", n));
    for (const n of [o.sizes[0], o.sizes[o.sizes.length - 1]]) add(await timedRun(bench, "up", "Config", n));
    add(await ctrlC(bench, "STS", 8));
    add(await ctrlC(bench, "Config", 8));
    const text = section(rows, env, bench.seconds() / 60);
    process.stdout.write(`${text}\n`);
    writeSection(o.out, SECTION, text);
    // Every run must end within the bound, and every up fail (the endpoint never answers). A preview
    // with a stalled STS passes, showing unknown ARNs (check's lookup is best-effort).
    const bad = rows.filter((r) => (r.command !== "preview" && r.exitCode === 0) || r.seconds > BOUND_S);
    for (const r of bad) log(`MISSED: ${r.command} stalled ${r.stalled} N=${r.n}`);
    return bad.length ? 1 : 0;
}

run(SECTION, main);
