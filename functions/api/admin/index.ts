import { createRouter } from "../../lib/router";
import { databaseRouter } from "./database";
import { jobsRouter } from "./jobs";
import { messagesIngestRouter } from "./messages";
import { searchIndexRouter } from "./search-index";
import { upstreamsRouter } from "./upstreams";

/** The admin API under /admin/v1 (behind the bearer token, see app.ts): one router per domain. */
export const adminRouter = createRouter()
  .route("/", jobsRouter)
  .route("/", searchIndexRouter)
  .route("/", databaseRouter)
  .route("/", messagesIngestRouter)
  .route("/", upstreamsRouter);
