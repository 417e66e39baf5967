/**
 * Runs the real `pulumi` CLI on a program in a fresh work dir under the repo (so the program
 * resolves `pulumi-aws-config-aggregation` and `@pulumi/pulumi` from the repo's node_modules, as an
 * installed user's program would), with a local file:// backend and its own stack.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ownerOf } from "../../provider/owner";
import { CREDENTIALS_ENV } from "./aws";
import { TYPE } from "../../provider/dynamic";

export const REPO = path.resolve(__dirname, "../../..");
export const WORK = path.join(REPO, ".pulumi-test");
export const PASSPHRASE = "engine-test-passphrase";

/** The organization Pulumi runs programs in on a DIY (file://) backend. */
export const ORGANIZATION = "organization";

/**
 * The owner tag the resource class writes for resource `name` of `stack` in `project`, as a child of a
 * component of type `parentType` (the test program's is `test:index:Group`) or of the stack.
 */
export function engineOwner(name: string, stack = "test", project = "engine-test", parentType?: string): string {
    const types = parentType ? `${parentType}$` : "";
    return ownerOf(ORGANIZATION, `urn:pulumi:${stack}::${project}::${types}${TYPE}::${name}`);
}

export interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

export class PulumiError extends Error {
    constructor(
        readonly args: string[],
        readonly result: Result,
    ) {
        super(`pulumi ${args.join(" ")} exited with ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
    }
}

let counter = 0;

/** The pids of every process below `root`, read from /proc. */
export function descendants(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            /* exited meanwhile */
        }
    }
    const out: number[] = [];
    const walk = (pid: number) => (children.get(pid) ?? []).forEach((c) => (out.push(c), walk(c)));
    walk(root);
    return out;
}

/** One Pulumi project + stack in its own directory, with its own state backend. */
export class Stack {
    readonly env: NodeJS.ProcessEnv;

    private constructor(
        readonly dir: string,
        readonly name: string,
        endpoint: string,
        backend: string,
    ) {
        this.env = {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            ...CREDENTIALS_ENV,
            AWS_ENDPOINT_URL: endpoint,
            AWS_MAX_ATTEMPTS: process.env.ENGINE_AWS_MAX_ATTEMPTS ?? "4",
            PULUMI_BACKEND_URL: backend,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_HOME: path.join(WORK, "pulumi-home"),
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
    }

    /**
     * Copies the program in `programDir` (index.ts/index.js, Pulumi.yaml, tsconfig.json) to a new work
     * dir and initialises a stack there.
     */
    static async create(programDir: string, endpoint: string, opts: { stack?: string; backendDir?: string } = {}): Promise<Stack> {
        const id = `${process.pid}-${Date.now()}-${counter++}`;
        const dir = path.join(WORK, `prog-${id}`);
        fs.mkdirSync(dir, { recursive: true });
        for (const f of fs.readdirSync(programDir)) {
            if (["node_modules", "package-lock.json"].includes(f) || /^Pulumi\..+\.yaml$/.test(f)) continue;
            fs.cpSync(path.join(programDir, f), path.join(dir, f), { recursive: true });
        }
        const backendDir = opts.backendDir ?? path.join(WORK, `state-${id}`);
        fs.mkdirSync(backendDir, { recursive: true });
        const s = new Stack(dir, opts.stack ?? "test", endpoint, `file://${backendDir}`);
        await s.run(["stack", "init", s.name]);
        return s;
    }

    /** Runs `pulumi <args>` in the program dir; rejects with the full output on a non-zero exit unless `allowFail`. */
    run(args: string[], opts: { allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
        return new Promise((resolve, reject) => {
            execFile(
                "pulumi",
                [...args, "--non-interactive"],
                { cwd: this.dir, env: { ...this.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
                (err, stdout, stderr) => {
                    const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
                    const result = { code, stdout: String(stdout), stderr: String(stderr) };
                    if (code !== 0 && !opts.allowFail) reject(new PulumiError(args, result));
                    else resolve(result);
                },
            );
        });
    }

    /**
     * Starts `pulumi <args>` in its own process group, so that `kill()` can take the CLI and every
     * plugin it started down at once with SIGKILL, as a crashed machine or a cancelled CI job would.
     */
    start(args: string[], env: NodeJS.ProcessEnv = {}): { done: Promise<Result>; kill: () => void; interrupt: () => void } {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: this.dir,
            env: { ...this.env, ...env },
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        const done = new Promise<Result>((resolve) =>
            child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr })),
        );
        return {
            done,
            /** SIGINT to the CLI alone, as a terminal's Ctrl-C reaches it (plugins run in process groups of their own). */
            interrupt: () => child.kill("SIGINT"),
            kill: () => {
                // Plugins run in process groups of their own: collect the whole tree first, then kill it.
                for (const pid of [child.pid!, ...descendants(child.pid!)]) {
                    try {
                        process.kill(pid, "SIGKILL");
                    } catch {
                        /* already gone */
                    }
                }
            },
        };
    }

    async setConfig(values: Record<string, string>): Promise<void> {
        for (const [k, v] of Object.entries(values)) {
            await this.run(["config", "set", "--stack", this.name, k, v]);
        }
    }

    up(extra: string[] = []): Promise<Result> {
        return this.run(["up", "--yes", "--skip-preview", "--stack", this.name, ...extra]);
    }

    /** `pulumi preview --json`: the steps the engine plans. */
    async previewJson(extra: string[] = []): Promise<{ steps: PreviewStep[]; changeSummary: Record<string, number> }> {
        const r = await this.run(["preview", "--json", "--stack", this.name, ...extra]);
        return JSON.parse(r.stdout);
    }

    previewDiff(extra: string[] = []): Promise<Result> {
        return this.run(["preview", "--diff", "--stack", this.name, ...extra]);
    }

    refresh(extra: string[] = []): Promise<Result> {
        return this.run(["refresh", "--yes", "--skip-preview", "--stack", this.name, ...extra]);
    }

    destroy(extra: string[] = []): Promise<Result> {
        return this.run(["destroy", "--yes", "--skip-preview", "--stack", this.name, ...extra]);
    }

    async outputs(): Promise<Record<string, unknown>> {
        return JSON.parse((await this.run(["stack", "output", "--json", "--show-secrets", "--stack", this.name])).stdout);
    }

    /** The deployment as `pulumi stack export` prints it. */
    async exportState(): Promise<{ text: string; resources: StateResource[] }> {
        const text = (await this.run(["stack", "export", "--stack", this.name])).stdout;
        return { text, resources: JSON.parse(text).deployment.resources ?? [] };
    }

    /** The authorization resources in the state. */
    async authorizations(): Promise<StateResource[]> {
        return (await this.exportState()).resources.filter((r) => r.type === TYPE);
    }

    /** Every file of this stack's `file://` backend. */
    backendFiles(): string[] {
        const backend = this.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, "");
        return fs
            .readdirSync(backend, { recursive: true, encoding: "utf8" })
            .map((f) => path.join(backend, f))
            .filter((f) => fs.statSync(f).isFile());
    }

    /**
     * The recovery README "Recovering from an interrupted up" gives for a `file://` backend: removes
     * every sidecar `<file>.attrs` a kill cut short, and returns their paths. gocloud's fileblob, under
     * Pulumi's DIY backend, writes each state file atomically (a temp file, then a rename), but the
     * `.attrs` beside it in place (`setAttrs`: os.Create, then encode); every read of the state file
     * decodes it, so an empty one fails every command with "failed to load checkpoint: EOF". It holds
     * only a content type and an MD5 sum, and fileblob reads a missing one as defaults.
     */
    removeCutShortSidecars(): string[] {
        const removed: string[] = [];
        for (const file of this.backendFiles()) {
            if (!file.endsWith(".attrs")) continue;
            try {
                JSON.parse(fs.readFileSync(file, "utf8"));
            } catch {
                fs.rmSync(file);
                removed.push(file);
            }
        }
        return removed;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export interface PreviewStep {
    op: string;
    urn: string;
    diffReasons?: string[];
    replaceReasons?: string[];
    oldState?: { type: string; inputs?: Record<string, unknown> };
    newState?: { type: string; inputs?: Record<string, unknown> };
}

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
