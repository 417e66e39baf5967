/**
 * Validation of inputs, as a pure function: no network, no state. Each failure names the input
 * and says what is allowed and what was given. Values Pulumi does not know yet (the preview
 * sentinel) are skipped, never validated as if they were real.
 */
import { OWNER_TAG, UNKNOWN } from "./types";

export interface Failure {
    property: string;
    reason: string;
}

/** AWS allows 50 tags per authorization; one is the owner tag. */
export const MAX_TAGS = 49;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

const ACCOUNT_ID = /^\d{12}$/;
/** Region names: lowercase letters, digits and hyphens, e.g. us-east-1, us-gov-west-1, eusc-de-east-1. */
const REGION = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/;
/** Characters AWS accepts in tag keys and values: letters, digits, spaces and _ . : / = + - @ */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARS_ALLOWED = "letters, digits, spaces and _ . : / = + - @";

/** How a value looks in a message: strings quoted, everything else named by its type. */
export function describe(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value);
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "boolean") return `the boolean ${value}`;
    return typeof value === "object" ? "an object" : String(value);
}

function accountId(property: string, value: unknown): Failure[] {
    if (value === undefined) return [{ property, reason: `${property} is required: the 12-digit account ID of the aggregator account` }];
    if (value === UNKNOWN) return [];
    if (typeof value === "number") {
        return [
            {
                property,
                reason: `${property} must be a string of 12 digits (quote it: account IDs can start with 0), got ${describe(value)}`,
            },
        ];
    }
    if (typeof value !== "string" || !ACCOUNT_ID.test(value)) {
        return [{ property, reason: `${property} must be 12 digits, got ${describe(value)}` }];
    }
    return [];
}

function region(property: string, value: unknown, missing: string): Failure[] {
    if (value === undefined || value === null) return [{ property, reason: `${property} is required: ${missing}` }];
    if (value === UNKNOWN) return [];
    if (typeof value !== "string" || !REGION.test(value)) {
        return [
            {
                property,
                reason: `${property} must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens), got ${describe(value)}`,
            },
        ];
    }
    return [];
}

function tags(value: unknown): Failure[] {
    if (value === undefined || value === null || value === UNKNOWN) return [];
    if (typeof value !== "object" || Array.isArray(value)) {
        return [{ property: "tags", reason: `tags must be a map of string keys to string values, got ${describe(value)}` }];
    }
    const failures: Failure[] = [];
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > MAX_TAGS) {
        failures.push({
            property: "tags",
            reason: `tags may hold at most ${MAX_TAGS} tags (AWS allows 50; one marks which Pulumi resource created the authorization), got ${entries.length}`,
        });
    }
    for (const [key, v] of entries) {
        const property = `tags[${JSON.stringify(key)}]`;
        if (key === UNKNOWN) continue;
        if (key.length === 0) {
            failures.push({ property, reason: `tag keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters, got an empty key` });
        } else if ([...key].length > MAX_TAG_KEY_LENGTH) {
            failures.push({ property, reason: `tag keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters, got ${[...key].length}` });
        } else if (key === OWNER_TAG) {
            failures.push({
                property,
                reason: `the tag key "${OWNER_TAG}" is reserved: it records which Pulumi resource created the authorization`,
            });
        } else if (key.toLowerCase().startsWith("aws:")) {
            failures.push({ property, reason: `tag keys must not start with "aws:" (reserved for AWS), got ${describe(key)}` });
        } else if (!TAG_CHARS.test(key)) {
            failures.push({ property, reason: `tag keys may contain only ${TAG_CHARS_ALLOWED}, got ${describe(key)}` });
        }
        if (v === UNKNOWN) continue;
        if (typeof v !== "string") {
            failures.push({ property, reason: `tag values must be strings, got ${describe(v)}` });
        } else if ([...v].length > MAX_TAG_VALUE_LENGTH) {
            failures.push({ property, reason: `tag values must be 0 to ${MAX_TAG_VALUE_LENGTH} characters, got ${[...v].length}` });
        } else if (!TAG_CHARS.test(v)) {
            failures.push({ property, reason: `tag values may contain only ${TAG_CHARS_ALLOWED}, got ${describe(v)}` });
        }
    }
    return failures;
}

function ownerTag(value: unknown): Failure[] {
    if (value === undefined || value === UNKNOWN) return [];
    if (typeof value !== "string" || value.length === 0 || [...value].length > MAX_TAG_VALUE_LENGTH || !TAG_CHARS.test(value)) {
        return [
            {
                property: "owner",
                reason: `owner must be a tag value (1 to ${MAX_TAG_VALUE_LENGTH} of ${TAG_CHARS_ALLOWED}), got ${describe(value)}`,
            },
        ];
    }
    return [];
}

function boolean(property: string, value: unknown): Failure[] {
    if (value === undefined || value === null || value === UNKNOWN || typeof value === "boolean") return [];
    return [{ property, reason: `${property} must be true or false, got ${describe(value)}` }];
}

/** adoptExisting (leave it on destroy) and takeOwnership (delete it on destroy) contradict each other. */
function exclusive(inputs: Record<string, unknown>): Failure[] {
    if (inputs.adoptExisting !== true || inputs.takeOwnership !== true) return [];
    return [
        {
            property: "takeOwnership",
            reason:
                "set adoptExisting or takeOwnership, not both: adoptExisting manages someone else's authorization and leaves it on destroy, " +
                "takeOwnership makes it this resource's own and deletes it on destroy",
        },
    ];
}

/**
 * Validates the inputs of an aggregation authorization. Returns one failure per bad input
 * (per bad tag for tags), in input order; an empty list when everything known is valid.
 */
export function validate(inputs: Record<string, unknown>): Failure[] {
    return [
        ...accountId("authorizedAccountId", inputs.authorizedAccountId),
        ...region("authorizedAwsRegion", inputs.authorizedAwsRegion, "the region of the aggregator, e.g. us-east-1"),
        ...region(
            "region",
            inputs.region,
            "set the region input, the aws:region stack config (pulumi config set aws:region us-east-1), or AWS_REGION",
        ),
        ...tags(inputs.tags),
        ...boolean("adoptExisting", inputs.adoptExisting),
        ...boolean("takeOwnership", inputs.takeOwnership),
        ...exclusive(inputs),
        ...ownerTag(inputs.owner),
    ];
}
