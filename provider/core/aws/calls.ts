/** The AWS Config calls on one authorization. */
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
import type { Aws, Target } from "./client";
import { isAuthorizationError, NOT_FOUND } from "./errors";
import { fromTagList, toTagList } from "../model/tags";
import type { Tags } from "../model/types";

/** AWS's largest page sizes. */
const TAGS_PAGE = 50;
const DESCRIBE_PAGE = 100;

function isNotFound(err: unknown): boolean {
    return isAuthorizationError(err) && err.code === NOT_FOUND;
}

/** The tags, or `undefined` when it does not exist: one call answers both. */
export async function findTagsByArn(aws: Aws, target: Target, arn: string): Promise<Tags | undefined> {
    let tags: Tags = {};
    try {
        for await (const page of aws.pages(
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
 * Pages until it finds the key, as AWS has no filter: only where the ARN cannot answer (a lookup by
 * key, the creation time, confirming a disappearance).
 */
export async function findByKey(
    aws: Aws,
    target: Target,
    authorizedAccountId: string,
    authorizedAwsRegion: string,
): Promise<AggregationAuthorization | undefined> {
    const first = new DescribeAggregationAuthorizationsCommand({ Limit: DESCRIBE_PAGE });
    for await (const page of aws.pages(target, paginateDescribeAggregationAuthorizations, first)) {
        const found = page.AggregationAuthorizations?.find(
            (a) => a.AuthorizedAccountId === authorizedAccountId && a.AuthorizedAwsRegion === authorizedAwsRegion,
        );
        if (found) return found;
    }
    return undefined;
}

export async function putAuthorization(
    aws: Aws,
    target: Target,
    authorizedAccountId: string,
    authorizedAwsRegion: string,
    tags: Tags | undefined,
): Promise<AggregationAuthorization> {
    const tagList = toTagList(tags);
    const out = await aws.send<PutAggregationAuthorizationCommandOutput>(
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

export async function tagAuthorization(aws: Aws, target: Target, input: TagResourceCommandInput): Promise<void> {
    await aws.send(target, new TagResourceCommand(input));
}

export async function untagAuthorization(aws: Aws, target: Target, input: UntagResourceCommandInput): Promise<void> {
    await aws.send(target, new UntagResourceCommand(input));
}

/** One already gone counts as deleted. */
export async function deleteAuthorization(
    aws: Aws,
    target: Target,
    authorizedAccountId: string,
    authorizedAwsRegion: string,
): Promise<void> {
    try {
        await aws.send(
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
