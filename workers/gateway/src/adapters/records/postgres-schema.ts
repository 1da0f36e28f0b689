// drizzle-kit's view of the PostgreSQL tables (drizzle/postgres.config.ts): it finds tables among a
// module's exports, so ./postgres.ts's postgresTables are exported here one by one. Nothing imports
// this file at run time.
import { postgresTables } from "./postgres.ts";

export const { premiums, payments, eventOutbox, khqrIssuances, webhookReceipts, paymentExceptions, paymentExceptionResolutions } =
  postgresTables;
