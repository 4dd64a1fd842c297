/** Values the global test setup (`test/global-setup.ts`) provides to every test file. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server, or null when it is unreachable (outside CI). */
    postgresUrl: string | null;
  }
}

export {};
