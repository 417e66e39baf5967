/**
 * The owner tag value: `<organization>/<project>/<stack>/<name> sha256:<32 hex>`. The hash, over the
 * organization and the full URN, is what identifies; the readable part is sanitised, cut, never compared.
 * 0.1.0's owners had no hash: a resource compares the tag with the owner in its own state.
 */
import { createHash } from "node:crypto";
import { OWNER_TAG, type Tags } from "./model/types";

export { OWNER_TAG };

const HASH_LENGTH = 32;
const HASH_PREFIX = " sha256:";
/** An owner, perhaps followed by ` creation:<16 hex>`. */
const OWNER_PATTERN = new RegExp(`^(.*)${HASH_PREFIX}([0-9a-f]{${HASH_LENGTH}})(?: creation:[0-9a-f]{16})?$`, "s");
/** AWS's tag value limit. */
const MAX_OWNER_LENGTH = 256;
/** Characters every AWS service accepts in tag values. */
const SAFE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;

/** What an owner says about itself, for messages. */
export interface OwnerInfo {
    readable: string;
    stack: string;
}

/** The owner of the resource with this URN. */
export function ownerOf(organization: string, urn: string): string {
    const parts = urn.split("::");
    const stack = parts[0].replace(/^urn:pulumi:/, "");
    const project = parts[1] ?? "";
    const name = parts.slice(3).join("::");
    const hash = createHash("sha256")
        .update(JSON.stringify(["owner/v2", organization, urn]))
        .digest("hex")
        .slice(0, HASH_LENGTH);
    const readable = [...[organization, project, stack, name].join("/")]
        .map((c) => (SAFE.test(c) ? c : "_"))
        .slice(0, MAX_OWNER_LENGTH - HASH_PREFIX.length - HASH_LENGTH)
        .join("");
    return `${readable}${HASH_PREFIX}${hash}`;
}

/** Reads an owner or an owner tag value of any version. */
export function describeOwner(owner: string): OwnerInfo {
    const m = OWNER_PATTERN.exec(owner);
    const readable = m ? m[1] : owner;
    return {
        readable,
        stack: readable
            .split("/")
            .slice(0, m ? 3 : 2)
            .join("/"),
    };
}

export function ownerTagOf(tags: Tags): string | undefined {
    return Object.hasOwn(tags, OWNER_TAG) ? tags[OWNER_TAG] : undefined;
}

/** For advice in messages only. */
export function sameStack(a: string, b: string): boolean {
    return describeOwner(a).stack === describeOwner(b).stack;
}

/** The owner tag of creation `creationId`, its readable part cut to AWS's 256 characters. */
export function ownerTagValue(owner: string, creationId: string | undefined): string {
    if (creationId === undefined) return owner;
    const suffix = ` creation:${creationId}`;
    const m = / sha256:[0-9a-f]{32}$/.exec(owner);
    const readable = m ? owner.slice(0, m.index) : owner;
    const tail = (m ? m[0] : "") + suffix;
    return [...readable].slice(0, MAX_OWNER_LENGTH - tail.length).join("") + tail;
}
