import type { WorkflowDeps } from "../workflows/deps";
import type { BoundaryScope } from "./boundary";

/** What an operation runs with, on either edge: the workflows' dependencies and the authenticated caller. */
export interface OperationScope extends WorkflowDeps, BoundaryScope {}
