/**
 * Lookups and writes against AWS Config, one small function each. CRUD methods in
 * `provider.ts` are thin compositions of these.
 */
import {
    DeleteAggregationAuthorizationCommand,
    DescribeAggregationAuthorizationsCommand,
    ListTagsForResourceCommand,
    PutAggregationAuthorizationCommand,
    TagResourceCommand,
    UntagResourceCommand,
    type AggregationAuthorization,
    type TagResourceCommandInput,
    type UntagResourceCommandInput,
    paginateDescribeAggregationAuthorizations,
    paginateListTagsForResource,
    type PutAggregationAuthorizationCommandOutput,
} from "@aws-sdk/client-config-service";
import { pages, send, type Target } from "./client";
import { isAuthorizationError, NOT_FOUND } from "./errors";
import { fromTagList, toTagList } from "../model/tags";
import type { Tags } from "../model/types";

/** AWS's page size limits. */
const TAGS_PAGE = 50;
const DESCRIBE_PAGE = 100;

function isNotFound(err: unknown): boolean {
    return isAuthorizationError(err) && err.code === NOT_FOUND;
}

/**
 * The tags of the authorization with this ARN, or `undefined` when AWS says it does not exist.
 * One ListTagsForResource call answers both questions (more only past 50 tags, which AWS forbids).
 */
export async function findTagsByArn(target: Target, arn: string): Promise<Tags | undefined> {
    let tags: Tags = {};
    try {
        for await (const page of pages(
            target,
            paginateListTagsForResource,
            new ListTagsForResourceCommand({ ResourceArn: arn, Limit: TAGS_PAGE }),
        )) {
            tags = { ...tags, ...fromTagList(page.Tags) };
        }
    } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
    }
    return tags;
}

/**
 * The authorization for `authorizedAccountId`/`authorizedAwsRegion` in the target's source
 * region, paging through DescribeAggregationAuthorizations (AWS has no server-side filter) up to
 * the page that holds it. Used only where the ARN cannot answer: lookups by key, the creation time
 * of an existing authorization, and confirming a disappearance.
 */
export async function findByKey(
    target: Target,
    authorizedAccountId: string,
    authorizedAwsRegion: string,
): Promise<AggregationAuthorization | undefined> {
    const first = new DescribeAggregationAuthorizationsCommand({ Limit: DESCRIBE_PAGE });
    for await (const page of pages(target, paginateDescribeAggregationAuthorizations, first)) {
        const found = page.AggregationAuthorizations?.find(
            (a) => a.AuthorizedAccountId === authorizedAccountId && a.AuthorizedAwsRegion === authorizedAwsRegion,
        );
        if (found) return found;
    }
    return undefined;
}

/** Creates the authorization with its tags in one call. */
export async function putAuthorization(
    target: Target,
    authorizedAccountId: string,
    authorizedAwsRegion: string,
    tags: Tags | undefined,
): Promise<AggregationAuthorization> {
    const tagList = toTagList(tags);
    const out = await send<PutAggregationAuthorizationCommandOutput>(
        target,
        new PutAggregationAuthorizationCommand({
            AuthorizedAccountId: authorizedAccountId,
            AuthorizedAwsRegion: authorizedAwsRegion,
            ...(tagList.length ? { Tags: tagList } : {}),
        }),
    );
    if (!out.AggregationAuthorization?.AggregationAuthorizationArn) {
        throw new Error(`PutAggregationAuthorization returned no authorization for ${authorizedAccountId}/${authorizedAwsRegion}`);
    }
    return out.AggregationAuthorization;
}

/** Adds or changes tags (TagResource). */
export async function tagAuthorization(target: Target, input: TagResourceCommandInput): Promise<void> {
    await send(target, new TagResourceCommand(input));
}

/** Removes tags by key (UntagResource). */
export async function untagAuthorization(target: Target, input: UntagResourceCommandInput): Promise<void> {
    await send(target, new UntagResourceCommand(input));
}

/** Deletes the authorization; one that is already gone counts as deleted. */
export async function deleteAuthorization(target: Target, authorizedAccountId: string, authorizedAwsRegion: string): Promise<void> {
    try {
        await send(
            target,
            new DeleteAggregationAuthorizationCommand({
                AuthorizedAccountId: authorizedAccountId,
                AuthorizedAwsRegion: authorizedAwsRegion,
            }),
        );
    } catch (err) {
        if (isNotFound(err)) return;
        throw err;
    }
}
