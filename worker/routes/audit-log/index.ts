import { createRouter } from "../openapi";
import * as handlers from "./audit-log.handlers";
import * as routes from "./audit-log.routes";

/** /v1/audit-log: the tenant's audit log (admins). */
export const auditLogRouter = createRouter().openapi(routes.getAuditLog, handlers.getAuditLog);
