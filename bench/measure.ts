/**
 * One timed Pulumi command: its wall time, the AWS calls the recording proxy saw during it and when
 * they arrived, the peak RSS of the dynamic-provider process, and the CPU time of every process
 * of the command (and of moto and of this process, the proxy).
 */
import type { RecordingProxy } from "../test/harness/proxy";
import { PulumiError, type Stack } from "../test/harness/pulumi";
import { ProcessWatch, type Role } from "./processes";
import { recordArrivals, type Arrival } from "./rules";
import type { FaultRule } from "../test/harness/proxy";

/**
 * Ours; the engine floor (no-op `pulumi.dynamic.Resource`s); the lean floor (the same, stored as ours is);
 * the pulumi-aws shape (bench/organization.ts: a no-op provider-like resource per account and region
 * beside each no-op authorization, stored as the lean floor is).
 */
export type Variant = "ours" | "floor" | "lean" | "pulumi-aws";
/** `update-tags` and `add-region` are `up`s after a change of the program's tags or regions. */
export type CommandName = "up" | "preview" | "refresh" | "update-tags" | "add-region" | "destroy" | "preview-create";
/** Every command measured, in the order the report shows them. */
export const COMMANDS: CommandName[] = ["up", "preview", "refresh", "update-tags", "destroy"];

export interface Measure {
    n: number;
    variant: Variant;
    command: CommandName;
    /** Which repetition (0-based); -1 for the rate-limited runs. */
    rep: number;
    /** The delay the proxy added to every AWS call (bench/organization.ts `--latency-ms`); 0 when absent. */
    latencyMs?: number;
    seconds: number;
    /** Config calls by operation, every attempt (throttled ones included). */
    config: Record<string, number>;
    configTotal: number;
    /** Config calls that reached AWS (moto), by source region: every attempt but the throttled ones. */
    configServedByRegion: Record<string, number>;
    sts: number;
    stsByRegion: Record<string, number>;
    /** Answers the proxy gave as ThrottlingException, by region. */
    throttledByRegion: Record<string, number>;
    /** Seconds from the command's start to its first and last AWS call. */
    firstCall?: number;
    lastCall?: number;
    /** Every AWS call's arrival, `at` in seconds from the command's start. */
    arrivals: Arrival[];
    rssKiB: number;
    /** The peak RSS of a process of each role, KiB. */
    rssByRole?: Record<Role, number>;
    providerProcesses: number;
    /** CPU seconds during the command by process role, plus `proxy`: this process (the recording proxy and the bench). */
    cpu: Record<Role | "proxy", number>;
    /** Other test runs seen on the machine during the command (their times are suspect). */
    others: string[];
    /** The tail of the output when the command failed. */
    error?: string;
}

const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** The AWS side of a measurement: the recording proxy, and moto's port (to find its process). */
export interface Aws {
    proxy: RecordingProxy;
    motoPort: string;
}

/** Runs `run` against `stack` and measures it. A failing command is recorded, not thrown. */
export async function measure(
    { proxy, motoPort }: Aws,
    stack: Stack,
    what: { n: number; variant: Variant; command: CommandName; rep: number; latencyMs?: number },
    run: () => Promise<unknown>,
    rule?: FaultRule,
): Promise<Measure> {
    const arrivals: Arrival[] = [];
    proxy.clear();
    proxy.inject(recordArrivals(arrivals, rule));
    const watch = new ProcessWatch(stack.dir, motoPort);
    watch.start();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let error: string | undefined;
    try {
        await run();
    } catch (e) {
        const text = e instanceof PulumiError ? `${e.result.stdout}\n${e.result.stderr}` : String(e);
        error = text.trim().split("\n").slice(-25).join("\n");
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuSelf = process.cpuUsage(cpu0);
    const { peakKiB, peakByRole, providerProcesses, cpu, others } = watch.stop();
    proxy.inject(undefined);

    const m: Measure = {
        ...what,
        seconds,
        config: {},
        configTotal: 0,
        configServedByRegion: {},
        sts: 0,
        stsByRegion: {},
        throttledByRegion: {},
        arrivals: arrivals.map((a) => ({ ...a, at: (a.at - t0) / 1000 })),
        rssKiB: peakKiB,
        rssByRole: peakByRole,
        providerProcesses,
        cpu: { ...cpu, proxy: (cpuSelf.user + cpuSelf.system) / 1e6 },
        others,
        error,
    };
    for (const c of proxy.calls) {
        if (c.service === "config") {
            inc(m.config, c.operation);
            m.configTotal++;
        } else if (c.service === "sts") {
            m.sts++;
            inc(m.stsByRegion, c.region);
        }
    }
    for (const a of arrivals) {
        if (a.throttled) inc(m.throttledByRegion, a.region);
        else if (a.service === "config") inc(m.configServedByRegion, a.region);
    }
    if (arrivals.length) {
        m.firstCall = (arrivals[0].at - t0) / 1000;
        m.lastCall = (arrivals[arrivals.length - 1].at - t0) / 1000;
    }
    return m;
}

/** Config calls per second since a command's start, by region: `rows[s - first][r]` = [not throttled, throttled] in `regions[r]`. */
export interface PerSecond {
    first: number;
    regions: string[];
    rows: [number, number][][];
}

/** A measured command as the summary keeps it: every figure but each call's arrival; per second for the rate-limited runs. */
export type Sample = Omit<Measure, "arrivals"> & { perSecond?: PerSecond };
