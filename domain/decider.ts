/** The shape every event takes before it is stored: a type and its data. */
export type DomainEventLike = { type: string; data: unknown };

/**
 * A stream's rules as three pure functions: the state before any event, how an event changes
 * it, and which events a command produces (or which AppError refuses it).
 */
export type Decider<S, C, E extends DomainEventLike> = {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
};

/**
 * Any decider, as a registry holds it. Its methods take their parameters bivariantly, so a
 * concrete decider fits without a cast; the registry's own type keeps each concrete one.
 */
export type SomeDecider = Decider<unknown, unknown, DomainEventLike>;
export type StateOf<D> = D extends Decider<infer S, infer _C, infer _E> ? S : never;
export type CommandOf<D> = D extends Decider<infer _S, infer C, infer _E> ? C : never;
