// Generated from the hub's /api/openapi.json by apps/hub/src/openapi/api-types.ts: do not edit.
// Regenerate: npx --yes pnpm@10 --filter @synchub/hub api-types
export interface paths {
    "/api/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts of the customer store with their CS company and counts */
        get: {
            parameters: {
                query?: {
                    connectionId?: string;
                    limit?: number;
                    offset?: number | null;
                    q?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccountList"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One account with its companies, newest activities, survey responses and usage */
        get: {
            parameters: {
                query?: {
                    connectionId?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AccountDetail"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alert rules with their channels and state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: components["schemas"]["AlertRule"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a rule */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @default {
                         *       "webhook": null,
                         *       "email": null
                         *     }
                         */
                        channels?: {
                            /** @default null */
                            email?: {
                                /** Format: email */
                                from: string;
                                host: string;
                                password?: string | null;
                                port?: number;
                                /** @default false */
                                secure?: boolean;
                                to: string[];
                                /** @default null */
                                user?: string | null;
                            } | null;
                            /** @default null */
                            webhook?: {
                                url: string;
                            } | null;
                        };
                        condition: {
                            /** @default null */
                            pipelineId?: string | null;
                            /** @enum {string} */
                            type: "run_failed";
                        } | {
                            /** @default 2 */
                            periods?: number;
                            /** @default null */
                            pipelineId?: string | null;
                            /** @enum {string} */
                            type: "pipeline_stale";
                        } | {
                            /** @default null */
                            destinationId?: string | null;
                            /** @default 60 */
                            periodMinutes?: number;
                            threshold: number;
                            /** @enum {string} */
                            type: "failed_events";
                        } | {
                            /** @default null */
                            budget?: string | null;
                            /** @default 0 */
                            minutes?: number;
                            percent: number;
                            /** @enum {string} */
                            type: "budget_used";
                        } | {
                            /** @default null */
                            destinationId?: string | null;
                            minutes: number;
                            /** @enum {string} */
                            type: "waiting_age";
                        };
                        /** @default true */
                        enabled?: boolean;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: components["schemas"]["AlertRule"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One rule */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: components["schemas"]["AlertRule"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a rule */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        channels?: {
                            /** @default null */
                            email?: {
                                /** Format: email */
                                from: string;
                                host: string;
                                password?: string | null;
                                port?: number;
                                /** @default false */
                                secure?: boolean;
                                to: string[];
                                /** @default null */
                                user?: string | null;
                            } | null;
                            /** @default null */
                            webhook?: {
                                url: string;
                            } | null;
                        };
                        condition?: {
                            /** @default null */
                            pipelineId?: string | null;
                            /** @enum {string} */
                            type: "run_failed";
                        } | {
                            /** @default 2 */
                            periods?: number;
                            /** @default null */
                            pipelineId?: string | null;
                            /** @enum {string} */
                            type: "pipeline_stale";
                        } | {
                            /** @default null */
                            destinationId?: string | null;
                            /** @default 60 */
                            periodMinutes?: number;
                            threshold: number;
                            /** @enum {string} */
                            type: "failed_events";
                        } | {
                            /** @default null */
                            budget?: string | null;
                            /** @default 0 */
                            minutes?: number;
                            percent: number;
                            /** @enum {string} */
                            type: "budget_used";
                        } | {
                            /** @default null */
                            destinationId?: string | null;
                            minutes: number;
                            /** @enum {string} */
                            type: "waiting_age";
                        };
                        enabled?: boolean;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: components["schemas"]["AlertRule"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/alerts/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test alert through each channel */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AlertTestResult"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/budgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Budgets a rule can name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budgets: components["schemas"]["AlertBudget"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notifications sent, newest first */
        get: {
            parameters: {
                query?: {
                    before?: number;
                    limit?: number;
                    ruleId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            history: components["schemas"]["AlertHistoryEntry"][];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Configuration changes and manual runs */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            entries: components["schemas"]["AuditEntry"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/backlog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What waits for delivery per destination, with the budget's estimate */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            at: number;
                            backlog: components["schemas"]["BacklogEntry"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The configuration as one document (secrets as environment variable references) and the variables to set */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            document: {
                                /** @default [] */
                                alerts: {
                                    channels?: {
                                        [key: string]: unknown;
                                    };
                                    condition: {
                                        [key: string]: unknown;
                                    };
                                    /** @default true */
                                    enabled: boolean;
                                    name: string;
                                }[];
                                /** @default [] */
                                connections: {
                                    connector: string;
                                    name: string;
                                    /** @default {} */
                                    secrets: {
                                        [key: string]: unknown;
                                    };
                                    /** @default {} */
                                    settings: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                /** @default [] */
                                destinations: {
                                    connection: string;
                                    /** @default true */
                                    enabled: boolean;
                                    kind: string;
                                    name: string;
                                    /** @default {} */
                                    settings: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                /** @default [] */
                                pipelines: {
                                    connection: string;
                                    /** @default true */
                                    enabled: boolean;
                                    kind: string;
                                    name: string;
                                    schedule?: string;
                                    /** @default {} */
                                    settings: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                /** @default [] */
                                sources: {
                                    /** @default null */
                                    destination: string | null;
                                    name: string;
                                }[];
                                /** @enum {number} */
                                version: 1;
                            };
                            env: {
                                for: string;
                                name: string;
                            }[];
                            notes: string[];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/config/apply": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make the hub match a document (or plan it: dryRun); every problem in one 400 before any change */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        document?: unknown;
                        /** @default false */
                        dryRun?: boolean;
                        /** @default false */
                        prune?: boolean;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dryRun: boolean;
                            plan: {
                                changes: {
                                    /** @enum {string} */
                                    action: "create" | "update" | "delete";
                                    fields?: {
                                        from?: unknown;
                                        path: string;
                                        secret?: boolean;
                                        to?: unknown;
                                    }[];
                                    name: string;
                                    notes?: string[];
                                    /** @enum {string} */
                                    type: "connection" | "destination" | "source" | "pipeline" | "alert";
                                }[];
                                unmanaged: {
                                    name: string;
                                    /** @enum {string} */
                                    type: "connection" | "destination" | "source" | "pipeline" | "alert";
                                }[];
                            };
                            prune: boolean;
                            writeKeys: {
                                source: string;
                                writeKey: string;
                            }[];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict (e.g. still in use) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The vendor or a plugin failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List connections */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connections: components["schemas"]["Connection"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a connection (settings and secrets checked against the connector) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectorId: string;
                        name: string;
                        /** @default {} */
                        secrets?: {
                            [key: string]: unknown;
                        };
                        /** @default {} */
                        settings?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connection: components["schemas"]["Connection"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One connection (secrets masked) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connection: components["schemas"]["Connection"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a connection (409 while anything uses it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict (e.g. still in use) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a connection */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        secrets?: {
                            [key: string]: unknown;
                        };
                        settings?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connection: components["schemas"]["Connection"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/connections/{id}/discover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Objects and fields the connection offers */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        objects?: string[];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            objects: ({
                                name: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The vendor or a plugin failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A plugin did not answer in time */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What uses the connection */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            usedBy: components["schemas"]["ConnectionUse"][];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections/{id}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the connector's check; a failed check is a 200 with ok: false */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ValidateAnswer"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Installed connectors (JSON Schemas of settings, secrets, stream and writer options) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connectors: components["schemas"]["Connector"][];
                            errors: components["schemas"]["PluginError"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connectors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One connector */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connector: components["schemas"]["Connector"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/destinations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List event destinations */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            destinations: components["schemas"]["Destination"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a destination (settings checked against its kind's schema) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                        enabled?: boolean;
                        kind: string;
                        name: string;
                        settings?: components["schemas"]["DestinationSettings"];
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            destination: components["schemas"]["Destination"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/destinations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One destination */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            destination: components["schemas"]["Destination"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a destination */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict (e.g. still in use) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a destination */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId?: string;
                        enabled?: boolean;
                        name?: string;
                        settings?: components["schemas"]["DestinationSettings"];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            destination: components["schemas"]["Destination"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/destinations/kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Destination kinds on offer, each with the JSON Schema of its settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kinds: components["schemas"]["DestinationKind"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored events, newest first, with the counts per state */
        get: {
            parameters: {
                query?: {
                    before?: number;
                    errorCode?: string;
                    limit?: number;
                    search?: string;
                    sourceId?: string;
                    state?: ("received" | "retrying" | "delivered" | "failed") | "waiting";
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            counts: components["schemas"]["EventCounts"];
                            events: components["schemas"]["EventRow"][];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event with its payload and delivery attempts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            event: components["schemas"]["EventDetail"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put failed events back in the queue: some ids, a filter, or all */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        ids: number[];
                    } | {
                        filter: {
                            errorCode?: string;
                            search?: string;
                            sourceId?: string;
                            type?: string;
                        };
                    } | {
                        /** @enum {boolean} */
                        all: true;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replayed: number;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: `ready` with the counts, then `change` (at most one a second) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Budget use per vendor account and bucket */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            limits: components["schemas"]["LimitRow"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document (OpenAPI 3.1), with the settings schemas and service routes of the loaded plugins */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events and vendor calls per time bucket, counts per state and the backlog */
        get: {
            parameters: {
                query?: {
                    bucket?: number;
                    hours?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            backlog: components["schemas"]["BacklogEntry"][];
                            bucketMinutes: number;
                            calls: {
                                connector: string;
                                n: number;
                                status: string;
                                t: number;
                            }[];
                            counts: components["schemas"]["EventCounts"];
                            events: {
                                delivered: {
                                    n: number;
                                    t: number;
                                }[];
                                failed: {
                                    n: number;
                                    t: number;
                                }[];
                                received: {
                                    n: number;
                                    t: number;
                                }[];
                            };
                            since: number;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List pipelines with their last run */
        get: {
            parameters: {
                query?: {
                    connectionId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pipelines: components["schemas"]["Pipeline"][];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a pipeline (settings checked against its kind's schema) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                        enabled?: boolean;
                        kind: string;
                        name: string;
                        schedule?: string;
                        settings?: components["schemas"]["PipelineSettings"];
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pipeline: components["schemas"]["Pipeline"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One pipeline with its last run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pipeline: components["schemas"]["Pipeline"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a pipeline (409 while it runs) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict (e.g. still in use) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a pipeline */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId?: string;
                        enabled?: boolean;
                        name?: string;
                        resetCursor?: boolean;
                        schedule?: string;
                        settings?: components["schemas"]["PipelineSettings"];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pipeline: components["schemas"]["Pipeline"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/pipelines/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dry run of a saved pipeline from its cursor */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @default 20 */
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            preview: components["schemas"]["Preview"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The vendor or a plugin failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A plugin did not answer in time */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/{id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a run now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            runId: number;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict (e.g. still in use) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs of a pipeline, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            runs: components["schemas"]["Run"][];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/kinds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pipeline kinds, each with the JSON Schema of its settings, and the schedule presets */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PipelineKinds"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dry run of unsaved settings: nothing is saved, written or sent */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                        enabled?: boolean;
                        kind: string;
                        /** @default 20 */
                        limit?: number;
                        name: string;
                        schedule?: string;
                        settings?: components["schemas"]["PipelineSettings"];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            preview: components["schemas"]["Preview"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The vendor or a plugin failed */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A plugin did not answer in time */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/run-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run every enabled pipeline of a connection; one failing does not stop the others */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunAllAnswer"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Loaded plugin packages, what each contributes, and every problem */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            errors: {
                                code: string;
                                message: string;
                                packageName: string | null;
                            }[];
                            plugins: components["schemas"]["PluginPackage"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pulls/{connectionId}/activity/discover-categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sample activity entries for their categories (1000, then 800, then 500 on slow answers) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        budgetMs?: number;
                        categoryField?: string;
                        object?: string;
                        pipelineId?: string;
                        sampleSize?: 1000 | 800 | 500;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            attempts: {
                                error?: string;
                                ms: number;
                                /** @enum {string} */
                                outcome: "ok" | "slow" | "failed";
                                sampleSize: number;
                            }[];
                            categories: {
                                activityType: ("EMAIL" | "MEETING" | "TYPE_MANUAL") | null;
                                category: string;
                                count: number;
                                mapped: boolean;
                            }[];
                            /** @description What "Resample" should ask for next (null: already the smallest) */
                            nextSampleSize: 1000 | 800 | 500 | null;
                            /** @description How many rows it held */
                            sampled: number;
                            /** @description The sample size that answered */
                            sampleSize: number;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pulls/{connectionId}/common": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A Gainsight connection's Common settings: primary CRM, GSID field, and whether pulls may run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            common: {
                                /** @description Salesforce Account field holding each account's Gainsight GSID */
                                gsidField: string;
                                /** @description The chosen primary CRM; null: the only Salesforce connection, if there is exactly one */
                                primaryConnectionId: string | null;
                            };
                            gate: {
                                ok: boolean;
                                /** @description Why Gainsight pulls refuse to run now */
                                reason: string | null;
                            };
                            primary: {
                                connectionId: string;
                                name: string;
                                /** @enum {string} */
                                resolvedBy: "setting" | "only_salesforce";
                            } | null;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Save the Common settings */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        gsidField?: string;
                        primaryConnectionId?: string | null;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            common: {
                                /** @description Salesforce Account field holding each account's Gainsight GSID */
                                gsidField: string;
                                /** @description The chosen primary CRM; null: the only Salesforce connection, if there is exactly one */
                                primaryConnectionId: string | null;
                            };
                            gate: {
                                ok: boolean;
                                /** @description Why Gainsight pulls refuse to run now */
                                reason: string | null;
                            };
                            primary: {
                                connectionId: string;
                                name: string;
                                /** @enum {string} */
                                resolvedBy: "setting" | "only_salesforce";
                            } | null;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pulls/{connectionId}/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Custom fields registered from surveys */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fields: {
                                field: string;
                                label: string | null;
                                object: string;
                                registeredAt: number;
                                type: string | null;
                            }[];
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pulls/{connectionId}/surveys/detect-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A survey object's field mappings, detected from its fields */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connectionId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        object: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Response field → Gainsight field name, as detected */
                            fieldMappings: {
                                company?: string;
                                email?: string;
                                npsGroup?: string;
                                respondedAt?: string;
                                score?: string;
                                surveyId?: string;
                                surveyType?: string;
                                text?: string;
                            };
                            fields: {
                                label?: string;
                                name: string;
                                type: string;
                            }[];
                            /** @description Mapping keys nothing on the object looked like */
                            missing: string[];
                            object: string;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Calls to Qualtrics, newest first */
        get: {
            parameters: {
                query?: {
                    before?: number;
                    limit?: number;
                    origin?: "webhook" | "event" | "test";
                    state?: "pending" | "retrying" | "delivered" | "failed";
                    triggerId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            counts: {
                                delivered: number;
                                failed: number;
                                pending: number;
                                retrying: number;
                            };
                            deliveries: {
                                attempts: number;
                                createdAt: number;
                                deliveredAt: number | null;
                                eventId: string | null;
                                id: number;
                                lastError: {
                                    at: number;
                                    body?: unknown;
                                    code: string;
                                    message: string;
                                    status?: number;
                                    vendorCode?: string;
                                } | null;
                                nextAttemptAt: number;
                                /** @enum {string} */
                                origin: "webhook" | "event" | "test";
                                /** @description The hub event id for origin 'event' */
                                originRef: string | null;
                                payloadPreview: string;
                                requestId: string | null;
                                /** @enum {string} */
                                state: "pending" | "retrying" | "delivered" | "failed";
                                statusCode: number | null;
                                triggerId: string;
                                updatedAt: number;
                            }[];
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One delivery */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            delivery: {
                                attempts: number;
                                createdAt: number;
                                deliveredAt: number | null;
                                eventId: string | null;
                                id: number;
                                lastError: {
                                    at: number;
                                    body?: unknown;
                                    code: string;
                                    message: string;
                                    status?: number;
                                    vendorCode?: string;
                                } | null;
                                nextAttemptAt: number;
                                /** @enum {string} */
                                origin: "webhook" | "event" | "test";
                                /** @description The hub event id for origin 'event' */
                                originRef: string | null;
                                payload: unknown;
                                payloadPreview: string;
                                requestId: string | null;
                                /** @enum {string} */
                                state: "pending" | "retrying" | "delivered" | "failed";
                                statusCode: number | null;
                                triggerId: string;
                                updatedAt: number;
                            };
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/deliveries/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** One failed delivery back in the queue */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replayed: number;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/deliveries/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Every failed delivery (of one trigger, or all) back in the queue */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        triggerId?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            replayed: number;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Event rules (hub track events → a trigger) */
        get: {
            parameters: {
                query?: {
                    triggerId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rules: {
                                createdAt: string;
                                enabled: boolean;
                                event: string;
                                id: string;
                                /** @description Only events from this source; null: any source */
                                sourceId: string | null;
                                triggerId: string;
                                /** @constant */
                                type: "track";
                            }[];
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an event rule */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled?: boolean;
                        event: string;
                        sample?: {
                            [key: string]: unknown;
                        };
                        sourceId?: string | null;
                        triggerId: string;
                        /**
                         * @default track
                         * @constant
                         */
                        type?: "track";
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: {
                                check: {
                                    sample: {
                                        eventId: number | null;
                                        /** @enum {string} */
                                        source: "pasted" | "event" | "built";
                                    };
                                    unverified: string[];
                                    values: {
                                        [key: string]: unknown;
                                    };
                                };
                                createdAt: string;
                                enabled: boolean;
                                event: string;
                                id: string;
                                /** @description Only events from this source; null: any source */
                                sourceId: string | null;
                                triggerId: string;
                                /** @constant */
                                type: "track";
                            };
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an event rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change an event rule */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled?: boolean;
                        event?: string;
                        sample?: {
                            [key: string]: unknown;
                        };
                        sourceId?: string | null;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: {
                                createdAt: string;
                                enabled: boolean;
                                event: string;
                                id: string;
                                /** @description Only events from this source; null: any source */
                                sourceId: string | null;
                                triggerId: string;
                                /** @constant */
                                type: "track";
                            };
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/qualtrics/triggers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Workflow triggers with their delivery status */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            triggers: {
                                connectionId: string;
                                counts: {
                                    delivered: number;
                                    failed: number;
                                    pending: number;
                                    retrying: number;
                                };
                                createdAt: string;
                                enabled: boolean;
                                id: string;
                                name: string;
                                /** @description The last characters of the webhook secret; the secret is shown once */
                                secretHint: string;
                                template: {
                                    key: string;
                                    value: string;
                                }[];
                                triggerUrl: string | null;
                                updatedAt: string;
                                username: string | null;
                                /** @description Where Gainsight's External Action calls */
                                webhookUrl: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a trigger; the answer is the only one that carries its webhook secret */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId: string;
                        enabled?: boolean;
                        name: string;
                        /** @default [] */
                        template?: {
                            key: string;
                            value: string;
                        }[];
                        triggerUrl?: string | null;
                        username?: string | null;
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            trigger: {
                                connectionId: string;
                                counts: {
                                    delivered: number;
                                    failed: number;
                                    pending: number;
                                    retrying: number;
                                };
                                createdAt: string;
                                enabled: boolean;
                                id: string;
                                name: string;
                                /** @description The last characters of the webhook secret; the secret is shown once */
                                secretHint: string;
                                template: {
                                    key: string;
                                    value: string;
                                }[];
                                triggerUrl: string | null;
                                updatedAt: string;
                                username: string | null;
                                /** @description Where Gainsight's External Action calls */
                                webhookUrl: string;
                            };
                            webhookUrl: string;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/triggers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One trigger */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            trigger: {
                                connectionId: string;
                                counts: {
                                    delivered: number;
                                    failed: number;
                                    pending: number;
                                    retrying: number;
                                };
                                createdAt: string;
                                enabled: boolean;
                                id: string;
                                name: string;
                                /** @description The last characters of the webhook secret; the secret is shown once */
                                secretHint: string;
                                template: {
                                    key: string;
                                    value: string;
                                }[];
                                triggerUrl: string | null;
                                updatedAt: string;
                                username: string | null;
                                /** @description Where Gainsight's External Action calls */
                                webhookUrl: string;
                            };
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a trigger */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a trigger */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        connectionId?: string;
                        enabled?: boolean;
                        name?: string;
                        template?: {
                            key: string;
                            value: string;
                        }[];
                        triggerUrl?: string | null;
                        username?: string | null;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            trigger: {
                                connectionId: string;
                                counts: {
                                    delivered: number;
                                    failed: number;
                                    pending: number;
                                    retrying: number;
                                };
                                createdAt: string;
                                enabled: boolean;
                                id: string;
                                name: string;
                                /** @description The last characters of the webhook secret; the secret is shown once */
                                secretHint: string;
                                template: {
                                    key: string;
                                    value: string;
                                }[];
                                triggerUrl: string | null;
                                updatedAt: string;
                                username: string | null;
                                /** @description Where Gainsight's External Action calls */
                                webhookUrl: string;
                            };
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/qualtrics/triggers/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the webhook secret */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            trigger: {
                                connectionId: string;
                                counts: {
                                    delivered: number;
                                    failed: number;
                                    pending: number;
                                    retrying: number;
                                };
                                createdAt: string;
                                enabled: boolean;
                                id: string;
                                name: string;
                                /** @description The last characters of the webhook secret; the secret is shown once */
                                secretHint: string;
                                template: {
                                    key: string;
                                    value: string;
                                }[];
                                triggerUrl: string | null;
                                updatedAt: string;
                                username: string | null;
                                /** @description Where Gainsight's External Action calls */
                                webhookUrl: string;
                            };
                            webhookUrl: string;
                        };
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/qualtrics/triggers/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dry run (the request it would send), or with confirm: true the real workflow */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        confirm?: boolean;
                        input?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @constant */
                            dryRun: true;
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            request: {
                                body: unknown;
                                /** @description Credentials masked (`Basic ••••`) */
                                headers: {
                                    [key: string]: string;
                                };
                                method: string;
                                url: string;
                            } | null;
                            warning: string;
                        } | ({
                            deliveryId: number;
                            /** @constant */
                            dryRun: false;
                            eventId: string | null;
                            /** @constant */
                            ok: true;
                            requestId: string | null;
                            status: number | null;
                        } | {
                            deliveryId: number;
                            /** @constant */
                            dryRun: false;
                            error: {
                                at: number;
                                body?: unknown;
                                code: string;
                                message: string;
                                status?: number;
                                vendorCode?: string;
                            };
                            /** @constant */
                            ok: false;
                            status: number | null;
                        });
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            run: components["schemas"]["Run"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-record outcomes of a run, in the order they were handled */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    offset?: number | null;
                    status?: "written" | "skipped" | "failed";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            records: components["schemas"]["RunRecord"][];
                            total: number;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Checks the admin token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where others reach the hub (the base of ingest and webhook URLs) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            publicUrl: components["schemas"]["PublicUrl"];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sources (write keys shown by their last characters) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sources: components["schemas"]["Source"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a source; the answer is the only one that carries its write key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        destinationId?: string | null;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            source: components["schemas"]["Source"];
                            writeKey: string;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One source */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            source: components["schemas"]["Source"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a source */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done (no body) */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a source or change its destination */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        destinationId?: string | null;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            source: components["schemas"]["Source"];
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/sources/{id}/rotate-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the write key (the old one stops working) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            source: components["schemas"]["Source"];
                            writeKey: string;
                        };
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sources/refusals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Requests ingest refused, per source and reason, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            refusals: components["schemas"]["Refusal"][];
                        };
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: version and uptime */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            uptimeSeconds: number;
                            version: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/qualtrics/{triggerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A Gainsight External Action's call: one Qualtrics workflow run per call
         * @description Authenticated by the trigger's secret: `X-Synchub-Secret: <secret>` or `Authorization: Bearer <secret>`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    triggerId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description OK */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, never>;
                    };
                };
                /** @description Invalid input */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (events by state, vendor calls, budgets, runs) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain; version=0.0.4": string;
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alias": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One alias call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A batch of calls, each naming its type; all stored or none
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        batch: (components["schemas"]["IngestMessage"] & ({
                            /** @enum {string} */
                            type: "identify" | "group" | "track" | "page" | "screen" | "alias";
                        } & {
                            [key: string]: unknown;
                        }))[];
                        context?: {
                            [key: string]: unknown;
                        };
                        writeKey?: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/group": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One group call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/identify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One identify call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/page": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One page call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/screen": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One screen call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/track": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * One track call (Segment/RudderStack spec); 200 once it is stored
         * @description Authenticated by a source's write key (Basic, as the user) or the body's `writeKey`. At most 512000 bytes per request and 32768 per message; `Content-Encoding: gzip` is accepted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestMessage"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Accepted"];
                    };
                };
                /** @description Invalid input: `error.issues` names each field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or invalid admin token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Accepted: {
            duplicates: number;
            stored: number;
            /** @enum {boolean} */
            success: true;
        };
        AccountDetail: {
            account: components["schemas"]["AccountView"] & {
                raw: {
                    [key: string]: unknown;
                } | null;
            };
            activities: components["schemas"]["Activity"][];
            companies: components["schemas"]["CsCompany"][];
            surveyResponses: components["schemas"]["SurveyResponse"][];
            usage: components["schemas"]["UsageMetric"][];
        };
        AccountList: {
            accounts: components["schemas"]["AccountRow"][];
            total: number;
        };
        AccountRow: components["schemas"]["AccountView"] & {
            company: components["schemas"]["CsCompany"] | null;
            counts: {
                activities: number;
                surveys: number;
                usage: number;
            };
        };
        AccountView: {
            arr: number | null;
            connectionId: string;
            domain: string | null;
            /** @description The account's link key: its CS company id */
            gsid: string | null;
            id: string;
            name: string | null;
            ownerId: string | null;
            parentId: string | null;
            /** @description YYYY-MM-DD */
            renewalDate: string | null;
            syncedAt: number;
            systemModstamp: string | null;
        };
        Activity: {
            activityDate: string | null;
            authorId: string | null;
            category: string | null;
            companyGsid: string | null;
            connectionId: string;
            gsid: string;
            modifiedAt: string | null;
            notes: string | null;
            subject: string | null;
            /** @description Null: a category the map does not cover yet */
            type: string | null;
        };
        AlertBudget: {
            details: {
                [key: string]: unknown;
            };
            /** @description `<account>:<bucket>`, the scope a budget rule names */
            key: string;
            label: string;
            percent: number;
        };
        AlertChannels: {
            email: components["schemas"]["AlertEmailChannel"] | null;
            webhook: {
                /** @description Scheme and host only, the rest masked: `https://host/••••••` */
                url: string;
            } | null;
        };
        /** @description One condition, its defaults filled in; a null scope: all of them */
        AlertCondition: {
            pipelineId: string | null;
            /** @enum {string} */
            type: "run_failed";
        } | {
            periods: number;
            pipelineId: string | null;
            /** @enum {string} */
            type: "pipeline_stale";
        } | {
            destinationId: string | null;
            periodMinutes: number;
            threshold: number;
            /** @enum {string} */
            type: "failed_events";
        } | {
            budget: string | null;
            minutes: number;
            percent: number;
            /** @enum {string} */
            type: "budget_used";
        } | {
            destinationId: string | null;
            minutes: number;
            /** @enum {string} */
            type: "waiting_age";
        };
        AlertDelivery: {
            at: number;
            attempts: number;
            /** @enum {string} */
            channel: "webhook" | "email";
            error?: string;
            ok: boolean;
            /** @description The webhook's host or the e-mail's recipients (never a secret) */
            target: string;
        };
        AlertEmailChannel: {
            from: string;
            host: string;
            /**
             * @description The mask when a password is stored, never it
             * @enum {string|null}
             */
            password: "••••••" | null;
            port?: number;
            secure: boolean;
            to: string[];
            user: string | null;
        };
        AlertHistoryEntry: {
            at: number;
            deliveries: components["schemas"]["AlertDelivery"][];
            id: number;
            /** @enum {string} */
            kind: "firing" | "resolved" | "test";
            label: string | null;
            ruleId: string;
            ruleName: string;
            /** @enum {string} */
            status: "pending" | "sent" | "partial" | "failed" | "none";
            subject: string | null;
            summary: string;
        };
        AlertRule: {
            channels: components["schemas"]["AlertChannels"];
            condition: components["schemas"]["AlertCondition"];
            createdAt: string;
            enabled: boolean;
            id: string;
            name: string;
            state: components["schemas"]["AlertState"];
            updatedAt: string;
        };
        AlertState: {
            firing: components["schemas"]["AlertStateItem"][];
            pending: components["schemas"]["AlertStateItem"][];
            since: number | null;
            /** @enum {string} */
            status: "ok" | "pending" | "firing";
        };
        AlertStateItem: {
            label: string;
            since: number;
            subject: string;
            summary: string;
        };
        /** @description One try per channel, answered per channel */
        AlertTestResult: {
            ok: boolean;
            results: components["schemas"]["AlertDelivery"][];
        };
        AuditEntry: {
            [key: string]: unknown;
        };
        BacklogEntry: {
            budget: {
                bucket: string;
                connector: string;
                label: string;
                limit: number;
                perMinute: number;
                windowLabel: string | null;
                windowMs: number;
            } | null;
            destinationId: string | null;
            destinationName: string | null;
            enabled: boolean;
            estimate: {
                calls: number;
                limitedBy: {
                    remaining: number;
                    resetsAt: number;
                    windowLabel: string | null;
                    windowMs: number;
                } | null;
                ms: number;
            } | null;
            oldestReceivedAt: number | null;
            perCall: {
                calls: number;
                events: number;
                measured: boolean;
            };
            retrying: number;
            waiting: number;
        };
        Connection: {
            connectorId: string;
            createdAt: string;
            id: string;
            lastCheck: {
                at: string;
                details: {
                    [key: string]: unknown;
                };
                /** @enum {boolean} */
                ok: true;
                summary: string;
            } | {
                at: string;
                error: components["schemas"]["ErrorInfo"];
                /** @enum {boolean} */
                ok: false;
            } | null;
            name: string;
            /** @description Masked: the keys that are set */
            secrets: {
                [key: string]: string;
            };
            settings: {
                [key: string]: unknown;
            };
            updatedAt: string;
        };
        ConnectionUse: {
            id: string;
            name: string;
            type: string;
        } & {
            [key: string]: unknown;
        };
        Connector: {
            description?: string | null;
            destination?: components["schemas"]["DestinationInfo"] | null;
            id: string;
            name: string;
            secretsSchema: components["schemas"]["JsonSchema"];
            settingsSchema: components["schemas"]["JsonSchema"];
            streamDetails?: components["schemas"]["StreamDetail"][];
            streams: unknown[];
            version: string;
            writers: components["schemas"]["WriterDetail"][];
        };
        CsCompany: {
            connectionId: string;
            fields: {
                [key: string]: unknown;
            };
            /** @description The CS platform's company id */
            gsid: string;
            matchedBy: string;
            name: string | null;
            syncedAt: number;
        };
        DeliveryAttempt: {
            at: number;
            attempt: number;
            destinationId: string | null;
            error: components["schemas"]["StoredError"] | null;
            /** @enum {string} */
            outcome: "delivered" | "retry" | "failed";
        };
        Destination: {
            connectionId: string;
            createdAt: string;
            enabled: boolean;
            id: string;
            kind: string;
            name: string;
            settings: components["schemas"]["DestinationSettings"];
            updatedAt: string;
        };
        DestinationInfo: {
            description?: string | null;
            merge: boolean;
            messageTypes: string[];
            settingsSchema: components["schemas"]["JsonSchema"];
            title: string;
        };
        DestinationKind: {
            connectorId: string;
            description?: string | null;
            kind: string;
            merge: boolean;
            messageTypes: string[];
            settingsSchema: components["schemas"]["JsonSchema"];
            title: string;
        };
        /** @description Settings of one kind: the one named by `kind` (see x-synchub-kinds). Kinds: gainsight. */
        DestinationSettings: components["schemas"]["DestinationSettings.gainsight"];
        /** Gainsight CS (gainsight) */
        "DestinationSettings.gainsight": {
            /**
             * Custom company fields
             * @description group trait → Company __gc field
             * @default []
             */
            companyFieldMap: {
                field: string;
                trait: string;
            }[];
            /**
             * Events contract id
             * @description Optional; a gainsightEventContractId externalId on the call wins over it
             */
            contractId?: string;
            /**
             * Event versions
             * @description track event name → Gainsight event name and version (case-sensitive)
             * @default []
             */
            eventVersions: {
                event: string;
                eventName?: string;
                version: string;
            }[];
            /**
             * Flush window (ms)
             * @description Calls for the same person or company inside one window are merged into one
             * @default 2000
             */
            flushWindowMs: number;
            /**
             * Max attempts
             * @description Retries for temporary failures before an event is dead-lettered
             * @default 20
             */
            maxAttempts: number;
            /**
             * Custom person fields
             * @description identify trait → Person __gc field
             * @default []
             */
            personFieldMap: {
                field: string;
                trait: string;
            }[];
            /**
             * Events topic name
             * @description Required for track
             */
            topicName?: string;
        };
        Error: {
            /** @description Some codes add fields (e.g. `usedBy` with `conflict`, `known` with unknown_connector) */
            error: {
                code: string;
                issues?: components["schemas"]["Issue"][];
                message: string;
                vendorCode?: string;
            } & {
                [key: string]: unknown;
            };
        };
        ErrorInfo: {
            code: string;
            message: string;
            vendorCode?: string;
        };
        EventCounts: {
            delivered: number;
            failed: number;
            received: number;
            retrying: number;
        };
        EventDetail: components["schemas"]["EventRow"] & {
            deliveryAttempts?: components["schemas"]["DeliveryAttempt"][];
            payload?: unknown;
        };
        EventRow: {
            attempts: number;
            deliveredAt: number | null;
            destinationId: string | null;
            id: number;
            label: string;
            lastError: components["schemas"]["StoredError"] | null;
            messageId: string;
            nextAttemptAt: number;
            receivedAt: number;
            sourceId: string;
            state: components["schemas"]["EventState"];
            type: string;
        };
        /** @enum {string} */
        EventState: "received" | "retrying" | "delivered" | "failed";
        IngestMessage: {
            anonymousId?: string;
            context?: {
                [key: string]: unknown;
            };
            event?: string;
            groupId?: string;
            messageId?: string;
            properties?: {
                [key: string]: unknown;
            };
            timestamp?: string;
            traits?: {
                [key: string]: unknown;
            };
            userId?: string;
            writeKey?: string;
        } & {
            [key: string]: unknown;
        };
        Issue: {
            message: string;
            path: string;
        };
        /** @description A JSON Schema (draft 2020-12) of a settings or options object */
        JsonSchema: {
            anyOf?: components["schemas"]["JsonSchema"][];
            const?: unknown;
            default?: unknown;
            description?: string;
            enum?: unknown[];
            examples?: unknown[];
            format?: string;
            items?: components["schemas"]["JsonSchema"];
            maximum?: number;
            maxLength?: number;
            minimum?: number;
            minLength?: number;
            oneOf?: components["schemas"]["JsonSchema"][];
            properties?: {
                [key: string]: components["schemas"]["JsonSchema"];
            };
            required?: string[];
            title?: string;
            type?: string | string[];
        };
        LimitRow: {
            account: string;
            bucket: string;
            connections: string[];
            connector: string;
            reported?: components["schemas"]["ReportedUsage"] | null;
            usage: components["schemas"]["WindowUsage"][];
        };
        Pipeline: {
            connectionId: string;
            createdAt: string;
            cursor: string | null;
            enabled: boolean;
            id: string;
            kind: string;
            lastRun: components["schemas"]["Run"] | null;
            name: string;
            nextRunAt: number | null;
            running: boolean;
            schedule: string;
            settings: components["schemas"]["PipelineSettings"];
            updatedAt: string;
        };
        PipelineKindInfo: {
            connectorId: string;
            defaultSchedule: string;
            description: string;
            group: string;
            kind: string;
            settingsSchema: components["schemas"]["JsonSchema"];
            title: string;
        };
        PipelineKinds: {
            kinds: components["schemas"]["PipelineKindInfo"][];
            /** @description Schedule presets: label → cron expression (e.g. `daily` → `0 3 * * *`) */
            schedules: {
                [key: string]: string;
            };
        };
        /** @description Settings of one kind: the one named by `kind` (see x-synchub-kinds). Kinds: sync. */
        PipelineSettings: components["schemas"]["PipelineSettings.sync"];
        /** Sync (sync) */
        "PipelineSettings.sync": {
            /**
             * Destination connection
             * @description Where records are written (may be the source).
             */
            destinationConnectionId: string;
            /**
             * Match on
             * @description The target field that finds the record to update (required for update and upsert writers).
             */
            key?: string;
            /**
             * Mapping
             * @description Target fields and where their values come from: a source field ({from, to}), a constant ({value, to}), a template ({template: "{{FirstName}} {{LastName}}", to}) or a value lookup table ({from, to, lookup}).
             */
            mapping: {
                /**
                 * Default
                 * @description Used when the source is empty.
                 */
                default?: unknown;
                /**
                 * Source field
                 * @description Dotted path into the source record, e.g. Name or traits.plan.
                 */
                from?: string | string[];
                /**
                 * Lookup table
                 * @description Replace source values: {"source value": "target value"}.
                 */
                lookup?: {
                    [key: string]: unknown;
                };
                /**
                 * Lookup default
                 * @description For a value not in the table (else the record fails).
                 */
                lookupDefault?: unknown;
                /**
                 * Required
                 * @description A record without a value fails instead of being written.
                 */
                required?: boolean;
                /**
                 * Template
                 * @description Text built from source fields, e.g. "{{FirstName}} {{LastName}}".
                 */
                template?: string;
                /** Target field */
                to: string;
                /**
                 * Type
                 * @description Convert the value to this type before writing it.
                 * @enum {string}
                 */
                type?: "string" | "number" | "integer" | "boolean" | "date" | "datetime" | "json" | "auto";
                /**
                 * Constant
                 * @description The same value on every record (instead of a source field).
                 */
                value?: unknown;
            }[];
            /**
             * Stream
             * @description What to read from the source connection, e.g. accounts.
             */
            stream: string;
            /**
             * Stream options
             * @description The stream's own options (object, filters…). A field list (fields or select) left out reads the fields the mapping uses.
             * @default {}
             */
            streamOptions: {
                [key: string]: unknown;
            };
            /**
             * Writer
             * @description How records are written, e.g. company_update.
             */
            writer: string;
            /**
             * Writer options
             * @description The writer's own options (object, keys…).
             * @default {}
             */
            writerOptions: {
                [key: string]: unknown;
            };
        };
        PlannedRequest: {
            body?: unknown;
            connectionId: string;
            connectorId: string;
            /** @description Secrets masked as •••• */
            headers: {
                [key: string]: string;
            };
            method: string;
            url: string;
        };
        PluginError: {
            message: string;
            packageName?: string;
        };
        PluginPackage: {
            connectors: string[];
            destinations: string[];
            kinds: string[];
            mount: string | null;
            packageName: string;
            pages: {
                id: string;
                title: string;
            }[];
            pluginId: string | null;
            version: string | null;
        } & {
            [key: string]: unknown;
        };
        Preview: {
            counts: components["schemas"]["RunCounts"];
            error: {
                code: string;
                message: string;
            } | null;
            kind: string;
            limit: number;
            records: components["schemas"]["PreviewRecord"][];
            requests: components["schemas"]["PlannedRequest"][];
        };
        PreviewRecord: {
            /** @description As it would be written; null: it would be skipped */
            after: {
                [key: string]: unknown;
            } | null;
            /** @description The record as read */
            before: {
                [key: string]: unknown;
            };
            note?: string;
        };
        PublicUrl: {
            configured: boolean;
            loopback: boolean;
            url: string;
        };
        /** @enum {string} */
        RecordStatus: "written" | "skipped" | "failed";
        Refusal: {
            code: string;
            count: number;
            firstAt: number;
            lastAt: number;
            reason: string;
            sourceId: string | null;
            status: number;
        };
        ReportedUsage: {
            limit: number;
            nextCallAt: number | null;
            remaining: number;
            reportedAt: number;
            slowLine: number;
            spentSince: number;
            /** @enum {string} */
            state: "normal" | "slowing" | "stopped" | "exhausted";
            stopLine: number;
            used: number;
            windowMs: number;
        };
        Run: {
            counts: components["schemas"]["RunCounts"];
            cursorAfter: string | null;
            cursorBefore: string | null;
            details: {
                [key: string]: unknown;
            } | null;
            error: components["schemas"]["RunError"] | null;
            finishedAt: number | null;
            id: number;
            /** @description The run's number within its pipeline: 1 for its first run */
            number: number;
            pipelineId: string;
            /** @description Epoch ms */
            startedAt: number;
            status: components["schemas"]["RunStatus"];
            trigger: string;
        };
        RunAllAnswer: {
            started: {
                error?: string;
                pipelineId: string;
                runId?: number;
            }[];
        };
        RunCounts: {
            failed: number;
            read: number;
            /** @description Why records were skipped or failed, e.g. `{ "no account with GsCompanyId": 12 }` */
            reasons: {
                [key: string]: number;
            };
            skipped: number;
            written: number;
        };
        RunError: {
            body?: unknown;
            code: string;
            message: string;
            status?: number;
            vendorCode?: string;
        };
        RunRecord: {
            /** @description The vendor's answer for the record (a connector's WriteError), or null */
            error: ({
                body?: unknown;
                code?: string;
                message?: string;
                vendorCode?: string;
            } & {
                [key: string]: unknown;
            }) | null;
            key: string | null;
            reason: string | null;
            status: components["schemas"]["RecordStatus"];
        };
        /**
         * @description `interrupted`: the hub process running it stopped (a crash, or no heartbeat in time); the pipeline is retried from its last saved cursor
         * @enum {string}
         */
        RunStatus: "running" | "completed" | "failed" | "interrupted";
        Source: {
            createdAt: string;
            destinationId: string | null;
            id: string;
            name: string;
            updatedAt: string;
            writeKeyHint: string;
        };
        StoredError: {
            at: number;
            body?: unknown;
            code: string;
            message: string;
            status?: number;
            vendorCode?: string;
        };
        StreamDetail: {
            description?: string | null;
            name: string;
            object?: string | null;
            optionsSchema: components["schemas"]["JsonSchema"] | null;
        };
        SurveyResponse: {
            connectionId: string;
            email: string | null;
            /** @description Values of registered custom fields */
            fields: {
                [key: string]: unknown;
            } | null;
            npsGroup: string | null;
            object: string;
            respondedAt: string | null;
            responseId: string;
            score: number | null;
            surveyId: string | null;
            surveyType: string | null;
            text: string | null;
        };
        UsageMetric: {
            dimension: string | null;
            metric: string;
            /** @description YYYY-MM-DD */
            period: string | null;
            pipelineId: string;
            product: string;
            rows: number;
            secondary: {
                [key: string]: number;
            } | null;
            value: number;
        };
        ValidateAnswer: {
            at: string;
            details?: {
                [key: string]: unknown;
            };
            error?: components["schemas"]["ErrorInfo"];
            ok: boolean;
            summary?: string;
        };
        WindowUsage: {
            limit: number;
            remaining: number;
            resetsAt: number;
            used: number;
            window: {
                label?: string;
                limit: number;
                windowMs: number;
            };
        };
        WriterDetail: {
            batchSize: number;
            description?: string | null;
            mode: components["schemas"]["WriterMode"];
            name: string;
            object?: string | null;
            optionsSchema?: components["schemas"]["JsonSchema"] | null;
        };
        /** @enum {string} */
        WriterMode: "insert" | "update" | "upsert" | "publish";
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
