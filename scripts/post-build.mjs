// Runs after `tsc`: makes the CLI executable and copies non-TypeScript assets (protos, HTML
// templates) that the compiled code loads from beside itself.
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = /\.(proto|html|css|sql)$/;
function copyAssets(from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    if (statSync(src).isDirectory()) copyAssets(src, dst);
    else if (ASSET.test(name)) cpSync(src, dst);
  }
}
copyAssets('src', 'dist');
if (existsSync('dist/cli/main.js')) chmodSync('dist/cli/main.js', 0o755);
