import assert from "node:assert/strict";
import type { Decider, DomainEventLike } from "../decider.ts";
import { DomainError, type DomainErrorCode } from "../errors.ts";

/** What a refusal must look like; `field`, `details` and `message` are checked only when given. */
export type ExpectedRefusal = {
  error: DomainErrorCode;
  field?: string;
  details?: Record<string, unknown>;
  message?: RegExp;
};

/**
 * The outcome of one decided command, checked against what the test expects. Its `then` makes it
 * look like a promise to `await`, so it is used synchronously only.
 */
export type Outcome<E> = {
  /** The command produced exactly these events (deepEqual), in this order; returns them. */
  then(expected: E[]): E[];
  /** The command was refused with this DomainError; returns it for further checks. */
  then(expected: ExpectedRefusal): DomainError;
  thenError(code: DomainErrorCode, expect?: Omit<ExpectedRefusal, "error">): DomainError;
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
  const refused = (expected: ExpectedRefusal): DomainError => {
    let produced: E[];
    try {
      produced = decide();
    } catch (err) {
      assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
      assert.equal(err.code, expected.error, err.message);
      if (expected.field !== undefined) assert.equal(err.field, expected.field);
      if (expected.details !== undefined) assert.deepEqual(err.details, expected.details);
      if (expected.message !== undefined) assert.match(err.message, expected.message);
      return err;
    }
    assert.fail(`expected ${expected.error}, got events ${JSON.stringify(produced)}`);
  };
  function then(expected: E[]): E[];
  function then(expected: ExpectedRefusal): DomainError;
  function then(expected: E[] | ExpectedRefusal): E[] | DomainError {
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
