#!/usr/bin/env node
/**
 * @module cli/main
 * The `kiln` command.
 */
import { Command } from 'commander';

const program = new Command('kiln').description('Kiln: governed, monitored ML endpoints').version('0.1.0');
program
  .command('demo')
  .description('Set up the demo workspace and start the server')
  .action(() => {
    console.log('Kiln skeleton: the demo arrives with the foundation.');
  });
await program.parseAsync(process.argv);
