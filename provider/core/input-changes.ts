/**
 * Previews that show what changes, not the whole resource. A dynamic provider cannot return a detailed
 * diff (`cmd/dynamic-provider/index.ts` sets only changes and replaces), and for `changes: true` the
 * CLI's `--diff` prints every property, unchanged ones included: 30 lines per account for one region
 * added. For `changes` left unknown the engine diffs the old and new inputs itself and prints only the
 * changed paths (`step_generator.go` `diffResource`, `NewDetailedDiffFromObjectDiff`).
 *
 * That is safe only when the inputs differ: with equal inputs the engine would call it no change, and an
 * update the provider asked for from its outputs (a drift a refresh found, an unconfirmed creation)
 * would be skipped. The provider sees the old outputs, not the old inputs, so every result it returns
 * records a digest of the inputs it was made from (`__inputs`; the engine stores those same inputs, and
 * hides `__` keys from displays); a diff leaves `changes` unknown only when that digest differs from the
 * new inputs'. Replacements, and inputs that may hold secrets, keep the full view.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const INPUTS_KEY = "__inputs";

type Props = { [key: string]: unknown };

/** The digest of the inputs as the engine stores them (`__` keys, such as `__provider`, left out). */
export function inputsDigest(inputs: object): string | undefined {
    const own = inputs as Props;
    if (own.tagsMayBeSecret === true) return undefined; // no digest of secret values in the state
    const plain = Object.fromEntries(
        Object.keys(own)
            .filter((k) => !k.startsWith("__") && own[k] !== undefined)
            .sort()
            .map((k) => [k, own[k]]),
    );
    return createHash("sha256").update(canonical(plain)).digest("hex").slice(0, 32);
}

function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const o = value as Props;
        const keys = Object.keys(o)
            .filter((k) => o[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

function stamped<T>(outs: T, inputs: object | undefined): T {
    if (outs === undefined || outs === null || typeof outs !== "object") return outs;
    const digest = inputs === undefined ? undefined : inputsDigest(inputs);
    const copy = { ...(outs as Props) };
    if (digest === undefined) delete copy[INPUTS_KEY];
    else copy[INPUTS_KEY] = digest;
    return copy as T;
}

/** A partial create or update records `properties` as the outputs: stamp those too. */
async function stampingFailures<T>(run: Promise<T>, inputs: object): Promise<T> {
    try {
        return await run;
    } catch (err) {
        const e = err as { properties?: unknown };
        if (e && typeof e.properties === "object" && e.properties !== null) e.properties = stamped(e.properties, inputs);
        throw err;
    }
}

/** `provider`, with results stamped with their inputs' digest and in-place updates shown as input diffs. */
export function showingInputChanges<I, O>(provider: pulumi.dynamic.ResourceProvider<I, O>): pulumi.dynamic.ResourceProvider<I, O> {
    const { create, update, read, diff } = provider;
    return {
        ...provider,
        ...(create && {
            create: async (inputs: I) => {
                const r = await stampingFailures(create(inputs), inputs as object);
                return { ...r, outs: stamped(r.outs, inputs as object) };
            },
        }),
        ...(update && {
            update: async (id: string, olds: O, news: I) => {
                const r = await stampingFailures(update(id, olds, news), news as object);
                return { ...r, outs: stamped(r.outs, news as object) };
            },
        }),
        ...(read && {
            read: async (id: string, props?: O) => {
                const r = await read(id, props);
                if (r.props === undefined) return r;
                if (r.inputs === undefined) {
                    // Without inputs from the read, the engine keeps the old ones: so does the digest.
                    const kept = (props as Props | undefined)?.[INPUTS_KEY];
                    const outs = { ...(r.props as Props) };
                    if (kept === undefined) delete outs[INPUTS_KEY];
                    else outs[INPUTS_KEY] = kept;
                    return { ...r, props: outs as O };
                }
                const inputs = { ...(r.inputs as Props) };
                delete inputs[INPUTS_KEY];
                return { ...r, props: stamped(r.props, inputs), inputs: inputs as unknown as O };
            },
        }),
        ...(diff && {
            diff: async (id: string, olds: O, news: I) => {
                const d = await diff(id, olds, news);
                const recorded = (olds as Props)[INPUTS_KEY];
                const inPlace = d.changes === true && (d.replaces ?? []).length === 0;
                const digest = inputsDigest(news as object);
                if (!inPlace || typeof recorded !== "string" || digest === undefined || digest === recorded) return d;
                return { ...d, changes: undefined };
            },
        }),
    };
}
