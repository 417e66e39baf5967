/**
 * The rules on an authorization's tags, pure functions of the stack's `aws:defaultTags` and
 * `aws:ignoreTags` so every resource type asks the same ones. `aws:` keys are never managed,
 * compared, removed or shown; the owner tag is written and compared but never shown.
 */
import type { Tag, TagResourceCommandInput, UntagResourceCommandInput } from "@aws-sdk/client-config-service";
import { ownerTagValue } from "./owner";
import type { Settings } from "./aws/settings";
import { isAwsReserved, pickTags, tagValue, toTagList } from "./model/tags";

export { isAwsReserved } from "./model/tags";
import { OWNER_TAG, type Tags } from "./model/types";

/** How a resource holds its authorization: created or reclaimed, taken over, or adopted. */
export type Mode = "own" | "taken" | "adopted";

export type TagSettings = Pick<Settings, "defaultTags" | "ignoreTags">;

/** Who holds an authorization, for its owner tag. */
export interface Holder {
    mode: Mode;
    owner?: string;
    /** Absent in state from before creation IDs: the tag is then the owner alone. */
    creationId?: string;
}

/** What outputs show of an authorization's tags. */
export interface Shown {
    /** The resource's part of `tagsAll`: declared keys and values differing from the default tag's, as in pulumi-aws. */
    tags: Tags;
    tagsAll: Tags;
}

/** The views of one stack's tag settings. */
export interface TagPolicy {
    isIgnored(key: string): boolean;
    /** Default tags under `tags`, ignored keys and the owner tag left out. */
    desired(tags: Tags | undefined): Tags;
    /**
     * The keys a resource manages: all but ignored ones when it owns the authorization; declared keys and
     * the owner tag when taken over; declared keys only when adopted, so others' tags stay.
     */
    managed(mode: Mode, ...declared: (Tags | undefined)[]): (key: string) => boolean;
    /** The managed part of the tags AWS holds, as state's `tagsAll` records it: without the owner tag. */
    held(aws: Tags, mode: Mode, ...declared: (Tags | undefined)[]): Tags;
    /** The managed tags `all` with the holder's owner tag, unless adopted. */
    inAws(all: Tags, holder: Holder): Tags;
    shown(all: Tags, declared: Tags | undefined): Shown;
}

/** Neither AWS's nor the owner tag. */
function isUserKey(key: string): boolean {
    return key !== OWNER_TAG && !isAwsReserved(key);
}

/** The keys someone else set, ignored ones included: an adoption records them so its destroy keeps them. */
export function foundKeys(aws: Tags): string[] {
    return Object.keys(pickTags(aws, isUserKey)).sort();
}

export function tagPolicy(s: TagSettings): TagPolicy {
    const isIgnored = (key: string) => s.ignoreTags.keys.includes(key) || s.ignoreTags.keyPrefixes.some((p) => key.startsWith(p));
    const managed = (mode: Mode, ...declared: (Tags | undefined)[]) => {
        const isDeclared = (k: string) => declared.some((d) => tagValue(d, k) !== undefined);
        if (mode === "own") return (k: string) => !isAwsReserved(k) && !isIgnored(k);
        if (mode === "taken") return (k: string) => !isAwsReserved(k) && !isIgnored(k) && (k === OWNER_TAG || isDeclared(k));
        return (k: string) => !isAwsReserved(k) && !isIgnored(k) && k !== OWNER_TAG && isDeclared(k);
    };
    return {
        isIgnored,
        desired: (tags) => pickTags({ ...s.defaultTags, ...tags }, (k) => !isIgnored(k)),
        managed,
        held: (aws, mode, ...declared) => {
            const manages = managed(mode, ...declared);
            return pickTags(aws, (k) => manages(k) && k !== OWNER_TAG);
        },
        inAws: (all, { mode, owner, creationId }) =>
            mode === "adopted" || owner === undefined ? { ...all } : { ...all, [OWNER_TAG]: ownerTagValue(owner, creationId) },
        shown: (all, declared) => {
            const tagsAll = pickTags(all, (k) => isUserKey(k) && !isIgnored(k));
            const own = (k: string) => tagValue(declared, k) !== undefined || tagValue(s.defaultTags, k) !== tagsAll[k];
            return { tags: pickTags(tagsAll, own), tagsAll };
        },
    };
}

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

/** `undefined` is the empty map. */
export function tagsEqual(a: Tags | undefined, b: Tags | undefined): boolean {
    const d = diffTags(a, b);
    return d.toSet.length === 0 && d.toRemove.length === 0;
}

/** The requests from `olds` to `news`; the caller untags first, so the 50-tag cap holds throughout. */
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
