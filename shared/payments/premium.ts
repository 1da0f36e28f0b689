// A premium due, as the Integration Service describes it (docs/contracts.md) and as the
// gateway offers it to apps (the spec's AmkPaymentInquiryResDto).
import * as v from "valibot";
import { isCalendarDate } from "../amk/bank-time.ts";
import { amountProblem, CURRENCIES, toAmount, toMoney, type Money } from "./money.ts";

export interface Premium {
  /** The payment id: identifies this premium due, and is the KHQR invoice number. */
  id: number;
  policyNumber: string;
  payer: string;
  money: Money;
  dueDate: string;
}

/** The wire form, shared by the Integration Service and the inquiry response. */
export interface PremiumDto {
  id: number;
  policyNumber: string;
  payer: string;
  amount: number;
  currency: Money["currency"];
  dueDate: string;
}

export const PremiumDtoSchema = v.pipe(
  v.object({
    id: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
    policyNumber: v.pipe(v.string(), v.regex(/^[A-Za-z0-9]{1,10}$/)),
    payer: v.pipe(v.string(), v.nonEmpty(), v.maxLength(200)),
    amount: v.number(),
    currency: v.picklist(CURRENCIES),
    dueDate: v.pipe(v.string(), v.check(isCalendarDate, "dueDate must be yyyy-MM-dd")),
  }),
  v.forward(
    v.check((p) => amountProblem(p.amount, p.currency) === null, "amount is not valid for its currency"),
    ["amount"],
  ),
);

export function premiumFromDto(dto: v.InferOutput<typeof PremiumDtoSchema>): Premium {
  return { id: dto.id, policyNumber: dto.policyNumber, payer: dto.payer, money: toMoney(dto.amount, dto.currency), dueDate: dto.dueDate };
}

export function premiumToDto(premium: Premium): PremiumDto {
  return {
    id: premium.id,
    policyNumber: premium.policyNumber,
    payer: premium.payer,
    amount: toAmount(premium.money),
    currency: premium.money.currency,
    dueDate: premium.dueDate,
  };
}
