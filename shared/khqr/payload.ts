// KHQR (NBC's profile of the EMVCo merchant-presented QR) as a pure encoder and decoder.
// A payload is a run of tag(2 digits) + length(2 digits) + value; some values are themselves such
// runs (templates). Lengths count characters, not bytes, and the CRC (tag 63) closes the string.
// Field limits follow NBC's reference SDK (`bakong-khqr`), so what we build its verify accepts.
import { amountProblem, type Currency } from "../payments/money.ts";
import { crc16CcittFalse } from "./crc.ts";

export type KhqrCurrency = Currency;

/** A dynamic (one-payment) merchant QR: tag 01 is "12", and it carries an amount and an expiry. */
export interface KhqrMerchantInput {
  /** Tag 30.00, `name@bank`. */
  bakongAccountId: string;
  /** Tag 30.01. */
  merchantId: string;
  /** Tag 30.02. */
  acquiringBank: string;
  /** Tag 59. */
  merchantName: string;
  /** Tag 60. */
  merchantCity: string;
  /** Tag 52; "5999" when absent. */
  merchantCategoryCode?: string;
  /** Tag 54: KHR whole riel, USD at most 2 decimals. */
  amount: number;
  /** Tag 53: "840" USD, "116" KHR. */
  currency: KhqrCurrency;
  /** Tag 62.01. */
  billNumber?: string;
  /** Tag 62.02. */
  mobileNumber?: string;
  /** Tag 62.03. */
  storeLabel?: string;
  /** Tag 62.07. */
  terminalLabel?: string;
  /** Tag 62.08. */
  purposeOfTransaction?: string;
  /** Tag 99.00, Unix milliseconds (passed in: these functions read no clock). */
  createdAtMs: number;
  /** Tag 99.01, Unix milliseconds; a dynamic KHQR must carry it. */
  expiresAtMs: number;
}

/** Sub-tags of one template tag, by sub-tag id. */
export type KhqrTemplate = Record<string, string>;

/** Top-level tags by id. Templates (29, 30, 62, 64, 99) are decoded one level down. */
export interface KhqrTags {
  "00"?: string;
  "01"?: string;
  "15"?: string;
  "29"?: KhqrTemplate;
  "30"?: KhqrTemplate;
  "52"?: string;
  "53"?: string;
  "54"?: string;
  "58"?: string;
  "59"?: string;
  "60"?: string;
  "62"?: KhqrTemplate;
  "63"?: string;
  "64"?: KhqrTemplate;
  "99"?: KhqrTemplate;
  [tag: string]: string | KhqrTemplate | undefined;
}

export interface ParsedKhqr {
  tags: KhqrTags;
  /** The CRC the string carries (tag 63), if any. */
  crc: string | undefined;
  /** Tag 63 is last, 4 hex digits, and matches the CRC of everything before its value. */
  crcValid: boolean;
}

/** A field that cannot be encoded, or a string that is not a TLV run. `field` names the culprit. */
export class KhqrError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`KHQR ${field}: ${message}`);
    this.name = "KhqrError";
    this.field = field;
  }
}

export const KHQR_CURRENCY_CODE: Record<KhqrCurrency, string> = { USD: "840", KHR: "116" };

const TEMPLATE_TAGS = new Set(["29", "30", "62", "64", "99"]);
const MAX_VALUE_LENGTH = 99;
const TIMESTAMP_DIGITS = 13;

export function buildKhqr(input: KhqrMerchantInput): string {
  const merchantAccount =
    tlv("bakongAccountId", "00", bakongAccountId(input.bakongAccountId)) +
    tlv("merchantId", "01", required("merchantId", input.merchantId, 32)) +
    tlv("acquiringBank", "02", required("acquiringBank", input.acquiringBank, 32));

  const additionalData = [
    optionalTlv("billNumber", "01", input.billNumber, 25),
    optionalTlv("mobileNumber", "02", input.mobileNumber, 25),
    optionalTlv("storeLabel", "03", input.storeLabel, 25),
    optionalTlv("terminalLabel", "07", input.terminalLabel, 25),
    optionalTlv("purposeOfTransaction", "08", input.purposeOfTransaction, 25),
  ].join("");

  const { createdAtMs, expiresAtMs } = input;
  const timestamps =
    tlv("createdAtMs", "00", timestamp("createdAtMs", createdAtMs)) + tlv("expiresAtMs", "01", timestamp("expiresAtMs", expiresAtMs));
  if (expiresAtMs <= createdAtMs) throw new KhqrError("expiresAtMs", "must be after createdAtMs");

  const body =
    tlv("payloadFormatIndicator", "00", "01") +
    tlv("pointOfInitiationMethod", "01", "12") +
    tlv("merchantAccount", "30", merchantAccount) +
    tlv("merchantCategoryCode", "52", merchantCategoryCode(input.merchantCategoryCode ?? "5999")) +
    tlv("currency", "53", currencyCode(input.currency)) +
    tlv("amount", "54", formatAmount(input.amount, input.currency)) +
    tlv("countryCode", "58", "KH") +
    tlv("merchantName", "59", required("merchantName", input.merchantName, 25)) +
    tlv("merchantCity", "60", required("merchantCity", input.merchantCity, 15)) +
    (additionalData ? tlv("additionalData", "62", additionalData) : "") +
    tlv("timestamps", "99", timestamps) +
    "6304";
  return body + crc16CcittFalse(body);
}

/** Decodes any KHQR string; throws KhqrError only when it is not a well-formed TLV run. */
export function parseKhqr(text: string): ParsedKhqr {
  const fields = readTlvRun(text, "payload");
  const tags: KhqrTags = {};
  for (const { tag, value } of fields) {
    if (tag in tags) throw new KhqrError(`tag ${tag}`, "appears more than once");
    tags[tag] = TEMPLATE_TAGS.has(tag) ? readTemplate(tag, value) : value;
  }

  const last = fields[fields.length - 1];
  const crc = typeof tags["63"] === "string" ? tags["63"] : undefined;
  let crcValid = false;
  if (last?.tag === "63" && crc !== undefined && /^[0-9A-Fa-f]{4}$/.test(crc)) {
    const signed = Array.from(text).slice(0, last.valueStart).join("");
    crcValid = crc16CcittFalse(signed) === crc.toUpperCase();
  }
  return { tags, crc, crcValid };
}

interface TlvField {
  tag: string;
  value: string;
  /** Index, in characters, of the value's first character within the parsed text. */
  valueStart: number;
}

function readTlvRun(text: string, where: string): TlvField[] {
  const chars = Array.from(text);
  const fields: TlvField[] = [];
  let position = 0;
  while (position < chars.length) {
    const header = chars.slice(position, position + 4).join("");
    if (!/^\d{4}$/.test(header)) {
      throw new KhqrError(where, `expected a 2-digit tag and 2-digit length at character ${position}, found "${header}"`);
    }
    const tag = header.slice(0, 2);
    const length = Number(header.slice(2));
    const valueStart = position + 4;
    if (valueStart + length > chars.length) {
      throw new KhqrError(where, `tag ${tag} declares ${length} characters but only ${chars.length - valueStart} remain`);
    }
    fields.push({ tag, value: chars.slice(valueStart, valueStart + length).join(""), valueStart });
    position = valueStart + length;
  }
  return fields;
}

function readTemplate(tag: string, value: string): KhqrTemplate {
  const template: KhqrTemplate = {};
  for (const field of readTlvRun(value, `tag ${tag}`)) {
    if (field.tag in template) throw new KhqrError(`tag ${tag}.${field.tag}`, "appears more than once");
    template[field.tag] = field.value;
  }
  return template;
}

function characters(value: string): number {
  return Array.from(value).length;
}

function tlv(field: string, tag: string, value: string): string {
  const length = characters(value);
  if (length > MAX_VALUE_LENGTH)
    throw new KhqrError(field, `encodes to ${length} characters; a KHQR field holds at most ${MAX_VALUE_LENGTH}`);
  return `${tag}${String(length).padStart(2, "0")}${value}`;
}

function required(field: string, value: string | undefined, max: number): string {
  if (typeof value !== "string" || value.length === 0) throw new KhqrError(field, "is required");
  const length = characters(value);
  if (length > max) throw new KhqrError(field, `is ${length} characters long; at most ${max} allowed`);
  return value;
}

function optionalTlv(field: string, tag: string, value: string | undefined, max: number): string {
  return value === undefined || value === "" ? "" : tlv(field, tag, required(field, value, max));
}

function bakongAccountId(value: string): string {
  required("bakongAccountId", value, 32);
  if (value.split("@").length !== 2) throw new KhqrError("bakongAccountId", `must look like name@bank, got "${value}"`);
  return value;
}

function merchantCategoryCode(value: string): string {
  if (!/^\d{4}$/.test(value)) throw new KhqrError("merchantCategoryCode", `must be 4 digits, got "${value}"`);
  return value;
}

function currencyCode(currency: KhqrCurrency): string {
  const code = KHQR_CURRENCY_CODE[currency];
  if (!code) throw new KhqrError("currency", `must be USD or KHR, got "${String(currency)}"`);
  return code;
}

/** As NBC's SDK writes it: KHR and whole USD without decimals, other USD with exactly two. */
function formatAmount(amount: number, currency: KhqrCurrency): string {
  const problem = amountProblem(amount, currency);
  if (problem) throw new KhqrError("amount", `${amount} ${problem}`);
  const text = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  if (text.length > 13) throw new KhqrError("amount", `"${text}" is ${text.length} characters long; at most 13 allowed`);
  return text;
}

function timestamp(field: string, value: number): string {
  const text = String(value);
  if (!Number.isSafeInteger(value) || value <= 0 || text.length !== TIMESTAMP_DIGITS) {
    throw new KhqrError(field, `must be Unix milliseconds with ${TIMESTAMP_DIGITS} digits, got ${text}`);
  }
  return text;
}
