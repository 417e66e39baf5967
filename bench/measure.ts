/**
 * What a section is (data the one loop of bench/run.ts runs), and one timed Pulumi command: its wall time, the AWS calls the recording proxy saw
 * during it and when each arrived, and what its processes used (bench/processes.ts); plus the AWS-like rate limit the proxy can impose meanwhile.
 */
import type { Moto } from "../test/harness/moto";
import { faults, type FaultRule, type RecordingProxy } from "../test/harness/proxy";
import { PulumiError, type Stack } from "../test/harness/pulumi";
import type { Environment } from "./environment";
import { ProcessWatch, type Role } from "./processes";

/**
 * Ours; the engine floor (no-op `pulumi.dynamic.Resource`s); the lean floor (the same, stored as ours is);
 * the pulumi-aws shape (a no-op provider-like resource per account and region beside each no-op authorization).
 */
export type Variant = "ours" | "floor" | "lean" | "pulumi-aws";
/** `update-tags` and `add-region` are `up`s after a change of the program's tags or regions. */
export type CommandName = "up" | "preview" | "refresh" | "update-tags" | "add-region" | "destroy" | "preview-create";
export const COMMANDS: CommandName[] = ["up", "preview", "refresh", "update-tags", "destroy"];
export const ORGANIZATION_COMMANDS: CommandName[] = ["preview-create", "up", "preview", "refresh", "add-region", "update-tags", "destroy"];
export type SectionName = "main" | "landing-zone" | "organization" | "failures";

/** When an AWS call reached the proxy (seconds from the command's start), and whether it was throttled. */
export type Arrival = { at: number; service: string; operation: string; region: string; throttled: boolean };

/** What one measured command is: its N, program, command, run, and the latency and parallelism it ran at. */
export type What = { n: number; variant: Variant; command: CommandName; rep: number; latencyMs?: number; parallel?: number };
/**
 * A measured command: Config calls by operation (every attempt), those that reached moto and those throttled by region; seconds from its start to its
 * first and last AWS call; the peak RSS of the dynamic provider (and of each role); CPU seconds by process role (`proxy`: this process, the proxy and
 * the bench); other test runs seen meanwhile (`others`).
 */
export type Measure = What & { seconds: number; config: Record<string, number>; configTotal: number; sts: number; error?: string } & {
    configServedByRegion: Record<string, number>;
    stsByRegion: Record<string, number>;
    throttledByRegion: Record<string, number>;
} & { firstCall?: number; lastCall?: number; arrivals: Arrival[]; rssKiB: number; rssByRole?: Record<Role, number> } & {
    providerProcesses: number;
    cpu: Record<Role | "proxy", number>;
    others: string[];
};

/** Config calls per second since a command's start, by region: `rows[s - first][r]` = [not throttled, throttled] in `regions[r]`. */
export type PerSecond = { first: number; regions: string[]; rows: [number, number][][] };
/** A measured command as a summary keeps it: without each call's arrival; per second for the rate-limited runs. */
export type Sample = Omit<Measure, "arrivals"> & { perSecond?: PerSecond };

/** What the sections run against: moto behind the proxy, a log, and the stacks they make (removed at the end; AWS_MAX_ATTEMPTS unset). */
export type Bench = { log(line: string): void; moto: Moto; proxy: RecordingProxy; seconds(): number; dispose(stack: Stack): void } & {
    stack(program: string): Promise<Stack>;
    measure(stack: Stack, what: What, rule?: FaultRule): Promise<Measure>;
};
/** One stack of the loop: a variant's program at N, at a latency, the `key`-th of its kind. */
export type Run = { variant: Variant; program: string; n: number; latencyMs?: number; key?: number; stack?: Stack; failed?: boolean };
/** What a section measured, as its report renders it. */
export type Data<O = Record<string, unknown>> = { env: Environment; options: O & { out: string; raw?: string }; results: Sample[] } & {
    states: object[];
    failures: string[];
    benchSeconds: number;
    load: { start: string; end: string };
    [extra: string]: unknown;
};

/**
 * A section of BENCHMARKS.md as data: its flags (`--flag`: option and kind) with their defaults, the commands each run's stack goes through in turn,
 * the groups of runs (each on a fresh moto, `reps` times, the order rotating), how a stack is readied for a command, which state to keep, and what it
 * runs before and after the loop.
 */
export type Section<O> = { name: SectionName; defaults: O; flags: Record<string, [keyof O & string, Kind]>; commands: CommandName[] } & {
    groups(o: O): { reps: number; runs: Run[] }[];
    prepare?(o: O, r: Run, command: CommandName): Promise<void> | void;
    state?(o: O, r: Run, command: CommandName, rep: number): object | undefined;
} & { before?(bench: Bench, o: O, data: Data<O>): Promise<void>; after?(bench: Bench, o: O, data: Data<O>): Promise<void> };

/** A flag's value: a positive integer, a list of them, whole milliseconds, a path, `--raw [dir]`, a switch off, a value unset, or one of a list. */
export type Kind = "int" | "ints" | "ms" | "path" | "raw" | "false" | "unset" | readonly string[];

/** The `pulumi` command a measured command runs. */
function commandOf(stack: Stack, { command, parallel }: What): () => Promise<unknown> {
    if (command === "preview") return () => stack.preview({ expectNoChanges: true });
    if (command === "preview-create") return () => stack.preview();
    if (command === "refresh" || command === "destroy") return () => stack[command]({ parallel });
    return () => stack.up({ parallel });
}

const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Runs `what` on `stack` under `rule` and measures it. A failing command is recorded, not thrown. */
export async function measure(proxy: RecordingProxy, motoPort: string, stack: Stack, what: What, rule?: FaultRule): Promise<Measure> {
    const arrivals: Arrival[] = [];
    proxy.clear();
    proxy.latencyMs = what.latencyMs ?? 0;
    proxy.inject((call, index) => {
        const fault = rule?.(call, index);
        const throttled = fault?.kind === "error" && fault.code === "ThrottlingException";
        arrivals.push({ at: performance.now(), service: call.service, operation: call.operation, region: call.region, throttled });
        return fault;
    });
    const watch = new ProcessWatch(stack.dir, motoPort);
    watch.start();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let error: string | undefined;
    try {
        await commandOf(stack, what)();
    } catch (e) {
        const text = e instanceof PulumiError ? `${e.result.stdout}\n${e.result.stderr}` : String(e);
        error = text.trim().split("\n").slice(-25).join("\n");
    }
    const seconds = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(cpu0);
    const { peakKiB, peakByRole, providerProcesses, cpu, others } = watch.stop();
    proxy.inject(undefined);
    proxy.latencyMs = 0;
    const counts = { config: {}, configTotal: 0, configServedByRegion: {}, sts: 0, stsByRegion: {}, throttledByRegion: {} };
    const proxyCpu = (self.user + self.system) / 1e6;
    const usage = { rssKiB: peakKiB, rssByRole: peakByRole, providerProcesses, others, cpu: { ...cpu, proxy: proxyCpu } };
    const m: Measure = { ...what, ...counts, ...usage, seconds, arrivals: arrivals.map((a) => ({ ...a, at: (a.at - t0) / 1000 })), error };
    for (const c of proxy.calls.filter((x) => x.service === "config")) inc(m.config, c.operation);
    for (const c of proxy.calls.filter((x) => x.service === "sts")) inc(m.stsByRegion, c.region);
    [m.configTotal, m.sts] = [Object.values(m.config), Object.values(m.stsByRegion)].map((xs) => xs.reduce((a, b) => a + b, 0));
    for (const a of m.arrivals)
        if (a.throttled) inc(m.throttledByRegion, a.region);
        else if (a.service === "config") inc(m.configServedByRegion, a.region);
    if (arrivals.length) [m.firstCall, m.lastCall] = [m.arrivals[0].at, m.arrivals[m.arrivals.length - 1].at];
    return m;
}

/**
 * A token bucket of Config calls per `key` (region, or access key and region): a call takes a token or,
 * the bucket empty, is answered ThrottlingException and takes none. `served`: calls let through per key.
 */
export function tokenBucket(
    rate: { ratePerSecond: number; capacity: number },
    key: (call: { region: string; accessKeyId: string }) => string,
) {
    const buckets = new Map<string, { tokens: number; at: number }>();
    const served = new Map<string, number>();
    const rule: FaultRule = (call) => {
        if (call.service !== "config") return undefined;
        const [k, t] = [key(call), performance.now()];
        const b = buckets.get(k) ?? { tokens: rate.capacity, at: t };
        const tokens = Math.min(rate.capacity, b.tokens + ((t - b.at) * rate.ratePerSecond) / 1000);
        buckets.set(k, { tokens: tokens < 1 ? tokens : tokens - 1, at: t });
        if (tokens < 1) return faults.throttle();
        served.set(k, (served.get(k) ?? 0) + 1);
        return undefined;
    };
    return { rule, served };
}

/** A measure as a summary keeps it: its Config calls per second and region instead of each arrival when `perSecond`. */
export function sample(m: Measure | Sample, perSecond = false): Sample {
    const { arrivals, ...rest } = m as Measure;
    if (!perSecond || !arrivals) return rest;
    const calls = arrivals.filter((a) => a.service === "config");
    const regions = [...new Set(calls.map((a) => a.region))].sort();
    if (!calls.length) return { ...rest, perSecond: { first: 0, regions, rows: [] } };
    const first = Math.floor(calls[0].at);
    const length = Math.floor(calls[calls.length - 1].at) - first + 1;
    const rows = Array.from({ length }, () => regions.map(() => [0, 0] as [number, number]));
    for (const a of calls) rows[Math.floor(a.at) - first][regions.indexOf(a.region)][a.throttled ? 1 : 0]++;
    return { ...rest, perSecond: { first, regions, rows } };
}
