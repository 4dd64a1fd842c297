/**
 * @module cli/commands/serve
 * `kiln serve`: the control plane (and, with the serving issue, the data plane) plus job workers.
 */
import { invalid } from '../../core/errors.js';
import type { CommandGroup } from './command-helpers.js';

export function portOption(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw invalid('--port', 'an integer from 0 to 65535', v);
  return Number(v);
}

export const serveCommand: CommandGroup = (program, ctx) => {
  program
    .command('serve')
    .description('Run the Kiln server (API on --port, job workers) until SIGTERM/SIGINT')
    .option('--port <port>', 'HTTP port (default 8080, or server.port / KILN_PORT)', portOption)
    .option(
      '--grpc-port <port>',
      'gRPC port (default 8081, or server.grpc_port / KILN_GRPC_PORT)',
      portOption,
    )
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .action(async (o) => {
      const { startServer, stopOnSignals } = await import('../../server/start-server.js');
      const kiln = await ctx.openLocal({
        'server.port': o.port,
        'server.grpc_port': o.grpcPort,
        'server.host': o.host,
      });
      const server = await startServer(kiln);
      // Signals are handled before the server says it is up: a SIGTERM sent on seeing that line drains.
      const stopped = new Promise<void>((resolveStopped) => stopOnSignals(server, resolveStopped));
      ctx.io.stderr(
        `Kiln is serving on ${server.url} (gRPC on port ${server.grpcPort}; API docs: ${server.url}/api/docs). Ctrl-C stops it.\n`,
      );
      await stopped;
    });
};
