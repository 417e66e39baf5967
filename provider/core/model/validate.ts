/**
 * Input validation, pure. Unknown values are skipped; tag values (maybe secret) never echoed. Tags
 * follow the Config API model, stricter only for the `aws:` prefix and the owner tag: AWS answers the rest.
 * @see https://docs.aws.amazon.com/config/latest/APIReference/API_Tag.html
 */
import { closestRegion, knownRegions, partitionOfRegion } from "./regions";
import { partitionOf } from "./id";
import { quote } from "./redact";
import { OWNER_TAG, UNKNOWN } from "./types";

export interface Failure {
    property: string;
    reason: string;
}

/** Settings from the stack that change what is valid. */
export interface ValidateOptions {
    /** `aws:skipRegionValidation`, as in pulumi-aws: accept a region newer than the SDK's metadata. */
    skipRegionValidation?: boolean;
}

/** AWS allows 50 tags per authorization; one is the owner tag. */
export const MAX_TAGS = 49;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** Beyond this, tag failures are counted. */
export const MAX_TAG_FAILURES = 10;

const ACCOUNT_ID = /^\d{12}$/;
/** The shape of a region name, e.g. us-east-1, us-gov-west-1, eusc-de-east-1. */
export const REGION_SHAPE = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/;
const REGION = REGION_SHAPE;
/** What AWS's general tagging guidance allows; Config does not enforce it, so only the owner tag is held to it. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARS_ALLOWED = "letters, digits, spaces and _ . : / = + - @";

/** A value for a message: strings quoted and cut, others by type. */
export function describe(value: unknown): string {
    if (typeof value === "string") return quote(value);
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "boolean") return `the boolean ${value}`;
    return typeof value === "object" ? "an object" : String(value);
}

/** For values that may be secret. */
function kind(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The 12-digit string of an account ID; `pulumi config set --path` may store it as a number. */
export function accountIdOf(value: unknown): string | undefined {
    if (typeof value === "string") return ACCOUNT_ID.test(value) ? value : undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= 1e11 && value < 1e12) return String(value);
    return undefined;
}

/** A shorter number lost its leading zeros: the message shows it quoted. */
export function accountIdProblem(property: string, value: unknown): string | undefined {
    if (accountIdOf(value) !== undefined) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < 1e11) {
        const digits = String(value).length;
        return (
            `${property} must be 12 digits, got the number ${value} (${digits} digit${digits === 1 ? "" : "s"}: a number drops an account ID's leading zeros); ` +
            `quote it: "${String(value).padStart(12, "0")}"`
        );
    }
    return `${property} must be 12 digits, got ${describe(value)}`;
}

function accountId(property: string, value: unknown): Failure[] {
    if (value === undefined) return [{ property, reason: `${property} is required: the 12-digit account ID of the aggregator account` }];
    if (value === UNKNOWN) return [];
    const reason = accountIdProblem(property, value);
    return reason === undefined ? [] : [{ property, reason }];
}

function region(property: string, value: unknown, missing: string, options: ValidateOptions): Failure[] {
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
    const known = knownRegions();
    if (known === undefined || known.includes(value)) return [];
    const partition = partitionOfRegion(value);
    const closest = closestRegion(value);
    const suggestion = closest ? ` Did you mean ${closest}?` : "";
    if (!partition) {
        return [
            {
                property,
                reason: `${property} ${quote(value)} is not a region of any AWS partition (aws, aws-cn, aws-us-gov, …).${suggestion}`,
            },
        ];
    }
    if (options.skipRegionValidation) return [];
    return [
        {
            property,
            reason:
                `${property} ${quote(value)} is not a known region of the ${partition.id} partition.${suggestion} ` +
                `If it is a region newer than this provider's AWS SDK, set the stack config aws:skipRegionValidation to true ` +
                `(pulumi config set aws:skipRegionValidation true) to accept it.`,
        },
    ];
}

/** Never shows the value. */
function tagProblems(key: string, v: unknown): string[] {
    const problems: string[] = [];
    const length = [...key].length;
    if (length === 0) {
        problems.push(`tags: keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters, got an empty key`);
    } else if (length > MAX_TAG_KEY_LENGTH) {
        problems.push(`tags: key ${quote(key)} is ${length} characters long; keys must be 1 to ${MAX_TAG_KEY_LENGTH}`);
    } else if (key === OWNER_TAG) {
        problems.push(`tags: key ${quote(key)} is reserved: it records which Pulumi resource created the authorization`);
    } else if (key.toLowerCase().startsWith("aws:")) {
        // Reserved in any case, though the Config model does not check it:
        // https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
        problems.push(`tags: key ${quote(key)} must not start with "aws:" (the prefix is reserved for AWS)`);
    }
    if (v === UNKNOWN) return problems;
    if (typeof v !== "string") {
        problems.push(`tags: the value of key ${quote(key)} must be a string, got ${kind(v)}`);
    } else if ([...v].length > MAX_TAG_VALUE_LENGTH) {
        problems.push(
            `tags: the value of key ${quote(key)} is ${[...v].length} characters long; values must be 0 to ${MAX_TAG_VALUE_LENGTH} (the value is not shown)`,
        );
    }
    return problems;
}

function tags(value: unknown): Failure[] {
    if (value === undefined || value === null || value === UNKNOWN) return [];
    if (typeof value !== "object" || Array.isArray(value)) {
        return [{ property: "tags", reason: `tags must be a map of string keys to string values, got ${kind(value)}` }];
    }
    const reasons: string[] = [];
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > MAX_TAGS) {
        reasons.push(
            `tags: at most ${MAX_TAGS} tags (AWS allows 50; one marks which Pulumi resource created the authorization), got ${entries.length}`,
        );
    }
    for (const [key, v] of entries) {
        if (key !== UNKNOWN) reasons.push(...tagProblems(key, v));
    }
    const shown = reasons.length > MAX_TAG_FAILURES + 1 ? reasons.slice(0, MAX_TAG_FAILURES) : reasons;
    if (shown.length < reasons.length) shown.push(`tags: ${reasons.length - shown.length} more problems with tags, not shown`);
    return shown.map((reason) => ({ property: "tags", reason }));
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

/** `SourceAccountAuthorizations`' `regions`: at least one, each valid, none twice, one partition. */
export function validateRegions(property: string, value: unknown, options: ValidateOptions = {}): Failure[] {
    if (value === UNKNOWN) return [];
    if (!Array.isArray(value) || value.length === 0) {
        return [
            {
                property,
                reason: `${property} must list at least one source region, e.g. ["us-east-1", "eu-west-1"], got ${Array.isArray(value) ? "an empty list" : describe(value)}`,
            },
        ];
    }
    const seen = new Set<unknown>();
    const each = value.flatMap((r, i) => {
        const where = `${property}[${i}]`;
        if (r !== UNKNOWN && seen.has(r)) return [{ property, reason: `${where} ${describe(r)} is listed twice; list each region once` }];
        seen.add(r);
        return region(where, r, "a source region such as us-east-1", options).map((f) => ({ ...f, property }));
    });
    if (each.length) return each;
    // An aggregator collects from one partition: authorizations across partitions cannot all serve it.
    const byPartition = new Map<string, string>();
    for (const r of value)
        if (typeof r === "string" && r !== UNKNOWN && !byPartition.has(partitionOf(r))) byPartition.set(partitionOf(r), r);
    if (byPartition.size < 2) return [];
    const named = [...byPartition].map(([p, r]) => `${r} in ${p}`).join(", ");
    return [
        {
            property,
            reason: `${property} must all be in one AWS partition, as the aggregator is, got ${named}; declare one resource per partition`,
        },
    ];
}

/** One failure per bad input, in input order. */
export function validate(inputs: Record<string, unknown>, options: ValidateOptions = {}): Failure[] {
    return [
        ...accountId("authorizedAccountId", inputs.authorizedAccountId),
        ...region("authorizedAwsRegion", inputs.authorizedAwsRegion, "the region of the aggregator, e.g. us-east-1", options),
        ...region(
            "region",
            inputs.region,
            "set the region input, the aws:region stack config (pulumi config set aws:region us-east-1), or AWS_REGION",
            options,
        ),
        ...tags(inputs.tags),
        ...boolean("adoptExisting", inputs.adoptExisting),
        ...boolean("takeOwnership", inputs.takeOwnership),
        ...boolean("takeOwnershipFromControlTower", inputs.takeOwnershipFromControlTower),
        ...(inputs.sourceAccountId === undefined ? [] : accountId("sourceAccountId", inputs.sourceAccountId)),
        ...exclusive(inputs),
        ...ownerTag(inputs.owner),
    ];
}
