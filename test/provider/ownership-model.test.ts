/**
 * The ownership promise (never lose, orphan or touch an authorization that is not ours) checked against a model of AWS over generated stack lives
 * (issue 23). fast-check generates sequences of commands — `pulumi up` of one resource after a change
 * of its declaration, `--replace`, refresh, destroy, renames with and without an alias, stack rename and
 * re-init, `pulumi state delete`, a reclaim, changes made outside Pulumi, faults (throttling, 500,
 * reset, lost answer, deadline, a race with another creator, the process killed between calls) — over
 * two stacks, both resource types, three source regions and two source accounts. Each command is run
 * the way the Pulumi engine runs the providers (`provider` and `sourceAccountProvider`, called
 * directly, one fresh provider process per run), against the in-memory AWS (../harness/fake-aws.ts).
 * After every step every change AWS saw is judged against the contract, from what the states record:
 *
 * - nothing is deleted unless it is the deleter's creation: AWS shows its owner tag for that creation,
 *   or nobody's owner tag and that creation's time; a live owner tag naming another creation always wins;
 *   what the package did not create (another tool's, Control Tower's, an adopted one) is never deleted;
 * - no tag of someone else's is changed or removed (an adopted authorization's declared keys excepted;
 *   the tags an adopted one held before its adoption are never removed), nothing written by a read;
 * - what a create, update or read records is the resource's own by the same rule (or adopted);
 * - nothing is created in an account other than the declared one (sourceAccountId, the role's account,
 *   and for SourceAccountAuthorizations the account of its first create);
 * - `takeOwnership` takes only at a resource's first create: never in a region added later to a
 *   SourceAccountAuthorizations, never for the new half of a replacement, never one with another stack's
 *   owner tag (another resource of the same stack's: the documented migration within a stack);
 * - at the end, after every stack is destroyed, nothing the package created (or took) remains that no
 *   state records, unless the user told Pulumi to forget it (`pulumi state delete`), the run creating it
 *   was killed (Pulumi's pending operation names it; the reclaim hint applies), someone else's owner
 *   tag now stands on it, or one naming another creation was written on it by hand.
 *
 * KNOWN lists breaks that main does not fix yet (none now): a violation of one is counted and reported,
 * and the run goes on (MODEL_FAIL_KNOWN=all, or a list of their numbers, makes them fail and shrink to a
 * minimal sequence). Environment: MODEL_SEED, MODEL_RUNS, MODEL_STEPS (the longest
 * sequence), MODEL_PATH (fast-check's replay path, printed on failure), MODEL_MOTO_RUNS,
 * MODEL_MOTO_STEPS, MODEL_TRACE=1 (print what every step did).
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import type * as pulumi from "@pulumi/pulumi";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
    ConfigServiceClient,
    DeleteAggregationAuthorizationCommand,
    DescribeAggregationAuthorizationsCommand,
    ListTagsForResourceCommand,
    PutAggregationAuthorizationCommand,
    TagResourceCommand,
    UntagResourceCommand,
} from "@aws-sdk/client-config-service";
import { provider, sourceAccountProvider } from "../../provider";
import { upgraded } from "../../provider/core/state";
import { regionState } from "../../provider/source-account/provider";
import { ownerOf } from "../../provider/core/owner";
import { RECLAIM_ENV } from "../../provider/core/ownership";
import { TYPE, SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";
import { OWNER_TAG, type Outputs } from "../../provider/core/model/types";
import { fromTagList, toTagList } from "../../provider/core/model/tags";
import { FakeAws, type Authorization, type Change, type Fault } from "../harness/fake-aws";
import { Moto } from "../harness/moto";
import { RecordingProxy, faults as proxyFaults, type Fault as ProxyFault } from "../harness/proxy";
import { CREDENTIALS_ENV } from "../harness/secrets";
import { seeded } from "../harness/random";
import { record } from "../harness/leaks";
import { setNoticeSink } from "../harness/run";
import { AGGREGATOR_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT } from "../harness/aws";

type Tags = { [key: string]: string };
type Props = Record<string, unknown>;
type Kind = "one" | "group";

const ORG = "organization";
const PROJECT = "proj";
const ACCOUNTS = [SOURCE_ACCOUNT, OTHER_ACCOUNT];
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2"];
const AGGREGATOR_REGIONS = ["us-east-1", "eu-west-1"];
const CONTROL_TOWER = "aws-control-tower";
/** The operation deadline the runs use; a delayed answer waits past it. */
const DEADLINE_MS = 200;
const KNOBS_ENV = {
    AWS_MAX_ATTEMPTS: "2",
    PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: String(DEADLINE_MS),
    PULUMI_AWS_CONFIG_AGGREGATION_REQUEST_TIMEOUT_MS: "2000",
    PULUMI_AWS_CONFIG_AGGREGATION_CONNECT_TIMEOUT_MS: "1000",
    PULUMI_AWS_CONFIG_AGGREGATION_MAX_TOTAL_BACKOFF_MS: "30",
};

/**
 * The AWS SDK's own defaults, spelled out: each of the thousands of clients the runs create (one set per
 * provider process) then finds them in the environment instead of throwing its way to the shared config
 * files, a quarter of the run's time.
 */
const SDK_DEFAULTS_ENV = {
    AWS_USE_FIPS_ENDPOINT: "false",
    AWS_USE_DUALSTACK_ENDPOINT: "false",
    AWS_RETRY_MODE: "standard",
    AWS_DEFAULTS_MODE: "legacy",
    AWS_ACCOUNT_ID_ENDPOINT_MODE: "preferred",
    AWS_AUTH_SCHEME_PREFERENCE: "sigv4",
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
    AWS_EC2_METADATA_DISABLED: "true",
};

/**
 * The breaks of main known when this test was written (issue 23): the check stays, a violation is
 * counted and the run goes on. Remove an entry once main fixes it.
 */
const KNOWN: Record<number, string> = {
    // The eight breaks this test was written against or found (issue 23's five; (6) a forced replace's
    // new half, (7) a grouped replacement keeping no region, (8) a Put that lost a race and a failed read
    // after it) are fixed on main, each with a regression `it` below. What remains of (6): a program that
    // sets deleteBeforeReplace: false makes `pulumi up --replace` create first, and the engine tells the
    // provider nothing of it (no diff, no old inputs), so a takeOwnership left on applies to the new half.
    6: "with deleteBeforeReplace: false, `pulumi up --replace`: takeOwnership left on applies to the new half",
    // And the migration within a stack, cut off between its tag writes: the taker records a creation whose
    // owner tag is not written yet, beside the resource whose tag stands (nothing deleted; the taker's
    // next read leaves it). Seed 7, 250 runs.
    1: "takeOwnership from another resource of the same stack, cut off before its owner tag is written: both record it",
};
const failKnown = (n: number) => {
    if (!(n in KNOWN)) return true;
    const v = process.env.MODEL_FAIL_KNOWN ?? "";
    return v === "all" || v.split(",").includes(String(n));
};

/** How many changes of each kind the judge saw (API and out of band, adoptions, takeovers): what the runs exercised. */
const STATS = new Map<string, number>();
const count = (what: string) => STATS.set(what, (STATS.get(what) ?? 0) + 1);

// ---------------------------------------------------------------------------------------------------
// The program: what each stack declares.

/** Resource slots of a program: two AggregationAuthorizations and one SourceAccountAuthorizations. */
const SLOTS: Record<string, Kind> = { a: "one", b: "one", g: "group" };

interface Decl {
    kind: Kind;
    name: string;
    aggregatorRegion: string;
    region: string;
    regions: string[];
    /** The account of its assumeRole; none: the stack's credentials. */
    role?: string;
    sourceAccountId?: string;
    tags: Tags;
    adoptExisting: boolean;
    takeOwnership: boolean;
    deleteBeforeReplace: boolean;
}

type Spec = Omit<Decl, "kind" | "name">;

const show = (d: Spec | Decl) =>
    [
        "kind" in d && d.kind === "group" ? `[${d.regions.join(",")}]` : d.region,
        `agg:${d.aggregatorRegion}`,
        d.role ? `role:${d.role}` : "creds",
        d.sourceAccountId ? `sourceAccountId:${d.sourceAccountId}` : "",
        JSON.stringify(d.tags),
        d.adoptExisting ? "adoptExisting" : "",
        d.takeOwnership ? "takeOwnership" : "",
        d.deleteBeforeReplace ? "" : "createBeforeDelete",
    ]
        .filter(Boolean)
        .join(" ");

// ---------------------------------------------------------------------------------------------------
// The engine's view: per stack, per resource, the state the provider last returned.

/** A resource as Pulumi's state records it: its ID, outputs and inputs. */
interface Rec {
    kind: Kind;
    id: string;
    outs: Props;
    inputs: Props;
}

interface Stack {
    name: string;
    /** The account the stack's credentials (aws:accessKey) act in. */
    credentials: string;
    program: Map<string, Decl>;
    /** By resource name. */
    state: Map<string, Rec>;
    /** Old halves of create-before-delete replacements whose delete failed (Pulumi's `delete: true`). */
    pendingDeletes: Rec[];
    /** ARNs created by killed runs, by resource name (Pulumi's pending creates): what a reclaim names. */
    pendingCreates: Map<string, Set<string>>;
}

/** One region's record, as the single resource's state (SourceAccountAuthorizations: `regionState`). */
function regionRecords(rec: Rec): Outputs[] {
    if (rec.kind === "one") return [upgraded(rec.id, rec.outs as unknown as Outputs)];
    const o = rec.outs as unknown as Parameters<typeof regionState>[0];
    return Object.keys(o.arns ?? {}).map((r) => regionState(o, r));
}

const urnOf = (stack: string, kind: Kind, name: string) =>
    `urn:pulumi:${stack}::${PROJECT}::${kind === "one" ? TYPE : SOURCE_ACCOUNT_TYPE}::${name}`;
const roleArn = (account: string) => `arn:aws:iam::${account}:role/config-authorizer`;

/** The owner tag read apart: `hash` and `creationId` when it names an owner (someone's tag), else undefined (nobody's). */
function parseOwner(value: string | undefined): { hash: string; creationId?: string } | undefined {
    const m = value === undefined ? null : / sha256:([0-9a-f]{32})(?: creation:([0-9a-f]{16}))?$/.exec(value);
    return m ? { hash: m[1], creationId: m[2] } : undefined;
}
/** The `<organization>/<project>/<stack>` an owner or owner tag value names. */
const stackOf = (owner: unknown) => (typeof owner === "string" ? owner.split(" sha256:")[0].split("/").slice(0, 3).join("/") : undefined);
const hashOf = (owner: unknown) => (typeof owner === "string" ? parseOwner(owner)?.hash : undefined);
const userKeys = (tags: Tags) => Object.keys(tags).filter((k) => k !== OWNER_TAG && !k.toLowerCase().startsWith("aws:"));
const sameTime = (iso: unknown, epochSeconds: number) => typeof iso === "string" && iso !== "" && Date.parse(iso) === epochSeconds * 1000;

// ---------------------------------------------------------------------------------------------------
// The AWS side: the in-memory AWS, or moto behind the AWS-faithful proxy (to prove the fake faithful).

interface Creds {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/** A place an authorization can be: source account and region, and the aggregator region. */
interface Place {
    account: string;
    region: string;
    aggregatorRegion: string;
}

/** A fault of one call; `race`: someone else creates the authorization just before this call (a Put) is applied. */
type FaultKind = "throttle" | "internal" | "reset" | "lost-answer" | "delay" | "kill" | "race";
interface FaultSpec {
    kind: FaultKind;
    operation: string;
    /** Which call of that operation in the run (0: the first). */
    nth: number;
}

/** A call as a fault rule sees it (the account only where the AWS side knows it). */
interface AwsCall {
    operation: string;
    account?: string;
    region: string;
    input?: Record<string, unknown>;
}

interface Backend {
    url: string;
    reset(): Promise<void>;
    credentials(account: string): Promise<Creds>;
    contents(): Promise<Authorization[]>;
    find(p: Place): Promise<Authorization | undefined>;
    put(p: Place, tags: Tags): Promise<void>;
    remove(p: Place): Promise<void>;
    retag(p: Place, tags: { [key: string]: string | undefined }): Promise<void>;
    /** Faults for one run: `rule` sees each call. */
    inject(rule: ((call: AwsCall) => Fault | undefined) | undefined): void;
    /** Waits for calls still being answered (delayed ones). */
    settle(): Promise<void>;
    onChange?: (c: Change) => void;
}

function fakeBackend(fake: FakeAws): Backend {
    const b: Backend = {
        url: fake.url,
        reset: async () => fake.reset(),
        credentials: async (account) =>
            account === SOURCE_ACCOUNT
                ? { accessKeyId: CREDENTIALS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS_ENV.AWS_SECRET_ACCESS_KEY }
                : { accessKeyId: "AKIDOTHERACCOUNT0000", secretAccessKey: CREDENTIALS_ENV.AWS_SECRET_ACCESS_KEY },
        contents: async () => fake.all(),
        find: async (p) => fake.find(p.account, p.region, AGGREGATOR_ACCOUNT, p.aggregatorRegion),
        put: async (p, tags) => void fake.put(p.account, p.region, AGGREGATOR_ACCOUNT, p.aggregatorRegion, tags),
        remove: async (p) => fake.delete(p.account, p.region, AGGREGATOR_ACCOUNT, p.aggregatorRegion),
        retag: async (p, tags) =>
            fake.retag({ ...p, authorizedAccountId: AGGREGATOR_ACCOUNT, authorizedAwsRegion: p.aggregatorRegion }, tags),
        inject: (rule) => fake.inject(rule),
        settle: () => fake.idle(),
    };
    fake.onChange = (c) => b.onChange?.(c);
    return b;
}

/**
 * Moto behind the AWS-faithful proxy. moto stamps creation times in whole seconds; AWS gives each
 * creation its own, so a Put that may create an authorization where one was created within the same
 * second waits for the next second. The proxy's faults are errors, resets and lost answers; a delay is
 * not one of them (the sequences replayed here have none).
 */
async function motoBackend(moto: Moto, proxy: RecordingProxy): Promise<Backend> {
    const creds = new Map<string, Creds>();
    const lastPut = new Map<string, number>();
    const waitForNewSecond = async (key: string) => {
        while (lastPut.get(key) === Math.floor(Date.now() / 1000)) await new Promise((r) => setTimeout(r, 20));
        lastPut.set(key, Math.floor(Date.now() / 1000));
    };
    proxy.beforeForward = async (call) => {
        if (call.operation === "PutAggregationAuthorization") {
            await waitForNewSecond(`${call.region}/${String(call.body?.AuthorizedAwsRegion)}`);
        }
    };
    const client = async (account: string, region: string) =>
        new ConfigServiceClient({ region, endpoint: moto.url, credentials: await b.credentials(account) });
    const find = async (p: Place) =>
        (await b.contents()).find((a) => a.account === p.account && a.region === p.region && a.authorizedAwsRegion === p.aggregatorRegion);
    let rule: ((call: AwsCall) => Fault | undefined) | undefined;
    proxy.inject((call) => {
        const f = call.service === "" ? undefined : rule?.({ operation: call.operation, region: call.region, input: call.body });
        const map: Record<string, (() => ProxyFault) | undefined> = {
            throttle:
                call.service === "sts"
                    ? () => ({ kind: "error", status: 400, code: "Throttling", message: "Rate exceeded" })
                    : proxyFaults.throttle,
            internal: proxyFaults.internal,
            reset: proxyFaults.reset,
            "lost-answer": proxyFaults.lostAnswer,
        };
        return f ? map[f.kind]?.() : undefined;
    });
    const b: Backend = {
        url: proxy.url,
        reset: async () => {
            await moto.reset();
            creds.clear();
            lastPut.clear();
            proxy.clear();
        },
        credentials: async (account) => {
            if (account === SOURCE_ACCOUNT)
                return { accessKeyId: CREDENTIALS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS_ENV.AWS_SECRET_ACCESS_KEY };
            if (!creds.has(account)) {
                const sts = new STSClient({
                    region: "us-east-1",
                    endpoint: moto.url,
                    credentials: { accessKeyId: "x", secretAccessKey: "x" },
                });
                const c = (
                    await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/platform`, RoleSessionName: "model" }))
                ).Credentials!;
                creds.set(account, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken });
            }
            return creds.get(account)!;
        },
        contents: async () => {
            const out: Authorization[] = [];
            for (const account of ACCOUNTS)
                for (const region of REGIONS) {
                    const c = await client(account, region);
                    for (const a of (await c.send(new DescribeAggregationAuthorizationsCommand({}))).AggregationAuthorizations ?? []) {
                        const tags = fromTagList(
                            (await c.send(new ListTagsForResourceCommand({ ResourceArn: a.AggregationAuthorizationArn }))).Tags,
                        );
                        out.push({
                            arn: a.AggregationAuthorizationArn!,
                            account,
                            region,
                            authorizedAccountId: a.AuthorizedAccountId!,
                            authorizedAwsRegion: a.AuthorizedAwsRegion!,
                            creationTime: Math.floor(new Date(a.CreationTime!).getTime() / 1000),
                            tags,
                            serial: 0,
                        });
                    }
                }
            return out;
        },
        find,
        put: async (p, tags) => {
            if (await find(p)) return;
            await waitForNewSecond(`${p.region}/${p.aggregatorRegion}`);
            await (
                await client(p.account, p.region)
            ).send(
                new PutAggregationAuthorizationCommand({
                    AuthorizedAccountId: AGGREGATOR_ACCOUNT,
                    AuthorizedAwsRegion: p.aggregatorRegion,
                    Tags: toTagList(tags),
                }),
            );
        },
        remove: async (p) =>
            void (await (
                await client(p.account, p.region)
            ).send(
                new DeleteAggregationAuthorizationCommand({
                    AuthorizedAccountId: AGGREGATOR_ACCOUNT,
                    AuthorizedAwsRegion: p.aggregatorRegion,
                }),
            )),
        retag: async (p, tags) => {
            const a = await find(p);
            if (!a) return;
            const c = await client(p.account, p.region);
            const remove = Object.keys(tags).filter((k) => tags[k] === undefined);
            const set = Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== undefined)) as Tags;
            if (remove.length) await c.send(new UntagResourceCommand({ ResourceArn: a.arn, TagKeys: remove }));
            if (Object.keys(set).length) await c.send(new TagResourceCommand({ ResourceArn: a.arn, Tags: toTagList(set) }));
        },
        inject: (r) => (rule = r),
        settle: async () => undefined,
    };
    return b;
}

// ---------------------------------------------------------------------------------------------------
// What the package did to each authorization, and the judge.

/** What the test knows of one authorization (a creation in AWS, by the fake's serial). */
interface Instance {
    /** The creations of this package it carried: created (own) or taken over (taken). */
    creations: Map<string, "own" | "taken">;
    /** User tag keys it held when a resource adopted it, by the adopter's owner hash: that resource never removes them. */
    foundAtAdoption: Map<string, Set<string>>;
    /** The run that created it, and how that run ended. */
    createdBy?: Run;
    /** Created or taken by a killed run (Pulumi's pending operation names it). */
    pending?: boolean;
    /** A `pulumi state delete` forgot the record of it. */
    forgotten?: boolean;
    /**
     * An owner tag naming another creation was written on it by hand: the package leaves it from then on
     * (a live owner tag always wins), so its staying unrecorded is that forgery's, not an orphan (docs/ownership-and-adoption.md,
     * "Limits, honestly": the rules assume nobody forges owner tags).
     */
    disowned?: boolean;
    /** The run during which someone else created it (a race). */
    racedIn?: Run;
}

/** One provider call of one run, as the judge sees it. */
interface Call {
    op: "check" | "diff" | "create" | "update" | "delete" | "read";
    stack: Stack;
    kind: Kind;
    name: string;
    /** The state record the call was given (none for check and create). */
    rec?: Rec;
    /** The inputs the call was given (none for delete and read). */
    inputs?: Props;
    /** The create is the new half of a replacement: one the diff asked for, or `pulumi up --replace`. */
    replacing?: "diff" | "forced";
    /** ARNs the run reclaims (RECLAIM_ENV). */
    reclaim?: string[];
    run: Run;
    accounts: Set<string>;
}

/** One engine run (`pulumi up` of one resource, refresh, destroy): its fault, and how it ended. */
interface Run {
    /** The resource being created or updated, by its owner: what a killed run may have left behind. */
    target?: { stack: Stack; name: string; ownerHash?: string };
    faults: FaultSpec[];
    /** The faults that met their call. */
    fired: FaultSpec[];
    killed?: boolean;
    /** Authorizations it created or took over. */
    made: Set<Instance>;
    /** The errors of its creates (`code: message`). */
    createErrors: string[];
}

interface Violation {
    what: string;
    known?: number;
}

class Killed extends Error {}

/** A provider call's error: a partial one carries the ID and properties Pulumi records. */
type Failure = Error & { id?: string; properties?: Props; code?: string };
type Outcome<T> = { ok: true; value: T } | { ok: false; err: Failure };

class World {
    stacks: Stack[] = [];
    instances = new Map<number, Instance>();
    violations: Violation[] = [];
    knownSeen = new Map<number, number>();
    /** What each step did, for a counterexample's report. */
    trace: string[] = [];
    private printed = 0;
    steps = 0;
    private call: Call | undefined;
    private run: Run | undefined;
    private creds = new Map<string, Creds>();
    private readonly judge: boolean;
    private readonly strict: boolean;

    /** `judge`: check every change against the contract; `strict`: the known breaks fail too. */
    constructor(
        readonly aws: Backend,
        opts: { judge: boolean; strict?: boolean },
    ) {
        this.judge = opts.judge;
        this.strict = opts.strict === true;
        aws.onChange = (c) => this.changed(c);
    }

    async start(): Promise<void> {
        // The retries' jitter (the provider's and the SDK's) from a seeded source: a sequence replays the same way.
        Math.random = seeded(23);
        await this.aws.reset();
        for (const a of ACCOUNTS) this.creds.set(a, await this.aws.credentials(a));
        this.stacks = ["dev", "prod"].map((name) => ({
            name,
            credentials: SOURCE_ACCOUNT,
            program: new Map(),
            state: new Map(),
            pendingDeletes: [],
            pendingCreates: new Map(),
        }));
    }

    stack(i: number): Stack {
        return this.stacks[i % this.stacks.length];
    }

    // -- the engine ------------------------------------------------------------------------------

    /** A fresh provider process: configure with the stack's settings (twice, so that the run's memory of replacements and checks starts empty). */
    private async restart(stack: Stack): Promise<void> {
        const c = this.creds.get(stack.credentials)!;
        const values: Record<string, string> = {
            "aws:accessKey": c.accessKeyId,
            "aws:secretKey": c.secretAccessKey,
            ...(c.sessionToken ? { "aws:token": c.sessionToken } : {}),
        };
        const request = (v: Record<string, string>) =>
            ({ config: { get: (k: string) => v[k], require: () => "" } }) as unknown as pulumi.dynamic.ConfigureRequest;
        await provider.configure!(request({ ...values, "aws:skipRegionValidation": "true" }));
        await provider.configure!(request(values));
    }

    private inputsOf(stack: Stack, d: Decl): Props {
        const i: Props = {
            authorizedAccountId: AGGREGATOR_ACCOUNT,
            authorizedAwsRegion: d.aggregatorRegion,
            tags: { ...d.tags },
            owner: ownerOf(ORG, urnOf(stack.name, d.kind, d.name)),
        };
        if (d.kind === "one") i.region = d.region;
        else i.regions = [...d.regions];
        if (d.adoptExisting) i.adoptExisting = true;
        if (d.takeOwnership) i.takeOwnership = true;
        if (d.sourceAccountId) i.sourceAccountId = d.sourceAccountId;
        if (d.role) i.assumeRole = { roleArn: roleArn(d.role) };
        return i;
    }

    /** Runs one provider call as the engine would; a killed run ends here (Killed). */
    private async invoke<T>(call: Omit<Call, "run" | "accounts">, fn: () => Promise<T> | undefined): Promise<Outcome<T>> {
        this.call = { ...call, run: this.run!, accounts: new Set() };
        let out: Outcome<T>;
        try {
            out = { ok: true, value: (await fn()) as T };
            if (call.op !== "check") this.trace.push(`    ${call.op} ${call.stack.name}/${call.name}: ok`);
        } catch (err) {
            const e = err as Failure;
            if (call.op === "create") this.run!.createErrors.push(`${e.code ?? e.name}: ${e.message}`);
            const first = (e.message ?? String(e)).split("\n")[0].slice(0, 300);
            this.trace.push(`    ${call.op} ${call.stack.name}/${call.name} failed: ${first}${e.id ? " (partial)" : ""}`);
            out = { ok: false, err: e };
        }
        await this.aws.settle(); // what it sent before giving up is applied as its own
        this.call = undefined;
        if (this.run?.killed) {
            this.trace.push(`    killed during ${call.op} ${call.name}`);
            throw new Killed();
        }
        return out;
    }

    private prov(kind: Kind) {
        return (kind === "one" ? provider : sourceAccountProvider) as unknown as pulumi.dynamic.ResourceProvider<Props, Props>;
    }

    /** One engine run: `fn` under a fresh provider process, with `faults` armed; a killed run leaves the state as it was at the kill. */
    async engine(stack: Stack, faults: FaultSpec[], fn: () => Promise<unknown>, env: Record<string, string> = {}): Promise<void> {
        await this.restart(stack);
        const run: Run = { faults, fired: [], made: new Set(), createErrors: [] };
        this.run = run;
        const seen = faults.map(() => 0);
        this.aws.inject((call) => {
            if (run.killed) return { kind: "reset" };
            const f = faults.filter((x, k) => x.operation === call.operation && seen[k]++ === x.nth)[0];
            if (!f) return undefined;
            run.fired.push(f);
            if (f.kind === "kill") {
                run.killed = true; // this call is applied; every later one is cut off, as if the process died
                return undefined;
            }
            if (f.kind === "race") {
                const aggregatorRegion = call.input?.AuthorizedAwsRegion;
                if (call.account === undefined || typeof aggregatorRegion !== "string") return undefined;
                void this.aws.put({ account: call.account, region: call.region, aggregatorRegion }, { tool: "terraform" });
                return undefined;
            }
            return f.kind === "delay" ? { kind: "delay", ms: DEADLINE_MS + 150 } : { kind: f.kind };
        });
        Object.assign(process.env, env);
        try {
            await fn();
        } catch (err) {
            if (!(err instanceof Killed)) throw err;
        } finally {
            for (const k of Object.keys(env)) delete process.env[k];
            this.aws.inject(undefined);
            this.run = undefined;
        }
        if (!run.killed) return;
        for (const inst of run.made) inst.pending = true; // Pulumi's state does not know them: its pending operation names the resource
        if (run.target) await this.notePendingCreates(run.target);
    }

    /**
     * After a killed run: the authorizations carrying the resource's owner with a creation its state does
     * not record, which Pulumi names as pending creates ("interrupted while creating"), for a reclaim.
     */
    private async notePendingCreates(t: NonNullable<Run["target"]>): Promise<void> {
        const recorded = new Set([...t.stack.state.values()].flatMap(regionRecords).map((r) => r.creationId));
        for (const a of await this.aws.contents()) {
            const tag = parseOwner(a.tags[OWNER_TAG]);
            if (!tag || tag.hash !== t.ownerHash || recorded.has(tag.creationId)) continue;
            if (!t.stack.pendingCreates.has(t.name)) t.stack.pendingCreates.set(t.name, new Set());
            t.stack.pendingCreates.get(t.name)!.add(a.arn);
        }
    }

    /** `pulumi up` of the resource in `slot`: check, then create, update or replace; then the deletes the program asks for. */
    async up(stack: Stack, slot: string, opts: { replace?: boolean } = {}): Promise<boolean> {
        const d = stack.program.get(slot);
        return (d === undefined || (await this.deploy(stack, d, opts.replace === true))) && (await this.cleanup(stack));
    }

    private async deploy(stack: Stack, d: Decl, forceReplace: boolean): Promise<boolean> {
        const p = this.prov(d.kind);
        const rec = stack.state.get(d.name);
        const given = this.inputsOf(stack, d);
        const reclaim = process.env[RECLAIM_ENV]?.split(",");
        const base = { stack, kind: d.kind, name: d.name };
        const chk = await this.invoke({ ...base, op: "check", inputs: given }, () => p.check!(rec?.inputs ?? {}, given));
        if (!chk.ok) return false;
        if (chk.value.failures?.length) {
            this.trace.push(`    check ${d.name} failed: ${chk.value.failures[0].reason.slice(0, 300)}`);
            return false;
        }
        const news = chk.value.inputs as Props;
        this.run!.target = { stack, name: d.name, ownerHash: hashOf(news.owner) };
        if (!rec) return this.create(stack, d, news, undefined, reclaim);
        const diff = await this.invoke({ ...base, op: "diff", rec, inputs: news }, () => p.diff!(rec.id, rec.outs, news));
        if (!diff.ok) return false;
        const replacing = (diff.value.replaces?.length ?? 0) > 0 ? "diff" : forceReplace ? "forced" : undefined;
        if (replacing) {
            this.trace.push(`    replace ${d.name} (${d.deleteBeforeReplace ? "delete first" : "create first"})`);
            if (d.deleteBeforeReplace) {
                if (!(await this.destroy(stack, d.name, rec))) return false;
                return this.create(stack, d, news, replacing, reclaim);
            }
            const created = await this.create(stack, d, news, replacing, reclaim);
            if (stack.state.get(d.name) === rec) return false; // nothing created: the old half stays
            // The new half is recorded: Pulumi marks the old one for deletion, and deletes it now (after a partial create, later).
            stack.pendingDeletes.push(rec);
            return created && (await this.destroy(stack, "(replaced)", rec));
        }
        if (diff.value.changes === false) {
            rec.inputs = news;
            return true;
        }
        const upd = await this.invoke({ ...base, op: "update", rec, inputs: news }, () => p.update!(rec.id, rec.outs, news));
        const outs = upd.ok ? (upd.value.outs as Props) : upd.err.properties;
        if (outs) {
            const next = { ...rec, outs, inputs: news };
            stack.state.set(d.name, next);
            // What it recorded anew: the single resource's authorization; the regions a SourceAccountAuthorizations added.
            const had = new Set(regionRecords(rec).map((r) => r.arn));
            await this.judgeRecord(`${stack.name}/${d.name} update`, next, (r) => d.kind === "one" || !had.has(r.arn), {
                inputs: news,
                added: d.kind === "group",
            });
        }
        return upd.ok;
    }

    private async create(
        stack: Stack,
        d: Decl,
        news: Props,
        replacing: Call["replacing"],
        reclaim: string[] | undefined,
    ): Promise<boolean> {
        const p = this.prov(d.kind);
        const res = await this.invoke({ stack, kind: d.kind, name: d.name, op: "create", inputs: news, replacing, reclaim }, () =>
            p.create!(news),
        );
        const id = res.ok ? res.value.id : res.err.id;
        const outs = res.ok ? (res.value.outs as Props) : res.err.properties;
        if (id && outs) {
            stack.state.set(d.name, { kind: d.kind, id, outs, inputs: news });
            await this.judgeRecord(`${stack.name}/${d.name} create`, stack.state.get(d.name)!, undefined, { inputs: news, replacing });
        }
        return res.ok;
    }

    /** The delete of a recorded resource; on success the state forgets it. */
    async destroy(stack: Stack, name: string, rec: Rec): Promise<boolean> {
        const res = await this.invoke({ stack, kind: rec.kind, name, op: "delete", rec }, () =>
            this.prov(rec.kind).delete!(rec.id, rec.outs),
        );
        if (res.ok) {
            if (stack.state.get(name) === rec) stack.state.delete(name);
            stack.pendingDeletes = stack.pendingDeletes.filter((r) => r !== rec);
        }
        return res.ok;
    }

    /** The deletes an up ends with: resources no longer declared, and old halves of replacements. */
    private async cleanup(stack: Stack): Promise<boolean> {
        const declared = new Set([...stack.program.values()].map((d) => d.name));
        for (const [name, rec] of [...stack.state]) if (!declared.has(name) && !(await this.destroy(stack, name, rec))) return false;
        for (const rec of [...stack.pendingDeletes]) if (!(await this.destroy(stack, "(pending delete)", rec))) return false;
        return true;
    }

    async refresh(stack: Stack, name: string): Promise<void> {
        const rec = stack.state.get(name);
        if (!rec) return;
        const res = await this.invoke({ stack, kind: rec.kind, name, op: "read", rec }, () => this.prov(rec.kind).read!(rec.id, rec.outs));
        if (!res.ok) return;
        if (!res.value.id) return void stack.state.delete(name);
        const next = { ...rec, id: res.value.id, outs: res.value.props as Props, inputs: (res.value.inputs as Props) ?? rec.inputs };
        stack.state.set(name, next);
        await this.judgeRecord(`${stack.name}/${name} read`, next);
    }

    /** `pulumi state delete`: the state forgets the resource; what it recorded stays in AWS, forgotten. */
    async forget(stack: Stack, name: string): Promise<void> {
        const rec = stack.state.get(name);
        if (!rec) return;
        stack.state.delete(name);
        const held = await this.aws.contents();
        for (const r of regionRecords(rec)) {
            const a = held.find((x) => x.arn === r.arn);
            const inst = a && this.instances.get(a.serial);
            if (inst && ((r.creationId && inst.creations.has(r.creationId)) || sameTime(r.creationTime, a!.creationTime)))
                inst.forgotten = true;
        }
    }

    /** Every stack destroyed, without faults: what the end of a sequence checks orphans after. */
    async destroyAll(): Promise<void> {
        for (const stack of this.stacks) {
            await this.engine(stack, [], async () => {
                for (const [name, rec] of [...stack.state]) await this.destroy(stack, name, rec);
                for (const rec of [...stack.pendingDeletes]) await this.destroy(stack, "(pending delete)", rec);
            });
        }
    }

    // -- the judge -------------------------------------------------------------------------------

    private instance(serial: number): Instance {
        let i = this.instances.get(serial);
        if (!i) this.instances.set(serial, (i = { creations: new Map(), foundAtAdoption: new Map() }));
        return i;
    }

    /**
     * The authorization being judged (its serial), and the known break each authorization already
     * suffered: what follows on it from that break (the next update writing over the wrong record, say)
     * counts as the same break.
     */
    private subject: number | undefined;
    private tainted = new Map<number, number>();

    private violate(what: string, known?: number): void {
        const taint = this.subject === undefined ? undefined : this.tainted.get(this.subject);
        if (known === undefined && taint !== undefined) {
            known = taint;
            what += ` (follows from known break ${taint} on it)`;
        }
        if (known !== undefined && this.subject !== undefined) this.tainted.set(this.subject, known);
        if (known !== undefined && !this.strict && !failKnown(known)) {
            this.knownSeen.set(known, (this.knownSeen.get(known) ?? 0) + 1);
            this.trace.push(`    KNOWN (${known}): ${what}`);
            return;
        }
        this.violations.push({ what, known });
        this.trace.push(`    VIOLATION${known ? ` (known ${known})` : ""}: ${what}`);
    }

    /** What one region of a call's record says: its creation, as the single resource's state. */
    private recordOf(call: Call, a: Authorization): Outputs | undefined {
        return call.rec ? regionRecords(call.rec).find((r) => r.arn === a.arn) : undefined;
    }

    /** The part one region plays in a call: a SourceAccountAuthorizations update creates, updates or deletes per region. */
    private roleOf(call: Call, a: Authorization): Call["op"] | "add" {
        if (call.kind === "one" || call.op !== "update") return call.op;
        const wanted = (call.inputs?.regions as string[]).includes(a.region);
        const held = regionRecords(call.rec!).some((r) => r.arn === a.arn);
        return !held ? (wanted ? "add" : "update") : wanted ? "update" : "delete";
    }

    /**
     * Whether the recorded creation `r` owns `a` by the contract: AWS shows the resource's owner tag for
     * this creation, or nobody's owner tag and this creation's time.
     */
    private owns(owners: unknown[], r: Outputs, a: Authorization): { ok: boolean; why: string; timeMatch: boolean } {
        const tag = parseOwner(a.tags[OWNER_TAG]);
        const hashes = [r.owner, ...owners].map(hashOf);
        const timeMatch = sameTime(r.creationTime, a.creationTime);
        if (tag) {
            // The creation ID identifies the creation; the owner beside it changes with a rename (a killed update may
            // have written the new one before the state learnt it).
            const ok = tag.creationId !== undefined && tag.creationId === r.creationId;
            const whose = hashes.includes(tag.hash) ? "this resource's" : "another resource's";
            return {
                ok,
                why: `its owner tag names ${whose} creation ${tag.creationId ?? "(none)"}, the state records ${r.creationId ?? "none"}`,
                timeMatch,
            };
        }
        return {
            ok: timeMatch && r.creationId !== undefined,
            why: `nobody's owner tag, and ${timeMatch ? "its creation time" : "not its creation time"}`,
            timeMatch,
        };
    }

    private changed(c: Change): void {
        const a = (c.after ?? c.before)!;
        this.subject = a.serial;
        count(`${c.via} ${c.operation}`);
        if (c.via === "direct" && c.operation === "Put" && this.run) this.instance(a.serial).racedIn = this.run;
        if (c.via === "direct" || !this.judge) return; // out of band: anyone may
        const call = this.call;
        const what = `${c.operation} ${a.arn} (#${a.serial})`;
        if (!call) return this.violate(`${what} outside any provider call`);
        const inst = this.instance(a.serial);
        const who = `${call.stack.name}/${call.name} ${call.op}`;
        const role = this.roleOf(call, a);
        const r = this.recordOf(call, a);
        switch (c.operation) {
            case "Put": {
                inst.createdBy = call.run;
                const tag = parseOwner(a.tags[OWNER_TAG]);
                if (tag?.creationId === undefined) this.violate(`${who}: ${what} created without an owner tag naming a creation`);
                else inst.creations.set(tag.creationId, "own");
                call.run.made.add(inst);
                if (role !== "create" && role !== "add") this.violate(`${who}: ${what} created by a ${role}`);
                const i = call.inputs ?? {};
                const declared =
                    (i.sourceAccountId as string | undefined) ??
                    (i.assumeRole ? /::(\d{12}):/.exec((i.assumeRole as { roleArn: string }).roleArn)![1] : undefined) ??
                    (call.kind === "group" && call.rec ? (call.rec.outs.accountId as string) : undefined);
                if (declared !== undefined && a.account !== declared) {
                    const known = role === "add" && !i.sourceAccountId && !i.assumeRole ? 3 : undefined;
                    this.violate(`${who}: ${what} created in account ${a.account}, declared ${declared}`, known);
                }
                call.accounts.add(a.account);
                if (call.accounts.size > 1)
                    this.violate(`${who}: one SourceAccountAuthorizations created in accounts ${[...call.accounts].join(", ")}`);
                return;
            }
            case "Delete": {
                if (role !== "delete") return this.violate(`${who}: ${what} deleted by a ${role}`);
                if (!r) return this.violate(`${who}: ${what} deleted, but the state records no such authorization`);
                if (r.adopted) return this.violate(`${who}: ${what} deleted, but it was adopted`);
                const o = this.owns([call.rec?.outs.owner, call.inputs?.owner], r, a);
                if (!o.ok) this.violate(`${who}: ${what} deleted: ${o.why}`, o.timeMatch && parseOwner(a.tags[OWNER_TAG]) ? 1 : undefined);
                return;
            }
            default:
                return this.tagged(c, call, who, what, inst, role, r);
        }
    }

    /** A TagResource or UntagResource: only what the call's relation to the authorization allows. */
    private tagged(
        c: Change,
        call: Call,
        who: string,
        what: string,
        inst: Instance,
        role: Call["op"] | "add",
        r: Outputs | undefined,
    ): void {
        const before = c.before!.tags;
        const after = c.after!.tags;
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]);
        if (keys.length === 0) return; // a retried call, applied already: nothing changes
        const set = keys.filter((k) => k in after);
        const removed = keys.filter((k) => !(k in after));
        const declaredNew = new Set(Object.keys((call.inputs?.tags as Tags | undefined) ?? {}));
        const declaredOld = new Set([...Object.keys(r?.tags ?? {}), ...Object.keys(r?.tagsAll ?? {})]);
        const owner = parseOwner(before[OWNER_TAG]);
        const newOwner = set.includes(OWNER_TAG) ? parseOwner(after[OWNER_TAG]) : undefined;
        const onlyDeclared = (ks: string[], allowed: Set<string>, why: string) => {
            for (const k of ks) if (!allowed.has(k)) this.violate(`${who}: ${what}: ${why} ${JSON.stringify(k)}`);
        };
        const take = (mode: "own" | "taken") => {
            if (newOwner?.creationId) inst.creations.set(newOwner.creationId, mode);
            call.run.made.add(inst);
        };
        if (role === "read" || role === "check" || role === "diff") return this.violate(`${who}: ${what} changed tags`);
        if (role === "create" || role === "add") {
            // An existing authorization claimed by a create: taken over (owner tag written), reclaimed, or adopted.
            const reclaimed = call.reclaim?.includes(c.before!.arn) && owner !== undefined && owner.hash === hashOf(call.inputs?.owner);
            if (newOwner && reclaimed) return take("own");
            if (newOwner) {
                const i = call.inputs ?? {};
                if (!i.takeOwnership) this.violate(`${who}: ${what} taken over without takeOwnership`);
                // The migration within a stack (docs/migration.md, "Moving to SourceAccountAuthorizations with no gap"):
                // takeOwnership at a first create takes from another resource of the same stack, whose delete
                // then leaves it. From any other owner it is a violation.
                const sameStack = owner !== undefined && stackOf(before[OWNER_TAG]) === stackOf(call.inputs?.owner);
                if (owner && !sameStack)
                    this.violate(`${who}: ${what} taken over while its owner tag names creation ${owner.creationId ?? "(none)"}`);
                if (CONTROL_TOWER in before) this.violate(`${who}: ${what} taken over from AWS Control Tower`);
                if (call.replacing)
                    this.violate(
                        `${who}: ${what} taken over by the new half of a replacement (${call.replacing})`,
                        call.replacing === "forced" ? 6 : call.kind === "group" ? 7 : undefined,
                    );
                if (role === "add") this.violate(`${who}: ${what} taken over in a region added to a SourceAccountAuthorizations`, 4);
                onlyDeclared(set, new Set([...declaredNew, OWNER_TAG]), "took over and set the undeclared tag");
                onlyDeclared(removed, new Set(), "took over and removed the tag");
                count("takeover");
                return take("taken");
            }
            if (!call.inputs?.adoptExisting)
                this.violate(
                    `${who}: ${what} changed tags of an existing authorization without adoptExisting`,
                    // A takeover cut off before its owner tag was written (see KNOWN 1).
                    call.inputs?.takeOwnership ? 1 : undefined,
                );
            if (owner) this.violate(`${who}: ${what} adopted while its owner tag names creation ${owner.creationId ?? "(none)"}`);
            const adopter = hashOf(call.inputs?.owner) ?? "";
            if (!inst.foundAtAdoption.has(adopter)) inst.foundAtAdoption.set(adopter, new Set(userKeys(before)));
            count("adoption");
            onlyDeclared(set, declaredNew, "adopted and set the undeclared tag");
            onlyDeclared(removed, new Set(), "adopted and removed the tag");
            return;
        }
        if (!r) return this.violate(`${who}: ${what} changed tags, but the state records no such authorization`);
        if (r.adopted) {
            if (newOwner) {
                // takeOwnership of an authorization this resource adopted: a migration, in an update.
                if (role !== "update" || !call.inputs?.takeOwnership)
                    this.violate(`${who}: ${what} took over an adopted authorization without takeOwnership`);
                if (CONTROL_TOWER in before) this.violate(`${who}: ${what} took over AWS Control Tower's adopted authorization`);
                take("taken");
            } else if (set.includes(OWNER_TAG)) this.violate(`${who}: ${what} wrote an owner tag on an adopted authorization`);
            onlyDeclared(
                set.filter((k) => k !== OWNER_TAG),
                declaredNew,
                "set the undeclared tag on an adopted authorization",
            );
            const found = [r.owner, call.rec?.outs.owner, call.inputs?.owner]
                .map(hashOf)
                .flatMap((h) => [...(inst.foundAtAdoption.get(h ?? "") ?? [])]);
            for (const k of removed) {
                if (found.includes(k))
                    this.violate(
                        `${who}: ${what} removed ${JSON.stringify(k)}, held before the adoption`,
                        role === "update" ? 5 : undefined,
                    );
                else if (!declaredOld.has(k))
                    this.violate(`${who}: ${what} removed the undeclared tag ${JSON.stringify(k)} of an adopted authorization`);
                else if (role === "delete" && before[k] !== (r.tagsAll ?? {})[k])
                    this.violate(`${who}: ${what} removed ${JSON.stringify(k)}, changed outside Pulumi since`);
            }
            return;
        }
        const o = this.owns([call.rec?.outs.owner, call.inputs?.owner], r, { ...c.before!, tags: before });
        if (!o.ok) return this.violate(`${who}: ${what} changed tags: ${o.why}`, o.timeMatch && owner ? 1 : undefined);
        if (newOwner && newOwner.creationId !== r.creationId)
            this.violate(`${who}: ${what} wrote another creation (${newOwner.creationId}) over its own (${r.creationId})`);
        if (inst.creations.get(r.creationId ?? "") === "taken" || r.takenOver) {
            onlyDeclared(set, new Set([...declaredNew, OWNER_TAG]), "set the undeclared tag on a taken-over authorization");
            onlyDeclared(removed, new Set([...declaredOld, OWNER_TAG]), "removed the never-declared tag of a taken-over authorization");
        }
    }

    /**
     * What a create, an update or a read recorded (the regions `only` selects): each authorization AWS
     * holds there must be the resource's own by the contract, a creation the package made or took, or
     * an adopted one. "A race lost to another stack or Control Tower records nothing"; "read reports
     * someone else's authorization as gone". A create's takeover whose owner tag could not be written
     * (`claim`: the create's inputs) is recorded by design: its creation time proves it until then.
     */
    private async judgeRecord(
        who: string,
        rec: Rec,
        only: (r: Outputs) => boolean = () => true,
        claim?: { inputs: Props; replacing?: Call["replacing"]; added?: boolean },
    ): Promise<void> {
        if (!this.judge) return;
        const held = await this.aws.contents();
        for (const r of regionRecords(rec).filter(only)) {
            const a = held.find((x) => x.arn === r.arn);
            if (!a || r.adopted) continue;
            this.subject = a.serial;
            const o = this.owns([rec.outs.owner, rec.inputs.owner], r, a);
            const tag = parseOwner(a.tags[OWNER_TAG]);
            const inst = this.instance(a.serial);
            // A record that cannot prove it (another creation's tag, another time) is left alone by every later
            // operation; one with its creation time is taken as the resource's own.
            if (!o.ok) {
                if (o.timeMatch) this.violate(`${who} records ${a.arn} (#${a.serial}) as its own: ${o.why}`, tag ? 1 : undefined);
            } else if (r.creationId === undefined || inst.creations.has(r.creationId)) continue;
            else if (claim?.inputs.takeOwnership && !tag && !(CONTROL_TOWER in a.tags) && inst.racedIn !== this.run) {
                // Taken over, its owner tag not written yet.
                if (claim.replacing) this.violate(`${who}: ${a.arn} (#${a.serial}) taken over by the new half of a replacement`, 6);
                else if (claim.added) this.violate(`${who}: ${a.arn} (#${a.serial}) taken over in a region added later`, 4);
                inst.creations.set(r.creationId, "taken");
            } else {
                const raced = this.run?.fired.some((f) => f.kind === "race");
                this.violate(
                    `${who} records creation ${r.creationId} of ${a.arn} (#${a.serial}), which the package never made nor took`,
                    raced ? 8 : undefined,
                );
            }
        }
    }

    /** The records of every live state, per region. */
    private liveRecords(): Outputs[] {
        return this.stacks.flatMap((s) => [...s.state.values(), ...s.pendingDeletes].flatMap(regionRecords));
    }

    /** At the end: nothing the package created or took remains that no state records (see the header for the exceptions). */
    async checkOrphans(): Promise<void> {
        const live = this.liveRecords();
        for (const a of await this.aws.contents()) {
            const inst = this.instances.get(a.serial);
            if (!inst || inst.creations.size === 0 || inst.pending || inst.forgotten || inst.disowned) continue;
            this.subject = a.serial;
            const tag = parseOwner(a.tags[OWNER_TAG]);
            if (tag && (tag.creationId === undefined || !inst.creations.has(tag.creationId))) continue; // someone else's tag stands on it
            const recorded = live.some(
                (r) => r.arn === a.arn && ((tag && r.creationId === tag.creationId) || sameTime(r.creationTime, a.creationTime)),
            );
            if (recorded) continue;
            const cause = inst.createdBy?.fired.length ? `, created by a run with ${faultSuffix(inst.createdBy.fired).slice(6)}` : "";
            // A create that failed after its Put may have been applied: past the deadline, or cut off.
            const cutOff = inst.createdBy?.createErrors.some((e) =>
                /DeadlineExceeded|deadline|could not reach|ECONNRESET|socket hang up/i.test(e),
            );
            const known = cutOff ? 2 : undefined;
            this.violate(`orphan: ${a.arn} (#${a.serial}) holds ${JSON.stringify(a.tags)} and no state records it${cause}`, known);
        }
    }

    /** Throws the first violation not on the known list (fast-check then shrinks the sequence). */
    assertClean(): void {
        if (process.env.MODEL_TRACE) console.log(this.trace.slice(this.printed).join("\n"));
        this.printed = this.trace.length;
        if (this.violations.length) throw new Error(`${this.violations[0].what}\n${this.trace.join("\n")}`);
    }
}

// ---------------------------------------------------------------------------------------------------
// The commands.

type Cmd = fc.AsyncCommand<object, World>;

const faultSuffix = (faults: FaultSpec[]) =>
    faults.length ? ` with ${faults.map((f) => `${f.kind} on ${f.operation}#${f.nth}`).join(", ")}` : "";

/** A command on one stack's program followed by `pulumi up` of the resource (or of the whole program's deletes). */
abstract class EngineCommand implements Cmd {
    constructor(
        readonly st: number,
        readonly slot: string,
        readonly faults: FaultSpec[] = [],
    ) {}
    check = () => true;
    abstract describe(): string;
    /** Changes the program; false when there is nothing to run. */
    abstract edit(w: World, stack: Stack): boolean;
    async act(w: World, stack: Stack): Promise<unknown> {
        return w.up(stack, this.slot);
    }
    env(_w: World, _stack: Stack): Record<string, string> {
        return {};
    }
    async run(_m: object, w: World): Promise<void> {
        const stack = w.stack(this.st);
        w.trace.push(`${w.steps}: ${this.toString()}`);
        w.steps++;
        if (this.edit(w, stack)) await w.engine(stack, this.faults, () => this.act(w, stack), this.env(w, stack));
        w.assertClean();
    }
    toString(): string {
        return `s${this.st}.${this.slot}: ${this.describe()}${faultSuffix(this.faults)}`;
    }
}

class Declare extends EngineCommand {
    constructor(
        st: number,
        slot: string,
        readonly spec: Spec,
        faults?: FaultSpec[],
    ) {
        super(st, slot, faults);
    }
    describe = () => `declare ${show({ ...this.spec, kind: SLOTS[this.slot] } as Decl)}; up`;
    edit(_w: World, stack: Stack): boolean {
        const name = stack.program.get(this.slot)?.name ?? this.slot;
        stack.program.set(this.slot, { ...this.spec, kind: SLOTS[this.slot], name });
        return true;
    }
}

/** A change to a declared resource, then `pulumi up`. */
class Edit extends EngineCommand {
    constructor(
        st: number,
        slot: string,
        readonly change: Partial<Spec>,
        faults?: FaultSpec[],
    ) {
        super(st, slot, faults);
    }
    describe = () => `set ${JSON.stringify(this.change, (_k, v) => (v === undefined ? null : v))}; up`; // null: the input removed
    edit(_w: World, stack: Stack): boolean {
        const d = stack.program.get(this.slot);
        if (!d) return false;
        stack.program.set(this.slot, {
            ...d,
            ...this.change,
            ...(d.kind === "one" && this.change.regions ? { region: this.change.regions[0] } : {}),
        });
        return true;
    }
}

class ForceReplace extends EngineCommand {
    describe = () => "up --replace";
    edit = (_w: World, stack: Stack) => stack.program.has(this.slot) && stack.state.has(stack.program.get(this.slot)!.name);
    act = (w: World, stack: Stack) => w.up(stack, this.slot, { replace: true });
}

class Refresh extends EngineCommand {
    describe = () => "refresh";
    edit = (_w: World, stack: Stack) => stack.state.has(stack.program.get(this.slot)?.name ?? this.slot);
    act = (w: World, stack: Stack) => w.refresh(stack, stack.program.get(this.slot)?.name ?? this.slot);
}

/** The resource removed from the program, then `pulumi up` (its delete). */
class Destroy extends EngineCommand {
    describe = () => "remove from the program; up";
    edit(_w: World, stack: Stack): boolean {
        return stack.program.delete(this.slot);
    }
    act = (w: World, stack: Stack) => w.up(stack, this.slot);
}

/** The resource renamed in the program, with an alias (the state moves to the new URN) or without (a new resource; the old one is deleted). */
class Rename extends EngineCommand {
    constructor(
        st: number,
        slot: string,
        readonly alias: boolean,
        faults?: FaultSpec[],
    ) {
        super(st, slot, faults);
    }
    describe = () => `rename ${this.alias ? "with" : "without"} an alias; up`;
    edit(_w: World, stack: Stack): boolean {
        const d = stack.program.get(this.slot);
        if (!d) return false;
        const name = d.name.length < 4 ? `${d.name}2` : d.name.slice(0, 1);
        const rec = stack.state.get(d.name);
        if (this.alias && rec && !stack.state.has(name)) {
            stack.state.delete(d.name);
            stack.state.set(name, rec);
        }
        stack.program.set(this.slot, { ...d, name });
        return true;
    }
}

/** `PULUMI_AWS_CONFIG_AGGREGATION_RECLAIM=<the ARNs a killed run created> pulumi up`. */
class Reclaim extends EngineCommand {
    describe = () => `${RECLAIM_ENV}=<pending creates> up`;
    edit = (_w: World, stack: Stack) =>
        stack.program.has(this.slot) && (stack.pendingCreates.get(stack.program.get(this.slot)!.name)?.size ?? 0) > 0;
    env = (_w: World, stack: Stack) => ({ [RECLAIM_ENV]: [...stack.pendingCreates.get(stack.program.get(this.slot)!.name)!].join(",") });
    async act(w: World, stack: Stack): Promise<unknown> {
        const name = stack.program.get(this.slot)!.name;
        if (await w.up(stack, this.slot)) stack.pendingCreates.delete(name);
        return undefined;
    }
}

/** A command outside the engine: on a stack's state or settings, or on AWS directly. */
abstract class PlainCommand implements Cmd {
    check = () => true;
    abstract describe(): string;
    abstract act(w: World): Promise<void>;
    async run(_m: object, w: World): Promise<void> {
        w.trace.push(`${w.steps}: ${this.toString()}`);
        w.steps++;
        await this.act(w);
        w.assertClean();
    }
    toString(): string {
        return this.describe();
    }
}

class StateDelete extends PlainCommand {
    constructor(
        readonly st: number,
        readonly slot: string,
    ) {
        super();
    }
    describe = () => `s${this.st}.${this.slot}: pulumi state delete`;
    act = (w: World) => w.forget(w.stack(this.st), w.stack(this.st).program.get(this.slot)?.name ?? this.slot);
}

class StackRename extends PlainCommand {
    constructor(
        readonly st: number,
        readonly reinit: boolean,
    ) {
        super();
    }
    describe = () => `s${this.st}: pulumi stack rename${this.reinit ? ", then pulumi stack init with the old name (same program)" : ""}`;
    async act(w: World): Promise<void> {
        const stack = w.stack(this.st);
        const old = stack.name;
        stack.name = `${old.split("-")[0]}-${w.steps}`;
        if (this.reinit && w.stacks.length < 6) {
            w.stacks.push({
                ...stack,
                name: old,
                program: new Map([...stack.program].map(([k, d]) => [k, { ...d }])),
                state: new Map(),
                pendingDeletes: [],
                pendingCreates: new Map(),
            });
        }
    }
}

class Credentials extends PlainCommand {
    constructor(
        readonly st: number,
        readonly account: string,
    ) {
        super();
    }
    describe = () => `s${this.st}: credentials of account ${this.account}`;
    act = async (w: World) => void (w.stack(this.st).credentials = this.account);
}

type OutOfBand =
    | { kind: "untag-owner" }
    | { kind: "edit-owner"; to: "garbage" | "other-creation" | "other-owner"; n: number }
    | { kind: "delete" }
    | { kind: "create"; by: "tool" | "control-tower" }
    | { kind: "tag"; key: string; value: string };

class OutOfBandCommand extends PlainCommand {
    constructor(
        readonly at: Place,
        readonly change: OutOfBand,
    ) {
        super();
    }
    describe = () => `out of band at ${this.at.account}/${this.at.region}/agg:${this.at.aggregatorRegion}: ${JSON.stringify(this.change)}`;
    async act(w: World): Promise<void> {
        const c = this.change;
        const a = await w.aws.find(this.at);
        if (c.kind === "create") {
            // Created again by someone else: the old one (if any) deleted first.
            if (a) await w.aws.remove(this.at);
            await w.aws.put(this.at, c.by === "tool" ? { tool: "terraform" } : { [CONTROL_TOWER]: "managed-by-control-tower" });
            return;
        }
        if (!a) return;
        if (c.kind === "delete") return w.aws.remove(this.at);
        if (c.kind === "untag-owner") return a.tags[OWNER_TAG] === undefined ? undefined : w.aws.retag(this.at, { [OWNER_TAG]: undefined });
        if (c.kind === "tag") return w.aws.retag(this.at, { [c.key]: c.value });
        if (c.to !== "garbage") {
            const inst = w.instances.get(a.serial);
            if (inst) inst.disowned = true;
        }
        const id = (c.n % 0xffff).toString(16).padStart(16, "0");
        const value =
            c.to === "garbage"
                ? "edited by hand"
                : c.to === "other-creation"
                  ? `${(a.tags[OWNER_TAG] ?? ownerOf(ORG, urnOf("dev", "one", "a"))).replace(/ creation:[0-9a-f]{16}$/, "")} creation:${id}`
                  : `${ownerOf(ORG, urnOf("elsewhere", "one", "x"))} creation:${id}`;
        return w.aws.retag(this.at, { [OWNER_TAG]: value });
    }
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries.

const OPERATIONS = [
    "PutAggregationAuthorization",
    "ListTagsForResource",
    "DescribeAggregationAuthorizations",
    "TagResource",
    "UntagResource",
    "DeleteAggregationAuthorization",
    "GetCallerIdentity",
    "AssumeRole",
];

function arbitraries(opts: { faultKinds: FaultKind[] }) {
    const st = fc.nat(3);
    const slot = fc.constantFrom(...Object.keys(SLOTS));
    const one: fc.Arbitrary<FaultSpec> = fc
        .record({
            // A deadline costs the deadline: fewer of those.
            kind: fc.constantFrom(...opts.faultKinds, ...opts.faultKinds.filter((k) => k !== "delay")),
            operation: fc.constantFrom(...OPERATIONS, "PutAggregationAuthorization", "ListTagsForResource", "ListTagsForResource"),
            nth: fc.nat(1),
        })
        .map((f) => (f.kind === "race" ? { ...f, operation: "PutAggregationAuthorization" } : f));
    const fault: fc.Arbitrary<FaultSpec[]> = fc.oneof(
        { arbitrary: fc.constant([] as FaultSpec[]), weight: 7 },
        { arbitrary: fc.array(one, { minLength: 1, maxLength: 2 }), weight: 3 },
    );
    const account = fc.constantFrom(...ACCOUNTS);
    const tags = fc.dictionary(fc.constantFrom("team", "env", "tool"), fc.constantFrom("a", "b"), { maxKeys: 2 });
    const often = (p: number) => fc.integer({ min: 1, max: 100 }).map((n) => n <= p);
    // Mostly one aggregator: resources and what others make meet there.
    const aggregatorRegion = often(85).map((b) => AGGREGATOR_REGIONS[b ? 0 : 1]);
    const spec: fc.Arbitrary<Spec> = fc.record({
        aggregatorRegion,
        region: fc.constantFrom(...REGIONS),
        regions: fc.subarray(REGIONS, { minLength: 1 }),
        role: fc.option(account, { freq: 2 }).map((a) => a ?? undefined),
        sourceAccountId: fc.option(account, { freq: 4 }).map((a) => (a === null ? undefined : a)),
        tags,
        adoptExisting: often(30),
        takeOwnership: often(30),
        deleteBeforeReplace: often(80),
    });
    const at: fc.Arbitrary<Place> = fc.record({ account, region: fc.constantFrom(...REGIONS), aggregatorRegion });
    const outOfBand: fc.Arbitrary<OutOfBand> = fc.oneof(
        fc.constant({ kind: "untag-owner" as const }),
        fc.record({
            kind: fc.constant("edit-owner" as const),
            to: fc.constantFrom("garbage" as const, "other-creation" as const, "other-owner" as const),
            n: fc.nat(),
        }),
        fc.constant({ kind: "delete" as const }),
        fc.record({ kind: fc.constant("create" as const), by: fc.constantFrom("tool" as const, "control-tower" as const) }),
        fc.record({ kind: fc.constant("create" as const), by: fc.constantFrom("tool" as const, "control-tower" as const) }),
        fc.record({ kind: fc.constant("tag" as const), key: fc.constantFrom("team", "tool", "cost"), value: fc.constantFrom("x", "y") }),
    );
    const change: fc.Arbitrary<Partial<Spec>> = fc.oneof(
        tags.map((t) => ({ tags: t })),
        fc.subarray(REGIONS, { minLength: 1 }).map((r) => ({ regions: r })),
        often(50).map((v) => ({ adoptExisting: v })),
        often(50).map((v) => ({ takeOwnership: v })),
        fc.constantFrom(...AGGREGATOR_REGIONS).map((r) => ({ aggregatorRegion: r })),
        fc.option(account, { freq: 2 }).map((a) => ({ role: a ?? undefined })),
        fc.option(account, { freq: 2 }).map((a) => ({ sourceAccountId: a ?? undefined })),
    );
    return [
        { arbitrary: fc.tuple(st, slot, spec, fault).map(([s, k, p, f]) => new Declare(s, k, p, f) as Cmd), weight: 6 },
        { arbitrary: fc.tuple(st, slot, change, fault).map(([s, k, c, f]) => new Edit(s, k, c, f) as Cmd), weight: 6 },
        { arbitrary: fc.tuple(st, slot, fault).map(([s, k, f]) => new ForceReplace(s, k, f) as Cmd), weight: 2 },
        { arbitrary: fc.tuple(st, slot, fault).map(([s, k, f]) => new Refresh(s, k, f) as Cmd), weight: 3 },
        { arbitrary: fc.tuple(st, slot, fault).map(([s, k, f]) => new Destroy(s, k, f) as Cmd), weight: 2 },
        { arbitrary: fc.tuple(st, slot, fc.boolean(), fault).map(([s, k, a, f]) => new Rename(s, k, a, f) as Cmd), weight: 1 },
        { arbitrary: fc.tuple(st, slot).map(([s, k]) => new Reclaim(s, k) as Cmd), weight: 1 },
        { arbitrary: fc.tuple(st, slot).map(([s, k]) => new StateDelete(s, k) as Cmd), weight: 1 },
        { arbitrary: fc.tuple(st, fc.boolean()).map(([s, r]) => new StackRename(s, r) as Cmd), weight: 1 },
        { arbitrary: fc.tuple(st, account).map(([s, a]) => new Credentials(s, a) as Cmd), weight: 2 },
        { arbitrary: fc.tuple(at, outOfBand).map(([p, c]) => new OutOfBandCommand(p, c) as Cmd), weight: 5 },
    ];
}

function commands(steps: number, faultKinds: FaultKind[]) {
    return fc.commands([fc.oneof(...arbitraries({ faultKinds }))], { maxCommands: steps, size: "max" });
}

// ---------------------------------------------------------------------------------------------------
// The tests.

const envNumber = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

describe("ownership model (issue 23)", function () {
    this.timeout(600_000);
    const saved = { ...process.env };
    let fake: FakeAws;
    let print: (line: string) => void;
    const random = Math.random;

    before(async () => {
        fake = await FakeAws.start({ [CREDENTIALS_ENV.AWS_ACCESS_KEY_ID]: SOURCE_ACCOUNT, AKIDOTHERACCOUNT0000: OTHER_ACCOUNT });
        fake.pageSize = { describe: 1, tags: 2 }; // callers page through both lists
        for (const k of [
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            RECLAIM_ENV,
        ])
            delete process.env[k];
        Object.assign(process.env, KNOBS_ENV, SDK_DEFAULTS_ENV);
        // Notices (an adopted authorization left in AWS) are thousands here: recorded for the leak scan, not printed.
        print = setNoticeSink((line) => record("notice", line));
    });
    after(async () => {
        Math.random = random;
        setNoticeSink(print);
        process.env = saved;
        await fake?.stop();
    });

    it("holds the ownership promise over generated stack lives against the in-memory AWS", async () => {
        process.env.AWS_ENDPOINT_URL = fake.url;
        const seed = envNumber("MODEL_SEED", 23);
        const runs = envNumber("MODEL_RUNS", 200);
        const steps = envNumber("MODEL_STEPS", 100);
        const known = new Map<number, number>();
        let total = 0;
        const started = Date.now();
        const property = fc.asyncProperty(
            commands(steps, ["throttle", "internal", "reset", "lost-answer", "delay", "kill", "race"]),
            async (cmds) => {
                const w = new World(fakeBackend(fake), { judge: true });
                await w.start();
                try {
                    await fc.asyncModelRun(() => ({ model: {}, real: w }), cmds);
                    w.trace.push("end: every stack destroyed");
                    await w.destroyAll();
                    await w.checkOrphans();
                    w.assertClean();
                } finally {
                    total += w.steps;
                    for (const [n, count] of w.knownSeen) known.set(n, (known.get(n) ?? 0) + count);
                }
            },
        );
        const out = await fc.check(property, { seed, numRuns: runs, ...(process.env.MODEL_PATH ? { path: process.env.MODEL_PATH } : {}) });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`      ownership model: ${total} steps in ${runs} sequences in ${seconds} s (seed ${seed})`);
        console.log(`      changes judged: ${JSON.stringify(Object.fromEntries([...STATS].sort()))}`);
        for (const [n, count] of [...known].sort((a, b) => a[0] - b[0]))
            console.log(`      known break (${n}) "${KNOWN[n]}": ${count} times`);
        if (out.failed) {
            const cex = out.counterexample?.[0] ? [...(out.counterexample[0] as Iterable<Cmd>)].map(String).join("\n  ") : "(none)";
            assert.fail(
                `ownership model failed: seed ${out.seed}, replay path "${out.counterexamplePath}" ` +
                    `(MODEL_SEED=${out.seed} MODEL_PATH="${out.counterexamplePath}" bash scripts/test.sh provider --grep "stack lives")\n` +
                    `commands:\n  ${cex}\n${String((out.errorInstance as Error | undefined)?.message ?? out.errorInstance)}`,
            );
        }
        if (!process.env.MODEL_RUNS && !process.env.MODEL_STEPS && !process.env.MODEL_PATH)
            assert.ok(total >= 10_000, `only ${total} steps ran`);
    });

    describe("regressions the model found", () => {
        /** Runs `steps` against the in-memory AWS, every known break failing too; returns what AWS holds then. */
        async function scenario(steps: Cmd[]): Promise<{ world: World; held: Record<string, Tags> }> {
            Object.assign(process.env, { AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: "1" }); // a fault is the call's failure
            try {
                const world = new World(fakeBackend(fake), { judge: true, strict: true });
                await world.start();
                for (const step of steps) await step.run({}, world); // throws at the first violation, with what each step did
                return { world, held: normalized(await world.aws.contents()) };
            } finally {
                Object.assign(process.env, KNOBS_ENV);
            }
        }
        const TOOL = { tool: "terraform" };
        const arn = (region: string, aggregatorRegion = "us-east-1", account = SOURCE_ACCOUNT) =>
            `arn:aws:config:${region}:${account}:aggregation-authorization/${AGGREGATOR_ACCOUNT}/${aggregatorRegion}`;

        it("`pulumi up --replace` does not take over, for its new half, an authorization another tool made meanwhile (6)", async () => {
            const { world, held } = await scenario([
                new Declare(0, "a", spec({ takeOwnership: true })),
                // Another tool deletes it and makes its own in its place.
                new OutOfBandCommand(
                    { account: SOURCE_ACCOUNT, region: "eu-west-1", aggregatorRegion: "us-east-1" },
                    { kind: "create", by: "tool" },
                ),
                new ForceReplace(0, "a"),
            ]);
            assert.deepEqual(held, { [arn("eu-west-1")]: TOOL }, "the tool's authorization, untouched");
            assert.equal(world.stack(0).state.has("a"), false, "the create of the new half refused it");
        });

        it("a SourceAccountAuthorizations renamed with an alias whose update fails in a region is still deleted by destroy (seed 7)", async () => {
            const { held } = await scenario([
                new Declare(0, "g", spec({ regions: ["us-west-2"] })),
                // The rename's update writes the new owner tag; it fails there, so the tag still names the old owner.
                new Rename(0, "g", true, [{ kind: "throttle", operation: "ListTagsForResource", nth: 0 }]),
                new Destroy(0, "g"),
            ]);
            assert.deepEqual(held, {}, "destroy deleted it: the region kept the owner its tag names");
        });

        it("a create whose Put lost a race, and whose read after it failed, never has destroy delete the winner's (8)", async () => {
            const { held } = await scenario([
                // Another tool creates it between the create's existence check and its Put (AWS keeps theirs and ignores
                // the Put's tags), and the read that would tell whose it is fails.
                new Declare(0, "a", spec(), [
                    { kind: "race", operation: "PutAggregationAuthorization", nth: 0 },
                    { kind: "internal", operation: "ListTagsForResource", nth: 1 },
                ]),
                new Destroy(0, "a"),
            ]);
            assert.deepEqual(held, { [arn("eu-west-1")]: TOOL }, "the tool's authorization, untouched");
        });

        it("SourceAccountAuthorizations replaced with none of its regions kept does not take over with takeOwnership (7)", async () => {
            const { world, held } = await scenario([
                new Declare(0, "g", spec({ regions: ["us-west-2"], aggregatorRegion: "eu-west-1" })),
                new OutOfBandCommand(
                    { account: SOURCE_ACCOUNT, region: "us-east-1", aggregatorRegion: "us-east-1" },
                    { kind: "create", by: "tool" },
                ),
                // Another aggregator and another region: a replacement, whose new half meets the tool's authorization.
                new Declare(0, "g", spec({ regions: ["us-east-1"], takeOwnership: true })),
            ]);
            // The check refuses it first, as the create of the new half would: nothing changes.
            assert.deepEqual(held[arn("us-east-1")], TOOL, "the tool's untouched");
            assert.equal(Object.keys(held).length, 2, "the old one stays");
            assert.equal(world.stack(0).state.has("g"), true, "the stack keeps the old one");
        });
    });

    it("ends each sampled sequence where moto behind the AWS-faithful proxy ends it", async function () {
        const seed = envNumber("MODEL_SEED", 23);
        const runs = envNumber("MODEL_MOTO_RUNS", 20);
        const steps = envNumber("MODEL_MOTO_STEPS", 15);
        // No retries (their jitter is random) and no deadline faults, so that both replays take the same path;
        // no lost answers either: the proxy forwards such a call past its AWS-faithful rules.
        Object.assign(process.env, { AWS_MAX_ATTEMPTS: "1", PULUMI_AWS_CONFIG_AGGREGATION_OPERATION_TIMEOUT_MS: "10000" });
        const moto = await Moto.start();
        const proxy = await RecordingProxy.start(moto.url);
        try {
            const onMoto = await motoBackend(moto, proxy);
            const kinds: FaultKind[] = ["throttle", "internal", "reset", "kill"];
            const samples = fc.sample(fc.array(fc.oneof(...arbitraries({ faultKinds: kinds })), { minLength: steps, maxLength: steps }), {
                seed,
                numRuns: runs,
            });
            let held = 0;
            for (const [i, cmds] of samples.entries()) {
                const expected = await replay(fakeBackend(fake), fake.url, cmds);
                const actual = await replay(onMoto, proxy.url, cmds);
                held += Object.keys(expected.contents[0]).length;
                assert.deepEqual(
                    actual.contents,
                    expected.contents,
                    `sequence ${i} (seed ${seed}) ends differently on moto:\n  ${cmds.map(String).join("\n  ")}\nin-memory:\n${expected.trace}\nmoto:\n${actual.trace}`,
                );
            }
            console.log(
                `      moto replay: ${samples.length} sequences of ${steps} steps, same AWS contents (${held} authorizations at their ends)`,
            );
        } finally {
            Object.assign(process.env, KNOBS_ENV);
            await proxy.stop();
            await moto.stop();
        }
    });
});

/** A declaration: in eu-west-1 (or `regions`), for the aggregator in us-east-1, through the stack's credentials, with `over`. */
const spec = (over: Partial<Spec> = {}): Spec => ({
    aggregatorRegion: "us-east-1",
    region: "eu-west-1",
    regions: ["eu-west-1"],
    tags: {},
    adoptExisting: false,
    takeOwnership: false,
    deleteBeforeReplace: true,
    ...over,
});

/** What AWS holds, without what differs by design between two AWS (ARNs' creation IDs, times): by place, the tags. */
function normalized(held: Authorization[]): Record<string, Tags> {
    const out: Record<string, Tags> = {};
    for (const a of [...held].sort((x, y) => x.arn.localeCompare(y.arn))) {
        out[a.arn] = Object.fromEntries(
            Object.entries(a.tags).map(([k, v]) => [k, k === OWNER_TAG ? v.replace(/ creation:[0-9a-f]{16}$/, " creation:*") : v]),
        );
    }
    return out;
}

/** Runs `cmds` against `aws` (reached at `url`); what AWS holds after them, and after every stack is destroyed. */
async function replay(aws: Backend, url: string, cmds: Cmd[]): Promise<{ contents: Record<string, Tags>[]; trace: string }> {
    process.env.AWS_ENDPOINT_URL = url;
    const w = new World(aws, { judge: false });
    await w.start();
    for (const c of cmds) await c.run({}, w);
    const contents = [normalized(await aws.contents())];
    await w.destroyAll();
    contents.push(normalized(await aws.contents()));
    return { contents, trace: w.trace.join("\n") };
}
