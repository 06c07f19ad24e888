import { expect, it } from "vitest";
import { extent } from "../../functions/lib/extent";

it("finds the least and greatest of more numbers than a call may take as arguments", () => {
  const values = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_000);
  expect(() => Math.min(...values)).toThrow(RangeError);
  expect(extent(values)).toEqual([0, 499_999]);
  expect(extent([3])).toEqual([3, 3]);
});
