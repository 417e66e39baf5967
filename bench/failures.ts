/**
 * The failures section (issue 17): how long a stalled endpoint (test/harness/stalled.ts) holds a
 * `preview` or `up` of N new authorizations at the provider's default limits, and the time from the
 * first Ctrl-C to the end of an `up` of 8. Every `up` must fail naming the call, every run end within
 * the target. Not run by default: `npm run bench:failures`.
 *
 *   [--sizes 1,8,20]
 */
import * as path from "node:path";
import { errorLines } from "../test/harness/engine";
import { REPO, type Result } from "../test/harness/pulumi";
import { StalledServer } from "../test/harness/stalled";
import type { Bench, Section } from "./measure";
import { stalledSpecs, writeSpecs } from "./specs";
import { TARGETS } from "./targets";

type Stalled = "STS" | "Config";

/** The error the CLI printed (the first naming a call, else the first but the summary), shortened; or what the preview ended with. */
function outcomeOf(r: Result): string {
    const errors = errorLines(`${r.stdout}\n${r.stderr}`);
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

/** `command` of N new authorizations with `which` endpoint stalled; for the Ctrl-C, the time from it to the end. */
async function stalledRun(bench: Bench, command: "preview" | "up" | "up, Ctrl-C", which: Stalled, n: number) {
    const stalled = await StalledServer.start();
    try {
        const stack = await bench.stack(path.join(REPO, "bench/programs/authorizations"));
        stack.env[which === "STS" ? "AWS_ENDPOINT_URL_STS" : "AWS_ENDPOINT_URL_CONFIG_SERVICE"] = stalled.url;
        writeSpecs(stack.dir, stalledSpecs(n));
        const ctrl = new AbortController();
        let started = performance.now();
        const run = command === "preview" ? stack.preview({ allowFail: true }) : stack.up({ allowFail: true, signal: ctrl.signal });
        let firstConnection: number | undefined;
        if (command === "up, Ctrl-C") {
            while (stalled.connections === 0 && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 50));
            firstConnection = (performance.now() - started) / 1000;
            started = performance.now();
            ctrl.abort();
        }
        const r = await run;
        const row = { command, stalled: which, n, seconds: (performance.now() - started) / 1000, firstConnection, exitCode: r.code };
        bench.dispose(stack);
        return { ...row, connections: stalled.connections, outcome: outcomeOf(r) };
    } finally {
        await stalled.stop();
    }
}

export const failures: Section<{ sizes: number[] }> = {
    name: "failures",
    defaults: { sizes: [1, 8, 20] },
    flags: { "--sizes": ["sizes", "ints"] },
    commands: [],
    groups: () => [],
    async after(bench, o, data) {
        const runs: (readonly [command: "preview" | "up" | "up, Ctrl-C", Stalled, number])[] = [
            ...o.sizes.map((n) => ["preview", "STS", n] as const),
            ...o.sizes.map((n) => ["up", "STS", n] as const),
            ...[o.sizes[0], o.sizes[o.sizes.length - 1]].map((n) => ["up", "Config", n] as const),
            ["up, Ctrl-C", "STS", 8] as const,
            ["up, Ctrl-C", "Config", 8] as const,
        ];
        const rows = (data.rows = [] as Awaited<ReturnType<typeof stalledRun>>[]);
        for (const [command, which, n] of runs) {
            const r = await stalledRun(bench, command, which, n);
            rows.push(r);
            const after = r.firstConnection !== undefined ? " after the Ctrl-C" : "";
            const line = `${command} stalled ${which} N=${n}: ${r.seconds.toFixed(1)} s${after}, exit ${r.exitCode}, ${r.connections} connection(s); ${r.outcome}`;
            bench.log(line);
            // A preview with a stalled STS passes, showing unknown ARNs (check's lookup is best-effort); every up fails.
            if ((command !== "preview" && r.exitCode === 0) || r.seconds > TARGETS["failures/seconds"].max)
                data.failures.push(`MISSED: ${command} stalled ${which} N=${n}`);
        }
    },
};
