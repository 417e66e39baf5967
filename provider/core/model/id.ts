/**
 * Identity of an aggregation authorization: its ARN (the resource ID) and its lookup key
 * `authorizedAccountId:authorizedAwsRegion` (what AWS keys authorizations by inside one source
 * account and region).
 */

import { ID_ECHO_LIMIT, quote } from "./redact";

/** Separator of the lookup key `authorizedAccountId:authorizedAwsRegion`. */
export const KEY_SEPARATOR = ":";

/** The parts of an aggregation authorization ARN. */
export interface ArnParts {
    partition: string;
    /** The source region the authorization lives in. */
    region: string;
    /** The source account the authorization lives in. */
    accountId: string;
    authorizedAccountId: string;
    authorizedAwsRegion: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):config:([a-z0-9-]+):(\d{12}):aggregation-authorization\/(\d{12})\/([a-z0-9-]+)$/;

const ARN_FORMAT =
    "arn:<partition>:config:<source region>:<source account>:aggregation-authorization/<authorized account>/<authorized region>";

/** Parses an aggregation authorization ARN, or throws an error that states the expected format. */
export function parseArn(arn: string): ArnParts {
    const m = ARN_PATTERN.exec(arn);
    if (!m) {
        throw new Error(`unexpected format for aggregation authorization ARN ${quote(arn, ID_ECHO_LIMIT)}, expected ${ARN_FORMAT}`);
    }
    return { partition: m[1], region: m[2], accountId: m[3], authorizedAccountId: m[4], authorizedAwsRegion: m[5] };
}

/** Builds the ARN AWS gives an authorization (used to look one up before it is created). */
export function buildArn(p: Omit<ArnParts, "partition"> & { partition?: string }): string {
    const partition = p.partition ?? partitionOf(p.region);
    return `arn:${partition}:config:${p.region}:${p.accountId}:aggregation-authorization/${p.authorizedAccountId}/${p.authorizedAwsRegion}`;
}

/** The AWS partition a region belongs to. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

/** Builds the lookup key `authorizedAccountId:authorizedAwsRegion`. */
export function buildKey(authorizedAccountId: string, authorizedAwsRegion: string): string {
    return `${authorizedAccountId}${KEY_SEPARATOR}${authorizedAwsRegion}`;
}

const KEY_FORMAT = `<authorized account>${KEY_SEPARATOR}<authorized region>, e.g. 123456789012${KEY_SEPARATOR}us-east-1`;

/** The ID formats `AggregationAuthorization.get` (and an import) accepts. */
export const ID_FORMATS = `expected the authorization's ARN, ${ARN_FORMAT}, or ${KEY_FORMAT}`;

/** Parses the lookup key, or throws an error that states the accepted formats (the key, or the ARN). */
export function parseKey(key: string): { authorizedAccountId: string; authorizedAwsRegion: string } {
    const parts = key.split(KEY_SEPARATOR);
    if (parts.length !== 2 || !/^\d{12}$/.test(parts[0]) || parts[1] === "") {
        throw new Error(`unexpected format for aggregation authorization ID ${quote(key, ID_ECHO_LIMIT)}: ${ID_FORMATS}`);
    }
    return { authorizedAccountId: parts[0], authorizedAwsRegion: parts[1] };
}

/** Parses a resource ID given by a user: the ARN, or the lookup key. Errors name both formats. */
export function parseId(
    id: string,
): { arn: string; parts: ArnParts } | { key: { authorizedAccountId: string; authorizedAwsRegion: string } } {
    if (!id.startsWith("arn:")) return { key: parseKey(id) };
    const m = ARN_PATTERN.exec(id);
    if (!m) throw new Error(`unexpected format for aggregation authorization ID ${quote(id, ID_ECHO_LIMIT)}: ${ID_FORMATS}`);
    return { arn: id, parts: parseArn(id) };
}
