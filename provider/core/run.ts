/**
 * The run: what one `configure` of the provider process makes from the stack's settings and every
 * operation is given (settings, limits, tag policy, the AWS session, and what the run has seen).
 * Nothing of a run lives in module state: a new `configure` makes a new run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Aws, type Settings } from "./aws/client";
import { PROCESS_CONCURRENCY } from "./aws/limits";
import { parseSettings } from "./aws/settings";
import { Causes } from "./causes";
import { stackSettings } from "./stack-settings";
import { tagPolicy, type TagPolicy } from "./tag-policy";

/** A first-come, first-served gate of `slots`, shared by every resource of the provider process. */
export class Gate {
    private free: number;
    private readonly waiting: (() => void)[] = [];

    constructor(slots: number) {
        this.free = slots;
    }

    async run<T>(fn: () => Promise<T>): Promise<T> {
        if (this.free > 0) this.free--;
        else await new Promise<void>((resolve) => this.waiting.push(resolve));
        try {
            return await fn();
        } finally {
            const next = this.waiting.shift();
            if (next) next();
            else this.free++;
        }
    }
}

/**
 * What a run remembers between operations: owners whose create is the new half of a replacement
 * (marked by `diff`, and by a delete, since `pulumi up --replace` deletes first without a diff), ARNs
 * its checks found absent (when, monotonic ms), the causes of failure it has told whole, and the reads
 * its checks started for the creates to come.
 */
export class Memory {
    readonly replacing = new Set<string>();
    readonly seenAbsent = new Map<string, number>();
    readonly told = new Causes();
    /**
     * Reads of new authorizations that `check` started without waiting once the run asked for a change, by
     * resource. The engine hands a create (or an update adding a region) to a worker only when one of its
     * `--parallel` workers frees, after the check: the reads (and the role's AssumeRole) run in that wait, not
     * in the create's chain of calls. The create waits for them and takes each absence they found as it takes
     * a preview's; a region found taken, or not read, it reads itself.
     */
    readonly readsAhead = new Map<string, Promise<unknown>>();
}

/**
 * Where notices go: one stdout line each, which the engine shows as an info message of the run
 * (pkg/resource/plugin/plugin.go, `runtrace`). A dynamic provider has no engine log, and `delete` no result.
 */
export type NoticeSink = (line: string) => void;

const toStdout: NoticeSink = (line) => process.stdout.write(`${line}\n`);

export class Run {
    readonly aws: Aws;
    readonly tags: TagPolicy;
    /**
     * Whether the engine has asked this run for a change (a create, update or delete): then it is not a
     * preview. The engine never says so to a dynamic provider (a CheckRequest has no preview flag), but it
     * calls Create, Update and Delete only outside previews: the dynamic-provider host does not declare
     * supportsPreview (pkg/resource/plugin/provider_plugin.go, Create).
     */
    private changing = false;

    constructor(
        settings: Partial<Settings> = {},
        readonly memory = new Memory(),
        readonly gate = new Gate(PROCESS_CONCURRENCY),
        private readonly sink: NoticeSink = toStdout,
    ) {
        this.aws = new Aws(settings);
        this.tags = tagPolicy(this.aws.settings);
    }

    get settings(): Settings {
        return this.aws.settings;
    }

    get told(): Causes {
        return this.memory.told;
    }

    /** Records that the engine asked for a change: the run is not a preview. */
    markChanging(): void {
        this.changing = true;
    }

    /** True once this run has asked for a change: its checks are not a preview's. */
    get isChanging(): boolean {
        return this.changing;
    }

    /** Tells the person running Pulumi `message` (one line; a delete has no result to show it in). Never pass a secret. */
    notice(message: string): void {
        this.sink(`pulumi-aws-config-aggregation: ${message.replace(/\s*\n\s*/g, " ")}`);
    }

    /** `p`, its failure told once per cause in the run. */
    tellingOnce<T>(p: Promise<T>): Promise<T> {
        return p.catch((err: unknown) => {
            throw this.told.error(err);
        });
    }
}

/**
 * The provider process: its current run, replaced by each `configure`. Every resource type of this
 * package shares the process, and the engine configures each type's provider when it first meets it,
 * which may be after the other type's diffs recorded the run's replacements: the run's memory is kept
 * while the settings stay the same (a new run in the same process, as in the provider tests, has other
 * settings or calls `start`).
 */
export class ProviderProcess {
    private run: Run;
    /**
     * Why the stack's settings were refused, if they were. Pulumi's dynamic-provider host keeps a
     * provider whose `configure` threw and goes on using it unconfigured for the next resources, so every
     * later operation fails with the refusal instead of running with no settings.
     */
    private refused: Error | undefined;
    private configuredWith: string | undefined;
    private readonly gate = new Gate(PROCESS_CONCURRENCY);
    /** Where notices go; tests replace it to read them. */
    notices: NoticeSink = toStdout;

    constructor() {
        this.run = this.make({}, new Memory());
    }

    private make(settings: Partial<Settings>, memory: Memory): Run {
        return new Run(settings, memory, this.gate, (line) => this.notices(line));
    }

    /** Ends the current run's connections and puts a new run in its place. */
    private replace(settings: Partial<Settings>, memory: Memory): Run {
        this.run.aws.close();
        this.run = this.make(settings, memory);
        return this.run;
    }

    /** The run in force; throws the refusal of the stack's settings when they were refused. */
    current(): Run {
        if (this.refused) throw this.refused;
        return this.run;
    }

    /** The causes the run has told whole, refused settings included. */
    get told(): Causes {
        return this.run.told;
    }

    /** The refusal of the stack's settings, if any. */
    refusal(): Error | undefined {
        return this.refused;
    }

    /** A new run with the same settings and nothing remembered (tests: each test a run of its own). */
    forget(): void {
        this.replace(this.run.settings, new Memory());
    }

    /** A new run with `settings` (the memory kept when they are the last run's). */
    start(settings: Partial<Settings>): Run {
        const given = JSON.stringify(settings);
        const memory = given === this.configuredWith ? this.run.memory : new Memory();
        this.refused = undefined;
        this.configuredWith = given;
        return this.replace(settings, memory);
    }

    /**
     * Configures the process from the stack's config. Bad settings (AWS_MAX_ATTEMPTS=abc, a timeout out of
     * range) are not thrown here: `check` fails every resource with them, and every AWS call refuses to run
     * with them (refresh and destroy skip check). Settings that cannot be parsed are thrown, and kept.
     */
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        let settings: Partial<Settings>;
        try {
            settings = { ...parseSettings((key) => req.config.get(key)), ...stackSettings(req.config) };
        } catch (err) {
            this.replace({}, new Memory());
            this.configuredWith = undefined;
            this.refused = err as Error;
            throw err;
        }
        this.start(settings);
    }
}
