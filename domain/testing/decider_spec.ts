import assert from "node:assert/strict";
import type { Decider, DomainEventLike } from "../decider.ts";
import { AppError, type AppErrorCode } from "../errors.ts";

/**
 * What a refusal must look like: its code, and when given, the field at fault, the facts it
 * carries (`details.extra`, compared whole) and its message.
 */
export type ExpectedRefusal = {
  error: AppErrorCode;
  field?: string;
  extra?: Record<string, unknown>;
  message?: RegExp;
};

/**
 * The outcome of one decided command, checked against what the test expects. Its `then` makes it
 * look like a promise to `await`, so it is used synchronously only.
 */
export type Outcome<E> = {
  /** The command produced exactly these events (deepEqual), in this order; returns them. */
  then(expected: E[]): E[];
  /** The command was refused with this AppError; returns it for further checks. */
  then(expected: ExpectedRefusal): AppError;
  thenError(code: AppErrorCode, expect?: Omit<ExpectedRefusal, "error">): AppError;
  /** The events as produced, for a test that only cares about some of their fields. */
  events(): E[];
};

export type Given<S, C, E> = {
  /** The state the history folds to, for tests that check what the events did. */
  state: S;
  when(command: C): Outcome<E>;
};

/**
 * Given/When/Then over a decider: `spec.given(history).when(command).then(events)` folds the
 * history with `evolve`, decides the command and compares with deepEqual, so a test reads as the
 * rule it states and a wrong expectation fails instead of passing silently.
 */
export function deciderSpec<S, C, E extends DomainEventLike>(decider: Decider<S, C, E>) {
  return {
    given(history: E[]): Given<S, C, E> {
      const state = history.reduce(decider.evolve, decider.initialState());
      return { state, when: (command) => outcome(() => decider.decide(command, state)) };
    },
  };
}

function outcome<E>(decide: () => E[]): Outcome<E> {
  const refused = (expected: ExpectedRefusal): AppError => {
    let produced: E[];
    try {
      produced = decide();
    } catch (err) {
      assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
      assert.equal(err.code, expected.error, err.message);
      if (expected.field !== undefined) assert.equal(err.details.field, expected.field);
      if (expected.extra !== undefined) assert.deepEqual(err.details.extra, expected.extra);
      if (expected.message !== undefined) assert.match(err.message, expected.message);
      return err;
    }
    assert.fail(`expected ${expected.error}, got events ${JSON.stringify(produced)}`);
  };
  function then(expected: E[]): E[];
  function then(expected: ExpectedRefusal): AppError;
  function then(expected: E[] | ExpectedRefusal): E[] | AppError {
    if (!Array.isArray(expected)) return refused(expected);
    const produced = decide();
    assert.deepEqual(produced, expected);
    return produced;
  }
  return {
    then,
    thenError: (code, expect = {}) => refused({ ...expect, error: code }),
    events: decide,
  };
}
