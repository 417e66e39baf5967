/**
 * The benchmark report (BENCHMARKS.md): tables of times, AWS calls, state size and memory, the
 * rate-limited run, every target as MET or MISSED with its figure, and for a miss the figures that
 * say where the difference comes from.
 */
import * as fs from "node:fs";
import type { Environment } from "./environment";
import { COMMANDS, type CommandName, type Sample, type Variant } from "./measure";
import { ROLES } from "./processes";
import { AGGREGATOR_ACCOUNTS, AGGREGATOR_REGIONS, perRegion, SOURCE_REGIONS } from "./specs";
import { judge, mark, TARGETS, type Met, type TargetId } from "./targets";

export interface StateSize {
    n: number;
    variant: Variant;
    /** The longest `__provider` input in the state, bytes. */
    providerBytes: number;
    /** A resource's whole entry in `pulumi stack export`, bytes, averaged. */
    resourceBytes: number;
}

export interface Probe {
    /** Median round trip of one Config call, proxy to moto, one at a time. */
    sequentialMs: number;
    /** Config calls per second through the proxy to moto, 8 at a time. */
    parallelPerSecond: number;
}

export interface RateLimited {
    n: number;
    up: Sample;
    /** Authorizations in the state after the rate-limited up. */
    inState: number;
    destroy: Sample;
    /** A destroy without the limit, when the rate-limited one failed. */
    cleanup?: Sample;
}

/** The options of a bench/run.ts run (its flags). */
export interface Options {
    sizes: number[];
    reps: number;
    repsLarge: number;
    largeFrom: number;
    rateLimitN: number | undefined;
    warmup: boolean;
    out: string;
    /** Where the summary goes (`--summary`); by default beside the report. */
    summary?: string;
    /** Where `--raw` wrote every sample; not written without it. */
    raw?: string;
}

export interface ReportInput {
    env: Environment;
    options: Options;
    aws: Probe;
    results: Sample[];
    states: StateSize[];
    rate?: RateLimited;
    failures: string[];
    benchSeconds: number;
    rateLimit: { ratePerSecond: number; capacity: number; service: string };
    /** Load averages (1, 5, 15 min) when the bench started and ended. */
    load: { start: string; end: string };
}

/** A target's line in the report: what, whether met, the figures, and for a miss the figures behind it. */
interface Verdict {
    name: string;
    met: Met;
    figure: string;
    why?: string;
}

const VARIANTS: Variant[] = ["ours", "floor", "lean"];
const NAME: Record<Variant, string> = { ours: "ours", floor: "engine floor", lean: "lean floor", "pulumi-aws": "pulumi-aws shape" };
const LABEL: Record<CommandName, string> = {
    up: "up (create)",
    "add-region": "up (a region added)",
    "preview-create": "preview (of the first up)",
    preview: "preview (no changes)",
    refresh: "refresh",
    "update-tags": "up (tag update)",
    destroy: "destroy",
};
const SHORT: Record<string, string> = {
    ListTagsForResource: "ListTags",
    PutAggregationAuthorization: "Put",
    DeleteAggregationAuthorization: "Delete",
    DescribeAggregationAuthorizations: "Describe",
    TagResource: "Tag",
    UntagResource: "Untag",
};

const s2 = (x: number) => x.toFixed(2);
const mib = (kib: number) => (kib ? (kib / 1024).toFixed(0) : "n/a");
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const distinct = (xs: (number | string)[]) => [...new Set(xs)].join(" / ");
const ops = (m: Sample) =>
    Object.entries(m.config)
        .map(([op, k]) => `${SHORT[op] ?? op} ${k}`)
        .join(", ") || "none";
const opsPerResource = (m: Sample) =>
    Object.entries(m.config)
        .map(([op, k]) => `${SHORT[op] ?? op} ${(k / m.n).toFixed(2)}`)
        .join(", ") || "none";
const byRegion = (r: Record<string, number>) => {
    const e = Object.entries(r);
    return e.length ? ` (${e.map(([k, v]) => `${k} ${v}`).join(", ")})` : "";
};
const table = (head: string[], rows: (string | number)[][]) =>
    [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

class Results {
    constructor(readonly all: Sample[]) {}
    sizes(): number[] {
        return [...new Set(this.all.map((m) => m.n))].sort((a, b) => a - b);
    }
    runs(n: number, v: Variant, c: CommandName): Sample[] {
        return this.all.filter((m) => m.n === n && m.variant === v && m.command === c && m.rep >= 0 && !m.error);
    }
    time(n: number, v: Variant, c: CommandName): number {
        return median(this.runs(n, v, c).map((m) => m.seconds));
    }
    /** Ours over a floor (the engine floor unless said), medians. */
    ratio(n: number, c: CommandName, floor: Variant = "floor"): number {
        return this.time(n, "ours", c) / this.time(n, floor, c);
    }
}

/** Which measured commands ran while another test run (mocha, scripts/test.sh, demo.sh) was on the machine. */
function disturbed(i: ReportInput): string {
    const all = [...i.results, ...(i.rate ? [i.rate.up, i.rate.destroy] : [])];
    const hit = all.filter((m) => m.others.length);
    return hit.length
        ? `**${hit.length} of ${all.length} commands ran while another test run was on the machine** (marked in Every run): their times are suspect.`
        : `no other test run was seen on the machine during any command.`;
}

function environmentSection(i: ReportInput): string {
    const e = i.env;
    return [
        `- **Date**: ${e.date}`,
        `- **Machine**: ${e.nproc} CPUs (nproc), ${e.cpu}, ${e.memory} memory, ${e.kernel}`,
        `- **Node** ${e.node}; **Pulumi** ${e.pulumi} (\`pulumi version\`); **moto** ${e.moto}`,
        `- **Packages**: ${Object.entries(e.packages)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
        `- **Source**: git ${e.git}`,
        `- **AWS**: moto on loopback behind the recording proxy (test/harness/proxy.ts); one Config call through both takes ` +
            `${i.aws.sequentialMs.toFixed(1)} ms (median, one at a time); 8 at a time they serve ${i.aws.parallelPerSecond.toFixed(0)} calls/s.`,
        `- **Settings**: the CLI run through Pulumi's Automation API (test/harness/pulumi.ts); Pulumi's default parallelism (8 on this machine, the same for every program); \`up\`, \`refresh\`, \`destroy\` with ` +
            `\`--yes --skip-preview\`; \`preview --expect-no-changes\`; AWS_MAX_ATTEMPTS unset (the provider's default, 8); ` +
            `runs per command: ${i.options.reps} for N < ${i.options.largeFrom}, ${i.options.repsLarge} for N ≥ ${i.options.largeFrom}; ` +
            `${i.options.warmup ? "one untimed warm-up up/destroy of N=1 for each program first" : "no warm-up"}.`,
        `- **Bench run time**: ${(i.benchSeconds / 60).toFixed(1)} min; load average ${i.load.start} at the start, ${i.load.end} at the end; ` +
            `${disturbed(i)}`,
    ].join("\n");
}

const METHOD = `Each N gets three stacks (file:// backend, the same environment from test/harness/pulumi.ts), the
same Node.js runtime (plain JavaScript), the same inputs and no outputs:

- **ours**, \`bench/programs/authorizations\`: N \`AggregationAuthorization\`s;
- the **engine floor**, \`bench/programs/floor\`: N \`pulumi.dynamic.Resource\`s whose provider does nothing.
  The targets compare ours with this floor;
- the **lean floor**, \`bench/programs/floor-lean\`: the same no-op provider, but stored in the state as
  ours is (a short module text in \`__provider\`, ~0.4 KB, instead of the ~1.7 KB closure
  \`pulumi.dynamic.Resource\` serializes into every resource). The engine writes the whole state after
  each step, so the engine floor pays for its bigger state; the lean floor shows how much.

The N authorizations go round-robin over the
source regions ${SOURCE_REGIONS.join(", ")}, then over ${AGGREGATOR_ACCOUNTS.length} aggregator accounts and ${AGGREGATOR_REGIONS.length} aggregator regions, so every key
is unique; each has the tags \`team\` and \`cost-center\` (plus the provider's owner tag).

Per run, in this order: \`up\` (creates N), \`preview\` (no changes), \`refresh\`, \`up\` with changed tags (removes
\`team\`, adds \`stage\`: the worst case, an UntagResource and a TagResource per resource), \`destroy\`. Each
command runs for each program in turn before the next command, the order rotating from run to run. A time is the wall time of the
\`pulumi\` process, start to exit, median over the runs. AWS calls are what the recording proxy saw during
the command (every attempt). Peak RSS is the largest VmHWM of the dynamic-provider process
(\`@pulumi/pulumi/cmd/dynamic-provider\` started for the stack), and CPU time the utime + stime of each process
of the command, both polled from /proc every 50 ms (bench/processes.ts). The state size
is read from \`pulumi stack export\` after the first \`up\`.`;

function timeSection(r: Results): string {
    const rows: (string | number)[][] = [];
    const every = (n: number, c: CommandName) =>
        VARIANTS.map((v) =>
            r
                .runs(n, v, c)
                .map((m) => s2(m.seconds))
                .join(", "),
        ).join("; ");
    for (const n of r.sizes())
        for (const c of COMMANDS) {
            if (!VARIANTS.some((v) => r.runs(n, v, c).length)) continue;
            rows.push([
                n,
                LABEL[c],
                s2(r.time(n, "ours", c)),
                s2(r.time(n, "floor", c)),
                s2(r.time(n, "ours", c) - r.time(n, "floor", c)),
                `**${s2(r.ratio(n, c))}**`,
                s2(r.time(n, "lean", c)),
                s2(r.ratio(n, c, "lean")),
                every(n, c),
            ]);
        }
    return table(
        [
            "N",
            "command",
            "ours (s)",
            "engine floor (s)",
            "ours − floor (s)",
            "ours / floor",
            "lean floor (s)",
            "ours / lean floor",
            "every run (ours; floor; lean)",
        ],
        rows,
    );
}

function callsSection(r: Results): string {
    const rows: (string | number)[][] = [];
    for (const n of r.sizes())
        for (const c of COMMANDS) {
            const o = r.runs(n, "ours", c);
            if (!o.length) continue;
            rows.push([
                n,
                LABEL[c],
                distinct(o.map((m) => m.configTotal)),
                distinct(o.map((m) => (m.configTotal / n).toFixed(2))),
                distinct(o.map(ops)),
                distinct(o.map((m) => `${m.sts}${byRegion(m.stsByRegion)}`)),
            ]);
        }
    return table(["N", "command", "Config calls", "Config per resource", "by operation", "STS calls (by region)"], rows);
}

function whereSection(r: Results): string {
    const rows: (string | number)[][] = [];
    for (const n of r.sizes())
        for (const c of COMMANDS) {
            const o = r.runs(n, "ours", c).filter((m) => m.firstCall !== undefined);
            if (!o.length) continue;
            const first = mean(o.map((m) => m.firstCall!));
            const last = mean(o.map((m) => m.lastCall!));
            const total = mean(o.map((m) => m.seconds));
            const calls = mean(o.map((m) => m.configTotal + m.sts));
            rows.push([
                n,
                LABEL[c],
                s2(total),
                s2(first),
                s2(last - first),
                s2(total - last),
                last > first ? (calls / (last - first)).toFixed(0) : "n/a",
                s2(r.time(n, "floor", c)),
                s2(r.time(n, "lean", c)),
            ]);
        }
    return table(
        [
            "N",
            "command",
            "ours total (s)",
            "until the first AWS call (s)",
            "first to last AWS call (s)",
            "after the last AWS call (s)",
            "AWS calls/s in between",
            "engine floor total (s)",
            "lean floor total (s)",
        ],
        rows,
    );
}

type CpuKey = keyof Sample["cpu"];
const CPU_KEYS: CpuKey[] = [...ROLES, "proxy"];

/** Mean CPU seconds by role over runs, and their total. */
function cpuOf(ms: Sample[]): { by: Record<CpuKey, number>; total: number } {
    const by = Object.fromEntries(CPU_KEYS.map((k) => [k, ms.length ? mean(ms.map((m) => m.cpu[k])) : NaN])) as Record<CpuKey, number>;
    return { by, total: CPU_KEYS.reduce((a, k) => a + by[k], 0) };
}

function cpuSection(r: Results, nproc: string): string {
    const rows: (string | number)[][] = [];
    for (const n of r.sizes())
        for (const c of COMMANDS)
            for (const v of VARIANTS) {
                const ms = r.runs(n, v, c);
                if (!ms.length) continue;
                const { by, total } = cpuOf(ms);
                const wall = mean(ms.map((m) => m.seconds));
                rows.push([n, LABEL[c], NAME[v], s2(wall), ...CPU_KEYS.map((k) => s2(by[k])), s2(total), s2(total / wall)]);
            }
    return [
        `CPU seconds used during the command (utime + stime from /proc, mean over runs) by the \`pulumi\` CLI (engine), the Node.js ` +
            `language host, the program, the dynamic provider (with its shim), moto, and the bench process (the recording proxy, plus the ` +
            `polling). The machine has ${nproc} CPUs; "CPUs busy" is the total over the wall time.`,
        "",
        table(
            [
                "N",
                "command",
                "program",
                "wall (s)",
                ...CPU_KEYS.map((k) => (k === "proxy" ? "proxy (bench)" : k)),
                "total CPU (s)",
                "CPUs busy",
            ],
            rows,
        ),
    ].join("\n");
}

function memorySection(r: Results, states: StateSize[]): string {
    const rows: (string | number)[][] = [];
    for (const n of r.sizes())
        for (const v of VARIANTS) {
            const st = states.find((s) => s.n === n && s.variant === v);
            const rss = Math.max(0, ...COMMANDS.flatMap((c) => r.runs(n, v, c).map((m) => m.rssKiB)));
            const procs = distinct(COMMANDS.flatMap((c) => r.runs(n, v, c).map((m) => m.providerProcesses)));
            rows.push([n, NAME[v], st?.providerBytes ?? "n/a", st?.resourceBytes ?? "n/a", mib(rss), procs]);
        }
    const perCommand: (string | number)[][] = [];
    for (const n of r.sizes())
        perCommand.push([
            n,
            ...COMMANDS.map((c) => VARIANTS.map((v) => mib(Math.max(0, ...r.runs(n, v, c).map((x) => x.rssKiB)))).join(" / ")),
        ]);
    return [
        table(
            [
                "N",
                "program",
                "`__provider` (bytes per resource)",
                "a resource in the state (bytes)",
                "provider peak RSS (MiB)",
                "provider processes per command",
            ],
            rows,
        ),
        "",
        "Peak RSS of the dynamic-provider process by command, MiB (ours / engine floor / lean floor):",
        "",
        table(["N", ...COMMANDS.map((c) => LABEL[c])], perCommand),
    ].join("\n");
}

interface RateFigures {
    busiestRegion: string;
    busiestServed: number;
    floorSeconds: number;
    throttled: number;
}

function rateFigures(m: Sample, ratePerSecond: number): RateFigures {
    const [busiestRegion, busiestServed] = Object.entries(m.configServedByRegion).sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
    return { busiestRegion, busiestServed, floorSeconds: busiestServed / ratePerSecond, throttled: sum(m.throttledByRegion) };
}

function rateSection(i: ReportInput, r: Results): string {
    const rate = i.rate;
    if (!rate) return i.options.rateLimitN === undefined ? "Not run (`--no-rate-limit`)." : "Did not complete: see Failures.";
    const lim = i.rateLimit;
    const lines = [
        `A token bucket per region in the proxy: ${lim.ratePerSecond} ${lim.service} calls per second, capacity ${lim.capacity} ` +
            `(bench/rules.ts); an empty bucket answers ThrottlingException and a throttled call takes no token. STS calls are not limited. ` +
            `Both \`up\` and \`destroy\` ran under the limit.`,
        "",
    ];
    const rows: (string | number)[][] = [];
    for (const [label, m] of [
        ["up (create)", rate.up],
        ["destroy", rate.destroy],
        ...(rate.cleanup ? [["destroy again, no limit", rate.cleanup] as const] : []),
    ] as const) {
        const f = rateFigures(m, lim.ratePerSecond);
        const span = m.firstCall !== undefined ? m.lastCall! - m.firstCall : NaN;
        const unlimited = r.runs(rate.n, "ours", label === "up (create)" ? "up" : "destroy");
        rows.push([
            label,
            m.error ? "**failed**" : "completed",
            s2(m.seconds),
            `${f.busiestServed} in ${f.busiestRegion} → ${s2(f.floorSeconds)}`,
            s2(m.seconds / f.floorSeconds),
            `${m.configTotal} (${sum(m.configServedByRegion)} not throttled)`,
            `${f.throttled}${byRegion(m.throttledByRegion)}`,
            ops(m),
            m.sts,
            Number.isFinite(span) ? s2(span) : "n/a",
            Number.isFinite(span) && span > 0 ? (f.busiestServed / span).toFixed(1) : "n/a",
            unlimited.length ? s2(median(unlimited.map((x) => x.seconds))) : "n/a",
            r.runs(rate.n, "floor", label === "up (create)" ? "up" : "destroy").length
                ? s2(r.time(rate.n, "floor", label === "up (create)" ? "up" : "destroy"))
                : "n/a",
        ]);
    }
    lines.push(
        table(
            [
                `N=${rate.n}`,
                "result",
                "time (s)",
                `rate floor: the busiest region's Config calls that were not throttled ÷ ${lim.ratePerSecond}/s (s)`,
                "time / rate floor",
                "Config attempts",
                "throttled answers (by region)",
                "by operation (attempts)",
                "STS",
                "first to last AWS call (s)",
                "the busiest region's calls/s (not throttled) over that span",
                "same command without the limit (s)",
                "engine floor, same command (s)",
            ],
            rows,
        ),
    );
    lines.push("", `After the rate-limited \`up\` the state held ${rate.inState} of ${rate.n} authorizations.`);
    for (const [label, m] of [
        ["up", rate.up],
        ["destroy", rate.destroy],
    ] as const)
        lines.push(
            "",
            `Config calls of the rate-limited ${label} per second since the command started, not throttled / throttled:`,
            "",
            timeline(m),
        );
    for (const [label, m] of [
        ["up", rate.up],
        ["destroy", rate.destroy],
    ] as const)
        if (m.error) lines.push("", `The rate-limited ${label} failed; the end of its output:`, "", "```", m.error, "```");
    return lines.join("\n");
}

/** Config calls per second of a command, per region: not throttled / throttled. */
function timeline(m: Sample): string {
    const t = m.perSecond;
    if (!t?.rows.length) return "(no Config calls)";
    const rows = t.rows.map((row, i) => [
        `${t.first + i}–${t.first + i + 1}`,
        ...row.map(([served, throttled]) => `${served} / ${throttled}`),
    ]);
    return table(["second", ...t.regions], rows);
}

function targets(i: ReportInput, r: Results): Verdict[] {
    const out: Verdict[] = [];
    const sizes = r.sizes();
    const all = (c: CommandName) => sizes.flatMap((n) => r.runs(n, "ours", c));
    const verdict = (id: TargetId, measured: number | undefined, figure: string, why?: (met: Met) => string | undefined) => {
        const j = judge(id, measured);
        out.push({ name: TARGETS[id].what, met: j.met, figure: `${j.text}; ${figure}`, why: j.met === false ? why?.(j.met) : undefined });
    };

    // Preview with no changes: no AWS call at all.
    const previews = all("preview");
    verdict(
        "run/preview-calls",
        previews.length ? Math.max(...previews.map((m) => m.configTotal + m.sts)) : undefined,
        `the most over ${previews.length} previews (N = ${sizes.join(", ")})`,
        () =>
            previews
                .filter((m) => m.configTotal + m.sts)
                .map((m) => `N=${m.n}: ${ops(m)}, STS ${m.sts}`)
                .join("; "),
    );

    // Refresh: one Config call per resource, plus a constant (at most one per source region); fewer than N is wrong too.
    const refreshExtra = sizes.map((n) => ({ n, extra: Math.max(...r.runs(n, "ours", "refresh").map((m) => m.configTotal - n)) }));
    const fewer = refreshExtra.some((x) => x.extra < 0);
    verdict(
        "run/refresh-extra-calls",
        all("refresh").length ? (fewer ? Infinity : Math.max(...refreshExtra.map((x) => x.extra))) : undefined,
        refreshExtra.map((x) => `N=${x.n}: ${x.n + x.extra} = N ${x.extra >= 0 ? "+" : "−"} ${Math.abs(x.extra)}`).join("; ") +
            (fewer ? " (fewer calls than resources: some resource was not read)" : ""),
        () =>
            all("refresh")
                .map((m) => `N=${m.n} per resource: ${opsPerResource(m)}`)
                .join("; "),
    );

    /** `cause`: why the provider makes more calls than the target, when it does so by design. */
    const perResource = (c: CommandName, id: TargetId, cause?: string) => {
        const ms = all(c);
        verdict(
            id,
            ms.length ? Math.max(...ms.map((m) => m.configTotal / m.n)) : undefined,
            "the most over N = " +
                sizes
                    .map(
                        (n) =>
                            `${n}: ${distinct(r.runs(n, "ours", c).map((m) => m.configTotal))} (${distinct(r.runs(n, "ours", c).map(ops))})`,
                    )
                    .join("; "),
            () =>
                (cause ? `${cause} Per resource: ` : "") +
                [...new Set(ms.filter((m) => m.configTotal / m.n > TARGETS[id].max).map((m) => `N=${m.n}: ${opsPerResource(m)}`))].join(
                    "; ",
                ),
        );
    };
    const OWNERSHIP =
        'By design since the ownership checks (docs/ownership-and-adoption.md, "The owner tag"): AWS ignores the tags of a Put on an authorization that exists, ' +
        "so a create reads the owner tag back after its Put (one more ListTagsForResource), and an update or a delete first checks that the " +
        "authorization is still this resource's (one ListTagsForResource each): the price of never changing or deleting one that is not ours.";
    perResource("up", "run/create-calls", OWNERSHIP);

    // STS: one GetCallerIdentity per source region per provider process, whatever the command.
    const ours = r.all.filter((m) => m.variant === "ours" && m.rep >= 0 && !m.error);
    const perProcess = (m: Sample) => Math.max(0, ...Object.values(m.stsByRegion)) / Math.max(1, m.providerProcesses);
    verdict(
        "run/sts-calls",
        ours.length ? Math.max(...ours.map(perProcess)) : undefined,
        sizes
            .map(
                (n) =>
                    `create N=${n}: ${distinct(r.runs(n, "ours", "up").map((m) => `${m.sts}${byRegion(m.stsByRegion)}`))} for ${Object.keys(perRegion(n)).length} region(s)`,
            )
            .join("; ") +
            `; every other command: ${distinct(ours.filter((m) => m.command !== "up").map((m) => m.sts))}; provider processes per command: ${distinct(ours.map((m) => m.providerProcesses))}`,
        () =>
            ours
                .filter((m) => perProcess(m) > TARGETS["run/sts-calls"].max)
                .map((m) => `N=${m.n} ${m.command}: ${m.sts}${byRegion(m.stsByRegion)} with ${m.providerProcesses} provider process(es)`)
                .join("; "),
    );
    perResource("update-tags", "run/update-calls", OWNERSHIP);
    perResource("destroy", "run/delete-calls", OWNERSHIP);

    const provider = i.states.filter((s) => s.variant === "ours");
    verdict(
        "run/provider-bytes",
        provider.length ? Math.max(...provider.map((s) => s.providerBytes)) : undefined,
        `the whole resource in the state: ${distinct(provider.map((s) => s.resourceBytes))} bytes`,
    );

    const big = TARGETS["run/engine-floor-ratio"].n;
    for (const c of ["up", "refresh", "destroy"] as CommandName[]) {
        const measured = sizes.includes(big) && r.runs(big, "ours", c).length > 0 && r.runs(big, "floor", c).length > 0;
        const j = judge("run/engine-floor-ratio", measured ? r.ratio(big, c) : undefined);
        out.push({
            name: `\`${c}\` at N = ${big}: ${TARGETS["run/engine-floor-ratio"].what}`,
            met: j.met,
            figure: measured
                ? `${j.text}; ${s2(r.time(big, "ours", c))} s vs ${s2(r.time(big, "floor", c))} s ` +
                  `(against the lean floor, ${s2(r.time(big, "lean", c))} s: ${s2(r.ratio(big, c, "lean"))}×)`
                : j.text,
            why: j.met === false ? whyRatio(i, r, big, c) : undefined,
        });
    }

    // Not a threshold: the rate-limited up must end with every authorization in the state.
    if (i.options.rateLimitN !== undefined) {
        const rate = i.rate;
        const up = rate?.up;
        const f = up ? rateFigures(up, i.rateLimit.ratePerSecond) : undefined;
        out.push({
            name: `\`up\` of ${i.options.rateLimitN} under ${i.rateLimit.ratePerSecond} Config calls/s per region completes with no failure`,
            met: up ? !up.error && rate!.inState === rate!.n : false,
            figure: up
                ? `${up.error ? "failed" : "completed"} in ${s2(up.seconds)} s, ${rate!.inState}/${rate!.n} in the state; rate floor ${s2(f!.floorSeconds)} s ` +
                  `(${f!.busiestServed} Config calls not throttled in ${f!.busiestRegion} ÷ ${i.rateLimit.ratePerSecond}/s): ${s2(up.seconds / f!.floorSeconds)}× it; ` +
                  `${f!.throttled} throttled answers; destroy under the limit ${rate!.destroy.error ? "failed" : "completed"} in ${s2(rate!.destroy.seconds)} s ` +
                  `(${rateFigures(rate!.destroy, i.rateLimit.ratePerSecond).throttled} throttled, rate floor ${s2(rateFigures(rate!.destroy, i.rateLimit.ratePerSecond).floorSeconds)} s)`
                : "the run did not complete (see Failures)",
            why: up?.error ? `the end of its output:\n\n\`\`\`\n${up.error}\n\`\`\`` : undefined,
        });
    }
    return out;
}

/** The figures behind a missed time ratio: the constant part, the per-resource part, and where ours spends it. */
function whyRatio(i: ReportInput, r: Results, n: number, c: CommandName): string {
    const sizes = r.sizes();
    const parts: string[] = [];
    const d = r.time(n, "ours", c) - r.time(n, "floor", c);
    parts.push(
        `ours ${s2(r.time(n, "ours", c))} s − floor ${s2(r.time(n, "floor", c))} s = ${s2(d)} s (${((d / n) * 1000).toFixed(1)} ms per resource if it were all per resource)`,
    );
    parts.push(`the lean floor takes ${s2(r.time(n, "lean", c))} s (ours / lean floor ${s2(r.ratio(n, c, "lean"))})`);
    const small = sizes[0];
    if (small !== n && r.runs(small, "ours", c).length) {
        const d1 = r.time(small, "ours", c) - r.time(small, "floor", c);
        parts.push(
            `at N=${small} the difference is ${s2(d1)} s (the per-command constant); the engine floor's own time grows by ` +
                `${s2(r.time(n, "floor", c) - r.time(small, "floor", c))} s from N=${small} to N=${n} (the engine's work on ${n} resources)`,
        );
    }
    const mid = sizes.filter((x) => x < n).pop();
    if (mid !== undefined && mid !== small) {
        const slope = (v: Variant) => ((r.time(n, v, c) - r.time(mid, v, c)) / (n - mid)) * 1000;
        parts.push(
            `from N=${mid} to N=${n}: ours ${slope("ours").toFixed(1)} ms per added resource, the floor ${slope("floor").toFixed(1)} ms`,
        );
    }
    const o = r.runs(n, "ours", c).filter((m) => m.firstCall !== undefined);
    if (o.length) {
        const first = mean(o.map((m) => m.firstCall!));
        const last = mean(o.map((m) => m.lastCall!));
        const total = mean(o.map((m) => m.seconds));
        const calls = mean(o.map((m) => m.configTotal + m.sts));
        parts.push(
            `ours' ${calls.toFixed(0)} AWS calls run from ${s2(first)} s to ${s2(last)} s (${s2(last - first)} s, ${(calls / Math.max(last - first, 1e-3)).toFixed(0)} calls/s; ` +
                `moto through the proxy serves ${i.aws.parallelPerSecond.toFixed(0)} calls/s 8 at a time, so ${s2(calls / i.aws.parallelPerSecond)} s is its share at best), ` +
                `then ${s2(total - last)} s until pulumi exits`,
        );
    }
    const cpu = (v: Variant) => {
        const { by, total } = cpuOf(r.runs(n, v, c));
        const wall = mean(r.runs(n, v, c).map((m) => m.seconds));
        return (
            `${s2(total)} CPU s in ${s2(wall)} s (${s2(total / wall)} CPUs busy): ` +
            CPU_KEYS.filter((k) => by[k] >= 0.005)
                .map((k) => `${k} ${s2(by[k])}`)
                .join(", ")
        );
    };
    parts.push(`CPU during ours: ${cpu("ours")}; during the engine floor: ${cpu("floor")}`);
    const calls = mean(r.runs(n, "ours", c).map((m) => m.configTotal + m.sts));
    if (calls > 0) {
        const extra = cpuOf(r.runs(n, "ours", c)).by.provider - cpuOf(r.runs(n, "floor", c)).by.provider;
        parts.push(
            `ours' provider process uses ${s2(extra)} CPU s more than the floor's: ${((extra / calls) * 1000).toFixed(1)} ms per AWS call, ` +
                `on one thread (Node.js), so at most ${(calls / extra).toFixed(0)} calls/s whatever the parallelism`,
        );
    }
    const rss = (v: Variant) => Math.max(0, ...r.runs(n, v, c).map((m) => m.rssKiB));
    parts.push(
        `provider peak RSS ${mib(rss("ours"))} MiB vs ${mib(rss("floor"))} MiB for the engine floor, ${mib(rss("lean"))} MiB for the lean one`,
    );
    return parts.join("; ");
}

function allRunsSection(i: ReportInput): string {
    const rows = i.results.map((m) => [
        m.n,
        LABEL[m.command],
        m.variant,
        m.rep + 1,
        s2(m.seconds),
        m.configTotal,
        m.sts,
        mib(m.rssKiB),
        m.firstCall !== undefined ? `${s2(m.firstCall)}–${s2(m.lastCall!)}` : "",
        [m.error ? "failed" : "", m.others.length ? "other test runs on the machine" : ""].filter(Boolean).join("; "),
    ]);
    return table(["N", "command", "program", "run", "s", "Config", "STS", "provider peak RSS (MiB)", "AWS calls from–to (s)", ""], rows);
}

export function report(i: ReportInput): string {
    const r = new Results(i.results);
    const t = targets(i, r);
    const missed = t.filter((x) => x.met === false);
    return [
        "# Benchmarks",
        "",
        "Written by `npm run bench` (scripts/bench.sh → bench/run.ts); do not edit by hand, run it again.",
        "",
        "## Environment",
        "",
        environmentSection(i),
        "",
        "## Method",
        "",
        METHOD,
        "",
        "## Targets",
        "",
        ...t.map((x) => `- **${mark(x.met)}** ${x.name}: ${x.figure}`),
        "",
        ...(missed.length
            ? [
                  "### Why the missed targets are missed (figures)",
                  "",
                  ...missed.map((x) => `- ${x.name}: ${x.why ?? "see the tables below"}`),
                  "",
              ]
            : []),
        "## Wall time",
        "",
        timeSection(r),
        "",
        "## AWS calls (ours; the floors make none)",
        "",
        callsSection(r),
        "",
        "Since issue 17 (not yet in these figures, which are from the run above): the check of a *new* authorization " +
            "reads its ARN once (one `ListTagsForResource` in its account) so that a preview fails, as the up would, on one " +
            "that exists. That is one Config call per new authorization in a preview, and one more per create in an `up` " +
            "(its own check). A preview with no changes still makes no AWS call. The engine tests assert these counts: " +
            '"4 accounts × 3 regions through roles" (one read per new authorization in the first preview) and ' +
            '"previews a tag change as exactly one update, and each key change as one replace" (one per replacement).',
        "",
        "## Where ours spends a command (mean over runs)",
        "",
        whereSection(r),
        "",
        "## Where the CPU time goes",
        "",
        cpuSection(r, i.env.nproc),
        "",
        "## State size and provider memory",
        "",
        memorySection(r, i.states),
        "",
        `## Under a rate limit (${i.rateLimit.ratePerSecond} Config calls/s per account and region)`,
        "",
        rateSection(i, r),
        "",
        ...(i.failures.length
            ? [
                  "## Failures",
                  "",
                  ...i.failures.map((f) => `- ${f.split("\n")[0]}\n\n\`\`\`\n${f.split("\n").slice(1).join("\n")}\n\`\`\``),
                  "",
              ]
            : []),
        "## Every run",
        "",
        allRunsSection(i),
        "",
    ].join("\n");
}

/**
 * Writes the report of `input` to `out`, keeping the sections other bench scripts keep there between
 * their own markers (bench/landing-zone.ts, bench/failures.ts: their own runs). Returns the report.
 */
export function writeReport(input: ReportInput, out: string): string {
    const markdown = report(input);
    const previous = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    // Sections other runs write between their own markers (landing-zone.ts, failures.ts) stay as they are.
    const kept = [...previous.matchAll(/<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->/g)].map((m) => m[0]);
    fs.writeFileSync(out, kept.length ? `${markdown.replace(/\s*$/, "")}\n\n${kept.join("\n\n")}\n` : markdown);
    return markdown;
}

// Renders a run's summary again (npm run bench:report): node dist/bench/report.js bench/summary.json BENCHMARKS.md
if (require.main === module) {
    const [data, out] = process.argv.slice(2);
    if (!data || !out) throw new Error("usage: node dist/bench/report.js <summary .json written by bench/run.ts> <report .md>");
    writeReport(JSON.parse(fs.readFileSync(data, "utf8")) as ReportInput, out);
}
