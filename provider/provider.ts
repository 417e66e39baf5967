/**
 * The dynamic provider: thin CRUD methods over the lookups in `aws.ts`.
 *
 * Guarantees: `check` calls nothing remote; `create` never takes over an authorization that
 * exists already unless `adoptExisting` says so; a failure after AWS holds the authorization is
 * reported as a partial create with its ID, so the state always knows what exists; `delete`
 * never deletes an adopted authorization (it was not created by this stack).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AggregationAuthorization } from "@aws-sdk/client-config-service";
import { findByKey, findTagsByArn, putAuthorization, tagAuthorization, untagAuthorization, deleteAuthorization } from "./aws";
import { configureSettings, sourceAccount, type Target } from "./client";
import { authorizationError, isAmbiguous, partial, type AuthorizationError, type Verb } from "./errors";
import { buildArn, parseArn, parseKey, type ArnParts } from "./id";
import { fromTagList, tagRequests, tagsEqual } from "./tags";
import { isUnknown, type Inputs, type Outputs, type Tags } from "./types";
import { validate } from "./validate";

/** Inputs whose change means a different authorization in AWS, so Pulumi must replace it. */
export const REPLACE_KEYS = ["authorizedAccountId", "authorizedAwsRegion", "region"] as const;

function describeKey(i: Pick<Inputs, "authorizedAccountId" | "authorizedAwsRegion" | "region">): string {
    return `authorizing ${i.authorizedAccountId}/${i.authorizedAwsRegion} in source region ${i.region}`;
}

function outputsOf(inputs: Inputs, arn: string, creationTime: Date | string | undefined, tags: Tags | undefined, adopted: boolean): Outputs {
    const parts = parseArn(arn);
    const outs: Outputs = {
        authorizedAccountId: parts.authorizedAccountId,
        authorizedAwsRegion: parts.authorizedAwsRegion,
        region: parts.region,
        tags: tags ?? {},
        arn,
        accountId: parts.accountId,
        creationTime: creationTime instanceof Date ? creationTime.toISOString() : (creationTime ?? ""),
    };
    if (inputs.adoptExisting !== undefined) outs.adoptExisting = inputs.adoptExisting;
    if (adopted) outs.adopted = true;
    return outs;
}

function target(verb: Verb, resource: string, region: string): Target {
    return { verb, resource, region };
}

/** The message for a create that meets an authorization it did not make. */
function existsError(inputs: Inputs, arn: string): AuthorizationError {
    return authorizationError(
        "creating",
        arn,
        `an authorization for aggregator account ${inputs.authorizedAccountId} in ${inputs.authorizedAwsRegion} already exists ` +
            `in source region ${inputs.region}, created outside this Pulumi stack (AWS Control Tower, another stack or a person). ` +
            `Pulumi changed nothing. To manage it from this stack, set adoptExisting: true on this resource ` +
            `(its tags then follow the program; destroy leaves it in place); otherwise remove this resource from the program.`,
        "AlreadyExists",
    );
}

/** The message for an authorization of the source account itself (decided: an error, see README). */
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

/** Creates a new authorization; reports a partial create when AWS may hold it although the call failed. */
async function createNew(t: Target, inputs: Inputs, arn: string): Promise<Outputs> {
    let created: AggregationAuthorization;
    try {
        created = await putAuthorization(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion, inputs.tags);
    } catch (err) {
        if (!isAmbiguous(err)) throw err;
        // The Put may have been applied before the connection failed. If AWS holds it now, it is
        // ours (it did not exist a moment ago): tell Pulumi, so that nothing is orphaned.
        const tags = await findTagsByArn(t, arn).catch(() => undefined);
        if (tags === undefined) throw err;
        throw partial(err as AuthorizationError, arn, outputsOf(inputs, arn, undefined, tags, false));
    }
    return outputsOf(inputs, created.AggregationAuthorizationArn!, created.CreationTime, inputs.tags, false);
}

/** Adopts an existing authorization: its tags converge to the program's. */
async function adopt(t: Target, inputs: Inputs, arn: string, existingTags: Tags): Promise<Outputs> {
    const found = await findByKey(t, inputs.authorizedAccountId, inputs.authorizedAwsRegion);
    const applied = outputsOf(inputs, arn, found?.CreationTime, existingTags, true);
    try {
        await applyTags(t, arn, existingTags, inputs.tags, applied);
    } catch (err) {
        // AWS holds it and the state must know, with the tags as they are now.
        throw partial(err as AuthorizationError, arn, applied);
    }
    return { ...applied, tags: inputs.tags ?? {} };
}

/**
 * Moves the tags of `arn` from `olds` to `news` with the requests of `tagRequests`.
 * `applied.tags` tracks what AWS holds, so that a failure half way can report it.
 */
async function applyTags(t: Target, arn: string, olds: Tags | undefined, news: Tags | undefined, applied: Outputs): Promise<void> {
    const { untag, tag } = tagRequests(arn, olds, news);
    if (untag) {
        await untagAuthorization(t, untag);
        applied.tags = Object.fromEntries(Object.entries(applied.tags ?? {}).filter(([k]) => !untag.TagKeys!.includes(k)));
    }
    if (tag) {
        await tagAuthorization(t, tag);
        applied.tags = { ...applied.tags, ...fromTagList(tag.Tags) };
    }
}

/** Resolves a resource ID (an ARN, or `account:region` with the source region from props or the environment). */
async function resolveId(id: string, props: Partial<Outputs> | undefined): Promise<{ arn: string; parts: ArnParts; found?: AggregationAuthorization } | undefined> {
    if (id.startsWith("arn:")) return { arn: id, parts: parseArn(id) };
    const key = parseKey(id);
    const region = props?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
        throw authorizationError("importing", id, "the source region is unknown: set the region input, the aws:region stack config, or AWS_REGION");
    }
    const found = await findByKey(target("importing", id, region), key.authorizedAccountId, key.authorizedAwsRegion);
    if (!found?.AggregationAuthorizationArn) return undefined;
    return { arn: found.AggregationAuthorizationArn, parts: parseArn(found.AggregationAuthorizationArn), found };
}

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        configureSettings({ profile: req.config.get("aws:profile") });
    },

    async check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        const failures = validate(news as unknown as Record<string, unknown>);
        return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const oldRegion = olds.region ?? (id.startsWith("arn:") ? parseArn(id).region : undefined);
        const old: Record<string, unknown> = { ...olds, region: oldRegion };
        const replaces = REPLACE_KEYS.filter((k) => isUnknown(news[k]) || old[k] !== news[k]);
        const tagsChange = isUnknown(news.tags) || !tagsEqual(olds.tags, news.tags);
        const adoptChange = (olds.adoptExisting ?? false) !== (news.adoptExisting ?? false);
        return { changes: replaces.length > 0 || tagsChange || adoptChange, replaces };
    },

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        const t = target("creating", describeKey(inputs), inputs.region);
        const accountId = await sourceAccount(t);
        const arn = buildArn({ region: inputs.region, accountId, authorizedAccountId: inputs.authorizedAccountId, authorizedAwsRegion: inputs.authorizedAwsRegion });
        t.resource = arn;
        if (inputs.authorizedAccountId === accountId) throw selfError(inputs, arn);
        const existingTags = await findTagsByArn(t, arn);
        let outs: Outputs;
        if (existingTags === undefined) outs = await createNew(t, inputs, arn);
        else if (inputs.adoptExisting === true) outs = await adopt(t, inputs, arn, existingTags);
        else throw existsError(inputs, arn);
        return { id: outs.arn, outs };
    },

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        const resolved = await resolveId(id, props);
        if (!resolved) return {};
        const { arn, parts } = resolved;
        const t = target("reading", arn, parts.region);
        let tags = await findTagsByArn(t, arn);
        let found = resolved.found;
        if (tags === undefined || !props?.creationTime) {
            // Confirm a disappearance (or learn the creation time) by key before reporting it.
            found ??= await findByKey(t, parts.authorizedAccountId, parts.authorizedAwsRegion);
            if (!found) return {};
            tags ??= {};
        }
        const inputs: Inputs = { authorizedAccountId: parts.authorizedAccountId, authorizedAwsRegion: parts.authorizedAwsRegion, region: parts.region };
        if (props?.adoptExisting !== undefined) inputs.adoptExisting = props.adoptExisting;
        const outs = outputsOf(inputs, arn, found?.CreationTime ?? props?.creationTime, tags, props?.adopted === true);
        return { id: arn, props: outs };
    },

    async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        const t = target("updating", id, olds.region);
        const applied: Outputs = { ...olds };
        try {
            await applyTags(t, id, olds.tags, news.tags, applied);
        } catch (err) {
            throw partial(err as AuthorizationError, id, applied);
        }
        const outs: Outputs = { ...olds, tags: news.tags ?? {} };
        if (news.adoptExisting !== undefined) outs.adoptExisting = news.adoptExisting;
        else delete outs.adoptExisting;
        return { outs };
    },

    async delete(id: string, props: Outputs): Promise<void> {
        if (props.adopted) return; // Not created by this stack: destroy leaves it in place (README, "Adopting").
        const parts = parseArn(id);
        await deleteAuthorization(target("deleting", id, parts.region), parts.authorizedAccountId, parts.authorizedAwsRegion);
    },
};
