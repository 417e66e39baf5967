/**
 * The dynamic provider of `SourceAccountAuthorizations`: one resource holds one source account's
 * authorizations for one aggregator, one per source region, so that an organization of 300 accounts ×
 * 17 regions is 300 resources in the engine, not 5,100 (the engine writes the whole state after every
 * step: its cost grows with the square of the number of resources; BENCHMARKS.md "Organization").
 *
 * Each region's authorization is managed by the single resource's own operations (`../provider`:
 * create, read, update, delete, diff), so every promise of `AggregationAuthorization` holds per region
 * unchanged: ownership per creation (ownership.ts), the account check, `aws:` tags untouched, default
 * and ignore tags, adopt and take-ownership, deadlines, partial creates. What this module adds:
 * - the regions as a set: adding one creates exactly that authorization, removing one deletes exactly
 *   that one (an in-place update); a tag change updates every region in place; another aggregator or
 *   another account replaces the resource;
 * - partial failure: when some regions fail, the regions that succeeded are recorded (Pulumi's partial
 *   create or update) and the failures are reported together, each with its region; the next up
 *   finishes the rest;
 * - a compact state: per region only the ARN, the creation time and the creation ID, plus what differs
 *   from the common view (`RegionRecord`).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    CARRIED,
    accountInPreview,
    landingAccount,
    createOne,
    deleteOne,
    diffOne,
    previewExisting,
    readOne,
    roleOf,
    target,
    markReplacing,
    validateMerged,
    updateOne,
    validateRole,
} from "../core/authorization";
import { showingInputChanges } from "../core/input-changes";
import { fixedElsewhere, landsElsewhere } from "../core/messages/accounts";
import type { ProviderProcess, Run } from "../core/run";
import { authorizationError, isAuthorizationError, operationError, partial, type AuthorizationError, type Verb } from "../core/aws/errors";
import { byCause, gist, sameAs } from "../core/causes";
import { buildArn } from "../core/model/id";
import { regionFromEnvironment } from "../core/model/regions";
import { PROCESS_CONCURRENCY, REGION_CONCURRENCY } from "../core/aws/limits";
import { roleAccount } from "../core/aws/settings";
import { tagsEqual, type TagPolicy } from "../core/tag-policy";
import { isUnknown, UNKNOWN, type Inputs, type Outputs, type Tags } from "../core/model/types";
import { accountIdOf, validate, validateRegions } from "../core/model/validate";
import type { RegionRecord, SourceAccountInputs, SourceAccountOutputs } from "./types";

export { PROCESS_CONCURRENCY, REGION_CONCURRENCY };

/** The resource type, as messages name it. */
const KIND = "SourceAccountAuthorizations";

/** The single resource's inputs for `region`. */
export function regionInputs(i: SourceAccountInputs, region: string): Inputs {
    const out: Inputs = { authorizedAccountId: i.authorizedAccountId, authorizedAwsRegion: i.authorizedAwsRegion, region };
    if (i.tags !== undefined) out.tags = i.tags;
    for (const k of CARRIED) if (i[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = i[k];
    return out;
}

/** The single resource's state for `region` of a resource whose state is `o`. */
export function regionState(o: SourceAccountOutputs, region: string): Outputs {
    const ex = o.exceptions?.[region] ?? {};
    const out: Outputs = {
        ...regionInputs(o, region),
        tags: ex.tags ?? o.tags ?? {},
        tagsAll: ex.tagsAll ?? o.tagsAll,
        arn: o.arns[region],
        accountId: o.accountId,
        creationTime: o.creationTimes[region] ?? "",
        adopted: ex.adopted === true,
    };
    if (ex.ownerTagMissing) delete out.owner;
    if (ex.owner !== undefined) out.owner = ex.owner;
    if (o.creationIds[region] !== undefined) out.creationId = o.creationIds[region];
    if (ex.takenOver) out.takenOver = true;
    if (ex.foundTagKeys) out.foundTagKeys = ex.foundTagKeys;
    return out;
}

/** Records `state` (the single resource's outputs) as `region`'s authorization in `o`; `undefined` removes it. */
export function record(o: SourceAccountOutputs, region: string, state: Outputs | undefined): void {
    const exceptions = (o.exceptions ??= {});
    delete exceptions[region];
    if (state === undefined) {
        delete o.arns[region];
        delete o.creationTimes[region];
        delete o.creationIds[region];
    } else {
        o.arns[region] = state.arn;
        o.creationTimes[region] = state.creationTime;
        if (state.creationId !== undefined) o.creationIds[region] = state.creationId;
        else delete o.creationIds[region];
        const ex: RegionRecord = {};
        if (state.adopted) ex.adopted = true;
        if (state.takenOver) ex.takenOver = true;
        if (state.foundTagKeys !== undefined) ex.foundTagKeys = state.foundTagKeys;
        if (!tagsEqual(state.tagsAll ?? state.tags, o.tagsAll)) ex.tagsAll = state.tagsAll ?? state.tags ?? {};
        if (!tagsEqual(state.tags, o.tags)) ex.tags = state.tags ?? {};
        if (state.owner === undefined && o.owner !== undefined) ex.ownerTagMissing = true;
        // A region whose owner tag still names the resource's old owner (an update renaming it failed there).
        if (state.owner !== undefined && state.owner !== o.owner) ex.owner = state.owner;
        if (Object.keys(ex).length) exceptions[region] = ex;
    }
    if (Object.keys(exceptions).length === 0) delete o.exceptions;
    o.regions = Object.keys(o.arns).sort();
}

/** A copy of state of any version, its maps present and its own, so that `record` can change it. */
function upgradedAccount(o: SourceAccountOutputs): SourceAccountOutputs {
    return {
        ...o,
        arns: { ...o.arns },
        creationTimes: { ...o.creationTimes },
        creationIds: { ...o.creationIds },
        ...(o.exceptions ? { exceptions: { ...o.exceptions } } : {}),
        tagsAll: o.tagsAll ?? {},
    };
}

/** The resource's ID: its source account, and the aggregator its authorizations are for. */
function accountResourceId(accountId: string, i: Pick<SourceAccountInputs, "authorizedAccountId" | "authorizedAwsRegion">): string {
    return `${accountId}/${i.authorizedAccountId}/${i.authorizedAwsRegion}`;
}

/** How messages name a resource before and after its account is known. */
function describe(i: Pick<SourceAccountInputs, "authorizedAccountId" | "authorizedAwsRegion">, accountId?: string): string {
    const source = accountId ? `account ${accountId}` : "the source account";
    return `${KIND} of ${source} for aggregator account ${i.authorizedAccountId} in ${i.authorizedAwsRegion}`;
}

/** The account IDs of `i` given as 12-digit numbers, as their strings, so that state and comparisons see one form. */
function asAccountIds(i: SourceAccountInputs): Partial<SourceAccountInputs> {
    const out: Partial<SourceAccountInputs> = {};
    const aggregator = accountIdOf(i.authorizedAccountId);
    if (aggregator !== undefined) out.authorizedAccountId = aggregator;
    const source = i.sourceAccountId === undefined ? undefined : accountIdOf(i.sourceAccountId);
    if (source !== undefined) out.sourceAccountId = source;
    return out;
}

/** The `tags` and `tagsAll` recorded for authorizations that hold what a resource with `tags` wants (the common view). */
function applied(policy: TagPolicy, tags: Tags | undefined): { tags: Tags; tagsAll: Tags } {
    return policy.shown(policy.desired(tags), tags);
}

/** The outputs of a resource with inputs `i` in `accountId`: no region recorded, or those of `from` (its state before). */
function emptyOutputs(policy: TagPolicy, i: SourceAccountInputs, accountId: string, from?: SourceAccountOutputs): SourceAccountOutputs {
    const { arns: _a, tagsAll: _t, accountId: _i, ...inputs } = i;
    const o: SourceAccountOutputs = {
        ...inputs,
        ...applied(policy, i.tags),
        accountId,
        arns: {},
        creationTimes: {},
        creationIds: {},
    };
    if (from) {
        o.arns = { ...from.arns };
        o.creationTimes = { ...from.creationTimes };
        o.creationIds = { ...from.creationIds };
        if (from.exceptions) o.exceptions = { ...from.exceptions };
    }
    o.regions = Object.keys(o.arns).sort();
    return o;
}

/**
 * The region of a resource whose STS endpoint its account lookup asks (the stack's credentials only: a
 * role's account is its ARN's): the stack's aws:region wins (client.ts), else the runner's (AWS_REGION)
 * when it is one of `regions`, else the first.
 */
function lookupRegion(regions: readonly string[]): string {
    const home = regionFromEnvironment();
    return home !== undefined && regions.includes(home) ? home : regions[0];
}

/** The key of a resource's reads started by `check` (Memory.readsAhead): its role and the ARNs of its regions. */
const aheadKey = (i: SourceAccountInputs) =>
    `${i.assumeRole?.roleArn ?? ""} ${Object.values(i.arns ?? {})
        .sort()
        .join(" ")}`;

/** Waits for the reads `check` started for these inputs (Memory.readsAhead), if it did. */
async function readsStarted(run: Run, inputs: SourceAccountInputs): Promise<void> {
    const key = aheadKey(inputs);
    const ahead = run.memory.readsAhead.get(key);
    run.memory.readsAhead.delete(key);
    await ahead;
}

type Outcome<T> = { region: string; ok: true; value: T } | { region: string; ok: false; error: AuthorizationError };

/**
 * Runs `fn` for every region, at most {@link REGION_CONCURRENCY} at once (and {@link PROCESS_CONCURRENCY}
 * across all resources); every outcome, in region order.
 */
export async function eachRegion<T>(run: Run, regions: readonly string[], fn: (region: string) => Promise<T>): Promise<Outcome<T>[]> {
    const out: Outcome<T>[] = new Array(regions.length);
    let next = 0;
    const worker = async () => {
        while (next < regions.length) {
            const i = next++;
            const region = regions[i];
            try {
                out[i] = { region, ok: true, value: await run.gate.run(() => fn(region)) };
            } catch (err) {
                out[i] = { region, ok: false, error: asAuthorizationError(err) };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(REGION_CONCURRENCY, regions.length) }, worker));
    return out;
}

function asAuthorizationError(err: unknown): AuthorizationError {
    return isAuthorizationError(err) ? err : operationError(String((err as Error)?.message ?? err));
}

/**
 * One error for the regions that failed, after a line that says what happened to the others: each
 * cause once, with the regions it hit and the message of the first (it names the ARN, the cause and
 * what to do); a cause that another resource of the run told whole already, as a line pointing there.
 */
function regionsFailed(
    run: Run,
    verb: Verb,
    resource: string,
    failed: Outcome<unknown>[],
    total: number,
    recorded: string,
): AuthorizationError {
    const errors = failed.map((f) => (f as Extract<Outcome<unknown>, { ok: false }>).error);
    const codes = new Set(errors.map((e) => e.code));
    const subject = `${verb} ${resource}`;
    const groups = byCause(failed.map((f, i) => ({ region: f.region, message: errors[i].message }))).map((g) => ({
        ...g,
        teller: run.told.teller(g.key, subject),
    }));
    const regions = failed.map((f) => f.region).join(", ");
    const head = `${subject}: ${failed.length} of ${total} regions failed (${regions}); ${recorded}`;
    const code = codes.size === 1 ? [...codes][0] : undefined;
    // One cause another resource told whole: one line, so that 40 accounts read as 40 lines.
    if (groups.length === 1 && groups[0].teller !== undefined) {
        return operationError(`${head} The cause: ${gist(groups[0].message)}: ${sameAs(groups[0].teller)}`, code);
    }
    const lines = groups.map(({ regions, message, teller }) =>
        teller === undefined ? `  ${regions.join(", ")}: ${message}` : `  ${regions.join(", ")}: ${gist(message)}: ${sameAs(teller)}`,
    );
    return operationError(`${head}\n${lines.join("\n")}`, code);
}

/** Check failures of `news`, each naming its input; none for values not known yet. */
function problems(run: Run, news: SourceAccountInputs): string[] {
    const one = regionInputs(news, UNKNOWN);
    const options = { skipRegionValidation: run.settings.skipRegionValidation };
    return [
        ...run.aws.limits.problems,
        ...validate(one as unknown as Record<string, unknown>, options).map((f) => f.reason),
        ...validateRegions("regions", news.regions, options).map((f) => f.reason),
        ...validateRole(one),
        ...validateMerged(run, one),
    ];
}

const REPLACE_KEYS = ["authorizedAccountId", "authorizedAwsRegion"] as const;

/** The provider of `SourceAccountAuthorizations` in `host`, the provider process whose run every operation is given. */
export const sourceAccountProvider = (host: ProviderProcess): pulumi.dynamic.ResourceProvider<SourceAccountInputs, SourceAccountOutputs> =>
    showingInputChanges({
        configure: (req) => host.configure(req),

        async check(olds: SourceAccountInputs, given: SourceAccountInputs): Promise<pulumi.dynamic.CheckResult<SourceAccountInputs>> {
            const news: SourceAccountInputs = { ...given, ...asAccountIds(given) };
            const fail = (reasons: string[]) => ({
                inputs: news,
                failures: reasons.map((reason) => ({ property: "", reason: host.told.tell(reason) })),
            });
            const refusal = host.refusal();
            if (refusal) return fail([refusal.message]);
            const run = host.current();
            const invalid = problems(run, news);
            if (invalid.length) return fail(invalid);
            // One order, so that state, diffs and previews see one form.
            if (!isUnknown(news.regions)) news.regions = [...news.regions].sort();
            if (REPLACE_KEYS.some((k) => isUnknown(news[k])) || isUnknown(news.regions)) return { inputs: news };
            const old = olds as Partial<SourceAccountOutputs>;
            const held = old.arns ?? {};
            // The account is fixed at the first create: a region added later is asked where the credentials act
            // (one lookup per credentials and run); otherwise the recorded account stays while no role decides it.
            const fixed = Object.keys(held).length > 0 ? old.accountId : undefined;
            const adding = news.regions.some((r) => held[r] === undefined);
            let accountId: string | undefined;
            try {
                accountId = await accountInPreview(
                    run,
                    news.assumeRole,
                    adding ? undefined : fixed,
                    describe(news),
                    lookupRegion(news.regions),
                );
            } catch (err) {
                return fail([(err as Error).message]);
            }
            const expected = news.sourceAccountId;
            const roleArn = news.assumeRole?.roleArn;
            if (expected !== undefined && !isUnknown(expected) && accountId !== undefined && accountId !== expected) {
                return fail([landsElsewhere(expected, accountId, roleArn ? { roleArn } : undefined, run.aws.credentialsInUse())]);
            }
            const moved = expected !== undefined && !isUnknown(expected) && expected !== fixed;
            if (fixed !== undefined && accountId !== undefined && accountId !== fixed && !moved) {
                return fail([fixedElsewhere(describe(news, fixed), fixed, accountId, roleArn, run.aws.credentialsInUse())]);
            }
            const showTags = news.tagsMayBeSecret !== true && !isUnknown(news.tags);
            if (showTags) news.tagsAll = run.tags.desired(news.tags);
            if (accountId === undefined) return { inputs: news };
            news.accountId = accountId;
            news.arns = Object.fromEntries(news.regions.map((region) => [region, buildArn({ ...news, region, accountId })]));
            // The regions this resource does not hold yet: what would each create meet? (One read each, all at once, as the
            // single resource's preview.) Once the run has asked for a change it is no preview: each create reads for itself.
            const added = news.regions.filter((r) => held[r] !== news.arns![r]);
            const first = fixed === undefined || moved;
            const reads = () => eachRegion(run, added, (r) => previewExisting(run, regionInputs(news, r), news.arns![r], first));
            // Once the run has asked for a change it is no preview: the create refuses on its own, so check waits for
            // nothing (the engine runs checks one at a time); the reads start now, for the create to take (readsAhead).
            if (run.isChanging) {
                if (added.length) run.memory.readsAhead.set(aheadKey(news), reads());
                return { inputs: news };
            }
            const found = await reads();
            // One failure per cause, naming the regions it hit.
            const refusals = byCause(
                found.flatMap((f) => {
                    const message = f.ok ? f.value.refusal : run.settings.skipCredentialsValidation ? undefined : f.error.message;
                    return message === undefined ? [] : [{ region: f.region, message }];
                }),
            );
            if (refusals.length) return fail(refusals.map((g) => `regions: ${g.regions.join(", ")}: ${g.message}`));
            return { inputs: news };
        },

        async diff(_id: string, recorded: SourceAccountOutputs, news: SourceAccountInputs): Promise<pulumi.dynamic.DiffResult> {
            const run = host.current();
            const olds = upgradedAccount(recorded);
            const replaces = new Set<string>(REPLACE_KEYS.filter((k) => isUnknown(news[k]) || olds[k] !== news[k]));
            // The account is fixed at the first create: declaring another one moves the resource there.
            if (news.sourceAccountId !== undefined && (isUnknown(news.sourceAccountId) || news.sourceAccountId !== olds.accountId))
                replaces.add("sourceAccountId");
            const held = Object.keys(olds.arns).sort();
            const wanted = isUnknown(news.regions) ? undefined : news.regions;
            let changes = wanted === undefined || held.join(",") !== [...wanted].sort().join(",");
            // Each region the resource keeps is compared as the single resource compares it: tags, flags, owner, role.
            for (const region of held) {
                if (wanted !== undefined && !wanted.includes(region)) continue;
                const d = await diffOne(run, olds.arns[region], regionState(olds, region), regionInputs(news, region));
                for (const k of d.replaces ?? []) if (k !== "region") replaces.add(k);
                changes ||= d.changes === true || !olds.creationTimes[region];
            }
            // The create of the new half must know it is one (takeOwnership is for a first create only).
            if (replaces.size > 0) markReplacing(run, news);
            return { changes: changes || replaces.size > 0, replaces: [...replaces] };
        },

        async create(inputs: SourceAccountInputs): Promise<pulumi.dynamic.CreateResult<SourceAccountOutputs>> {
            const run = host.current();
            const resource = describe(inputs);
            if (inputs.owner === undefined) {
                throw authorizationError("creating", resource, `the owner input is missing: create resources with the ${KIND} class.`);
            }
            const regions = [...inputs.regions].sort();
            const t = target("creating", resource, lookupRegion(regions), undefined, roleOf(inputs));
            const accountId = await run.tellingOnce(
                run.aws.withDeadline("creating", resource, async (deadline) => {
                    // Messages name the account once it is known: the role's, or the credentials' (asked of STS).
                    const known = roleAccount(inputs.assumeRole?.roleArn ?? "");
                    return landingAccount(
                        run,
                        { ...t, deadline, resource: known ? describe(inputs, known) : resource },
                        inputs.sourceAccountId,
                    );
                }),
            );
            const id = accountResourceId(accountId, inputs);
            const outs = emptyOutputs(run.tags, inputs, accountId);
            await readsStarted(run, inputs);
            const done = await eachRegion(run, regions, (region) => createOne(run, regionInputs(inputs, region)));
            for (const d of done) {
                if (d.ok) record(outs, d.region, d.value.outs);
                else if (d.error.properties) record(outs, d.region, d.error.properties as Outputs);
            }
            const failed = done.filter((d) => !d.ok);
            if (failed.length === 0) return { id, outs };
            const kept = Object.keys(outs.arns);
            const what = describe(inputs, accountId);
            if (kept.length === 0)
                throw regionsFailed(run, "creating", what, failed, regions.length, "AWS holds none of them; nothing was recorded.");
            throw partial(
                regionsFailed(
                    run,
                    "creating",
                    what,
                    failed,
                    regions.length,
                    `the state records the ${kept.length} that AWS holds (${kept.join(", ")}); the next \`pulumi up\` creates the rest.`,
                ),
                id,
                outs,
            );
        },

        async read(id: string, props?: SourceAccountOutputs): Promise<pulumi.dynamic.ReadResult<SourceAccountOutputs>> {
            if (props?.arns === undefined) {
                throw authorizationError(
                    "reading",
                    id,
                    `${KIND} cannot be read by ID alone (\`get\`, \`pulumi import\`): declare it with adoptExisting: true to manage the tags of authorizations ` +
                        `made outside Pulumi, or takeOwnership: true to migrate them; AggregationAuthorization.get reads one authorization by ARN.`,
                    "InvalidId",
                );
            }
            const run = host.current();
            const olds = upgradedAccount(props);
            const held = Object.keys(olds.arns).sort();
            const read = await eachRegion(run, held, (region) => readOne(run, olds.arns[region], regionState(olds, region)));
            const failed = read.filter((r) => !r.ok);
            if (failed.length)
                throw regionsFailed(run, "reading", describe(olds, olds.accountId), failed, held.length, "the state is unchanged.");
            const outs = olds; // its own copy (upgradedAccount): each region's view was taken above
            for (const r of read) if (r.ok) record(outs, r.region, r.value.props);
            if (Object.keys(outs.arns).length === 0) return {}; // every region's authorization is gone (or another's): the next up creates them
            // The inputs of the next diff: what AWS holds, so that after a refresh that found a region gone the preview names it.
            const { creationTimes: _t, creationIds: _i, exceptions: _e, ...inputs } = outs;
            if (props.tagsMayBeSecret === true) delete (inputs as Partial<SourceAccountOutputs>).tagsAll;
            // A region whose owner tag is missing: the preview shows `owner` to be written back, as the single resource's does.
            if (Object.values(outs.exceptions ?? {}).some((e) => e.ownerTagMissing)) delete (inputs as Partial<SourceAccountOutputs>).owner;
            return { id, props: outs, inputs: inputs as SourceAccountOutputs };
        },

        async update(
            id: string,
            recorded: SourceAccountOutputs,
            news: SourceAccountInputs,
        ): Promise<pulumi.dynamic.UpdateResult<SourceAccountOutputs>> {
            const run = host.current();
            const olds = upgradedAccount(recorded);
            const outs = emptyOutputs(run.tags, news, olds.accountId, olds);
            const held = Object.keys(olds.arns).sort();
            const wanted = [...news.regions].sort();
            const all = [...new Set([...held, ...wanted])].sort();
            await readsStarted(run, news);
            // Per region: gone from the program ⇒ delete; new ⇒ create; kept ⇒ update when the single resource's diff says so.
            const done = await eachRegion(run, all, async (region): Promise<Outputs | undefined> => {
                if (!wanted.includes(region)) {
                    await deleteOne(run, olds.arns[region], regionState(olds, region));
                    return undefined;
                }
                // takeOwnership is for the first create; the account is the one that create landed in.
                if (!held.includes(region))
                    return (await createOne(run, regionInputs(news, region), { firstCreate: false, account: olds.accountId })).outs;
                const before = regionState(olds, region);
                const after = regionInputs(news, region);
                const d = await diffOne(run, olds.arns[region], before, after);
                // An unconfirmed create (its Put unanswered) is confirmed, or made, by the update.
                if (!d.changes && before.creationTime) return { ...before, ...after, arn: before.arn, creationTime: before.creationTime };
                return (await updateOne(run, olds.arns[region], before, after)).outs;
            });
            // Recorded against the new common view: a region that failed keeps what AWS holds.
            for (const d of done) {
                if (d.ok) record(outs, d.region, d.value);
                else if (d.error.properties) record(outs, d.region, d.error.properties as Outputs);
                else if (held.includes(d.region)) record(outs, d.region, regionState(olds, d.region));
                else record(outs, d.region, undefined);
            }
            const failed = done.filter((d) => !d.ok);
            if (failed.length === 0) return { outs };
            throw partial(
                regionsFailed(
                    run,
                    "updating",
                    describe(news, olds.accountId),
                    failed,
                    all.length,
                    `the state records what AWS holds for every region; the next \`pulumi up\` retries the rest.`,
                ),
                id,
                outs,
            );
        },

        async delete(_id: string, props: SourceAccountOutputs): Promise<void> {
            const run = host.current();
            const olds = upgradedAccount(props);
            const held = Object.keys(olds.arns).sort();
            const done = await eachRegion(run, held, (region) => deleteOne(run, olds.arns[region], regionState(olds, region)));
            const failed = done.filter((d) => !d.ok);
            if (failed.length) {
                throw regionsFailed(
                    run,
                    "deleting",
                    describe(olds, olds.accountId),
                    failed,
                    held.length,
                    `the others are deleted (or left, when not this resource's); the resource stays in the state, and the next \`pulumi destroy\` retries.`,
                );
            }
        },
    });
