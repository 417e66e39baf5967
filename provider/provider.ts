/**
 * The dynamic provider: thin CRUD methods over the lookups in `aws.ts`.
 *
 * Guarantees: `check` calls nothing remote; `create` never takes over an authorization it did not
 * create unless `adoptExisting` says so (it tells its own, left by an interrupted `up`, by the owner
 * tag); a failure after AWS holds the authorization is reported as a partial create with its ID,
 * so the state always knows what exists; `delete` never deletes an adopted authorization.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AggregationAuthorization } from "@aws-sdk/client-config-service";
import { deleteAuthorization, findByKey, findTagsByArn, putAuthorization, tagAuthorization, untagAuthorization } from "./aws";
import { configureSettings, currentLimits, currentSettings, sourceAccount, withDeadline, type Deadline, type Target } from "./client";
import { authorizationError, isAmbiguous, partial, type AuthorizationError, type Verb } from "./errors";
import { buildArn, ID_FORMATS, parseArn, parseId } from "./id";
import { KNOBS } from "./limits";
import { ID_ECHO_LIMIT, truncate } from "./redact";
import { fromTagList, tagRequests, tagsEqual, userTags, withOwner } from "./tags";
import { isUnknown, OWNER_TAG, type Inputs, type Outputs, type Tags } from "./types";
import { validate } from "./validate";

/** Inputs whose change means a different authorization in AWS, so Pulumi must replace it. */
export const REPLACE_KEYS = ["authorizedAccountId", "authorizedAwsRegion", "region"] as const;

function target(verb: Verb, resource: string, region: string, deadline: Deadline): Target {
    return { verb, resource, region, deadline };
}

/** The outputs for an authorization: inputs as applied, what the ARN says, and what AWS said. */
function outputsOf(inputs: Inputs, arn: string, creationTime: Date | string | undefined, awsTags: Tags, adopted: boolean): Outputs {
    const parts = parseArn(arn);
    const outs: Outputs = {
        authorizedAccountId: parts.authorizedAccountId,
        authorizedAwsRegion: parts.authorizedAwsRegion,
        region: parts.region,
        tags: userTags(awsTags),
        arn,
        accountId: parts.accountId,
        creationTime: creationTime instanceof Date ? creationTime.toISOString() : (creationTime ?? ""),
    };
    if (inputs.owner !== undefined) outs.owner = inputs.owner;
    if (inputs.adoptExisting !== undefined) outs.adoptExisting = inputs.adoptExisting;
    if (adopted) outs.adopted = true;
    return outs;
}

/** The tags AWS holds for a resource in state: the user's, plus the owner tag unless it was adopted. */
function awsTagsOf(o: Pick<Outputs, "tags" | "owner" | "adopted">): Tags {
    return o.adopted ? { ...o.tags } : withOwner(o.tags, o.owner);
}

/** The message for a create that meets an authorization it did not make. */
function existsError(inputs: Inputs, arn: string, existingOwner: string | undefined): AuthorizationError {
    const who = existingOwner
        ? `created by the Pulumi resource ${existingOwner} (its ${OWNER_TAG} tag)`
        : `created outside this Pulumi stack (AWS Control Tower, another tool or a person)`;
    const sameStack = (o: string | undefined) => o?.split("/").slice(0, 2).join("/");
    const renamed =
        existingOwner && inputs.owner && sameStack(existingOwner) === sameStack(inputs.owner)
            ? ` It belongs to ${existingOwner} of this stack: if you renamed that resource or moved it into or out of a component, ` +
              `give this one an alias for its old name and parent (aliases: [{ name: "${existingOwner.split("/").pop()}" }] for a rename) so that Pulumi keeps the same authorization.`
            : existingOwner
              ? ` Two stacks cannot both manage it: remove it from one of them.`
              : "";
    return authorizationError(
        "creating",
        arn,
        `an authorization for aggregator account ${inputs.authorizedAccountId} in ${inputs.authorizedAwsRegion} already exists ` +
            `in source region ${inputs.region}, ${who}. Pulumi changed nothing.${renamed} ` +
            `To manage it from this resource anyway, set adoptExisting: true (its tags then follow the program; destroy leaves it in place); ` +
            `otherwise remove this resource from the program.`,
        "AlreadyExists",
    );
}

/** The message for an authorization of the source account itself (an error by design, see README). */
function selfError(inputs: Inputs, arn: string): AuthorizationError {
    return authorizationError(
        "creating",
        arn,
        `authorizedAccountId ${inputs.authorizedAccountId} is the source account itself (the account of the credentials Pulumi uses in ${inputs.region}). ` +
            `An aggregator collects data from its own account without any authorization, so AWS Config has nothing to authorize. ` +
            `Set authorizedAccountId to the aggregator's account, or run this program with the source account's credentials. Nothing was created.`,
        "SelfAuthorization",
    );
}

/**
 * Moves the tags of `arn` from `olds` to `news` (full AWS tag maps) with the requests of
 * `tagRequests`. `applied` tracks what AWS holds, so that a failure half way can report it.
 */
async function applyTags(t: Target, arn: string, olds: Tags, news: Tags, applied: Outputs): Promise<void> {
    const { untag, tag } = tagRequests(arn, olds, news);
    if (untag) {
        await untagAuthorization(t, untag);
        applied.tags = Object.fromEntries(Object.entries(applied.tags ?? {}).filter(([k]) => !untag.TagKeys!.includes(k)));
    }
    if (tag) {
        await tagAuthorization(t, tag);
        applied.tags = userTags({ ...applied.tags, ...fromTagList(tag.Tags) });
    }
}

/** Creates a new authorization; reports a partial create when AWS may hold it although the call failed. */
async function createNew(t: Target, inputs: Inputs, arn: string): Promise<Outputs> {
    let created: AggregationAuthorization;
    try {
        created = await putAuthorization(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion, withOwner(inputs.tags, inputs.owner));
    } catch (err) {
        if (!isAmbiguous(err)) throw err;
        // The Put may have been applied before the connection failed. If AWS holds it now, it is
        // ours (it did not exist a moment ago, and a Put sets its tags with it): tell Pulumi, so
        // that nothing is orphaned.
        const found = await findByKey(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion).catch(() => undefined);
        if (found === undefined) throw err;
        throw partial(
            err as AuthorizationError,
            arn,
            outputsOf(inputs, arn, found.CreationTime, withOwner(inputs.tags, inputs.owner), false),
        );
    }
    return outputsOf(inputs, created.AggregationAuthorizationArn!, created.CreationTime, withOwner(inputs.tags, inputs.owner), false);
}

/**
 * Takes an existing authorization into this resource, converging its tags on the program's:
 * `adopted` (someone else created it: the owner tag is left alone, destroy leaves it in place) or
 * not (this resource created it in an interrupted run: it is simply its own).
 */
async function takeExisting(t: Target, inputs: Inputs, arn: string, existing: Tags, adopted: boolean): Promise<Outputs> {
    const found = await findByKey(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion);
    const applied = outputsOf(inputs, arn, found?.CreationTime, existing, adopted);
    // Adopting leaves another owner's tag in place; our own creation carries our owner tag.
    const desired = adopted ? withOwner(inputs.tags, existing[OWNER_TAG]) : withOwner(inputs.tags, inputs.owner);
    try {
        await applyTags(t, arn, existing, desired, applied);
    } catch (err) {
        throw partial(err as AuthorizationError, arn, applied); // AWS holds it: the state must know, with the tags as they are.
    }
    return { ...applied, tags: inputs.tags ?? {} };
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
    const region = props?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
        throw authorizationError(
            "reading",
            id,
            "the source region is unknown: set the region input, the aws:region stack config, or AWS_REGION",
        );
    }
    const found = await findByKey(target("reading", id, region, deadline), key.authorizedAccountId, key.authorizedAwsRegion);
    return found?.AggregationAuthorizationArn ? { arn: found.AggregationAuthorizationArn, found } : undefined;
}

/** The stack config keys `configure` reads: `aws:profile`, `aws:skipRegionValidation`, and this package's timeouts. */
function stackSettings(config: { get(key: string): unknown }) {
    const own: Record<string, unknown> = {};
    for (const knob of Object.values(KNOBS)) {
        if (knob.config !== undefined && config.get(knob.config) !== undefined) own[knob.config] = config.get(knob.config);
    }
    const skip = config.get("aws:skipRegionValidation");
    return {
        profile: (config.get("aws:profile") as string | undefined) || undefined,
        skipRegionValidation: skip === true || (typeof skip === "string" && skip.trim().toLowerCase() === "true"),
        config: own,
    };
}

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        // Bad settings (AWS_MAX_ATTEMPTS=abc, a timeout out of range) are not thrown here: the host
        // would report them once, then use the provider unconfigured. `check` fails every resource
        // with them, and every AWS call refuses to run with them (refresh and destroy skip check).
        configureSettings(stackSettings(req.config));
    },

    async check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        // Failures go to the engine without a property: for a named property Pulumi prints that
        // property's whole value next to the reason (pkg/resource/deploy/step_generator.go,
        // issueCheckFailures: "property %v value %v has a problem"), which for `tags` is the whole
        // map, secret values in plain text, and for any input a value of any length. Each reason
        // names its input instead.
        const problems = currentLimits().problems.map((reason) => ({ property: "", reason }));
        const invalid = validate(news as unknown as Record<string, unknown>, {
            skipRegionValidation: currentSettings().skipRegionValidation,
        }).map((f) => ({ property: "", reason: f.reason }));
        const failures = [...problems, ...invalid];
        return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const old: Record<string, unknown> = { ...olds, region: olds.region ?? (id.startsWith("arn:") ? parseArn(id).region : undefined) };
        const replaces = REPLACE_KEYS.filter((k) => isUnknown(news[k]) || old[k] !== news[k]);
        const inPlace =
            isUnknown(news.tags) ||
            !tagsEqual(olds.tags, news.tags) ||
            (olds.adoptExisting ?? false) !== (news.adoptExisting ?? false) ||
            (news.owner !== undefined && olds.owner !== news.owner);
        return { changes: replaces.length > 0 || inPlace, replaces };
    },

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        const resource = `authorizing ${inputs.authorizedAccountId}/${inputs.authorizedAwsRegion} in source region ${inputs.region}`;
        return withDeadline("creating", resource, (deadline) => create(inputs, target("creating", resource, inputs.region, deadline)));
    },

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        return withDeadline("reading", id, (deadline) => read(id, props, deadline));
    },

    async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        return withDeadline("updating", id, (deadline) => update(id, olds, news, target("updating", id, olds.region, deadline)));
    },

    async delete(id: string, props: Outputs): Promise<void> {
        if (props.adopted) return; // Not created by this stack: destroy leaves it in place (README, "Adopting").
        const parts = parseArn(id);
        return withDeadline("deleting", id, (deadline) =>
            deleteAuthorization(target("deleting", id, parts.region, deadline), parts.authorizedAccountId, parts.authorizedAwsRegion),
        );
    },
};

/** Creates the authorization of `inputs`, or takes back its own / adopts an existing one. */
async function create(inputs: Inputs, t: Target): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    const accountId = await sourceAccount(t);
    const arn = buildArn({
        region: inputs.region,
        accountId,
        authorizedAccountId: inputs.authorizedAccountId,
        authorizedAwsRegion: inputs.authorizedAwsRegion,
    });
    t.resource = arn;
    if (inputs.authorizedAccountId === accountId) throw selfError(inputs, arn);
    const existing = await findTagsByArn(t, arn);
    let outs: Outputs;
    if (existing === undefined) outs = await createNew(t, inputs, arn);
    else if (inputs.owner !== undefined && existing[OWNER_TAG] === inputs.owner) outs = await takeExisting(t, inputs, arn, existing, false);
    else if (inputs.adoptExisting === true) outs = await takeExisting(t, inputs, arn, existing, true);
    else throw existsError(inputs, arn, existing[OWNER_TAG]);
    return { id: outs.arn, outs };
}

/** Reads an authorization by its ID (refresh, `get`, import); gone ⇒ no ID. */
async function read(id: string, props: Outputs | undefined, deadline: Deadline): Promise<pulumi.dynamic.ReadResult<Outputs>> {
    const resolved = await resolveId(id, props, deadline);
    if (!resolved) return {};
    const { arn } = resolved;
    const parts = parseArn(arn);
    const t = target("reading", arn, parts.region, deadline);
    let tags = await findTagsByArn(t, arn);
    let found = resolved.found;
    if (tags === undefined || !props?.creationTime) {
        // Confirm a disappearance (or learn the creation time) by key before reporting it.
        found ??= await findByKey(t, parts.authorizedAccountId, parts.authorizedAwsRegion);
        if (!found) return {};
        // ListTagsForResource said "not found" but the key lookup found it (AWS still
        // settling): its tags are unknown, so keep the recorded ones rather than claim none.
        tags ??= props ? awsTagsOf(props) : {};
    }
    const inputs: Inputs = {
        authorizedAccountId: parts.authorizedAccountId,
        authorizedAwsRegion: parts.authorizedAwsRegion,
        region: parts.region,
    };
    if (props?.owner !== undefined) inputs.owner = props.owner;
    if (props?.adoptExisting !== undefined) inputs.adoptExisting = props.adoptExisting;
    return { id: arn, props: outputsOf(inputs, arn, found?.CreationTime ?? props?.creationTime, tags, props?.adopted === true) };
}

/** Moves the tags to the program's; a failure half way is a partial update with the tags AWS holds. */
async function update(id: string, olds: Outputs, news: Inputs, t: Target): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
    const next: Outputs = { ...olds, tags: news.tags ?? {} };
    for (const k of ["owner", "adoptExisting"] as const) {
        if (news[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = news[k];
        else delete next[k];
    }
    const applied: Outputs = { ...olds };
    try {
        await applyTags(t, id, awsTagsOf(olds), awsTagsOf(next), applied);
    } catch (err) {
        throw partial(err as AuthorizationError, id, applied);
    }
    return { outs: next };
}
