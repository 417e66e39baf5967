/**
 * A mocha root hook plugin (`mocha --require dist/test/harness/leaks.js`, used by the unit and
 * provider tiers) that records every message the code under test produces — errors thrown by the
 * provider's methods, `check` failures, `validate` failures, translated AWS errors, and anything
 * written with console.* — and, after the whole run, fails if any of them contains one of the
 * tests' fake secrets (credentials, session token, endpoint userinfo password, secret tag values).
 */
import * as assert from "node:assert/strict";
import * as errors from "../../provider/core/aws/errors";
import { host, setNoticeSink } from "./run";
import { provider } from "../../provider";
import * as validation from "../../provider/core/model/validate";
import { FAKE_SECRETS } from "./secrets";

export interface Recorded {
    source: string;
    text: string;
}

const recorded: Recorded[] = [];

export function record(source: string, text: unknown): void {
    recorded.push({ source, text: String(text) });
}

/** The messages so far (for the hook's own test). */
export function messages(): readonly Recorded[] {
    return recorded;
}

/** The recorded messages that contain one of `secrets`, with the name of the secret found. */
export function findLeaks(texts: readonly Recorded[], secrets: Readonly<Record<string, string>> = FAKE_SECRETS): string[] {
    const found: string[] = [];
    for (const { source, text } of texts) {
        for (const [name, secret] of Object.entries(secrets)) {
            if (text.includes(secret)) found.push(`${name} in ${source}: ${text.slice(0, 300)}`);
        }
    }
    return found;
}

function recordError(source: string, err: unknown): void {
    const e = err as { message?: unknown; reasons?: unknown };
    record(source, e?.message ?? err);
    if (Array.isArray(e?.reasons)) e.reasons.forEach((r) => record(`${source} (reasons)`, r));
}

let installed = false;

/** Wraps the provider's methods, `validate`, `translate` and console.* so that every message is recorded. */
export function install(): void {
    if (installed) return;
    installed = true;
    // Notices (Run.notice, provider/core/run.ts: what the engine shows of the provider's stdout); tests that read them chain to this sink.
    const print = setNoticeSink((line) => {
        record("notice", line);
        print(line);
    });
    const p = provider as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
        const original = p[method];
        if (typeof original !== "function") continue;
        p[method] = async function (this: unknown, ...args: unknown[]) {
            try {
                const result = (await original.apply(this, args)) as { failures?: { reason: string }[] } | undefined;
                for (const f of result?.failures ?? []) record(`${method} failure`, f.reason);
                return result;
            } catch (err) {
                recordError(method, err);
                throw err;
            }
        };
    }
    // The provider calls these through their modules' exports, so wrapping the exports sees every call.
    const v = validation as { validate: typeof validation.validate };
    const validate = v.validate;
    v.validate = (...args) => {
        const failures = validate(...args);
        failures.forEach((f) => record("validate", f.reason));
        return failures;
    };
    const e = errors as { translate: typeof errors.translate; deadlineError: typeof errors.deadlineError };
    const translate = e.translate;
    e.translate = (...args) => {
        const out = translate(...args);
        record("translate", out.message);
        return out;
    };
    const deadlineError = e.deadlineError;
    e.deadlineError = (...args) => {
        const out = deadlineError(...args);
        record("deadlineError", out.message);
        return out;
    };
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
        const original = console[level];
        console[level] = (...args: unknown[]) => {
            record(`console.${level}`, args.map(String).join(" "));
            original.apply(console, args);
        };
    }
}

export const mochaHooks = {
    beforeAll(): void {
        install();
    },
    // Each test is a run of its own: what another test's run saw (a cause told whole, a delete) is forgotten.
    beforeEach(): void {
        host.forget();
    },
    afterAll(): void {
        // A scan of nothing proves nothing: both tiers produce dozens of messages.
        assert.ok(recorded.length >= 20, `only ${recorded.length} messages were recorded: is the recorder still wrapping the provider?`);
        const leaks = findLeaks(recorded);
        assert.deepEqual(leaks, [], `fake secrets leaked into ${leaks.length} of ${recorded.length} messages`);
    },
};
