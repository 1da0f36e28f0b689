// The round-trip count the bench and test/gateway/round-trips.test.ts read (x-round-trips): calls
// waited on together are one round trip, calls one after another are one each. In workerd the
// clock moves in whole milliseconds and only at I/O, so a call answered within the same
// millisecond lasts 0 ms: the count must come from the order of starts and answers, not the clock.
import { equal } from "node:assert/strict";
import { StepTimings, timed } from "#shared/platform/http/step-timings.ts";

const answered = <T>(value: T) => Promise.resolve(value);
const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 2));

/** Runs `work` with the clock stopped, as workerd's stands still between two pieces of I/O. */
async function withStoppedClock(work: () => Promise<void>): Promise<void> {
  const stopped = performance.now();
  performance.now = () => stopped;
  try {
    await work();
  } finally {
    // The stand-in was an own property: removing it brings back the platform's clock.
    delete (performance as { now?: unknown }).now;
  }
}

const port = () => ({ admit: () => answered("admitted"), findPremium: () => later(null), commit: () => answered("committed") });

Deno.test("two calls side by side are one round trip, even when one is answered within the same millisecond", async () => {
  await withStoppedClock(async () => {
    const steps = new StepTimings();
    const records = timed(port(), "records", steps);
    await Promise.all([records.admit(), records.findPremium()]);
    await records.commit();
    equal(
      steps.roundTrips(() => true),
      2,
    );
  });
});

Deno.test("calls one after another are one round trip each, even when the clock did not move", async () => {
  await withStoppedClock(async () => {
    const steps = new StepTimings();
    const records = timed(port(), "records", steps);
    await records.admit();
    await records.findPremium();
    await records.commit();
    equal(
      steps.roundTrips(() => true),
      3,
    );
  });
});

Deno.test("a call that fails beside another is one round trip with it", async () => {
  await withStoppedClock(async () => {
    const steps = new StepTimings();
    const records = timed(
      { admit: () => Promise.reject(new Error("store unavailable")), findPremium: () => later(null) },
      "records",
      steps,
    );
    await Promise.allSettled([records.admit(), records.findPremium()]);
    equal(
      steps.roundTrips(() => true),
      1,
    );
  });
});

Deno.test("only the steps asked for are counted", async () => {
  const steps = new StepTimings();
  const records = timed(port(), "records", steps);
  const amk = timed({ verify: () => later("SUCCESS") }, "amk", steps);
  await records.admit();
  await amk.verify();
  await records.commit();
  equal(
    steps.roundTrips((step) => step.startsWith("records.")),
    2,
  );
  equal(
    steps.roundTrips((step) => step.startsWith("amk.")),
    1,
  );
});
