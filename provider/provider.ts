/**
 * The dynamic provider: thin CRUD methods over the lookups in `aws.ts`; whose an authorization is,
 * `ownership.ts` decides for every path.
 *
 * Guarantees (README "Guarantees"): `check` validates before any AWS call. Valid inputs may then ask
 * STS for the account (once per credentials and region and run, shared), so that previews know the
 * ARN, and a new authorization's ARN is read once, so that a preview fails as the create would on one
 * that exists (`withIdentity`, `previewExisting`). Every call that decides existence or changes
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
import { deleteAuthorization, findByKey, findTagsByArn, putAuthorization, tagAuthorization, untagAuthorization } from "./aws";
import {
    configureSettings,
    credentialsInUse,
    currentLimits,
    currentSettings,
    refuseSettings,
    settingsRefusal,
    sourceAccount,
    withDeadline,
    type Deadline,
    type Target,
} from "./client";
import { authorizationError, goneCause, isAmbiguous, NOT_FOUND, partial, type AuthorizationError, type Verb } from "./errors";
import { buildArn, ID_FORMATS, parseArn, parseId } from "./id";
import { KNOBS } from "./limits";
import { ID_ECHO_LIMIT, truncate } from "./redact";
import { notice } from "./notice";
import { regionFromEnvironment } from "./regions";
import { describeOwner, ownerTagOf } from "./owner";
import {
    carriesOwner,
    claim,
    CONTROL_TOWER_TAG,
    controlTowerGuard,
    describeHolder,
    newCreationId,
    ownerTagValue,
    pulumiOwnedAdvice,
    reclaimedArns,
    standing,
    tagNamesCreation,
    type Claim,
    type Creation,
    type Standing,
} from "./ownership";
import { fromTagList, isAwsReserved, pickTags, tagRequests, tagsEqual, tagValue, userTags, withOwner } from "./tags";
import { isUnknown, OWNER_TAG, type Inputs, type Outputs, type Tags } from "./types";
import { MAX_TAGS, accountIdOf, validate } from "./validate";
import { upgraded, type State } from "./state";
import { isIgnored, mergedTags, ownTags, parseSettings, roleAccount, roleProblem, type RoleSetting } from "./settings";

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

/** How a resource holds its authorization: created (or reclaimed), taken over with takeOwnership, or adopted. */
type Mode = "own" | "taken" | "adopted";

function modeOf(o: Pick<Outputs, "adopted" | "takenOver">): Mode {
    return o.adopted ? "adopted" : o.takenOver ? "taken" : "own";
}

/**
 * The outputs for an authorization: inputs as applied, what the ARN says, and what AWS said.
 * `tagsAll` are the tags it holds as this resource manages them (default tags included); `tags` the
 * resource's own part of them. `creationId` is the creation this resource owns (none when adopted).
 */
function outputsOf(
    inputs: Inputs,
    arn: string,
    creationTime: Date | string | undefined,
    tagsAll: Tags,
    mode: Mode,
    creationId: string | undefined,
): State {
    const parts = parseArn(arn);
    const s = currentSettings();
    const all = pickTags(tagsAll, (k) => !isIgnored(s, k));
    const outs: State = {
        adopted: mode === "adopted",
        authorizedAccountId: parts.authorizedAccountId,
        authorizedAwsRegion: parts.authorizedAwsRegion,
        region: parts.region,
        tags: ownTags(s, all, inputs.tags),
        tagsAll: all,
        arn,
        accountId: parts.accountId,
        creationTime: creationTime instanceof Date ? creationTime.toISOString() : (creationTime ?? ""),
    };
    withCarried(outs, inputs);
    if (mode === "taken") outs.takenOver = true;
    if (mode !== "adopted" && creationId !== undefined) outs.creationId = creationId;
    return outs;
}

/**
 * Which of an authorization's tags a resource manages. One it created: every tag but AWS's own `aws:`
 * tags (the owner tag included). One it adopted: only the keys the program declares (`declared`),
 * so that tags someone else set (AWS Control Tower's, CloudFormation's) stay as they are. One it took
 * over: the declared keys and the owner tag; the tags it found stay unless the program declares them.
 */
function managedKeys(mode: Mode, ...declared: (Tags | undefined)[]): (key: string) => boolean {
    const s = currentSettings();
    const isDeclared = (k: string) => declared.some((d) => tagValue(d, k) !== undefined);
    if (mode === "own") return (k) => !isAwsReserved(k) && !isIgnored(s, k);
    if (mode === "taken") return (k) => !isAwsReserved(k) && !isIgnored(s, k) && (k === OWNER_TAG || isDeclared(k));
    return (k) => !isAwsReserved(k) && !isIgnored(s, k) && k !== OWNER_TAG && isDeclared(k);
}

/** The tags a resource with `tags` wants AWS to hold: `aws:defaultTags` under them, `aws:ignoreTags` left out. */
export function desiredTags(tags: Tags | undefined): Tags {
    return mergedTags(currentSettings(), tags);
}

/** The `tags` and `tagsAll` a resource with `tags` records for an authorization it created and AWS holds as desired. */
export function appliedTags(tags: Tags | undefined): { tags: Tags; tagsAll: Tags } {
    const all = desiredTags(tags);
    return { tags: ownTags(currentSettings(), all, tags), tagsAll: all };
}

/** The tags AWS holds for a resource in state, as far as it manages them. */
function awsTagsOf(o: State): Tags {
    const all = o.tagsAll;
    return o.adopted || o.owner === undefined ? { ...all } : withOwner(all, ownerTagValue(o.owner, o.creationId));
}

/** The creation a resource's state records, for `standing`; `alsoOwner`: the owner the program gives now. */
function creationOf(o: Partial<Outputs>, alsoOwner?: string): Creation {
    return { owners: [o.owner, alsoOwner], creationId: o.creationId, creationTime: o.creationTime };
}

/** Describes an authorization by what it authorizes, for messages before its ARN is known. */
function describeAuthorization(i: Pick<Inputs, "authorizedAccountId" | "authorizedAwsRegion" | "region">): string {
    return `an authorization for aggregator account ${i.authorizedAccountId} in ${i.authorizedAwsRegion} in source region ${i.region}`;
}

/** The message for a Put that lost a race: AWS kept another creator's authorization (and ignored our tags). */
function raceError(inputs: Inputs, arn: string, winner: string | undefined): AuthorizationError {
    const who = winner
        ? `the Pulumi resource ${describeOwner(winner).readable} created it at the same moment`
        : `someone outside Pulumi (AWS Control Tower, another tool or a person) created it at the same moment`;
    return authorizationError(
        "creating",
        arn,
        `${who}, and AWS kept theirs (it ignores the tags of a Put on an authorization that exists). ` +
            `This resource does not manage it and recorded nothing. ` +
            (winner
                ? pulumiOwnedAdvice(inputs.owner, winner)
                : `Set adoptExisting: true to manage its tags from this resource, or remove this resource.`),
        "AlreadyExists",
    );
}

/** The message for `AggregationAuthorization.get` of an authorization that does not exist. */
function notFoundError(id: string, props: Partial<Outputs> | undefined): AuthorizationError {
    const where = id.startsWith("arn:")
        ? `account ${parseArn(id).accountId}, source region ${parseArn(id).region}`
        : `source region ${props?.region ?? regionFromEnvironment()} of the account of the credentials in use (${credentialsInUse(roleOf(props))})`;
    return authorizationError(
        "reading",
        id,
        `no such authorization in ${where}. Check the ID (an ARN, or authorizedAccountId:authorizedAwsRegion looked up in the region argument of get) and the credentials.`,
        "ResourceNotFoundException",
    );
}

/**
 * The message for an authorization at this resource's ARN that is not provably its creation (`standing`
 * says `replaced` or `unproven`); `recorded` is the resource's state, whose owner tag value an unproven
 * one is told to put back.
 */
function notOursError(verb: Verb, arn: string, st: Exclude<Standing, { kind: "ours" }>, recorded: Partial<Outputs>): AuthorizationError {
    const holder = describeHolder(st.holder);
    if (st.kind === "replaced") {
        return authorizationError(
            verb,
            arn,
            `this resource no longer owns the authorization: AWS holds another creation of it (${holder}, and its creation time is not the recorded ` +
                `${recorded.creationTime}): the one this resource created was deleted, and another made in its place. Pulumi changed nothing. ` +
                `Run \`pulumi refresh\` to drop it from this stack's state; the next \`pulumi up\` then says how to manage it.`,
            "NotOwned",
        );
    }
    const tag = recorded.owner === undefined ? undefined : ownerTagValue(recorded.owner, recorded.creationId);
    return authorizationError(
        verb,
        arn,
        `cannot prove that this resource owns the authorization: ${holder}, and the state records no creation time to compare with AWS's. ` +
            `Pulumi changed nothing. If it is this resource's (its owner tag was removed or edited), put the tag back` +
            (tag ? ` (${OWNER_TAG}=${tag})` : "") +
            ` and run the command again; if it is not, drop it from this stack's state with \`pulumi state delete <urn>\` (\`pulumi stack --show-urns\` lists the URNs).`,
        "NotOwned",
    );
}

/** Fails unless the credentials in use belong to `account`, the account the authorization lives in. */
async function checkAccount(t: Target, account: string): Promise<void> {
    const actual = await sourceAccount(t);
    const nothing = t.verb === "reading" ? "Pulumi read nothing and changed nothing" : "Pulumi changed nothing";
    if (actual !== account) {
        const fix = t.role
            ? `Give this resource's assumeRole a role in account ${account}.`
            : `Run with credentials for account ${account} (the aws:profile stack config or AWS_PROFILE).`;
        throw authorizationError(
            t.verb,
            t.resource,
            `the credentials in use (${credentialsInUse(t.role)}) belong to account ${actual}, but this authorization lives in account ${account}. ` +
                `${nothing}: an authorization for the same aggregator in account ${actual} is a different one. ${fix}`,
            "WrongAccount",
        );
    }
    checkAllowed(t, account, nothing);
}

/** Fails when the stack's `aws:allowedAccountIds` / `aws:forbiddenAccountIds` keep it out of `account`. */
export function checkAllowed(t: Target, account: string, nothing = "Pulumi changed nothing"): void {
    const { allowedAccountIds: allowed, forbiddenAccountIds: forbidden } = currentSettings();
    let why: string | undefined;
    if (allowed && !allowed.includes(account))
        why = `account ${account} is not in the aws:allowedAccountIds stack config (${allowed.join(", ")})`;
    if (forbidden && forbidden.includes(account)) why = `account ${account} is in the aws:forbiddenAccountIds stack config`;
    if (why === undefined) return;
    throw authorizationError(
        t.verb,
        t.resource,
        `${why}, and the credentials in use (${credentialsInUse(t.role)}) act in it. ${nothing}. ` +
            `Use credentials (or an assumeRole) for an allowed account, or change the setting if this account is meant to be managed.`,
        "AccountNotAllowed",
    );
}

/** Why an authorization would land in `actual` when `sourceAccountId` declares `expected`. */
export function landsElsewhere(expected: string, actual: string, role: RoleSetting | undefined): string {
    const by = role ? `the role ${role.roleArn} acts` : `the credentials in use (${credentialsInUse()}) act`;
    return (
        `sourceAccountId is ${expected}, but ${by} in account ${actual}: the authorization would land in account ${actual}, ` +
        `where an aggregator expecting account ${expected} would never find it. ` +
        (role
            ? `Give the source a role in account ${expected}.`
            : `Run with credentials for account ${expected}, or give the source an assumeRole in it.`)
    );
}

/**
 * Moves the managed tags of `arn` from `olds` to `news` with the requests of `tagRequests`.
 * `applied` tracks what AWS holds, so that a failure half way can report it.
 */
async function applyTags(t: Target, arn: string, olds: Tags, news: Tags, applied: State): Promise<void> {
    const { untag, tag } = tagRequests(arn, olds, news);
    const record = (all: Tags) => {
        applied.tagsAll = all;
        applied.tags = ownTags(currentSettings(), all, applied.tags);
    };
    if (untag) {
        await untagAuthorization(t, untag);
        record(pickTags(applied.tagsAll, (k) => !untag.TagKeys!.includes(k)));
    }
    if (tag) {
        await tagAuthorization(t, tag);
        record(userTags({ ...applied.tagsAll, ...fromTagList(tag.Tags) }));
    }
}

/**
 * Creates a new authorization as a new creation of this resource (a fresh creation ID in its owner
 * tag), then confirms that AWS holds that tag: a Put on an authorization that exists already succeeds
 * and ignores its tags, so when another stack or AWS Control Tower created it between the existence
 * check and the Put, it is theirs and nothing is recorded. Reports a partial create when AWS may hold
 * the authorization although a call failed.
 */
async function createNew(t: Target, inputs: Inputs, arn: string): Promise<Outputs> {
    const creationId = newCreationId();
    const mine: Creation = { owners: [inputs.owner], creationId };
    const desired = withOwner(desiredTags(inputs.tags), ownerTagValue(inputs.owner!, creationId));
    let created: AggregationAuthorization;
    try {
        created = await putAuthorization(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion, desired);
    } catch (err) {
        if (!isAmbiguous(err)) throw err;
        // The Put may have been applied before the connection failed. If AWS holds it now with this
        // creation's owner tag, it is ours: tell Pulumi, so that nothing is orphaned.
        const held = await findTagsByArn(t, arn).catch(() => undefined);
        if (held === undefined || !tagNamesCreation(held, mine)) throw err;
        const found = await findByKey(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion).catch(() => undefined);
        throw partial(err as AuthorizationError, arn, outputsOf(inputs, arn, found?.CreationTime, userTags(held), "own", creationId));
    }
    const createdArn = created.AggregationAuthorizationArn!;
    let held: Tags | undefined;
    try {
        held = await findTagsByArn(t, createdArn);
    } catch (err) {
        // Whose it is stays unknown: record it (read and delete ask `standing` before acting).
        throw partial(
            err as AuthorizationError,
            createdArn,
            outputsOf(inputs, createdArn, created.CreationTime, userTags(desired), "own", creationId),
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
    if (!tagNamesCreation(held, mine)) throw raceError(inputs, createdArn, ownerTagOf(held));
    return outputsOf(inputs, createdArn, created.CreationTime, userTags(held), "own", creationId);
}

/**
 * Takes an existing authorization into this resource as `mode`: `own` (this resource's interrupted
 * create, reclaimed: its tags follow the program), `taken` (takeOwnership: the owner tag and the declared
 * keys are written, other tags it holds stay), or `adopted` (someone else's: only the declared keys are
 * managed, no owner tag is written, destroy leaves it). Owned and taken ones get a new creation ID.
 */
async function takeExisting(t: Target, inputs: Inputs, arn: string, existing: Tags, mode: Mode): Promise<Outputs> {
    const found = await findByKey(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion);
    // ListTagsForResource answered, but the authorization itself is gone (AWS settling after a
    // delete): nothing exists to take, so create it.
    if (!found) return createNew(t, inputs, arn);
    const creationId = mode === "adopted" ? undefined : newCreationId();
    const wanted = desiredTags(inputs.tags);
    const managed = managedKeys(mode, wanted);
    const desired = creationId === undefined ? wanted : withOwner(wanted, ownerTagValue(inputs.owner!, creationId));
    // A failure half way records it with the tags it holds: the creation time proves it this
    // resource's until its owner tag is written (`standing`), and the next up converges.
    // An adopted one: the keys it held before, which its destroy never removes (a failure half way records them too).
    const foundTagKeys = mode === "adopted" ? { foundTagKeys: Object.keys(userTags(existing)).sort() } : {};
    const applied = {
        ...outputsOf(inputs, arn, found.CreationTime, userTags(pickTags(existing, managed)), mode, creationId),
        ...foundTagKeys,
    };
    try {
        await applyTags(t, arn, pickTags(existing, managed), desired, applied);
    } catch (err) {
        throw partial(err as AuthorizationError, arn, applied); // AWS holds it: the state must know, with the tags as they are.
    }
    return { ...outputsOf(inputs, arn, found.CreationTime, wanted, mode, creationId), ...foundTagKeys };
}

/**
 * Owners whose resources are being replaced in this run (recorded by `diff`): the create of the new
 * half does not apply `takeOwnership`, a one-shot migration for a resource's first create.
 */
const replacing = new Set<string>();

/** Decides what a create does with an authorization that exists already (`existing` are its tags): `ownership.ts`. */
function claimExisting(t: Target, inputs: Inputs, arn: string, existing: Tags): Promise<Outputs> {
    const decision = claimFor(inputs, arn, existing);
    switch (decision.kind) {
        case "own":
            return takeExisting(t, inputs, arn, existing, decision.reason === "reclaimed" ? "own" : "taken");
        case "adopt":
            return takeExisting(t, inputs, arn, existing, "adopted");
        case "refuse":
            throw authorizationError("creating", arn, decision.why, "AlreadyExists");
    }
}

/** The `claim` of ownership.ts for a create of `inputs` meeting an authorization with tags `existing`. */
function claimFor(inputs: Inputs, arn: string, existing: Tags): Claim {
    return claim(existing, {
        owner: inputs.owner!,
        arn,
        what: describeAuthorization(inputs),
        adoptExisting: inputs.adoptExisting === true,
        takeOwnership: inputs.takeOwnership === true,
        takeOwnershipFromControlTower: inputs.takeOwnershipFromControlTower === true,
        replacing: replacing.has(inputs.owner!),
        reclaim: reclaimedArns(),
    });
}

/**
 * The checked inputs, with the `arn` and `accountId` that the authorization has (or will have) when
 * they can be known. A dynamic provider does not take part in previews: the engine previews an
 * update's outputs as its checked inputs, so anything missing from them (the ARN, the source account)
 * would be unknown to every resource that depends on it, and a tag change would preview dependents as
 * replaced. The ARN is kept from the previous inputs while the keys it is made of stay the same; a new
 * or replaced authorization gets it from the source account (`sts:GetCallerIdentity`: one lookup per
 * credentials and region and run, shared with every create and remembered, failure included; check waits
 * for it until one request timeout after it started, a wait the engine's checks, one after another, share). A no-change preview makes no AWS call. When the account cannot be learned, the error is thrown
 * (check fails the preview with the message the up would give), unless aws:skipCredentialsValidation
 * lets the inputs go on without it.
 */
async function withIdentity(olds: Partial<Outputs>, news: Inputs): Promise<Inputs> {
    if (REPLACE_KEYS.some((k) => isUnknown(news[k]))) return news;
    const identity = (arn: string): Inputs => ({ ...news, arn, accountId: parseArn(arn).accountId }) as Inputs;
    // With a role, the source account is the role's: known without asking AWS, even in a first preview.
    if (news.assumeRole !== undefined) {
        const roleArn = news.assumeRole.roleArn;
        const accountId = roleArn === undefined || isUnknown(roleArn) ? undefined : roleAccount(roleArn);
        return accountId === undefined ? news : identity(buildArn({ ...news, accountId }));
    }
    if (typeof olds.arn === "string" && !isUnknown(olds.arn) && olds.assumeRole === undefined) {
        const parts = parseArn(olds.arn);
        if (REPLACE_KEYS.every((k) => parts[k] === news[k])) return identity(olds.arn);
    }
    try {
        const resource = describeAuthorization(news);
        const accountId = await withDeadline("creating", resource, (deadline) =>
            // Shared by every resource of the run that waits on the same (credentials, region), up to one request timeout.
            sourceAccount(target("creating", resource, news.region, deadline), { waitMs: currentLimits().limits.requestTimeoutMs }),
        );
        return identity(buildArn({ ...news, accountId }));
    } catch (err) {
        // Credentials the up could not use fail the preview too, as pulumi-aws's do; aws:skipCredentialsValidation
        // lets the preview go on without the ARN (the create then checks the account, as always).
        if (currentSettings().skipCredentialsValidation) return news;
        throw err;
    }
}

/**
 * What the create of a new authorization will meet, read in the preview: one ListTagsForResource by
 * ARN in its account. One that exists is judged as the create will judge it (`claim`, ownership.ts):
 * a refusal is returned to fail the preview with the create's message; an adoption or a takeover
 * returns the tags AWS will hold after the up (the tags found that stay, and the declared ones).
 */
export async function previewExisting(inputs: Inputs, arn: string): Promise<{ refusal?: string; tagsAll?: Tags }> {
    const existing = await withDeadline("creating", arn, (deadline) =>
        findTagsByArn(target("creating", arn, inputs.region, deadline, roleOf(inputs)), arn),
    );
    if (existing === undefined || inputs.owner === undefined || isUnknown(inputs.owner)) return {};
    // This resource's own (an interrupted create, or the old half of a replacement that deletes first): the up decides.
    if (carriesOwner(existing, inputs.owner)) return {};
    const decision = claimFor(inputs, arn, existing);
    if (decision.kind === "refuse") return { refusal: authorizationError("creating", arn, decision.why).message };
    const wanted = desiredTags(inputs.tags);
    if (decision.kind === "own" && decision.reason === "reclaimed") return { tagsAll: wanted };
    const s = currentSettings();
    return { tagsAll: { ...userTags(pickTags(existing, (k) => !isIgnored(s, k))), ...wanted } };
}

/** Resolves a resource ID: an ARN, or `account:region` looked up in the source region from props or the environment. */
async function resolveId(
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
    const region = props?.region ?? currentSettings().region ?? regionFromEnvironment();
    if (!region) {
        throw authorizationError(
            "reading",
            id,
            "the source region is unknown: set the region input, the aws:region stack config, or AWS_REGION",
        );
    }
    const found = await findByKey(target("reading", id, region, deadline, roleOf(props)), key.authorizedAccountId, key.authorizedAwsRegion);
    return found?.AggregationAuthorizationArn ? { arn: found.AggregationAuthorizationArn, found } : undefined;
}

/** The stack config keys `configure` reads: `aws:profile`, `aws:skipRegionValidation`, `aws:skipCredentialsValidation`, and this package's timeouts. */
export function stackSettings(config: { get(key: string): unknown }) {
    const own: Record<string, unknown> = {};
    for (const knob of Object.values(KNOBS)) {
        if (knob.config !== undefined && config.get(knob.config) !== undefined) own[knob.config] = config.get(knob.config);
    }
    const isTrue = (v: unknown) => v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
    return {
        profile: (config.get("aws:profile") as string | undefined) || undefined,
        skipRegionValidation: isTrue(config.get("aws:skipRegionValidation")),
        skipCredentialsValidation: isTrue(config.get("aws:skipCredentialsValidation")),
        config: own,
    };
}

/** Check failures of the `assumeRole` input; the external ID is described, never echoed. */
export function validateRole(news: Inputs): string[] {
    if (news.assumeRole === undefined || isUnknown(news.assumeRole) || isUnknown(news.assumeRoleExternalId)) return [];
    const given = { ...news.assumeRole, ...(news.assumeRoleExternalId !== undefined ? { externalId: news.assumeRoleExternalId } : {}) };
    const problem = roleProblem("assumeRole", given);
    return problem ? [problem] : [];
}

/** With the stack's `aws:defaultTags` merged in, the tags must still fit AWS's cap (one tag is the owner's). */
export function validateMerged(news: Inputs): string[] {
    const s = currentSettings();
    if (Object.keys(s.defaultTags).length === 0 || isUnknown(news.tags)) return [];
    if (news.tags !== undefined && (typeof news.tags !== "object" || news.tags === null || Array.isArray(news.tags))) return [];
    const n = Object.keys(desiredTags(news.tags)).length;
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
export async function roleDiff(id: string, olds: Outputs, news: Inputs): Promise<"replace" | "update" | undefined> {
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
        : await withDeadline("reading", id, (deadline) => sourceAccount(target("reading", id, region, deadline)));
    return newAccount === oldAccount ? "update" : "replace";
}

/** The settings the provider process last applied, so that a second resource type's configure in the same run keeps the run's replacements. */
let configuredWith: string | undefined;

/**
 * Configures the provider process from the stack's config. Every resource type of this package shares
 * the process and its settings, and the engine configures each type's provider module when it first
 * meets it, which may be after the other type's diffs recorded the run's replacements: those are
 * forgotten only when the settings change (a new run in the same process, as in the provider tests).
 */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    // Bad settings (AWS_MAX_ATTEMPTS=abc, a timeout out of range) are not thrown here: the host
    // would report them once, then use the provider unconfigured. `check` fails every resource
    // with them, and every AWS call refuses to run with them (refresh and destroy skip check).
    let settings: Parameters<typeof configureSettings>[0];
    try {
        settings = { ...parseSettings((key) => req.config.get(key)), ...stackSettings(req.config) };
    } catch (err) {
        // The host keeps using this provider for the next resources: every one must fail too.
        configuredWith = undefined;
        refuseSettings(err as Error);
        throw err;
    }
    const given = JSON.stringify(settings);
    if (given !== configuredWith) replacing.clear();
    configuredWith = given;
    configureSettings(settings);
}

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
    configure,

    async check(olds: Inputs, given: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        // An authorizedAccountId given as a 12-digit number (from a JavaScript program or JSON config)
        // is checked and recorded as its 12-digit string, so state, diffs and AWS calls see one form.
        const account = accountIdOf(given.authorizedAccountId);
        const news: Inputs = account === undefined ? given : { ...given, authorizedAccountId: account };
        // Failures go to the engine without a property: for a named property Pulumi prints that
        // property's whole value next to the reason (pkg/resource/deploy/step_generator.go,
        // issueCheckFailures: "property %v value %v has a problem"), which for `tags` is the whole
        // map, secret values in plain text, and for any input a value of any length. Each reason
        // names its input instead.
        const refusal = settingsRefusal();
        if (refusal) return { inputs: news, failures: [{ property: "", reason: refusal.message }] };
        const problems = currentLimits().problems.map((reason) => ({ property: "", reason }));
        const invalid = validate(news as unknown as Record<string, unknown>, {
            skipRegionValidation: currentSettings().skipRegionValidation,
        }).map((f) => ({ property: "", reason: f.reason }));
        const roles = [...validateRole(news), ...validateMerged(news)].map((reason) => ({ property: "", reason }));
        const failures = [...problems, ...invalid, ...roles];
        if (failures.length) return { inputs: news, failures };
        const fail = (reason: string) => ({ inputs: news, failures: [{ property: "", reason }] });
        let checked: Inputs & Partial<Pick<Outputs, "arn" | "accountId" | "tagsAll">>;
        try {
            checked = { ...(await withIdentity(olds as Partial<Outputs>, news)) };
        } catch (err) {
            return fail((err as Error).message); // unusable credentials: the message the up would give
        }
        // The account it would land in, where known now (a role's, the credentials', or the existing ARN's).
        const lands = checked.accountId;
        const expected = news.sourceAccountId;
        if (expected !== undefined && !isUnknown(expected) && lands !== undefined && !isUnknown(lands) && lands !== expected) {
            const roleArn = news.assumeRole?.roleArn;
            return fail(landsElsewhere(expected, lands, roleArn ? { roleArn } : undefined));
        }
        // The tags AWS will hold, so that a preview shows them (default tags included) and names the keys a
        // change of aws:defaultTags or aws:ignoreTags changes. Left out when a value may be a secret.
        const showTags = news.tagsMayBeSecret !== true && !isUnknown(news.tags);
        if (showTags) checked.tagsAll = desiredTags(news.tags);
        // A new authorization: does one exist already? The create would meet it; the preview says so now.
        if ((olds as Partial<Outputs>).arn === undefined && typeof checked.arn === "string" && !isUnknown(checked.arn)) {
            try {
                const found = await previewExisting(checked, checked.arn);
                if (found.refusal) return fail(found.refusal);
                if (found.tagsAll && showTags) checked.tagsAll = found.tagsAll;
            } catch (err) {
                if (!currentSettings().skipCredentialsValidation) return fail((err as Error).message);
            }
        }
        return { inputs: checked };
    },

    async diff(id: string, recorded: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const olds = upgraded(id, recorded);
        const old: Record<string, unknown> = { ...olds };
        const replaces: string[] = REPLACE_KEYS.filter((k) => isUnknown(news[k]) || old[k] !== news[k]);
        const roleChange = await roleDiff(id, olds, news);
        if (roleChange === "replace") replaces.push("assumeRole");
        const s = currentSettings();
        const inPlace =
            roleChange === "update" ||
            isUnknown(news.tags) ||
            !tagsEqual(olds.tagsAll, desiredTags(news.tags)) ||
            !tagsEqual(
                olds.tags,
                pickTags(news.tags, (k) => !isIgnored(s, k)),
            ) ||
            (olds.adoptExisting ?? false) !== (news.adoptExisting ?? false) ||
            (olds.takeOwnership ?? false) !== (news.takeOwnership ?? false) ||
            (olds.takeOwnershipFromControlTower ?? false) !== (news.takeOwnershipFromControlTower ?? false) ||
            olds.sourceAccountId !== news.sourceAccountId ||
            (news.owner !== undefined && olds.owner !== news.owner);
        // The create of the new half must know it is one (takeOwnership is for a first create only).
        if (replaces.length > 0 && news.takeOwnership === true && typeof news.owner === "string") replacing.add(news.owner);
        return { changes: replaces.length > 0 || inPlace, replaces };
    },

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        return withDeadline("creating", describeAuthorization(inputs), (deadline) => createAuthorization(inputs, deadline));
    },

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        return withDeadline("reading", id, (deadline) => readAuthorization(id, props && upgraded(id, props), deadline));
    },

    async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        return withDeadline("updating", id, (deadline) => updateAuthorization(id, upgraded(id, olds), news, deadline));
    },

    async delete(id: string, props: Outputs): Promise<void> {
        return withDeadline("deleting", id, (deadline) => deleteOwned(id, upgraded(id, props), deadline));
    },
};

export async function createAuthorization(inputs: Inputs, deadline: Deadline): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    const t = target("creating", describeAuthorization(inputs), inputs.region, deadline, roleOf(inputs));
    if (inputs.owner === undefined) {
        throw authorizationError(
            "creating",
            t.resource,
            "the owner input is missing: create resources with the AggregationAuthorization class.",
        );
    }
    const accountId = await sourceAccount(t);
    if (inputs.sourceAccountId !== undefined && inputs.sourceAccountId !== accountId) {
        throw authorizationError(
            "creating",
            t.resource,
            landsElsewhere(inputs.sourceAccountId, accountId, t.role) + " Pulumi changed nothing.",
            "WrongAccount",
        );
    }
    checkAllowed(t, accountId);
    const arn = buildArn({
        region: inputs.region,
        accountId,
        authorizedAccountId: inputs.authorizedAccountId,
        authorizedAwsRegion: inputs.authorizedAwsRegion,
    });
    t.resource = arn;
    const existing = await findTagsByArn(t, arn);
    const outs = existing === undefined ? await createNew(t, inputs, arn) : await claimExisting(t, inputs, arn, existing);
    return { id: outs.arn, outs };
}

export async function readAuthorization(
    id: string,
    props: State | undefined,
    deadline: Deadline,
): Promise<pulumi.dynamic.ReadResult<Outputs>> {
    // A refresh reads a resource this provider created (its state has an ARN); `get` reads one by ID.
    const lookup = props?.arn === undefined;
    const resolved = await resolveId(id, props, deadline);
    if (!resolved) throw notFoundError(id, props);
    const { arn } = resolved;
    const parts = parseArn(arn);
    const t = target("reading", arn, parts.region, deadline, roleOf(props));
    await checkAccount(t, parts.accountId);
    let tags = await findTagsByArn(t, arn);
    let found = resolved.found;
    const lookUp = async () => (found ??= await findByKey(t, parts.authorizedAccountId, parts.authorizedAwsRegion));
    if (tags === undefined || !props?.creationTime) {
        // Confirm a disappearance (or learn the creation time) by key before reporting it.
        if (!(await lookUp())) {
            if (lookup) throw notFoundError(id, props);
            return {};
        }
        // ListTagsForResource said "not found" but the key lookup found it (AWS still
        // settling): its tags are unknown, so keep the recorded ones rather than claim none.
        tags ??= props ? awsTagsOf(props) : {};
    }
    const mode = props ? modeOf(props) : "own";
    let owner = props?.owner;
    if (!lookup && mode !== "adopted") {
        const st = await standing(tags, creationOf(props!), async () => creationTimeOf(await lookUp()));
        // Another creation stands where this resource's was: the one it created is gone, and what stands
        // in its place is someone else's. Report it gone, so that refresh drops it and no later destroy
        // deletes it; the next up then says whose it is.
        if (st.kind === "replaced") return {};
        if (st.kind === "unproven") throw notOursError("reading", arn, st, props!);
        // Proven by its creation time while the owner tag is gone or edited: record that AWS does not
        // hold this resource's owner tag, so that the next up writes it back (diff sees the owner change).
        if (!st.tagged) owner = undefined;
    }
    const inputs: Inputs = withCarried(
        { authorizedAccountId: parts.authorizedAccountId, authorizedAwsRegion: parts.authorizedAwsRegion, region: parts.region },
        props,
    );
    if (owner === undefined) delete inputs.owner;
    if (props?.tags !== undefined) inputs.tags = props.tags;
    const shown = userTags(pickTags(tags, managedKeys(mode, props?.tagsAll)));
    const outs = outputsOf(inputs, arn, found?.CreationTime ?? props?.creationTime, shown, mode, props?.creationId);
    if (props?.foundTagKeys !== undefined) outs.foundTagKeys = props.foundTagKeys;
    // The inputs of the next diff are what AWS holds, so that after a refresh that found drift,
    // `pulumi preview --diff` names the tag keys the next up restores or removes (in tags, and in tagsAll
    // unless a value may be a secret, as check previews them).
    const { creationTime: _c, adopted: _a, tagsAll: held, creationId: _i, takenOver: _o, foundTagKeys: _f, ...asInputs } = outs;
    if (props?.tagsMayBeSecret !== true && held !== undefined) (asInputs as Partial<Outputs>).tagsAll = held;
    return { id: arn, props: outs, ...(lookup ? {} : { inputs: asInputs as Outputs }) };
}

/** The creation time of a found authorization, ISO-8601. */
function creationTimeOf(found: AggregationAuthorization | undefined): string | undefined {
    return found?.CreationTime === undefined ? undefined : new Date(found.CreationTime).toISOString();
}

/** The creation time AWS reports for the authorization with ARN parts `parts` (a paged lookup by key), for `standing`. */
async function creationTimeAt(t: Target, parts: ReturnType<typeof parseArn>): Promise<string | undefined> {
    return creationTimeOf(await findByKey(t, parts.authorizedAccountId, parts.authorizedAwsRegion));
}

export async function updateAuthorization(
    id: string,
    olds: State,
    news: Inputs,
    deadline: Deadline,
): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
    const parts = parseArn(id);
    const t = target("updating", id, parts.region, deadline, roleOf(news));
    await checkAccount(t, parts.accountId);
    const held = await findTagsByArn(t, id);
    if (held === undefined) {
        throw authorizationError("updating", id, goneCause(), NOT_FOUND);
    }
    const wasMode = modeOf(olds);
    if (wasMode !== "adopted") {
        const st = await standing(held, creationOf(olds, news.owner), () => creationTimeAt(t, parts));
        if (st.kind !== "ours") throw notOursError("updating", id, st, olds);
    }
    // takeOwnership on an adopted authorization makes it this resource's own (migration), keeping the
    // tags it holds that the program does not declare; never one of AWS Control Tower's unless told.
    let mode = wasMode;
    if (wasMode === "adopted" && news.takeOwnership === true) {
        const refusal = controlTowerGuard(held, news.takeOwnershipFromControlTower === true);
        if (refusal) throw authorizationError("updating", id, `the authorization ${refusal}`, "ControlTower");
        mode = "taken";
    }
    const creationId = mode === "adopted" ? undefined : (olds.creationId ?? newCreationId());
    const wanted = desiredTags(news.tags);
    const next: Outputs = withCarried({ ...olds, tags: ownTags(currentSettings(), wanted, news.tags), tagsAll: wanted }, news, true);
    next.adopted = mode === "adopted";
    if (mode === "taken") next.takenOver = true;
    if (creationId !== undefined) next.creationId = creationId;
    const oldAll = olds.tagsAll;
    const managed = managedKeys(mode, oldAll, wanted);
    const owner = news.owner ?? olds.owner;
    const desired = creationId === undefined || owner === undefined ? wanted : withOwner(wanted, ownerTagValue(owner, creationId));
    const heldAll = userTags(pickTags(held, managedKeys(wasMode, oldAll)));
    const applied: State = { ...olds, tags: ownTags(currentSettings(), heldAll, olds.tags), tagsAll: heldAll };
    try {
        await applyTags(t, id, pickTags(held, managed), desired, applied);
    } catch (err) {
        throw partial(err as AuthorizationError, id, applied);
    }
    return { outs: next };
}

export async function deleteOwned(id: string, props: State, deadline: Deadline): Promise<void> {
    if (props.adopted) return releaseAdopted(id, props, deadline); // Not created by this stack: left in AWS (README, "Adopting").
    const parts = parseArn(id);
    const t = target("deleting", id, parts.region, deadline, roleOf(props));
    await checkAccount(t, parts.accountId);
    const held = await findTagsByArn(t, id);
    if (held === undefined) return; // already gone
    const st = await standing(held, creationOf(props), () => creationTimeAt(t, parts));
    // Another creation stands in its place: the authorization this resource created is gone, and the
    // one there now is not ours to delete. Leave it (README, "Guarantees").
    if (st.kind === "replaced") return;
    // Not provably ours, not provably someone else's: fail, naming it, rather than report a delete.
    if (st.kind === "unproven") throw notOursError("deleting", id, st, props);
    await deleteAuthorization(t, parts.authorizedAccountId, parts.authorizedAwsRegion);
}

/**
 * The delete of an adopted authorization: it stays in AWS (this stack did not create it), and the tags
 * this resource set on it go, as they would if the program stopped declaring them; a tag someone changed
 * since, and AWS Control Tower's own tag, stay. What it did is told in a notice, since a delete has no
 * result to show (README "Adopting an existing authorization").
 */
async function releaseAdopted(id: string, props: State, deadline: Deadline): Promise<void> {
    const parts = parseArn(id);
    const t = target("deleting", id, parts.region, deadline, roleOf(props));
    const left = `left the adopted authorization ${id} in AWS (this stack did not create it)`;
    await checkAccount(t, parts.accountId);
    const held = await findTagsByArn(t, id);
    if (held === undefined) return notice(`${left}; it is gone from AWS already.`);
    const set = awsTagsOf(props);
    const managed = managedKeys("adopted", set);
    const keys = Object.keys(set)
        .filter((k) => managed(k) && tagValue(held, k) !== undefined)
        .sort();
    const changed = keys.filter((k) => tagValue(held, k) !== set[k]);
    // Tags it held before this stack adopted it stay (recorded since this version; older state has no record).
    const found = new Set(props.foundTagKeys ?? []);
    const before = keys.filter((k) => found.has(k) && !changed.includes(k) && k !== CONTROL_TOWER_TAG);
    const remove = keys.filter((k) => !changed.includes(k) && k !== CONTROL_TOWER_TAG && !found.has(k));
    if (remove.length) await untagAuthorization(t, { ResourceArn: id, TagKeys: remove });
    notice(
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
