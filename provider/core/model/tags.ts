/** Tag maps. Read with `Object.hasOwn`, built with `Object.fromEntries`: keys like `__proto__` are valid in AWS. */
import type { Tag } from "@aws-sdk/client-config-service";
import type { Tags } from "./types";

function sorted(entries: [string, string][]): [string, string][] {
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The list form AWS takes, sorted by key. */
export function toTagList(tags: Tags | undefined): Tag[] {
    return sorted(Object.entries(tags ?? {})).map(([Key, Value]) => ({ Key, Value }));
}

/** The list form AWS returns, as a map. */
export function fromTagList(list: Tag[] | undefined): Tags {
    return Object.fromEntries((list ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
}

/** The value of `key` if it is an own key of `tags`. */
export function tagValue(tags: Tags | undefined, key: string): string | undefined {
    return tags !== undefined && Object.hasOwn(tags, key) ? tags[key] : undefined;
}

/** `tags` restricted to the keys `keep` accepts. */
export function pickTags(tags: Tags | undefined, keep: (key: string) => boolean): Tags {
    return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => keep(k)));
}

/**
 * Keys AWS reserves, which no one can edit or delete, so they are never compared, removed or shown.
 * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
export function isAwsReserved(key: string): boolean {
    return key.toLowerCase().startsWith("aws:");
}
