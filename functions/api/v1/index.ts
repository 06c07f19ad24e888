import { createRouter } from "../../lib/router";
import { authRouter } from "./auth";
import { authorsRouter } from "./authors";
import { emailsRouter } from "./emails";
import { listsRouter } from "./lists";
import { searchRouter } from "./search";
import { seriesRouter } from "./series";
import { threadsRouter } from "./threads";
import { usersRouter } from "./users";

/** The read API under /api/v1: one router per domain, their OpenAPI definitions merged here. */
export const readApiRouter = createRouter()
  .route("/", listsRouter)
  .route("/", threadsRouter)
  .route("/", emailsRouter)
  .route("/", authorsRouter)
  .route("/", seriesRouter)
  .route("/", searchRouter)
  .route("/", authRouter)
  .route("/", usersRouter);
