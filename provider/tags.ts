/**
 * Tag bookkeeping: conversion between the map users write and the list AWS takes, the exact
 * difference between two maps (what to TagResource, what to UntagResource), and which of an
 * authorization's tags a resource manages.
 *
 * Every map here is read with `Object.hasOwn` and built with `Object.fromEntries`, never with `in` or
 * `map[key] = value`: tag keys such as `constructor`, `toString` or `__proto__` are valid in AWS and
 * must behave like any other key.
 */
import type { Tag, TagResourceCommandInput, UntagResourceCommandInput } from "@aws-sdk/client-config-service";
import { OWNER_TAG, type Tags } from "./types";

/**
 * True for keys AWS reserves (`aws:` in any case). AWS sets them itself (e.g. CloudFormation's
 * `aws:cloudformation:stack-name`) and refuses to let anyone add or remove them, so they are never
 * compared, removed or shown: "You can't edit or delete tag keys or values with this prefix"
 * (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html, "Tag naming limits and requirements").
 */
export function isAwsReserved(key: string): boolean {
    return key.toLowerCase().startsWith("aws:");
}

function sorted(entries: [string, string][]): [string, string][] {
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The map form, as users write it; `undefined` means no tags. */
export function toTagList(tags: Tags | undefined): Tag[] {
    return sorted(Object.entries(tags ?? {})).map(([Key, Value]) => ({ Key, Value }));
}

/** The list form AWS returns, as a map. */
export function fromTagList(list: Tag[] | undefined): Tags {
    return Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
}

/** The value of `key` in `tags`, if `tags` has it as its own key. */
export function tagValue(tags: Tags | undefined, key: string): string | undefined {
    return tags !== undefined && Object.hasOwn(tags, key) ? tags[key] : undefined;
}

/** `tags` restricted to the keys `keep` accepts. */
export function pickTags(tags: Tags | undefined, keep: (key: string) => boolean): Tags {
    return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => keep(k)));
}

/** What changes between two tag maps: tags to set (new or changed values) and keys to remove. */
export interface TagDiff {
    toSet: Tag[];
    toRemove: string[];
}

export function diffTags(olds: Tags | undefined, news: Tags | undefined): TagDiff {
    const toSet = toTagList(pickTags(news, (k) => tagValue(olds, k) !== news![k]));
    const toRemove = Object.keys(olds ?? {})
        .filter((k) => tagValue(news, k) === undefined)
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

/** The tags as users see them: AWS's tags without the owner tag and without AWS's reserved `aws:` tags. */
export function userTags(aws: Tags): Tags {
    return pickTags(aws, (k) => k !== OWNER_TAG && !isAwsReserved(k));
}

/** The tags AWS should hold: the user's, plus the owner tag when this stack owns the authorization. */
export function withOwner(tags: Tags | undefined, owner: string | undefined): Tags {
    return owner === undefined ? { ...tags } : { ...tags, [OWNER_TAG]: owner };
}
