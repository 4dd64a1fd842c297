/**
 * @module core/soon
 * Runs a callback in the current microtask checkpoint, after the synchronous code that asked for
 * it. The same as `queueMicrotask`, minus the async-hooks resource Node creates for each call: the
 * serving hot path asks for one per request, where that resource was a visible cost.
 */
const RESOLVED = Promise.resolve();

/** Runs `fn` as a microtask. An error it throws is an unhandled rejection: catch inside `fn`. */
export function soon(fn: () => void): void {
  void RESOLVED.then(fn);
}
