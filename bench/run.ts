/**
 * `npm run bench` (scripts/bench.sh): runs one section (bench/main.ts, landing-zone.ts, organization.ts,
 * failures.ts: data) in one loop against moto behind the recording proxy, and writes it to the report
 * (bench/report.ts). The main section also writes its summary (bench/summary.json for the default
 * --out, else <out>.summary.json), from which `npm run bench:report` renders it again; `--raw` writes
 * every sample too (default .bench-raw/, not in git).
 *
 *   node dist/bench/run.js [--section main|landing-zone|organization|failures] [its flags] [--out BENCHMARKS.md] [--raw [dir]]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startAws } from "../test/harness/aws";
import { REPO, Stack, WORK } from "../test/harness/pulumi";
import { environment, loadAverage } from "./environment";
import { failures } from "./failures";
import { landingZone } from "./landing-zone";
import { main } from "./main";
import { measure, sample, type Bench, type Data, type Kind, type Measure, type Section, type SectionName } from "./measure";
import { organization } from "./organization";
import { writeSection } from "./report";

type Any = Section<Record<string, unknown>>;
const SECTIONS = { main, "landing-zone": landingZone, organization, failures } as unknown as Record<SectionName, Any>;
const REPORT = path.join(REPO, "BENCHMARKS.md");

type Options = Record<string, unknown> & { out: string; raw?: string; summary?: string };

/** The section's options from its defaults and `argv` (`--flag value` or `--flag=value`); --out and --raw for every one. */
function parse(s: Any, argv: string[]): Options {
    const flags: Record<string, [string, Kind]> = { ...s.flags, "--out": ["out", "path"], "--raw": ["raw", "raw"] };
    const o: Options = { ...s.defaults, out: REPORT };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].split("=", 2);
        const unknown = `unknown option ${argv[i]} of --section ${s.name} (see the comment at the top of its file in bench/)`;
        if (!flags[flag]) throw new Error(unknown);
        const [key, kind] = flags[flag];
        const value = () => inline ?? argv[++i] ?? "";
        const bad = (v: string, min: number) => new Error(`${flag} takes ${min ? "positive integers" : "whole milliseconds"}, got ${v}`);
        const int = (v: string, min = 1) => {
            if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw bad(v, min);
            return Number(v);
        };
        if (kind === "false" || kind === "unset") o[key] = kind === "false" ? false : undefined;
        else if (kind === "raw")
            o[key] = path.resolve(inline ?? (argv[i + 1]?.startsWith("--") === false ? argv[++i] : path.join(REPO, ".bench-raw")));
        else if (kind === "path") o[key] = path.resolve(value());
        else if (kind === "int") o[key] = int(value());
        else {
            const list = value().split(",");
            const bad = typeof kind === "object" ? list.filter((v) => !kind.includes(v)) : [];
            if (bad.length) throw new Error(`${flag} takes ${(kind as readonly string[]).join(", ")}; got ${bad.join(", ")}`);
            o[key] = kind === "ints" ? list.map((v) => int(v)) : kind === "ms" ? list.map((v) => int(v, 0)) : list;
        }
    }
    return o;
}

/** One line on a measured command: its time, AWS calls, throttled answers, the provider's peak RSS. */
function brief(m: Measure): string {
    const ops = Object.entries(m.config).map(([op, k]) => `${op} ${k}`);
    const calls = m.configTotal + m.sts ? `  Config ${m.configTotal}${ops.length ? ` (${ops.join(", ")})` : ""}  STS ${m.sts}` : "";
    const throttled = Object.values(m.throttledByRegion).reduce((a, b) => a + b, 0);
    const head = `N=${m.n} ${m.command.padEnd(11)} ${m.variant.padEnd(10)} ${m.seconds.toFixed(2).padStart(7)} s${calls}${throttled ? `  throttled ${throttled}` : ""}`;
    const others = m.others.length ? `  (other test runs on the machine: ${m.others.join("; ")})` : "";
    return `${head}  provider RSS ${(m.rssKiB / 1024).toFixed(0)} MiB${m.error ? "  FAILED" : ""}${m.latencyMs ? `  (+${m.latencyMs} ms per call)` : ""}${others}`;
}

/** The loop every section runs: its groups one after another, each on a fresh moto; a failed run is recorded and left out from then on. */
async function loop(bench: Bench, s: Any, o: Options, data: Data): Promise<void> {
    for (const { reps, runs } of s.groups(o)) {
        await bench.moto.reset();
        for (const r of runs) r.stack = await bench.stack(r.program);
        for (let rep = 0; rep < reps; rep++) {
            const order = runs.map((_, i) => runs[(i + rep) % runs.length]);
            if (reps > 1) bench.log(`N=${runs[0].n} rep ${rep + 1}/${reps} (${order.map((r) => r.variant).join(" then ")})`);
            for (const command of s.commands)
                for (const r of order.filter((x) => !x.failed)) {
                    try {
                        await s.prepare?.(o, r, command);
                        const m = await bench.measure(r.stack!, { n: r.n, variant: r.variant, command, rep, latencyMs: r.latencyMs });
                        data.results.push(m);
                        if (m.error) throw new Error(m.error);
                        const state = s.state?.(o, r, command, rep);
                        if (state) data.states.push(state);
                    } catch (e) {
                        r.failed = true;
                        const latency = r.latencyMs ? `, +${r.latencyMs} ms per call` : "";
                        const message = `${r.variant} ${command} at N=${r.n}${latency} failed:\n${e instanceof Error ? e.message : String(e)}`;
                        data.failures.push(message);
                    }
                }
        }
        for (const r of runs) bench.dispose(r.stack!);
    }
}

/** What a section keeps of its data: no AWS call's arrival (the rate-limited runs keep their calls per second), paths relative to the repo. */
function summarize(data: Data): Data {
    const strip = (v: unknown, perSecond: boolean): unknown =>
        Array.isArray(v)
            ? v.map((x) => strip(x, perSecond))
            : v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype
              ? "arrivals" in v
                  ? sample(v as Measure, perSecond)
                  : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, perSecond || k === "rate")]))
              : v;
    const rel = (p: unknown) => (typeof p === "string" ? path.relative(REPO, p) : undefined);
    const summary = strip(data, false) as Data;
    return { ...summary, options: { ...summary.options, out: rel(summary.options.out)!, raw: rel(summary.options.raw) } };
}

/** JSON with one line per measured command, so that a new run's diff reads line by line. */
function stringify(summary: Data): string {
    const value = (v: unknown) =>
        Array.isArray(v) && v.length ? `[\n${v.map((x) => `  ${JSON.stringify(x)}`).join(",\n")}\n ]` : JSON.stringify(v);
    const entries = Object.entries(summary).filter(([, v]) => v !== undefined);
    return `{\n ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${value(v)}`).join(",\n ")}\n}\n`;
}

async function bench(argv: string[]): Promise<number> {
    const at = argv.findIndex((a) => a.split("=")[0] === "--section");
    const flag = at < 0 ? [] : argv.splice(at, argv[at].includes("=") ? 1 : 2);
    const name = (flag.length ? flag.join("=").slice("--section=".length) : "main") as SectionName;
    const section = SECTIONS[name];
    if (!section) throw new Error(`--section takes ${Object.keys(SECTIONS).join(", ")}, got ${name}`);
    const o = parse(section, argv);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const log = (line: string) => process.stderr.write(`[${name} ${seconds().toFixed(0).padStart(4)}s] ${line}\n`);
    log(`options: ${JSON.stringify({ ...o, out: path.relative(REPO, o.out) })}`);
    const env = environment();
    log(`${env.cpu}, ${env.nproc} CPUs, ${env.memory}; node ${env.node}; pulumi ${env.pulumi}; moto ${env.moto}`);
    const data: Data = { env, options: o, results: [], states: [], failures: [], benchSeconds: 0, load: { start: loadAverage(), end: "" } };
    const aws = await startAws();
    const owned = new Set<Stack>();
    const b: Bench = {
        log,
        ...aws,
        seconds,
        async stack(program) {
            const stack = await Stack.create(program, aws.proxy.url);
            delete stack.env.AWS_MAX_ATTEMPTS;
            owned.add(stack);
            return stack;
        },
        dispose: (stack) => owned.delete(stack) && stack.remove(),
        async measure(stack, what, rule) {
            const m = await measure(aws.proxy, new URL(aws.moto.url).port, stack, what, rule);
            log(brief(m));
            return m;
        },
    };
    try {
        await section.before?.(b, o, data);
        await loop(b, section, o, data);
        await section.after?.(b, o, data);
    } finally {
        owned.forEach((s) => s.remove());
        // Removes .pulumi-test when nothing but the Pulumi home is left in it.
        if (fs.existsSync(WORK) && fs.readdirSync(WORK).every((f) => f === "pulumi-home"))
            fs.rmSync(WORK, { recursive: true, force: true });
        await aws.stop();
    }
    [data.benchSeconds, data.load.end] = [seconds(), loadAverage()];
    if (o.raw) {
        const file = path.join(o.raw, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
        fs.mkdirSync(o.raw, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(data));
        log(`raw samples: ${path.relative(process.cwd(), file)}`);
    }
    const summary = summarize(data);
    const file = o.summary ?? (o.out === REPORT ? path.join(REPO, "bench/summary.json") : `${o.out.replace(/\.md$/, "")}.summary.json`);
    if (name === "main") fs.writeFileSync(file, stringify(summary));
    process.stdout.write(`${writeSection(o.out, name, summary as Data<never>)}\n`);
    const wrote = `wrote ${path.relative(REPO, o.out)}${name === "main" ? ` and ${path.relative(REPO, file)}` : ""}`;
    log(`${wrote} in ${(seconds() / 60).toFixed(1)} min`);
    return data.failures.length ? 1 : 0;
}

bench(process.argv.slice(2)).then(process.exit, (e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
});
