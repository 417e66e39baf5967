/**
 * Tag bookkeeping: conversion between the map users write and the list AWS takes, and the
 * exact difference between two maps (what to TagResource, what to UntagResource).
 */
import type { Tag, TagResourceCommandInput, UntagResourceCommandInput } from "@aws-sdk/client-config-service";
import { OWNER_TAG, type Tags } from "./types";

/** The map form, as users write it; `undefined` means no tags. */
export function toTagList(tags: Tags | undefined): Tag[] {
    return Object.entries(tags ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([Key, Value]) => ({ Key, Value }));
}

/** The list form AWS returns, as a map. */
export function fromTagList(list: Tag[] | undefined): Tags {
    const tags: Tags = {};
    for (const t of list ?? []) {
        if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
    }
    return tags;
}

/** What changes between two tag maps: tags to set (new or changed values) and keys to remove. */
export interface TagDiff {
    toSet: Tag[];
    toRemove: string[];
}

export function diffTags(olds: Tags | undefined, news: Tags | undefined): TagDiff {
    const o = olds ?? {};
    const n = news ?? {};
    const toSet = toTagList(Object.fromEntries(Object.entries(n).filter(([k, v]) => o[k] !== v)));
    const toRemove = Object.keys(o)
        .filter((k) => !(k in n))
        .sort();
    return { toSet, toRemove };
}

/** True when the two maps hold the same tags (`undefined` is the empty map). */
export function tagsEqual(a: Tags | undefined, b: Tags | undefined): boolean {
    const d = diffTags(a, b);
    return d.toSet.length === 0 && d.toRemove.length === 0;
}

/**
 * The requests that move the tags of `arn` from `olds` to `news`: UntagResource first (so the
 * 50-tag cap holds throughout), then TagResource, each only with the difference, each only when needed.
 */
export function tagRequests(
    arn: string,
    olds: Tags | undefined,
    news: Tags | undefined,
): { untag?: UntagResourceCommandInput; tag?: TagResourceCommandInput } {
    const { toSet, toRemove } = diffTags(olds, news);
    return {
        ...(toRemove.length ? { untag: { ResourceArn: arn, TagKeys: toRemove } } : {}),
        ...(toSet.length ? { tag: { ResourceArn: arn, Tags: toSet } } : {}),
    };
}

/** The tags as users see them: AWS's tags without the owner tag. */
export function userTags(aws: Tags): Tags {
    const { [OWNER_TAG]: _owner, ...rest } = aws;
    return rest;
}

/** The tags AWS should hold: the user's, plus the owner tag when this stack created the authorization. */
export function withOwner(tags: Tags | undefined, owner: string | undefined): Tags {
    return owner === undefined ? { ...tags } : { ...tags, [OWNER_TAG]: owner };
}
