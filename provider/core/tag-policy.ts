/**
 * The tag policy: the one home of the rules on an authorization's tags. Given the
 * stack's tag settings (`aws:defaultTags`, `aws:ignoreTags`) and how a resource holds its authorization
 * ({@link Mode}), it answers four views of the tags, and the requests that move AWS from one to another:
 *
 * - **desired**: the tags a resource with `tags` wants AWS to hold: the default tags under its own,
 *   ignored keys left out;
 * - **managed**: which keys of an authorization the resource manages. `own` (it created the
 *   authorization, or reclaimed its own): every key but `aws:` and ignored ones, the owner tag included.
 *   `taken` (takeOwnership): the declared keys and the owner tag; the tags it found stay unless declared.
 *   `adopted`: the declared keys only, never the owner tag, so that tags someone else set (AWS Control
 *   Tower's, CloudFormation's) stay as they are;
 * - **held**: the tags AWS holds as far as the resource manages them, as state's `tagsAll` records them
 *   (without the owner tag: the state records owner and creation ID apart), and back ({@link TagPolicy.inAws}:
 *   the owner tag of the resource's creation added for `own` and `taken`);
 * - **shown**: what outputs (and the inputs a refresh returns) show: `tagsAll`, the tags held minus
 *   ignored keys, and `tags`, the resource's own part of them.
 *
 * AWS's `aws:` keys are never managed, compared, removed or shown; the owner tag is written and
 * compared but never shown. Every function here is pure: the settings come in explicitly through
 * {@link tagPolicy}, nothing is read from the process, nothing calls AWS, so that every resource type
 * asks the same rules.
 *
 * Maps are read with `Object.hasOwn` (`tagValue`) and built with `Object.fromEntries` (`pickTags`), so
 * that keys such as `constructor` or `__proto__`, valid in AWS, behave like any other.
 */
import type { Tag, TagResourceCommandInput, UntagResourceCommandInput } from "@aws-sdk/client-config-service";
import { ownerTagValue } from "./owner";
import type { Settings } from "./aws/settings";
import { isAwsReserved, pickTags, tagValue, toTagList } from "./model/tags";

export { isAwsReserved } from "./model/tags";
import { OWNER_TAG, type Tags } from "./model/types";

/** How a resource holds its authorization: created (or reclaimed), taken over with takeOwnership, or adopted. */
export type Mode = "own" | "taken" | "adopted";

/** The settings the policy reads: `aws:defaultTags` and `aws:ignoreTags` (settings.ts parses them). */
export type TagSettings = Pick<Settings, "defaultTags" | "ignoreTags">;

/** Who holds an authorization, for the owner tag AWS holds: the mode, the resource's owner and its creation. */
export interface Holder {
    mode: Mode;
    owner?: string;
    /** The creation the resource owns; absent in state written before creation IDs (the owner alone is the tag then). */
    creationId?: string;
}

/** What outputs show of an authorization's tags. */
export interface Shown {
    /** The resource's own part of `tagsAll`: keys it declares, and keys whose value is not the default tag's (pulumi-aws's `tags`). */
    tags: Tags;
    /** The tags held as the resource manages them, default tags included, ignored keys left out. */
    tagsAll: Tags;
}

/** The views of one stack's tag settings; see the module's comment. */
export interface TagPolicy {
    /** True for a key `aws:ignoreTags` says is never managed nor shown. */
    isIgnored(key: string): boolean;
    /** The tags a resource with `tags` wants AWS to hold: `aws:defaultTags` under them, ignored keys left out (no owner tag). */
    desired(tags: Tags | undefined): Tags;
    /** Which keys of an authorization a resource holding it as `mode` manages; `declared`: the tag maps whose keys it declares. */
    managed(mode: Mode, ...declared: (Tags | undefined)[]): (key: string) => boolean;
    /** The part of `aws` (the tags AWS holds) that the resource manages, as state's `tagsAll` records it: without the owner tag. */
    held(aws: Tags, mode: Mode, ...declared: (Tags | undefined)[]): Tags;
    /** The tags AWS holds, or is to hold, for the managed tags `all` (a `tagsAll`, or what `desired` gives): the holder's owner tag added for `own` and `taken`. */
    inAws(all: Tags, holder: Holder): Tags;
    /** What outputs show for the tags held `all` of a resource that declares `declared`; `aws:` keys and the owner tag are never shown. */
    shown(all: Tags, declared: Tags | undefined): Shown;
}

/** True for a key that is someone's tag: neither AWS's own (`aws:`) nor the owner tag. */
function isUserKey(key: string): boolean {
    return key !== OWNER_TAG && !isAwsReserved(key);
}

/**
 * The keys of the tags AWS holds (`aws`) that a person or a tool set: all but `aws:` keys and the owner
 * tag, ignored keys included. An adoption records them, and its destroy never removes them.
 */
export function foundKeys(aws: Tags): string[] {
    return Object.keys(pickTags(aws, isUserKey)).sort();
}

/** The tag policy of the settings `s`: pure functions of `s` and their arguments. */
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
 * The requests that move the tags of `arn` from one view to another (`olds`: the managed part of what
 * AWS holds; `news`: what it is to hold): UntagResource first (so the 50-tag cap holds throughout),
 * then TagResource, each only with the difference, each only when needed.
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
