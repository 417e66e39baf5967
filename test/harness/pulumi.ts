/**
 * Runs the real `pulumi` CLI on a program through Pulumi's Automation API (`LocalWorkspace`), in a
 * fresh work dir under the repo (so the program resolves `pulumi-aws-config-aggregation` and
 * `@pulumi/pulumi` from the repo's node_modules, as an installed user's program would), with a local
 * file:// backend and its own stack. The one thing the Automation API cannot do, a SIGKILL of the CLI
 * and every plugin it started, has a hand-written helper (`Stack.startUp`).
 *
 * The CLI inherits this process's environment (the Automation API starts it with the parent's
 * environment plus the workspace's variables), so the ambient AWS and Pulumi settings are dropped here:
 * a developer's AWS_PROFILE or PULUMI_BACKEND_URL never reaches a test's CLI.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    CommandError,
    LocalWorkspace,
    PulumiCommand,
    type ConfigMap,
    type EngineEvent,
    type Stack as AutomationStack,
    type StepEventMetadata,
} from "@pulumi/pulumi/automation";
import { ownerOf } from "../../provider/core/owner";
import { CREDENTIALS_ENV } from "./aws";
import { SOURCE_ACCOUNT_TYPE, TYPE } from "../../provider/core/model/dynamic";

for (const key of Object.keys(process.env)) if (/^(AWS_|PULUMI_)/.test(key)) delete process.env[key];

export const REPO = path.resolve(__dirname, "../../..");
export const WORK = path.join(REPO, ".pulumi-test");
export const PASSPHRASE = "engine-test-passphrase";

/** The organization Pulumi runs programs in on a DIY (file://) backend. */
export const ORGANIZATION = "organization";

/**
 * The owner tag the resource class writes for resource `name` of `stack` in `project`, as a child of a
 * component of type `parentType` (the test program's is `test:index:Group`) or of the stack; `type`: its resource type.
 */
export function engineOwner(name: string, stack = "test", project = "engine-test", parentType?: string, type = TYPE): string {
    const types = parentType ? `${parentType}$` : "";
    return ownerOf(ORGANIZATION, `urn:pulumi:${stack}::${project}::${types}${type}::${name}`);
}

/** Whether `value`, as Pulumi serializes state, is a secret (its signature key and value; sdk/go/common/resource/sig). */
export function isSecret(value: unknown): boolean {
    return (value as Record<string, unknown> | undefined)?.["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270";
}

export interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

export class PulumiError extends Error {
    constructor(
        readonly command: string,
        readonly result: Result,
    ) {
        super(`pulumi ${command} exited with ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
    }
}

/** What a failed Automation API command printed. Its CommandError keeps the exec error (execa's) privately. */
function failure(e: unknown): Result {
    if (!(e instanceof CommandError)) throw e;
    const exec = (e as unknown as { commandResult: { stderr: string; err?: { exitCode?: number; stdout?: string; stderr?: string } } })
        .commandResult;
    if (!exec.err) return { code: 1, stdout: "", stderr: exec.stderr };
    return { code: exec.err.exitCode ?? 1, stdout: exec.err.stdout ?? "", stderr: exec.err.stderr ?? "" };
}

/** The steps of a replacement (resource/deploy/step.go `IsReplacementStep`). */
const REPLACEMENT_STEPS = [
    "replace",
    "create-replacement",
    "delete-replaced",
    "read-replacement",
    "discard-replaced",
    "remove-pending-replace",
    "import-replacement",
];

let counter = 0;
let cli: Promise<PulumiCommand> | undefined;

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

/** Options of one command: extra environment for its CLI, and whether a failure resolves instead of rejecting. */
export interface RunOptions {
    env?: Record<string, string>;
    allowFail?: boolean;
}

/** One Pulumi project + stack in its own directory, with its own state backend. */
export class Stack {
    /** The environment of every command of this stack (beyond this process's); tests may change it between commands. */
    readonly env: Record<string, string>;

    private constructor(
        readonly dir: string,
        readonly backendDir: string,
        private readonly ownsBackend: boolean,
        private readonly project: string,
        private stack: AutomationStack,
        env: Record<string, string>,
    ) {
        this.env = env;
    }

    get name(): string {
        return this.stack.name;
    }

    /**
     * Copies the program in `programDir` (index.ts/index.js, Pulumi.yaml, tsconfig.json) to a new work
     * dir and creates a stack there.
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
        const env: Record<string, string> = {
            ...CREDENTIALS_ENV,
            AWS_ENDPOINT_URL: endpoint,
            AWS_MAX_ATTEMPTS: process.env.ENGINE_AWS_MAX_ATTEMPTS ?? "4",
            PULUMI_BACKEND_URL: `file://${backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
        cli ??= PulumiCommand.get();
        const stack = await LocalWorkspace.createStack(
            { stackName: opts.stack ?? "test", workDir: dir },
            { pulumiHome: path.join(WORK, "pulumi-home"), envVars: { ...env }, pulumiCommand: await cli },
        );
        return new Stack(dir, backendDir, !opts.backendDir, (await stack.workspace.projectSettings()).name, stack, env);
    }

    /** Runs one Automation API command with this stack's environment (plus `opts.env`) as it is now. */
    private async command<T extends { stdout: string; stderr: string }>(
        name: string,
        opts: RunOptions,
        run: (stack: AutomationStack) => Promise<T>,
    ): Promise<Result & { value?: T }> {
        this.stack.workspace.envVars = { ...this.env, ...opts.env };
        try {
            const value = await run(this.stack);
            return { code: 0, stdout: value.stdout, stderr: value.stderr, value };
        } catch (e) {
            const result = failure(e);
            if (!opts.allowFail) throw new PulumiError(name, result);
            return result;
        }
    }

    /** `pulumi up`; `replace`: URNs to replace (`--replace`), `targetReplace`: URNs to replace and target only them (`--target-replace`); `refresh`: `--refresh`. */
    up(
        opts: RunOptions & {
            parallel?: number;
            signal?: AbortSignal;
            replace?: string[];
            targetReplace?: string[];
            refresh?: boolean;
            /** Told every chunk of the CLI's output as it comes (to time what it prints). */
            onOutput?: (chunk: string) => void;
        } = {},
    ): Promise<Result> {
        return this.command("up", opts, (s) =>
            s.up({
                parallel: opts.parallel,
                signal: opts.signal,
                onOutput: opts.onOutput,
                ...(opts.refresh ? { refresh: true } : {}),
                ...(opts.replace ? { replace: opts.replace } : {}),
                ...(opts.targetReplace ? { replace: opts.targetReplace, target: opts.targetReplace } : {}),
            }),
        );
    }

    /** `pulumi stack rename <name>`: the same state under a new stack name (its URNs change with it). */
    async rename(name: string): Promise<void> {
        await this.command("stack rename", {}, (s) => s.rename({ stackName: name }));
        this.stack = await LocalWorkspace.selectStack(
            { stackName: name, workDir: this.dir },
            { pulumiHome: path.join(WORK, "pulumi-home"), envVars: { ...this.env }, pulumiCommand: await cli! },
        );
    }

    /** `pulumi preview`; `refresh`: `--refresh` (a refresh first, not saved). */
    preview(
        opts: RunOptions & { diff?: boolean; expectNoChanges?: boolean; refresh?: boolean; onOutput?: (chunk: string) => void } = {},
    ): Promise<Result> {
        return this.command("preview", opts, (s) =>
            s.preview({
                diff: opts.diff,
                expectNoChanges: opts.expectNoChanges,
                onOutput: opts.onOutput,
                ...(opts.refresh ? { refresh: true } : {}),
            }),
        );
    }

    previewDiff(): Promise<Result> {
        return this.preview({ diff: true });
    }

    /**
     * A preview's steps as `pulumi preview --json` lists them, from the engine's resource-pre events,
     * and its change summary. The event log also carries what the CLI's display leaves out; left out
     * here as there (pulumi v3.260.0): the engine's internal steps, those of default providers
     * (engine/update.go `isInternalStep`), and what display.go `shouldShow` hides, unchanged resources
     * other than the stack (unless only `protect` changed) and the steps of a replacement that are not the logical one.
     */
    async previewJson(): Promise<{ steps: PreviewStep[]; changeSummary: Record<string, number> }> {
        const steps: PreviewStep[] = [];
        const shown = (m: PreviewStep) => {
            if (/^pulumi:providers:[^:]+$/.test(m.type) && /::default(_[^:]*)?$/.test(m.urn)) return false;
            if (m.op === "same") return m.type === "pulumi:pulumi:Stack" || m.old?.protect !== m.new?.protect;
            return m.logical === true || !REPLACEMENT_STEPS.includes(m.op);
        };
        const onEvent = (e: EngineEvent) =>
            e.resourcePreEvent && shown(e.resourcePreEvent.metadata) && steps.push(e.resourcePreEvent.metadata);
        const r = await this.command("preview", {}, (s) => s.preview({ onEvent }));
        return { steps, changeSummary: r.value!.changeSummary as Record<string, number> };
    }

    refresh(opts: RunOptions & { parallel?: number; clearPendingCreates?: boolean } = {}): Promise<Result> {
        return this.command("refresh", opts, (s) => s.refresh({ parallel: opts.parallel, clearPendingCreates: opts.clearPendingCreates }));
    }

    destroy(opts: RunOptions & { parallel?: number } = {}): Promise<Result> {
        return this.command("destroy", opts, (s) => s.destroy({ parallel: opts.parallel }));
    }

    /** `pulumi cancel`: ends the update a killed run left in progress (its lock). */
    cancel(opts: RunOptions = {}): Promise<Result> {
        return this.command("cancel", opts, (s) => s.cancel().then(() => ({ stdout: "", stderr: "" })));
    }

    /** Sets stack config, plain unless `secret`; `path` reads the keys as paths (`a.b[0]`). */
    async setConfig(values: Record<string, string>, opts: { secret?: boolean; path?: boolean } = {}): Promise<void> {
        const config: ConfigMap = Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: opts.secret }]));
        await this.command("config set-all", {}, (s) => s.setAllConfig(config, opts.path).then(() => ({ stdout: "", stderr: "" })));
    }

    /** Sets stack config to structured values (lists, objects), kept as they are: no value is read as a number. */
    async setConfigObjects(values: Record<string, unknown>): Promise<void> {
        const json = Object.fromEntries(
            Object.entries(values).map(([k, v]) => [k, { value: JSON.stringify(v), objectValue: v, secret: false }]),
        );
        await this.command("config set-all --json", {}, (s) =>
            s.setAllConfigJson(JSON.stringify(json)).then(() => ({ stdout: "", stderr: "" })),
        );
    }

    /** The stack outputs' values. */
    async outputs(): Promise<Record<string, unknown>> {
        this.stack.workspace.envVars = { ...this.env };
        return Object.fromEntries(Object.entries(await this.stack.outputs()).map(([k, o]) => [k, o.value]));
    }

    /**
     * The state as the backend stores it (`.pulumi/stacks/<project>/<stack>.json`), secrets encrypted:
     * the Automation API's `exportStack` decrypts them (`stack export --show-secrets`).
     */
    exportState(): {
        text: string;
        deployment: { resources?: StateResource[]; pending_operations?: unknown[] };
        resources: StateResource[];
    } {
        const text = fs.readFileSync(path.join(this.backendDir, ".pulumi", "stacks", this.project, `${this.name}.json`), "utf8");
        const deployment = JSON.parse(text).checkpoint.latest ?? {};
        return { text, deployment, resources: deployment.resources ?? [] };
    }

    /** The authorization resources in the state. */
    authorizations(): StateResource[] {
        return this.exportState().resources.filter((r) => r.type === TYPE);
    }

    /** The SourceAccountAuthorizations resources in the state (an AggregationAuthorizations component's children: one per source account). */
    sourceAccounts(): StateResource[] {
        return this.exportState().resources.filter((r) => r.type === SOURCE_ACCOUNT_TYPE);
    }

    /**
     * Starts `pulumi up` in its own process group, so that `kill()` can take the CLI and every plugin
     * it started down at once with SIGKILL, as a crashed machine or a cancelled CI job would: the one
     * thing the Automation API cannot do (its cancellation is a SIGINT to the CLI alone).
     */
    startUp(args: string[] = []): { done: Promise<Result>; kill: () => void } {
        const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", this.name, ...args], {
            cwd: this.dir,
            env: { ...process.env, PULUMI_HOME: path.join(WORK, "pulumi-home"), ...this.env },
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

    /**
     * Runs `file` with `args` in this stack's work dir, with this stack's environment (plus `opts.env`), as a
     * user's shell would: the CLI picks this stack as the work dir's selected one (`pulumi stack init` selected it).
     */
    private exec(file: string, args: string[], opts: RunOptions = {}): Promise<Result> {
        const child = spawn(file, args, {
            cwd: this.dir,
            env: { ...process.env, PULUMI_HOME: path.join(WORK, "pulumi-home"), ...this.env, ...opts.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        return new Promise<Result>((resolve, reject) =>
            child.on("close", (code, signal) => {
                const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
                if (result.code !== 0 && !opts.allowFail) reject(new PulumiError(`${file} ${args.join(" ")}`, result));
                else resolve(result);
            }),
        );
    }

    /** Runs `script` with bash (`pipefail` set) in this stack's work dir and environment: the docs' commands as they stand. */
    shell(script: string, opts: RunOptions = {}): Promise<Result> {
        return this.exec("bash", ["-o", "pipefail", "-c", script], opts);
    }

    /**
     * `pulumi state move --source <this> --dest <dest> <urns> --yes`: moves resources' state to another stack of the
     * same backend (the Automation API has no such command).
     */
    stateMove(dest: Stack, urns: string[], opts: RunOptions = {}): Promise<Result> {
        return this.exec(
            "pulumi",
            ["state", "move", "--source", this.name, "--dest", dest.name, ...urns, "--yes", "--non-interactive"],
            opts,
        );
    }

    /** Every file of this stack's `file://` backend. */
    backendFiles(): string[] {
        return fs
            .readdirSync(this.backendDir, { recursive: true, encoding: "utf8" })
            .map((f) => path.join(this.backendDir, f))
            .filter((f) => fs.statSync(f).isFile());
    }

    /**
     * The recovery docs/recovery.md, "Recovering from an interrupted up", gives for a `file://` backend: removes
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

    /** Removes the work dir, and the backend unless it was another's. */
    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
        if (this.ownsBackend) fs.rmSync(this.backendDir, { recursive: true, force: true });
    }
}

/** One step of a preview: its op, URN, old and new state, the keys it replaces on (`keys`) and the changed ones (`diffs`). */
export type PreviewStep = StepEventMetadata;

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
