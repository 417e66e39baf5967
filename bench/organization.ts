/**
 * The organization benchmark (issue 18): A source accounts (default 300) × R source regions (default
 * 17), each account reached through a role in it (moto's STS AssumeRole acts in the role's account),
 * under the real pulumi CLI against moto on loopback, side by side in one run, command by command:
 *
 * - ours, bench/programs/organization: one SourceAccountAuthorizations per account holding its R
 *   regions (A resources for N = A × R authorizations);
 * - the lean floor, bench/programs/floor-lean: one no-op resource per authorization (N resources),
 *   stored as ours is;
 * - the pulumi-aws shape, the same program: a no-op provider-like resource per account and region
 *   beside a no-op resource per authorization that takes its ID (2N resources).
 *
 * Each runs a preview of the first `up`, `up`, a no-change `preview`, `refresh`, an `up` adding one region
 * to every account, an `up` changing a tag on every authorization, and `destroy`. With `--latency-ms
 * 0,100` ours runs at each latency, the recording proxy adding that delay to every AWS call, each latency
 * a stack of its own (for an aggregator account of its own, so that they coexist in moto) run command by
 * command right after the others, so that a ratio between latencies compares commands run minutes
 * apart on the same machine; the floors make no AWS call and run once. The report sets them side by side. The floors' `up` grows as N² (about 30 min at
 * N = 5,100), so they run at smaller N (--floor-sizes, each rounded to whole accounts of R regions),
 * and their times at ours' N are read off the trend fitted to those samples (bench/fit.ts), labelled
 * extrapolated. Judged against bench/targets.ts; writes its section of BENCHMARKS.md (between the
 * organization markers, replacing an earlier one).
 *
 *   node dist/bench/organization.js [--accounts 300] [--regions 17] [--floor-sizes 250,500,1000]
 *                                   [--variants ours,lean,pulumi-aws] [--latency-ms 0,100,250] [--out BENCHMARKS.md] [--raw [dir]]
 *
 * `--raw` also writes every sample (each AWS call's arrival) to dir (default .bench-raw/, outside git).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, type Stack } from "../test/harness/pulumi";
import { SOURCE_ACCOUNT_TYPE } from "../provider/core/model/dynamic";
import { environment, loadAverage, type Environment } from "./environment";
import { eachFlag, rawDir } from "./flags";
import { fitTrend, type Fit } from "./fit";
import { measure, type CommandName, type Measure } from "./measure";
import { ROLES } from "./processes";
import { brief, commandOf, REPORT, run, section as marked, writeRaw, writeSection, type Bench } from "./runner";
import { ORGANIZATION_REGIONS, sourceAccounts } from "./specs";
import { judge, mark, ORGANIZATION_SIZE, TARGETS, type Met, type TargetId } from "./targets";

type OrgVariant = "ours" | "lean" | "pulumi-aws";
const VARIANTS: OrgVariant[] = ["ours", "lean", "pulumi-aws"];
const PROGRAMS: Record<OrgVariant, string> = {
    ours: path.join(REPO, "bench/programs/organization"),
    lean: path.join(REPO, "bench/programs/floor-lean"),
    // The same program: resources.json names a provider-like resource for each authorization.
    "pulumi-aws": path.join(REPO, "bench/programs/floor-lean"),
};
const NAME: Record<OrgVariant, string> = { ours: "ours", lean: "lean floor", "pulumi-aws": "pulumi-aws shape" };
/** The commands, in the order they run. */
const COMMANDS: CommandName[] = ["preview-create", "up", "preview", "refresh", "add-region", "update-tags", "destroy"];
const LABEL: Record<CommandName, string> = {
    "preview-create": "preview (of the first up)",
    up: "up (create)",
    preview: "preview (no changes)",
    refresh: "refresh",
    "add-region": "up (a region added to every account)",
    "update-tags": "up (a tag changed everywhere)",
    destroy: "destroy",
};
/** The commands with a time target (and the ratio target), by their target. */
const TIME_TARGET: Partial<Record<CommandName, TargetId>> = {
    up: "organization/up",
    preview: "organization/preview",
    refresh: "organization/refresh",
    "add-region": "organization/add-region",
    destroy: "organization/destroy",
};
const AGGREGATOR = { authorizedAccountId: "222222222222", authorizedAwsRegion: "us-east-1" };
/** The aggregator account of ours' i-th latency: another key for every authorization, so that each latency's stack has its own. */
const aggregatorAt = (i: number) => ({ ...AGGREGATOR, authorizedAccountId: String(222222222222 + i) });
const ROLE = "config-authorizer";
const SECTION = "organization";

interface Options {
    accounts: number;
    regions: number;
    floorSizes: number[];
    variants: OrgVariant[];
    /** The delays added to every AWS call, ms, one run of ours each, the first one the reference. */
    latencies: number[];
    out: string;
    raw?: string;
}

function parseOptions(argv: string[]): Options {
    const o: Options = { ...ORGANIZATION_SIZE, floorSizes: [250, 500, 1000], variants: VARIANTS, latencies: [0], out: REPORT };
    eachFlag(argv, "bench/organization.ts", (flag, value, int, optional) => {
        if (flag === "--accounts") o.accounts = int(value());
        else if (flag === "--regions") o.regions = int(value());
        else if (flag === "--floor-sizes") o.floorSizes = value().split(",").map(int);
        else if (flag === "--variants") {
            o.variants = value().split(",") as OrgVariant[];
            const bad = o.variants.filter((v) => !VARIANTS.includes(v));
            if (bad.length) throw new Error(`--variants takes ${VARIANTS.join(", ")}; got ${bad.join(", ")}`);
        } else if (flag === "--latency-ms") {
            o.latencies = value()
                .split(",")
                .map((v) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN));
            if (o.latencies.some((v) => !Number.isInteger(v))) throw new Error("--latency-ms takes whole milliseconds, e.g. 0,100,250");
        } else if (flag === "--out") o.out = path.resolve(value());
        else if (flag === "--raw") o.raw = rawDir(optional);
        else return false;
        return true;
    });
    if (o.regions + 1 > ORGANIZATION_REGIONS.length) throw new Error(`--regions: at most ${ORGANIZATION_REGIONS.length - 1}`);
    return o;
}

/** One program at one size: A accounts × R regions, N = A × R authorizations. */
interface Run {
    variant: OrgVariant;
    /** The delay the proxy adds to every AWS call during this run's commands. */
    latencyMs: number;
    aggregator: typeof AGGREGATOR;
    accounts: string[];
    n: number;
    stack: Stack;
    failed?: boolean;
}

/** The state file as the backend stores it, after `up` and after the region is added. */
interface StateFile {
    variant: OrgVariant;
    n: number;
    after: "up" | "add-region";
    bytes: number;
    /** Resources in it (the stack and default providers aside). */
    resources: number;
    /** Authorizations it holds. */
    authorizations: number;
}

/** The regions a command runs with: R, plus the extra one from the add-a-region `up` on. */
function regionsAt(o: Options, command: CommandName): string[] {
    const added = ["add-region", "update-tags", "destroy"].includes(command);
    return ORGANIZATION_REGIONS.slice(0, o.regions + (added ? 1 : 0));
}
const tagAt = (command: CommandName) => (["update-tags", "destroy"].includes(command) ? "v2" : "v1");
const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE}`;

/** Sets ours' stack config, or writes a floor's resources.json, for `command`. */
async function prepare(o: Options, r: Run, command: CommandName): Promise<void> {
    if (r.variant === "ours") {
        if (command === "up" || command === "preview-create") {
            await r.stack.setConfigObjects({ accounts: r.accounts, regions: regionsAt(o, "up") });
            await r.stack.setConfig({ ...r.aggregator, tag: tagAt("up") });
        } else if (command === "add-region") await r.stack.setConfig({ extraRegion: ORGANIZATION_REGIONS[o.regions] });
        else if (command === "update-tags") await r.stack.setConfig({ tag: tagAt("update-tags") });
        return;
    }
    const specs = r.accounts.flatMap((account) =>
        regionsAt(o, command).map((region) => ({
            name: `auth-${account}-${region}`,
            account,
            region,
            roleArn: roleArn(account),
            ...(r.variant === "pulumi-aws" ? { provider: `provider-${account}-${region}` } : {}),
            ...r.aggregator,
            tags: { team: "platform", bench: tagAt(command) },
        })),
    );
    fs.writeFileSync(path.join(r.stack.dir, "resources.json"), JSON.stringify(specs));
}

function stateFile(r: Run, after: StateFile["after"], regions: number): StateFile {
    const { text, resources } = r.stack.exportState();
    return {
        variant: r.variant,
        n: r.n,
        after,
        bytes: Buffer.byteLength(text),
        resources: resources.filter((x) => x.type !== "pulumi:pulumi:Stack" && !x.type.startsWith("pulumi:providers:")).length,
        authorizations:
            r.variant === "ours"
                ? resources.filter((x) => x.type === SOURCE_ACCOUNT_TYPE).length * regions
                : resources.filter((x) => x.type === "pulumi-nodejs:dynamic/bench:LeanNoop").length,
    };
}

/** How many authorizations a command works on: the N it creates, reads or changes, or the A it adds. */
function workedOn(o: Options, n: number, command: CommandName): number {
    const a = n / o.regions;
    if (command === "add-region") return a;
    return ["update-tags", "destroy"].includes(command) ? n + a : n;
}

/** The floor sizes as whole accounts of R regions: A' = round(N / R), at least 1. */
const accountsFor = (o: Options, n: number) => Math.max(1, Math.round(n / o.regions));

async function main(bench: Bench): Promise<number> {
    const { log, aws } = bench;
    const o = parseOptions(process.argv.slice(2));
    const env = environment();
    const loadStart = loadAverage();
    const n = o.accounts * o.regions;
    log(
        `${o.accounts} accounts × ${o.regions} regions = ${n} authorizations; floors at N ≈ ${o.floorSizes.join(", ")}; ${env.cpu}, ${env.nproc} CPUs`,
    );
    const runs: Run[] = [];
    if (o.variants.includes("ours"))
        for (const [i, latencyMs] of o.latencies.entries())
            runs.push({
                variant: "ours",
                latencyMs,
                aggregator: aggregatorAt(i),
                accounts: sourceAccounts(o.accounts),
                n,
                stack: await bench.stack(PROGRAMS.ours),
            });
    // The floors make no AWS call: they run once, at the first latency.
    for (const v of ["lean", "pulumi-aws"] as const) {
        if (!o.variants.includes(v)) continue;
        for (const a of [...new Set(o.floorSizes.map((x) => accountsFor(o, x)))].sort((x, y) => x - y))
            runs.push({
                variant: v,
                latencyMs: o.latencies[0],
                aggregator: AGGREGATOR,
                accounts: sourceAccounts(a),
                n: a * o.regions,
                stack: await bench.stack(PROGRAMS[v]),
            });
    }
    const results: Measure[] = [];
    const states: StateFile[] = [];
    const failures: string[] = [];
    for (const command of COMMANDS) {
        for (const r of runs) {
            if (r.failed) continue;
            await prepare(o, r, command);
            bench.proxy.latencyMs = r.latencyMs;
            const what = { n: r.n, variant: r.variant, command, rep: 0, latencyMs: r.latencyMs };
            const m = await measure(aws, r.stack, what, commandOf(r.stack, command));
            bench.proxy.latencyMs = 0;
            results.push(m);
            log(`${brief(m)}${r.latencyMs ? `  (+${r.latencyMs} ms per call)` : ""}`);
            if (m.error) {
                r.failed = true;
                failures.push(`${NAME[r.variant]} at N=${r.n}, ${r.latencyMs} ms, ${command}:\n${m.error}`);
                continue;
            }
            if (r.latencyMs === o.latencies[0] && (command === "up" || command === "add-region"))
                states.push(stateFile(r, command, regionsAt(o, command).length));
        }
    }
    const load = { start: loadStart, end: loadAverage() };
    if (o.raw) writeRaw(o.raw, SECTION, { options: o, env, results, states, failures }, log);
    const text = section({ o, env, results, states, failures, minutes: bench.seconds() / 60, load });
    writeSection(o.out, SECTION, text);
    process.stdout.write(`${text}\n`);
    return failures.length ? 1 : 0;
}

/** A floor's time at ours' N: measured there, or read off the trend of its samples. */
interface FloorTime {
    seconds: number;
    how: "measured" | "extrapolated" | "interpolated";
    fit?: Fit;
}

function floorAt(results: Measure[], v: OrgVariant, c: CommandName, n: number): FloorTime | undefined {
    const ms = results.filter((m) => m.variant === v && m.command === c && !m.error);
    const exact = ms.find((m) => m.n === n);
    if (exact) return { seconds: exact.seconds, how: "measured" };
    const fit = fitTrend(ms.map((m) => ({ n: m.n, y: m.seconds })));
    if (!fit) return undefined;
    return { seconds: fit.at(n), how: n > Math.max(...ms.map((m) => m.n)) ? "extrapolated" : "interpolated", fit };
}

const s2 = (x: number) => x.toFixed(2);
const s1 = (x: number) => x.toFixed(1);
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const table = (head: string[], rows: (string | number)[][]) =>
    [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const floorCell = (f: FloorTime | undefined, unit = "") =>
    f ? `${s2(f.seconds)}${unit} (${f.how === "measured" ? "measured" : `*${f.how}*`})` : "n/a";
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const mib = (k: number) => (k ? (k / 1024).toFixed(0) : "n/a");

type CpuKey = keyof Measure["cpu"];
/** The CPU split the report shows: the language host counts with the program. */
const SPLIT: { name: string; keys: CpuKey[] }[] = [
    { name: "engine", keys: ["engine"] },
    { name: "program (+ language host)", keys: ["program", "language host"] },
    { name: "dynamic provider", keys: ["provider"] },
    { name: "moto", keys: ["moto"] },
    { name: "proxy (bench)", keys: ["proxy"] },
];
const cpuOf = (m: Measure, keys: CpuKey[]) => keys.reduce((a, k) => a + (m.cpu[k] ?? 0), 0);
const cpuTotal = (m: Measure) => [...ROLES, "proxy" as const].reduce((a, k) => a + (m.cpu[k] ?? 0), 0);

/** The figures that bound a command: where its CPU went and when its AWS calls ran. */
function bound(m: Measure, nproc: string): string {
    const total = cpuTotal(m);
    const parts = SPLIT.map((s) => ({ name: s.name, cpu: cpuOf(m, s.keys) })).sort((a, b) => b.cpu - a.cpu);
    const calls = m.configTotal + m.sts;
    const window =
        m.firstCall !== undefined
            ? `; its ${calls} AWS calls ran from ${s1(m.firstCall)} s to ${s1(m.lastCall!)} s (${(calls / Math.max(m.lastCall! - m.firstCall, 1e-3)).toFixed(0)}/s), ` +
              `then ${s1(m.seconds - m.lastCall!)} s to the end`
            : "; no AWS call";
    return (
        `${s1(m.seconds)} s of wall time, ${s1(total)} CPU s (${s2(total / m.seconds)} of ${nproc} CPUs busy): ` +
        parts
            .filter((p) => p.cpu >= 0.05)
            .map((p) => `${p.name} ${s1(p.cpu)}`)
            .join(", ") +
        window
    );
}

/** Whether other test runs (mocha, scripts/test.sh, demo.sh) shared the machine during the commands. */
function disturbed(results: Measure[]): string {
    const hit = results.filter((m) => m.others.length);
    return hit.length
        ? `**${hit.length} of ${results.length} commands ran while another test run was on the machine: their times are suspect.**`
        : "No other test run was seen on the machine during any command.";
}

interface SectionInput {
    o: Options;
    env: Environment;
    results: Measure[];
    states: StateFile[];
    failures: string[];
    minutes: number;
    load: { start: string; end: string };
}

/** Ours at every latency side by side: the time, the AWS calls, the concurrency that hid the latency, the ratio to the first latency. */
function latencySection(o: Options, all: Measure[]): string[] {
    const at = (c: CommandName, l: number) => all.find((m) => m.variant === "ours" && m.command === c && m.latencyMs === l && !m.error);
    const [base, ...others] = o.latencies;
    const rows: (string | number)[][] = [];
    const verdicts: string[] = [];
    for (const c of COMMANDS) {
        const ref = at(c, base);
        const cells = o.latencies.flatMap((l) => {
            const m = at(c, l);
            if (!m) return ["n/a", "", ""];
            const calls = m.configTotal + m.sts;
            const ratio = l === base || !ref ? "" : ` (${s2(m.seconds / ref.seconds)}×)`;
            return [`${s1(m.seconds)}${ratio}`, calls, l && calls ? s1((calls * l) / 1000 / m.seconds) : "–"];
        });
        rows.push([LABEL[c], ...cells]);
        const m100 = at(c, 100);
        if (base === 0 && ref && m100) {
            const id = c === "preview-create" ? "organization/latency-preview-create-ratio" : "organization/latency-ratio";
            const j = judge(id, m100.seconds / ref.seconds);
            verdicts.push(`- **${mark(j.met)}** ${LABEL[c]}: ${j.text} (${s1(m100.seconds)} s against ${s1(ref.seconds)} s)`);
        }
    }
    const rss = COMMANDS.map((c) => [
        LABEL[c],
        ...o.latencies.map((l) => {
            const by = at(c, l)?.rssByRole;
            return by ? `${mib(by.engine)} / ${mib(by.program)} / ${mib(by.provider)}` : "n/a";
        }),
    ]);
    return [
        `### At ${others.length ? "each latency" : `${base} ms`} added to every AWS call (ours)`,
        "",
        "The recording proxy delays every AWS call (Config, STS, Account) by the latency before answering it; each latency has a " +
            "stack of its own, and each command runs at every latency in turn before the next command. Concurrency is " +
            "AWS calls × latency ÷ wall time: how many calls were in flight on average, which is what hides the latency.",
        "",
        table(["command", ...o.latencies.flatMap((l) => [`${l} ms: s`, "AWS calls", "concurrency"])], rows),
        "",
        ...(verdicts.length ? ["Targets (bench/targets.ts, issue 24):", "", ...verdicts, ""] : []),
        "Peak RSS (VmHWM) of the engine / the program / the dynamic provider, MiB (n/a: no such process):",
        "",
        table(["command", ...o.latencies.map((l) => `${l} ms`)], rss),
        "",
    ];
}

function section({ o, env, results: all, states, failures, minutes, load }: SectionInput): string {
    const n = o.accounts * o.regions;
    // The tables against the targets and the floors are at the first latency; the latency table sets them all side by side.
    const results = all.filter((m) => (m.latencyMs ?? 0) === o.latencies[0]);
    const ours = (c: CommandName) => results.find((m) => m.variant === "ours" && m.command === c && !m.error);
    const sampled = (v: OrgVariant) => [...new Set(results.filter((m) => m.variant === v).map((m) => m.n))].sort((a, b) => a - b);
    const atTarget = o.accounts === ORGANIZATION_SIZE.accounts && o.regions === ORGANIZATION_SIZE.regions;
    const floors = (["lean", "pulumi-aws"] as const).filter((v) => sampled(v).length);
    const lines = [
        `## Organization scale: ${o.accounts} accounts × ${o.regions} regions (${n} authorizations) through roles`,
        "",
        `\`npm run bench -- --section organization --accounts ${o.accounts} --regions ${o.regions} --floor-sizes ${o.floorSizes.join(",")} ` +
            `--variants ${o.variants.join(",")} --latency-ms ${o.latencies.join(",")}\` ` +
            `(bench/organization.ts), one run of each command, ${env.date.slice(0, 16)}Z, ${env.cpu}, ${env.nproc} CPUs shared with other work ` +
            `(load average ${load.start} at the start, ${load.end} at the end); pulumi ${env.pulumi}; source ${env.git}; moto ${env.moto} on loopback ` +
            `through the recording proxy. Took ${minutes.toFixed(1)} min. ${disturbed(results)}`,
        "",
        ...(atTarget
            ? []
            : [
                  `**A small run**: the targets are set for ${ORGANIZATION_SIZE.accounts} accounts × ${ORGANIZATION_SIZE.regions} regions ` +
                      `(${ORGANIZATION_SIZE.accounts * ORGANIZATION_SIZE.regions} authorizations); MET or MISSED at this size does not answer issue 18. ` +
                      "The full run: `npm run bench -- --section organization`.",
                  "",
              ]),
        "In one run, command by command:",
        "",
        `- **ours**, \`bench/programs/organization\`: ${o.accounts} \`SourceAccountAuthorizations\`, one per source account, each holding its ` +
            `${o.regions} regions' authorizations, each account reached through \`assumeRole\` (moto's STS AssumeRole acts in the role's account) ` +
            "with `sourceAccountId` set;",
        `- the **lean floor**, \`bench/programs/floor-lean\`: one no-op dynamic resource per authorization, stored as ours is ` +
            `(a short module text in \`__provider\`), at N = ${sampled("lean").join(", ") || "(not run)"} (whole accounts of ${o.regions} regions);`,
        `- the **pulumi-aws shape**, \`bench/programs/floor-lean\` given a provider per entry: per account and region a no-op provider-like resource, and per ` +
            `authorization a no-op resource that takes its provider-like resource's ID (2N resources), stored as the lean floor is, at N = ` +
            `${sampled("pulumi-aws").join(", ") || "(not run)"}. It mimics a pulumi-aws program's shape with no-op dynamic resources: a real ` +
            "`aws.Provider` is an engine provider resource that starts a provider plugin of its own, and pulumi-aws calls AWS, so the real " +
            "shape costs at least this.",
        "",
        ...(floors.every((v) => sampled(v).includes(n))
            ? [`The floors ran at N = ${n} itself: their figures are measured.`, ""]
            : [
                  `The floors ran at smaller N than ours (their \`up\` grows as N², the engine writing the whole state after each step). ` +
                      `Their time at N = ${n} is read off the trend t = a + b·N + c·N² (a, b, c ≥ 0, least squares, fewest terms on a tie; bench/fit.ts) fitted to ` +
                      "their samples, marked *extrapolated* (or *interpolated*, inside the samples); a floor run at N itself is marked measured. The " +
                      "fitted formulas are under Floor samples.",
                  "",
              ]),
        "Commands: `preview` of the first `up` (N to create), `up` (creates N), `preview --expect-no-changes`, `refresh`, `up` with one more region in every account " +
            `(${ORGANIZATION_REGIONS[o.regions]}: creates ${o.accounts} more), \`up\` with the value of the \`bench\` tag changed on every ` +
            "authorization, `destroy`. A time is the pulumi CLI's wall time (Automation API, default parallelism); AWS calls are what the " +
            "recording proxy saw (every attempt); CPU seconds are polled from /proc per process (bench/processes.ts).",
        "",
    ];

    // Times against the targets and the floors.
    const rows: (string | number)[][] = [];
    const verdicts: { met: Met; line: string }[] = [];
    const missed = new Set<CommandName>();
    const ratioTarget = TARGETS["organization/lean-floor-ratio"];
    for (const c of COMMANDS) {
        const m = ours(c);
        const lean = floorAt(results, "lean", c, n);
        const shape = floorAt(results, "pulumi-aws", c, n);
        const id = TIME_TARGET[c];
        const time = id ? judge(id, m?.seconds) : undefined;
        const ratio = id ? judge("organization/lean-floor-ratio", m && lean ? m.seconds / lean.seconds : undefined) : undefined;
        rows.push([
            LABEL[c],
            m ? s2(m.seconds) : "n/a",
            id ? `≤ ${TARGETS[id].max}` : "none",
            time ? `**${mark(time.met)}**` : "",
            floorCell(lean),
            m && lean ? s2(m.seconds / lean.seconds) : "n/a",
            id ? `≤ ${ratioTarget.max}` : "none",
            ratio ? `**${mark(ratio.met)}**` : "",
            floorCell(shape),
            m && shape ? s2(m.seconds / shape.seconds) : "n/a",
        ]);
        if (id && time && ratio) {
            verdicts.push({ met: time.met, line: `${TARGETS[id].what}: ${time.text}` });
            verdicts.push({
                met: ratio.met,
                line:
                    `${TARGETS[id].what}, ${ratioTarget.what.replace(/ \(.*\)$/, "")}: ${ratio.text}` +
                    (lean ? `; the floor ${floorCell(lean, " s")}` : ""),
            });
            if (m && (time.met === false || ratio.met === false)) missed.add(c);
        }
    }
    lines.push(
        "### Times, targets and the floors at the same N",
        "",
        table(
            [
                "command",
                "ours (s)",
                "target (s)",
                "met",
                `lean floor at N = ${n} (s)`,
                "ours ÷ lean floor",
                "target",
                "met",
                `pulumi-aws shape at N = ${n} (s)`,
                "ours ÷ pulumi-aws shape",
            ],
            rows,
        ),
        "",
        "Targets (bench/targets.ts, issue 18; the tag change has none):",
        "",
        ...verdicts.map((v) => `- **${mark(v.met)}** ${v.line}`),
        "",
    );
    if (missed.size) {
        lines.push("What bounds the missed ones (ours' figures for that command):", "");
        for (const c of missed) lines.push(`- ${LABEL[c]}: ${bound(ours(c)!, env.nproc)}`);
        lines.push("");
    }

    // AWS calls.
    const callRows: (string | number)[][] = [];
    for (const c of COMMANDS) {
        const m = ours(c);
        if (!m) continue;
        const k = workedOn(o, n, c);
        const byOp = Object.entries(m.config)
            .map(([op, x]) => `${op} ${x}`)
            .join(", ");
        callRows.push([
            LABEL[c],
            m.configTotal,
            byOp || "none",
            m.sts,
            sum(m.throttledByRegion),
            k,
            s2(m.configTotal / k),
            s2((m.configTotal + m.sts) / k),
        ]);
    }
    lines.push(
        "### AWS calls (ours; the floors make none)",
        "",
        callRows.length === 0
            ? "Ours did not run."
            : table(
                  [
                      "command",
                      "Config calls",
                      "by operation",
                      "STS calls",
                      "throttled",
                      "authorizations it works on",
                      "Config calls per authorization",
                      "AWS calls per authorization",
                  ],
                  callRows,
              ),
        "",
    );

    // CPU split.
    const cpuRows: (string | number)[][] = [];
    const largest = (v: OrgVariant) => Math.max(...sampled(v));
    for (const c of COMMANDS)
        for (const v of ["ours", ...floors] as OrgVariant[]) {
            const m = results.find((x) => x.variant === v && x.command === c && !x.error && (v === "ours" || x.n === largest(v)));
            if (!m) continue;
            const total = cpuTotal(m);
            cpuRows.push([
                LABEL[c],
                NAME[v],
                m.n,
                s2(m.seconds),
                ...SPLIT.map((s) => s1(cpuOf(m, s.keys))),
                s1(total),
                s2(total / m.seconds),
            ]);
        }
    lines.push(
        "### Where the CPU goes",
        "",
        `CPU seconds during the command by process (utime + stime), ours at N = ${n}, each floor at its largest sample (measured there, not extrapolated). ` +
            `The machine has ${env.nproc} CPUs; "CPUs busy" is the total over the wall time.`,
        "",
        table(["command", "program", "N", "wall (s)", ...SPLIT.map((s) => s.name), "total CPU (s)", "CPUs busy"], cpuRows),
        "",
    );

    // State size.
    const stateRows: (string | number)[][] = [];
    const order = (s: StateFile) => VARIANTS.indexOf(s.variant) * 1e9 + s.n * 2 + (s.after === "up" ? 0 : 1);
    for (const s of [...states].sort((a, b) => order(a) - order(b)))
        stateRows.push([
            NAME[s.variant],
            s.n,
            s.after === "up" ? "up" : "a region added",
            s.resources,
            s.authorizations,
            `${s.bytes} (${kib(s.bytes)})`,
            (s.bytes / s.authorizations).toFixed(0),
        ]);
    for (const v of floors) {
        const up = states.filter((s) => s.variant === v && s.after === "up");
        const fit = fitTrend(up.map((s) => ({ n: s.n, y: s.bytes })));
        const how = n > Math.max(...up.map((s) => s.n)) ? "extrapolated" : "interpolated";
        if (fit && !states.some((s) => s.variant === v && s.n === n))
            stateRows.push([
                NAME[v],
                n,
                "up",
                v === "lean" ? n : 2 * n,
                n,
                `${fit.at(n).toFixed(0)} (${kib(fit.at(n))}), *${how}*`,
                (fit.at(n) / n).toFixed(0),
            ]);
    }
    lines.push(
        "### State file",
        "",
        "The state file the file:// backend holds after the command (the engine rewrites all of it after every step).",
        "",
        table(["program", "N", "after", "resources", "authorizations", "bytes", "bytes per authorization"], stateRows),
        "",
    );

    // Floor samples and fits.
    if (floors.length) {
        const sampleRows: (string | number)[][] = [];
        for (const v of floors)
            for (const x of sampled(v))
                sampleRows.push([
                    NAME[v],
                    x,
                    v === "lean" ? x : 2 * x,
                    ...COMMANDS.map((c) => {
                        const m = results.find((r) => r.variant === v && r.n === x && r.command === c);
                        return m ? (m.error ? "failed" : s2(m.seconds)) : "n/a";
                    }),
                ]);
        const fitRows: (string | number)[][] = [];
        for (const v of floors)
            for (const c of COMMANDS) {
                const f = floorAt(results, v, c, n);
                if (f?.fit) fitRows.push([NAME[v], LABEL[c], `${f.fit.formula} s`, s2(f.seconds), f.how]);
            }
        lines.push(
            "### Floor samples (measured, seconds)",
            "",
            table(["program", "N", "resources", ...COMMANDS.map((c) => LABEL[c])], sampleRows),
            "",
            ...(fitRows.length ? [table(["program", "command", "fitted trend", `at N = ${n} (s)`, "how"], fitRows), ""] : []),
        );
    }
    lines.push(...latencySection(o, all));
    for (const f of failures) lines.push(`- FAILED: ${f.split("\n").slice(0, 8).join(" ").slice(0, 1500)}`);
    return marked(SECTION, lines.join("\n"));
}

run(SECTION, main);
