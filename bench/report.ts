/**
 * The one report writer: renders each section of BENCHMARKS.md from its summary, in place (the main
 * section as the file's head, the others between their markers), every figure beside its target and,
 * for a miss, the figures that say where the difference comes from.
 *
 *   node dist/bench/report.js bench/summary.json BENCHMARKS.md   (npm run bench:report: the main section again)
 */
import * as fs from "node:fs";
import { KNOBS } from "../provider/core/aws/limits";
import { fitTrend } from "./fit";
import { COMMANDS, ORGANIZATION_COMMANDS as ORG_COMMANDS } from "./measure";
import type { CommandName as C, Data, PerSecond, Sample, SectionName, Variant } from "./measure";
import { ROLES } from "./processes";
import { AGGREGATOR_ACCOUNTS, AGGREGATOR_REGIONS, ORGANIZATION_REGIONS, perRegion, SOURCE_REGIONS } from "./specs";
import { judge, mark, ORGANIZATION_SIZE as SIZE, TARGETS, type Met, type TargetId } from "./targets";

/** A section's summary; its options as its flags set them (bench/main.ts and the others). */
export type Summary = Data<{ n: number; accounts: number; regions: number; floorSizes: number[]; variants: string[] }> &
    Data<{ latencyMs: number[]; reps: number; repsLarge: number; largeFrom: number; rateLimitN?: number; warmup: boolean }>;
type Rate = { n: number; up: Sample; inState: number; destroy: Sample; cleanup?: Sample };
type CpuKey = keyof Sample["cpu"];
type StateFile = { variant: Variant; n: number; after: "up" | "add-region"; bytes: number; resources: number; authorizations: number };

const NAME: Record<Variant, string> = { ours: "ours", floor: "engine floor", lean: "lean floor", "pulumi-aws": "pulumi-aws shape" };
const LABEL: Record<C, string> = {
    ...{ up: "up (create)", "add-region": "up (a region added)", "preview-create": "preview (of the first up)", refresh: "refresh" },
    ...{ preview: "preview (no changes)", "update-tags": "up (tag update)", destroy: "destroy" },
};
const ORG_LABEL = { ...LABEL, "add-region": "up (a region added to every account)", "update-tags": "up (a tag changed everywhere)" };
const SHORT: Record<string, string> = {
    ...{ ListTagsForResource: "ListTags", PutAggregationAuthorization: "Put", DeleteAggregationAuthorization: "Delete" },
    ...{ DescribeAggregationAuthorizations: "Describe", TagResource: "Tag", UntagResource: "Untag" },
};
const CPU_KEYS: CpuKey[] = [...ROLES, "proxy"];
/** The CPU split the organization section shows: the language host counts with the program. */
const SPLIT = Object.entries({
    ...{ engine: ["engine"], "program (+ language host)": ["program", "language host"], "dynamic provider": ["provider"] },
    ...{ moto: ["moto"], "proxy (bench)": ["proxy"] },
}) as [string, CpuKey[]][];
const MAIN: Variant[] = ["ours", "floor", "lean"];
/** The heads of the main section's tables, cells split on "|". */
const HEAD = {
    calls: "N|command|Config calls|Config per resource|by operation|STS calls (by region)",
    peaks: "Peak RSS of the dynamic-provider process by command, MiB (ours / engine floor / lean floor):",
    time: "N|command|ours (s)|engine floor (s)|ours − floor (s)|ours / floor|lean floor (s)|ours / lean floor|every run (ours; floor; lean)",
    where: "N|command|ours total (s)|until the first AWS call (s)|first to last AWS call (s)|after the last AWS call (s)|AWS calls/s in between|engine floor total (s)|lean floor total (s)",
    memory: "N|program|`__provider` (bytes per resource)|a resource in the state (bytes)|provider peak RSS (MiB)|provider processes per command",
};

const s1 = (x: number) => x.toFixed(1);
const s2 = (x: number) => x.toFixed(2);
const mib = (kib: number) => (kib ? (kib / 1024).toFixed(0) : "n/a");
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const sum = (xs: Record<string, number> | number[]) => Object.values(xs).reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const median = (xs: number[], v = [...xs].sort((a, b) => a - b)) =>
    v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
const distinct = (xs: (number | string)[]) => [...new Set(xs)].join(" / ");
const join = <T>(xs: readonly T[], f: (x: T) => unknown, sep = ", ") => xs.map(f).join(sep);
/** "k v, k v", each through `f`. */
const pairs = (r: Record<string, unknown>, f = (k: string, v: unknown) => `${k} ${v}`) => join(Object.entries(r), ([k, v]) => f(k, v));
/** Config calls by operation (`per`: divided by it), short names unless `long`. */
const ops = (m: Sample, per = 0, long = false) =>
    pairs(m.config, (op, k) => `${(!long && SHORT[op]) || op} ${per ? ((k as number) / per).toFixed(2) : k}`) || "none";
const byRegion = (r: Record<string, number>) => (Object.keys(r).length ? ` (${pairs(r)})` : "");
const cpuOf = (m: Sample, keys: CpuKey[] = CPU_KEYS) => keys.reduce((a, k) => a + (m.cpu[k] ?? 0), 0);
const peak = (ms: Sample[]) => mib(Math.max(0, ...ms.map((m) => m.rssKiB)));
/** A markdown table: its head (cells split on "|") and its rows, each `| … |`. */
const table = (head: string, rows: string[], cells = head.split("|")) =>
    [`| ${cells.join(" | ")} |`, `|${cells.map(() => "---").join("|")}|`, ...rows].join("\n");
/** Paragraphs (headings, tables, prose), a blank line between each. */
const paras = (...xs: string[]) => xs.join("\n\n");
const verdict = (met: Met, what: string, text: string) => `- **${mark(met)}** ${what}: ${text}`;
const ranOn = (d: Summary) => `${d.env.date.slice(0, 16)}Z, ${d.env.cpu}, ${d.env.nproc} CPUs shared with other work`;
const failed = (d: Summary, lines: number) => d.failures.map((f) => `- FAILED: ${f.split("\n").slice(0, lines).join(" ").slice(0, 1500)}`);
const took = (d: Summary) => `Took ${(d.benchSeconds / 60).toFixed(1)} min.`;
const busy = (all: Sample[], what: string) => {
    const hit = all.filter((m) => m.others.length).length;
    return hit ? `**${hit} of ${all.length} commands ran while another test run was on the machine${what}` : "";
};

/* The main section: N authorizations from one account against the engine and lean floors, several runs each. */

class Results {
    constructor(readonly all: Sample[]) {}
    sizes = () => [...new Set(this.all.map((m) => m.n))].sort((a, b) => a - b);
    runs = (n: number, v: Variant, c: C) =>
        this.all.filter((m) => m.n === n && m.variant === v && m.command === c && m.rep >= 0 && !m.error);
    time = (n: number, v: Variant, c: C) => median(this.runs(n, v, c).map((m) => m.seconds));
    /** Ours over a floor (the engine floor unless said), medians. */
    ratio = (n: number, c: C, floor: Variant = "floor") => this.time(n, "ours", c) / this.time(n, floor, c);
    /** Every (N, command) that ours (or, `any`, any program) ran, in order. */
    each = (any = false, vs: Variant[] = any ? MAIN : ["ours"]) =>
        this.sizes().flatMap((n) => COMMANDS.filter((c) => vs.some((v) => this.runs(n, v, c).length)).map((c) => [n, c] as const));
    /** Means over ours' runs that made an AWS call: [wall time, first AWS call, last AWS call, AWS calls]. */
    span = (n: number, c: C, o = this.runs(n, "ours", c).filter((m) => m.firstCall !== undefined)) =>
        [o.map((m) => m.seconds), o.map((m) => m.firstCall!), o.map((m) => m.lastCall!), o.map((m) => m.configTotal + m.sts)].map(mean);
    cpu = (n: number, v: Variant, c: C) => Object.fromEntries(CPU_KEYS.map((k) => [k, mean(this.runs(n, v, c).map((m) => m.cpu[k]))]));
}

const METHOD = `Each N gets three stacks (file:// backend, the same environment from test/harness/pulumi.ts), the same Node.js runtime (plain JavaScript), the same inputs and no outputs:

- **ours**, \`bench/programs/authorizations\`: N \`AggregationAuthorization\`s;
- the **engine floor**, \`bench/programs/floor\`: N \`pulumi.dynamic.Resource\`s whose provider does nothing. The targets compare ours with this floor;
- the **lean floor**, \`bench/programs/floor-lean\`: the same no-op provider, stored in the state as ours is (a short module text in \`__provider\`, ~0.4 KB, instead of the ~1.7 KB closure \`pulumi.dynamic.Resource\` serializes into every resource). The engine writes the whole state after each step, so the engine floor pays for its bigger state; the lean floor shows how much.

The N authorizations go round-robin over the source regions ${SOURCE_REGIONS.join(", ")}, then over ${AGGREGATOR_ACCOUNTS.length} aggregator accounts and ${AGGREGATOR_REGIONS.length} aggregator regions, so every key is unique; each has the tags \`team\` and \`cost-center\` (plus the provider's owner tag).

Per run, in this order: \`up\` (creates N), \`preview\` (no changes), \`refresh\`, \`up\` with changed tags (removes \`team\`, adds \`stage\`: the worst case, an UntagResource and a TagResource per resource), \`destroy\`. Each command runs for each program in turn, the order rotating from run to run. A time is the wall time of the \`pulumi\` process, median over the runs. AWS calls are what the recording proxy saw (every attempt). Peak RSS is the largest VmHWM of the dynamic-provider process, and CPU time the utime + stime of each process of the command, both polled from /proc every 50 ms (bench/processes.ts). The state size is read from \`pulumi stack export\` after the first \`up\`.`;

function environment(d: Summary): string {
    const [e, o, aws, rate] = [d.env, d.options, d.aws as { sequentialMs: number; parallelPerSecond: number }, d.rate as Rate | undefined];
    const all = [...d.results, ...(rate ? [rate.up, rate.destroy] : [])];
    return [
        `- **Date**: ${e.date}`,
        `- **Machine**: ${e.nproc} CPUs (nproc), ${e.cpu}, ${e.memory} memory, ${e.kernel}`,
        `- **Node** ${e.node}; **Pulumi** ${e.pulumi} (\`pulumi version\`); **moto** ${e.moto}`,
        `- **Packages**: ${pairs(e.packages as Record<string, string>)}`,
        `- **Source**: git ${e.git}`,
        `- **AWS**: moto on loopback behind the recording proxy (test/harness/proxy.ts); one Config call through both takes ${aws.sequentialMs.toFixed(1)} ms (median, one at a time); 8 at a time they serve ${aws.parallelPerSecond.toFixed(0)} calls/s.`,
        `- **Settings**: the CLI run through Pulumi's Automation API (test/harness/pulumi.ts); Pulumi's default parallelism (8 on this machine, the same for every program); \`up\`, \`refresh\`, \`destroy\` with \`--yes --skip-preview\`; \`preview --expect-no-changes\`; AWS_MAX_ATTEMPTS unset (the provider's default, 8); runs per command: ${o.reps} for N < ${o.largeFrom}, ${o.repsLarge} for N ≥ ${o.largeFrom}; ${o.warmup ? "one untimed warm-up up/destroy of N=1 for each program first" : "no warm-up"}.`,
        `- **Bench run time**: ${(d.benchSeconds / 60).toFixed(1)} min; load average ${d.load.start} at the start, ${d.load.end} at the end; ${busy(all, "** (marked in Every run): their times are suspect.") || "no other test run was seen on the machine during any command."}`,
    ].join("\n");
}

function mainTables(r: Results, d: Summary): string {
    const t = (n: number, v: Variant, c: C) => s2(r.time(n, v, c));
    const every = (n: number, c: C) => join(MAIN, (v) => join(r.runs(n, v, c), (m) => s2(m.seconds)), "; ");
    const time = r.each(true).map(([n, c]) => {
        return `| ${n} | ${LABEL[c]} | ${t(n, "ours", c)} | ${t(n, "floor", c)} | ${s2(r.time(n, "ours", c) - r.time(n, "floor", c))} | **${s2(r.ratio(n, c))}** | ${t(n, "lean", c)} | ${s2(r.ratio(n, c, "lean"))} | ${every(n, c)} |`;
    });
    const calls = r.each().map(([n, c], _, __, o = r.runs(n, "ours", c)) => {
        return `| ${n} | ${LABEL[c]} | ${distinct(o.map((m) => m.configTotal))} | ${distinct(o.map((m) => (m.configTotal / n).toFixed(2)))} | ${distinct(o.map((m) => ops(m)))} | ${distinct(o.map((m) => `${m.sts}${byRegion(m.stsByRegion)}`))} |`;
    });
    const where = r.each().flatMap(([n, c]) => {
        const [total, first, last, k] = r.span(n, c);
        const row = `| ${n} | ${LABEL[c]} | ${s2(total)} | ${s2(first)} | ${s2(last - first)} | ${s2(total - last)} | ${last > first ? (k / (last - first)).toFixed(0) : "n/a"} | ${t(n, "floor", c)} | ${t(n, "lean", c)} |`;
        return Number.isNaN(total) ? [] : row;
    });
    const cpu = r.each(true).flatMap(([n, c]) =>
        MAIN.filter((v) => r.runs(n, v, c).length).map((v) => {
            const [by, wall] = [Object.values(r.cpu(n, v, c)), mean(r.runs(n, v, c).map((m) => m.seconds))];
            return `| ${n} | ${LABEL[c]} | ${NAME[v]} | ${s2(wall)} | ${by.map(s2).join(" | ")} | ${s2(sum(by))} | ${s2(sum(by) / wall)} |`;
        }),
    );
    const states = d.states as { n: number; variant: Variant; providerBytes: number; resourceBytes: number }[];
    const memory = r.sizes().flatMap((n) =>
        MAIN.map((v) => {
            const [st, all] = [states.find((s) => s.n === n && s.variant === v), COMMANDS.flatMap((c) => r.runs(n, v, c))];
            return `| ${n} | ${NAME[v]} | ${st?.providerBytes ?? "n/a"} | ${st?.resourceBytes ?? "n/a"} | ${peak(all)} | ${distinct(all.map((m) => m.providerProcesses))} |`;
        }),
    );
    const peaks = (n: number) => `| ${n} | ${join(COMMANDS, (c) => join(MAIN, (v) => peak(r.runs(n, v, c)), " / "), " | ")} |`;
    const cpuHead = `N|command|program|wall (s)|${ROLES.join("|")}|proxy (bench)|total CPU (s)|CPUs busy`;
    const cpuProse = `CPU seconds used during the command (utime + stime from /proc, mean over runs) by the \`pulumi\` CLI (engine), the Node.js language host, the program, the dynamic provider (with its shim), moto, and the bench process (the recording proxy, plus the polling). The machine has ${d.env.nproc} CPUs; "CPUs busy" is the total over the wall time.`;
    return [
        paras("## Wall time", table(HEAD.time, time), "## AWS calls (ours; the floors make none)", table(HEAD.calls, calls), ISSUE_17),
        paras("## Where ours spends a command (mean over runs)", table(HEAD.where, where), "## Where the CPU time goes", cpuProse),
        paras(table(cpuHead, cpu), "## State size and provider memory", table(HEAD.memory, memory), HEAD.peaks),
        paras(table(`N|${COMMANDS.map((c) => LABEL[c]).join("|")}`, r.sizes().map(peaks))),
    ].join("\n\n");
}

/** The rate floor of a rate-limited command: the busiest region's Config calls that were not throttled ÷ the rate. */
function rateFloor(m: Sample, ratePerSecond: number) {
    const [region, served] = Object.entries(m.configServedByRegion).sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
    return { region, served, seconds: served / ratePerSecond, throttled: sum(m.throttledByRegion) };
}

function rateSection(d: Summary, r: Results): string {
    const [rate, lim] = [d.rate as Rate | undefined, d.rateLimit as { ratePerSecond: number; capacity: number; service: string }];
    if (!rate) return d.options.rateLimitN === undefined ? "Not run (`--no-rate-limit`)." : "Did not complete: see Failures.";
    const runs = { "up (create)": rate.up, destroy: rate.destroy, "destroy again, no limit": rate.cleanup };
    const rows = Object.entries(runs).flatMap(([label, m]) => {
        if (!m) return [];
        const [f, t, c] = [rateFloor(m, lim.ratePerSecond), m.firstCall !== undefined ? m.lastCall! - m.firstCall : NaN, m.command];
        const over = Number.isFinite(t) ? `${s2(t)} | ${t > 0 ? (f.served / t).toFixed(1) : "n/a"}` : "n/a | n/a";
        const [unlimited, floor] = [r.runs(rate.n, "ours", c), r.runs(rate.n, "floor", c).length ? s2(r.time(rate.n, "floor", c)) : "n/a"];
        return `| ${label} | ${m.error ? "**failed**" : "completed"} | ${s2(m.seconds)} | ${f.served} in ${f.region} → ${s2(f.seconds)} | ${s2(m.seconds / f.seconds)} | ${m.configTotal} (${sum(m.configServedByRegion)} not throttled) | ${f.throttled}${byRegion(m.throttledByRegion)} | ${ops(m)} | ${m.sts} | ${over} | ${unlimited.length ? s2(median(unlimited.map((x) => x.seconds))) : "n/a"} | ${floor} |`;
    });
    const second = (t: PerSecond) => (row: [number, number][], i: number) =>
        `| ${t.first + i}–${t.first + i + 1} | ${join(row, ([a, b]) => `${a} / ${b}`, " | ")} |`;
    const timeline = ({ perSecond: t }: Sample) =>
        t?.rows.length ? table(`second|${t.regions.join("|")}`, t.rows.map(second(t))) : "(no Config calls)";
    const head = `N=${rate.n}|result|time (s)|rate floor: the busiest region's Config calls that were not throttled ÷ ${lim.ratePerSecond}/s (s)|time / rate floor|Config attempts|throttled answers (by region)|by operation (attempts)|STS|first to last AWS call (s)|the busiest region's calls/s (not throttled) over that span|same command without the limit (s)|engine floor, same command (s)`;
    const each = (c: string, m: Sample) => [
        `\n${paras(`Config calls of the rate-limited ${c} per second since the command started, not throttled / throttled:`, timeline(m))}`,
    ];
    const failure = (c: string, m: Sample) =>
        m.error ? ["", `The rate-limited ${c} failed; the end of its output:`, "", "```", m.error, "```"] : [];
    return [
        `A token bucket per region in the proxy: ${lim.ratePerSecond} ${lim.service} calls per second, capacity ${lim.capacity} (bench/measure.ts); an empty bucket answers ThrottlingException and a throttled call takes no token. STS calls are not limited. Both \`up\` and \`destroy\` ran under the limit.`,
        "",
        table(head, rows),
        "",
        `After the rate-limited \`up\` the state held ${rate.inState} of ${rate.n} authorizations.`,
        ...each("up", rate.up),
        ...each("destroy", rate.destroy),
        ...failure("up", rate.up),
        ...failure("destroy", rate.destroy),
    ].join("\n");
}

const ISSUE_17 = `Since issue 17 (not yet in these figures): the check of a *new* authorization reads its ARN once (one \`ListTagsForResource\` in its account) so that a preview fails, as the up would, on one that exists: one Config call per new authorization in a preview, and one more per create in an \`up\`. A preview with no changes still makes no AWS call. The engine tests assert these counts: "4 accounts × 3 regions through roles" and "previews a tag change as exactly one update, and each key change as one replace".`;
const STATE_PROSE = "The state file the file:// backend holds after the command (the engine rewrites all of it after every step).";
const TARGETS_18 = "Targets (bench/targets.ts, issue 18; the tag change has none):\n";
const OWNERSHIP = `The create, update and delete counts are by design since the ownership checks (docs/ownership-and-adoption.md, "The owner tag"): AWS ignores the tags of a Put on an authorization that exists, so a create reads the owner tag back after its Put (one more ListTagsForResource), and an update or a delete first checks that the authorization is still this resource's (one ListTagsForResource each): the price of never changing or deleting one that is not ours.`;

/** Each target's line: [name, met, figures, and for a miss the figures behind it]. */
function mainTargets(d: Summary, r: Results): [string, Met, string, string?][] {
    const out: [string, Met, string, string?][] = [];
    const sizes = r.sizes();
    const all = (c: C) => sizes.flatMap((n) => r.runs(n, "ours", c));
    const most = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
    const add = (id: TargetId, measured: number | undefined, figure: string, why?: () => string) => {
        const j = judge(id, measured);
        out.push([TARGETS[id].what, j.met, `${j.text}; ${figure}`, j.met === false ? why?.() : undefined]);
    };
    const previews = all("preview");
    const called = previews.filter((m) => m.configTotal + m.sts);
    const previewed = () => join(called, (m) => `N=${m.n}: ${ops(m)}, STS ${m.sts}`, "; ");
    const over = `the most over ${previews.length} previews (N = ${sizes.join(", ")})`;
    add("run/preview-calls", most(previews.map((m) => m.configTotal + m.sts)), over, previewed);
    // Refresh: one Config call per resource, plus a constant (at most one per source region); fewer than N is wrong too.
    const extra = sizes.map((n) => ({ n, extra: Math.max(...r.runs(n, "ours", "refresh").map((m) => m.configTotal - n)) }));
    const fewer = extra.some((x) => x.extra < 0);
    const refreshes = join(extra, (x) => `N=${x.n}: ${x.n + x.extra} = N ${x.extra >= 0 ? "+" : "−"} ${Math.abs(x.extra)}`, "; ");
    const refreshed = all("refresh").length ? (fewer ? Infinity : Math.max(...extra.map((x) => x.extra))) : undefined;
    const perRefresh = () => join(all("refresh"), (m) => `N=${m.n} per resource: ${ops(m, m.n)}`, "; ");
    const unread = `${refreshes}${fewer ? " (fewer calls than resources: some resource was not read)" : ""}`;
    add("run/refresh-extra-calls", refreshed, unread, perRefresh);
    const perResource = (c: C, id: TargetId) => {
        const each = (n: number, o = r.runs(n, "ours", c)) =>
            `${n}: ${distinct(o.map((m) => m.configTotal))} (${distinct(o.map((m) => ops(m)))})`;
        const over = all(c).filter((m) => m.configTotal / m.n > TARGETS[id].max);
        const why = () => `per resource: ${[...new Set(over.map((m) => `N=${m.n}: ${ops(m, m.n)}`))].join("; ")}`;
        add(id, most(all(c).map((m) => m.configTotal / m.n)), `the most over N = ${join(sizes, (n) => each(n), "; ")}`, why);
    };
    perResource("up", "run/create-calls");
    // STS: one GetCallerIdentity per source region per provider process, whatever the command.
    const ours = r.all.filter((m) => m.variant === "ours" && m.rep >= 0 && !m.error);
    const perProcess = (m: Sample) => Math.max(0, ...Object.values(m.stsByRegion)) / Math.max(1, m.providerProcesses);
    const sts = (m: Sample) => `${m.sts}${byRegion(m.stsByRegion)}`;
    const others = `every other command: ${distinct(ours.filter((m) => m.command !== "up").map((m) => m.sts))}`;
    const stsOver = ours.filter((m) => perProcess(m) > TARGETS["run/sts-calls"].max);
    const overs = () => join(stsOver, (m) => `N=${m.n} ${m.command}: ${sts(m)} with ${m.providerProcesses} provider process(es)`, "; ");
    const create = (n: number) =>
        `create N=${n}: ${distinct(r.runs(n, "ours", "up").map(sts))} for ${Object.keys(perRegion(n)).length} region(s)`;
    const figure = `${join(sizes, create, "; ")}; ${others}; provider processes per command: ${distinct(ours.map((m) => m.providerProcesses))}`;
    add("run/sts-calls", most(ours.map(perProcess)), figure, overs);
    perResource("update-tags", "run/update-calls");
    perResource("destroy", "run/delete-calls");
    const provider = (d.states as { variant: Variant; providerBytes: number; resourceBytes: number }[]).filter((s) => s.variant === "ours");
    const whole = `the whole resource in the state: ${distinct(provider.map((s) => s.resourceBytes))} bytes`;
    add("run/provider-bytes", most(provider.map((s) => s.providerBytes)), whole);
    const [big, ratio] = [TARGETS["run/engine-floor-ratio"].n!, TARGETS["run/engine-floor-ratio"].what];
    for (const c of ["up", "refresh", "destroy"] as C[]) {
        const measured = sizes.includes(big) && r.runs(big, "ours", c).length > 0 && r.runs(big, "floor", c).length > 0;
        const j = judge("run/engine-floor-ratio", measured ? r.ratio(big, c) : undefined);
        const vs = `${s2(r.time(big, "ours", c))} s vs ${s2(r.time(big, "floor", c))} s (against the lean floor, ${s2(r.time(big, "lean", c))} s: ${s2(r.ratio(big, c, "lean"))}×)`;
        const why = j.met === false ? whyRatio(d, r, big, c) : undefined;
        out.push([`\`${c}\` at N = ${big}: ${ratio}`, j.met, measured ? `${j.text}; ${vs}` : j.text, why]);
    }
    // Not a threshold: the rate-limited up must end with every authorization in the state.
    if (d.options.rateLimitN === undefined) return out;
    const [rate, lim] = [d.rate as Rate | undefined, (d.rateLimit as { ratePerSecond: number }).ratePerSecond];
    const name = `\`up\` of ${d.options.rateLimitN} under ${lim} Config calls/s per region completes with no failure`;
    if (!rate) return [...out, [name, false, "the run did not complete (see Failures)"]];
    const [up, f, down] = [rate.up, rateFloor(rate.up, lim), rateFloor(rate.destroy, lim)];
    const text = `${up.error ? "failed" : "completed"} in ${s2(up.seconds)} s, ${rate.inState}/${rate.n} in the state; rate floor ${s2(f.seconds)} s (${f.served} Config calls not throttled in ${f.region} ÷ ${lim}/s): ${s2(up.seconds / f.seconds)}× it; ${f.throttled} throttled answers; destroy under the limit ${rate.destroy.error ? "failed" : "completed"} in ${s2(rate.destroy.seconds)} s (${down.throttled} throttled, rate floor ${s2(down.seconds)} s)`;
    const why = up.error ? `the end of its output:\n\n\`\`\`\n${up.error}\n\`\`\`` : undefined;
    return [...out, [name, !up.error && rate.inState === rate.n, text, why]];
}

/** The figures behind a missed time ratio: the constant part, the per-resource part, and where ours spends it. */
function whyRatio(d: Summary, r: Results, n: number, c: C): string {
    const [sizes, t] = [r.sizes(), (v: Variant, at = n) => r.time(at, v, c)];
    const diff = t("ours") - t("floor");
    const [small, mid] = [sizes[0], sizes.filter((x) => x < n).pop()];
    const parts = [
        `ours ${s2(t("ours"))} s − floor ${s2(t("floor"))} s = ${s2(diff)} s (${((diff / n) * 1000).toFixed(1)} ms per resource if it were all per resource)`,
        `the lean floor takes ${s2(t("lean"))} s (ours / lean floor ${s2(r.ratio(n, c, "lean"))})`,
    ];
    const constant = `at N=${small} the difference is ${s2(t("ours", small) - t("floor", small))} s (the per-command constant); the engine floor's own time grows by ${s2(t("floor") - t("floor", small))} s from N=${small} to N=${n} (the engine's work on ${n} resources)`;
    if (small !== n && r.runs(small, "ours", c).length) parts.push(constant);
    const slope = (v: Variant) => (((t(v) - t(v, mid)) / (n - mid!)) * 1000).toFixed(1);
    const slopes = `from N=${mid} to N=${n}: ours ${slope("ours")} ms per added resource, the floor ${slope("floor")} ms`;
    if (mid !== undefined && mid !== small) parts.push(slopes);
    const [aws, [total, first, last, calls]] = [(d.aws as { parallelPerSecond: number }).parallelPerSecond, r.span(n, c)];
    const span = `ours' ${calls.toFixed(0)} AWS calls run from ${s2(first)} s to ${s2(last)} s (${s2(last - first)} s, ${(calls / Math.max(last - first, 1e-3)).toFixed(0)} calls/s; moto through the proxy serves ${aws.toFixed(0)} calls/s 8 at a time, so ${s2(calls / aws)} s is its share at best), then ${s2(total - last)} s until pulumi exits`;
    if (!Number.isNaN(total)) parts.push(span);
    const cpu = (v: Variant, b = r.cpu(n, v, c), wall = mean(r.runs(n, v, c).map((m) => m.seconds))) => {
        const keys = CPU_KEYS.filter((k) => b[k] >= 0.005);
        const by = join(keys, (k) => `${k} ${s2(b[k])}`);
        return `${s2(sum(b))} CPU s in ${s2(wall)} s (${s2(sum(b) / wall)} CPUs busy): ${by}`;
    };
    parts.push(`CPU during ours: ${cpu("ours")}; during the engine floor: ${cpu("floor")}`);
    const all = mean(r.runs(n, "ours", c).map((m) => m.configTotal + m.sts));
    const extra = r.cpu(n, "ours", c).provider - r.cpu(n, "floor", c).provider;
    const thread = `ours' provider process uses ${s2(extra)} CPU s more than the floor's: ${((extra / all) * 1000).toFixed(1)} ms per AWS call, on one thread (Node.js), so at most ${(all / extra).toFixed(0)} calls/s whatever the parallelism`;
    if (all > 0) parts.push(thread);
    const rss = (v: Variant) => peak(r.runs(n, v, c));
    parts.push(`provider peak RSS ${rss("ours")} MiB vs ${rss("floor")} MiB for the engine floor, ${rss("lean")} MiB for the lean one`);
    return parts.join("; ");
}

function main(d: Summary): string {
    const r = new Results(d.results);
    const targets = mainTargets(d, r);
    const missed = targets.filter(([, met]) => met === false).map(([name, , , why]) => `- ${name}: ${why ?? "see the tables below"}`);
    const every = d.results.map((m) => {
        const notes = [m.error ? "failed" : "", m.others.length ? "other test runs on the machine" : ""].filter(Boolean).join("; ");
        return `| ${m.n} | ${LABEL[m.command]} | ${m.variant} | ${m.rep + 1} | ${s2(m.seconds)} | ${m.configTotal} | ${m.sts} | ${mib(m.rssKiB)} | ${m.firstCall !== undefined ? `${s2(m.firstCall)}–${s2(m.lastCall!)}` : ""} | ${notes} |`;
    });
    const lim = (d.rateLimit as { ratePerSecond: number }).ratePerSecond;
    const ownership = targets.some(([name, met]) => met === false && /create|update|delete/.test(name)) ? ["", OWNERSHIP] : [];
    const failure = (f: string) => `- ${f.split("\n")[0]}\n\n\`\`\`\n${f.split("\n").slice(1).join("\n")}\n\`\`\``;
    return [
        ...["# Benchmarks", "", "Written by `npm run bench` (scripts/bench.sh → bench/run.ts); do not edit by hand, run it again.", ""],
        ...["## Environment", "", environment(d), "", "## Method", "", METHOD, "", "## Targets", ""],
        ...targets.map(([name, met, figure]) => verdict(met, name, figure)),
        "",
        ...(missed.length ? ["### Why the missed targets are missed (figures)", "", ...missed, ...ownership, ""] : []),
        mainTables(r, d),
        ...["", `## Under a rate limit (${lim} Config calls/s per account and region)`, "", rateSection(d, r), ""],
        ...(d.failures.length ? ["## Failures", "", ...d.failures.map(failure), ""] : []),
        ...["## Every run", "", table("N|command|program|run|s|Config|STS|provider peak RSS (MiB)|AWS calls from–to (s)|", every), ""],
    ].join("\n");
}

/* The landing-zone section: N authorizations over A accounts through roles, beside the lean floor, under a rate limit and latency. */

function landingZone(d: Summary): string {
    const [o, get] = [d.options, (v: Variant, c: C) => d.results.find((m) => m.variant === v && m.command === c)];
    const limited = d.limited as { up: Sample; floor: number; buckets: number; capacity: number; ratePerSecond: number } | undefined;
    const cpu = (m: Sample, roles: CpuKey[]) => join(roles, (r) => (m.cpu[r] ?? 0).toFixed(1), " / ");
    const both = COMMANDS.map((c) => [c, get("ours", c), get("lean", c)]).filter(([, a, b]) => a && b) as [C, Sample, Sample][];
    const row = ([c, a, b]: [C, Sample, Sample]) =>
        `| ${c} | ${s2(a.seconds)} | ${s2(b.seconds)} | **${s2(a.seconds / b.seconds)}** | ${a.configTotal} | ${a.sts} | ${mib(a.rssKiB)} / ${mib(b.rssKiB)} | ${cpu(a, ["engine", "provider", "moto", "proxy"])} (${cpu(b, ["engine", "provider"])}) |`;
    const head =
        "command|ours, s|lean floor, s|ours ÷ floor|Config calls|STS calls|provider peak RSS, MiB (ours / floor)|CPU s, ours: engine / provider / moto / proxy (floor: engine / provider)";
    const lines = [
        `## Landing-zone scale: ${o.n} authorizations over ${o.accounts} accounts × ${SOURCE_REGIONS.length} regions`,
        "",
        `\`npm run bench\` (bench/landing-zone.ts), one run of each command, ${ranOn(d)}; pulumi ${d.env.pulumi}; source ${d.env.git}; moto on loopback through the recording proxy. Every authorization is created through a role in its account (\`assumeRole\`); the lean floor is the same N as no-op resources stored as ours is. ${took(d)}`,
        ...["", table(head, both.map(row)), "", "Targets (bench/targets.ts):", ""],
    ];
    const line = (met: Met, what: string, text: string, figures: string) => lines.push(verdict(met, what, `${text}; ${figures}`));
    for (const [c, a, b] of both) {
        const j = judge("landing-zone/lean-floor-ratio", a.seconds / b.seconds);
        line(j.met, `${c}: ${TARGETS["landing-zone/lean-floor-ratio"].what}`, j.text, `${s2(a.seconds)} s vs ${s2(b.seconds)} s`);
    }
    if (limited) {
        const [up, j] = [limited.up, judge("landing-zone/rate-floor-ratio", limited.up.seconds / limited.floor)];
        const figures = `${s2(up.seconds)} s vs ${s2(limited.floor)} s (the calls served in the busiest of ${limited.buckets} buckets, less the bucket's ${limited.capacity}, ÷ ${limited.ratePerSecond}/s); ${up.configTotal} Config calls, ${sum(up.throttledByRegion)} throttled answers${up.error ? "; FAILED" : ""}`;
        line(up.error ? false : j.met, TARGETS["landing-zone/rate-floor-ratio"].what, j.text, figures);
        const [leanUp, bound] = [get("lean", "up"), Math.max(limited.floor, get("lean", "up")?.seconds ?? 0)];
        const against = `  - against the larger of the rate floor and the lean floor's unlimited up (${s2(bound)} s: where the engine, not the rate, is the bound): ${s2(up.seconds / bound)}×; the same up without the limit took ${get("ours", "up")?.seconds.toFixed(2)} s`;
        if (leanUp) lines.push(against);
    }
    const floor = get("lean", "refresh");
    for (const m of (d.latency ?? []) as Sample[]) {
        const j = judge("landing-zone/latency-refresh-over-floor", floor ? m.seconds - floor.seconds : undefined);
        const what = `${TARGETS["landing-zone/latency-refresh-over-floor"].what} (${m.latencyMs} ms${m.parallel ? ` with \`--parallel ${m.parallel}\`` : " at Pulumi's default parallelism"})`;
        const figures = `${s2(m.seconds)} s vs the floor's ${s2(floor?.seconds ?? NaN)} s (floor + one round trip: ${s2((floor?.seconds ?? 0) + (m.latencyMs ?? 0) / 1000)} s); ${m.configTotal} Config calls${m.error ? "; FAILED" : ""}`;
        line(m.error ? false : j.met, what, j.text, figures);
    }
    return [...lines, ...failed(d, 5)].join("\n");
}

/* The organization section: A accounts × R regions as SourceAccountAuthorizations, beside floors sampled at smaller N and extrapolated. */

/** The commands with a time target (and the ratio target), by their target. */
const TIME_TARGET: Partial<Record<C, TargetId>> = {
    ...{ up: "organization/up", preview: "organization/preview", refresh: "organization/refresh" },
    ...{ "add-region": "organization/add-region", destroy: "organization/destroy" },
};

/** A floor's time at ours' N: measured there, or read off the trend of its samples. */
function floorAt(results: Sample[], v: Variant, c: C, n: number) {
    const ms = results.filter((m) => m.variant === v && m.command === c && !m.error);
    const exact = ms.find((m) => m.n === n);
    const fit = exact ? undefined : fitTrend(ms.map((m) => ({ n: m.n, y: m.seconds })));
    if (exact || !fit) return exact && { seconds: exact.seconds, how: "measured", fit };
    return { seconds: fit.at(n), how: n > Math.max(...ms.map((m) => m.n)) ? "extrapolated" : "interpolated", fit };
}
const floorCell = (f: ReturnType<typeof floorAt>, unit = "") =>
    f ? `${s2(f.seconds)}${unit} (${f.how === "measured" ? "measured" : `*${f.how}*`})` : "n/a";

/** The figures that bound a command: where its CPU went and when its AWS calls ran. */
function bound(m: Sample, nproc: string): string {
    const [total, calls] = [cpuOf(m), m.configTotal + m.sts];
    const split = SPLIT.map(([name, keys]) => ({ name, cpu: cpuOf(m, keys) }))
        .sort((a, b) => b.cpu - a.cpu)
        .filter((p) => p.cpu >= 0.05)
        .map((p) => `${p.name} ${s1(p.cpu)}`);
    const rate = m.firstCall !== undefined ? (calls / Math.max(m.lastCall! - m.firstCall, 1e-3)).toFixed(0) : "";
    const window =
        m.firstCall !== undefined
            ? `; its ${calls} AWS calls ran from ${s1(m.firstCall)} s to ${s1(m.lastCall!)} s (${rate}/s), then ${s1(m.seconds - m.lastCall!)} s to the end`
            : "; no AWS call";
    return `${s1(m.seconds)} s of wall time, ${s1(total)} CPU s (${s2(total / m.seconds)} of ${nproc} CPUs busy): ${split.join(", ")}${window}`;
}

/** Ours at every latency side by side: the time, the AWS calls, the concurrency that hid the latency, the ratio to the first latency. */
function latencyTables(latencies: number[], all: Sample[]): string[] {
    const at = (c: C, l: number) => all.find((m) => m.variant === "ours" && m.command === c && m.latencyMs === l && !m.error);
    const [base, ...others] = latencies;
    const verdicts: string[] = [];
    const rows = ORG_COMMANDS.map((c) => {
        const [ref, m100] = [at(c, base), at(c, 100)];
        if (base === 0 && ref && m100) {
            const id = c === "preview-create" ? "organization/latency-preview-create-ratio" : "organization/latency-ratio";
            const j = judge(id, m100.seconds / ref.seconds);
            verdicts.push(verdict(j.met, ORG_LABEL[c], `${j.text} (${s1(m100.seconds)} s against ${s1(ref.seconds)} s)`));
        }
        const cell = (l: number, m = at(c, l), calls = m ? m.configTotal + m.sts : 0) =>
            !m
                ? "n/a |  | "
                : `${s1(m.seconds)}${l === base || !ref ? "" : ` (${s2(m.seconds / ref.seconds)}×)`} | ${calls} | ${l && calls ? s1((calls * l) / 1000 / m.seconds) : "–"}`;
        return `| ${ORG_LABEL[c]} | ${join(latencies, (l) => cell(l), " | ")} |`;
    });
    const rss = (c: C, l: number, by = at(c, l)?.rssByRole) =>
        by ? `${mib(by.engine)} / ${mib(by.program)} / ${mib(by.provider)}` : "n/a";
    const [rssHead, rssRows] = [
        `command|${join(latencies, (l) => `${l} ms`, "|")}`,
        ORG_COMMANDS.map((c) => `| ${ORG_LABEL[c]} | ${join(latencies, (l) => rss(c, l), " | ")} |`),
    ];
    return [
        `### At ${others.length ? "each latency" : `${base} ms`} added to every AWS call (ours)`,
        "",
        "The recording proxy delays every AWS call (Config, STS, Account) by the latency before answering it; each latency has a stack of its own, and each command runs at every latency in turn before the next command. Concurrency is AWS calls × latency ÷ wall time: how many calls were in flight on average, which is what hides the latency.",
        "",
        table(`command|${latencies.map((l) => `${l} ms: s|AWS calls|concurrency`).join("|")}`, rows),
        "",
        ...(verdicts.length ? ["Targets (bench/targets.ts, issue 24):", "", ...verdicts, ""] : []),
        paras("Peak RSS (VmHWM) of the engine / the program / the dynamic provider, MiB (n/a: no such process):", table(rssHead, rssRows)),
        "",
    ];
}

function organization(d: Summary): string {
    const { options: o, env } = d;
    const n = o.accounts * o.regions;
    // The tables against the targets and the floors are at the first latency; the latency table sets them all side by side.
    const results = d.results.filter((m) => (m.latencyMs ?? 0) === o.latencyMs[0]);
    const ours = (c: C) => results.find((m) => m.variant === "ours" && m.command === c && !m.error);
    const sampled = (v: Variant) => [...new Set(results.filter((m) => m.variant === v).map((m) => m.n))].sort((a, b) => a - b);
    const floors = (["lean", "pulumi-aws"] as const).filter((v) => sampled(v).length);
    const flags = `--accounts ${o.accounts} --regions ${o.regions} --floor-sizes ${o.floorSizes.join(",")} --variants ${o.variants.join(",")} --latency-ms ${o.latencyMs.join(",")}`;
    const small = `**A small run**: the targets are set for ${SIZE.accounts} accounts × ${SIZE.regions} regions (${SIZE.accounts * SIZE.regions} authorizations); MET or MISSED at this size does not answer issue 18. The full run: \`npm run bench -- --section organization\`.`;
    const lines = [
        paras(
            `## Organization scale: ${o.accounts} accounts × ${o.regions} regions (${n} authorizations) through roles`,
            `\`npm run bench -- --section organization ${flags}\` (bench/organization.ts), one run of each command, ${ranOn(d)} (load average ${d.load.start} at the start, ${d.load.end} at the end); pulumi ${env.pulumi}; source ${env.git}; moto ${env.moto} on loopback through the recording proxy. ${took(d)} ${busy(results, ": their times are suspect.**") || "No other test run was seen on the machine during any command."}`,
            ...(o.accounts === SIZE.accounts && o.regions === SIZE.regions ? [] : [small]),
            "In one run, command by command:",
            [
                `- **ours**, \`bench/programs/organization\`: ${o.accounts} \`SourceAccountAuthorizations\`, one per source account, each holding its ${o.regions} regions' authorizations, each account reached through \`assumeRole\` (moto's STS AssumeRole acts in the role's account) with \`sourceAccountId\` set;`,
                `- the **lean floor**, \`bench/programs/floor-lean\`: one no-op dynamic resource per authorization, stored as ours is (a short module text in \`__provider\`), at N = ${sampled("lean").join(", ") || "(not run)"} (whole accounts of ${o.regions} regions);`,
                `- the **pulumi-aws shape**, \`bench/programs/floor-lean\` given a provider per entry: per account and region a no-op provider-like resource, and per authorization a no-op resource that takes its provider-like resource's ID (2N resources), stored as the lean floor is, at N = ${sampled("pulumi-aws").join(", ") || "(not run)"}. It mimics a pulumi-aws program's shape with no-op dynamic resources: a real \`aws.Provider\` is an engine provider resource that starts a provider plugin of its own, and pulumi-aws calls AWS, so the real shape costs at least this.`,
            ].join("\n"),
            floors.every((v) => sampled(v).includes(n))
                ? `The floors ran at N = ${n} itself: their figures are measured.`
                : `The floors ran at smaller N than ours (their \`up\` grows as N², the engine writing the whole state after each step). Their time at N = ${n} is read off the trend t = a + b·N + c·N² (a, b, c ≥ 0, least squares, fewest terms on a tie; bench/fit.ts) fitted to their samples, marked *extrapolated* (or *interpolated*, inside the samples); a floor run at N itself is marked measured. The fitted formulas are under Floor samples.`,
            `Commands: \`preview\` of the first \`up\` (N to create), \`up\` (creates N), \`preview --expect-no-changes\`, \`refresh\`, \`up\` with one more region in every account (${ORGANIZATION_REGIONS[o.regions]}: creates ${o.accounts} more), \`up\` with the value of the \`bench\` tag changed on every authorization, \`destroy\`. A time is the pulumi CLI's wall time (Automation API, default parallelism); AWS calls are what the recording proxy saw (every attempt); CPU seconds are polled from /proc per process (bench/processes.ts).`,
        ),
        "",
    ];
    // Times against the targets and the floors.
    const [verdicts, missed, ratioTarget] = [[] as string[], [] as C[], TARGETS["organization/lean-floor-ratio"]];
    const rows = ORG_COMMANDS.map((c) => {
        const [m, lean, shape, id] = [ours(c), floorAt(results, "lean", c, n), floorAt(results, "pulumi-aws", c, n), TIME_TARGET[c]];
        const time = id && judge(id, m?.seconds);
        const ratio = id && judge("organization/lean-floor-ratio", m && lean ? m.seconds / lean.seconds : undefined);
        if (id && time && ratio) {
            verdicts.push(verdict(time.met, TARGETS[id].what, time.text));
            const what = `${TARGETS[id].what}, ${ratioTarget.what.replace(/ \(.*\)$/, "")}`;
            verdicts.push(verdict(ratio.met, what, `${ratio.text}${lean ? `; the floor ${floorCell(lean, " s")}` : ""}`));
            if (m && (time.met === false || ratio.met === false)) missed.push(c);
        }
        const [target, ratioMax] = id ? [`≤ ${TARGETS[id].max}`, `≤ ${ratioTarget.max}`] : ["none", "none"];
        const [met, ratioMet] = [time ? `**${mark(time.met)}**` : "", ratio ? `**${mark(ratio.met)}**` : ""];
        const [toLean, toShape] = [m && lean ? s2(m.seconds / lean.seconds) : "n/a", m && shape ? s2(m.seconds / shape.seconds) : "n/a"];
        return `| ${ORG_LABEL[c]} | ${m ? s2(m.seconds) : "n/a"} | ${target} | ${met} | ${floorCell(lean)} | ${toLean} | ${ratioMax} | ${ratioMet} | ${floorCell(shape)} | ${toShape} |`;
    });
    const timesHead = `command|ours (s)|target (s)|met|lean floor at N = ${n} (s)|ours ÷ lean floor|target|met|pulumi-aws shape at N = ${n} (s)|ours ÷ pulumi-aws shape`;
    const bounds = missed.map((c) => `- ${ORG_LABEL[c]}: ${bound(ours(c)!, env.nproc)}`);
    lines.push(paras("### Times, targets and the floors at the same N", table(timesHead, rows), TARGETS_18), ...verdicts, "");
    if (missed.length) lines.push("What bounds the missed ones (ours' figures for that command):", "", ...bounds, "");
    // AWS calls, per authorization a command works on: the N it creates, reads or changes, or the A it adds.
    const workedOn = (c: C) => (c === "add-region" ? o.accounts : ["update-tags", "destroy"].includes(c) ? n + o.accounts : n);
    const callRow = (c: C, m: Sample, k = workedOn(c)) =>
        `| ${ORG_LABEL[c]} | ${m.configTotal} | ${ops(m, 0, true)} | ${m.sts} | ${sum(m.throttledByRegion)} | ${k} | ${s2(m.configTotal / k)} | ${s2((m.configTotal + m.sts) / k)} |`;
    const calls = ORG_COMMANDS.flatMap((c, _, __, m = ours(c)) => (m ? callRow(c, m) : []));
    const callsHead =
        "command|Config calls|by operation|STS calls|throttled|authorizations it works on|Config calls per authorization|AWS calls per authorization";
    lines.push("### AWS calls (ours; the floors make none)", "", calls.length ? table(callsHead, calls) : "Ours did not run.", "");
    const largest = (v: Variant) => Math.max(...sampled(v));
    const sample = (v: Variant, c: C) =>
        results.find((x) => x.variant === v && x.command === c && !x.error && (v === "ours" || x.n === largest(v)));
    const cpuRow = (c: C, v: Variant, m: Sample) =>
        `| ${ORG_LABEL[c]} | ${NAME[v]} | ${m.n} | ${s2(m.seconds)} | ${join(SPLIT, ([, keys]) => s1(cpuOf(m, keys)), " | ")} | ${s1(cpuOf(m))} | ${s2(cpuOf(m) / m.seconds)} |`;
    const cpu = ORG_COMMANDS.flatMap((c) =>
        (["ours", ...floors] as Variant[]).flatMap((v, _, __, m = sample(v, c)) => (m ? cpuRow(c, v, m) : [])),
    );
    const cpuHead = `command|program|N|wall (s)|${SPLIT.map(([name]) => name).join("|")}|total CPU (s)|CPUs busy`;
    const cpuProse = `CPU seconds during the command by process (utime + stime), ours at N = ${n}, each floor at its largest sample (measured there, not extrapolated). The machine has ${env.nproc} CPUs; "CPUs busy" is the total over the wall time.`;
    lines.push(paras("### Where the CPU goes", cpuProse, table(cpuHead, cpu)), "");
    const states = d.states as StateFile[];
    const order = (s: StateFile) => ["ours", "lean", "pulumi-aws"].indexOf(s.variant) * 1e9 + s.n * 2 + (s.after === "up" ? 0 : 1);
    const stateRow = (s: StateFile) =>
        `| ${NAME[s.variant]} | ${s.n} | ${s.after === "up" ? "up" : "a region added"} | ${s.resources} | ${s.authorizations} | ${s.bytes} (${kib(s.bytes)}) | ${(s.bytes / s.authorizations).toFixed(0)} |`;
    const stateRows = [...states].sort((a, b) => order(a) - order(b)).map(stateRow);
    for (const v of floors) {
        const up = states.filter((s) => s.variant === v && s.after === "up");
        const fit = fitTrend(up.map((s) => ({ n: s.n, y: s.bytes })));
        const how = n > Math.max(...up.map((s) => s.n)) ? "extrapolated" : "interpolated";
        const row =
            fit &&
            `| ${NAME[v]} | ${n} | up | ${v === "lean" ? n : 2 * n} | ${n} | ${fit.at(n).toFixed(0)} (${kib(fit.at(n))}), *${how}* | ${(fit.at(n) / n).toFixed(0)} |`;
        if (row && !states.some((s) => s.variant === v && s.n === n)) stateRows.push(row);
    }
    const stateHead = "program|N|after|resources|authorizations|bytes|bytes per authorization";
    lines.push(paras("### State file", STATE_PROSE, table(stateHead, stateRows)), "");
    if (floors.length) {
        const at = (v: Variant, x: number, c: C) => results.find((r) => r.variant === v && r.n === x && r.command === c);
        const seconds = (v: Variant, x: number, c: C, m = at(v, x, c)) => (m ? (m.error ? "failed" : s2(m.seconds)) : "n/a");
        const sampleRow = (v: Variant) => (x: number) =>
            `| ${NAME[v]} | ${x} | ${v === "lean" ? x : 2 * x} | ${join(ORG_COMMANDS, (c) => seconds(v, x, c), " | ")} |`;
        const samples = floors.flatMap((v) => sampled(v).map(sampleRow(v)));
        const fit = (v: Variant, c: C, f = floorAt(results, v, c, n)) =>
            f?.fit ? `| ${NAME[v]} | ${ORG_LABEL[c]} | ${f.fit.formula} s | ${s2(f.seconds)} | ${f.how} |` : [];
        const fits = floors.flatMap((v) => ORG_COMMANDS.flatMap((c) => fit(v, c)));
        const samplesHead = `program|N|resources|${ORG_COMMANDS.map((c) => ORG_LABEL[c]).join("|")}`;
        lines.push("### Floor samples (measured, seconds)", "", table(samplesHead, samples), "");
        if (fits.length) lines.push(table(`program|command|fitted trend|at N = ${n} (s)|how`, fits), "");
    }
    return [...lines, ...latencyTables(o.latencyMs, d.results), ...failed(d, 8)].join("\n");
}

/* The failures section: how long a stalled endpoint holds a run, and the first Ctrl-C, at the provider's default limits. */

function failures(d: Summary): string {
    const [k, max] = [(key: keyof typeof KNOBS) => KNOBS[key].default, TARGETS["failures/seconds"].max];
    type Row = Record<"command" | "stalled" | "outcome", string> & Record<"n" | "seconds" | "exitCode" | "connections", number>;
    const rows = (d.rows as (Row & { firstConnection?: number })[]).map((r) => {
        const time =
            r.firstConnection === undefined ? s1(r.seconds) : `${s1(r.seconds)} after the Ctrl-C (sent ${s1(r.firstConnection)} s in)`;
        return `| ${r.command} | ${r.stalled} | ${r.n} | ${time} | ${r.seconds <= max ? "yes" : "**no**"} | ${r.exitCode} | ${r.connections} | ${r.outcome.replace(/\|/g, "\\|")} |`;
    });
    return [
        "## Failing fast: a stalled endpoint and the first Ctrl-C",
        "",
        `\`npm run bench:failures\` (bench/failures.ts), one run of each, ${ranOn(d)}; pulumi ${d.env.pulumi}; source ${d.env.git}. The stalled endpoint (test/harness/stalled.ts) accepts every connection and never answers; the other service is moto on loopback. The provider's defaults: ${k("maxAttempts")} attempts, connect timeout ${k("connectTimeoutMs") / 1000} s, request timeout ${k("requestTimeoutMs") / 1000} s, operation deadline ${k("operationTimeoutMs") / 1000} s. \`up\` is the Automation API's (\`--skip-preview\`); a terminal's \`pulumi up\` runs the preview first, so it takes the sum of the two rows. Target: every run ends within ${max} s (issue 17), whatever N. ${took(d)}`,
        "",
        table(`command|stalled|N new|time, s|within ${max} s|exit code|connections to the stalled endpoint|the error printed`, rows),
        "",
        "Before (issue 17, the 0.1.0 defaults of 30 s per request and 300 s per operation, a failed account lookup not remembered): a preview with a stalled STS took a request timeout per new resource that did not share a lookup in flight; an `up` with a stalled AWS Config failed only after 8 attempts × 30 s; the first Ctrl-C could wait up to the 300 s deadline.",
    ].join("\n");
}

const RENDER: Record<SectionName, (d: Summary) => string> = { main, "landing-zone": landingZone, organization, failures };
const marker = (name: string, end = false) => `<!-- ${name}:${end ? "end" : "start"} -->`;

/** Renders section `name` into `file`: the main one as its head (the marked sections kept after it), any other between its markers. */
export function writeSection(file: string, name: SectionName, summary: Summary): string {
    const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const [raw, body] = [RENDER[name](summary), RENDER[name](summary).replace(/\s*$/, "")];
    const [a, b, text] = [old.indexOf(marker(name)), old.indexOf(marker(name, true)), `${marker(name)}\n${body}\n\n${marker(name, true)}`];
    const kept = [...old.matchAll(/<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->/g)].map((m) => m[0]);
    if (name === "main") fs.writeFileSync(file, kept.length ? `${body}\n\n${kept.join("\n\n")}\n` : raw);
    else if (a >= 0 && b > a) fs.writeFileSync(file, old.slice(0, a) + text + old.slice(b + marker(name, true).length));
    else fs.writeFileSync(file, `${(old || "# Benchmarks\n").trimEnd()}\n\n${text}\n`);
    return raw;
}

if (require.main === module) {
    const [data, out] = process.argv.slice(2);
    if (!data || !out) throw new Error("usage: node dist/bench/report.js <summary .json written by bench/run.ts> <report .md>");
    writeSection(out, "main", JSON.parse(fs.readFileSync(data, "utf8")) as Summary);
}
