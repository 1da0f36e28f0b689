// drizzle-kit's view of the D1 tables (drizzle/d1.config.ts): it finds tables among a module's
// exports, so ./d1.ts's d1Tables are exported here one by one. Nothing imports this file at run time.
import { d1Tables } from "./d1.ts";

export const { premiums, payments, eventOutbox, khqrIssuances, webhookReceipts, paymentExceptions, paymentExceptionResolutions } = d1Tables;
