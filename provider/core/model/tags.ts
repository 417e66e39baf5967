/**
 * Tag maps: conversion between the map users write and the list AWS takes, and reading and
 * restricting a map. The rules on which tags an authorization holds, manages and shows, and the
 * requests between two views, are the tag policy's (`tag-policy.ts`).
 *
 * Every map here is read with `Object.hasOwn` and built with `Object.fromEntries`, never with `in` or
 * `map[key] = value`: tag keys such as `constructor`, `toString` or `__proto__` are valid in AWS and
 * must behave like any other key.
 */
import type { Tag } from "@aws-sdk/client-config-service";
import type { Tags } from "./types";

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

/**
 * True for keys AWS reserves (`aws:` in any case). AWS sets them itself (e.g. CloudFormation's
 * `aws:cloudformation:stack-name`) and refuses to let anyone add or remove them, so they are never
 * compared, removed or shown: "You can't edit or delete tag keys or values with this prefix"
 * (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html, "Tag naming limits and requirements").
 */
export function isAwsReserved(key: string): boolean {
    return key.toLowerCase().startsWith("aws:");
}
