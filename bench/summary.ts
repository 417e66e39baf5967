/**
 * What a bench/run.ts run keeps in git: every figure the report shows, without the arrival of each AWS
 * call (hundreds of thousands of lines at N = 200; `--raw` writes them outside git). The rate-limited
 * runs keep their Config calls per second, which the report tabulates. `npm run bench:report` renders
 * BENCHMARKS.md again from this file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Measure, PerSecond, Sample } from "./measure";
import type { ReportInput } from "./report";

/** Tabulates a command's Config calls per second and region from their arrivals. */
export function perSecond(m: Pick<Measure, "arrivals">): PerSecond {
    const calls = m.arrivals.filter((a) => a.service === "config");
    const regions = [...new Set(calls.map((a) => a.region))].sort();
    if (!calls.length) return { first: 0, regions, rows: [] };
    const first = Math.floor(calls[0].at);
    const rows: [number, number][][] = Array.from({ length: Math.floor(calls[calls.length - 1].at) - first + 1 }, () =>
        regions.map(() => [0, 0] as [number, number]),
    );
    for (const a of calls) rows[Math.floor(a.at) - first][regions.indexOf(a.region)][a.throttled ? 1 : 0]++;
    return { first, regions, rows };
}

function sample(m: Measure | Sample, withPerSecond = false): Sample {
    const { arrivals, ...rest } = m as Measure;
    return withPerSecond && arrivals ? { ...rest, perSecond: perSecond({ arrivals }) } : rest;
}

/** The summary of a run: its input to the report without the arrivals; paths relative to the repo. */
export function summarize(input: ReportInput, repo: string): ReportInput {
    const rel = (p: string | undefined) => (p === undefined ? undefined : path.relative(repo, path.resolve(repo, p)));
    const rate = input.rate && {
        ...input.rate,
        up: sample(input.rate.up, true),
        destroy: sample(input.rate.destroy, true),
        cleanup: input.rate.cleanup && sample(input.rate.cleanup),
    };
    return {
        ...input,
        options: { ...input.options, out: rel(input.options.out)!, raw: rel(input.options.raw) },
        results: input.results.map((m) => sample(m)),
        rate,
    };
}

/** The summary as JSON, one line per measured command, so that a new run's diff reads line by line. */
export function stringify(summary: ReportInput): string {
    const entries = Object.entries(summary).map(([k, v]) =>
        Array.isArray(v) && v.length
            ? `${JSON.stringify(k)}: [\n${v.map((x) => `  ${JSON.stringify(x)}`).join(",\n")}\n ]`
            : `${JSON.stringify(k)}: ${JSON.stringify(v)}`,
    );
    return `{\n ${entries.join(",\n ")}\n}\n`;
}

export function writeSummary(file: string, summary: ReportInput): void {
    fs.writeFileSync(file, stringify(summary));
}
