/**
 * The baseline for the public page in bench/evaluation.bench.ts: a bare node:http server answering
 * the bot's own ballot page (GET) and thank-you page (POST, after reading the form) from memory,
 * with the same headers. `node --import tsx bare-server.ts PAGES_JSON`. Prints `PORT n` when ready.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const [pagesFile] = process.argv.slice(2);
if (!pagesFile) throw new Error('usage: bare-server.ts PAGES_JSON');
const pages = JSON.parse(fs.readFileSync(pagesFile, 'utf8')) as {
  ballot: { body: string; headers: Record<string, string> };
  thanks: { body: string; headers: Record<string, string> };
};
const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, pages.ballot.headers);
    res.end(pages.ballot.body);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(form.has('q_overall') ? 200 : 400, pages.thanks.headers);
    res.end(pages.thanks.body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
