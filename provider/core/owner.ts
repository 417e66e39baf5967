/**
 * Who owns an authorization: the value of the owner tag {@link OWNER_TAG} that a resource writes on
 * the authorizations it creates, and how to read one back.
 *
 * The value is `<organization>/<project>/<stack>/<name> sha256:<32 hex>`. The hash is over the
 * organization and the resource's full URN (which holds the project, the stack, the parent types and
 * the name, exactly as Pulumi spells them), so two resources have the same owner only when they are
 * the same Pulumi resource. The readable part is for people: it is sanitised and truncated, and never
 * compared. Owners written by 0.1.0 (`<project>/<stack>/[<parent>/]<name>`, no hash) are still
 * recognised: a resource compares the tag with the owner recorded in its own state.
 */
import { createHash } from "node:crypto";
import { OWNER_TAG, type Tags } from "./model/types";

export { OWNER_TAG };

/** The part of an owner that identifies it: 32 hex digits of a SHA-256. */
const HASH_LENGTH = 32;
const HASH_PREFIX = " sha256:";
/** An owner, or an owner tag value naming a creation (`ownership.ts`): ` creation:<16 hex>` after the hash. */
const OWNER_PATTERN = new RegExp(`^(.*)${HASH_PREFIX}([0-9a-f]{${HASH_LENGTH}})(?: creation:[0-9a-f]{16})?$`, "s");
/** AWS's tag value limit. */
const MAX_OWNER_LENGTH = 256;
/** Characters every AWS service accepts in tag values; anything else becomes `_` in the readable part. */
const SAFE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;

/** What an owner says about itself. */
export interface OwnerInfo {
    /** `<organization>/<project>/<stack>/<name>` (0.1.0: `<project>/<stack>/[<parent>/]<name>`), for messages. */
    readable: string;
    /** `<organization>/<project>/<stack>` (0.1.0: `<project>/<stack>`): the stack it belongs to, for messages. */
    stack: string;
}

/**
 * The owner tag value of the resource with this URN in `organization`.
 * @param urn the resource's own URN, `urn:pulumi:<stack>::<project>::<types>::<name>`
 */
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

/** Reads an owner or an owner tag value (any format) for messages. */
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

/** The owner tag an authorization carries, if any. */
export function ownerTagOf(tags: Tags): string | undefined {
    return Object.hasOwn(tags, OWNER_TAG) ? tags[OWNER_TAG] : undefined;
}

/** True when two owners belong to the same stack (for advice in messages only). */
export function sameStack(a: string, b: string): boolean {
    return describeOwner(a).stack === describeOwner(b).stack;
}

/**
 * The owner tag value of creation `creationId` of the resource `owner`. The readable part is cut to
 * keep the value within AWS's 256 characters; it is never compared.
 */
export function ownerTagValue(owner: string, creationId: string | undefined): string {
    if (creationId === undefined) return owner;
    const suffix = ` creation:${creationId}`;
    const m = / sha256:[0-9a-f]{32}$/.exec(owner);
    const readable = m ? owner.slice(0, m.index) : owner;
    const tail = (m ? m[0] : "") + suffix;
    return [...readable].slice(0, MAX_OWNER_LENGTH - tail.length).join("") + tail;
}
