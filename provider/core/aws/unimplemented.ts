/**
 * Answers that say the endpoint does not implement the operation: not a fault of the service, and
 * the same answer every time, so they are neither retried nor blamed on AWS.
 *
 * - `UnknownOperationException`: what an AWS JSON-protocol service answers to an `X-Amz-Target` it
 *   does not have (in that partition or region, or in an emulator that lacks it).
 * - HTTP 404 or 501: AWS Config and STS take every operation at one path, so a 404 is not their
 *   answer, and 501 is "Not Implemented".
 * - An HTML page with a status below 502: AWS answers its errors in its protocol (JSON for Config, XML
 *   for STS), so an HTML page comes from something else at that address; moto answers an operation
 *   it lacks with a 500 HTML page. 502, 503 and 504 stay retryable: gateways answer them while what
 *   is behind them recovers.
 */

/** The parts of an SDK error this looks at. */
interface AnsweredError {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    /** The HTTP answer (the SDK keeps it on the error, not enumerable). */
    $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** The error code AWS gives an operation it does not have. */
export const UNKNOWN_OPERATION = "UnknownOperationException";

/**
 * What the endpoint answered, in words, when the answer says it does not implement the operation
 * (`"UnknownOperationException"`, `"HTTP 404"`, `"HTTP 500 with an HTML page"`); else undefined.
 */
export function unimplementedAnswer(err: unknown): string | undefined {
    if (typeof err !== "object" || err === null) return undefined;
    const e = err as AnsweredError;
    if (e.name === UNKNOWN_OPERATION) return UNKNOWN_OPERATION;
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    if (status === undefined) return undefined;
    const headers = e.$response?.headers ?? {};
    const type = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
    const html = /^\s*text\/html\b/i.test(type);
    if (html && status < 502) return `HTTP ${status} with an HTML page`;
    if (status === 404 || status === 501) return `HTTP ${status}`;
    return undefined;
}
