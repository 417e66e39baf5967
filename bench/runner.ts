/**
 * What every bench script shares, so that each keeps only what is its own: a log with the seconds
 * since the start, moto on loopback behind the recording proxy, the stacks a script creates (each with
 * its own file:// backend, removed at the end), the switch from a command's name to the Pulumi command,
 * a one-line account of a measured command, a script's own section of BENCHMARKS.md between its
 * markers, and the raw samples written only when asked (`--raw`), outside git.
 *
 *   run("landing-zone", async (bench) => { const stack = await bench.stack(PROGRAM); ...; return exitCode; });
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Moto } from "../test/harness/moto";
import { RecordingProxy } from "../test/harness/proxy";
import { REPO, Stack, WORK } from "../test/harness/pulumi";
import type { Aws, CommandName, Measure } from "./measure";

/** Where `--raw` writes when given no directory (in .gitignore). */
export const RAW_DIR = path.join(REPO, ".bench-raw");
/** The report every bench script writes its part of. */
export const REPORT = path.join(REPO, "BENCHMARKS.md");

export type Log = (line: string) => void;

/** A log on stderr: `[<tag> <seconds since start>s] <line>`. */
export function logger(tag: string, started = performance.now()): Log {
    return (line) => process.stderr.write(`[${tag} ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
}

/** What a bench script gets: its log, moto behind the proxy, and the stacks it makes. */
export interface Bench {
    readonly log: Log;
    readonly moto: Moto;
    readonly proxy: RecordingProxy;
    /** The proxy and moto's port, as `measure` takes them. */
    readonly aws: Aws;
    /** Seconds since the script started. */
    seconds(): number;
    /**
     * A new stack of the program in `programDir`, copied to its own work dir, with its own backend;
     * AWS_MAX_ATTEMPTS unset (the provider's own default, 8, not the engine tests' 4). Removed at the end.
     */
    stack(programDir: string): Promise<Stack>;
    /** Removes a stack of `stack()` now, with its backend. */
    dispose(stack: Stack): void;
}

/** The `pulumi` command that each measured command runs. */
export function commandOf(stack: Stack, command: CommandName, parallel?: number): () => Promise<unknown> {
    switch (command) {
        case "up":
        case "update-tags":
        case "add-region":
            return () => stack.up({ parallel });
        case "preview":
            return () => stack.preview({ expectNoChanges: true });
        case "preview-create":
            return () => stack.preview();
        case "refresh":
            return () => stack.refresh({ parallel });
        case "destroy":
            return () => stack.destroy({ parallel });
    }
}

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

/** One line on a measured command: its time, AWS calls, throttled answers, the provider's peak RSS. */
export function brief(m: Measure): string {
    const ops = Object.entries(m.config)
        .map(([op, k]) => `${op} ${k}`)
        .join(", ");
    const calls = m.configTotal + m.sts ? `  Config ${m.configTotal}${ops ? ` (${ops})` : ""}  STS ${m.sts}` : "";
    const throttled = total(m.throttledByRegion);
    return (
        `N=${m.n} ${m.command.padEnd(11)} ${m.variant.padEnd(10)} ${m.seconds.toFixed(2).padStart(7)} s${calls}` +
        `${throttled ? `  throttled ${throttled}` : ""}  provider RSS ${(m.rssKiB / 1024).toFixed(0)} MiB${m.error ? "  FAILED" : ""}` +
        (m.others.length ? `  (other test runs on the machine: ${m.others.join("; ")})` : "")
    );
}

const START = (name: string) => `<!-- ${name}:start -->`;
const END = (name: string) => `<!-- ${name}:end -->`;

/** `body` between the section's markers. */
export function section(name: string, body: string): string {
    return `${START(name)}\n${body.replace(/\s*$/, "")}\n\n${END(name)}`;
}

/** Writes section `name` (already between its markers) into `file`: in place of an earlier one, else at the end. */
export function writeSection(file: string, name: string, text: string): void {
    const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n";
    const a = old.indexOf(START(name));
    const b = old.indexOf(END(name));
    const next = a >= 0 && b > a ? old.slice(0, a) + text + old.slice(b + END(name).length) : `${old.trimEnd()}\n\n${text}\n`;
    fs.writeFileSync(file, next);
}

/** Writes every sample of a run (arrivals, CPU by process) as `<dir>/<name>-<date>.json`, for a closer look than the report gives. */
export function writeRaw(dir: string, name: string, data: unknown, log: Log): void {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    log(`raw samples: ${path.relative(process.cwd(), file)}`);
}

/**
 * Runs a bench script: starts moto and the proxy, runs `body`, then removes every stack it made,
 * stops the proxy and moto, and exits with `body`'s code (1 when it throws).
 */
export function run(tag: string, body: (bench: Bench) => Promise<number>): void {
    const started = performance.now();
    const log = logger(tag, started);
    const owned: Stack[] = [];
    let seq = 0;
    const dispose = (stack: Stack) => {
        const i = owned.indexOf(stack);
        if (i < 0) return;
        owned.splice(i, 1);
        stack.remove();
        fs.rmSync(stack.backendDir, { recursive: true, force: true });
    };
    const cleanUp = () => {
        for (const stack of [...owned]) dispose(stack);
        // Removes .pulumi-test when nothing but the Pulumi home is left in it.
        try {
            const left = fs.readdirSync(WORK).filter((f) => f !== "pulumi-home");
            if (left.length === 0) fs.rmSync(WORK, { recursive: true, force: true });
        } catch {
            /* already gone */
        }
    };
    const main = async (): Promise<number> => {
        const moto = await Moto.start();
        const proxy = await RecordingProxy.start(moto.url);
        const bench: Bench = {
            log,
            moto,
            proxy,
            aws: { proxy, motoPort: new URL(moto.url).port },
            seconds: () => (performance.now() - started) / 1000,
            async stack(programDir) {
                const stack = await Stack.create(programDir, proxy.url, {
                    backendDir: path.join(WORK, `${tag}-state-${process.pid}-${seq++}`),
                });
                delete stack.env.AWS_MAX_ATTEMPTS;
                owned.push(stack);
                return stack;
            },
            dispose,
        };
        try {
            return await body(bench);
        } finally {
            cleanUp();
            await proxy.stop();
            await moto.stop();
        }
    };
    main().then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            cleanUp();
            process.exit(1);
        },
    );
}
