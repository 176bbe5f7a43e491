/**
 * Counts the calls of one method on one object: the wrapper is set on the object itself, so it
 * shadows the class's method for that instance only, and production code keeps no counters.
 */
export function countCalls<T extends object>(
  target: T,
  method: keyof T,
): { readonly count: number } {
  const original = target[method] as (...args: unknown[]) => unknown;
  const counter = { count: 0 };
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      counter.count++;
      return original.apply(target, args);
    },
  });
  return counter;
}
