// Shared by the browser tests: Debian's Chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export function baseUrl() {
  const url = process.argv[2] || process.env.PARLEY_URL;
  if (!url) throw new Error('usage: node <test> http://127.0.0.1:PORT');
  return url.replace(/\/$/, '');
}
