import assert from "node:assert/strict";
import type { Decider } from "../decider.ts";
import { AppError } from "../errors.ts";
import { deciderSpec } from "./decider_spec.ts";

type Added = { type: "Added"; data: { n: number } };
type Add = { type: "Add"; n: number };

/** A counter that refuses to go past 10: small enough that every outcome is obvious. */
const counter: Decider<number, Add, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.n,
  decide: (command, total) => {
    if (command.n < 0) throw new TypeError("not a domain refusal");
    if (total + command.n > 10) {
      throw new AppError("quota_exceeded", `${total} + ${command.n} is over 10`, {
        field: "n",
        extra: { total },
      });
    }
    return command.n === 0 ? [] : [{ type: "Added", data: { n: command.n } }];
  },
};
const spec = deciderSpec(counter);
const added = (n: number): Added => ({ type: "Added", data: { n } });

Deno.test("given folds the history with evolve, from the initial state", () => {
  assert.equal(spec.given([]).state, 0);
  assert.equal(spec.given([added(2), added(3)]).state, 5);
});

Deno.test("then passes on the exact events and returns them", () => {
  assert.deepEqual(spec.given([added(2)]).when({ type: "Add", n: 3 }).then([added(3)]), [added(3)]);
  spec.given([]).when({ type: "Add", n: 0 }).then([]);
});

Deno.test("then fails when the events differ in data, count or kind", () => {
  const when = spec.given([]).when({ type: "Add", n: 3 });
  assert.throws(() => when.then([added(4)]), assert.AssertionError);
  assert.throws(() => when.then([]), assert.AssertionError);
  assert.throws(() => when.then([added(3), added(3)]), assert.AssertionError);
});

Deno.test("then fails when events were expected but the command was refused", () => {
  assert.throws(
    () => spec.given([added(9)]).when({ type: "Add", n: 2 }).then([added(2)]),
    AppError,
  );
});

Deno.test("then({ error }) and thenError pass on the code and return the refusal", () => {
  const when = spec.given([added(9)]).when({ type: "Add", n: 2 });
  const err = when.then({ error: "quota_exceeded", field: "n", extra: { total: 9 } });
  assert.equal(err.code, "quota_exceeded");
  assert.equal(when.thenError("quota_exceeded", { message: /9 \+ 2/ }).details.field, "n");
});

Deno.test("a refusal fails on events, another code, field, extra or message", () => {
  const accepted = spec.given([]).when({ type: "Add", n: 2 });
  assert.throws(() => accepted.thenError("quota_exceeded"), assert.AssertionError);
  assert.throws(() => accepted.then({ error: "quota_exceeded" }), assert.AssertionError);
  const refused = spec.given([added(9)]).when({ type: "Add", n: 2 });
  assert.throws(() => refused.thenError("not_found"), assert.AssertionError);
  assert.throws(() => refused.thenError("quota_exceeded", { field: "m" }), assert.AssertionError);
  assert.throws(
    () => refused.thenError("quota_exceeded", { extra: { total: 8 } }),
    assert.AssertionError,
  );
  assert.throws(
    () => refused.thenError("quota_exceeded", { message: /over 11/ }),
    assert.AssertionError,
  );
});

Deno.test("a refusal fails when the decider throws something other than an AppError", () => {
  assert.throws(
    () => spec.given([]).when({ type: "Add", n: -1 }).thenError("validation_error"),
    assert.AssertionError,
  );
});
