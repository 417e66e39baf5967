/**
 * The operations on one authorization, which both resource types run (`AggregationAuthorization` once,
 * `SourceAccountAuthorizations` per region): thin CRUD over the AWS calls of `aws/calls.ts`, each within
 * the operation deadline; whose an authorization is, `ownership.ts` decides for every path; its tags,
 * `tag-policy.ts`; state of older versions, `state.ts`; their messages, `messages/`. Every operation is
 * given the run (`run.ts`). Also the shared parts of `check` (the preview's read of what a create would
 * meet, `previewExisting`; role and tag-count validation).
 *
 * Guarantees (README "Guarantees"): `check` validates before any AWS call. Valid inputs may then ask
 * STS for the account (the stack's credentials only, once per run, shared; a role's is its ARN's), so
 * that previews know the ARN, and a new authorization's ARN is read once, so that a preview fails as the
 * create would on one that exists (`previewExisting`); once the run has asked for a change it is no
 * preview, and the create reads for itself, off the engine's serial path. Every call that decides existence or changes
 * anything first checks that the credentials belong to the authorization's account
 * (`DeleteAggregationAuthorization` takes only the key, so this is what keeps a wrong profile from
 * deleting another account's authorization). `create` never takes over an authorization it did not
 * create unless `adoptExisting`, `takeOwnership` or a reclaim says so, and confirms after its Put that
 * AWS holds its creation's owner tag (AWS ignores the tags of a Put on an authorization that exists).
 * `read` reports another creation in its place as gone, `update` refuses it, and `delete` leaves it;
 * this resource's own creation whose owner tag was removed is proven by its creation time. A failure
 * after AWS holds the authorization is reported as a partial create with its ID, so the state always
 * knows what exists. `aws:` tags are never touched.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AggregationAuthorization } from "@aws-sdk/client-config-service";
import { deleteAuthorization, findByKey, findTagsByArn, putAuthorization, tagAuthorization, untagAuthorization } from "./aws/calls";
import type { Deadline, Target } from "./aws/client";
import type { Run } from "./run";
import {
    accountNotAllowedError,
    landedElsewhereError,
    landedOutcome,
    landsElsewhere,
    notFoundError,
    wrongAccountError,
} from "./messages/accounts";
import { controlTowerRefusal, createRefusalError, describeHolder, notOursError, raceError } from "./messages/ownership";
import {
    authorizationError,
    CHANGED_NOTHING,
    goneCause,
    isAmbiguous,
    NOT_FOUND,
    partial,
    type AuthorizationError,
    type Verb,
} from "./aws/errors";
import { buildArn, ID_FORMATS, parseArn, parseId } from "./model/id";
import { ID_ECHO_LIMIT, truncate } from "./model/redact";
import { regionFromEnvironment } from "./model/regions";
import { ownerTagOf } from "./owner";
import { CONTROL_TOWER_TAG, decide, newCreationId, reclaimedArns, type Creation, type Decision, type Facts } from "./ownership";
import { foundKeys, tagRequests, tagsEqual, type Mode, type TagPolicy } from "./tag-policy";
import { fromTagList, pickTags, tagValue } from "./model/tags";
import { isUnknown, type Inputs, type Outputs, type Tags } from "./model/types";
import { MAX_TAGS } from "./model/validate";
import { upgraded, type State } from "./state";
import { roleAccount, roleProblem, type RoleSetting } from "./aws/settings";

export const REPLACE_KEYS = ["authorizedAccountId", "authorizedAwsRegion", "region"] as const;

/** Inputs that the state carries from the program to every later call, as given. */
export const CARRIED = [
    "owner",
    "adoptExisting",
    "takeOwnership",
    "takeOwnershipFromControlTower",
    "sourceAccountId",
    "tagsMayBeSecret",
    "assumeRole",
    "assumeRoleExternalId",
] as const;

/** The role a resource's calls assume (its `assumeRole` input), with the external ID kept apart as a secret. */
export function roleOf(i: Partial<Pick<Inputs, "assumeRole" | "assumeRoleExternalId">> | undefined): RoleSetting | undefined {
    if (!i?.assumeRole) return undefined;
    return {
        roleArn: i.assumeRole.roleArn,
        ...(i.assumeRole.sessionName !== undefined ? { sessionName: i.assumeRole.sessionName } : {}),
        ...(i.assumeRoleExternalId !== undefined ? { externalId: i.assumeRoleExternalId } : {}),
    };
}

/** `to` with the carried inputs of `from`; `drop`: remove those `from` does not have. */
export function withCarried<T extends object>(to: T, from: Partial<Inputs> | undefined, drop = false): T {
    for (const k of CARRIED) {
        if (from?.[k] !== undefined) (to as Record<string, unknown>)[k] = from[k];
        else if (drop) delete (to as Record<string, unknown>)[k];
    }
    return to;
}

export function target(verb: Verb, resource: string, region: string, deadline?: Deadline, role?: RoleSetting): Target {
    return { verb, resource, region, deadline, ...(role ? { role } : {}) };
}

function modeOf(o: Pick<Outputs, "adopted" | "takenOver">): Mode {
    return o.adopted ? "adopted" : o.takenOver ? "taken" : "own";
}

/** One authorization as AWS holds it and this resource manages it. */
interface HeldAuthorization {
    arn: string;
    creationTime: Date | string | undefined;
    /** The tags it holds as this resource manages them (default tags included). */
    tagsAll: Tags;
    mode: Mode;
    /** The creation this resource owns (none when adopted). */
    creationId: string | undefined;
}

/**
 * The outputs for an authorization: inputs as applied, what the ARN says, and what AWS said.
 * `tagsAll` are the tags it holds as this resource manages them (default tags included); `tags` the
 * resource's own part of them. `creationId` is the creation this resource owns (none when adopted).
 */
function outputsOf(policy: TagPolicy, inputs: Inputs, aws: HeldAuthorization): State {
    const { arn, creationTime, tagsAll, mode, creationId } = aws;
    const parts = parseArn(arn);
    const outs: State = {
        adopted: mode === "adopted",
        authorizedAccountId: parts.authorizedAccountId,
        authorizedAwsRegion: parts.authorizedAwsRegion,
        region: parts.region,
        ...policy.shown(tagsAll, inputs.tags),
        arn,
        accountId: parts.accountId,
        creationTime: creationTime instanceof Date ? creationTime.toISOString() : (creationTime ?? ""),
    };
    withCarried(outs, inputs);
    if (mode === "taken") outs.takenOver = true;
    if (mode !== "adopted" && creationId !== undefined) outs.creationId = creationId;
    return outs;
}

/** The creation a resource's state records, for `decide`; `alsoOwner`: the owner the program gives now. */
function creationOf(o: Partial<Outputs>, alsoOwner?: string): Creation {
    return { owners: [o.owner, alsoOwner], creationId: o.creationId, creationTime: o.creationTime };
}

/** Describes an authorization by what it authorizes, for messages before its ARN is known. */
export function describeAuthorization(i: Pick<Inputs, "authorizedAccountId" | "authorizedAwsRegion" | "region">): string {
    return `an authorization for aggregator account ${i.authorizedAccountId} in ${i.authorizedAwsRegion} in source region ${i.region}`;
}

/**
 * Decides with `facts` (ownership.ts), looking up AWS's creation time of the authorization at `parts`'
 * key when the owner tag cannot answer.
 */
async function decideAt(run: Run, t: Target, parts: ReturnType<typeof parseArn>, facts: Facts): Promise<Decision> {
    const d = decide(facts);
    if (d.act !== "ask") return d;
    const found = await findByKey(run.aws, t, parts.authorizedAccountId, parts.authorizedAwsRegion);
    return decide({ ...facts, awsCreationTime: creationTimeOf(found) ?? null });
}

/** The facts of an operation on a resource whose state is `o`. */
function factsOf(op: Facts["op"], held: Tags | undefined, o: Partial<Outputs>, news?: Partial<Inputs>): Facts {
    return {
        op,
        held,
        recorded: { mode: modeOf(o), creation: creationOf(o, news?.owner) },
        ...(news ? { allow: allowOf(news, "", false) } : {}),
    };
}

/** Fails unless the credentials in use belong to `account`, the account the authorization lives in. */
async function checkAccount(run: Run, t: Target, account: string): Promise<void> {
    const actual = await run.aws.sourceAccount(t);
    if (actual !== account) throw wrongAccountError(t.verb, t.resource, run.aws.credentialsInUse(t.role), actual, account, t.role);
    checkAllowed(run, t, account);
}

/**
 * The account a create with target `t` lands in (the credentials' or the role's, `sts:GetCallerIdentity`),
 * before anything is created: it must be `sourceAccountId` when that is given, and one the stack's
 * `aws:allowedAccountIds` / `aws:forbiddenAccountIds` let it act in.
 */
export async function landingAccount(run: Run, t: Target, sourceAccountId: string | undefined): Promise<string> {
    const accountId = await run.aws.sourceAccount(t);
    if (sourceAccountId !== undefined && sourceAccountId !== accountId) {
        const why = landsElsewhere(sourceAccountId, accountId, t.role, run.aws.credentialsInUse());
        throw authorizationError("creating", t.resource, `${why} ${CHANGED_NOTHING}.`, "WrongAccount");
    }
    checkAllowed(run, t, accountId);
    return accountId;
}

/** Fails when the stack's `aws:allowedAccountIds` / `aws:forbiddenAccountIds` keep it out of `account`. */
function checkAllowed(run: Run, t: Target, account: string): void {
    const { allowedAccountIds: allowed, forbiddenAccountIds: forbidden } = run.settings;
    let why: string | undefined;
    if (allowed && !allowed.includes(account))
        why = `account ${account} is not in the aws:allowedAccountIds stack config (${allowed.join(", ")})`;
    if (forbidden && forbidden.includes(account)) why = `account ${account} is in the aws:forbiddenAccountIds stack config`;
    if (why !== undefined) throw accountNotAllowedError(t.verb, t.resource, run.aws.credentialsInUse(t.role), why);
}

/**
 * Moves the managed tags of `arn` from `olds` to `news` with the requests of `tagRequests`.
 * `applied` tracks what AWS holds, so that a failure half way can report it.
 */
async function applyTags(run: Run, t: Target, arn: string, olds: Tags, news: Tags, applied: State): Promise<void> {
    const { untag, tag } = tagRequests(arn, olds, news);
    const policy = run.tags;
    const record = (all: Tags) => Object.assign(applied, policy.shown(all, applied.tags));
    if (untag) {
        await untagAuthorization(run.aws, t, untag);
        record(pickTags(applied.tagsAll, (k) => !untag.TagKeys!.includes(k)));
    }
    if (tag) {
        await tagAuthorization(run.aws, t, tag);
        record({ ...applied.tagsAll, ...fromTagList(tag.Tags) });
    }
}

/**
 * Creates a new authorization as a new creation of this resource (a fresh creation ID in its owner
 * tag), then confirms that AWS holds that tag: a Put on an authorization that exists already succeeds
 * and ignores its tags, so when another stack or AWS Control Tower created it between the existence
 * check and the Put, it is theirs and nothing is recorded. Reports a partial create when AWS may hold
 * the authorization although a call failed.
 */
async function createNew(run: Run, t: Target, inputs: Inputs, arn: string): Promise<Outputs> {
    const creationId = newCreationId();
    const mine: Creation = { owners: [inputs.owner], creationId };
    const policy = run.tags;
    const desired = policy.inAws(policy.desired(inputs.tags), { mode: "own", owner: inputs.owner, creationId });
    let created: AggregationAuthorization;
    try {
        created = await putAuthorization(run.aws, t, inputs.authorizedAccountId, inputs.authorizedAwsRegion, desired);
    } catch (err) {
        if (!isAmbiguous(err) && (err as AuthorizationError).code !== "DeadlineExceeded") throw err;
        throw await unansweredPut(run, t, inputs, arn, mine, err as AuthorizationError, desired);
    }
    const createdArn = created.AggregationAuthorizationArn!;
    if (parseArn(createdArn).accountId !== parseArn(arn).accountId) throw await landedElsewhere(run, t, inputs, arn, createdArn, mine);
    let held: Tags | undefined;
    try {
        held = await findTagsByArn(run.aws, t, createdArn);
    } catch (err) {
        // Whose it is stays unknown: record it unconfirmed, without the creation time the Put answered
        // (a Put that lost a race answers the winner's), so that only this creation's owner tag proves it.
        throw partial(
            err as AuthorizationError,
            createdArn,
            outputsOf(policy, inputs, {
                arn: createdArn,
                creationTime: undefined,
                tagsAll: policy.held(desired, "own"),
                mode: "own",
                creationId,
            }),
        );
    }
    if (held === undefined) {
        throw authorizationError(
            "creating",
            createdArn,
            `AWS accepted the authorization, but it was gone when checked right after: something deleted it. Nothing was recorded; run \`pulumi up\` again.`,
            "ResourceNotFoundException",
        );
    }
    if (decide({ op: "confirm", held, recorded: { mode: "own", creation: mine } }).act !== "keep") {
        throw raceError(inputs.owner, createdArn, ownerTagOf(held));
    }
    return outputsOf(policy, inputs, {
        arn: createdArn,
        creationTime: created.CreationTime,
        tagsAll: policy.held(held, "own"),
        mode: "own",
        creationId,
    });
}

/**
 * The error for a Put that landed in another account than the one this create acts for. A role's
 * account is taken from its ARN, as AWS acts in it (`knownAccount`); an endpoint that does not (an
 * emulator) is caught here, by the ARN the Put answers. This creation is deleted again, so that Pulumi
 * changes nothing there, as when the account is checked before the Put.
 */
async function landedElsewhere(
    run: Run,
    t: Target,
    inputs: Inputs,
    arn: string,
    createdArn: string,
    mine: Creation,
): Promise<AuthorizationError> {
    const [expected, landed] = [parseArn(arn).accountId, parseArn(createdArn).accountId];
    let outcome: string;
    try {
        const held = await findTagsByArn(run.aws, t, createdArn);
        if (held !== undefined && decide({ op: "confirm", held, recorded: { mode: "own", creation: mine } }).act === "keep") {
            await deleteAuthorization(run.aws, t, inputs.authorizedAccountId, inputs.authorizedAwsRegion);
            outcome = landedOutcome.deleted;
        } else outcome = landedOutcome.notOurs;
    } catch (err) {
        outcome = landedOutcome.left(landed, (err as Error).message);
    }
    return landedElsewhereError(arn, run.aws.credentialsInUse(t.role), expected, createdArn, landed, outcome);
}

/**
 * The error for a Put whose answer never came (a reset connection, a 5xx, the operation's deadline):
 * AWS may hold the authorization. A look with a deadline of its own decides: this creation's ⇒ a
 * partial create records it; absent ⇒ nothing was made; the look failing too ⇒ recorded as an
 * unconfirmed creation (no creation time), which the next up confirms or creates, refresh drops when
 * absent and destroy deletes when present, so that nothing is orphaned.
 */
async function unansweredPut(
    run: Run,
    t: Target,
    inputs: Inputs,
    arn: string,
    mine: Creation,
    err: AuthorizationError,
    desired: Tags,
): Promise<AuthorizationError> {
    const policy = run.tags;
    const unconfirmed = () =>
        partial(
            err,
            arn,
            outputsOf(policy, inputs, {
                arn,
                creationTime: undefined,
                tagsAll: policy.held(desired, "own"),
                mode: "own",
                creationId: mine.creationId,
            }),
        );
    let held: Tags | undefined;
    let found: AggregationAuthorization | undefined;
    try {
        [held, found] = await run.aws.withDeadline("creating", arn, (deadline) => {
            const look = { ...t, deadline };
            return Promise.all([
                findTagsByArn(run.aws, look, arn),
                findByKey(run.aws, look, inputs.authorizedAccountId, inputs.authorizedAwsRegion),
            ]);
        });
    } catch {
        return unconfirmed();
    }
    if (held === undefined) return err;
    if (decide({ op: "confirm", held, recorded: { mode: "own", creation: mine } }).act !== "keep") return err;
    return partial(
        err,
        arn,
        outputsOf(policy, inputs, {
            arn,
            creationTime: found?.CreationTime,
            tagsAll: policy.held(held, "own"),
            mode: "own",
            creationId: mine.creationId,
        }),
    );
}

/**
 * Takes an existing authorization into this resource as `mode`: `own` (this resource's interrupted
 * create, reclaimed: its tags follow the program), `taken` (takeOwnership: the owner tag and the declared
 * keys are written, other tags it holds stay), or `adopted` (someone else's: only the declared keys are
 * managed, no owner tag is written, destroy leaves it). Owned and taken ones get a new creation ID.
 */
async function takeExisting(run: Run, t: Target, inputs: Inputs, arn: string, existing: Tags, mode: Mode): Promise<Outputs> {
    const found = await findByKey(run.aws, t, inputs.authorizedAccountId, inputs.authorizedAwsRegion);
    // ListTagsForResource answered, but the authorization itself is gone (AWS settling after a
    // delete): nothing exists to take, so create it.
    if (!found) return createNew(run, t, inputs, arn);
    const creationId = mode === "adopted" ? undefined : newCreationId();
    const policy = run.tags;
    const wanted = policy.desired(inputs.tags);
    const managed = policy.managed(mode, wanted);
    const desired = policy.inAws(wanted, { mode, owner: inputs.owner, creationId });
    // A failure half way records it with the tags it holds: the creation time proves it this
    // resource's until its owner tag is written (`decide`), and the next up converges.
    // An adopted one: the keys it held before, which its destroy never removes (a failure half way records them too).
    const foundTagKeys = mode === "adopted" ? { foundTagKeys: foundKeys(existing) } : {};
    const applied = {
        ...outputsOf(policy, inputs, {
            arn,
            creationTime: found.CreationTime,
            tagsAll: policy.held(existing, mode, wanted),
            mode,
            creationId,
        }),
        ...foundTagKeys,
    };
    try {
        await applyTags(run, t, arn, pickTags(existing, managed), desired, applied);
    } catch (err) {
        throw partial(err as AuthorizationError, arn, applied); // AWS holds it: the state must know, with the tags as they are.
    }
    return { ...outputsOf(policy, inputs, { arn, creationTime: found.CreationTime, tagsAll: wanted, mode, creationId }), ...foundTagKeys };
}

/** Records that the resource with inputs `news` is being replaced in this run: its create is the new half. */
export function markReplacing(run: Run, news: Partial<Inputs>): void {
    if (typeof news.owner === "string") run.memory.replacing.add(news.owner);
}

/** What a create of `inputs` at `arn` is allowed to do with an authorization that exists already. */
function allowOf(inputs: Partial<Inputs>, arn: string, firstCreate: boolean): Facts["allow"] {
    return {
        adoptExisting: inputs.adoptExisting === true,
        takeOwnership: inputs.takeOwnership === true,
        takeOwnershipFromControlTower: inputs.takeOwnershipFromControlTower === true,
        firstCreate,
        reclaimed: reclaimedArns().has(arn),
    };
}

/** What a create of `inputs` does with what AWS holds at `arn` (`held`): ownership.ts decides. */
function createDecision(run: Run, inputs: Inputs, arn: string, held: Tags | undefined, firstCreate: boolean): Decision {
    return decide({
        op: "create",
        held,
        owner: inputs.owner,
        allow: allowOf(inputs, arn, firstCreate && !run.memory.replacing.has(inputs.owner!)),
    });
}

/**
 * The source account a preview can know for a resource with `role` (its `assumeRole` input): the
 * role's, known without asking AWS even in a first preview; else `recorded` (the account the state
 * records, when nothing that decides it changed); else the credentials' (`sts:GetCallerIdentity`, one
 * lookup per credentials and run, shared, which check waits for until one request timeout after it
 * started: the engine's checks, one after another, share that wait). Undefined when it cannot be known
 * yet (a role not known yet; credentials the lookup failed for, with aws:skipCredentialsValidation,
 * where the create then checks the account as always); without that setting the lookup's failure is
 * thrown, so that check fails the preview with the message the up would give, as pulumi-aws's does.
 */
export async function accountInPreview(
    run: Run,
    role: Inputs["assumeRole"],
    recorded: string | undefined,
    resource: string,
    region: string,
): Promise<string | undefined> {
    if (role !== undefined) return role.roleArn === undefined || isUnknown(role.roleArn) ? undefined : roleAccount(role.roleArn);
    if (recorded !== undefined) return recorded;
    try {
        return await run.aws.withDeadline("creating", resource, (deadline) =>
            run.aws.sourceAccount(target("creating", resource, region, deadline), { waitMs: run.aws.limits.limits.requestTimeoutMs }),
        );
    } catch (err) {
        if (run.settings.skipCredentialsValidation) return undefined;
        throw err;
    }
}

/**
 * ARNs this run's `check` found absent (when, monotonic ms), by credentials and ARN. The create that
 * follows in the same run (`pulumi up` checks, then creates, in one provider process) takes the
 * finding once instead of reading again, within {@link ABSENT_FOR_MS}: its Put on an absent
 * authorization creates it, and on one created meanwhile by someone else changes nothing (AWS ignores
 * a Put's tags on one that exists), which the confirmation after the Put tells apart, recording
 * nothing (`createNew`), as for a race after the create's own read. One read per new authorization
 * fewer: three become two.
 */
const ABSENT_FOR_MS = 5 * 60 * 1000;

function absentKey(run: Run, inputs: Inputs, arn: string): string {
    return `${run.aws.identity(roleOf(inputs))} ${arn}`;
}

/** True once when this run's check found `arn` absent within {@link ABSENT_FOR_MS}. */
function tookAbsence(run: Run, inputs: Inputs, arn: string): boolean {
    const key = absentKey(run, inputs, arn);
    const seenAbsent = run.memory.seenAbsent;
    const at = seenAbsent.get(key);
    seenAbsent.delete(key);
    return at !== undefined && performance.now() - at < ABSENT_FOR_MS;
}

/**
 * What the create of a new authorization will meet, read in the preview: one ListTagsForResource by
 * ARN in its account. One that exists is judged as the create will judge it (`claim`, ownership.ts):
 * a refusal is returned to fail the preview with the create's message; an adoption or a takeover
 * returns the tags AWS will hold after the up (the tags found that stay, and the declared ones).
 */
export async function previewExisting(
    run: Run,
    inputs: Inputs,
    arn: string,
    firstCreate = true,
): Promise<{ refusal?: string; tagsAll?: Tags }> {
    const existing = await run.aws.withDeadline("creating", arn, (deadline) =>
        findTagsByArn(run.aws, target("creating", arn, inputs.region, deadline, roleOf(inputs)), arn),
    );
    if (existing === undefined) run.memory.seenAbsent.set(absentKey(run, inputs, arn), performance.now());
    if (existing === undefined || inputs.owner === undefined || isUnknown(inputs.owner)) return {};
    const d = createDecision(run, inputs, arn, existing, firstCreate);
    // This resource's own (an interrupted create, or the old half of a replacement that deletes first): the up decides.
    if (d.act === "refuse" && d.why === "interrupted") return {};
    if (d.act === "refuse")
        return { refusal: createRefusalError(describeAuthorization(inputs), arn, inputs.owner!, d.why, existing).message };
    const policy = run.tags;
    const wanted = policy.desired(inputs.tags);
    if (d.act === "take" && d.mode === "own") return { tagsAll: wanted };
    return { tagsAll: policy.shown({ ...existing, ...wanted }, inputs.tags).tagsAll };
}

/** Resolves a resource ID: an ARN, or `account:region` looked up in the source region from props or the environment. */
async function resolveId(
    run: Run,
    id: string,
    props: Partial<Outputs> | undefined,
    deadline: Deadline,
): Promise<{ arn: string; found?: AggregationAuthorization } | undefined> {
    let parsed: ReturnType<typeof parseId>;
    try {
        parsed = parseId(id);
    } catch {
        throw authorizationError(
            "reading",
            truncate(id, ID_ECHO_LIMIT),
            `unexpected ID format: ${ID_FORMATS} (AggregationAuthorization.get and pulumi import take either)`,
            "InvalidId",
        );
    }
    if ("arn" in parsed) return { arn: parsed.arn };
    const { key } = parsed;
    const region = props?.region ?? run.settings.region ?? regionFromEnvironment();
    if (!region) {
        throw authorizationError(
            "reading",
            id,
            "the source region is unknown: set the region input, the aws:region stack config, or AWS_REGION",
        );
    }
    const found = await findByKey(
        run.aws,
        target("reading", id, region, deadline, roleOf(props)),
        key.authorizedAccountId,
        key.authorizedAwsRegion,
    );
    return found?.AggregationAuthorizationArn ? { arn: found.AggregationAuthorizationArn, found } : undefined;
}

/** Check failures of the `assumeRole` input; the external ID is described, never echoed. */
export function validateRole(news: Inputs): string[] {
    if (news.assumeRole === undefined || isUnknown(news.assumeRole) || isUnknown(news.assumeRoleExternalId)) return [];
    const given = { ...news.assumeRole, ...(news.assumeRoleExternalId !== undefined ? { externalId: news.assumeRoleExternalId } : {}) };
    const problem = roleProblem("assumeRole", given);
    return problem ? [problem] : [];
}

/** With the stack's `aws:defaultTags` merged in, the tags must still fit AWS's cap (one tag is the owner's). */
export function validateMerged(run: Run, news: Inputs): string[] {
    const s = run.settings;
    if (Object.keys(s.defaultTags).length === 0 || isUnknown(news.tags)) return [];
    if (news.tags !== undefined && (typeof news.tags !== "object" || news.tags === null || Array.isArray(news.tags))) return [];
    const n = Object.keys(run.tags.desired(news.tags)).length;
    if (n <= MAX_TAGS) return [];
    return [
        `tags with the stack's aws:defaultTags make ${n} tags, but at most ${MAX_TAGS} are allowed (AWS allows 50; the owner tag takes one)`,
    ];
}

/**
 * What a change of `assumeRole` does. The source account is the role's (or, without one, the account of
 * the stack's credentials): another account is another authorization ("replace"); another role in the
 * same account changes nothing in AWS, only the state ("update"). An unknown role counts as a replace.
 */
export async function roleDiff(run: Run, id: string, olds: Outputs, news: Inputs): Promise<"replace" | "update" | undefined> {
    const before = olds.assumeRole;
    const after = news.assumeRole;
    if (isUnknown(after) || isUnknown(news.assumeRoleExternalId)) return "replace";
    const sameRole =
        before?.roleArn === after?.roleArn &&
        before?.sessionName === after?.sessionName &&
        olds.assumeRoleExternalId === news.assumeRoleExternalId;
    if (sameRole) return undefined;
    const oldAccount = id.startsWith("arn:") ? parseArn(id).accountId : (olds.accountId ?? roleAccount(before?.roleArn ?? ""));
    const region = olds.region ?? (id.startsWith("arn:") ? parseArn(id).region : news.region);
    // Without a role the account is the stack credentials' own: asked of STS only when a role is dropped.
    const newAccount = after
        ? roleAccount(after.roleArn)
        : await run.aws.withDeadline("reading", id, (deadline) => run.aws.sourceAccount(target("reading", id, region, deadline)));
    return newAccount === oldAccount ? "update" : "replace";
}

/** How a create is asked for: `firstCreate` false for a region added to a grouped resource later; `account` the one it must land in. */
export interface CreateOptions {
    firstCreate?: boolean;
    account?: string;
}

async function createAuthorization(
    run: Run,
    inputs: Inputs,
    deadline: Deadline,
    opts: CreateOptions,
): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    const t = target("creating", describeAuthorization(inputs), inputs.region, deadline, roleOf(inputs));
    if (inputs.owner === undefined) {
        throw authorizationError(
            "creating",
            t.resource,
            "the owner input is missing: create resources with the AggregationAuthorization class.",
        );
    }
    const accountId = await landingAccount(run, t, opts.account ?? inputs.sourceAccountId);
    const arn = buildArn({
        region: inputs.region,
        accountId,
        authorizedAccountId: inputs.authorizedAccountId,
        authorizedAwsRegion: inputs.authorizedAwsRegion,
    });
    t.resource = arn;
    // Just found absent by this run's check: the Put goes first, and its confirmation judges what AWS holds (createNew).
    const existing = tookAbsence(run, inputs, arn) ? undefined : await findTagsByArn(run.aws, t, arn);
    const d = createDecision(run, inputs, arn, existing, opts.firstCreate !== false);
    if (d.act === "refuse") throw createRefusalError(describeAuthorization(inputs), arn, inputs.owner!, d.why, existing!);
    const outs = d.act === "take" ? await takeExisting(run, t, inputs, arn, existing!, d.mode) : await createNew(run, t, inputs, arn);
    return { id: outs.arn, outs };
}

async function readAuthorization(
    run: Run,
    id: string,
    props: State | undefined,
    deadline: Deadline,
): Promise<pulumi.dynamic.ReadResult<Outputs>> {
    // A refresh reads a resource this provider created (its state has an ARN); `get` reads one by ID.
    const lookup = props?.arn === undefined;
    const resolved = await resolveId(run, id, props, deadline);
    if (!resolved) throw notFoundError(id, lookedIn(run, id, props));
    const { arn } = resolved;
    const parts = parseArn(arn);
    const t = target("reading", arn, parts.region, deadline, roleOf(props));
    await checkAccount(run, t, parts.accountId);
    let tags = await findTagsByArn(run.aws, t, arn);
    let found = resolved.found;
    const lookUp = async () => (found ??= await findByKey(run.aws, t, parts.authorizedAccountId, parts.authorizedAwsRegion));
    const policy = run.tags;
    if (tags === undefined || !props?.creationTime) {
        // Confirm a disappearance (or learn the creation time) by key before reporting it.
        if (!(await lookUp())) {
            if (lookup) throw notFoundError(id, lookedIn(run, id, props));
            return {};
        }
        // ListTagsForResource said "not found" but the key lookup found it (AWS still
        // settling): its tags are unknown, so keep the recorded ones rather than claim none.
        tags ??= props ? policy.inAws(props.tagsAll, { mode: modeOf(props), owner: props.owner, creationId: props.creationId }) : {};
    }
    const mode = props ? modeOf(props) : "own";
    let owner = props?.owner;
    if (!lookup) {
        let d = decide(factsOf("read", tags, props!));
        if (d.act === "ask") d = decide({ ...factsOf("read", tags, props!), awsCreationTime: creationTimeOf(await lookUp()) ?? null });
        // Not this resource's creation (another stands in its place, or another owner's tag): report it
        // gone, so that refresh drops it and no later destroy deletes it; the next up says whose it is.
        if (d.act === "leave") return {};
        if (d.act === "refuse") throw notOursError("reading", arn, d.why, tags, props!);
        // Proven by its creation time while the owner tag is gone or edited: record that AWS does not
        // hold this resource's owner tag, so that the next up writes it back (diff sees the owner change).
        if (d.act === "keep" && !d.tagged) owner = undefined;
    }
    const inputs: Inputs = withCarried(
        { authorizedAccountId: parts.authorizedAccountId, authorizedAwsRegion: parts.authorizedAwsRegion, region: parts.region },
        props,
    );
    if (owner === undefined) delete inputs.owner;
    if (props?.tags !== undefined) inputs.tags = props.tags;
    const heldAll = policy.held(tags, mode, props?.tagsAll);
    const outs = outputsOf(policy, inputs, {
        arn,
        creationTime: found?.CreationTime ?? props?.creationTime,
        tagsAll: heldAll,
        mode,
        creationId: props?.creationId,
    });
    if (props?.foundTagKeys !== undefined) outs.foundTagKeys = props.foundTagKeys;
    // The inputs of the next diff are what AWS holds, so that after a refresh that found drift,
    // `pulumi preview --diff` names the tag keys the next up restores or removes (in tags, and in tagsAll
    // unless a value may be a secret, as check previews them).
    const { creationTime: _c, adopted: _a, tagsAll: held, creationId: _i, takenOver: _o, foundTagKeys: _f, ...asInputs } = outs;
    if (props?.tagsMayBeSecret !== true && held !== undefined) (asInputs as Partial<Outputs>).tagsAll = held;
    return { id: arn, props: outs, ...(lookup ? {} : { inputs: asInputs as Outputs }) };
}

/** Where `get` looked for `id`: the ARN's account and region, else the region in the account of the credentials. */
function lookedIn(run: Run, id: string, props: Partial<Outputs> | undefined): string {
    if (id.startsWith("arn:")) return `account ${parseArn(id).accountId}, source region ${parseArn(id).region}`;
    const credentials = run.aws.credentialsInUse(roleOf(props));
    return `source region ${props?.region ?? regionFromEnvironment()} of the account of the credentials in use (${credentials})`;
}

/** The creation time of a found authorization, ISO-8601. */
function creationTimeOf(found: AggregationAuthorization | undefined): string | undefined {
    return found?.CreationTime === undefined ? undefined : new Date(found.CreationTime).toISOString();
}

async function updateAuthorization(
    run: Run,
    id: string,
    olds: State,
    news: Inputs,
    deadline: Deadline,
): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
    const parts = parseArn(id);
    const t = target("updating", id, parts.region, deadline, roleOf(news));
    await checkAccount(run, t, parts.accountId);
    const held = await findTagsByArn(run.aws, t, id);
    const wasMode = modeOf(olds);
    const d = await decideAt(run, t, parts, factsOf("update", held, olds, news));
    if (d.act === "create") return { outs: await createNew(run, t, news, id) }; // an unconfirmed create that AWS never applied
    if (d.act === "leave" && d.why === "gone") throw authorizationError("updating", id, goneCause(), NOT_FOUND);
    if (d.act === "refuse" && d.why === "control-tower") throw authorizationError("updating", id, controlTowerRefusal(), "ControlTower");
    if (d.act === "leave" || d.act === "refuse") throw notOursError("updating", id, d.why, held, olds);
    // takeOwnership on an adopted authorization makes it this resource's own (migration), keeping the
    // tags it holds that the program does not declare.
    const mode = d.act === "take" ? "taken" : wasMode;
    const creationId = mode === "adopted" ? undefined : (olds.creationId ?? newCreationId());
    const policy = run.tags;
    const wanted = policy.desired(news.tags);
    const next: Outputs = withCarried({ ...olds, ...policy.shown(wanted, news.tags) }, news, true);
    next.adopted = mode === "adopted";
    if (mode === "taken") next.takenOver = true;
    if (creationId !== undefined) next.creationId = creationId;
    // An unconfirmed create, now proven by its owner tag: learn its creation time, the proof once the tag is gone.
    if (!olds.creationTime && d.act === "keep")
        next.creationTime = creationTimeOf(await findByKey(run.aws, t, parts.authorizedAccountId, parts.authorizedAwsRegion)) ?? "";
    const oldAll = olds.tagsAll;
    // An adopted authorization's tags it held before adoption stay when the program stops declaring them.
    const found = new Set(mode === "adopted" ? (olds.foundTagKeys ?? []) : []);
    const managedKeys = policy.managed(mode, oldAll, wanted);
    const managed = (k: string) => managedKeys(k) && !(found.has(k) && tagValue(wanted, k) === undefined);
    const owner = news.owner ?? olds.owner;
    const desired = policy.inAws(wanted, { mode, owner, creationId });
    const heldAll = policy.held(held!, wasMode, oldAll);
    const applied: State = { ...olds, ...policy.shown(heldAll, olds.tags) };
    try {
        await applyTags(run, t, id, pickTags(held!, managed), desired, applied);
    } catch (err) {
        throw partial(err as AuthorizationError, id, applied);
    }
    return { outs: next };
}

async function deleteOwned(run: Run, id: string, props: State, deadline: Deadline): Promise<void> {
    if (props.adopted) return releaseAdopted(run, id, props, deadline); // Not created by this stack: left in AWS (README, "Adopting").
    const parts = parseArn(id);
    const t = target("deleting", id, parts.region, deadline, roleOf(props));
    await checkAccount(run, t, parts.accountId);
    const held = await findTagsByArn(run.aws, t, id);
    const d = await decideAt(run, t, parts, factsOf("delete", held, props));
    // Gone already, or another creation stands in its place (another owner's tag, or another creation
    // time): not ours to delete. Leave it, and say so (README, "Guarantees").
    if (d.act === "leave") {
        if (d.why !== "gone") {
            run.notice(
                `left ${id} in AWS: it is not this resource's creation (${describeHolder(ownerTagOf(held!))}), so the stack no longer records it and nothing was deleted.`,
            );
        }
        return;
    }
    // Not provably ours, not provably someone else's: fail, naming it, rather than report a delete.
    if (d.act === "refuse") throw notOursError("deleting", id, d.why, held, props);
    await deleteAuthorization(run.aws, t, parts.authorizedAccountId, parts.authorizedAwsRegion);
}

/**
 * The delete of an adopted authorization: it stays in AWS (this stack did not create it), and the tags
 * this resource set on it go, as they would if the program stopped declaring them; a tag someone changed
 * since, and AWS Control Tower's own tag, stay. What it did is told in a notice, since a delete has no
 * result to show (README "Adopting an existing authorization").
 */
async function releaseAdopted(run: Run, id: string, props: State, deadline: Deadline): Promise<void> {
    const parts = parseArn(id);
    const t = target("deleting", id, parts.region, deadline, roleOf(props));
    const left = `left the adopted authorization ${id} in AWS (this stack did not create it)`;
    await checkAccount(run, t, parts.accountId);
    const held = await findTagsByArn(run.aws, t, id);
    if (held === undefined) return run.notice(`${left}; it is gone from AWS already.`);
    if (decide(factsOf("delete", held, props)).act === "leave") {
        return run.notice(`${left}; removed no tag: ${describeHolder(ownerTagOf(held))} now, and its tags are that resource's.`);
    }
    const policy = run.tags;
    const set = policy.inAws(props.tagsAll, { mode: "adopted" });
    const managed = policy.managed("adopted", set);
    const keys = Object.keys(set)
        .filter((k) => managed(k) && tagValue(held, k) !== undefined)
        .sort();
    const changed = keys.filter((k) => tagValue(held, k) !== set[k]);
    // Tags it held before this stack adopted it stay (recorded since this version; older state has no record).
    const found = new Set(props.foundTagKeys ?? []);
    const before = keys.filter((k) => found.has(k) && !changed.includes(k) && k !== CONTROL_TOWER_TAG);
    const remove = keys.filter((k) => !changed.includes(k) && k !== CONTROL_TOWER_TAG && !found.has(k));
    if (remove.length) await untagAuthorization(run.aws, t, { ResourceArn: id, TagKeys: remove });
    run.notice(
        `${left}` +
            (remove.length
                ? `; removed the tags this resource set on it: ${remove.join(", ")}`
                : keys.length
                  ? "; removed no tag"
                  : "; it holds no tag this resource set") +
            (changed.length ? `; kept ${changed.join(", ")}, changed outside Pulumi since this resource set them` : "") +
            (before.length ? `; kept ${before.join(", ")}, held before this stack adopted it` : "") +
            (keys.includes(CONTROL_TOWER_TAG) && !changed.includes(CONTROL_TOWER_TAG)
                ? `; kept ${CONTROL_TOWER_TAG}, AWS Control Tower's own tag`
                : "") +
            ".",
    );
}

/**
 * The operations on one authorization, as `AggregationAuthorization` runs them and as
 * `SourceAccountAuthorizations` runs them per region: each within the operation deadline, on state of
 * any version (`upgraded`).
 */
/** What changes for one authorization: key inputs replace; tags, flags, owner and a role in the same account update in place. */
export async function diffOne(run: Run, id: string, recorded: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    const olds = upgraded(id, recorded);
    const old: Record<string, unknown> = { ...olds };
    const replaces: string[] = REPLACE_KEYS.filter((k) => isUnknown(news[k]) || old[k] !== news[k]);
    const roleChange = await roleDiff(run, id, olds, news);
    if (roleChange === "replace") replaces.push("assumeRole");
    const policy = run.tags;
    const inPlace =
        roleChange === "update" ||
        isUnknown(news.tags) ||
        !tagsEqual(olds.tagsAll, policy.desired(news.tags)) ||
        !tagsEqual(olds.tags, policy.shown(policy.desired(news.tags), news.tags).tags) ||
        (olds.adoptExisting ?? false) !== (news.adoptExisting ?? false) ||
        (olds.takeOwnership ?? false) !== (news.takeOwnership ?? false) ||
        (olds.takeOwnershipFromControlTower ?? false) !== (news.takeOwnershipFromControlTower ?? false) ||
        olds.sourceAccountId !== news.sourceAccountId ||
        (news.owner !== undefined && olds.owner !== news.owner);
    // The create of the new half must know it is one (takeOwnership is for a first create only).
    if (replaces.length > 0) markReplacing(run, news);
    return { changes: replaces.length > 0 || inPlace, replaces };
}

/** Creates one authorization (or takes over, adopts or reclaims an existing one, as its inputs say). */
export function createOne(run: Run, inputs: Inputs, opts: CreateOptions = {}): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    run.markChanging();
    return run.aws.withDeadline("creating", describeAuthorization(inputs), (deadline) => createAuthorization(run, inputs, deadline, opts));
}

/** Reads one authorization: a refresh (with its state) or a lookup by ID (`get`). */
export function readOne(run: Run, id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
    return run.aws.withDeadline("reading", id, (deadline) => readAuthorization(run, id, props && upgraded(id, props), deadline));
}

/** Updates one authorization's tags in place (and its ownership, for takeOwnership of an adopted one). */
export function updateOne(run: Run, id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
    run.markChanging();
    return run.aws.withDeadline("updating", id, (deadline) => updateAuthorization(run, id, upgraded(id, olds), news, deadline));
}

/** Deletes one authorization if it is this resource's creation; leaves an adopted one (removing the tags it set). */
export function deleteOne(run: Run, id: string, props: Outputs): Promise<void> {
    run.markChanging();
    markReplacing(run, props);
    return run.aws.withDeadline("deleting", id, (deadline) => deleteOwned(run, id, upgraded(id, props), deadline));
}
