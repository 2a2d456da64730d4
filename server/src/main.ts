// Entry point of the Docksmith language server: `node dist/server.js --stdio` or `--node-ipc`
// (`--socket=<port>` works too). Any LSP editor can run it; the VS Code client uses IPC.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

const transports = ['--stdio', '--node-ipc', '--socket=', '--pipe='];
if (!process.argv.some((a) => transports.some((t) => a.startsWith(t)))) {
  process.stderr.write('Usage: node server.js --stdio | --node-ipc | --socket=<port>\n');
  process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);
// Keep stdout clean for the protocol: console output goes to the client's log.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
process.on('uncaughtException', (err) => connection.console.error(`[docksmith] uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => connection.console.error(`[docksmith] unhandled rejection: ${String(err)}`));

startServer(connection);
connection.listen();
