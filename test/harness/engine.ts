/**
 * The fixtures the engine tests share: the test programs, the entries of the authorizations
 * program's `resources` config, the stacks of one test, removed after it, and how a preview's steps on
 * SourceAccountAuthorizations read.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AGGREGATOR_ACCOUNT, type AwsFixture } from "./aws";
import type { Call } from "./proxy";
import { REPO, Stack, type PreviewStep } from "./pulumi";
import { SOURCE_ACCOUNT_TYPE } from "../../provider/core/model/dynamic";

/** The test programs (test/engine/programs), and the examples users copy (examples/). */
export const PROGRAMS = {
    /** One AggregationAuthorization per entry of its `resources` config (a JSON list of `Spec`). */
    authorizations: path.join(REPO, "test/engine/programs/authorizations"),
    /** One SourceAccountAuthorizations per entry of its `accounts` config (a JSON list of `AccountSpec`). */
    sourceAccounts: path.join(REPO, "test/engine/programs/source-accounts"),
    /** One AggregationAuthorizations component over its `sources` config. */
    organization: path.join(REPO, "test/engine/programs/organization"),
    /** That component over `organizationSources`: the accounts of the organization in moto. */
    organizationSources: path.join(REPO, "test/engine/programs/organization-sources"),
    /** What earlier versions of that component declared: one AggregationAuthorization per account and region under it. */
    organizationPerRegion: path.join(REPO, "test/engine/programs/organization-per-region"),
    sourceAccountExample: path.join(REPO, "examples/source-account"),
    aggregatorExample: path.join(REPO, "examples/aggregator"),
    organizationExample: path.join(REPO, "examples/organization"),
};

/** One entry of the authorizations program's `resources` config (see its index.js). */
export interface Spec {
    name: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
    region?: string;
    tags?: Record<string, string>;
    /** A tag whose value is the secret stack config `secretTagValue`. */
    secretTag?: string;
    adoptExisting?: boolean;
    takeOwnership?: boolean;
    takeOwnershipFromControlTower?: boolean;
    /** The account it must land in. */
    sourceAccountId?: string;
    /** Tag this one with another resource's source account (an output). */
    accountTagFrom?: string;
    /** The name of a `test:index:Group` component to create it in. */
    parent?: string;
    /** Aliases: a former name, and a former parent ("root" for the stack, else a group's name). */
    aliases?: { name?: string; parent?: string }[];
}

/** One entry of the source-accounts program's `accounts` config (see its index.js). */
export interface AccountSpec {
    name: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
    regions: string[];
    tags?: Record<string, string>;
    roleArn?: string;
    sourceAccountId?: string;
    adoptExisting?: boolean;
    takeOwnership?: boolean;
    takeOwnershipFromControlTower?: boolean;
    /** A tag whose value is the secret stack config `secretTagValue`. */
    secretTag?: string;
}

/** One authorization `a` of the aggregator in us-east-1 from eu-west-1, tagged team=platform, with `over` applied. */
export const specOf = (over: Partial<Spec> = {}): Spec => ({
    name: "a",
    authorizedAccountId: AGGREGATOR_ACCOUNT,
    authorizedAwsRegion: "us-east-1",
    region: "eu-west-1",
    tags: { team: "platform" },
    ...over,
});

/** Sets the authorizations program's `resources` config of `stack`. */
export function declare(stack: Stack, resources: Spec[]): Promise<void> {
    return stack.setConfig({ resources: JSON.stringify(resources) });
}

/** Options of a new stack: its name, a backend dir shared with other stacks, its environment beyond the usual. */
export interface StackOptions {
    stack?: string;
    backendDir?: string;
    env?: Record<string, string>;
}

/**
 * The stacks of each test of the enclosing `describe` against `aws`: `create` makes one of any
 * program with plain config, `authorizations` one of the authorizations program declaring
 * `resources`. Each is removed (its work dir and its own backend) after the test.
 */
export function useStacks(aws: AwsFixture) {
    const stacks: Stack[] = [];
    afterEach(() => stacks.splice(0).forEach((s) => s.remove()));

    async function create(program: string, config: Record<string, string> = {}, opts: StackOptions = {}): Promise<Stack> {
        const s = await Stack.create(program, aws.proxy.url, opts);
        stacks.push(s);
        Object.assign(s.env, opts.env);
        if (Object.keys(config).length) await s.setConfig(config);
        return s;
    }
    return {
        create,
        authorizations: (resources: Spec[], config: Record<string, string> = {}, opts: StackOptions = {}) =>
            create(PROGRAMS.authorizations, { resources: JSON.stringify(resources), ...config }, opts),
        sourceAccounts: (accounts: AccountSpec[], config: Record<string, string> = {}, opts: StackOptions = {}) =>
            create(PROGRAMS.sourceAccounts, { accounts: JSON.stringify(accounts), ...config }, opts),
    };
}

/** A resource's name: the last part of its URN. */
export const nameOf = (urn: string) => urn.split("::").pop()!;

/** The inputs a step changes (its old and new inputs differ), sorted. */
export function changedInputs(step: PreviewStep): string[] {
    const [o, n] = [step.old?.inputs ?? {}, step.new?.inputs ?? {}];
    return [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k])).sort();
}

/**
 * The non-`same` steps of a preview on SourceAccountAuthorizations resources (an AggregationAuthorizations
 * component's children, one per account), sorted, each as "op name" and the regions whose authorization
 * it creates (`+region`) or deletes (`-region`): the regions the resource holds before (its recorded
 * outputs) and after (its checked inputs). An update that changes more than the regions fails here.
 */
export function plannedAccounts(steps: PreviewStep[]): string[] {
    return steps
        .filter((s) => s.op !== "same" && s.type === SOURCE_ACCOUNT_TYPE)
        .map((s) => {
            const before = (s.old?.outputs?.regions as string[] | undefined) ?? [];
            const after = s.op === "delete" ? [] : ((s.new?.inputs?.regions as string[] | undefined) ?? []);
            if (s.op === "update") assert.deepEqual(changedInputs(s), ["arns", "regions"], `${nameOf(s.urn)} changes its regions only`);
            return [
                `${s.op} ${nameOf(s.urn)}`,
                ...after.filter((r) => !before.includes(r)).map((r) => `+${r}`),
                ...before.filter((r) => !after.includes(r)).map((r) => `-${r}`),
            ].join(" ");
        })
        .sort();
}

/**
 * Runs `pulumi up` of `s` (`args`: its flags) and kills it, the CLI and every plugin it started (SIGKILL), when
 * `when` first holds for an AWS call (its operation, and how many calls of that operation the run has made), then
 * waits for it to die. The call that triggered the kill still reaches AWS: the worst case, AWS changes and the
 * state does not know. It returns once the proxy has forwarded that call and logged AWS's answer, so that what
 * AWS holds can be read at once.
 */
export async function upKilled(
    aws: AwsFixture,
    s: Stack,
    when: (operation: string, count: number) => boolean,
    args: string[] = ["--parallel", "4"],
): Promise<void> {
    const counts: Record<string, number> = {};
    const run = s.startUp(args);
    let trigger: Omit<Call, "status"> | undefined;
    aws.proxy.inject((c) => {
        counts[c.operation] = (counts[c.operation] ?? 0) + 1;
        if (!trigger && when(c.operation, counts[c.operation])) {
            trigger = c;
            run.kill();
        }
        return undefined;
    });
    const r = await run.done;
    aws.proxy.inject(undefined);
    assert.ok(trigger, "the up was killed");
    assert.notEqual(r.code, 0);
    // The proxy logs a call (a copy of the object its rule saw) once AWS answered it.
    const deadline = Date.now() + 30_000;
    while (!aws.proxy.calls.some((c) => c.operation === trigger!.operation && c.body === trigger!.body && c.params === trigger!.params)) {
        assert.ok(Date.now() < deadline, `the proxy forwarded the ${trigger.operation} that triggered the kill within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** The `error:` lines of a command's output, trimmed: what a failed preview or up told the user. */
export const errorLines = (out: string): string[] =>
    out
        .split("\n")
        .filter((l) => l.trim().startsWith("error:"))
        .map((l) => l.trim());
