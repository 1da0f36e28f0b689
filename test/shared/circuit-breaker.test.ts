import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "#shared/platform/circuit-breaker.ts";

describe("CircuitBreaker", () => {
  const settings = { threshold: 5, openMs: 30_000 };

  it("stays closed below the threshold and resets on success", () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 4; i++) breaker.failed(0);
    expect(breaker.allows(0)).toBe(true);
    breaker.succeeded();
    for (let i = 0; i < 4; i++) breaker.failed(0);
    expect(breaker.allows(0)).toBe(true);
  });

  it("opens after 5 consecutive failures, then lets exactly one probe through after 30 s", () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 5; i++) breaker.failed(1_000);
    expect(breaker.allows(1_000)).toBe(false);
    expect(breaker.allows(30_999)).toBe(false);
    expect(breaker.allows(31_000)).toBe(true);
    expect(breaker.allows(31_001)).toBe(false);
    breaker.succeeded();
    expect(breaker.allows(31_002)).toBe(true);
  });

  it("re-opens when the probe fails", () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 5; i++) breaker.failed(0);
    expect(breaker.allows(30_000)).toBe(true);
    breaker.failed(30_000);
    expect(breaker.allows(30_001)).toBe(false);
    expect(breaker.allows(60_000)).toBe(true);
  });

  it("lets a new probe through when the last one never reported back (its request was cancelled)", () => {
    const breaker = new CircuitBreaker(settings);
    for (let i = 0; i < 5; i++) breaker.failed(0);
    expect(breaker.allows(30_000)).toBe(true); // the probe goes out and is never heard of again
    expect(breaker.allows(45_000)).toBe(false);
    expect(breaker.allows(60_000)).toBe(true);
    breaker.succeeded();
    expect(breaker.allows(60_001)).toBe(true);
  });
});
