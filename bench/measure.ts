/**
 * One timed Pulumi command: its wall time, the AWS calls the recording proxy saw during it, when
 * they arrived, and the peak RSS of the dynamic-provider process.
 */
import type { RecordingProxy } from "../test/harness/proxy";
import { PulumiError, type Stack } from "../test/harness/pulumi";
import { PeakRss } from "./peak-rss";
import { recordArrivals, type Arrival } from "./rules";
import type { FaultRule } from "../test/harness/proxy";

export type Variant = "ours" | "floor";
export type CommandName = "up" | "preview" | "refresh" | "update-tags" | "destroy";

export interface Measure {
    n: number;
    variant: Variant;
    command: CommandName;
    /** Which repetition (0-based); -1 for the rate-limited runs. */
    rep: number;
    seconds: number;
    /** Config calls by operation, every attempt (throttled ones included). */
    config: Record<string, number>;
    configTotal: number;
    /** Config calls that AWS (moto) answered, by source region (throttled ones excluded). */
    configServedByRegion: Record<string, number>;
    sts: number;
    stsByRegion: Record<string, number>;
    /** Answers the proxy gave as ThrottlingException, by region. */
    throttledByRegion: Record<string, number>;
    /** Seconds from the command's start to its first and last AWS call. */
    firstCall?: number;
    lastCall?: number;
    rssKiB: number;
    providerProcesses: number;
    /** The tail of the output when the command failed. */
    error?: string;
}

const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Runs `run` against `stack` and measures it. A failing command is recorded, not thrown. */
export async function measure(
    proxy: RecordingProxy,
    stack: Stack,
    what: { n: number; variant: Variant; command: CommandName; rep: number },
    run: () => Promise<unknown>,
    rule?: FaultRule,
): Promise<Measure> {
    const arrivals: Arrival[] = [];
    proxy.clear();
    proxy.inject(recordArrivals(arrivals, rule));
    const rss = new PeakRss(stack.dir);
    rss.start();
    const t0 = performance.now();
    let error: string | undefined;
    try {
        await run();
    } catch (e) {
        const text = e instanceof PulumiError ? `${e.result.stdout}\n${e.result.stderr}` : String(e);
        error = text.trim().split("\n").slice(-25).join("\n");
    }
    const seconds = (performance.now() - t0) / 1000;
    const { peakKiB, processes } = rss.stop();
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
        rssKiB: peakKiB,
        providerProcesses: processes,
        error,
    };
    for (const c of proxy.calls) {
        if (c.service === "config") {
            inc(m.config, c.operation);
            m.configTotal++;
            if (c.status === 200) inc(m.configServedByRegion, c.region);
        } else if (c.service === "sts") {
            m.sts++;
            inc(m.stsByRegion, c.region);
        }
    }
    for (const a of arrivals) if (a.throttled) inc(m.throttledByRegion, a.region);
    if (arrivals.length) {
        m.firstCall = (arrivals[0].at - t0) / 1000;
        m.lastCall = (arrivals[arrivals.length - 1].at - t0) / 1000;
    }
    return m;
}
